-- 240 Inbound integrations (issue 5): web forms post leads, phone systems post call events.
--
--   crm.integrations               admin-managed: name, kind, the SHA-256 of its token (the
--                                  token is shown once at creation), default responsible user,
--                                  source, active.
--   crm_private.inbound_events     every accepted event, committed before it is acknowledged,
--                                  unique per (integration, event_id): a repeated event changes
--                                  nothing and gets the same answer.
--   crm_api.inbound_receive(...)   authenticates the token hash and stores the event
--                                  (its own transaction).
--   crm_api.inbound_process(id)    turns a stored event into CRM rows (a second transaction,
--                                  run again by the server's retry service until it succeeds).
--   crm_api.inbound_failed(id, …)  records a failed attempt and when to try again.
--
-- Who writes: processing is SECURITY DEFINER code (the owner, seen by the crm_owner_all
-- policies), not a user's request. An integration is not a person: it must match a caller's
-- phone against every contact (whoever may see them) and must work at night, outside the
-- responsible user's login hours and networks. The writes are few and fixed (a deal, an
-- interaction, a task, a notification, an event). Every row it writes is audited by the usual
-- triggers; with no user context the entries have user_id null, and audit.append adds
-- details.integration = {id, name, inbound_event_id, event_id} (set by inbound_process for
-- its transaction only), so the audit log names the integration that acted. The rows belong
-- to the responsible user (owner_id/responsible_id/assignee_id), so that user sees them under
-- the normal rules.

-- ---------------------------------------------------------------------------------------
-- Phones and e-mails as compared: Russian formats (+7/8 prefixes, spaces, brackets, dashes)
-- become +7XXXXXXXXXX; other numbers given with + keep their digits. null: not a phone.
-- The server's validation (Swift, PhoneNumber.normalized) follows the same rules.

create function crm_private.normalize_phone(p text) returns text
  language plpgsql immutable parallel safe set search_path = pg_catalog, pg_temp as $$
declare
  t text := btrim(p);
  d text;
begin
  if t is null or t !~ '^\+?[0-9(][0-9 ()./-]*$' then
    return null;
  end if;
  d := regexp_replace(t, '[^0-9]', '', 'g');
  if left(t, 1) = '+' then
    if length(d) = 11 and left(d, 1) = '7' then return '+' || d; end if;
    if length(d) between 8 and 15 and left(d, 1) <> '7' then return '+' || d; end if;
    return null;
  end if;
  if length(d) = 11 and left(d, 1) in ('7', '8') then return '+7' || substr(d, 2); end if;
  if length(d) = 10 then return '+7' || d; end if;
  return null;
end
$$;

create function crm_private.normalize_phones(p text[]) returns text[]
  language sql immutable parallel safe set search_path = pg_catalog, pg_temp
  return array(select n from unnest(p) x, crm_private.normalize_phone(x) n where n is not null);

create function crm_private.normalize_emails(p text[]) returns text[]
  language sql immutable parallel safe set search_path = pg_catalog, pg_temp
  return array(select lower(btrim(x)) from unnest(p) x);

-- Matching a caller by any of a contact's phones / e-mails, whatever their spelling.
create index contacts_phones_normalized_idx on crm.contacts using gin (crm_private.normalize_phones(phones));
create index contacts_emails_normalized_idx on crm.contacts using gin (crm_private.normalize_emails(emails));

-- ---------------------------------------------------------------------------------------
-- Integrations.

