-- 190 Request context speed: the per-request security cost made small, no rule weakened.
--
-- 1. A per-user context cache (crm_private.user_context_cache): what compute_context()
--    derives from roles, permissions, grants/denials, departments, territories and networks,
--    stored once and reused by every request of that user. Validity is a global generation
--    number (crm_private.context_generation): every table the context is computed from bumps
--    it in a statement-level trigger, in the same transaction as the change. A cache row is
--    used only while its generation equals the current one, so a change is seen by the very
--    next request after its commit (and, inside the changing transaction, by that transaction).
--    The generation is read in the same snapshot as the data the row is computed from, so a
--    row computed concurrently with a change is labelled with the older generation and is
--    never reused after the change commits (see SECURITY.md, "Context cache").
--    Shares stay live (crm.shares is read by rls_shared at each statement): they change often
--    and per row, and an index look-up per statement is cheap.
-- 2. Hot helpers rewritten in PL/pgSQL (plans cached per connection) instead of SQL-language
--    SECURITY DEFINER functions, which PostgreSQL 15 plans again on every call.
-- 3. The policy helpers no longer parse the context jsonb (≈10 µs for ~1 KB) at each call:
--    begin_request puts a compact, pre-digested form of what the policies need at the start of
--    the (still signed) context text; each helper verifies the signature of the whole text
--    (key read + sha256, a few µs) and then cuts its piece out with string functions.
--    Nothing is remembered between calls, statements or transactions, so a forged or copied
--    context fails exactly as before (fail closed), and nothing can leak into a later
--    transaction on a pooled connection.

-- ---------------------------------------------------------------------------------------
-- Generation and cache

create table crm_private.context_generation (
  id boolean primary key default true check (id),
  gen bigint not null default 1
);
insert into crm_private.context_generation default values;

create table crm_private.user_context_cache (
  user_id bigint primary key references crm.users on delete cascade,
  gen bigint not null,              -- crm_private.context_generation.gen the row was computed at
  context jsonb not null,           -- crm_private.compute_context(user_id)
  role_admin boolean not null,      -- some role is_admin (the request adds the network condition)
  rls_body text not null,           -- compact form for the policy helpers: private;territories;departments;,scopes,;,denied,
  json_body text not null,          -- the context's members except uid/admin as JSON text without braces
  hours_restricted boolean not null,-- login hours may refuse (every role of the user has a window)
  admin_nets cidr[] not null,       -- 'admin' networks of the user and its roles ({} = unrestricted)
  export_nets cidr[] not null,      -- 'export' networks ({} = unrestricted)
  computed_at timestamptz not null default now()
);

-- Statement-level trigger: the rows of a table the context is computed from changed.
create function crm_private.bump_context_generation() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  update crm_private.context_generation set gen = gen + 1;
  return null;
end
$$;

-- Every source of compute_context / login hours / networks. (A later migration that makes the
-- context depend on another table must add the same trigger to it.)
create trigger users_context_changed
  after insert or delete or update of department_id, active or truncate on crm.users
  for each statement execute function crm_private.bump_context_generation();
do $$
declare
  t text;
