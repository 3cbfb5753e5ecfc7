-- security/secure_table.sql: the row-rule declaration (secure_table, secure_view, secure_identity_table), shares, session ends.
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/050_secure_table.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

-- Creates a btree index on each column unless an index already starts with it.
create or replace function crm_private.ensure_indexes(p_table regclass, p_columns text[]) returns void
  language plpgsql as $$
declare
  c text;
  rel_name text;
  rel_schema text;
begin
  select relname, nspname into rel_name, rel_schema
    from pg_class k join pg_namespace n on n.oid = k.relnamespace where k.oid = p_table;
  foreach c in array p_columns loop
    if c is null then continue; end if;
    if not exists (
      select 1 from pg_index i
      join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
      where i.indrelid = p_table and a.attname = c and i.indpred is null
    ) then
      execute format('create index %I on %I.%I (%I)', left(rel_name || '_' || c || '_rls_idx', 63),
                     rel_schema, rel_name, c);
    end if;
  end loop;
end
$$;

create or replace function crm_private.require_columns(p_table regclass, p_columns text[]) returns void
  language plpgsql as $$
declare
  c text;
begin
  foreach c in array p_columns loop
    if c is not null and not exists (
      select 1 from pg_attribute where attrelid = p_table and attname = c and attnum > 0 and not attisdropped
    ) then
      raise exception 'secure_table: % has no column %', p_table, c;
    end if;
  end loop;
end
$$;

create or replace function crm_private.drop_policies(p_table regclass) returns void
  language plpgsql as $$
declare
  p text;
begin
  for p in select polname from pg_policy where polrelid = p_table loop
    execute format('drop policy %I on %s', p, p_table);
  end loop;
end
$$;

create or replace function crm_private.owner_policy(p_table regclass) returns void
  language plpgsql as $$
begin
  execute format('create policy crm_owner_all on %s for all to %I using (true) with check (true)',
                 p_table, (select role_name from crm_private.owner_role));
end
$$;

create or replace function crm_private.attach_audit(p_table regclass, p_redact text[]) returns void
  language plpgsql as $$
begin
  if exists (select 1 from pg_trigger where tgrelid = p_table and tgname = 'audit_row_change') then
    execute format('drop trigger audit_row_change on %s', p_table);
  end if;
  execute format('create trigger audit_row_change after insert or update or delete on %s
                  for each row execute function audit.row_change(%s)',
                 p_table, coalesce((select string_agg(quote_literal(x), ', ') from unnest(p_redact) x), ''));
end
$$;

create or replace function crm_private.secure_table(
    p_table regclass,
    entity text,
    own_columns text[] default '{owner_id,responsible_id}',
    department_column text default 'department_id',
    territory_column text default 'territory_id',
    private_column text default null,
    parent_column text default null,
    parent_entity text default null,
    audit_redact text[] default '{}')
  returns void
  language plpgsql as $$
declare
  e text := entity;
  read_pred text;
  create_pred text;
  update_pred text;
  delete_pred text;
begin
  if e is null or not (e::crm.entity_name is not null) then
    raise exception 'secure_table: entity required';
  end if;
  if (parent_column is null) <> (parent_entity is null) then
    raise exception 'secure_table: parent_column and parent_entity go together';
  end if;
  if coalesce(cardinality(own_columns), 0) = 0 and private_column is not null then
    raise exception 'secure_table: a private column needs an owner column (own_columns[1])';
  end if;
  perform crm_private.require_columns(p_table,
    array['id', department_column, territory_column, private_column, parent_column] || own_columns);

  execute format('alter table %s enable row level security', p_table);
  execute format('alter table %s force row level security', p_table);
  perform crm_private.drop_policies(p_table);

  read_pred := crm_private.rule_predicate(e, 'read', 'read', own_columns, department_column,
                 territory_column, private_column, parent_column, parent_entity);
  create_pred := crm_private.rule_predicate(e, 'create', null, own_columns, department_column,
                 territory_column, private_column, null, null);
  update_pred := crm_private.rule_predicate(e, 'update', 'write', own_columns, department_column,
                 territory_column, private_column, parent_column, parent_entity);
  delete_pred := crm_private.rule_predicate(e, 'delete', null, own_columns, department_column,
                 territory_column, private_column, null, null);

  execute format('create policy crm_read on %s for select to crm_user, crm_bi using (%s)', p_table, read_pred);
  execute format('create policy crm_create on %s for insert to crm_user with check (%s)', p_table, create_pred);
  execute format('create policy crm_update on %s for update to crm_user using (%s) with check (%s)',
                 p_table, update_pred, update_pred);
  execute format('create policy crm_delete on %s for delete to crm_user using (%s)', p_table, delete_pred);
  perform crm_private.owner_policy(p_table);

  execute format('revoke all on %s from public', p_table);
  execute format('grant select, insert, update, delete on %s to crm_user', p_table);
  execute format('grant select on %s to crm_bi', p_table);

  perform crm_private.attach_audit(p_table, audit_redact);
  perform crm_private.ensure_indexes(p_table,
    array['id', department_column, territory_column, private_column, parent_column] || own_columns);

  insert into crm_private.secured_tables as s (table_name, kind, entity, own_columns, department_column,
                territory_column, private_column, parent_column, parent_entity)
  values (p_table, 'business', e, own_columns, department_column, territory_column, private_column,
          parent_column, parent_entity)
  on conflict (table_name) do update set kind = excluded.kind, entity = excluded.entity,
    own_columns = excluded.own_columns, department_column = excluded.department_column,
    territory_column = excluded.territory_column, private_column = excluded.private_column,
    parent_column = excluded.parent_column, parent_entity = excluded.parent_entity, declared_at = now();
