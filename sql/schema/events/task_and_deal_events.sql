-- events/task_and_deal_events.sql: notifications and timers of tasks and deals.
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/220_task_and_deal_events.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

-- The heads a task of `p_user_id` escalates to: starting at the user's department and going up
-- the tree, the first department having active users (other than the user) with a role whose
-- task.update scope is department or wider — all of those users. Role-based on purpose (a
-- personal grant does not make a head); 'update' rather than 'read', since a role that may read
-- the department's tasks (a purchaser) is not necessarily one that may act on them.
create or replace function crm_private.escalation_heads(p_user_id bigint) returns bigint[]
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  dept bigint;
  heads bigint[];
  depth int := 0;
begin
  select u.department_id into dept from crm.users u where u.id = p_user_id;
  while dept is not null and depth < 100 loop
    select array_agg(distinct u.id order by u.id) into heads
      from crm.users u
      join crm.user_roles ur on ur.user_id = u.id
      join crm.role_permissions rp on rp.role_id = ur.role_id
     where u.department_id = dept and u.active and u.id <> p_user_id
       and rp.entity = 'task' and rp.action = 'update' and rp.scope >= 'department';
    if heads is not null then
      return heads;
    end if;
    select d.parent_id into dept from crm.departments d where d.id = dept;
    depth := depth + 1;
  end loop;
  return '{}';
end
$$;

create or replace function crm_private.timer_task_reminder(p jsonb) returns void
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  t crm.tasks;
begin
  select * into t from crm.tasks x where x.id = (p ->> 'task_id')::bigint;
  if not found or t.status <> 'open' or t.reminder_at is distinct from (p ->> 'reminder_at')::timestamptz then
    return;  -- gone, closed, or moved (the moved one has its own timer)
  end if;
  perform crm_private.notify_user(t.assignee_id, 'reminder_due', jsonb_build_object(
    'task_id', t.id, 'title', t.title, 'reminder_at', t.reminder_at, 'due_at', t.due_at, 'deal_id', t.deal_id));
end
$$;

create or replace function crm_private.timer_task_overdue(p jsonb) returns void
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  t crm.tasks;
  body jsonb;
  head bigint;
begin
  select * into t from crm.tasks x where x.id = (p ->> 'task_id')::bigint;
  if not found or t.status <> 'open' or t.due_at is distinct from (p ->> 'due_at')::timestamptz then
    return;
  end if;
  body := jsonb_build_object('task_id', t.id, 'title', t.title, 'due_at', t.due_at, 'deal_id', t.deal_id,
                             'assignee_id', t.assignee_id);
  perform crm_private.notify_user(t.assignee_id, 'task_overdue', body || '{"escalated": false}');
  foreach head in array crm_private.escalation_heads(t.assignee_id) loop
    perform crm_private.notify_user(head, 'task_overdue', body || '{"escalated": true}');
  end loop;
end
$$;

create or replace function crm_private.timer_stage_reminder(p jsonb) returns void
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  d crm.deals;
begin
  select * into d from crm.deals x where x.id = (p ->> 'deal_id')::bigint;
  if not found or d.stage_id is distinct from (p ->> 'stage_id')::bigint
     or (p ? 'entered_at' and d.stage_entered_at is distinct from (p ->> 'entered_at')::timestamptz) then
    return;  -- gone, or no longer in (this visit of) the stage
  end if;
  perform crm_private.notify_user(coalesce(d.responsible_id, d.owner_id), 'reminder_due', jsonb_build_object(
    'deal_id', d.id, 'title', d.title, 'stage_id', d.stage_id, 'hours', p -> 'hours'));
end
$$;

-- For the stage rules: remind the deal's responsible when the deal is still in `p_stage_id`
-- `p_after` after it entered it (after now, if the deal is not in that stage yet). One timer
-- per deal, stage and delay: scheduling again replaces it; moving the deal out cancels it.
create or replace function crm_private.schedule_stage_reminder(p_deal_id bigint, p_stage_id bigint, p_after interval)
  returns bigint
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  d crm.deals;
  payload jsonb;
  start timestamptz := now();
