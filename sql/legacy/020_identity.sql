-- 020 Identity: departments, territories, users, roles, permissions, shares, networks;
-- and the private tables of authentication: sessions, API tokens, login attempts, lockouts,
-- BI login mapping. Policies and grants for the crm.* tables are added in 050.

create table crm.departments (
  id bigint generated always as identity primary key,
  parent_id bigint references crm.departments on delete restrict,
  name text not null check (length(btrim(name)) > 0),
  created_at timestamptz not null default now(),
  check (parent_id is distinct from id)
);
create index departments_parent_idx on crm.departments (parent_id);
create unique index departments_name_uq on crm.departments (coalesce(parent_id, 0), lower(name));

create table crm.territories (
  id bigint generated always as identity primary key,
  parent_id bigint references crm.territories on delete restrict,
  name text not null check (length(btrim(name)) > 0),
  created_at timestamptz not null default now(),
  check (parent_id is distinct from id)
);
create index territories_parent_idx on crm.territories (parent_id);
create unique index territories_name_uq on crm.territories (coalesce(parent_id, 0), lower(name));

-- Trees must stay trees: refuse a move that makes a node its own ancestor.
-- Trigger functions that name crm_private objects are SECURITY DEFINER: they run for
-- crm_user, which has no USAGE on crm_private.
create function crm_private.tree_no_cycle() returns trigger
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
create trigger departments_no_cycle before insert or update of parent_id on crm.departments
  for each row execute function crm_private.tree_no_cycle();
create trigger territories_no_cycle before insert or update of parent_id on crm.territories
  for each row execute function crm_private.tree_no_cycle();

