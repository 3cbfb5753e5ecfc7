-- crm/time_zone_check: A cheap time zone check. `pg_timezone_names` reads the whole time zone database on every
--
-- Current definitions (functions, views, triggers, policies, grants) from the chain's
-- sql/legacy/170_time_zone_check.sql; tables and data are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

create or replace function crm_private.is_valid_time_zone(tz text) returns boolean
  language sql stable security definer set search_path = pg_catalog, pg_temp
  return exists (select 1 from crm_private.time_zone_names where name = tz)
      or exists (select 1 from pg_timezone_names where name = tz);

revoke execute on all functions in schema crm_private, crm_api, audit from public;
