-- 210 Durable timers (issue 5): work that must happen at a time, even across restarts and
-- with several server instances on one database.
--
--   crm_private.schedule_timer(due_at, kind, payload, key) → timer id
--       stores a timer; a pending timer with the same key is replaced (moved, new payload).
--   crm_private.cancel_timers(key_prefix) → how many
--       removes the pending timers whose key starts with the prefix.
--   crm_api.fire_due_timers(limit) → how many fired
--       called every second by each server instance (TimerService): takes due timers with
--       FOR UPDATE SKIP LOCKED, runs crm_private.timer_<kind>(payload) for each in a
--       subtransaction, marks it fired in the same transaction — so a timer's effects and its
--       fired_at commit together, exactly once, whichever instance takes it. A handler that
--       raises rolls back its own effects only: the timer gets attempts + 1, last_error and a
--       later run_at (back-off), and gives up (failed_at) after 10 attempts.
--
-- Handlers are plain functions crm_private.timer_<kind>(payload jsonb), found by name when
-- the timer fires: a later migration adds a kind by adding its function. They run as the
-- database owner (no CRM user): they must check that their subject still exists and is
-- still in the state the timer was set for.

create table crm_private.timers (
  id bigint generated always as identity primary key,
  due_at timestamptz not null,
  kind text not null check (kind ~ '^[a-z][a-z0-9_]{0,39}$'),
  payload jsonb not null default '{}',
  -- For replacing and cancelling ('task:42:reminder'); null = neither.
  key text check (length(key) <= 200),
  -- The next attempt: due_at at first, later after each failure (back-off).
  run_at timestamptz not null,
  created_at timestamptz not null default now(),
  fired_at timestamptz,
  attempts int not null default 0,
  last_error text,
  failed_at timestamptz
);
-- One pending timer per key.
create unique index timers_pending_key_uq on crm_private.timers (key)
  where fired_at is null and failed_at is null and key is not null;
create index timers_pending_run_idx on crm_private.timers (run_at, id) where fired_at is null and failed_at is null;
create index timers_fired_idx on crm_private.timers (fired_at) where fired_at is not null;
-- Prefix look-ups (cancel_timers) as a range over the keys in byte order, so a deal move or a
-- task change does not scan every pending timer.
create index timers_pending_key_prefix_idx on crm_private.timers ((key collate "C"))
  where fired_at is null and failed_at is null and key is not null;

create function crm_private.schedule_timer(p_due_at timestamptz, p_kind text, p_payload jsonb default '{}',
    p_key text default null) returns bigint
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  timer_id bigint;
begin
  if p_due_at is null then
    raise exception 'a timer needs a due time' using errcode = 'invalid_parameter_value';
  end if;
  if p_kind is null or p_kind !~ '^[a-z][a-z0-9_]{0,39}$'
     or to_regprocedure(format('crm_private.%I(jsonb)', 'timer_' || p_kind)) is null then
    raise exception 'no timer kind % (no function crm_private.timer_%(jsonb))', p_kind, p_kind
      using errcode = 'invalid_parameter_value';
  end if;
  if p_key is null then
    insert into crm_private.timers (due_at, kind, payload, run_at)
    values (p_due_at, p_kind, coalesce(p_payload, '{}'), p_due_at)
    returning id into timer_id;
  else
    insert into crm_private.timers (due_at, kind, payload, key, run_at)
    values (p_due_at, p_kind, coalesce(p_payload, '{}'), p_key, p_due_at)
    on conflict (key) where fired_at is null and failed_at is null and key is not null
    do update set due_at = excluded.due_at, kind = excluded.kind, payload = excluded.payload,
                  run_at = excluded.run_at, attempts = 0, last_error = null, created_at = now()
    returning id into timer_id;
  end if;
  return timer_id;
end
$$;

create function crm_private.cancel_timers(p_key_prefix text) returns int
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  n int;
begin
  if p_key_prefix is null or p_key_prefix = '' then
    return 0;
  end if;
  delete from crm_private.timers
   where key is not null and fired_at is null and failed_at is null
     and (key collate "C") >= (p_key_prefix collate "C")
     and (key collate "C") < ((p_key_prefix || chr(1114111)) collate "C")
     and starts_with(key, p_key_prefix);
  get diagnostics n = row_count;
  return n;
end
$$;

create function crm_api.fire_due_timers(p_limit int default 100) returns int
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  t record;
  fired int := 0;
begin
  for t in
    select x.id, x.kind, x.payload, x.attempts
      from crm_private.timers x
     where x.fired_at is null and x.failed_at is null and x.run_at <= clock_timestamp()
     order by x.run_at, x.id
     limit least(greatest(coalesce(p_limit, 100), 1), 1000)
       for update skip locked
  loop
    begin
      if to_regprocedure(format('crm_private.%I(jsonb)', 'timer_' || t.kind)) is null then
        raise exception 'no handler crm_private.timer_%(jsonb)', t.kind;
      end if;
      execute format('select crm_private.%I($1)', 'timer_' || t.kind) using t.payload;
      update crm_private.timers set fired_at = clock_timestamp(), attempts = t.attempts + 1 where id = t.id;
      fired := fired + 1;
    exception when others then
      update crm_private.timers
         set attempts = t.attempts + 1,
             last_error = left(sqlstate || ': ' || sqlerrm, 2000),
             run_at = clock_timestamp() + least(interval '1 hour', interval '5 seconds' * power(2, t.attempts)),
             failed_at = case when t.attempts + 1 >= 10 then clock_timestamp() end
       where id = t.id;
    end;
  end loop;
  -- Fired timers are kept a week (for looking into what happened), then removed.
  delete from crm_private.timers
   where id in (select id from crm_private.timers where fired_at < now() - interval '7 days' limit 1000);
  return fired;
end
$$;

revoke execute on all functions in schema crm_private, crm_api, audit from public;
grant execute on function crm_api.fire_due_timers(int) to crm_authenticator;
