-- W1's statements exactly as the server sends them (read from the server with log_statement=all),
-- as crm_authenticator (-D hash=\x<token hash>). Also -D lim=51 (the server binds limit + 1).
BEGIN ISOLATION LEVEL READ COMMITTED;
select ok, reason, user_id, session_id, api_token_id from crm_api.begin_request(:hash::bytea, '127.0.0.1'::inet);
select (select row_to_json(x) from (select t.id as id, t.title as title, t.pipeline_id as pipeline_id, t.stage_id as stage_id, t.kind_id as kind_id, t.client_id as client_id, t.counterparty_id as counterparty_id, (t.amount)::text as amount, t.currency as currency, t.probability as probability, t.source_id as source_id, t.owner_id as owner_id, t.responsible_id as responsible_id, t.department_id as department_id, t.territory_id as territory_id, t.expected_close_date as expected_close_date, t.custom_fields as custom_fields, t.loss_reason_id as loss_reason_id, t.loss_comment as loss_comment, t.stage_entered_at as stage_entered_at, t.closed_at as closed_at, t.version as version, t.created_at as created_at, t.updated_at as updated_at) x)::text, (t.created_at)::text, t.id from crm.deals t order by t.created_at desc, t.id desc limit :lim;
COMMIT;
