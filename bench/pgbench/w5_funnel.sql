-- W5's statements exactly as the server sends them for GET /api/v1/reports/funnel (no pipeline_id:
-- the parameter is bound as NULL), as crm_authenticator (-D hash=\x<token hash> of manager.msk or director).
BEGIN ISOLATION LEVEL READ COMMITTED;
select ok, reason, user_id, session_id, api_token_id from crm_api.begin_request(:hash::bytea, '127.0.0.1'::inet);
select crm_api.sales_funnel(coalesce(null::bigint, (select id from crm.pipelines where is_default)))::text;
COMMIT;
