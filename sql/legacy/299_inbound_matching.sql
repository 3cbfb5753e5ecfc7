-- 299 Inbound events find the right client, and repeats join their lead.
--   * A phone or e-mail that several contacts share: for a lead (a sale) a customer's contact
--     comes before a supplier's, then the client with the most recent interaction, then the
--     most recently updated contact; when several clients matched, the interaction of the event
--     says so in words (who matched, who was chosen and why), and the event's result carries
--     ambiguous_matches.
--   * A repeat lead from the same unknown phone or e-mail within the company's window
--     (SECURITY SET inbound_repeat_window "3 days", the default) joins the open lead deal made
--     by the first one: its interaction goes there, no second deal or task (result
--     joined_open_lead).

alter table crm_private.config add column inbound_repeat_window interval not null default '3 days'
  check (inbound_repeat_window >= interval '0' and inbound_repeat_window <= interval '90 days');

create or replace function crm_api.inbound_process(p_id bigint, p_wait boolean default true) returns text
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  e crm_private.inbound_events;
  i crm.integrations;
  p jsonb;
  v_phone text;
  v_email text;
  v_client crm.clients;
  v_client_id bigint;
  v_contact_id bigint;
  v_responsible bigint;
  v_source_id bigint;
  v_deal_id bigint;
  v_interaction_id bigint;
  v_task_id bigint;
  v_notification_id bigint;
  v_event_id bigint;
  v_title text;
  v_summary text;
  v_task_title text;
  v_event_kind text;
  v_occurred timestamptz;
  v_lead_label text;
  v_reused boolean := false;
  v_matches int;
  v_ambiguity text;
  utm text;
