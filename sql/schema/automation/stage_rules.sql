-- automation/stage_rules.sql: stage rules: task templates, exit conditions, transitions, approvals.
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/260_stage_rules.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

do $$
declare
  t text;
begin
  foreach t in array array['stage_task_templates', 'stage_exit_conditions', 'stage_transitions', 'approval_steps'] loop
    execute format('create or replace trigger %I before update on crm.%I for each row execute function crm_private.touch_row()',
                   t || '_touch', t);
    perform crm_private.secure_identity_table(format('crm.%I', t)::regclass, 'all', p_bi => true);
  end loop;
end
$$;

drop trigger if exists approvals_touch on crm.approvals;
create trigger approvals_touch before update on crm.approvals for each row execute function crm_private.touch_row();

drop trigger if exists approvals_inherit on crm.approvals;
create trigger approvals_inherit before insert or update on crm.approvals
  for each row execute function crm_private.inherit_rules('crm.deals', 'deal_id',
    'owner_id', 'responsible_id', 'department_id', 'territory_id');

create or replace function crm_private.resolve_person(p_rule text, p_user_id bigint, p_role_id bigint, p_deal crm.deals)
  returns bigint
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select case p_rule
    when 'responsible' then coalesce(p_deal.responsible_id, p_deal.owner_id)
    when 'owner' then p_deal.owner_id
    when 'user' then p_user_id
    when 'role' then (select u.id from crm.users u join crm.user_roles ur on ur.user_id = u.id
                       where ur.role_id = p_role_id and u.active order by u.id limit 1)
    -- a user with the role in the deal's department, else in the nearest department above it
    when 'role_in_department' then (
      with recursive up(id, depth) as (
        select p_deal.department_id, 0
        union all
        select d.parent_id, up.depth + 1 from crm.departments d join up on d.id = up.id where d.parent_id is not null
      )
      select u.id from up join crm.users u on u.department_id = up.id
        join crm.user_roles ur on ur.user_id = u.id and ur.role_id = p_role_id
       where u.active order by up.depth, u.id limit 1)
  end
$$;

-- The stage a deal goes to from its stage when it moves on by itself: the only transition, or
-- the next open stage by position; null when there is a choice to make or nothing after.
create or replace function crm_private.next_stage(p_stage_id bigint) returns bigint
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  s crm.stages;
  n int;
  target bigint;
begin
  select * into s from crm.stages where id = p_stage_id;
  select count(*), min(to_stage_id) into n, target from crm.stage_transitions where from_stage_id = p_stage_id;
  if n = 1 then return target; end if;
  if n > 1 then return null; end if;
  select id into target from crm.stages
   where pipeline_id = s.pipeline_id and position > s.position and kind <> 'lost'
   order by position limit 1;
  return target;
end
$$;

-- A move made by the rules on behalf of the acting user: the stage history marks it
-- by_automation (crm_private.deal_stage_history reads crm.automation).
create or replace function crm_private.automated_move(p_deal_id bigint, p_stage_id bigint) returns void
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  perform pg_catalog.set_config('crm.automation', 'on', true);
  update crm.deals set stage_id = p_stage_id where id = p_deal_id;
  perform pg_catalog.set_config('crm.automation', 'off', true);
end
$$;

