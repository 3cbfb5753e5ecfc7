-- W5 at the SQL level without a session: the request statement for user :uid (begin_request_as),
-- then the funnel of the default pipeline, as the server's login (crm_authenticator).
begin;
select ok from crm_api.begin_request_as(:uid, '127.0.0.1'::inet);
select crm_api.sales_funnel((select id from crm.pipelines where is_default));
commit;
