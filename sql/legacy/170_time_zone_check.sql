-- 170 A cheap time zone check. `pg_timezone_names` reads the whole time zone database on every
-- query (~1,200 zones: 60–100 ms a call on the benchmark machine), and
-- crm_private.is_valid_time_zone (020) asked it on every insert and update of a task
-- (crm_private.task_fill, 130) and every write of a user (a password change included). The names are now looked up in a table
-- filled from pg_timezone_names once; a name not in it (time zone data updated since) still
-- falls back to pg_timezone_names, so nothing valid is refused, only the unknown name is slow.

create table crm_private.time_zone_names (
  name text primary key
);
insert into crm_private.time_zone_names (name) select distinct name from pg_timezone_names;

create or replace function crm_private.is_valid_time_zone(tz text) returns boolean
  language sql stable security definer set search_path = pg_catalog, pg_temp
  return exists (select 1 from crm_private.time_zone_names where name = tz)
      or exists (select 1 from pg_timezone_names where name = tz);

revoke execute on all functions in schema crm_private, crm_api, audit from public;
