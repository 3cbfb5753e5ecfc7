-- 170 A cheap time zone check. `pg_timezone_names` reads the whole time zone database on every
-- query (~1,200 zones: 60–100 ms a call on the benchmark machine), and crm_private.task_fill
-- (130) asked it on every insert and update of a task, crm_private.users_before_write (020) on
-- every write of a user (a password change included). The names are now looked up in a table
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

-- As in 130, with the check above.
create or replace function crm_private.task_fill() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if new.time_zone is null or (tg_op = 'UPDATE' and old.assignee_id <> new.assignee_id and old.time_zone = new.time_zone) then
    select time_zone into new.time_zone from crm.users where id = new.assignee_id;
  end if;
  if not crm_private.is_valid_time_zone(new.time_zone) then
    raise exception 'unknown time zone %', new.time_zone using errcode = 'CR422', column = 'time_zone';
  end if;
  if new.status = 'done' and (tg_op = 'INSERT' or old.status <> 'done') then
    new.completed_at := now();
  elsif new.status <> 'done' then
    new.completed_at := null;
  end if;
  return new;
end
$$;

revoke execute on all functions in schema crm_private, crm_api, audit from public;
