-- 030 Request context: what a request may see, computed once per request, and the helpers
-- the policies read.
--
-- The request statement (one round trip, bound parameters, transaction-local):
--     select * from crm_api.begin_request($1::bytea /* sha256(token) */, $2::inet /* client ip */);
-- It checks the session (or API token), then sets, with set_config(..., true):
--     crm.context = {"uid", "session_id", "api_token_id", "ip", "scopes": {"deal.read": 3, ...},
--                    "denied": [...], "departments": "{..}", "territories": "{..}", "private",
--                    "admin", "admin_network", "export_network"}
--     crm.context_sig = its signature (see "Trust")
--     role        = crm_user
-- and returns (ok, reason, user_id, session_id, api_token_id). When ok is false nothing is set:
-- the connection stays crm_authenticator, which can read no table.
--
-- Trust: crm.context is trusted only when session_user is crm_authenticator (the server's
-- own login), and only with a valid crm.context_sig: sha256 over a secret key (readable by
-- the owner only), the backend pid, the transaction start time and the context. So SQL run
-- by the server after begin_request cannot widen or forge its context (a Swift bug that sets
-- crm.context sees nothing: fail closed), and a context is worthless in another transaction.
-- Any other login (a BI tool) may SET crm.* to anything it likes: for those the context is
-- recomputed from crm_private.bi_logins by the login's database role (session_user) and
-- the settings are ignored.

