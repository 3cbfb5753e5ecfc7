-- events/inbound.sql: inbound integrations: web forms post leads, phone systems post call events.
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/240_inbound.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

create or replace function crm_private.normalize_phone(p text) returns text
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

create or replace function crm_private.normalize_phones(p text[]) returns text[]
  language sql immutable parallel safe set search_path = pg_catalog, pg_temp
  return array(select n from unnest(p) x, crm_private.normalize_phone(x) n where n is not null);

create or replace function crm_private.normalize_emails(p text[]) returns text[]
  language sql immutable parallel safe set search_path = pg_catalog, pg_temp
  return array(select lower(btrim(x)) from unnest(p) x);

drop trigger if exists integrations_touch on crm.integrations;
create trigger integrations_touch before update on crm.integrations
  for each row execute function crm_private.touch_row();

-- Read and written by administrators only; the token hash is redacted in the audit log.
select crm_private.secure_identity_table('crm.integrations', 'admin');

select crm_private.attach_audit('crm.integrations', '{token_hash}');

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
create or replace function crm_api.inbound_authenticate(p_token_hash bytea, p_kind text) returns text
  language sql stable security definer set search_path = pg_catalog, pg_temp
begin atomic
  select coalesce((select case when (x.kind = 'web_form') = (p_kind = 'lead') then 'ok' else 'wrong_kind' end
                     from crm.integrations x where x.token_hash = p_token_hash and x.active), 'unauthorized');
end;

-- Authenticates an integration by its token's hash and stores the event (own transaction).
-- outcome: unauthorized (unknown or disabled token), wrong_kind (a web form posting calls or a
-- phone system posting leads), stored (new), duplicate (same event_id, same content),
-- conflict (same event_id, other content). status: the stored event's status.
create or replace function crm_api.inbound_receive(p_token_hash bytea, p_kind text, p_event_id text, p_payload jsonb, p_raw text,
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

-- A failed processing attempt: retried after 2^attempts seconds (capped at an hour), given up
-- ('failed') after p_max_attempts.
create or replace function crm_api.inbound_failed(p_id bigint, p_error text, p_max_attempts int default 12) returns void
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
create or replace function crm_api.inbound_due(p_limit int) returns setof bigint
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