begin
  foreach t in array array['crm.roles', 'crm.role_permissions', 'crm.user_roles', 'crm.user_permission_overrides',
                           'crm.departments', 'crm.territories', 'crm.user_territories', 'crm.networks'] loop
    execute format('create trigger context_changed after insert or update or delete or truncate on %s
                    for each statement execute function crm_private.bump_context_generation()', t);
  end loop;
end
$$;

-- ---------------------------------------------------------------------------------------
-- The helpers compute_context uses, in PL/pgSQL (same results).

create or replace function crm_private.sign_context(p_context text) returns text
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  k bytea;
begin
  select c.key into k from crm_private.context_key c;
  return encode(sha256(k || sha256(k || convert_to(
           pg_backend_pid()::text || '|' || extract(epoch from now())::text || '|' || p_context, 'UTF8'))), 'hex');
end
$$;

create or replace function crm_private.department_subtree(p_root bigint) returns bigint[]
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  result bigint[];
begin
  with recursive t(id) as (
    select p_root where p_root is not null
    union
    select d.id from crm.departments d join t on d.parent_id = t.id
  )
  select coalesce(array_agg(id order by id), '{}') into result from t;
  return result;
end
$$;

create or replace function crm_private.user_territory_subtree(p_user_id bigint) returns bigint[]
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  result bigint[];
begin
  with recursive t(id) as (
    select ut.territory_id from crm.user_territories ut where ut.user_id = p_user_id
    union
    select c.id from crm.territories c join t on c.parent_id = t.id
  )
  select coalesce(array_agg(id order by id), '{}') into result from t;
  return result;
end
$$;

create or replace function crm_private.effective_permissions(p_user_id bigint)
  returns table (entity text, action text, scope crm.scope)
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
begin
  return query
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
end
$$;

create or replace function crm_private.login_hours_ok(p_user_id bigint, p_at timestamptz) returns boolean
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  result boolean;
begin
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
                      else l.t::time >= r.login_from or l.t::time < r.login_to end)
    into result;
  return result;
end
$$;

create or replace function crm_private.network_match(p_user_id bigint, p_purpose text, p_ip inet,
                                                     out restricted boolean, out matched cidr)
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
begin
  with nets as (
    select n.network from crm.networks n
    where n.purpose = p_purpose
      and (n.user_id = p_user_id
           or n.role_id in (select ur.role_id from crm.user_roles ur where ur.user_id = p_user_id))
  )
  select exists (select 1 from nets),
         (select nets.network from nets where p_ip <<= nets.network
          order by masklen(nets.network) desc limit 1)
    into restricted, matched;
end
$$;

-- ---------------------------------------------------------------------------------------
-- Computing and reading the cache

-- A fresh cache row for a user (null when the user is missing or disabled). STABLE: every
-- query here runs in the caller's snapshot, so the generation read first belongs to exactly
-- the data the rest is computed from.
create function crm_private.compute_user_context(p_user_id bigint) returns crm_private.user_context_cache
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  r crm_private.user_context_cache;
  ctx jsonb;
  body text;
begin
  select g.gen into r.gen from crm_private.context_generation g;
  ctx := crm_private.compute_context(p_user_id);
  if ctx is null then
    return null;
  end if;
  r.user_id := p_user_id;
  r.context := ctx;
  r.role_admin := coalesce((ctx ->> 'admin')::boolean, false);
  -- private;territories;departments;,e.a=rank,...,;,denied e.a,...,
  -- (entity and action names are [a-z_] domain values; ids are digits: no ';' or '"' inside)
  r.rls_body := case when coalesce((ctx ->> 'private')::boolean, false) then '1' else '0' end
    || ';' || (ctx ->> 'territories') || ';' || (ctx ->> 'departments')
    || ';,' || coalesce((select string_agg(s.key || '=' || s.value, ',' order by s.key)
                           from jsonb_each_text(ctx -> 'scopes') s), '')
    || ',;,' || coalesce((select string_agg(d, ',') from jsonb_array_elements_text(ctx -> 'denied') d), '') || ',';
  body := (ctx - 'uid' - 'admin')::text;
  r.json_body := substr(body, 2, length(body) - 2);
  r.hours_restricted := exists (select 1 from crm.user_roles ur where ur.user_id = p_user_id)
    and not exists (select 1 from crm.user_roles ur join crm.roles ro on ro.id = ur.role_id
                     where ur.user_id = p_user_id and ro.login_from is null);
  r.admin_nets := array(
    select n.network from crm.networks n
    where n.purpose = 'admin'
      and (n.user_id = p_user_id
           or n.role_id in (select ur.role_id from crm.user_roles ur where ur.user_id = p_user_id)));
  r.export_nets := array(
    select n.network from crm.networks n
    where n.purpose = 'export'
      and (n.user_id = p_user_id
           or n.role_id in (select ur.role_id from crm.user_roles ur where ur.user_id = p_user_id)));
  r.computed_at := now();
  return r;
end
$$;

