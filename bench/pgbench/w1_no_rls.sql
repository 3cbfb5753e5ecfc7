-- W1's SELECT without row-level security: run as the owner crm (superuser: RLS bypassed), no begin_request. Also -D lim=50 (the server binds the limit).
BEGIN;
select id, title, client_id, amount, currency, stage, owner_id, responsible_id, department_id, territory_id, closed_at, version, created_at, updated_at from crm.deals order by created_at desc, id desc limit :lim;
COMMIT;
