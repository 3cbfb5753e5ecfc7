-- security/identity.sql: identity helpers: time zones, password and login checks, the identity tables' row rules.
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/020_identity.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

-- Trees must stay trees: refuse a move that makes a node its own ancestor.
-- Trigger functions that name crm_private objects are SECURITY DEFINER: they run for
-- crm_user, which has no USAGE on crm_private.
create or replace function crm_private.tree_no_cycle() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  found boolean;
begin
  if new.parent_id is null then
    return new;
  end if;
  execute format($q$
    with recursive up(id, parent_id) as (
      select id, parent_id from %1$s where id = $1
      union all
      select t.id, t.parent_id from %1$s t join up on t.id = up.parent_id
    ) cycle id set is_cycle using path
    select exists (select 1 from up where id = $2)$q$, tg_relid::regclass)
    into found using new.parent_id, new.id;
  if found then
    raise exception '% % cannot be moved under its own descendant %', tg_table_name, new.id, new.parent_id
      using errcode = 'check_violation';
  end if;
  return new;
end
$$;

drop trigger if exists departments_no_cycle on crm.departments;
create trigger departments_no_cycle before insert or update of parent_id on crm.departments
  for each row execute function crm_private.tree_no_cycle();

drop trigger if exists territories_no_cycle on crm.territories;
create trigger territories_no_cycle before insert or update of parent_id on crm.territories
  for each row execute function crm_private.tree_no_cycle();

create or replace function crm_private.users_before_write() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if not crm_private.is_valid_time_zone(new.time_zone) then
    raise exception 'unknown time zone "%" (an IANA name such as Europe/Moscow is expected)', new.time_zone
      using errcode = 'check_violation';
  end if;
  if tg_op = 'UPDATE' then
    new.updated_at := now();
  end if;
  return new;
end
$$;

drop trigger if exists users_before_write on crm.users;
create trigger users_before_write before insert or update on crm.users
  for each row execute function crm_private.users_before_write();

revoke execute on all functions in schema crm_private, crm_api, audit from public;
