-- W1's statements exactly as the server sends them, as crm_authenticator (-D hash=\x<token hash>). Also -D lim=50 (the server binds the limit).
BEGIN;
select ok, reason, user_id, session_id, api_token_id from crm_api.begin_request(:hash::bytea, '127.0.0.1'::inet);
select id, title, client_id, amount, currency, stage, owner_id, responsible_id, department_id, territory_id, closed_at, version, created_at, updated_at from crm.deals order by created_at desc, id desc limit :lim;
COMMIT;
