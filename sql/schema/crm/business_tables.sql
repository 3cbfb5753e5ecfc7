-- crm/business_tables.sql: triggers and rules of the first business tables (clients, contacts, deals, tasks).
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/060_business_tables.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

-- version and updated_at on every update.
create or replace function crm_private.touch_row() returns trigger
  language plpgsql as $$
begin
  new.version := old.version + 1;
  new.updated_at := now();
  return new;
end
$$;

-- Defaults of rule columns at insert: responsible = owner; department = owner's department;
-- territory = the client's (or the deal's) territory.
create or replace function crm_private.fill_rule_columns() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  j jsonb := to_jsonb(new);
  patch jsonb := '{}';
  owner bigint := (j ->> 'owner_id')::bigint;
begin
  if j ? 'responsible_id' and j -> 'responsible_id' = 'null' then
    patch := patch || jsonb_build_object('responsible_id', owner);
  end if;
  if j ? 'department_id' and j -> 'department_id' = 'null' then
    patch := patch || jsonb_build_object('department_id',
               (select u.department_id from crm.users u where u.id = owner));
  end if;
  if j ? 'territory_id' and j -> 'territory_id' = 'null' then
    if j ? 'deal_id' and j -> 'deal_id' <> 'null' then
      patch := patch || jsonb_build_object('territory_id',
                 (select d.territory_id from crm.deals d where d.id = (j ->> 'deal_id')::bigint));
    elsif j ? 'client_id' and j -> 'client_id' <> 'null' then
      patch := patch || jsonb_build_object('territory_id',
                 (select c.territory_id from crm.clients c where c.id = (j ->> 'client_id')::bigint));
    end if;
  end if;
  if patch <> '{}' then
    new := jsonb_populate_record(new, patch);
  end if;
  return new;
end
$$;

drop trigger if exists clients_fill on crm.clients;
create trigger clients_fill before insert on crm.clients
  for each row execute function crm_private.fill_rule_columns();

drop trigger if exists clients_touch on crm.clients;
create trigger clients_touch before update on crm.clients
  for each row execute function crm_private.touch_row();

create or replace function crm_private.contacts_copy_rules() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  c record;
begin
  select owner_id, responsible_id, department_id, territory_id, is_private into c
    from crm.clients where id = new.client_id;
  if not found then
    raise exception 'client % does not exist', new.client_id using errcode = 'foreign_key_violation';
  end if;
  new.owner_id := c.owner_id;
  new.responsible_id := c.responsible_id;
  new.department_id := c.department_id;
  new.territory_id := c.territory_id;
  new.is_private := c.is_private;
  return new;
end
$$;

drop trigger if exists contacts_copy_rules on crm.contacts;
create trigger contacts_copy_rules before insert or update on crm.contacts
  for each row execute function crm_private.contacts_copy_rules();

drop trigger if exists contacts_touch on crm.contacts;
create trigger contacts_touch before update on crm.contacts
  for each row execute function crm_private.touch_row();

create or replace function crm_private.clients_propagate_rules() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if (old.owner_id, old.responsible_id, old.department_id, old.territory_id, old.is_private)
     is distinct from (new.owner_id, new.responsible_id, new.department_id, new.territory_id, new.is_private) then
    update crm.contacts set client_id = client_id where client_id = new.id;   -- the copy trigger refreshes
  end if;
  return null;
end
$$;

drop trigger if exists deals_fill on crm.deals;
create trigger deals_fill before insert on crm.deals
  for each row execute function crm_private.fill_rule_columns();

drop trigger if exists deals_touch on crm.deals;
create trigger deals_touch before update on crm.deals
  for each row execute function crm_private.touch_row();

drop trigger if exists tasks_fill on crm.tasks;
create trigger tasks_fill before insert on crm.tasks
  for each row execute function crm_private.fill_rule_columns();

drop trigger if exists tasks_touch on crm.tasks;
create trigger tasks_touch before update on crm.tasks
  for each row execute function crm_private.touch_row();

revoke execute on all functions in schema crm_private, crm_api, audit from public;