-- The user's context: the cached row when it is of the current generation, else computed
-- (not stored: usable in read-only transactions, e.g. BI logins).
create function crm_private.user_context(p_user_id bigint) returns crm_private.user_context_cache
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  r crm_private.user_context_cache;
begin
  select c.* into r from crm_private.user_context_cache c
   where c.user_id = p_user_id and c.gen = (select g.gen from crm_private.context_generation g);
  if found then
    return r;
  end if;
  return crm_private.compute_user_context(p_user_id);
end
$$;

-- The same for a request: a miss is computed and stored (never over a newer generation).
create function crm_private.user_context_for_request(p_user_id bigint) returns crm_private.user_context_cache
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  r crm_private.user_context_cache;
begin
  select c.* into r from crm_private.user_context_cache c
   where c.user_id = p_user_id and c.gen = (select g.gen from crm_private.context_generation g);
  if found then
    return r;
  end if;
  r := crm_private.compute_user_context(p_user_id);
  if r.user_id is null then
    return null;
  end if;
  if current_setting('transaction_read_only') = 'off' then
    insert into crm_private.user_context_cache as c
      (user_id, gen, context, role_admin, rls_body, json_body, hours_restricted, admin_nets, export_nets, computed_at)
    values (r.user_id, r.gen, r.context, r.role_admin, r.rls_body, r.json_body, r.hours_restricted,
            r.admin_nets, r.export_nets, r.computed_at)
    on conflict (user_id) do update set
      gen = excluded.gen, context = excluded.context, role_admin = excluded.role_admin,
      rls_body = excluded.rls_body, json_body = excluded.json_body,
      hours_restricted = excluded.hours_restricted, admin_nets = excluded.admin_nets,
      export_nets = excluded.export_nets, computed_at = excluded.computed_at
    where c.gen < excluded.gen;
  end if;
  return r;
end
$$;

-- The context text of a request. It begins with the compact form the policy helpers read:
--   {"rls": "uid;admin;private;territories;departments;,e.a=rank,...,;,denied,...,", "uid": …, …}
-- and holds the same members as before (uid, scopes, denied, departments, territories,
-- private, admin, session_id, api_token_id, ip, admin_network, export_network).
create function crm_private.request_context_text(p_uc crm_private.user_context_cache, p_client_ip inet,
    p_session_id bigint, p_api_token_id bigint, p_console_local boolean)
  returns text
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  admin_place boolean;
  export_place boolean;
  is_admin boolean;
begin
  admin_place := cardinality(p_uc.admin_nets) = 0 or p_client_ip <<= any (p_uc.admin_nets);
  if not admin_place and p_session_id is not null then
    -- A session opened on the console's local Unix socket counts as an admin network.
    admin_place := coalesce(p_console_local,
      exists (select 1 from crm_private.sessions s where s.id = p_session_id and s.purpose = 'console_local'));
  end if;
  export_place := cardinality(p_uc.export_nets) = 0 or p_client_ip <<= any (p_uc.export_nets);
  is_admin := p_uc.role_admin and admin_place;
  return '{"rls": "' || p_uc.user_id || ';' || case when is_admin then '1' else '0' end || ';' || p_uc.rls_body
      || '", "uid": ' || p_uc.user_id
      || ', "ip": ' || to_json(host(p_client_ip))::text
      || ', "admin": ' || is_admin::text
      || ', "session_id": ' || coalesce(p_session_id::text, 'null')
      || ', "api_token_id": ' || coalesce(p_api_token_id::text, 'null')
      || ', "admin_network": ' || admin_place::text
      || ', "export_network": ' || export_place::text
      || ', ' || p_uc.json_body || '}';
end
$$;

-- ---------------------------------------------------------------------------------------
-- Authorization (same checks, order and reasons as 030; the context comes from the cache)

