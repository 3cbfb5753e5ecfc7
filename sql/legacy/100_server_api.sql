-- 100 Server API: what the server's login role (crm_authenticator) may read outside a request.

-- The schema version for /health (the runner's bookkeeping table is not readable by it).
create function crm_api.schema_version() returns integer
  language sql stable security definer set search_path = pg_catalog, pg_temp
  begin atomic
    select max(version) from public.schema_migrations;
  end;
revoke execute on function crm_api.schema_version() from public;
grant execute on function crm_api.schema_version() to crm_authenticator;