create table crm.users (
  id bigint generated always as identity primary key,
  login text not null check (login ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,62}$'),
  name text not null check (length(btrim(name)) > 0),
  email text check (email ~ '^[^@\s]+@[^@\s]+$'),
  phone text check (phone ~ '^\+?[0-9 ()-]{5,32}$'),
  time_zone text not null default 'Europe/Moscow',
  locale text not null default 'ru-RU' check (locale ~ '^[a-z]{2,3}(-[A-Z]{2})?$'),
  department_id bigint references crm.departments on delete restrict,
  active boolean not null default true,
  password_hash text,           -- opaque, computed by the server (scrypt/PBKDF2 string)
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index users_login_uq on crm.users (lower(login));
create index users_department_idx on crm.users (department_id);

create function crm_private.users_before_write() returns trigger
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
create trigger users_before_write before insert or update on crm.users
  for each row execute function crm_private.users_before_write();

create table crm.roles (
  id bigint generated always as identity primary key,
  name text not null check (length(btrim(name)) > 0),
  description text not null default '',
  can_access_private boolean not null default false,
  is_admin boolean not null default false,      -- may manage users, roles, networks, BI logins
  -- Login hours: ISO weekdays (1 = Monday .. 7 = Sunday) and a local time window in the
  -- company time zone (crm_private.config). All null = any time. login_from > login_to is a
  -- window over midnight.
  login_weekdays smallint[] check (login_weekdays <@ array[1,2,3,4,5,6,7]::smallint[]),
  login_from time,
  login_to time,
  created_at timestamptz not null default now(),
  check ((login_from is null) = (login_to is null)),
  check (login_weekdays is null or login_from is not null)
);
create unique index roles_name_uq on crm.roles (lower(name));

create table crm.role_permissions (
  role_id bigint not null references crm.roles on delete cascade,
  entity crm.entity_name not null,
  action crm.action_name not null,
  scope crm.scope not null,
  primary key (role_id, entity, action)
);

create table crm.user_roles (
  user_id bigint not null references crm.users on delete cascade,
  role_id bigint not null references crm.roles on delete cascade,
  primary key (user_id, role_id)
);
create index user_roles_role_idx on crm.user_roles (role_id);

create table crm.user_territories (
  user_id bigint not null references crm.users on delete cascade,
  territory_id bigint not null references crm.territories on delete cascade,
  primary key (user_id, territory_id)
);
create index user_territories_territory_idx on crm.user_territories (territory_id);

-- Personal refinements: 'grant' widens to at least `scope`; 'deny' is none, whatever the roles say.
create table crm.user_permission_overrides (
  user_id bigint not null references crm.users on delete cascade,
  entity crm.entity_name not null,
  action crm.action_name not null,
  effect text not null check (effect in ('grant', 'deny')),
  scope crm.scope,
  primary key (user_id, entity, action),
  check ((effect = 'grant') = (scope is not null and scope <> 'none'))
);

-- Row sharing with a named user. 'write' implies read. Shares on a client also open the
-- client's contacts (see the contacts table).
create table crm.shares (
  id bigint generated always as identity primary key,
  entity crm.entity_name not null,
  row_id bigint not null,
  user_id bigint not null references crm.users on delete cascade,
  access text not null check (access in ('read', 'write')),
  granted_by bigint references crm.users on delete set null,
  created_at timestamptz not null default now(),
  unique (entity, row_id, user_id)
);
create index shares_user_idx on crm.shares (user_id, entity, access);

-- Allowed networks per role or per user, per purpose. No network for a purpose = no
-- restriction for that purpose; otherwise the address must be inside one of them.
create table crm.networks (
  id bigint generated always as identity primary key,
  network cidr not null,
  role_id bigint references crm.roles on delete cascade,
  user_id bigint references crm.users on delete cascade,
  purpose text not null check (purpose in ('login', 'export', 'admin')),
  description text not null default '',
  created_at timestamptz not null default now(),
  check ((role_id is null) <> (user_id is null))
);
create index networks_role_idx on crm.networks (role_id) where role_id is not null;
create index networks_user_idx on crm.networks (user_id) where user_id is not null;

-- ---------------------------------------------------------------------------------------
-- Private: reachable only through crm_api functions.

create table crm_private.sessions (
  id bigint generated always as identity primary key,
  token_hash bytea not null unique check (length(token_hash) >= 16),
  user_id bigint not null references crm.users on delete cascade,
  -- console_local: signed in through the admin console's local Unix socket (reachable only by
  -- the server's OS user), which stands in for an admin network.
  purpose text not null default 'web' check (purpose in ('web', 'console', 'console_local')),
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  client_ip inet not null,
  network cidr not null,            -- the session is bound to it
  user_agent text,
  ended_at timestamptz,
  end_reason text check (end_reason in ('logout', 'idle', 'expired', 'user_disabled',
                                        'roles_changed', 'permissions_changed', 'killed'))
);
create index sessions_user_open_idx on crm_private.sessions (user_id) where ended_at is null;

create table crm_private.api_tokens (
  id bigint generated always as identity primary key,
  name text not null check (length(btrim(name)) > 0),
  user_id bigint not null references crm.users on delete cascade,
  token_hash bytea not null unique check (length(token_hash) >= 16),
  created_at timestamptz not null default now(),
  created_by bigint references crm.users on delete set null,
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz,
  unique (user_id, name)
);

create table crm_private.login_attempts (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  login_key text not null,          -- lower(login) as typed: lockouts do not depend on existence
  user_id bigint,
  client_ip inet not null,
  success boolean not null,
  reason text
);
create index login_attempts_login_idx on crm_private.login_attempts (login_key, at) where not success;
create index login_attempts_ip_idx on crm_private.login_attempts (client_ip, at) where not success;

create table crm_private.lockouts (
  id bigint generated always as identity primary key,
  login_key text,
  client_ip inet,
  locked_at timestamptz not null default now(),
  locked_until timestamptz not null,
  check ((login_key is null) <> (client_ip is null))
);
create index lockouts_login_idx on crm_private.lockouts (login_key, locked_until);
create index lockouts_ip_idx on crm_private.lockouts (client_ip, locked_until);

create table crm_private.bi_logins (
  role_name name primary key,
  user_id bigint not null references crm.users on delete cascade,
  created_at timestamptz not null default now(),
  created_by bigint references crm.users on delete set null
);
create index bi_logins_user_idx on crm_private.bi_logins (user_id);

revoke execute on all functions in schema crm_private, crm_api, audit from public;
