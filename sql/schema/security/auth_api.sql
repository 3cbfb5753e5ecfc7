-- security/auth_api.sql: authentication and the request-time API of the server (sessions, tokens, begin_request).
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/070_auth_api.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

create or replace function crm_api.login_lookup(p_login text, p_client_ip inet,
    out user_id bigint, out password_hash text, out refused text, out locked_until timestamptz)
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  key text := lower(btrim(coalesce(p_login, '')));
begin
  select max(l.locked_until) into locked_until from crm_private.lockouts l
   where l.client_ip = p_client_ip and l.locked_until > now();
  if locked_until is not null then
    refused := 'ip_locked';
    return;
  end if;
  select max(l.locked_until) into locked_until from crm_private.lockouts l
   where l.login_key = key and l.locked_until > now();
  if locked_until is not null then
    refused := 'account_locked';
    return;
  end if;
  select u.id, u.password_hash into user_id, password_hash from crm.users u where lower(u.login) = key;
end
$$;

-- (sql/migrations/421 added the client and the user agent, for the login history.)
drop function if exists crm_api.login_failed(text, inet, text);
create or replace function crm_api.login_failed(p_login text, p_client_ip inet, p_reason text default 'bad_password',
    p_client text default null, p_user_agent text default null,
    out locked boolean, out locked_until timestamptz)
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  cfg crm_private.config;
  key text := lower(btrim(coalesce(p_login, '')));
  uid bigint;
  since timestamptz;
  failures int;
  prior int;
begin
  select * into cfg from crm_private.config;
  select u.id into uid from crm.users u where lower(u.login) = key;
  insert into crm_private.login_attempts (login_key, user_id, client_ip, success, reason, client, user_agent)
    values (key, uid, p_client_ip, false, coalesce(p_reason, 'bad_password'), p_client, left(p_user_agent, 500));
  perform audit.append('login_failed', null, null, null, null,
                       jsonb_build_object('login', key, 'reason', coalesce(p_reason, 'bad_password')),
                       uid, p_client_ip, null);
  locked := false;

  -- Account (login name) lockout: failures since the last lockout ended, within the window.
  select greatest(now() - cfg.lockout_window, coalesce(max(l.locked_until), '-infinity'))
    into since from crm_private.lockouts l where l.login_key = key;
  select count(*) into failures from crm_private.login_attempts a
   where a.login_key = key and not a.success and a.counts and a.at > since;
  if failures >= cfg.lockout_threshold then
    select count(*) into prior from crm_private.lockouts l
     where l.login_key = key and l.locked_at > now() - interval '24 hours';
    locked_until := now() + least(cfg.lockout_base * power(2, prior)::int, cfg.lockout_max);
    insert into crm_private.lockouts (login_key, locked_until) values (key, locked_until);
    perform audit.append('lockout', null, null, null, null,
                         jsonb_build_object('login', key, 'failures', failures, 'locked_until', locked_until),
                         uid, p_client_ip, null);
    locked := true;
  end if;

  -- Per-IP limit.
  select greatest(now() - cfg.ip_failure_window, coalesce(max(l.locked_until), '-infinity'))
    into since from crm_private.lockouts l where l.client_ip = p_client_ip;
  select count(*) into failures from crm_private.login_attempts a
   where a.client_ip = p_client_ip and not a.success and a.counts and a.at > since;
  if failures >= cfg.ip_failure_threshold then
    insert into crm_private.lockouts (client_ip, locked_until) values (p_client_ip, now() + cfg.ip_lockout);
    perform audit.append('lockout', null, null, null, null,
                         jsonb_build_object('client_ip', host(p_client_ip), 'failures', failures,
                                            'locked_until', now() + cfg.ip_lockout),
                         null, p_client_ip, null);
    locked := true;
    locked_until := greatest(locked_until, now() + cfg.ip_lockout);
  end if;
end
$$;

drop function if exists crm_api.login_succeeded(bigint, inet, bytea, text, text);
create or replace function crm_api.login_succeeded(p_user_id bigint, p_client_ip inet, p_token_hash bytea,
    p_purpose text default 'web', p_user_agent text default null, p_client text default null,
    out ok boolean, out reason text, out session_id bigint, out expires_at timestamptz)
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  cfg crm_private.config;
  u crm.users;
  net record;
  adm record;
  bind cidr;
