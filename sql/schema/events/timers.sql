-- events/timers.sql: durable timers: work that must happen at a time, across restarts and server instances.
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/210_timers.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

create or replace function crm_private.schedule_timer(p_due_at timestamptz, p_kind text, p_payload jsonb default '{}',
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

create or replace function crm_private.cancel_timers(p_key_prefix text) returns int
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

create or replace function crm_api.fire_due_timers(p_limit int default 100) returns int
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
