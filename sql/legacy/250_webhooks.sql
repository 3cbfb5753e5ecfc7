-- 250 Outbound webhooks (issue 5): administrators subscribe URLs to event kinds; every event
-- of the outbound log (crm_private.events, sql/200) matching an active subscription becomes a
-- delivery row in the same transaction (trigger), which the server's dispatcher POSTs, signed
-- with the subscription's secret (X-CRM-Signature: sha256=<hex HMAC-SHA256 of the body>).
--
--   crm_api.webhook_claim(limit, lease seconds)   due deliveries, claimed with SKIP LOCKED and
--       leased (next_attempt_at moves past the lease): two dispatchers — in one process or in
--       several servers — never send one delivery at the same time; a dispatcher that dies
--       mid-send leaves the delivery to be retried when the lease ends (at-least-once).
--   crm_api.webhook_delivered(id, lease attempt, status code)
--   crm_api.webhook_failed(id, lease attempt, status code, error, base, cap, max attempts)
--       retried after base·2^(attempts-1) seconds, at most cap; 'failed' after max attempts.
-- Requests only ever insert rows (emit_event); nothing here runs in a request.

create table crm.webhook_subscriptions (
  id bigint generated always as identity primary key,
  name text not null check (length(btrim(name)) between 1 and 200),
  url text not null constraint url check (url ~ '^https?://[^\s/?#@]+(/[^\s]*)?$' and length(url) <= 2000),
  secret text not null constraint secret check (length(secret) between 16 and 200),
  -- event kinds (crm_private.events.kind), or '*' for every kind
  event_kinds text[] not null constraint event_kinds
    check (cardinality(event_kinds) between 1 and 50
           and array_to_string(event_kinds, ',') ~ '^(\*|[a-z][a-z_.]{0,39})(,(\*|[a-z][a-z_.]{0,39}))*$'),
  active boolean not null default true,
  created_by bigint references crm.users default crm_private.rls_uid(),
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index webhook_subscriptions_name_uq on crm.webhook_subscriptions (lower(name));
create trigger webhook_subscriptions_touch before update on crm.webhook_subscriptions
  for each row execute function crm_private.touch_row();
-- Read and written by administrators only; the secret is redacted in the audit log.
select crm_private.secure_identity_table('crm.webhook_subscriptions', 'admin');
select crm_private.attach_audit('crm.webhook_subscriptions', '{secret}');

create table crm_private.webhook_deliveries (
  id bigint generated always as identity primary key,
  subscription_id bigint not null references crm.webhook_subscriptions on delete cascade,
  event_id bigint not null references crm_private.events on delete cascade,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_status_code int,
  last_error text,
  created_at timestamptz not null default now(),
  delivered_at timestamptz,
  unique (subscription_id, event_id)
);
create index webhook_deliveries_due_idx on crm_private.webhook_deliveries (next_attempt_at, id) where status = 'pending';
create index webhook_deliveries_event_idx on crm_private.webhook_deliveries (event_id);

-- Every new event, for each active subscription to its kind: a delivery (same transaction).
create function crm_private.webhook_fan_out() returns trigger
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
create trigger events_webhook_fan_out after insert on crm_private.events
  for each row execute function crm_private.webhook_fan_out();

-- Claims up to p_limit due deliveries of active subscriptions (SKIP LOCKED), leasing them for
-- p_lease_seconds, and returns what to send. attempt identifies the lease: a result reported
-- for an older lease (a dispatcher that outlived its lease) is ignored.
create function crm_api.webhook_claim(p_limit int, p_lease_seconds int)
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

create function crm_api.webhook_delivered(p_id bigint, p_attempt int, p_status_code int) returns boolean
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  update crm_private.webhook_deliveries d
     set status = 'delivered', delivered_at = now(), last_status_code = p_status_code, last_error = null
   where d.id = p_id and d.attempts = p_attempt and d.status = 'pending';
  return found;
end
$$;

create function crm_api.webhook_failed(p_id bigint, p_attempt int, p_status_code int, p_error text,
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
