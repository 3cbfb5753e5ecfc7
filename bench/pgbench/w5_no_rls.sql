-- W5's SELECT without row-level security: as the owner crm (superuser: RLS bypassed), no begin_request.
BEGIN ISOLATION LEVEL READ COMMITTED;
select crm_api.sales_funnel(coalesce(null::bigint, (select id from crm.pipelines where is_default)))::text;
COMMIT;
