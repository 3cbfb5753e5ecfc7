-- W3's statements exactly as the server sends them (read with log_statement=all), as crm_authenticator
-- (-D hash=\x<token hash> -D client=<client id>): the client reference check, the INSERT, and the row read back.
BEGIN ISOLATION LEVEL READ COMMITTED;
select ok, reason, user_id, session_id, api_token_id from crm_api.begin_request(:hash::bytea, '127.0.0.1'::inet);
select exists (select 1 from crm.clients where id = :client::bigint);
insert into crm.deals (amount, client_id, currency, title) select amount, client_id, currency, title from jsonb_populate_record(null::crm.deals, ('{"amount":"1000.50","client_id":' || :client || ',"currency":"RUB","title":"Bench deal"}')::jsonb) returning id \gset
select (select row_to_json(x) from (select t.id as id, t.title as title, t.pipeline_id as pipeline_id, t.stage_id as stage_id, t.kind_id as kind_id, t.client_id as client_id, t.counterparty_id as counterparty_id, (t.amount)::text as amount, t.currency as currency, t.probability as probability, t.source_id as source_id, t.owner_id as owner_id, t.responsible_id as responsible_id, t.department_id as department_id, t.territory_id as territory_id, t.expected_close_date as expected_close_date, t.custom_fields as custom_fields, t.loss_reason_id as loss_reason_id, t.loss_comment as loss_comment, t.stage_entered_at as stage_entered_at, t.closed_at as closed_at, t.version as version, t.created_at as created_at, t.updated_at as updated_at) x)::text, t.version from crm.deals t where t.id = :id;
COMMIT;
