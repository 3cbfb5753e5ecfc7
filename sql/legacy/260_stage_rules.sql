-- 260 Stage rules: the system carries the process (issue 5).
--
-- Per stage (catalogs, edited by administrators through the API):
--   crm.stage_task_templates   tasks created when a deal enters the stage: title, assignee rule
--                              (responsible | owner | user | role | role_in_department), due and
--                              reminder offsets, required or optional, the proof a task needs
--                              (none | interaction | approval)
--   crm.stage_exit_conditions  what must hold before a deal leaves the stage forward:
--                              required_tasks_done | interaction | fields_filled | invoice_paid |
--                              approvals_done
--   crm.stage_transitions      branches: when a stage has transitions, the deal may go forward
--                              only to those stages (a choice, e.g. short or full process)
--   crm.approval_steps         the approval chain of a stage: ordered steps, each a named user, a
--                              role, or a role within the deal's department; a reject sends the
--                              deal back to reject_stage_id
--   stages.auto_advance        when the exit conditions are met, the deal moves to the next stage
--                              by itself (recorded as moved by automation on behalf of the user
--                              whose action completed them)
--   stages.remind_after        remind the responsible when the deal stays that long in the stage
--
-- Per deal: crm.approvals (one row per step: waiting → pending → approved | rejected | cancelled,
-- the approver, the comment, the task asking for it). Answers go through
-- crm_api.answer_approval(id, decision, comment): only the step's approver, and only with the
-- approve action on deals.

alter table crm.stages
  add column auto_advance boolean not null default false,
  add column remind_after interval check (remind_after is null or remind_after > interval '0');

create table crm.stage_task_templates (
  id bigint generated always as identity primary key,
  stage_id bigint not null references crm.stages on delete cascade,
  title text not null check (length(btrim(title)) between 1 and 300),
  description text not null default '' check (length(description) <= 10000),
  assignee_rule text not null default 'responsible'
    check (assignee_rule in ('responsible', 'owner', 'user', 'role', 'role_in_department')),
  assignee_user_id bigint references crm.users on delete set null,
  assignee_role_id bigint references crm.roles on delete set null,
  due_after interval not null default interval '1 day' check (due_after >= interval '0'),
  remind_after interval check (remind_after is null or remind_after >= interval '0'),
  required boolean not null default true,
  proof text not null default 'none' check (proof in ('none', 'interaction')),
  position int not null default 1,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (assignee_rule <> 'user' or assignee_user_id is not null),
  check (assignee_rule not in ('role', 'role_in_department') or assignee_role_id is not null)
);
create index stage_task_templates_stage_idx on crm.stage_task_templates (stage_id, position);

create table crm.stage_exit_conditions (
  id bigint generated always as identity primary key,
  stage_id bigint not null references crm.stages on delete cascade,
  -- required_tasks_done and approvals_done always hold implicitly; listing them documents it
  kind text not null check (kind in ('required_tasks_done', 'interaction', 'fields_filled', 'invoice_paid', 'approvals_done')),
  fields text[] not null default '{}',   -- fields_filled: deal columns or custom field keys
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (kind <> 'fields_filled' or cardinality(fields) > 0)
);
create index stage_exit_conditions_stage_idx on crm.stage_exit_conditions (stage_id);

create table crm.stage_transitions (
  id bigint generated always as identity primary key,
  from_stage_id bigint not null references crm.stages on delete cascade,
  to_stage_id bigint not null references crm.stages on delete cascade,
  label text not null default '',
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (from_stage_id, to_stage_id),
  check (from_stage_id <> to_stage_id)
);

create table crm.approval_steps (
  id bigint generated always as identity primary key,
  stage_id bigint not null references crm.stages on delete cascade,
  position int not null default 1,
  title text not null check (length(btrim(title)) between 1 and 300),
  approver_rule text not null check (approver_rule in ('user', 'role', 'role_in_department')),
  approver_user_id bigint references crm.users on delete set null,
  approver_role_id bigint references crm.roles on delete set null,
  reject_stage_id bigint references crm.stages on delete set null,
  due_after interval not null default interval '1 day',
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (approver_rule <> 'user' or approver_user_id is not null),
  check (approver_rule = 'user' or approver_role_id is not null)
);
create index approval_steps_stage_idx on crm.approval_steps (stage_id, position);