begin
  ok := false;
  select * into cfg from crm_private.config;
  select * into u from crm.users where id = p_user_id;
  if not found or not u.active then
    reason := 'user_disabled';
  elsif exists (select 1 from crm_private.lockouts l
                 where l.locked_until > now()
                   and (l.login_key = lower(u.login) or l.client_ip = p_client_ip)) then
    reason := 'account_locked';
  elsif p_purpose not in ('web', 'console', 'console_local') then
    reason := 'invalid_purpose';
  else
    net := crm_private.network_match(u.id, 'login', p_client_ip);
    adm := crm_private.network_match(u.id, 'admin', p_client_ip);
    if p_purpose = 'console_local' then
      null;  -- the local socket is the trusted place: no network rule applies
    elsif net.restricted and net.matched is null then
      reason := 'network_refused';
    elsif p_purpose = 'console' and adm.restricted and adm.matched is null then
      reason := 'network_refused';
    elsif not crm_private.login_hours_ok(u.id, now()) then
      reason := 'outside_login_hours';
    end if;
  end if;

  if reason is not null then
    insert into crm_private.login_attempts (login_key, user_id, client_ip, success, reason, client, user_agent)
      values (coalesce(lower(u.login), ''), p_user_id, p_client_ip, false, reason,
              coalesce(p_client, p_purpose), left(p_user_agent, 500));
    perform audit.append('login_failed', null, null, null, null,
                         jsonb_build_object('login', lower(u.login), 'reason', reason, 'purpose', p_purpose),
                         p_user_id, p_client_ip, null);
    return;
  end if;

  bind := coalesce(case when p_purpose = 'console_local' then network(set_masklen(p_client_ip, 32)) end,
                   case when p_purpose = 'console' then adm.matched end, net.matched,
                   network(set_masklen(p_client_ip,
                     case when family(p_client_ip) = 4 then cfg.bind_prefix_v4 else cfg.bind_prefix_v6 end)));
  expires_at := now() + cfg.absolute_timeout;
  insert into crm_private.sessions (token_hash, user_id, purpose, expires_at, client_ip, network, user_agent)
    values (p_token_hash, u.id, p_purpose, expires_at, p_client_ip, bind, left(p_user_agent, 500))
    returning id into session_id;
  insert into crm_private.login_attempts (login_key, user_id, client_ip, success, reason, client, user_agent)
    values (lower(u.login), u.id, p_client_ip, true, null, coalesce(p_client, p_purpose), left(p_user_agent, 500));
  perform audit.append('login', null, null, null, null,
                       jsonb_build_object('login', lower(u.login), 'purpose', p_purpose, 'network', bind::text),
                       u.id, p_client_ip, session_id);
  ok := true;
  reason := 'ok';
end
$$;

create or replace function crm_api.logout(p_token_hash bytea, p_client_ip inet) returns boolean
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  s crm_private.sessions;
begin
  update crm_private.sessions set ended_at = now(), end_reason = 'logout'
   where token_hash = p_token_hash and ended_at is null
  returning * into s;
  if not found then
    return false;
  end if;
  perform audit.append('logout', null, null, null, null, jsonb_build_object('session_id', s.id),
                       s.user_id, p_client_ip, s.id);
  return true;
end
$$;

grant execute on function
  crm_api.login_lookup(text, inet), crm_api.login_failed(text, inet, text, text, text),
  crm_api.login_succeeded(bigint, inet, bytea, text, text, text), crm_api.logout(bytea, inet)
  to crm_authenticator;

create or replace function crm_private.require_context() returns jsonb
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  ctx jsonb := crm_private.context();
begin
  if ctx is null then
    raise exception 'no request context (call crm_api.begin_request first)' using errcode = 'insufficient_privilege';
  end if;
  return ctx;
end
$$;

create or replace function crm_api.require_admin() returns void
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  ctx jsonb := crm_private.require_context();
begin
  if not coalesce((ctx ->> 'admin')::boolean, false) then
    raise exception 'administrator rights from an allowed admin network are required'
      using errcode = 'insufficient_privilege';
  end if;
end
$$;

create or replace function crm_api.me() returns jsonb
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  ctx jsonb := crm_private.require_context();
  result jsonb;
begin
  select jsonb_build_object(
           'id', u.id, 'login', u.login, 'name', u.name, 'email', u.email, 'phone', u.phone,
           'time_zone', u.time_zone, 'locale', u.locale, 'department_id', u.department_id,
           'roles', coalesce((select jsonb_agg(r.name order by r.name) from crm.user_roles ur
                              join crm.roles r on r.id = ur.role_id where ur.user_id = u.id), '[]'),
           'territory_ids', coalesce((select jsonb_agg(t.territory_id order by t.territory_id)
                                      from crm.user_territories t where t.user_id = u.id), '[]'),
           'permissions', coalesce((select jsonb_object_agg(p.entity || '.' || p.action, p.scope)
                                     from crm_private.effective_permissions(u.id) p where p.scope > 'none'), '{}'),
           'admin', ctx -> 'admin', 'session_id', ctx -> 'session_id')
    into result
    from crm.users u where u.id = (ctx ->> 'uid')::bigint;
  return result;
end
$$;

