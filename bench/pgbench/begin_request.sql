-- begin_request alone (the per-request authentication + context), as crm_authenticator.
BEGIN;
select ok, reason, user_id, session_id, api_token_id from crm_api.begin_request(:hash::bytea, '127.0.0.1'::inet);
COMMIT;
