-- crm/time_zone_check.sql: a cheap time zone check (a cached list instead of pg_timezone_names).
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/170_time_zone_check.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

create or replace function crm_private.is_valid_time_zone(tz text) returns boolean
  language sql stable security definer set search_path = pg_catalog, pg_temp
  return exists (select 1 from crm_private.time_zone_names where name = tz)
      or exists (select 1 from pg_timezone_names where name = tz);

revoke execute on all functions in schema crm_private, crm_api, audit from public;
