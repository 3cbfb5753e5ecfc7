-- W3's statements as the server sends them, as crm_authenticator (-D hash=\x<token hash> -D client=<client id>).
BEGIN;
select ok, reason, user_id, session_id, api_token_id from crm_api.begin_request(:hash::bytea, '127.0.0.1'::inet);
select exists (select 1 from crm.clients where id = :client);
insert into crm.deals (title, client_id, amount, currency, stage) values ('Bench deal', :client, coalesce(1000.50, 0), coalesce('RUB', 'RUB'), coalesce('new', 'new')) returning id, title, client_id, amount, currency, stage, owner_id, responsible_id, department_id, territory_id, closed_at, version, created_at, updated_at;
COMMIT;
