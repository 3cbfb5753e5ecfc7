-- security/credentials_and_handover.sql: credentials end with their grounds; handover within one's scope; approval tasks; BI settings.
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/280_credentials_and_handover.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

create or replace function crm_private.on_credentials_change() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  reason text;
  ctx jsonb;
  current_session bigint;
begin
  if new.password_hash is distinct from old.password_hash then
    reason := 'password_changed';
    -- Changing one's own password keeps the session it was changed in.
    ctx := crm_private.context();
    if (ctx ->> 'uid')::bigint = new.id then
      current_session := (ctx ->> 'session_id')::bigint;
    end if;
  elsif old.active and not new.active then
    reason := 'user_disabled';
  else
    return null;
  end if;
  update crm_private.sessions set ended_at = now(), end_reason = reason
   where user_id = new.id and ended_at is null and id is distinct from current_session;
  update crm_private.api_tokens set revoked_at = now(), revoked_reason = reason
   where user_id = new.id and revoked_at is null;
  return null;
end
$$;

drop trigger if exists users_credentials_change on crm.users;
create trigger users_credentials_change after update of password_hash, active on crm.users
  for each row execute function crm_private.on_credentials_change();

create or replace function crm_api.revoke_api_token(p_token_id bigint) returns boolean
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  ctx jsonb := crm_private.require_context();
  t crm_private.api_tokens;
begin
  select * into t from crm_private.api_tokens where id = p_token_id;
  if not found then return false; end if;
  if t.user_id <> (ctx ->> 'uid')::bigint and not crm_private.rls_admin() then
    return false;
  end if;
  update crm_private.api_tokens set revoked_at = now(), revoked_reason = 'revoked'
   where id = p_token_id and revoked_at is null;
  perform audit.append('admin_command', null, null, null, null,
                       jsonb_build_object('command', 'api_token_revoke', 'token_id', p_token_id));
  return true;
end
$$;

create or replace function crm_private.handover_rule() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  entity text := tg_argv[0];
  rank int;
  uid bigint;
  departments bigint[];
  territories bigint[];
  person bigint;
begin
  -- The owner's own work (migrations, the demo, inbound processing) has no acting user.
  uid := crm_private.rls_uid();
  if uid is null then return new; end if;
  rank := crm_private.rls_rank(entity, 'update');
  if rank >= 4 then return new; end if;
  departments := coalesce(crm_private.rls_piece('', '', 0, 5), '{}')::bigint[];
  territories := coalesce(crm_private.rls_piece('', '', 0, 4), '{}')::bigint[];
  foreach person in array array[case when new.owner_id is distinct from old.owner_id then new.owner_id end,
                                case when new.responsible_id is distinct from old.responsible_id then new.responsible_id end]
  loop
    continue when person is null or person = uid;
    if rank = 3 and exists (select 1 from crm.user_territories ut where ut.user_id = person and ut.territory_id = any (territories))
       or rank = 2 and exists (select 1 from crm.users u where u.id = person and u.department_id = any (departments)) then
      continue;
    end if;
    raise exception 'you can hand this % only to yourself%', entity,
      case rank when 3 then ' or to a user of your territories' when 2 then ' or to a user of your departments' else '' end
      using errcode = 'CR403';
  end loop;
  if new.department_id is distinct from old.department_id and new.department_id is not null
     and not new.department_id = any (departments) then
    raise exception 'you can move this % only to your own departments', entity using errcode = 'CR403';
  end if;
  if new.territory_id is distinct from old.territory_id and new.territory_id is not null
     and not new.territory_id = any (territories) then
    raise exception 'you can move this % only to your own territories', entity using errcode = 'CR403';
  end if;
  return new;
end
$$;

drop trigger if exists deals_handover on crm.deals;
create trigger deals_handover before update of owner_id, responsible_id, department_id, territory_id on crm.deals
  for each row execute function crm_private.handover_rule('deal');

drop trigger if exists clients_handover on crm.clients;
create trigger clients_handover before update of owner_id, responsible_id, department_id, territory_id on crm.clients
  for each row execute function crm_private.handover_rule('client');

create or replace function crm_private.approval_task_guard() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if old.proof <> 'approval' or crm_private.rls_uid() is null then return new; end if;
  -- Inside the database's own functions: a deal leaving the stage (a trigger, depth > 1) or
  -- the approval being answered (crm_api.answer_approval sets crm.approval_answer).
  if pg_trigger_depth() > 1 or coalesce(current_setting('crm.approval_answer', true), 'off') = 'on' then
    return new;
  end if;
  if new.assignee_id is distinct from old.assignee_id or new.status is distinct from old.status
     or new.due_at is distinct from old.due_at or new.deal_id is distinct from old.deal_id
     or new.proof is distinct from old.proof or new.required is distinct from old.required then
    raise exception 'task «%» belongs to an approval: it is answered by its approver (approve or reject), and cancelled only when the deal leaves the stage',
      old.title using errcode = 'CR409';
  end if;
  return new;
end
$$;

drop trigger if exists tasks_approval_guard on crm.tasks;
create trigger tasks_approval_guard before update on crm.tasks
  for each row execute function crm_private.approval_task_guard();

create or replace function crm_private.bi_login_user() returns bigint
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  uid bigint;
begin
  select b.user_id into uid from crm_private.bi_logins b where b.role_name = session_user;
  if uid is null then
    return null;
  end if;
  -- Every setting of the role, in any database, as "database oid:setting", sorted.
  if (select array_agg(s.setdatabase || ':' || x order by s.setdatabase, x)
        from pg_db_role_setting s join pg_roles r on r.oid = s.setrole, unnest(s.setconfig) x
       where r.rolname = session_user)
     is distinct from array['0:default_transaction_read_only=on', '0:search_path=crm, public'] then
    return null;
  end if;
  return uid;
end
$$;

create or replace function crm_private.rls_state() returns text
  language plpgsql stable as $$
declare
  ctx text;
  k bytea;
  bi_user bigint;
  uc crm_private.user_context_cache;
begin
  if session_user = 'crm_authenticator' then
    ctx := current_setting('crm.context', true);
    select c.key into k from crm_private.context_key c;
    if current_setting('crm.context_sig', true) = encode(sha256(k || sha256(k || convert_to(
         pg_backend_pid()::text || '|' || extract(epoch from now())::text || '|' || ctx, 'UTF8'))), 'hex') then
      -- {"rls": "<state>", ...: the state holds no '"'
      return split_part(ctx, '"', 4);
    end if;
    return null;
  end if;
  bi_user := crm_private.bi_login_user();
  if bi_user is null then
    return null;
  end if;
  uc := crm_private.user_context(bi_user);
  if uc.user_id is null then
    return null;
  end if;
  return uc.user_id || ';' || case when uc.role_admin then '1' else '0' end || ';' || uc.rls_body;
end
$$;

create or replace function crm_private.context() returns jsonb
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  ctx text;
  k bytea;
  bi_user bigint;
begin
  if session_user = 'crm_authenticator' then
    ctx := current_setting('crm.context', true);
    select c.key into k from crm_private.context_key c;
    if current_setting('crm.context_sig', true) = encode(sha256(k || sha256(k || convert_to(
         pg_backend_pid()::text || '|' || extract(epoch from now())::text || '|' || ctx, 'UTF8'))), 'hex') then
      return ctx::jsonb;
    end if;
    return null;
  end if;
  bi_user := crm_private.bi_login_user();
  if bi_user is null then
    return null;
  end if;
  return (crm_private.user_context(bi_user)).context;
end
$$;

revoke execute on all functions in schema crm_private, crm_api, audit from public;
