-- reports/funnel_summary.sql: the funnel from a summary kept by triggers (crm_private.deal_stage_summary).
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/305_funnel_summary.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

create or replace function crm_private.deal_stage_summary_add(d crm.deals, sign int) returns void
  language sql volatile security definer set search_path = pg_catalog, pg_temp as $$
  insert into crm_private.deal_stage_summary as s
    (pipeline_id, stage_id, currency, owner_id, responsible_id, department_id, territory_id, deals, amount)
  values (d.pipeline_id, d.stage_id, d.currency, d.owner_id, coalesce(d.responsible_id, 0), coalesce(d.department_id, 0),
          coalesce(d.territory_id, 0), sign, sign * d.amount)
  on conflict (pipeline_id, stage_id, currency, owner_id, responsible_id, department_id, territory_id)
  do update set deals = s.deals + excluded.deals, amount = s.amount + excluded.amount
$$;

create or replace function crm_private.deal_stage_summary_sync() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if tg_op = 'UPDATE' and (old.pipeline_id, old.stage_id, old.currency, old.owner_id, old.responsible_id, old.department_id,
                           old.territory_id, old.amount)
                          is not distinct from (new.pipeline_id, new.stage_id, new.currency, new.owner_id, new.responsible_id,
                                                new.department_id, new.territory_id, new.amount) then
    return null;
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    perform crm_private.deal_stage_summary_add(old, -1);
  end if;
  if tg_op in ('UPDATE', 'INSERT') then
    perform crm_private.deal_stage_summary_add(new, 1);
  end if;
  return null;
end
$$;

drop trigger if exists deals_stage_summary on crm.deals;
create trigger deals_stage_summary after insert or update or delete on crm.deals
  for each row execute function crm_private.deal_stage_summary_sync();

create or replace function crm_private.deal_stage_summary_truncated() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  delete from crm_private.deal_stage_summary;
  return null;
end
$$;

drop trigger if exists deals_stage_summary_truncate on crm.deals;
create trigger deals_stage_summary_truncate after truncate on crm.deals
  for each statement execute function crm_private.deal_stage_summary_truncated();

revoke all on function crm_private.visible_deal_stage_totals() from public;

grant execute on function crm_private.visible_deal_stage_totals() to crm_user, crm_bi;

-- Per stage and currency, from the summary (the fast funnel, exact per currency).
create or replace view reports.funnel_stage_totals as
  select s.pipeline_id, s.id as stage_id, s.code, s.name as stage, s.position, s.kind, t.currency,
         coalesce(t.deals, 0) as deals, coalesce(t.amount, 0) as amount
    from crm.stages s
    join crm_private.visible_deal_stage_totals() t on t.stage_id = s.id;

select crm_private.secure_view('reports.funnel_stage_totals');

-- The old funnel view, same columns, now from the summary (amount over every currency, as before).
create or replace view reports.sales_funnel as
  with t as (
    select x.stage_id, sum(x.deals) as deals, sum(x.amount) as amount
      from crm_private.visible_deal_stage_totals() x group by x.stage_id
  )
  select s.pipeline_id, s.id as stage_id, s.code, s.name as stage, s.position, s.kind,
         coalesce(t.deals, 0)::bigint as deals, coalesce(t.amount, 0) as amount
    from crm.stages s
    left join t on t.stage_id = s.id;

select crm_private.secure_view('reports.sales_funnel');

revoke execute on all functions in schema crm_private, crm_api, audit from public;

grant execute on function crm_private.visible_deal_stage_totals() to crm_user, crm_bi;
