-- 010 Security foundation: cluster roles, schemas, shared types, configuration.
--
-- Roles (cluster-global, created idempotently: many databases may share one cluster):
--   crm_authenticator  LOGIN NOINHERIT. The server's login. Owns nothing, has no table rights;
--                      may only EXECUTE the crm_api login/request functions and SET ROLE crm_user
--                      (through crm_api.begin_request).
--   crm_user           NOLOGIN. The role every HTTP/console request runs as (after begin_request).
--                      Table privileges on crm.*; rows limited by RLS policies.
--   crm_bi             NOLOGIN group of BI logins (created by crm_private.create_bi_login):
--                      SELECT only, rows limited by the same policies; identity from session_user.
--
-- Schemas:
--   crm          business and identity tables (every table: RLS enabled + forced).
--   crm_api      functions the server calls (EXECUTE granted per function, per role).
--   crm_private  internals: sessions, tokens, lockouts, BI mapping, config, policy helpers.
--                No USAGE for anybody but the owner. Policies call a few helpers from here:
--                a stored policy expression refers to the function by OID, so the querying role
--                needs EXECUTE on exactly those helpers, but no USAGE on the schema (it can not
--                call or even name anything here from SQL it writes itself).
--   audit        the append-only, hash-chained audit log.

-- Roles are cluster-global: databases of one cluster migrating at the same moment (the test
-- suite does) can race between the existence check and CREATE/GRANT. The block is retried.
do $$
declare
  attempt int := 0;
begin
  loop
    attempt := attempt + 1;
    begin
        if not exists (select 1 from pg_roles where rolname = 'crm_user') then
          create role crm_user nologin noinherit;
        end if;
        if not exists (select 1 from pg_roles where rolname = 'crm_bi') then
          create role crm_bi nologin;
        end if;
        if not exists (select 1 from pg_roles where rolname = 'crm_authenticator') then
          create role crm_authenticator login noinherit;
        end if;
        -- The attributes matter more than the existence: enforce them, but only when they are
        -- wrong (naming SUPERUSER/BYPASSRLS in ALTER ROLE needs a superuser, even to switch them off).
        if exists (select 1 from pg_roles where rolname = 'crm_authenticator'
                    and (rolsuper or rolbypassrls or rolreplication)) then
          alter role crm_authenticator nosuperuser nobypassrls noreplication;
        end if;
        if exists (select 1 from pg_roles where rolname = 'crm_authenticator'
                    and (not rolcanlogin or rolinherit or rolcreatedb or rolcreaterole)) then
          alter role crm_authenticator login noinherit nocreatedb nocreaterole;
        end if;
        if exists (select 1 from pg_roles where rolname in ('crm_user', 'crm_bi')
                    and (rolsuper or rolbypassrls or rolreplication)) then
          alter role crm_user nosuperuser nobypassrls noreplication;
          alter role crm_bi nosuperuser nobypassrls noreplication;
        end if;
        if exists (select 1 from pg_roles where rolname in ('crm_user', 'crm_bi')
                    and (rolcanlogin or rolcreatedb or rolcreaterole)) then
          alter role crm_user nologin nocreatedb nocreaterole;
          alter role crm_bi nologin nocreatedb nocreaterole;
        end if;
        if not exists (
          select 1 from pg_auth_members m
          where m.roleid = 'crm_user'::regrole and m.member = 'crm_authenticator'::regrole
        ) then
          grant crm_user to crm_authenticator;
        end if;
      exit;
    exception when unique_violation or duplicate_object or internal_error then
      if attempt >= 10 then raise; end if;
      perform pg_sleep(0.05 * attempt);
    end;
  end loop;
end
$$;

create schema if not exists crm;
create schema if not exists crm_api;
create schema if not exists crm_private;
create schema if not exists audit;
create schema if not exists reports;   -- report views (security_invoker, see crm_private.secure_view)

revoke all on schema crm_private from public;
revoke all on schema crm_api from public;
revoke all on schema audit from public;
revoke all on schema crm from public;

revoke all on schema reports from public;
grant usage on schema crm to crm_user, crm_bi;
grant usage on schema reports to crm_user, crm_bi;
grant usage on schema crm_api to crm_user, crm_authenticator;
grant usage on schema audit to crm_user, crm_authenticator;

-- Functions are executable by PUBLIC by default (and per-schema default privileges cannot
-- take that away): every migration that creates functions in crm_private, crm_api or audit
-- ends with an explicit REVOKE ... FROM PUBLIC; crm_api.security_self_check() reports any
-- function there still executable by PUBLIC.

-- Vocabulary. Entities and actions are text domains (a new entity is one ALTER DOMAIN in a
-- later migration, no enum ALTER TYPE ... ADD VALUE transaction trouble).
create domain crm.entity_name as text check (value in (
  'client', 'counterparty', 'contact', 'deal', 'task', 'interaction',
  'document', 'product', 'invoice', 'report'));

create domain crm.action_name as text check (value in (
  'read', 'create', 'update', 'delete', 'export', 'approve'));

-- Scopes are ordered: none < own < department < territory < all. Each scope includes the
-- narrower ones (department = own rows + rows of the department subtree; territory = that
-- + rows of the user's territory subtrees). max() over several roles gives "the widest wins".
create type crm.scope as enum ('none', 'own', 'department', 'territory', 'all');

create function crm_private.scope_rank(s crm.scope) returns int
  language sql immutable parallel safe
  return array_position(enum_range(null::crm.scope), s) - 1;

-- One-row configuration of the security core (timeouts, lockout policy, company time zone).
create table crm_private.config (
  id boolean primary key default true check (id),
  idle_timeout interval not null default '30 minutes',
  absolute_timeout interval not null default '12 hours',
  session_touch_interval interval not null default '30 seconds',
  lockout_threshold int not null default 10,
  lockout_window interval not null default '15 minutes',
  lockout_base interval not null default '15 minutes',
  lockout_max interval not null default '24 hours',
  ip_failure_threshold int not null default 50,
  ip_failure_window interval not null default '15 minutes',
  ip_lockout interval not null default '15 minutes',
  company_time_zone text not null default 'Europe/Moscow',
  bind_prefix_v4 int not null default 24 check (bind_prefix_v4 between 0 and 32),
  bind_prefix_v6 int not null default 64 check (bind_prefix_v6 between 0 and 128)
);
insert into crm_private.config default values;

create function crm_private.is_valid_time_zone(tz text) returns boolean
  language sql stable
  return exists (select 1 from pg_timezone_names where name = tz);

-- The role that ran the migrations (the database owner). Policies give it all rows so that
-- SECURITY DEFINER maintenance code (demo install, propagation triggers) works when the owner
-- is not a superuser; no request role is ever a member of it.
create table crm_private.owner_role (
  id boolean primary key default true check (id),
  role_name name not null
);
insert into crm_private.owner_role (role_name) values (current_user);

revoke execute on all functions in schema crm_private, crm_api, audit from public;
