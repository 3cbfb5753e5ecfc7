-- security/two_factor.sql: two-factor sign-in (TOTP, RFC 6238) and its recovery codes.
--
-- The secrets and the recovery-code hashes live in crm_private (sql/migrations/420): only these
-- SECURITY DEFINER functions reach them, and only crm_authenticator (the server's pool, the
-- same login that reads password hashes at sign-in) may call them — never crm_user or crm_bi,
-- so a signed-in session (or a stolen one) cannot read the secret back. The server computes
-- and checks the codes (Sources/Credentials/TOTP.swift); the database keeps who is enrolled,
-- the last accepted time step (a code is good once) and which recovery codes are spent.

-- What sign-in and the profile need to know of a user's second factor.
create or replace function crm_api.two_factor_state(p_user_id bigint, out login text,
    out secret bytea, out confirmed boolean, out required boolean, out enforcement text, out recovery_left int)
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
begin
  select u.login into login from crm.users u where u.id = p_user_id;
  select t.secret, t.confirmed_at is not null into secret, confirmed
    from crm_private.totp_secrets t where t.user_id = p_user_id;
  confirmed := coalesce(confirmed, false);
  required := exists (select 1 from crm.user_roles ur join crm.roles r on r.id = ur.role_id
                       where ur.user_id = p_user_id and r.requires_two_factor);
  select c.two_factor_enforcement into enforcement from crm_private.config c;
  select count(*) into recovery_left from crm_private.totp_recovery_codes rc
   where rc.user_id = p_user_id and rc.used_at is null;
end
$$;

-- Starts (or restarts) an enrolment with a new secret; refused while one is confirmed.
create or replace function crm_api.totp_start(p_user_id bigint, p_secret bytea) returns void
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  if exists (select 1 from crm_private.totp_secrets where user_id = p_user_id and confirmed_at is not null) then
    raise exception 'two-factor sign-in is on already; turn it off first' using errcode = 'CR409';
  end if;
  insert into crm_private.totp_secrets (user_id, secret) values (p_user_id, p_secret)
    on conflict (user_id) do update set secret = excluded.secret, started_at = now(), confirmed_at = null, last_step = null;
end
$$;

-- Confirms the started enrolment with the step of a code the server checked, and stores the
-- hashes of the new recovery codes (replacing any older ones).
create or replace function crm_api.totp_confirm(p_user_id bigint, p_step bigint, p_recovery_hashes text[],
    p_client_ip inet) returns void
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  update crm_private.totp_secrets set confirmed_at = now(), last_step = p_step
   where user_id = p_user_id and confirmed_at is null;
  if not found then
    raise exception 'no two-factor enrolment was started (POST /api/v1/me/totp first)' using errcode = 'CR409';
  end if;
  delete from crm_private.totp_recovery_codes where user_id = p_user_id;
  insert into crm_private.totp_recovery_codes (user_id, code_hash)
    select p_user_id, decode(h, 'hex') from unnest(p_recovery_hashes) h;
  perform audit.append('permission_change', null, null, null, null,
                       jsonb_build_object('two_factor', 'enabled', 'user_id', p_user_id),
                       p_user_id, p_client_ip, null);
end
$$;

-- Accepts the time step of a checked code once: a step at or before the last accepted one is
-- refused (a code seen over someone's shoulder cannot be used again).
create or replace function crm_api.totp_accept_step(p_user_id bigint, p_step bigint) returns boolean
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  update crm_private.totp_secrets set last_step = p_step
   where user_id = p_user_id and confirmed_at is not null and (last_step is null or last_step < p_step);
  return found;
end
$$;

-- Spends a recovery code (by its hash): true once, false after.
create or replace function crm_api.totp_use_recovery_code(p_user_id bigint, p_code_hash bytea) returns boolean
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  update crm_private.totp_recovery_codes set used_at = now()
   where user_id = p_user_id and code_hash = p_code_hash and used_at is null;
  return found;
end
$$;

-- Turns two-factor sign-in off (the server checked a code first) or drops a started enrolment.
create or replace function crm_api.totp_disable(p_user_id bigint, p_client_ip inet) returns boolean
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  was_on boolean;
begin
  delete from crm_private.totp_secrets where user_id = p_user_id returning confirmed_at is not null into was_on;
  delete from crm_private.totp_recovery_codes where user_id = p_user_id;
  if coalesce(was_on, false) then
    perform audit.append('permission_change', null, null, null, null,
                         jsonb_build_object('two_factor', 'disabled', 'user_id', p_user_id),
                         p_user_id, p_client_ip, null);
  end if;
  return coalesce(was_on, false);
end
$$;

-- An administrator turns a user's two-factor sign-in off (a lost phone): console USER TOTPRESET.
-- Runs in the administrator's request (crm_user), checked here.
create or replace function crm_api.admin_reset_two_factor(p_user_id bigint) returns boolean
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  was_on boolean;
begin
  perform crm_api.require_admin();
  delete from crm_private.totp_secrets where user_id = p_user_id returning confirmed_at is not null into was_on;
  delete from crm_private.totp_recovery_codes where user_id = p_user_id;
  if coalesce(was_on, false) then
    perform audit.append('permission_change', null, null, null, null,
                         jsonb_build_object('two_factor', 'reset', 'user_id', p_user_id),
                         (crm_private.require_context() ->> 'uid')::bigint,
                         (crm_private.require_context() ->> 'ip')::inet,
                         (crm_private.require_context() ->> 'session_id')::bigint);
  end if;
  return coalesce(was_on, false);
end
$$;
revoke execute on function crm_api.admin_reset_two_factor(bigint) from public;
grant execute on function crm_api.admin_reset_two_factor(bigint) to crm_user;

revoke execute on function
  crm_api.two_factor_state(bigint), crm_api.totp_start(bigint, bytea),
  crm_api.totp_confirm(bigint, bigint, text[], inet), crm_api.totp_accept_step(bigint, bigint),
  crm_api.totp_use_recovery_code(bigint, bytea), crm_api.totp_disable(bigint, inet)
  from public;
grant execute on function
  crm_api.two_factor_state(bigint), crm_api.totp_start(bigint, bytea),
  crm_api.totp_confirm(bigint, bigint, text[], inet), crm_api.totp_accept_step(bigint, bigint),
  crm_api.totp_use_recovery_code(bigint, bytea), crm_api.totp_disable(bigint, inet)
  to crm_authenticator;
