-- crm/server_api.sql: what the server's login role may read outside a request (the schema version for /health).
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/100_server_api.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

-- The schema version for /health (the runner's bookkeeping table is not readable by it).
create or replace function crm_api.schema_version() returns integer
  language sql stable security definer set search_path = pg_catalog, pg_temp
  begin atomic
    select max(version) from public.schema_migrations;
  end;

revoke execute on function crm_api.schema_version() from public;

grant execute on function crm_api.schema_version() to crm_authenticator;
