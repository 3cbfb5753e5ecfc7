-- 050 One declaration puts a table under the rules.
--
--   select crm_private.secure_table('crm.deals', entity => 'deal');
--
-- enables and FORCES row-level security, (re)creates the per-command policies from the
-- table's rule columns, grants crm_user (SELECT/INSERT/UPDATE/DELETE) and crm_bi (SELECT),
-- attaches the audit trigger, and indexes every column a policy reads.
--
-- Policy shape for entity E, action A (generated, never copied by hand):
--   ( ( (select rls_all(E,A))
--       or territory_id  = any ((select rls_territories(E,A))::bigint[])   -- [] unless scope >= territory
--       or department_id = any ((select rls_departments(E,A))::bigint[])   -- [] unless scope >= department
--       or owner_id      = (select rls_own(E,A))                 -- null unless scope >= own
--       or responsible_id = (select rls_own(E,A)) )
--     and (not is_private or (select rls_private()) or owner_id = (select rls_uid())) )  -- if private column
--   or id = any ((select rls_shared(E, 'read'|'write'))::bigint[])                  -- shares (read/update only)
--   or client_id = any ((select rls_shared('client', ...))::bigint[])              -- parent's shares, if declared
-- Every helper is a one-time initPlan per statement; each arm compares an indexed column with
-- a constant or an array, so the planner can use an index (or a BitmapOr of them).
--   SELECT  : using  pred(read,   shares read|write)            to crm_user, crm_bi
--   INSERT  : check  pred(create, no shares)                    to crm_user
--   UPDATE  : using + check pred(update, write shares)          to crm_user (a row cannot be
--             moved out of the writer's scope)
--   DELETE  : using  pred(delete, no shares)                    to crm_user
--   crm_owner_all: the migration owner (definer code, maintenance) sees all rows.

create table crm_private.secured_tables (
  table_name regclass primary key,
  kind text not null check (kind in ('business', 'identity')),
  entity text,
  own_columns text[],
  department_column text,
  territory_column text,
  private_column text,
  parent_column text,
  parent_entity text,
  declared_at timestamptz not null default now()
);

-- Creates a btree index on each column unless an index already starts with it.
create function crm_private.ensure_indexes(p_table regclass, p_columns text[]) returns void
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

create function crm_private.require_columns(p_table regclass, p_columns text[]) returns void
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

create function crm_private.drop_policies(p_table regclass) returns void
  language plpgsql as $$
declare
  p text;
begin
  for p in select polname from pg_policy where polrelid = p_table loop
    execute format('drop policy %I on %s', p, p_table);
  end loop;
end
$$;

create function crm_private.owner_policy(p_table regclass) returns void
  language plpgsql as $$
begin
  execute format('create policy crm_owner_all on %s for all to %I using (true) with check (true)',
                 p_table, (select role_name from crm_private.owner_role));
end
$$;

create function crm_private.attach_audit(p_table regclass, p_redact text[]) returns void
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

-- The rule predicate for one action (see the header).
create function crm_private.rule_predicate(
    p_entity text, p_action text, p_share_access text,
    p_own_columns text[], p_department_column text, p_territory_column text,
    p_private_column text, p_parent_column text, p_parent_entity text)
  returns text
  language plpgsql immutable as $$
declare
  scope_part text;
  c text;
  result text;
begin
  scope_part := format('(select crm_private.rls_all(%L, %L))', p_entity, p_action);
  if p_territory_column is not null then
    scope_part := scope_part || format(' or %I = any ((select crm_private.rls_territories(%L, %L))::bigint[])',
                                       p_territory_column, p_entity, p_action);
  end if;
  if p_department_column is not null then
    scope_part := scope_part || format(' or %I = any ((select crm_private.rls_departments(%L, %L))::bigint[])',
                                       p_department_column, p_entity, p_action);
  end if;
  foreach c in array coalesce(p_own_columns, '{}') loop
    scope_part := scope_part || format(' or %I = (select crm_private.rls_own(%L, %L))', c, p_entity, p_action);
  end loop;
  result := '(' || scope_part || ')';
  if p_private_column is not null then
    result := format('(%s and (not %I or (select crm_private.rls_private()) or %I = (select crm_private.rls_uid())))',
                     result, p_private_column, p_own_columns[1]);
  end if;
  if p_share_access is not null then
    result := result || format(' or id = any ((select crm_private.rls_shared(%L, %L, %L))::bigint[])',
                               p_entity, p_share_access, p_entity);
    if p_parent_column is not null then
      result := result || format(' or %I = any ((select crm_private.rls_shared(%L, %L, %L))::bigint[])',
                                 p_parent_column, p_parent_entity, p_share_access, p_entity);
    end if;
  end if;
  return result;
end
$$;

create function crm_private.secure_table(
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
create function crm_private.secure_view(p_view regclass) returns void
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
create function crm_private.secure_identity_table(p_table regclass, p_read text,
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

-- Shares: seen by admins, by the user they are for and by who granted them; created by admins
-- or by the owner of the row (granted_by must be the acting user); removed by admins or the granter.
create function crm_private.owns_row(p_entity text, p_row_id bigint) returns boolean
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  t crm_private.secured_tables;
  result boolean;
begin
  select * into t from crm_private.secured_tables where entity = p_entity and kind = 'business';
  if not found or t.own_columns is null or cardinality(t.own_columns) = 0 then
    return false;
  end if;
  execute format('select exists (select 1 from %s where id = $1 and %I = $2)', t.table_name, t.own_columns[1])
    into result using p_row_id, crm_private.rls_uid();
  return result;
end
$$;
grant execute on function crm_private.owns_row(text, bigint) to crm_user;

select crm_private.secure_identity_table('crm.shares', 'admin');
drop policy crm_read on crm.shares;
drop policy crm_admin_insert on crm.shares;
drop policy crm_admin_delete on crm.shares;
create policy crm_read on crm.shares for select to crm_user using (
  (select crm_private.rls_admin()) or user_id = (select crm_private.rls_uid())
  or granted_by = (select crm_private.rls_uid()));
create policy crm_share_insert on crm.shares for insert to crm_user with check (
  (select crm_private.rls_admin())
  or (granted_by = (select crm_private.rls_uid()) and crm_private.owns_row(entity, row_id)));
create policy crm_share_delete on crm.shares for delete to crm_user using (
  (select crm_private.rls_admin()) or granted_by = (select crm_private.rls_uid()));
alter table crm.shares alter column granted_by set default crm_private.rls_uid();

-- ---------------------------------------------------------------------------------------
-- Permission changes and disabling a user end sessions (and are audited as such besides the
-- row entries). Department/territory changes need no session end: the context is recomputed
-- at every request.
create function crm_private.end_sessions(p_user_ids bigint[], p_reason text) returns int
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

create function crm_private.on_permission_change() returns trigger
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

create trigger users_disable_ends_sessions after update of active on crm.users
  for each row execute function crm_private.on_permission_change();
create trigger user_roles_end_sessions after insert or update or delete on crm.user_roles
  for each row execute function crm_private.on_permission_change();
create trigger overrides_end_sessions after insert or update or delete on crm.user_permission_overrides
  for each row execute function crm_private.on_permission_change();
create trigger role_permissions_end_sessions after insert or update or delete on crm.role_permissions
  for each row execute function crm_private.on_permission_change();
create trigger roles_end_sessions after update of can_access_private, is_admin, login_weekdays, login_from, login_to
  on crm.roles for each row execute function crm_private.on_permission_change();

revoke execute on all functions in schema crm_private, crm_api, audit from public;
