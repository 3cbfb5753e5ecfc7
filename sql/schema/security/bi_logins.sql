-- security/bi_logins.sql: BI logins: PostgreSQL login roles mapped to CRM users, read-only.
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/080_bi_logins.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

create or replace function crm_private.create_bi_login(p_login_name text, p_crm_user_id bigint, p_password text)
  returns void
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  -- Callable by the owner directly, or by an administrator in a request.
  if crm_private.context() is not null or session_user = 'crm_authenticator' then
    perform crm_api.require_admin();
  end if;
  if p_login_name is null or p_login_name !~ '^[a-z][a-z0-9_]{2,62}$'
     or p_login_name ~ '^(crm_|pg_)' then
    raise exception 'invalid BI login name "%" (lowercase letters, digits, _; not crm_* or pg_*)', p_login_name
      using errcode = 'invalid_parameter_value';
  end if;
  if exists (select 1 from pg_roles where rolname = p_login_name) then
    raise exception 'a database role named "%" already exists', p_login_name using errcode = 'duplicate_object';
  end if;
  if not exists (select 1 from crm.users where id = p_crm_user_id and active) then
    raise exception 'no active CRM user %', p_crm_user_id using errcode = 'no_data_found';
  end if;
  if p_password is null or length(p_password) < 12 then
    raise exception 'a BI password needs at least 12 characters' using errcode = 'invalid_parameter_value';
  end if;
  execute format('create role %I login inherit nosuperuser nocreatedb nocreaterole noreplication nobypassrls '
                 'connection limit 10 password %L in role crm_bi', p_login_name, p_password);
  execute format('alter role %I set default_transaction_read_only = on', p_login_name);
  execute format('alter role %I set search_path = crm, public', p_login_name);
  insert into crm_private.bi_logins (role_name, user_id, created_by)
    values (p_login_name, p_crm_user_id, crm_private.rls_uid());
  perform audit.append('admin_command', null, null, null, null,
                       jsonb_build_object('command', 'bi_create', 'login', p_login_name, 'user_id', p_crm_user_id));
end
$$;

create or replace function crm_private.drop_bi_login(p_login_name text) returns boolean
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  if crm_private.context() is not null or session_user = 'crm_authenticator' then
    perform crm_api.require_admin();
  end if;
  delete from crm_private.bi_logins where role_name = p_login_name;
  if not found then
    return false;
  end if;
  -- End its connections when allowed (superuser or pg_signal_backend); the mapping is gone
  -- already, so whatever stays connected sees nothing.
  begin
    perform pg_terminate_backend(a.pid) from pg_stat_activity a where a.usename = p_login_name;
  exception when insufficient_privilege then
    null;
  end;
  execute format('drop role if exists %I', p_login_name);
  perform audit.append('admin_command', null, null, null, null,
                       jsonb_build_object('command', 'bi_drop', 'login', p_login_name));
  return true;
end
$$;

create or replace function crm_private.list_bi_logins()
  returns table (login_name name, user_id bigint, user_login text, created_at timestamptz, role_exists boolean)
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
begin
  if crm_private.context() is not null or session_user = 'crm_authenticator' then
    perform crm_api.require_admin();
  end if;
  return query
    select b.role_name, b.user_id, u.login, b.created_at,
           exists (select 1 from pg_roles r where r.rolname = b.role_name)
    from crm_private.bi_logins b join crm.users u on u.id = b.user_id
    order by b.role_name;
end
$$;

-- The server reaches them through crm_api (crm_user has no USAGE on crm_private).
create or replace function crm_api.create_bi_login(p_login_name text, p_crm_user_id bigint, p_password text) returns void
  language sql volatile security definer set search_path = pg_catalog, pg_temp
  begin atomic
    select crm_private.create_bi_login(p_login_name, p_crm_user_id, p_password);
  end;

create or replace function crm_api.drop_bi_login(p_login_name text) returns boolean
  language sql volatile security definer set search_path = pg_catalog, pg_temp
  begin atomic
    select crm_private.drop_bi_login(p_login_name);
  end;

create or replace function crm_api.list_bi_logins()
  returns table (login_name name, user_id bigint, user_login text, created_at timestamptz, role_exists boolean)
  language sql stable security definer set search_path = pg_catalog, pg_temp
  begin atomic
    select * from crm_private.list_bi_logins();
  end;

grant execute on function crm_api.create_bi_login(text, bigint, text), crm_api.drop_bi_login(text),
  crm_api.list_bi_logins() to crm_user;

revoke execute on all functions in schema crm_private, crm_api, audit from public;