do $$
declare
  t text;
begin
  foreach t in array array['stage_task_templates', 'stage_exit_conditions', 'stage_transitions', 'approval_steps'] loop
    execute format('create trigger %I before update on crm.%I for each row execute function crm_private.touch_row()',
                   t || '_touch', t);
    perform crm_private.secure_identity_table(format('crm.%I', t)::regclass, 'all', p_bi => true);
  end loop;
end
$$;

-- Tasks made by the rules know their template, stage and proof.
alter table crm.tasks
  add column stage_id bigint references crm.stages on delete set null,
  add column template_id bigint references crm.stage_task_templates on delete set null,
  add column required boolean not null default false,
  add column proof text not null default 'none' check (proof in ('none', 'interaction', 'approval'));

create table crm.approvals (
  id bigint generated always as identity primary key,
  deal_id bigint not null references crm.deals on delete cascade,
  step_id bigint references crm.approval_steps on delete set null,
  stage_id bigint not null references crm.stages,
  position int not null,
  title text not null,
  approver_id bigint references crm.users,
  status text not null default 'waiting' check (status in ('waiting', 'pending', 'approved', 'rejected', 'cancelled')),
  comment text not null default '' check (length(comment) <= 4000),
  task_id bigint references crm.tasks on delete set null,
  answered_at timestamptz,
  answered_by bigint references crm.users,
  reject_stage_id bigint references crm.stages,
  -- inherited from the deal
  owner_id bigint not null,
  responsible_id bigint,
  department_id bigint,
  territory_id bigint,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index approvals_deal_idx on crm.approvals (deal_id, stage_id, position);
create index approvals_approver_idx on crm.approvals (approver_id) where status = 'pending';
create trigger approvals_touch before update on crm.approvals for each row execute function crm_private.touch_row();
create trigger approvals_inherit before insert or update on crm.approvals
  for each row execute function crm_private.inherit_rules('crm.deals', 'deal_id',
    'owner_id', 'responsible_id', 'department_id', 'territory_id');
-- The approver sees the approval (and its deal's title through it) even outside the deal's scope.
select crm_private.secure_table('crm.approvals', entity => 'deal', own_columns => '{owner_id,responsible_id,approver_id}',
                                parent_column => 'deal_id', parent_entity => 'deal');
-- Written by the database only (answers go through crm_api.answer_approval).
revoke insert, update, delete on crm.approvals from crm_user;

-- ---------------------------------------------------------------------------------------
-- Who is meant: a template's assignee or a step's approver for a deal.

create function crm_private.resolve_person(p_rule text, p_user_id bigint, p_role_id bigint, p_deal crm.deals)
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

-- What keeps a deal in its stage, in words (empty: it may leave).
create function crm_private.exit_conditions_missing(p_deal_id bigint) returns text[]
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  d crm.deals;
  c crm.stage_exit_conditions;
  missing text[] := '{}';
  names text;
  f text;
  j jsonb;
begin
  select * into d from crm.deals where id = p_deal_id;
  if not found then return missing; end if;
  j := to_jsonb(d);
  -- Always: the stage's required tasks are done and its approvals given.
  select string_agg(format('«%s»', t.title), ', ' order by t.id) into names
    from crm.tasks t
   where t.deal_id = d.id and t.stage_id = d.stage_id and t.required and t.status = 'open' and t.proof <> 'approval';
  if names is not null then missing := missing || ('task(s) not done: ' || names); end if;
  select string_agg(format('«%s» (%s)', a.title, a.status), ', ' order by a.position) into names
    from crm.approvals a where a.deal_id = d.id and a.stage_id = d.stage_id and a.status in ('waiting', 'pending', 'rejected');
  if names is not null then missing := missing || ('approval(s) not given: ' || names); end if;
  -- And what the stage asks for besides (required_tasks_done and approvals_done say it explicitly).
  for c in select * from crm.stage_exit_conditions where stage_id = d.stage_id order by id loop
    if c.kind = 'interaction' then
      if not exists (select 1 from crm.interactions i
                      where (i.deal_id = d.id or (d.client_id is not null and i.client_id = d.client_id))
                        and i.created_at >= d.stage_entered_at) then
        missing := missing || 'no interaction with the client registered in this stage'::text;
      end if;
    elsif c.kind = 'fields_filled' then
      foreach f in array c.fields loop
        if coalesce(nullif(j ->> f, ''), nullif(d.custom_fields ->> f, '')) is null then
          missing := missing || format('field %s is empty', f);
        end if;
      end loop;
    elsif c.kind = 'invoice_paid' then
      if not exists (select 1 from crm.invoices v where v.deal_id = d.id and not v.cancelled) then
        missing := missing || 'no invoice issued'::text;
      else
        select string_agg(v.number, ', ' order by v.id) into names
          from crm.invoices v where v.deal_id = d.id and not v.cancelled and v.paid_amount < v.amount;
        if names is not null then missing := missing || ('invoice(s) unpaid: ' || names); end if;
      end if;
    end if;
  end loop;
  return missing;
end
$$;

-- The stage a deal goes to from its stage when it moves on by itself: the only transition, or
-- the next open stage by position; null when there is a choice to make or nothing after.
create function crm_private.next_stage(p_stage_id bigint) returns bigint
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
create function crm_private.automated_move(p_deal_id bigint, p_stage_id bigint) returns void
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  perform pg_catalog.set_config('crm.automation', 'on', true);
  update crm.deals set stage_id = p_stage_id where id = p_deal_id;
  perform pg_catalog.set_config('crm.automation', 'off', true);
end
$$;

-- Moves the deal on when its stage advances by itself and nothing keeps it. The move is made
-- on behalf of the acting user (the history's moved_by) and marked by_automation.
create function crm_private.try_advance(p_deal_id bigint) returns boolean
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

-- ---------------------------------------------------------------------------------------
-- Triggers on deals: forward moves need the exit conditions (and follow the branches); on
-- entering a stage the templates become tasks and the approval chain starts.

create function crm_private.deal_stage_guard() returns trigger
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
create trigger deals_stage_guard before update of stage_id on crm.deals
  for each row execute function crm_private.deal_stage_guard();

-- The skip rule of deal_rules: a branch target is reachable even when it is not next.
create or replace function crm_private.is_branch(p_from bigint, p_to bigint) returns boolean
  language sql stable security definer set search_path = pg_catalog, pg_temp
  return exists (select 1 from crm.stage_transitions t where t.from_stage_id = p_from and t.to_stage_id = p_to);

-- After a deal enters a stage: cancel the open rule-made tasks and approvals of the stage it
-- left, create the new stage's tasks, start its approval chain, schedule its reminder; then
-- move on at once if nothing keeps it there.
create function crm_private.deal_stage_entered() returns trigger
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
create trigger deals_zz_stage_entered after insert or update of stage_id on crm.deals
  for each row execute function crm_private.deal_stage_entered();

-- The first waiting step of the deal's stage becomes pending: a task for its approver and a
-- notification. Returns whether one was asked.
create function crm_private.ask_next_approval(p_deal_id bigint, p_stage_id bigint) returns boolean
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

-- ---------------------------------------------------------------------------------------
-- Tasks: proofs before done; a done task may move its deal on.

create function crm_private.task_proof() returns trigger
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
create trigger tasks_proof before insert or update of status on crm.tasks
  for each row execute function crm_private.task_proof();

create function crm_private.task_done_advances() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if new.deal_id is not null and new.status = 'done' and old.status <> 'done' then
    perform crm_private.try_advance(new.deal_id);
  end if;
  return null;
end
$$;
create trigger tasks_done_advances after update of status on crm.tasks
  for each row execute function crm_private.task_done_advances();

-- An interaction may satisfy an exit condition of its deal (or its client's open deals).
create function crm_private.interaction_advances() returns trigger
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
create trigger interactions_advance after insert on crm.interactions
  for each row execute function crm_private.interaction_advances();

-- Filling fields (or paying an invoice) may satisfy an exit condition too.
create function crm_private.deal_fields_advance() returns trigger
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
create trigger deals_fields_advance after update on crm.deals
  for each row execute function crm_private.deal_fields_advance();

create function crm_private.invoice_paid_advances() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if new.paid_amount >= new.amount and old.paid_amount < old.amount then
    perform crm_private.try_advance(new.deal_id);
  end if;
  return null;
end
$$;
create trigger invoices_paid_advance after update of paid_amount on crm.invoices
  for each row execute function crm_private.invoice_paid_advances();

-- ---------------------------------------------------------------------------------------
-- Answering an approval.

create function crm_api.answer_approval(p_approval_id bigint, p_decision text, p_comment text default '')
  returns jsonb
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  uid bigint := crm_private.rls_uid();
  a crm.approvals;
  d crm.deals;
  back_to bigint;
begin
  if uid is null then
    raise exception 'no request context' using errcode = 'insufficient_privilege';
  end if;
  if p_decision is null or p_decision not in ('approve', 'reject') then
    raise exception 'decision must be approve or reject' using errcode = 'CR422', column = 'decision';
  end if;
  if p_decision = 'reject' and length(btrim(coalesce(p_comment, ''))) = 0 then
    raise exception 'a reject needs a comment saying why' using errcode = 'CR422', column = 'comment';
  end if;
  if length(coalesce(p_comment, '')) > 4000 then
    raise exception 'comment longer than 4000 characters' using errcode = 'CR422', column = 'comment';
  end if;
  select * into a from crm.approvals where id = p_approval_id for update;
  if not found then
    raise exception 'no approval %', p_approval_id using errcode = 'CR404';
  end if;
  if a.approver_id is distinct from uid then
    -- Someone else's step: people on the deal are told why; anyone else learns nothing.
    if uid in (a.owner_id, a.responsible_id) then
      raise exception 'only the approver of this step may answer it' using errcode = 'CR403';
    end if;
    raise exception 'no approval %', p_approval_id using errcode = 'CR404';
  end if;
  if crm_api.can('deal', 'approve') = 'none' then
    raise exception 'your role may not approve deals' using errcode = 'CR403';
  end if;
  if a.status <> 'pending' then
    raise exception 'this approval is % already', a.status using errcode = 'CR409';
  end if;
  select * into d from crm.deals where id = a.deal_id for update;
  update crm.approvals set status = case when p_decision = 'approve' then 'approved' else 'rejected' end,
         comment = coalesce(p_comment, ''), answered_at = now(), answered_by = uid
   where id = a.id;
  perform pg_catalog.set_config('crm.approval_answer', 'on', true);
  update crm.tasks set status = 'done', description = case when description = '' then '' else description || E'\n' end
         || case when p_decision = 'approve' then 'Согласовано' else 'Отклонено' end
         || case when coalesce(p_comment, '') <> '' then ': ' || p_comment else '' end
   where id = a.task_id and status = 'open';
  perform pg_catalog.set_config('crm.approval_answer', 'off', true);
  perform crm_private.notify_user(d.responsible_id, 'approval_answered',
    jsonb_build_object('approval_id', a.id, 'deal_id', d.id, 'decision', p_decision, 'comment', p_comment, 'by', uid));
  perform crm_private.emit_event('approval_answered',
    jsonb_build_object('approval_id', a.id, 'deal_id', d.id, 'decision', p_decision, 'by', uid));
  if p_decision = 'approve' then
    if not crm_private.ask_next_approval(d.id, a.stage_id) then
      perform crm_private.try_advance(d.id);
    end if;
  else
    update crm.approvals set status = 'cancelled' where deal_id = d.id and stage_id = a.stage_id and status = 'waiting';
    back_to := a.reject_stage_id;
    if back_to is not null and back_to <> d.stage_id then
      perform crm_private.automated_move(d.id, back_to);
    end if;
  end if;
  select * into a from crm.approvals where id = a.id;
  return to_jsonb(a) || jsonb_build_object('deal_stage_id', (select stage_id from crm.deals where id = a.deal_id));
end
$$;

revoke execute on all functions in schema crm_private, crm_api, audit from public;
grant execute on function crm_api.answer_approval(bigint, text, text) to crm_user;
