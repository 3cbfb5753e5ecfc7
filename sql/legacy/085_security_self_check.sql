-- 085 Catalog self-check: one row per problem, none when all is well. The server runs it at
-- start-up (any role may: it reads the catalog only), the tests assert it is empty.
--   * every table in crm is registered, has RLS enabled and FORCED, has the audit trigger,
--     and grants nothing to PUBLIC;
--   * every view in crm / reports (any user schema) has security_invoker; no materialized view
--     there (those cannot carry RLS);
--   * crm_authenticator: LOGIN NOINHERIT, no superuser/bypassrls, owns nothing in this
--     database, has no privilege on any table/view of crm, reports or audit;
--   * crm_user and crm_bi: no bypassrls, own nothing; crm_bi can only SELECT;
--   * no function in crm_private, crm_api or audit is executable by PUBLIC.
create function crm_api.security_self_check() returns table (problem text)
  language sql stable security definer set search_path = pg_catalog, pg_temp
  begin atomic
    with business as (
      select c.oid, c.relname, n.nspname, c.relkind, c.relrowsecurity, c.relforcerowsecurity
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'crm' and c.relkind in ('r', 'p')
    ), views as (
      select c.oid, c.relname, n.nspname, c.relkind, c.reloptions
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('v', 'm')
        and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
        and n.nspname not like 'pg_temp%'
    ), special as (
      select r.oid, r.rolname from pg_roles r where r.rolname in ('crm_authenticator', 'crm_user', 'crm_bi')
    ), tables_of_interest as (
      select c.oid, n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname in ('crm', 'reports', 'audit') and c.relkind in ('r', 'p', 'v', 'm', 'f')
    )
    select format('table %I.%I: row level security is not enabled', nspname, relname)
      from business where not relrowsecurity
    union all
    select format('table %I.%I: row level security is not forced', nspname, relname)
      from business where not relforcerowsecurity
    union all
    select format('table %I.%I: not declared with crm_private.secure_table', b.nspname, b.relname)
      from business b where not exists (select 1 from crm_private.secured_tables s where s.table_name = b.oid)
    union all
    select format('table %I.%I: no audit trigger', b.nspname, b.relname)
      from business b where not exists (select 1 from pg_trigger t where t.tgrelid = b.oid
                                         and t.tgfoid = 'audit.row_change'::regproc and t.tgenabled <> 'D')
    union all
    select format('table %I.%I: PUBLIC has privileges', b.nspname, b.relname)
      from business b, pg_class c, aclexplode(c.relacl) a
     where c.oid = b.oid and a.grantee = 0
    union all
    select format('view %I.%I: security_invoker is not set', nspname, relname)
      from views where relkind = 'v' and not coalesce('security_invoker=true' = any (reloptions)
                                                      or 'security_invoker=on' = any (reloptions), false)
    union all
    select format('materialized view %I.%I bypasses row level security', nspname, relname)
      from views where relkind = 'm'
    union all
    select format('role %s is missing', x) from unnest(array['crm_authenticator', 'crm_user', 'crm_bi']) x
     where not exists (select 1 from pg_roles where rolname = x)
    union all
    select 'crm_authenticator must be LOGIN NOINHERIT without superuser/bypassrls/createrole/createdb'
      from pg_roles r where r.rolname = 'crm_authenticator'
       and (not r.rolcanlogin or r.rolinherit or r.rolsuper or r.rolbypassrls or r.rolcreaterole or r.rolcreatedb)
    union all
    select format('role %s must not bypass row level security', r.rolname)
      from pg_roles r where r.rolname in ('crm_user', 'crm_bi') and (r.rolbypassrls or r.rolsuper)
    union all
    select format('role %s owns %s %s', s.rolname, o.kind, o.name)
      from special s,
      lateral (
        select 'relation' as kind, c.oid::regclass::text as name from pg_class c where c.relowner = s.oid
        union all select 'function', p.oid::regprocedure::text from pg_proc p where p.proowner = s.oid
        union all select 'schema', n.nspname::text from pg_namespace n where n.nspowner = s.oid
        union all select 'type', t.oid::regtype::text from pg_type t where t.typowner = s.oid
        union all select 'database', d.datname::text from pg_database d
                   where d.datdba = s.oid and d.datname = current_database()
      ) o
    union all
    select format('crm_authenticator has privileges on %I.%I', t.nspname, t.relname)
      from tables_of_interest t
     where has_table_privilege('crm_authenticator', t.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
        or has_any_column_privilege('crm_authenticator', t.oid, 'SELECT, INSERT, UPDATE, REFERENCES')
    union all
    select format('crm_bi may write %I.%I', t.nspname, t.relname)
      from tables_of_interest t
     where has_table_privilege('crm_bi', t.oid, 'INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
    union all
    select format('crm_user may %s audit.log', x)
      from unnest(array['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) x
     where has_table_privilege('crm_user', 'audit.log'::regclass, x)
    union all
    select format('function %s is executable by PUBLIC', p.oid::regprocedure)
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
     where n.nspname in ('crm_private', 'crm_api', 'audit') and a.grantee = 0 and a.privilege_type = 'EXECUTE';
  end;

grant execute on function crm_api.security_self_check() to crm_authenticator, crm_user;

revoke execute on all functions in schema crm_private, crm_api, audit from public;