create table crm_private.context_key (
  id boolean primary key default true check (id),
  key bytea not null
);
insert into crm_private.context_key (key)
  values (sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')));

create function crm_private.sign_context(p_context text) returns text
  language sql stable security definer set search_path = pg_catalog, pg_temp
  begin atomic
    select encode(sha256(k.key || sha256(k.key || convert_to(
             pg_backend_pid()::text || '|' || extract(epoch from now())::text || '|' || p_context, 'UTF8'))), 'hex')
    from crm_private.context_key k;
  end;

-- Department subtree of a department (itself included).
create function crm_private.department_subtree(p_root bigint) returns bigint[]
  language sql stable security definer set search_path = pg_catalog, pg_temp
  begin atomic
    with recursive t(id) as (
      select p_root where p_root is not null
      union
      select d.id from crm.departments d join t on d.parent_id = t.id
    )
    select coalesce(array_agg(id order by id), '{}') from t;
  end;

-- The user's territories and all their sub-territories.
create function crm_private.user_territory_subtree(p_user_id bigint) returns bigint[]
  language sql stable security definer set search_path = pg_catalog, pg_temp
  begin atomic
    with recursive t(id) as (
      select ut.territory_id from crm.user_territories ut where ut.user_id = p_user_id
      union
      select c.id from crm.territories c join t on c.parent_id = t.id
    )
    select coalesce(array_agg(id order by id), '{}') from t;
  end;

-- Effective scope per entity/action: the widest role scope; a personal grant widens it;
-- a personal denial makes it none.
create function crm_private.effective_permissions(p_user_id bigint)
  returns table (entity text, action text, scope crm.scope)
  language sql stable security definer set search_path = pg_catalog, pg_temp
  begin atomic
    with role_scopes as (
      select rp.entity::text as entity, rp.action::text as action, max(rp.scope) as scope
      from crm.user_roles ur
      join crm.role_permissions rp on rp.role_id = ur.role_id
      where ur.user_id = p_user_id
      group by 1, 2
    ), overrides as (
      select o.entity::text as entity, o.action::text as action, o.effect, o.scope
      from crm.user_permission_overrides o
      where o.user_id = p_user_id
    )
    select coalesce(r.entity, o.entity), coalesce(r.action, o.action),
           case when o.effect = 'deny' then 'none'::crm.scope
                when o.effect = 'grant' then greatest(coalesce(r.scope, 'none'::crm.scope), o.scope)
                else r.scope end
    from role_scopes r
    full join overrides o on o.entity = r.entity and o.action = r.action;
  end;

-- Login hours: allowed when the user has no role, or some role has no hours, or some role's
-- window contains the local time (company time zone) on one of its weekdays. A window over
-- midnight (from > to) belongs to the weekday it starts on... approximately: the weekday
-- tested is the local date of the moment itself.
create function crm_private.login_hours_ok(p_user_id bigint, p_at timestamptz) returns boolean
  language sql stable security definer set search_path = pg_catalog, pg_temp
  begin atomic
    with r as (
      select ro.login_weekdays, ro.login_from, ro.login_to
      from crm.user_roles ur join crm.roles ro on ro.id = ur.role_id
      where ur.user_id = p_user_id
    ), l as (
      select (p_at at time zone c.company_time_zone) as t from crm_private.config c
    )
    select not exists (select 1 from r)
        or exists (select 1 from r where r.login_from is null)
        or exists (
             select 1 from r, l
             where (r.login_weekdays is null or extract(isodow from l.t)::smallint = any (r.login_weekdays))
               and case when r.login_from <= r.login_to
                        then l.t::time >= r.login_from and l.t::time < r.login_to
                        else l.t::time >= r.login_from or l.t::time < r.login_to end);
  end;

-- Everything the policies need about a user, computed once. Null when the user is missing
-- or disabled (then every helper below answers "nothing").
create function crm_private.compute_context(p_user_id bigint) returns jsonb
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  u record;
  result jsonb;
begin
  select id, department_id into u from crm.users where id = p_user_id and active;
  if not found then
    return null;
  end if;
  select jsonb_build_object(
           'uid', u.id,
           'scopes', coalesce((select jsonb_object_agg(p.entity || '.' || p.action, crm_private.scope_rank(p.scope))
                                 from crm_private.effective_permissions(u.id) p
                                where p.scope > 'none'), '{}'::jsonb),
           'denied', coalesce((select jsonb_agg(o.entity || '.' || o.action order by o.entity, o.action)
                                 from crm.user_permission_overrides o
                                where o.user_id = u.id and o.effect = 'deny'), '[]'::jsonb),
           'departments', crm_private.department_subtree(u.department_id)::text,
           'territories', crm_private.user_territory_subtree(u.id)::text,
           'private', coalesce((select bool_or(ro.can_access_private) from crm.user_roles ur
                                  join crm.roles ro on ro.id = ur.role_id where ur.user_id = u.id), false),
           'admin', coalesce((select bool_or(ro.is_admin) from crm.user_roles ur
                                join crm.roles ro on ro.id = ur.role_id where ur.user_id = u.id), false))
    into result;
  return result;
end
$$;

-- The context of the current statement's session (see "Trust" above).
create function crm_private.context() returns jsonb
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  bi_user bigint;
  ctx text;
begin
  if session_user = 'crm_authenticator' then
    ctx := nullif(current_setting('crm.context', true), '');
    if ctx is null or current_setting('crm.context_sig', true) is distinct from crm_private.sign_context(ctx) then
      return null;
    end if;
    return ctx::jsonb;
  end if;
  select b.user_id into bi_user from crm_private.bi_logins b where b.role_name = session_user;
  if bi_user is null then
    return null;
  end if;
  return crm_private.compute_context(bi_user);
end
$$;

-- Policy helpers. Policies always call them wrapped in a scalar sub-select, e.g.
--   territory_id = any ((select crm_private.rls_territories('deal', 'read'))::bigint[])
-- so each is an initPlan evaluated once per statement, and the comparison with an array of
-- ids can use an index. SQL-standard bodies are parsed at creation: the querying role needs
-- EXECUTE on them (granted below) but no USAGE on crm_private.
create function crm_private.rls_uid() returns bigint
  language sql stable parallel safe
  return (crm_private.context() ->> 'uid')::bigint;

create function crm_private.rls_rank(p_entity text, p_action text) returns int
  language sql stable parallel safe
  return coalesce((crm_private.context() -> 'scopes' ->> (p_entity || '.' || p_action))::int, 0);

create function crm_private.rls_all(p_entity text, p_action text) returns boolean
  language sql stable parallel safe
  return crm_private.rls_rank(p_entity, p_action) >= 4;

create function crm_private.rls_territories(p_entity text, p_action text) returns bigint[]
  language sql stable parallel safe
  return case when crm_private.rls_rank(p_entity, p_action) >= 3
              then (crm_private.context() ->> 'territories')::bigint[] else '{}'::bigint[] end;

create function crm_private.rls_departments(p_entity text, p_action text) returns bigint[]
  language sql stable parallel safe
  return case when crm_private.rls_rank(p_entity, p_action) >= 2
              then (crm_private.context() ->> 'departments')::bigint[] else '{}'::bigint[] end;

create function crm_private.rls_own(p_entity text, p_action text) returns bigint
  language sql stable parallel safe
  return case when crm_private.rls_rank(p_entity, p_action) >= 1 then crm_private.rls_uid() end;

create function crm_private.rls_private() returns boolean
  language sql stable parallel safe
  return coalesce((crm_private.context() ->> 'private')::boolean, false);

create function crm_private.rls_admin() returns boolean
  language sql stable parallel safe
  return coalesce((crm_private.context() ->> 'admin')::boolean, false);

-- Ids of rows of an entity shared with the acting user ('read' includes 'write' shares).
-- p_for_entity: the entity the policy protects (a client share opens contacts); a personal
-- denial of that entity's action (read, or update for 'write') wins over shares too.
create function crm_private.rls_shared(p_entity text, p_access text, p_for_entity text default null)
  returns bigint[]
  language sql stable security definer set search_path = pg_catalog, pg_temp
  begin atomic
    select coalesce(array_agg(s.row_id), '{}')
    from crm.shares s
    where s.user_id = crm_private.rls_uid()
      and s.entity = p_entity
      and (s.access = 'write' or p_access = 'read')
      and not coalesce(crm_private.context() -> 'denied'
                       ? (coalesce(p_for_entity, p_entity) || '.' || case when p_access = 'write' then 'update' else 'read' end),
                       false);
  end;

grant execute on function
  crm_private.context(), crm_private.rls_uid(), crm_private.rls_rank(text, text),
  crm_private.rls_all(text, text), crm_private.rls_territories(text, text),
  crm_private.rls_departments(text, text), crm_private.rls_own(text, text),
  crm_private.rls_private(), crm_private.rls_admin(), crm_private.rls_shared(text, text, text),
  crm_private.scope_rank(crm.scope)
  to crm_user, crm_bi;

-- Networks of a user (personal and through roles) for a purpose.
-- restricted = some network is configured; matched = the most specific one containing p_ip.
create function crm_private.network_match(p_user_id bigint, p_purpose text, p_ip inet,
                                          out restricted boolean, out matched cidr)
  language sql stable security definer set search_path = pg_catalog, pg_temp
  begin atomic
    with nets as (
      select n.network from crm.networks n
      where n.purpose = p_purpose
        and (n.user_id = p_user_id
             or n.role_id in (select ur.role_id from crm.user_roles ur where ur.user_id = p_user_id))
    )
    select exists (select 1 from nets),
           (select nets.network from nets where p_ip <<= nets.network
            order by masklen(nets.network) desc limit 1);
  end;

-- Adds the request's session, token and IP to a user's context. The admin flag holds only
-- from an allowed admin network (or a session of the console's local socket); 'export_network' tells whether exports are allowed from here.
create function crm_private.request_context(p_context jsonb, p_user_id bigint, p_client_ip inet,
                                            p_session_id bigint, p_api_token_id bigint)
  returns jsonb
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  adm record;
  exp record;
  admin_place boolean;
begin
  adm := crm_private.network_match(p_user_id, 'admin', p_client_ip);
  exp := crm_private.network_match(p_user_id, 'export', p_client_ip);
  admin_place := not adm.restricted or adm.matched is not null;
  if not admin_place and p_session_id is not null then
    -- A session opened on the console's local Unix socket counts as an admin network.
    admin_place := exists (select 1 from crm_private.sessions s where s.id = p_session_id and s.purpose = 'console_local');
  end if;
  return p_context || jsonb_build_object(
    'session_id', p_session_id, 'api_token_id', p_api_token_id, 'ip', host(p_client_ip),
    'admin', coalesce((p_context ->> 'admin')::boolean, false) and admin_place,
    'admin_network', admin_place,
    'export_network', not exp.restricted or exp.matched is not null);
end
$$;

-- Checks a session or API token and returns the context to install. SECURITY DEFINER;
-- only crm_authenticator may execute it (through begin_request).
create function crm_api.authorize_request(p_token_hash bytea, p_client_ip inet,
    out ok boolean, out reason text, out user_id bigint, out session_id bigint,
    out api_token_id bigint, out context text, out signature text)
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  cfg crm_private.config;
  s crm_private.sessions;
  t crm_private.api_tokens;
  net record;
begin
  ok := false;
  select * into cfg from crm_private.config;
  if p_token_hash is null or p_client_ip is null then
    reason := 'invalid_token';
    return;
  end if;
  select * into s from crm_private.sessions x where x.token_hash = p_token_hash and x.ended_at is null;
  if found then
    user_id := s.user_id;
    session_id := s.id;
    if s.expires_at <= now() then
      update crm_private.sessions set ended_at = now(), end_reason = 'expired' where id = s.id;
      reason := 'session_expired';
      return;
    end if;
    if s.last_seen_at + cfg.idle_timeout <= now() then
      update crm_private.sessions set ended_at = now(), end_reason = 'idle' where id = s.id;
      reason := 'session_idle';
      return;
    end if;
    if not (p_client_ip <<= s.network) then
      reason := 'network_mismatch';
      return;
    end if;
  else
    select * into t from crm_private.api_tokens x where x.token_hash = p_token_hash and x.revoked_at is null;
    if not found then
      reason := 'invalid_token';
      return;
    end if;
    user_id := t.user_id;
    api_token_id := t.id;
    if t.expires_at is not null and t.expires_at <= now() then
      reason := 'token_expired';
      return;
    end if;
    net := crm_private.network_match(t.user_id, 'login', p_client_ip);
    if net.restricted and net.matched is null then
      reason := 'network_refused';
      return;
    end if;
  end if;

  context := crm_private.compute_context(user_id)::text;
  if context is null then
    if session_id is not null then
      update crm_private.sessions set ended_at = now(), end_reason = 'user_disabled' where id = session_id;
    end if;
    reason := 'user_disabled';
    return;
  end if;
  if not crm_private.login_hours_ok(user_id, now()) then
    reason := 'outside_login_hours';
    return;
  end if;

  if session_id is not null then
    update crm_private.sessions set last_seen_at = now()
     where id = session_id and last_seen_at < now() - cfg.session_touch_interval;
  else
    update crm_private.api_tokens set last_used_at = now()
     where id = api_token_id and (last_used_at is null or last_used_at < now() - cfg.session_touch_interval);
  end if;

  context := crm_private.request_context(context::jsonb, user_id, p_client_ip, session_id, api_token_id)::text;
  signature := crm_private.sign_context(context);
  ok := true;
  reason := 'ok';
end
$$;

-- Internal jobs (reminders, webhooks, 1C exchange) act as a user without a token.
create function crm_api.authorize_user(p_user_id bigint, p_client_ip inet, p_session_id bigint,
    out ok boolean, out reason text, out context text, out signature text)
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
begin
  context := crm_private.compute_context(p_user_id)::text;
  ok := context is not null;
  reason := case when ok then 'ok' else 'user_disabled' end;
  if ok then
    context := crm_private.request_context(context::jsonb, p_user_id, p_client_ip, p_session_id, null)::text;
    signature := crm_private.sign_context(context);
  end if;
end
$$;

-- THE request statement. SECURITY INVOKER on purpose: set_config('role', ...) is refused
-- inside SECURITY DEFINER functions, and it must run as crm_authenticator (a member of
-- crm_user). crm_user itself cannot execute it, so a request cannot switch identity
-- half-way: a new identity needs a new transaction.
create function crm_api.begin_request(p_token_hash bytea, p_client_ip inet,
    out ok boolean, out reason text, out user_id bigint, out session_id bigint, out api_token_id bigint)
  language plpgsql volatile as $$
declare
  a record;
begin
  a := crm_api.authorize_request(p_token_hash, p_client_ip);
  ok := a.ok; reason := a.reason; user_id := a.user_id;
  session_id := a.session_id; api_token_id := a.api_token_id;
  if a.ok then
    perform set_config('crm.context', a.context, true),
            set_config('crm.context_sig', a.signature, true),
            set_config('role', 'crm_user', true);
  end if;
end
$$;

create function crm_api.begin_request_as(p_user_id bigint, p_client_ip inet, p_session_id bigint default null,
    out ok boolean, out reason text)
  language plpgsql volatile as $$
declare
  a record;
begin
  a := crm_api.authorize_user(p_user_id, p_client_ip, p_session_id);
  ok := a.ok; reason := a.reason;
  if a.ok then
    perform set_config('crm.context', a.context, true),
            set_config('crm.context_sig', a.signature, true),
            set_config('role', 'crm_user', true);
  end if;
end
$$;

grant execute on function
  crm_api.authorize_request(bytea, inet), crm_api.authorize_user(bigint, inet, bigint),
  crm_api.begin_request(bytea, inet), crm_api.begin_request_as(bigint, inet, bigint)
  to crm_authenticator;

revoke execute on all functions in schema crm_private, crm_api, audit from public;