begin
  select * into d from crm.deals x where x.id = p_deal_id;
  if not found then
    raise exception 'no deal %', p_deal_id using errcode = 'no_data_found';
  end if;
  payload := jsonb_build_object('deal_id', p_deal_id, 'stage_id', p_stage_id,
                                'hours', round((extract(epoch from p_after) / 3600)::numeric, 2));
  if d.stage_id = p_stage_id then
    start := d.stage_entered_at;
    payload := payload || jsonb_build_object('entered_at', d.stage_entered_at);
  end if;
  return crm_private.schedule_timer(start + p_after, 'stage_reminder', payload,
    format('deal:%s:stage_reminder:%s:%s', p_deal_id, p_stage_id, extract(epoch from p_after)::bigint));
end
$$;

create or replace function crm_private.task_events() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  actor bigint := crm_private.rls_uid();
  prefix text;
begin
  if tg_op = 'DELETE' then
    perform crm_private.cancel_timers(format('task:%s:', old.id));
    return null;
  end if;
  prefix := format('task:%s:', new.id);

  if new.status = 'open' and (tg_op = 'INSERT' or old.assignee_id is distinct from new.assignee_id)
     and new.assignee_id is distinct from actor then
    perform crm_private.notify_user(new.assignee_id, 'task_assigned', jsonb_build_object(
      'task_id', new.id, 'title', new.title, 'due_at', new.due_at, 'deal_id', new.deal_id, 'assigned_by', actor));
  end if;

  if tg_op = 'INSERT' or old.reminder_at is distinct from new.reminder_at or old.status <> new.status then
    if new.status = 'open' and new.reminder_at is not null and (tg_op = 'INSERT' or new.reminder_at > now()) then
      perform crm_private.schedule_timer(new.reminder_at, 'task_reminder',
        jsonb_build_object('task_id', new.id, 'reminder_at', new.reminder_at), prefix || 'reminder');
    elsif tg_op = 'UPDATE' then
      perform crm_private.cancel_timers(prefix || 'reminder');
    end if;
  end if;

  if tg_op = 'INSERT' or old.due_at is distinct from new.due_at or old.status <> new.status then
    if new.status = 'open' and new.due_at is not null and (tg_op = 'INSERT' or new.due_at > now()) then
      perform crm_private.schedule_timer(new.due_at, 'task_overdue',
        jsonb_build_object('task_id', new.id, 'due_at', new.due_at), prefix || 'overdue');
    elsif tg_op = 'UPDATE' then
      perform crm_private.cancel_timers(prefix || 'overdue');
    end if;
  end if;
  return null;
end
$$;

drop trigger if exists tasks_events on crm.tasks;
create trigger tasks_events after insert or update or delete on crm.tasks
  for each row execute function crm_private.task_events();

create or replace function crm_private.deal_moved() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  previous bigint;
  d crm.deals;
  body jsonb;
  target bigint;
begin
  select h.stage_id into previous from crm.deal_stage_history h
   where h.deal_id = new.deal_id and h.id < new.id order by h.id desc limit 1;
  if not found then
    return null;  -- the deal's first stage
  end if;
  select * into d from crm.deals x where x.id = new.deal_id;
  body := jsonb_build_object('deal_id', new.deal_id, 'title', d.title, 'from_stage_id', previous,
                             'to_stage_id', new.stage_id, 'moved_by', new.moved_by);
  target := coalesce(d.responsible_id, d.owner_id);
  if target is distinct from new.moved_by then
    perform crm_private.notify_user(target, 'deal_moved', body);
  end if;
  perform crm_private.emit_event('deal_moved', body);
  perform crm_private.cancel_timers(format('deal:%s:stage_reminder:%s:', new.deal_id, previous));
  return null;
end
$$;

drop trigger if exists deal_stage_history_moved on crm.deal_stage_history;
create trigger deal_stage_history_moved after insert on crm.deal_stage_history
  for each row execute function crm_private.deal_moved();

revoke execute on all functions in schema crm_private, crm_api, audit from public;
