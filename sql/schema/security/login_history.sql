-- security/login_history.sql: the login history of a user (sql/migrations/421) and the record of
-- refusals that are not failed guesses.
--
-- Every sign-in attempt is a row of crm_private.login_attempts, written by the sign-in functions
-- of security/auth_api.sql (and crm_api.login_refused below). crm_user cannot reach
-- crm_private: crm_api.login_history reads it for the signed-in user, who sees their own
-- history, and for administrators (from an admin network, as every administration), who see
-- anybody's. Attempts with a login that matches no user have no user and are in nobody's history.

-- A refusal that must be in the history but is no guess (the second factor not given, the
-- account locked, two factors required but not set up): recorded, not counted towards the
-- lockout.
create or replace function crm_api.login_refused(p_login text, p_client_ip inet, p_reason text,
    p_client text default null, p_user_agent text default null) returns void
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  key text := lower(btrim(coalesce(p_login, '')));
  uid bigint;
begin
  select u.id into uid from crm.users u where lower(u.login) = key;
  insert into crm_private.login_attempts (login_key, user_id, client_ip, success, reason, client, user_agent, counts)
    values (key, uid, p_client_ip, false, p_reason, p_client, left(p_user_agent, 500), false);
end
$$;

-- The newest attempts of p_user_id (at most p_limit, before the attempt p_before_id when given),
-- as a JSON array: id, at, ip, client, user_agent, success, reason.
create or replace function crm_api.login_history(p_user_id bigint, p_limit int default 50, p_before_id bigint default null)
  returns jsonb
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  ctx jsonb := crm_private.require_context();
begin
  -- A missing user first (user ids are no secret: every user lists the users), then the rule.
  if not exists (select 1 from crm.users u where u.id = p_user_id) then
    raise exception 'no such user' using errcode = 'CR404';
  end if;
  if p_user_id is distinct from (ctx ->> 'uid')::bigint and not coalesce((ctx ->> 'admin')::boolean, false) then
    raise exception 'only the user themself and administrators see a login history' using errcode = 'CR403';
  end if;
  return coalesce((
    select jsonb_agg(jsonb_build_object(
             'id', a.id, 'at', a.at, 'ip', host(a.client_ip), 'client', a.client, 'user_agent', a.user_agent,
             'success', a.success, 'reason', a.reason) order by a.id desc)
      from (select * from crm_private.login_attempts a
             where a.user_id = p_user_id and (p_before_id is null or a.id < p_before_id)
             order by a.id desc limit greatest(1, least(coalesce(p_limit, 50), 1000))) a), '[]'::jsonb);
end
$$;

revoke execute on function crm_api.login_refused(text, inet, text, text, text),
  crm_api.login_history(bigint, int, bigint) from public;
grant execute on function crm_api.login_refused(text, inet, text, text, text) to crm_authenticator;
grant execute on function crm_api.login_history(bigint, int, bigint) to crm_user;
