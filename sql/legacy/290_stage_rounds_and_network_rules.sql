-- 290 A stage's conditions count only this visit to the stage; a required task is done, not
-- cancelled away; someone else's approval is 403; a new network rule ends the sessions it would
-- refuse.
--
--   * A visit ("round") to a stage starts when the deal enters it (deals.stage_entered_at). The
--     exit conditions look at the tasks and approvals made in this visit only: a reject that sent
--     the deal back and a later return start a new round of the approval chain, and the rejected
--     approval of the earlier round no longer blocks (both rounds stay in crm.approvals).
--   * A required task made by the rules cannot be cancelled by its assignee or owner: only a user
--     whose task update scope is `department` or wider (a head) may cancel it, and then the task
--     is issued again (a new open copy), so the stage still needs it done — with its proof.
--   * Answering an approval that is not one's own: 403 (the HTTP layer answers 404 first when
--     the caller cannot see the approval at all).
--   * Adding, changing or removing a login network (crm.networks, purpose 'login') re-checks every
--     open session against the rules: a session whose address the rules now refuse ends
--     ('network_refused'), as sessions end when a user is disabled or their roles change.

alter table crm_private.sessions drop constraint sessions_end_reason_check;
alter table crm_private.sessions add constraint sessions_end_reason_check
  check (end_reason in ('logout', 'idle', 'expired', 'user_disabled', 'roles_changed', 'permissions_changed',
                        'killed', 'password_changed', 'network_refused'));

-- ---------------------------------------------------------------------------------------
-- What keeps a deal in its stage, in words (empty: it may leave): this visit only.
create or replace function crm_private.exit_conditions_missing(p_deal_id bigint) returns text[]
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
  -- Always: the stage's required tasks of this visit are done and its approvals given.
  select string_agg(format('«%s»', t.title), ', ' order by t.id) into names
    from crm.tasks t
   where t.deal_id = d.id and t.stage_id = d.stage_id and t.required and t.status = 'open' and t.proof <> 'approval'
     and t.created_at >= d.stage_entered_at;
  if names is not null then missing := missing || ('task(s) not done: ' || names); end if;
  select string_agg(format('«%s» (%s)', a.title, a.status), ', ' order by a.position) into names
    from crm.approvals a
   where a.deal_id = d.id and a.stage_id = d.stage_id and a.status in ('waiting', 'pending', 'rejected')
     and a.created_at >= d.stage_entered_at;
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

-- ---------------------------------------------------------------------------------------
-- Required tasks: cancelled only by a head, and then issued again.

create function crm_private.required_task_cancel() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if not (new.status = 'cancelled' and old.status = 'open' and old.required and old.template_id is not null) then
    return new;
  end if;
  -- The rules' own cancellations (the deal left the stage) and work without a user pass.
  if pg_trigger_depth() > 1 or crm_private.rls_uid() is null then return new; end if;
  if crm_private.rls_rank('task', 'update') < 2 then
    raise exception 'task «%» is required by the stage: complete it; only a head of department may cancel it', old.title
      using errcode = 'CR403';
  end if;
  return new;
end
$$;
create trigger tasks_required_cancel before update of status on crm.tasks
  for each row execute function crm_private.required_task_cancel();

create function crm_private.required_task_reissue() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if not (new.status = 'cancelled' and old.status = 'open' and old.required and old.template_id is not null)
     or pg_trigger_depth() > 1 or crm_private.rls_uid() is null then
    return null;
  end if;
  if exists (select 1 from crm.deals d where d.id = old.deal_id and d.stage_id = old.stage_id) then
    insert into crm.tasks (title, description, assignee_id, owner_id, due_at, reminder_at, deal_id, client_id,
                           department_id, territory_id, stage_id, template_id, required, proof)
    values (old.title, old.description, old.assignee_id, old.owner_id,
            now() + coalesce(old.due_at - old.created_at, interval '1 day'), null, old.deal_id, old.client_id,
            old.department_id, old.territory_id, old.stage_id, old.template_id, true, old.proof);
  end if;
  return null;
end
$$;
create trigger tasks_required_reissue after update of status on crm.tasks
  for each row execute function crm_private.required_task_reissue();

-- ---------------------------------------------------------------------------------------
-- Answering an approval: someone else's is 403 (visibility is the caller's, checked first).

create or replace function crm_api.answer_approval(p_approval_id bigint, p_decision text, p_comment text default '')
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
    raise exception 'only the approver of this step (%) may answer it',
      coalesce((select u.name from crm.users u where u.id = a.approver_id), 'nobody yet') using errcode = 'CR403';
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

-- ---------------------------------------------------------------------------------------
-- Login networks changed: open sessions the rules now refuse end.

create function crm_private.on_login_networks_change() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  ended int;
begin
  update crm_private.sessions s set ended_at = now(), end_reason = 'network_refused'
   where s.ended_at is null
     and s.purpose is distinct from 'console_local'
     and exists (select 1 from crm_private.network_match(s.user_id, 'login', s.client_ip) m
                  where m.restricted and m.matched is null);
  get diagnostics ended = row_count;
  if ended > 0 then
    perform audit.append('admin_command', null, null, null, null,
                         jsonb_build_object('command', 'sessions_ended', 'reason', 'network_refused', 'count', ended));
  end if;
  return null;
end
$$;
create trigger networks_end_sessions after insert or update or delete on crm.networks
  for each statement execute function crm_private.on_login_networks_change();

revoke execute on all functions in schema crm_private, crm_api, audit from public;
grant execute on function crm_api.answer_approval(bigint, text, text) to crm_user;