create table crm.integrations (
  id bigint generated always as identity primary key,
  name text not null check (length(btrim(name)) between 1 and 200),
  kind text not null check (kind in ('web_form', 'phone_system')),
  token_hash bytea not null unique check (length(token_hash) = 32),
  responsible_id bigint not null references crm.users,
  source_id bigint references crm.sources,
  active boolean not null default true,
  created_by bigint references crm.users default crm_private.rls_uid(),
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index integrations_name_uq on crm.integrations (lower(name));
create trigger integrations_touch before update on crm.integrations
  for each row execute function crm_private.touch_row();
-- Read and written by administrators only; the token hash is redacted in the audit log.
select crm_private.secure_identity_table('crm.integrations', 'admin');
select crm_private.attach_audit('crm.integrations', '{token_hash}');

-- ---------------------------------------------------------------------------------------
-- Inbound events.

create table crm_private.inbound_events (
  id bigint generated always as identity primary key,
  integration_id bigint not null references crm.integrations on delete restrict,
  kind text not null check (kind in ('lead', 'call')),
  event_id text not null check (length(event_id) between 1 and 200),
  payload jsonb not null,          -- the validated event, phone and e-mail normalised
  raw text not null,               -- the body as sent
  status text not null default 'received' check (status in ('received', 'processed', 'failed')),
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  result jsonb,                    -- {client_id, contact_id, deal_id, interaction_id, task_id, ...}
  received_at timestamptz not null default now(),
  processed_at timestamptz,
  unique (integration_id, event_id)
);
create index inbound_events_due_idx on crm_private.inbound_events (next_attempt_at, id) where status = 'received';
-- The open lead of an unknown number (its next calls join that deal instead of opening another).
create index inbound_events_phone_idx on crm_private.inbound_events ((result ->> 'phone'), id)
  where status = 'processed' and result ->> 'client_id' is null;

-- The audit writer names the integration for writes made by inbound_process (no user context;
-- crm.integration is set by inbound_process for its own transaction). Request roles always
-- have a context, so they cannot pass for an integration.
create or replace function audit.append(p_action text, p_table text, p_row_id bigint, p_old jsonb, p_new jsonb,
                                        p_details jsonb, p_user_id bigint default null,
                                        p_client_ip inet default null, p_session_id bigint default null)
  returns bigint
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  ctx jsonb := crm_private.context();
  integration text := nullif(current_setting('crm.integration', true), '');
  new_id bigint;
begin
  if ctx is null and p_user_id is null and integration is not null then
    p_details := coalesce(p_details, '{}') || jsonb_build_object('integration', integration::jsonb);
  end if;
  insert into audit.log (user_id, db_role, login_role, session_id, api_token_id, client_ip,
                         table_name, row_id, action, old_values, new_values, details)
  values (coalesce(p_user_id, (ctx ->> 'uid')::bigint),
          coalesce(nullif(current_setting('role'), 'none'), session_user),
          session_user,
          coalesce(p_session_id, (ctx ->> 'session_id')::bigint),
          case when p_user_id is null then (ctx ->> 'api_token_id')::bigint end,
          coalesce(p_client_ip, (ctx ->> 'ip')::inet),
          p_table, p_row_id, p_action, p_old, p_new, p_details)
  returning id into new_id;
  return new_id;
end
$$;

-- Whether a token hash belongs to an active integration that may send p_kind: ok,
-- unauthorized or wrong_kind (answers a malformed event: 401 before 422).
create function crm_api.inbound_authenticate(p_token_hash bytea, p_kind text) returns text
  language sql stable security definer set search_path = pg_catalog, pg_temp
begin atomic
  select coalesce((select case when (x.kind = 'web_form') = (p_kind = 'lead') then 'ok' else 'wrong_kind' end
                     from crm.integrations x where x.token_hash = p_token_hash and x.active), 'unauthorized');
end;

-- Authenticates an integration by its token's hash and stores the event (own transaction).
-- outcome: unauthorized (unknown or disabled token), wrong_kind (a web form posting calls or a
-- phone system posting leads), stored (new), duplicate (same event_id, same content),
-- conflict (same event_id, other content). status: the stored event's status.
create function crm_api.inbound_receive(p_token_hash bytea, p_kind text, p_event_id text, p_payload jsonb, p_raw text,
    out outcome text, out inbound_id bigint, out status text)
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  i crm.integrations;
  e crm_private.inbound_events;
begin
  select * into i from crm.integrations x where x.token_hash = p_token_hash and x.active;
  if not found then
    outcome := 'unauthorized';
    return;
  end if;
  if (i.kind = 'web_form') <> (p_kind = 'lead') then
    outcome := 'wrong_kind';
    return;
  end if;
  insert into crm_private.inbound_events (integration_id, kind, event_id, payload, raw)
  values (i.id, p_kind, p_event_id, p_payload, p_raw)
  on conflict (integration_id, event_id) do nothing
  returning * into e;
  if found then
    outcome := 'stored';
  else
    select * into e from crm_private.inbound_events x where x.integration_id = i.id and x.event_id = p_event_id;
    outcome := case when e.kind = p_kind and e.payload = p_payload then 'duplicate' else 'conflict' end;
  end if;
  inbound_id := e.id;
  status := e.status;
end
$$;

-- Processes one stored event, once: matches the client by the caller's phone / e-mail and
-- writes the deal, interaction and task, notifies the responsible user and emits the outbound
-- event. Returns the event's status afterwards ('busy' when p_wait is false and another
-- transaction is processing it). Raises on failure (the caller records it with inbound_failed).
create function crm_api.inbound_process(p_id bigint, p_wait boolean default true) returns text
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

  -- The client: a contact with this phone (first), else this e-mail; the most recently updated.
  select c.id, c.client_id into v_contact_id, v_client_id
    from crm.contacts c
   where (v_phone is not null and crm_private.normalize_phones(c.phones) @> array[v_phone])
      or (v_email is not null and crm_private.normalize_emails(c.emails) @> array[v_email])
   order by (v_phone is not null and crm_private.normalize_phones(c.phones) @> array[v_phone]) desc,
            c.updated_at desc, c.id desc
   limit 1;
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
      'UTM: ' || utm);
    insert into crm.deals (title, client_id, source_id, owner_id, responsible_id)
    values (v_title, v_client_id, v_source_id, v_responsible, v_responsible)
    returning id into v_deal_id;
    insert into crm.interactions (client_id, deal_id, contact_id, kind, direction, summary, owner_id)
    values (v_client_id, v_deal_id, v_contact_id, 'message', 'inbound', left(v_summary, 10000), v_responsible)
    returning id into v_interaction_id;
    v_task_title := 'Обработать заявку';
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
      'Запись: ' || nullif(p ->> 'recording_url', ''));
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
    'call_type', p ->> 'type'));
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