end
$$;

-- Views (reports.*, crm.*): security_invoker so the caller's policies apply, SELECT for
-- crm_user and crm_bi, nothing for PUBLIC.
--   select crm_private.secure_view('reports.sales_funnel');
create or replace function crm_private.secure_view(p_view regclass) returns void
  language plpgsql as $$
begin
  if (select relkind from pg_class where oid = p_view) <> 'v' then
    raise exception 'secure_view: % is not a view (materialized views cannot carry row level security)', p_view;
  end if;
  execute format('alter view %s set (security_invoker = true)', p_view);
  execute format('revoke all on %s from public', p_view);
  execute format('grant select on %s to crm_user, crm_bi', p_view);
end
$$;

-- Identity tables: readable by everybody signed in ('all'), by admins and the user the row is
-- about ('self', needs user_id), or by admins only ('admin'); written by admins only.
-- p_hidden: columns crm_user/crm_bi may neither read nor write (e.g. password_hash).
create or replace function crm_private.secure_identity_table(p_table regclass, p_read text,
    p_bi boolean default false, p_hidden text[] default '{}')
  returns void
  language plpgsql as $$
declare
  read_pred text;
  cols text;
begin
  read_pred := case p_read
    when 'all' then 'true'
    when 'admin' then '(select crm_private.rls_admin())'
    when 'self' then '(select crm_private.rls_admin()) or user_id = (select crm_private.rls_uid())'
  end;
  if read_pred is null then raise exception 'secure_identity_table: read mode %?', p_read; end if;
  execute format('alter table %s enable row level security', p_table);
  execute format('alter table %s force row level security', p_table);
  perform crm_private.drop_policies(p_table);
  execute format('create policy crm_read on %s for select to %s using (%s)', p_table,
                 case when p_bi then 'crm_user, crm_bi' else 'crm_user' end, read_pred);
  execute format('create policy crm_admin_insert on %s for insert to crm_user with check ((select crm_private.rls_admin()))', p_table);
  execute format('create policy crm_admin_update on %s for update to crm_user using ((select crm_private.rls_admin())) with check ((select crm_private.rls_admin()))', p_table);
  execute format('create policy crm_admin_delete on %s for delete to crm_user using ((select crm_private.rls_admin()))', p_table);
  perform crm_private.owner_policy(p_table);

  execute format('revoke all on %s from public', p_table);
  select string_agg(quote_ident(attname), ', ' order by attnum) into cols
    from pg_attribute
   where attrelid = p_table and attnum > 0 and not attisdropped and not (attname = any (p_hidden));
  if cardinality(p_hidden) = 0 then
    execute format('grant select, insert, update, delete on %s to crm_user', p_table);
    if p_bi then execute format('grant select on %s to crm_bi', p_table); end if;
  else
    execute format('grant select (%s), insert (%s), update (%s) on %s to crm_user', cols, cols, cols, p_table);
    execute format('grant delete on %s to crm_user', p_table);
    if p_bi then execute format('grant select (%s) on %s to crm_bi', cols, p_table); end if;
  end if;
  perform crm_private.attach_audit(p_table, p_hidden);
  insert into crm_private.secured_tables (table_name, kind) values (p_table, 'identity')
  on conflict (table_name) do update set kind = 'identity', declared_at = now();
end
$$;

select crm_private.secure_identity_table('crm.departments', 'all', p_bi => true);

select crm_private.secure_identity_table('crm.territories', 'all', p_bi => true);

select crm_private.secure_identity_table('crm.users', 'all', p_bi => true, p_hidden => '{password_hash}');

