-- W1's SELECT under RLS with begin_request_as(user_id) (no token lookup), as crm_authenticator (-D uid=N). Also -D lim=50 (the server binds the limit).
BEGIN;
select ok, reason from crm_api.begin_request_as(:uid, '127.0.0.1'::inet);
select id, title, client_id, amount, currency, stage, owner_id, responsible_id, department_id, territory_id, closed_at, version, created_at, updated_at from crm.deals order by created_at desc, id desc limit :lim;
COMMIT;