create or replace function crm_api.authorize_request(p_token_hash bytea, p_client_ip inet,
    out ok boolean, out reason text, out user_id bigint, out session_id bigint,
    out api_token_id bigint, out context text, out signature text)
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  cfg crm_private.config;
  s crm_private.sessions;
  t crm_private.api_tokens;
  net record;
  uc crm_private.user_context_cache;
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

  uc := crm_private.user_context_for_request(user_id);
  if uc.user_id is null then
    if session_id is not null then
      update crm_private.sessions set ended_at = now(), end_reason = 'user_disabled' where id = session_id;
    end if;
    reason := 'user_disabled';
    return;
  end if;
  if uc.hours_restricted and not crm_private.login_hours_ok(user_id, now()) then
    reason := 'outside_login_hours';
    return;
  end if;

  if session_id is not null then
    if s.last_seen_at < now() - cfg.session_touch_interval then
      update crm_private.sessions set last_seen_at = now()
       where id = session_id and last_seen_at < now() - cfg.session_touch_interval;
    end if;
  else
    update crm_private.api_tokens set last_used_at = now()
     where id = api_token_id and (last_used_at is null or last_used_at < now() - cfg.session_touch_interval);
  end if;

  context := crm_private.request_context_text(uc, p_client_ip, session_id, api_token_id,
                                              case when session_id is not null then s.purpose = 'console_local' end);
  signature := crm_private.sign_context(context);
  ok := true;
  reason := 'ok';
end
$$;

create or replace function crm_api.authorize_user(p_user_id bigint, p_client_ip inet, p_session_id bigint,
    out ok boolean, out reason text, out context text, out signature text)
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  uc crm_private.user_context_cache;
begin
  uc := crm_private.user_context_for_request(p_user_id);
  ok := uc.user_id is not null;
  reason := case when ok then 'ok' else 'user_disabled' end;
  if ok then
    context := crm_private.request_context_text(uc, p_client_ip, p_session_id, null, null);
    signature := crm_private.sign_context(context);
  end if;
end
$$;

-- ---------------------------------------------------------------------------------------
-- Reading the context

-- The compact policy state of the current session, or null. For the server's login
-- (crm_authenticator) it is cut out of crm.context after the signature of the WHOLE text has
-- been checked (key read + sha256: a few µs; no jsonb parsing); a changed or copied context
-- gives null. BI logins: their mapped user's context (session_user decides, settings are
-- ignored). Owner only (called by SECURITY DEFINER code, which runs as the owner).
-- Nothing is remembered between calls: every call checks the text it cuts from.
create function crm_private.rls_state() returns text
  language plpgsql stable as $$
declare
  ctx text;
  k bytea;
  bi_user bigint;
  uc crm_private.user_context_cache;
