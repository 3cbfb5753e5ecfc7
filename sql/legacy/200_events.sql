-- 200 Events for automation (issue 5): a user's notifications and the outbound event log.
--
--   crm_private.notify_user(user, kind, payload) → notification id
--       stores a notification for one user (an offline user sees it later) and wakes every
--       server instance (NOTIFY crm_notifications, payload {"id", "user_id"}) so SSE clients
--       get it at once.
--   crm_private.emit_event(kind, payload) → event id
--       appends to the outbound event log (for webhooks) and NOTIFYs crm_events.
-- Kinds used: task_assigned, reminder_due, task_overdue, approval_requested, approval_answered,
-- deal_moved, lead_arrived, call_missed.

create table crm.notifications (
  id bigint generated always as identity primary key,
  user_id bigint not null references crm.users on delete cascade,
  kind text not null check (kind ~ '^[a-z][a-z_]{0,39}$'),
  payload jsonb not null default '{}',
  created_at timestamptz not null default now(),
  read_at timestamptz
);
create index notifications_user_idx on crm.notifications (user_id, id);
create index notifications_unread_idx on crm.notifications (user_id, id) where read_at is null;

-- Each user reads and marks read their own; written by the database (notify_user).
select crm_private.secure_identity_table('crm.notifications', 'self');
drop policy crm_admin_insert on crm.notifications;
drop policy crm_admin_update on crm.notifications;
drop policy crm_admin_delete on crm.notifications;
drop policy crm_read on crm.notifications;
create policy crm_read on crm.notifications for select to crm_user
  using (user_id = (select crm_private.rls_uid()));
create policy crm_self_update on crm.notifications for update to crm_user
  using (user_id = (select crm_private.rls_uid())) with check (user_id = (select crm_private.rls_uid()));
revoke insert, delete on crm.notifications from crm_user;
revoke update on crm.notifications from crm_user;
grant update (read_at) on crm.notifications to crm_user;

create function crm_private.notify_user(p_user_id bigint, p_kind text, p_payload jsonb default '{}')
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

create table crm_private.events (
  id bigint generated always as identity primary key,
  kind text not null,
  payload jsonb not null default '{}',
  created_at timestamptz not null default now()
);

create function crm_private.emit_event(p_kind text, p_payload jsonb default '{}') returns bigint
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
