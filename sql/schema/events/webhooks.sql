-- events/webhooks.sql: outbound webhooks: subscriptions and deliveries of the event log.
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/250_webhooks.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

drop trigger if exists webhook_subscriptions_touch on crm.webhook_subscriptions;
create trigger webhook_subscriptions_touch before update on crm.webhook_subscriptions
  for each row execute function crm_private.touch_row();

-- Read and written by administrators only; the secret is redacted in the audit log.
select crm_private.secure_identity_table('crm.webhook_subscriptions', 'admin');

select crm_private.attach_audit('crm.webhook_subscriptions', '{secret}');

-- Every new event, for each active subscription to its kind: a delivery (same transaction).
create or replace function crm_private.webhook_fan_out() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  insert into crm_private.webhook_deliveries (subscription_id, event_id)
  select s.id, new.id
    from crm.webhook_subscriptions s
   where s.active and (new.kind = any (s.event_kinds) or '*' = any (s.event_kinds))
  on conflict do nothing;
  return null;
end
$$;

drop trigger if exists events_webhook_fan_out on crm_private.events;
create trigger events_webhook_fan_out after insert on crm_private.events
  for each row execute function crm_private.webhook_fan_out();

-- Claims up to p_limit due deliveries of active subscriptions (SKIP LOCKED), leasing them for
-- p_lease_seconds, and returns what to send. attempt identifies the lease: a result reported
-- for an older lease (a dispatcher that outlived its lease) is ignored.
create or replace function crm_api.webhook_claim(p_limit int, p_lease_seconds int)
  returns table (delivery_id bigint, attempt int, url text, secret text, event_kind text, body text)
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  return query
  with due as (
    select d.id
      from crm_private.webhook_deliveries d
     where d.status = 'pending' and d.next_attempt_at <= now()
       and exists (select 1 from crm.webhook_subscriptions s where s.id = d.subscription_id and s.active)
     order by d.next_attempt_at, d.id
     limit p_limit
       for update of d skip locked
  ), claimed as (
    update crm_private.webhook_deliveries d
       set attempts = d.attempts + 1,
           next_attempt_at = now() + make_interval(secs => p_lease_seconds)
      from due
     where d.id = due.id
    returning d.*
  )
  select c.id, c.attempts, s.url, s.secret, e.kind,
         jsonb_build_object('id', e.id, 'kind', e.kind, 'created_at', e.created_at, 'delivery_id', c.id,
                            'data', e.payload)::text
    from claimed c
    join crm.webhook_subscriptions s on s.id = c.subscription_id
    join crm_private.events e on e.id = c.event_id
   order by c.id;
end
$$;

create or replace function crm_api.webhook_delivered(p_id bigint, p_attempt int, p_status_code int) returns boolean
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  update crm_private.webhook_deliveries d
     set status = 'delivered', delivered_at = now(), last_status_code = p_status_code, last_error = null
   where d.id = p_id and d.attempts = p_attempt and d.status = 'pending';
  return found;
end
$$;

create or replace function crm_api.webhook_failed(p_id bigint, p_attempt int, p_status_code int, p_error text,
                                       p_base_seconds double precision, p_cap_seconds double precision,
                                       p_max_attempts int) returns text
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  result text;
begin
  update crm_private.webhook_deliveries d
     set last_status_code = p_status_code,
         last_error = left(p_error, 2000),
         status = case when d.attempts >= p_max_attempts then 'failed' else 'pending' end,
         next_attempt_at = now() + make_interval(secs => least(p_base_seconds * power(2, d.attempts - 1), p_cap_seconds))
   where d.id = p_id and d.attempts = p_attempt and d.status = 'pending'
  returning d.status into result;
  return result;
end
$$;

revoke execute on all functions in schema crm_private, crm_api, audit from public;

grant execute on function
  crm_api.webhook_claim(int, int), crm_api.webhook_delivered(bigint, int, int),
  crm_api.webhook_failed(bigint, int, int, text, double precision, double precision, int)
  to crm_authenticator;