select crm_private.secure_identity_table('crm.roles', 'all');

select crm_private.secure_identity_table('crm.role_permissions', 'all');

select crm_private.secure_identity_table('crm.user_roles', 'self');

select crm_private.secure_identity_table('crm.user_territories', 'self');

select crm_private.secure_identity_table('crm.user_permission_overrides', 'self');

select crm_private.secure_identity_table('crm.networks', 'admin');

grant execute on function crm_private.owns_row(text, bigint) to crm_user;

select crm_private.secure_identity_table('crm.shares', 'admin');

drop policy if exists crm_read on crm.shares;

drop policy if exists crm_admin_insert on crm.shares;

drop policy if exists crm_admin_delete on crm.shares;

drop policy if exists crm_read on crm.shares;
create policy crm_read on crm.shares for select to crm_user using (
  (select crm_private.rls_admin()) or user_id = (select crm_private.rls_uid())
  or granted_by = (select crm_private.rls_uid()));

drop policy if exists crm_share_insert on crm.shares;
create policy crm_share_insert on crm.shares for insert to crm_user with check (
  (select crm_private.rls_admin())
  or (granted_by = (select crm_private.rls_uid()) and crm_private.owns_row(entity, row_id)));

drop policy if exists crm_share_delete on crm.shares;
create policy crm_share_delete on crm.shares for delete to crm_user using (
  (select crm_private.rls_admin()) or granted_by = (select crm_private.rls_uid()));

-- ---------------------------------------------------------------------------------------
-- Permission changes and disabling a user end sessions (and are audited as such besides the
-- row entries). Department/territory changes need no session end: the context is recomputed
-- at every request.
create or replace function crm_private.end_sessions(p_user_ids bigint[], p_reason text) returns int
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  n int;
begin
  update crm_private.sessions set ended_at = now(), end_reason = p_reason
   where user_id = any (p_user_ids) and ended_at is null;
  get diagnostics n = row_count;
  return n;
end
$$;

create or replace function crm_private.on_permission_change() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  users bigint[];
  reason text;
  ended int;
  r jsonb := to_jsonb(coalesce(new, old));
begin
  if tg_table_name = 'users' then
    if not (old.active and not new.active) then return null; end if;
    users := array[new.id];
    reason := 'user_disabled';
  elsif tg_table_name in ('user_roles', 'user_permission_overrides') then
    users := array(select distinct x from unnest(array[(to_jsonb(old) ->> 'user_id')::bigint,
                                                       (to_jsonb(new) ->> 'user_id')::bigint]) x where x is not null);
    reason := case when tg_table_name = 'user_roles' then 'roles_changed' else 'permissions_changed' end;
  elsif tg_table_name = 'role_permissions' then
    users := array(select ur.user_id from crm.user_roles ur
                   where ur.role_id in ((to_jsonb(old) ->> 'role_id')::bigint, (to_jsonb(new) ->> 'role_id')::bigint));
    reason := 'permissions_changed';
  elsif tg_table_name = 'roles' then
    users := array(select ur.user_id from crm.user_roles ur where ur.role_id = (r ->> 'id')::bigint);
    reason := 'permissions_changed';
  end if;
  ended := crm_private.end_sessions(users, reason);
  perform audit.append('permission_change', tg_table_schema || '.' || tg_table_name, null, null, null,
    jsonb_build_object('operation', lower(tg_op), 'row', r - 'password_hash', 'users', to_jsonb(users),
                       'sessions_ended', ended, 'reason', reason));
  return null;
end
$$;

drop trigger if exists users_disable_ends_sessions on crm.users;
create trigger users_disable_ends_sessions after update of active on crm.users
  for each row execute function crm_private.on_permission_change();

drop trigger if exists user_roles_end_sessions on crm.user_roles;
create trigger user_roles_end_sessions after insert or update or delete on crm.user_roles
  for each row execute function crm_private.on_permission_change();

drop trigger if exists overrides_end_sessions on crm.user_permission_overrides;
create trigger overrides_end_sessions after insert or update or delete on crm.user_permission_overrides
  for each row execute function crm_private.on_permission_change();

drop trigger if exists role_permissions_end_sessions on crm.role_permissions;
create trigger role_permissions_end_sessions after insert or update or delete on crm.role_permissions
  for each row execute function crm_private.on_permission_change();

drop trigger if exists roles_end_sessions on crm.roles;
create trigger roles_end_sessions after update of can_access_private, is_admin, login_weekdays, login_from, login_to
  on crm.roles for each row execute function crm_private.on_permission_change();

revoke execute on all functions in schema crm_private, crm_api, audit from public;
