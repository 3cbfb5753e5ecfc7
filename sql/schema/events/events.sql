-- events/events.sql: notifications of users and the outbound event log.
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/200_events.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

-- Each user reads and marks read their own; written by the database (notify_user).
select crm_private.secure_identity_table('crm.notifications', 'self');

drop policy if exists crm_admin_insert on crm.notifications;

drop policy if exists crm_admin_update on crm.notifications;

drop policy if exists crm_admin_delete on crm.notifications;

drop policy if exists crm_read on crm.notifications;

drop policy if exists crm_read on crm.notifications;
create policy crm_read on crm.notifications for select to crm_user
  using (user_id = (select crm_private.rls_uid()));

drop policy if exists crm_self_update on crm.notifications;
create policy crm_self_update on crm.notifications for update to crm_user
  using (user_id = (select crm_private.rls_uid())) with check (user_id = (select crm_private.rls_uid()));

revoke insert, delete on crm.notifications from crm_user;

revoke update on crm.notifications from crm_user;

grant update (read_at) on crm.notifications to crm_user;

create or replace function crm_private.notify_user(p_user_id bigint, p_kind text, p_payload jsonb default '{}')
  returns bigint
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  new_id bigint;
begin
  if p_user_id is null then
    return null;
  end if;
  insert into crm.notifications (user_id, kind, payload) values (p_user_id, p_kind, coalesce(p_payload, '{}'))
  returning id into new_id;
  perform pg_notify('crm_notifications', json_build_object('id', new_id, 'user_id', p_user_id)::text);
  return new_id;
end
$$;

create or replace function crm_private.emit_event(p_kind text, p_payload jsonb default '{}') returns bigint
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  new_id bigint;
begin
  insert into crm_private.events (kind, payload) values (p_kind, coalesce(p_payload, '{}')) returning id into new_id;
  perform pg_notify('crm_events', new_id::text);
  return new_id;
end
$$;

revoke execute on all functions in schema crm_private, crm_api, audit from public;
