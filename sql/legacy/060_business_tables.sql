-- 060 The first business tables, born under the rules.
--
-- Rule columns and their meaning:
--   own        : clients/deals: owner_id or responsible_id is the acting user;
--                tasks: owner_id (who set it) or assignee_id;
--                contacts: copied from their client (so "own" = own client's contacts).
--   department : the row's department_id is in the acting user's department subtree.
--                department_id defaults to the owner's department at insert (a row stays in
--                the department it was made in when its owner moves; reassign explicitly).
--   territory  : the row's territory_id is in one of the user's territories or below.
--                Deals and tasks default to their client's (deal's) territory.
--   private    : clients.is_private: only the owner, users it is shared with, and roles with
--                can_access_private see it (on top of the scope rule).
-- Contacts copy owner/responsible/department/territory/is_private from their client by
-- trigger (kept in step when the client changes), instead of checking through the parent in
-- the policy: the contact policy then has the same indexable shape as every other table, no
-- per-row sub-query into clients; the price is a propagation UPDATE when a client's rule
-- columns change (rare). Sharing a client also opens its contacts (parent share).

-- version and updated_at on every update.
create function crm_private.touch_row() returns trigger
  language plpgsql as $$
begin
  new.version := old.version + 1;
  new.updated_at := now();
  return new;
end
$$;

-- Defaults of rule columns at insert: responsible = owner; department = owner's department;
-- territory = the client's (or the deal's) territory.
create function crm_private.fill_rule_columns() returns trigger
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

create table crm.clients (
  id bigint generated always as identity primary key,
  name text not null check (length(btrim(name)) > 0),
  kind text not null default 'customer' check (kind in ('customer', 'supplier', 'both')),
  owner_id bigint not null default crm_private.rls_uid() references crm.users,
  responsible_id bigint references crm.users,
  department_id bigint references crm.departments,
  territory_id bigint references crm.territories,
  is_private boolean not null default false,
  notes text not null default '',
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index clients_name_idx on crm.clients (lower(name));
create trigger clients_fill before insert on crm.clients
  for each row execute function crm_private.fill_rule_columns();
create trigger clients_touch before update on crm.clients
  for each row execute function crm_private.touch_row();

create table crm.contacts (
  id bigint generated always as identity primary key,
  client_id bigint not null references crm.clients on delete cascade,
  name text not null check (length(btrim(name)) > 0),
  position text not null default '',
  phone text,
  email text,
  -- copied from the client (never set by hand: the trigger overwrites them)
  owner_id bigint not null,
  responsible_id bigint,
  department_id bigint,
  territory_id bigint,
  is_private boolean not null default false,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create function crm_private.contacts_copy_rules() returns trigger
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
create trigger contacts_copy_rules before insert or update on crm.contacts
  for each row execute function crm_private.contacts_copy_rules();
create trigger contacts_touch before update on crm.contacts
  for each row execute function crm_private.touch_row();

create function crm_private.clients_propagate_rules() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if (old.owner_id, old.responsible_id, old.department_id, old.territory_id, old.is_private)
     is distinct from (new.owner_id, new.responsible_id, new.department_id, new.territory_id, new.is_private) then
    update crm.contacts set client_id = client_id where client_id = new.id;   -- the copy trigger refreshes
  end if;
  return null;
end
$$;
create trigger clients_propagate_rules after update on crm.clients
  for each row execute function crm_private.clients_propagate_rules();

create table crm.deals (
  id bigint generated always as identity primary key,
  title text not null check (length(btrim(title)) > 0),
  client_id bigint references crm.clients on delete set null,
  amount numeric(18,2) not null default 0 check (amount >= 0),
  currency char(3) not null default 'RUB' check (currency ~ '^[A-Z]{3}$'),
  stage text not null default 'new',
  owner_id bigint not null default crm_private.rls_uid() references crm.users,
  responsible_id bigint references crm.users,
  department_id bigint references crm.departments,
  territory_id bigint references crm.territories,
  closed_at timestamptz,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index deals_created_idx on crm.deals (created_at desc, id desc);
create trigger deals_fill before insert on crm.deals
  for each row execute function crm_private.fill_rule_columns();
create trigger deals_touch before update on crm.deals
  for each row execute function crm_private.touch_row();

create table crm.tasks (
  id bigint generated always as identity primary key,
  title text not null check (length(btrim(title)) > 0),
  assignee_id bigint not null default crm_private.rls_uid() references crm.users,
  due_at timestamptz,
  status text not null default 'open' check (status in ('open', 'done', 'cancelled')),
  deal_id bigint references crm.deals on delete cascade,
  client_id bigint references crm.clients on delete set null,
  owner_id bigint not null default crm_private.rls_uid() references crm.users,
  department_id bigint references crm.departments,
  territory_id bigint references crm.territories,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index tasks_due_idx on crm.tasks (due_at) where status = 'open';
create trigger tasks_fill before insert on crm.tasks
  for each row execute function crm_private.fill_rule_columns();
create trigger tasks_touch before update on crm.tasks
  for each row execute function crm_private.touch_row();

select crm_private.secure_table('crm.clients', entity => 'client', private_column => 'is_private');
select crm_private.secure_table('crm.contacts', entity => 'contact', private_column => 'is_private',
                                parent_column => 'client_id', parent_entity => 'client');
select crm_private.secure_table('crm.deals', entity => 'deal');
select crm_private.secure_table('crm.tasks', entity => 'task', own_columns => '{owner_id,assignee_id}');

revoke execute on all functions in schema crm_private, crm_api, audit from public;