begin
  if p_wait then
    select * into e from crm_private.inbound_events x where x.id = p_id for update;
  else
    select * into e from crm_private.inbound_events x where x.id = p_id for update skip locked;
    if not found then
      return case when exists (select 1 from crm_private.inbound_events x where x.id = p_id) then 'busy' end;
    end if;
  end if;
  if not found or e.status <> 'received' then
    return e.status;
  end if;
  select * into i from crm.integrations x where x.id = e.integration_id;
  perform set_config('crm.integration', jsonb_build_object('id', i.id, 'name', i.name, 'inbound_event_id', e.id,
                                                           'event_id', e.event_id)::text, true);
  p := e.payload;
  v_phone := nullif(coalesce(p ->> 'phone', p ->> 'number'), '');
  v_email := nullif(p ->> 'email', '');

  -- The client: a contact with this phone (first), else this e-mail; for a lead a customer's
  -- contact before a supplier's; then the client with the most recent interaction; then the
  -- most recently updated contact. Several clients matching is said in the deal's interaction.
  select c.id, c.client_id into v_contact_id, v_client_id
    from crm.contacts c join crm.clients cl on cl.id = c.client_id
   where (v_phone is not null and crm_private.normalize_phones(c.phones) @> array[v_phone])
      or (v_email is not null and crm_private.normalize_emails(c.emails) @> array[v_email])
   order by (v_phone is not null and crm_private.normalize_phones(c.phones) @> array[v_phone]) desc,
            (e.kind = 'lead' and cl.kind in ('customer', 'both')) desc,
            (select max(x.occurred_at) from crm.interactions x where x.client_id = c.client_id) desc nulls last,
            c.updated_at desc, c.id desc
   limit 1;
  select count(distinct c.client_id),
         string_agg(distinct format('«%s» (%s)', cl.name, case cl.kind when 'supplier' then 'поставщик'
                                                               when 'both' then 'покупатель и поставщик'
                                                               else 'покупатель' end), ', ')
    into v_matches, v_ambiguity
    from crm.contacts c join crm.clients cl on cl.id = c.client_id
   where (v_phone is not null and crm_private.normalize_phones(c.phones) @> array[v_phone])
      or (v_email is not null and crm_private.normalize_emails(c.emails) @> array[v_email]);
  if v_matches > 1 then
    v_ambiguity := format('Неоднозначно: %s есть у %s клиентов: %s; выбран «%s»%s',
      coalesce(v_phone, v_email), v_matches, v_ambiguity, (select x.name from crm.clients x where x.id = v_client_id),
      case when e.kind = 'lead' then ' (покупатели прежде поставщиков, затем последнее взаимодействие)'
           else ' (по последнему взаимодействию)' end);
  else
    v_ambiguity := null;
  end if;
  if v_client_id is not null then
    select * into v_client from crm.clients x where x.id = v_client_id;
    select u.id into v_responsible from crm.users u where u.id = v_client.responsible_id and u.active;
  end if;
  if v_responsible is null then
    v_responsible := i.responsible_id;
  end if;

  if e.kind = 'lead' then
    select s.id into v_source_id from crm.sources s
     where s.active and lower(s.name) = lower(btrim(p ->> 'source'));
    v_source_id := coalesce(v_source_id, i.source_id);
    v_lead_label := coalesce(nullif(btrim(p ->> 'name'), ''), v_phone, v_email, e.event_id);
    v_title := left('Заявка: ' || v_lead_label, 200);
    select string_agg(k || '=' || v, ', ' order by k) into utm
      from jsonb_each_text(coalesce(p -> 'utm', '{}')) as u(k, v) where v <> '';
    v_summary := concat_ws(E'\n',
      format('Заявка через «%s»', i.name),
      'Имя: ' || nullif(p ->> 'name', ''),
      'Телефон: ' || v_phone,
      'E-mail: ' || v_email,
      'Комментарий: ' || nullif(p ->> 'comment', ''),
      'Источник: ' || nullif(p ->> 'source', ''),
      'UTM: ' || utm,
      v_ambiguity);
    if v_client_id is null then
      -- A repeat from the same unknown phone or e-mail within the company's window joins its open lead.
      select d.id, coalesce(d.responsible_id, d.owner_id) into v_deal_id, v_responsible
        from crm_private.inbound_events x
        join crm.deals d on d.id = (x.result ->> 'deal_id')::bigint
        join crm.stages s on s.id = d.stage_id
       where x.status = 'processed' and x.kind = 'lead' and x.result ->> 'client_id' is null
         and ((v_phone is not null and x.result ->> 'phone' = v_phone) or (v_email is not null and x.result ->> 'email' = v_email))
         and x.processed_at > now() - (select c.inbound_repeat_window from crm_private.config c)
         and d.client_id is null and s.kind = 'open'
       order by x.id desc
       limit 1;
      v_reused := v_deal_id is not null;
      if not v_reused then
        v_responsible := coalesce(v_responsible, i.responsible_id);
      end if;
    end if;
    if not v_reused then
      insert into crm.deals (title, client_id, source_id, owner_id, responsible_id)
      values (v_title, v_client_id, v_source_id, v_responsible, v_responsible)
      returning id into v_deal_id;
    end if;
    insert into crm.interactions (client_id, deal_id, contact_id, kind, direction, summary, owner_id)
    values (v_client_id, v_deal_id, v_contact_id, 'message', 'inbound', left(v_summary, 10000), v_responsible)
    returning id into v_interaction_id;
    v_task_title := case when v_reused then null else 'Обработать заявку' end;
    v_event_kind := 'lead_arrived';
  else
    v_occurred := coalesce((p ->> 'occurred_at')::timestamptz, e.received_at);
    v_summary := concat_ws(E'\n',
      format('%s %s (%s)',
             case p ->> 'type' when 'missed' then 'Пропущенный звонок с'
                               when 'incoming' then 'Входящий звонок с'
                               else case when p ->> 'direction' = 'outbound' then 'Звонок на' else 'Звонок с' end end,
             v_phone, i.name),
      'Длительность: ' || (p ->> 'duration_seconds') || ' с',
      'Запись: ' || nullif(p ->> 'recording_url', ''),
      v_ambiguity);
    if v_client_id is null then
      -- An unknown number: its open lead (a deal without a client made by an earlier event from
      -- this number), else a new lead without a client yet.
      select d.id, coalesce(d.responsible_id, d.owner_id) into v_deal_id, v_responsible
        from crm_private.inbound_events x
        join crm.deals d on d.id = (x.result ->> 'deal_id')::bigint
        join crm.stages s on s.id = d.stage_id
       where x.status = 'processed' and x.result ->> 'client_id' is null and x.result ->> 'phone' = v_phone
         and d.client_id is null and s.kind = 'open'
       order by x.id desc
       limit 1;
      v_reused := v_deal_id is not null;
      if not v_reused then
        v_responsible := i.responsible_id;
        select s.id into v_source_id from crm.sources s where s.active and lower(s.name) = 'звонок';
        v_source_id := coalesce(i.source_id, v_source_id);
        insert into crm.deals (title, source_id, owner_id, responsible_id)
        values (left('Звонок с ' || v_phone, 200), v_source_id, v_responsible, v_responsible)
        returning id into v_deal_id;
      end if;
    end if;
    insert into crm.interactions (client_id, deal_id, contact_id, kind, direction, occurred_at, duration_seconds, summary, owner_id)
    values (v_client_id, v_deal_id, v_contact_id, 'call', coalesce(p ->> 'direction', 'inbound'), v_occurred,
            (p ->> 'duration_seconds')::int, left(v_summary, 10000), v_responsible)
    returning id into v_interaction_id;
    if p ->> 'type' = 'missed' then
      v_task_title := 'Перезвонить';
      v_event_kind := 'call_missed';
    elsif v_deal_id is not null and not v_reused then
      v_task_title := 'Обработать заявку';
      v_event_kind := 'lead_arrived';
    else
      v_event_kind := 'call_logged';
    end if;
  end if;

  if v_task_title is not null then
    insert into crm.tasks (title, description, assignee_id, owner_id, due_at, deal_id, client_id)
    values (v_task_title, left(v_summary, 10000), v_responsible, v_responsible,
            now() + case when v_task_title = 'Перезвонить' then interval '15 minutes' else interval '1 hour' end,
            v_deal_id, v_client_id)
    returning id into v_task_id;
  end if;

  e.result := jsonb_strip_nulls(jsonb_build_object(
    'integration_id', i.id, 'inbound_event_id', e.id, 'event_id', e.event_id, 'kind', e.kind,
    'client_id', v_client_id, 'contact_id', v_contact_id, 'deal_id', v_deal_id, 'interaction_id', v_interaction_id,
    'task_id', v_task_id, 'responsible_id', v_responsible, 'phone', v_phone, 'email', v_email,
    'call_type', p ->> 'type', 'joined_open_lead', case when v_reused and e.kind = 'lead' then true end,
    'ambiguous_matches', case when v_matches > 1 then v_matches end));
  if v_event_kind <> 'call_logged' then
    v_notification_id := crm_private.notify_user(v_responsible, v_event_kind, e.result);
  end if;
  v_event_id := crm_private.emit_event(v_event_kind, e.result);
  update crm_private.inbound_events x
     set status = 'processed', attempts = x.attempts + 1, processed_at = now(), last_error = null,
         result = e.result || jsonb_strip_nulls(jsonb_build_object('notification_id', v_notification_id,
                                                                   'outbound_event_id', v_event_id))
   where x.id = e.id;
  return 'processed';
end
$$;

revoke execute on all functions in schema crm_private, crm_api, audit from public;