-- A failed processing attempt: retried after 2^attempts seconds (capped at an hour), given up
-- ('failed') after p_max_attempts.
create function crm_api.inbound_failed(p_id bigint, p_error text, p_max_attempts int default 12) returns void
  language sql volatile security definer set search_path = pg_catalog, pg_temp
begin atomic
  update crm_private.inbound_events x
     set attempts = x.attempts + 1,
         last_error = left(p_error, 2000),
         next_attempt_at = now() + least(interval '1 second' * power(2, x.attempts), interval '1 hour'),
         status = case when x.attempts + 1 >= p_max_attempts then 'failed' else x.status end
   where x.id = p_id and x.status = 'received';
end;

-- Stored events due for (another) processing attempt, oldest first.
create function crm_api.inbound_due(p_limit int) returns setof bigint
  language sql stable security definer set search_path = pg_catalog, pg_temp
begin atomic
  select x.id from crm_private.inbound_events x
   where x.status = 'received' and x.next_attempt_at <= now()
   order by x.next_attempt_at, x.id
   limit p_limit;
end;

revoke execute on all functions in schema crm_private, crm_api, audit from public;
-- The contacts' matching indexes evaluate these on every write of a contact (by OID; still no
-- USAGE on crm_private).
grant execute on function crm_private.normalize_phone(text), crm_private.normalize_phones(text[]),
  crm_private.normalize_emails(text[]) to crm_user;
grant execute on function
  crm_api.inbound_authenticate(bytea, text), crm_api.inbound_receive(bytea, text, text, jsonb, text), crm_api.inbound_process(bigint, boolean),
  crm_api.inbound_failed(bigint, text, int), crm_api.inbound_due(int)
  to crm_authenticator;
