-- crm/server_api: Server API: what the server's login role (crm_authenticator) may read outside a request.
--
-- Current definitions (functions, views, triggers, policies, grants) from the chain's
-- sql/legacy/100_server_api.sql; tables and data are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

-- The schema version for /health (the runner's bookkeeping table is not readable by it).
create or replace function crm_api.schema_version() returns integer
  language sql stable security definer set search_path = pg_catalog, pg_temp
  begin atomic
    select max(version) from public.schema_migrations;
  end;

revoke execute on function crm_api.schema_version() from public;

grant execute on function crm_api.schema_version() to crm_authenticator;