-- Moves the deal on when its stage advances by itself and nothing keeps it. The move is made
-- on behalf of the acting user (the history's moved_by) and marked by_automation.
create or replace function crm_private.try_advance(p_deal_id bigint) returns boolean
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  d crm.deals;
  s crm.stages;
  target bigint;
begin
  if pg_catalog.pg_trigger_depth() > 20 then return false; end if;
  select * into d from crm.deals where id = p_deal_id for update;
  if not found then return false; end if;
  select * into s from crm.stages where id = d.stage_id;
  if s.kind <> 'open' or not s.auto_advance or cardinality(crm_private.exit_conditions_missing(d.id)) > 0 then
    return false;
  end if;
  target := crm_private.next_stage(d.stage_id);
  if target is null then return false; end if;
  perform crm_private.automated_move(d.id, target);
  return true;
end
$$;

create or replace function crm_private.deal_stage_guard() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  from_stage crm.stages;
  to_stage crm.stages;
  missing text[];
  choices text;
begin
  if old.stage_id = new.stage_id or old.pipeline_id <> new.pipeline_id then return new; end if;
  select * into from_stage from crm.stages where id = old.stage_id;
  select * into to_stage from crm.stages where id = new.stage_id;
  if to_stage.kind = 'lost' or to_stage.position < from_stage.position or from_stage.kind <> 'open' then
    return new;   -- losing, going back (a reject, a correction) or a closed deal (deal_rules refuses)
  end if;
  if exists (select 1 from crm.stage_transitions where from_stage_id = old.stage_id)
     and not exists (select 1 from crm.stage_transitions where from_stage_id = old.stage_id and to_stage_id = new.stage_id) then
    select string_agg(format('«%s»', s.name), ' or ' order by s.position) into choices
      from crm.stage_transitions t join crm.stages s on s.id = t.to_stage_id where t.from_stage_id = old.stage_id;
    raise exception 'from «%» the deal goes on to % only', from_stage.name, choices using errcode = 'CR409';
  end if;
  missing := crm_private.exit_conditions_missing(old.id);
  if cardinality(missing) > 0 then
    raise exception 'the deal cannot leave «%» yet: %', from_stage.name, array_to_string(missing, '; ')
      using errcode = 'CR409';
  end if;
  return new;
end
$$;

drop trigger if exists deals_stage_guard on crm.deals;
create trigger deals_stage_guard before update of stage_id on crm.deals
  for each row execute function crm_private.deal_stage_guard();

-- The skip rule of deal_rules: a branch target is reachable even when it is not next.
create or replace function crm_private.is_branch(p_from bigint, p_to bigint) returns boolean
  language sql stable security definer set search_path = pg_catalog, pg_temp
  return exists (select 1 from crm.stage_transitions t where t.from_stage_id = p_from and t.to_stage_id = p_to);

-- After a deal enters a stage: cancel the open rule-made tasks and approvals of the stage it
-- left, create the new stage's tasks, start its approval chain, schedule its reminder; then
-- move on at once if nothing keeps it there.
create or replace function crm_private.deal_stage_entered() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  tpl crm.stage_task_templates;
  person bigint;
  s crm.stages;
begin
  if tg_op = 'UPDATE' then
    if old.stage_id = new.stage_id then return null; end if;
    update crm.tasks set status = 'cancelled'
     where deal_id = new.id and stage_id = old.stage_id and status = 'open' and (template_id is not null or proof = 'approval');
    update crm.approvals set status = 'cancelled'
     where deal_id = new.id and stage_id = old.stage_id and status in ('waiting', 'pending');
  end if;
  select * into s from crm.stages where id = new.stage_id;
  if s.kind <> 'open' then return null; end if;
  for tpl in select * from crm.stage_task_templates where stage_id = new.stage_id order by position, id loop
    person := coalesce(crm_private.resolve_person(tpl.assignee_rule, tpl.assignee_user_id, tpl.assignee_role_id, new),
                       new.responsible_id, new.owner_id);
    insert into crm.tasks (title, description, assignee_id, owner_id, due_at, reminder_at, deal_id, client_id,
                           department_id, territory_id, stage_id, template_id, required, proof)
    values (tpl.title, tpl.description, person, new.owner_id, now() + tpl.due_after,
            case when tpl.remind_after is not null then now() + tpl.remind_after end,
            new.id, new.client_id, new.department_id, new.territory_id, new.stage_id, tpl.id, tpl.required, tpl.proof);
  end loop;
  insert into crm.approvals (deal_id, step_id, stage_id, position, title, approver_id, reject_stage_id, owner_id)
  select new.id, a.id, a.stage_id, a.position, a.title,
         crm_private.resolve_person(a.approver_rule, a.approver_user_id, a.approver_role_id, new),
         a.reject_stage_id, new.owner_id
    from crm.approval_steps a where a.stage_id = new.stage_id order by a.position, a.id;
  perform crm_private.ask_next_approval(new.id, new.stage_id);
  if s.remind_after is not null and to_regproc('crm_private.schedule_stage_reminder') is not null then
    execute 'select crm_private.schedule_stage_reminder($1, $2, $3)' using new.id, new.stage_id, s.remind_after;
  end if;
  perform crm_private.try_advance(new.id);
  return null;
end
$$;

-- (named to run after deals_stage_history: triggers of one event fire in name order)
drop trigger if exists deals_zz_stage_entered on crm.deals;
create trigger deals_zz_stage_entered after insert or update of stage_id on crm.deals
  for each row execute function crm_private.deal_stage_entered();

-- The first waiting step of the deal's stage becomes pending: a task for its approver and a
-- notification. Returns whether one was asked.
create or replace function crm_private.ask_next_approval(p_deal_id bigint, p_stage_id bigint) returns boolean
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  a crm.approvals;
  d crm.deals;
  step crm.approval_steps;
  new_task bigint;
begin
  if exists (select 1 from crm.approvals where deal_id = p_deal_id and stage_id = p_stage_id and status = 'pending') then
    return false;
  end if;
  select * into a from crm.approvals where deal_id = p_deal_id and stage_id = p_stage_id and status = 'waiting'
   order by position, id limit 1;
  if not found then return false; end if;
  select * into d from crm.deals where id = p_deal_id;
  select * into step from crm.approval_steps where id = a.step_id;
  insert into crm.tasks (title, assignee_id, owner_id, due_at, deal_id, client_id, department_id, territory_id, stage_id,
                         required, proof)
  values (a.title || ': ' || d.title, coalesce(a.approver_id, d.responsible_id, d.owner_id), d.owner_id,
          now() + coalesce(step.due_after, interval '1 day'), d.id, d.client_id, d.department_id, d.territory_id,
          p_stage_id, true, 'approval')
  returning id into new_task;
  update crm.approvals set status = 'pending', task_id = new_task where id = a.id;
  perform crm_private.notify_user(a.approver_id, 'approval_requested',
    jsonb_build_object('approval_id', a.id, 'deal_id', d.id, 'title', d.title, 'step', a.title, 'task_id', new_task));
  perform crm_private.emit_event('approval_requested', jsonb_build_object('approval_id', a.id, 'deal_id', d.id));
  return true;
end
$$;

create or replace function crm_private.task_proof() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  client bigint;
begin
  if new.status <> 'done' or (tg_op = 'UPDATE' and old.status = 'done') then return new; end if;
  if new.proof = 'approval' and coalesce(pg_catalog.current_setting('crm.approval_answer', true), 'off') <> 'on' then
    raise exception 'task «%» is answered through its approval (approve or reject with a comment), not marked done', new.title
      using errcode = 'CR409';
  end if;
  if new.proof = 'interaction' then
    client := coalesce(new.client_id, (select d.client_id from crm.deals d where d.id = new.deal_id));
    if not exists (select 1 from crm.interactions i
                    where ((new.deal_id is not null and i.deal_id = new.deal_id) or (client is not null and i.client_id = client))
                      and i.created_at >= new.created_at) then
      raise exception 'task «%» can be completed only after an interaction with the client is registered (none since the task was set)',
        new.title using errcode = 'CR409';
    end if;
  end if;
  return new;
end
$$;

drop trigger if exists tasks_proof on crm.tasks;
create trigger tasks_proof before insert or update of status on crm.tasks
  for each row execute function crm_private.task_proof();

create or replace function crm_private.task_done_advances() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if new.deal_id is not null and new.status = 'done' and old.status <> 'done' then
    perform crm_private.try_advance(new.deal_id);
  end if;
  return null;
end
$$;

drop trigger if exists tasks_done_advances on crm.tasks;
create trigger tasks_done_advances after update of status on crm.tasks
  for each row execute function crm_private.task_done_advances();

-- An interaction may satisfy an exit condition of its deal (or its client's open deals).
create or replace function crm_private.interaction_advances() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  deal bigint;
begin
  for deal in select d.id from crm.deals d join crm.stages s on s.id = d.stage_id
               where s.kind = 'open' and s.auto_advance
                 and (d.id = new.deal_id or (new.client_id is not null and d.client_id = new.client_id)) loop
    perform crm_private.try_advance(deal);
  end loop;
  return null;
end
$$;

drop trigger if exists interactions_advance on crm.interactions;
create trigger interactions_advance after insert on crm.interactions
  for each row execute function crm_private.interaction_advances();

-- Filling fields (or paying an invoice) may satisfy an exit condition too.
create or replace function crm_private.deal_fields_advance() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if old.stage_id = new.stage_id and (old.custom_fields is distinct from new.custom_fields
                                      or to_jsonb(old) - 'custom_fields' - 'version' - 'updated_at'
                                         is distinct from to_jsonb(new) - 'custom_fields' - 'version' - 'updated_at') then
    perform crm_private.try_advance(new.id);
  end if;
  return null;
end
$$;

drop trigger if exists deals_fields_advance on crm.deals;
create trigger deals_fields_advance after update on crm.deals
  for each row execute function crm_private.deal_fields_advance();

create or replace function crm_private.invoice_paid_advances() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if new.paid_amount >= new.amount and old.paid_amount < old.amount then
    perform crm_private.try_advance(new.deal_id);
  end if;
  return null;
end
$$;

drop trigger if exists invoices_paid_advance on crm.invoices;
create trigger invoices_paid_advance after update of paid_amount on crm.invoices
  for each row execute function crm_private.invoice_paid_advances();

revoke execute on all functions in schema crm_private, crm_api, audit from public;

grant execute on function crm_api.answer_approval(bigint, text, text) to crm_user;
