-- 225 Passive requests (issue 5): the server's own re-checks of a long-lived connection (the
-- event stream, GET /api/v1/events) run as the user with every check of begin_request —
-- expiry, idle time, network, user active, login hours — but are not activity: they leave
-- the session's last_seen_at (and an API token's last_used_at) as they were, so an open
-- stream does not keep an idle session alive. A session found expired or idle is ended as by
-- begin_request.

create function crm_api.authorize_passive_request(p_token_hash bytea, p_client_ip inet,
    out ok boolean, out reason text, out user_id bigint, out session_id bigint,
    out api_token_id bigint, out context text, out signature text)
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  seen timestamptz;
  used timestamptz;
  a record;
begin
  select s.last_seen_at into seen from crm_private.sessions s where s.token_hash = p_token_hash and s.ended_at is null;
  select t.last_used_at into used from crm_private.api_tokens t where t.token_hash = p_token_hash and t.revoked_at is null;
  a := crm_api.authorize_request(p_token_hash, p_client_ip);
  if a.ok and a.session_id is not null then
    update crm_private.sessions s set last_seen_at = seen
     where s.id = a.session_id and s.last_seen_at = now() and seen is not null;
  elsif a.ok and a.api_token_id is not null then
    update crm_private.api_tokens t set last_used_at = used
     where t.id = a.api_token_id and t.last_used_at = now();
  end if;
  ok := a.ok; reason := a.reason; user_id := a.user_id; session_id := a.session_id;
  api_token_id := a.api_token_id; context := a.context; signature := a.signature;
end
$$;

-- Like crm_api.begin_request (SECURITY INVOKER for the same reason), passive.
create function crm_api.begin_passive_request(p_token_hash bytea, p_client_ip inet,
    out ok boolean, out reason text, out user_id bigint, out session_id bigint, out api_token_id bigint)
  language plpgsql volatile as $$
declare
  a record;
begin
  a := crm_api.authorize_passive_request(p_token_hash, p_client_ip);
  ok := a.ok; reason := a.reason; user_id := a.user_id;
  session_id := a.session_id; api_token_id := a.api_token_id;
  if a.ok then
    perform set_config('crm.context', a.context, true),
            set_config('crm.context_sig', a.signature, true),
            set_config('role', 'crm_user', true);
  end if;
end
$$;

revoke execute on all functions in schema crm_private, crm_api, audit from public;
grant execute on function crm_api.authorize_passive_request(bytea, inet), crm_api.begin_passive_request(bytea, inet)
  to crm_authenticator;