begin
  if session_user = 'crm_authenticator' then
    ctx := current_setting('crm.context', true);
    select c.key into k from crm_private.context_key c;
    if current_setting('crm.context_sig', true) = encode(sha256(k || sha256(k || convert_to(
         pg_backend_pid()::text || '|' || extract(epoch from now())::text || '|' || ctx, 'UTF8'))), 'hex') then
      -- {"rls": "<state>", ...: the state holds no '"'
      return split_part(ctx, '"', 4);
    end if;
    return null;
  end if;
  select b.user_id into bi_user from crm_private.bi_logins b where b.role_name = session_user;
  if bi_user is null then
    return null;
  end if;
  uc := crm_private.user_context(bi_user);
  if uc.user_id is null then
    return null;
  end if;
  return uc.user_id || ';' || case when uc.role_admin then '1' else '0' end || ';' || uc.rls_body;
end
$$;

-- THE policy worker: one SECURITY DEFINER call per policy initPlan. Verifies the context like
-- rls_state() (inlined here: one PL/pgSQL call per initPlan, not three) and returns one piece
-- of the compact state "uid;admin;private;territories;departments;,e.a=rank,...,;,denied,...,":
--   p_field 1..7: that field, when the rank of p_entity.p_action is >= p_min_rank (0: always);
--   p_field 0: the rank itself ('0'..'4');
--   p_field 8: '*' when the rank is 4 (all), else the territories (field 4) as for p_field 4.
-- Null when the context is missing, forged or copied, or the rank is too low.
create function crm_private.rls_piece(p_entity text, p_action text, p_min_rank int, p_field int)
  returns text
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  s text;
  k bytea;
  key text;
  p int;
  rank int;
begin
  if session_user = 'crm_authenticator' then
    s := current_setting('crm.context', true);
    select c.key into k from crm_private.context_key c;
    if current_setting('crm.context_sig', true) is distinct from encode(sha256(k || sha256(k || convert_to(
         pg_backend_pid()::text || '|' || extract(epoch from now())::text || '|' || s, 'UTF8'))), 'hex') then
      return null;
    end if;
    s := split_part(s, '"', 4);
  else
    s := crm_private.rls_state();
    if s is null then
      return null;
    end if;
  end if;
  if p_min_rank > 0 or p_field in (0, 8) then
    -- ",e.a=" occurs only in the scopes part (ids are digits, denials carry no '=')
    key := ',' || p_entity || '.' || p_action || '=';
    p := strpos(s, key);
    rank := case when p = 0 then 0 else substr(s, p + length(key), 1)::int end;
    if p_field = 0 then
      return rank::text;
    end if;
    if p_field = 8 and rank >= 4 then
      return '*';
    end if;
    if rank < p_min_rank then
      return null;
    end if;
    if p_field = 8 then
      p_field := 4;
    end if;
  end if;
  return split_part(s, ';', p_field);
end
$$;

create or replace function crm_private.context() returns jsonb
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  ctx text;
  k bytea;
  bi_user bigint;
begin
  if session_user = 'crm_authenticator' then
    ctx := current_setting('crm.context', true);
    select c.key into k from crm_private.context_key c;
    if current_setting('crm.context_sig', true) = encode(sha256(k || sha256(k || convert_to(
         pg_backend_pid()::text || '|' || extract(epoch from now())::text || '|' || ctx, 'UTF8'))), 'hex') then
      return ctx::jsonb;
    end if;
    return null;
  end if;
  select b.user_id into bi_user from crm_private.bi_logins b where b.role_name = session_user;
  if bi_user is null then
    return null;
  end if;
  return (crm_private.user_context(bi_user)).context;
end
$$;

grant execute on function crm_private.rls_piece(text, text, int, int) to crm_user, crm_bi;

-- Policy helpers: same signatures and answers as 030. Inlinable SQL again (as in 030), now
-- over rls_piece: inside a policy's (select ...) each is exactly one rls_piece call.
create or replace function crm_private.rls_uid() returns bigint
  language sql stable parallel safe
  return nullif(crm_private.rls_piece('', '', 0, 1), '')::bigint;

create or replace function crm_private.rls_rank(p_entity text, p_action text) returns int
  language sql stable parallel safe
  return coalesce(crm_private.rls_piece(p_entity, p_action, 0, 0)::int, 0);

create or replace function crm_private.rls_all(p_entity text, p_action text) returns boolean
  language sql stable parallel safe
  return crm_private.rls_piece(p_entity, p_action, 4, 1) is not null;

create or replace function crm_private.rls_territories(p_entity text, p_action text) returns bigint[]
  language sql stable parallel safe
  return coalesce(crm_private.rls_piece(p_entity, p_action, 3, 4), '{}')::bigint[];

-- For the merged "all or territory" arm of the policies: null when the scope is all (every
-- row), the territory subtree when it is territory, else {} (also without a valid context).
create function crm_private.rls_territories_or_all(p_entity text, p_action text) returns bigint[]
  language sql stable parallel safe
  return nullif(coalesce(crm_private.rls_piece(p_entity, p_action, 3, 8), '{}'), '*')::bigint[];
grant execute on function crm_private.rls_territories_or_all(text, text) to crm_user, crm_bi;

create or replace function crm_private.rls_departments(p_entity text, p_action text) returns bigint[]
  language sql stable parallel safe
  return coalesce(crm_private.rls_piece(p_entity, p_action, 2, 5), '{}')::bigint[];

create or replace function crm_private.rls_own(p_entity text, p_action text) returns bigint
  language sql stable parallel safe
  return crm_private.rls_piece(p_entity, p_action, 1, 1)::bigint;

create or replace function crm_private.rls_private() returns boolean
  language sql stable parallel safe
  return coalesce(crm_private.rls_piece('', '', 0, 3) = '1', false);

create or replace function crm_private.rls_admin() returns boolean
  language sql stable parallel safe
  return coalesce(crm_private.rls_piece('', '', 0, 2) = '1', false);

-- Ids of rows of an entity shared with the acting user ('read' includes 'write' shares); a
-- personal denial of the protected entity's action (read, or update for 'write') wins.
-- Shares stay live: one index look-up of crm.shares per statement.
create or replace function crm_private.rls_shared(p_entity text, p_access text, p_for_entity text default null)
  returns bigint[]
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  s text;
  k bytea;
  result bigint[];
begin
  if session_user = 'crm_authenticator' then
    s := current_setting('crm.context', true);
    select c.key into k from crm_private.context_key c;
    if current_setting('crm.context_sig', true) is distinct from encode(sha256(k || sha256(k || convert_to(
         pg_backend_pid()::text || '|' || extract(epoch from now())::text || '|' || s, 'UTF8'))), 'hex') then
      return '{}';
    end if;
    s := split_part(s, '"', 4);
  else
    s := crm_private.rls_state();
  end if;
  if s is null or strpos(split_part(s, ';', 7), ',' || coalesce(p_for_entity, p_entity) || '.'
                         || case when p_access = 'write' then 'update' else 'read' end || ',') > 0 then
    return '{}';
  end if;
  select coalesce(array_agg(x.row_id), '{}') into result
    from crm.shares x
   where x.user_id = split_part(s, ';', 1)::bigint and x.entity = p_entity
     and (x.access = 'write' or p_access = 'read');
  return result;
end
$$;

create or replace function crm_api.can(p_entity text, p_action text) returns crm.scope
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
begin
  return (enum_range(null::crm.scope))[crm_private.rls_rank(p_entity, p_action) + 1];
end
$$;

-- ---------------------------------------------------------------------------------------
-- Policy shape: fewer initPlans (each is one SECURITY DEFINER call and one planned sub-select
-- per statement). Same rules; per action:
--   ( ( coalesce(coalesce(territory_id, 0) = any ((select rls_territories_or_all(E,A))::bigint[]), true)
--                                   -- all (null array: every row) or the territory subtree
--       or department_id = any ((select rls_departments(E,A))::bigint[])
--       or (select rls_own(E,A)) = any (array[owner_id, responsible_id]) )   -- one own look-up
--     and (private clause as before) )
--   or shares as before
-- Without a territory column the "all" arm stays (select rls_all(E,A)); a single own column
-- keeps the form owner_id = (select rls_own(E,A)). Deals: 4 initPlans instead of 6. (The old
-- shape could not use a BitmapOr either: its (select rls_all(...)) arm is a bare boolean.)
create or replace function crm_private.rule_predicate(
    p_entity text, p_action text, p_share_access text,
    p_own_columns text[], p_department_column text, p_territory_column text,
    p_private_column text, p_parent_column text, p_parent_entity text)
  returns text
  language plpgsql immutable as $$
declare
  scope_part text;
  result text;
begin
  if p_territory_column is not null then
    -- ids are identity values >= 1: a row without territory (0) matches no subtree
    scope_part := format('coalesce(coalesce(%I, 0) = any ((select crm_private.rls_territories_or_all(%L, %L))::bigint[]), true)',
                         p_territory_column, p_entity, p_action);
  else
    scope_part := format('(select crm_private.rls_all(%L, %L))', p_entity, p_action);
  end if;
  if p_department_column is not null then
    scope_part := scope_part || format(' or %I = any ((select crm_private.rls_departments(%L, %L))::bigint[])',
                                       p_department_column, p_entity, p_action);
  end if;
  if cardinality(p_own_columns) = 1 then
    scope_part := scope_part || format(' or %I = (select crm_private.rls_own(%L, %L))', p_own_columns[1], p_entity, p_action);
  elsif cardinality(p_own_columns) > 1 then
    scope_part := scope_part || format(' or (select crm_private.rls_own(%L, %L)) = any (array[%s])', p_entity, p_action,
                                       (select string_agg(format('%I', c), ', ' order by i)
                                          from unnest(p_own_columns) with ordinality as x(c, i)));
  end if;
  result := '(' || scope_part || ')';
  if p_private_column is not null then
    result := format('(%s and (not %I or (select crm_private.rls_private()) or %I = (select crm_private.rls_uid())))',
                     result, p_private_column, p_own_columns[1]);
  end if;
  if p_share_access is not null then
    result := result || format(' or id = any ((select crm_private.rls_shared(%L, %L, %L))::bigint[])',
                               p_entity, p_share_access, p_entity);
    if p_parent_column is not null then
      result := result || format(' or %I = any ((select crm_private.rls_shared(%L, %L, %L))::bigint[])',
                                 p_parent_column, p_parent_entity, p_share_access, p_entity);
    end if;
  end if;
  return result;
end
$$;

-- The arguments of a trigger (pg_trigger.tgargs: each argument followed by a NUL byte).
create function crm_private.trigger_args(p_trigger oid) returns text[]
  language plpgsql stable as $$
declare
  raw bytea;
  result text[] := '{}';
  start int := 0;
  i int;
begin
  select tgargs into raw from pg_trigger where oid = p_trigger;
  for i in 0 .. coalesce(length(raw), 0) - 1 loop
    if get_byte(raw, i) = 0 then
      result := result || convert_from(substring(raw from start + 1 for i - start), 'UTF8');
      start := i + 1;
    end if;
  end loop;
  return result;
end
$$;

-- Re-declare EVERY business table in crm_private.secured_tables with its stored parameters
-- (tables of later migrations included), so all get the new shape. The audit trigger's
-- redacted columns are read back from the trigger; policies that a migration added by hand
-- next to the generated ones (secure_table drops every policy of the table) are put back.
do $$
declare
  t crm_private.secured_tables;
  redact text[];
  kept jsonb;
  extra jsonb;
  roles text;
begin
  for t in select * from crm_private.secured_tables where kind = 'business' order by table_name::text loop
    select crm_private.trigger_args(g.oid) into redact
      from pg_trigger g where g.tgrelid = t.table_name and g.tgname = 'audit_row_change';
    select coalesce(jsonb_agg(jsonb_build_object(
             'name', p.polname, 'cmd', p.polcmd, 'permissive', p.polpermissive,
             'roles', (select coalesce(string_agg(case when r = 0 then 'public' else quote_ident(r::regrole::text) end,
                                                  ', '), 'public') from unnest(p.polroles) r),
             'using', pg_get_expr(p.polqual, p.polrelid), 'check', pg_get_expr(p.polwithcheck, p.polrelid))), '[]')
      into kept
      from pg_policy p
     where p.polrelid = t.table_name
       and p.polname not in ('crm_read', 'crm_create', 'crm_update', 'crm_delete', 'crm_owner_all');
    perform crm_private.secure_table(t.table_name, entity => t.entity, own_columns => t.own_columns,
      department_column => t.department_column, territory_column => t.territory_column,
      private_column => t.private_column, parent_column => t.parent_column, parent_entity => t.parent_entity,
      audit_redact => coalesce(redact, '{}'));
    for extra in select * from jsonb_array_elements(kept) loop
      execute format('create policy %I on %s as %s for %s to %s%s%s', extra ->> 'name', t.table_name,
        case when (extra ->> 'permissive')::boolean then 'permissive' else 'restrictive' end,
        case extra ->> 'cmd' when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update'
                             when 'd' then 'delete' else 'all' end,
        extra ->> 'roles',
        coalesce(' using (' || (extra ->> 'using') || ')', ''),
        coalesce(' with check (' || (extra ->> 'check') || ')', ''));
    end loop;
  end loop;
end
$$;

-- Nothing cached yet; a migration that changes how the context is computed should bump it too.
update crm_private.context_generation set gen = gen + 1;

revoke execute on all functions in schema crm_private, crm_api, audit from public;