-- Gate of an export: refuses unless the export scope is not none and the request comes from an
-- allowed export network; audits the export. Returns the export scope. The exported rows are
-- then read with ordinary SELECTs (the read policy applies).
create or replace function crm_api.begin_export(p_entity text, p_details jsonb default '{}') returns crm.scope
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  ctx jsonb := crm_private.require_context();
  s crm.scope := crm_api.can(p_entity, 'export');
begin
  if s = 'none' then
    raise exception 'export of % is not permitted', p_entity using errcode = 'insufficient_privilege';
  end if;
  if not coalesce((ctx ->> 'export_network')::boolean, false) then
    raise exception 'exports are not permitted from this network' using errcode = 'insufficient_privilege';
  end if;
  perform audit.append('export', null, null, null, null,
                       jsonb_build_object('entity', p_entity, 'scope', s) || coalesce(p_details, '{}'));
  return s;
end
$$;

create or replace function crm_api.set_password_hash(p_user_id bigint, p_password_hash text) returns void
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  ctx jsonb := crm_private.require_context();
begin
  if (ctx ->> 'uid')::bigint is distinct from p_user_id then
    perform crm_api.require_admin();
  end if;
  update crm.users set password_hash = p_password_hash where id = p_user_id;
  if not found then
    raise exception 'no user %', p_user_id using errcode = 'no_data_found';
  end if;
end
$$;

create or replace function crm_api.create_api_token(p_name text, p_token_hash bytea,
                                         p_expires_at timestamptz default null, p_user_id bigint default null)
  returns bigint
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  ctx jsonb := crm_private.require_context();
  uid bigint := coalesce(p_user_id, (ctx ->> 'uid')::bigint);
  new_id bigint;
begin
  if uid <> (ctx ->> 'uid')::bigint then
    perform crm_api.require_admin();
  end if;
  insert into crm_private.api_tokens (name, user_id, token_hash, created_by, expires_at)
    values (p_name, uid, p_token_hash, (ctx ->> 'uid')::bigint, p_expires_at)
    returning id into new_id;
  perform audit.append('admin_command', null, null, null, null,
                       jsonb_build_object('command', 'api_token_create', 'token_id', new_id, 'user_id', uid, 'name', p_name));
  return new_id;
end
$$;

create or replace function crm_api.list_api_tokens()
  returns table (id bigint, name text, user_id bigint, created_at timestamptz, expires_at timestamptz,
                 last_used_at timestamptz, revoked_at timestamptz)
  language sql stable security definer set search_path = pg_catalog, pg_temp
  begin atomic
    select t.id, t.name, t.user_id, t.created_at, t.expires_at, t.last_used_at, t.revoked_at
    from crm_private.api_tokens t
    where t.user_id = crm_private.rls_uid() or crm_private.rls_admin()
    order by t.id;
  end;

create or replace function crm_api.list_sessions(p_user_id bigint default null, p_open_only boolean default true)
  returns table (id bigint, user_id bigint, login text, purpose text, created_at timestamptz,
                 last_seen_at timestamptz, expires_at timestamptz, client_ip inet, network cidr,
                 ended_at timestamptz, end_reason text)
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
begin
  perform crm_api.require_admin();
  return query
    select s.id, s.user_id, u.login, s.purpose, s.created_at, s.last_seen_at, s.expires_at,
           s.client_ip, s.network, s.ended_at, s.end_reason
    from crm_private.sessions s join crm.users u on u.id = s.user_id
    where (p_user_id is null or s.user_id = p_user_id) and (not p_open_only or s.ended_at is null)
    order by s.id;
end
$$;

create or replace function crm_api.kill_session(p_session_id bigint) returns boolean
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  perform crm_api.require_admin();
  update crm_private.sessions set ended_at = now(), end_reason = 'killed'
   where id = p_session_id and ended_at is null;
  if not found then return false; end if;
  perform audit.append('admin_command', null, null, null, null,
                       jsonb_build_object('command', 'session_kill', 'session_id', p_session_id));
  return true;
end
$$;

create or replace function crm_api.security_config() returns jsonb
  language sql stable security definer set search_path = pg_catalog, pg_temp
  begin atomic
    select to_jsonb(c) - 'id' from crm_private.config c;
  end;

grant execute on function
  crm_api.require_admin(), crm_api.can(text, text), crm_api.me(), crm_api.begin_export(text, jsonb),
  crm_api.set_password_hash(bigint, text), crm_api.create_api_token(text, bytea, timestamptz, bigint),
  crm_api.revoke_api_token(bigint), crm_api.list_api_tokens(), crm_api.list_sessions(bigint, boolean),
  crm_api.kill_session(bigint), crm_api.update_security_config(jsonb)
  to crm_user;

grant execute on function crm_api.security_config() to crm_user, crm_authenticator;

revoke execute on all functions in schema crm_private, crm_api, audit from public;
