-- 305 The funnel from a summary kept by triggers (the speed part of issue 11, first step).
--
-- crm_private.deal_stage_summary holds, per pipeline, stage, currency and the deal policy's
-- rule columns (owner_id, responsible_id, department_id, territory_id; 0 for null), the number
-- and the sum of the deals with exactly those values. A row trigger on crm.deals moves a deal's
-- count and amount from its old key to its new key in the same transaction as the change
-- (insert … on conflict do update adds to the committed value under the row lock, so concurrent
-- writers add up exactly).
--
-- crm_private.visible_deal_stage_totals() sums the summary rows the caller may see by applying
-- the deals' read policy (sql/190 shape) to the key columns — territory (or all), department,
-- own — and adds the deals shared with the caller that those arms do not already cover, read
-- one by one (shares are per row and cannot be summarised). The result equals counting the
-- visible deals (tested against a full recomputation for several users after random changes).
-- It is SECURITY DEFINER (the summary has no per-row rules); the caller's scopes come from the
-- same signed context (crm_private.rls_*), so BI logins get their user's totals.
-- If secure_table's shape for deals changes, this function must change with it.

create table crm_private.deal_stage_summary (
  pipeline_id bigint not null,
  stage_id bigint not null,
  currency char(3) not null,
  owner_id bigint not null,
  responsible_id bigint not null,
  department_id bigint not null,
  territory_id bigint not null,
  deals bigint not null,
  amount numeric(20,2) not null,
  primary key (pipeline_id, stage_id, currency, owner_id, responsible_id, department_id, territory_id)
);
create index deal_stage_summary_department_idx on crm_private.deal_stage_summary (department_id);
create index deal_stage_summary_territory_idx on crm_private.deal_stage_summary (territory_id);
create index deal_stage_summary_owner_idx on crm_private.deal_stage_summary (owner_id);
create index deal_stage_summary_responsible_idx on crm_private.deal_stage_summary (responsible_id);

create function crm_private.deal_stage_summary_add(d crm.deals, sign int) returns void
  language sql volatile security definer set search_path = pg_catalog, pg_temp as $$
  insert into crm_private.deal_stage_summary as s
    (pipeline_id, stage_id, currency, owner_id, responsible_id, department_id, territory_id, deals, amount)
  values (d.pipeline_id, d.stage_id, d.currency, d.owner_id, coalesce(d.responsible_id, 0), coalesce(d.department_id, 0),
          coalesce(d.territory_id, 0), sign, sign * d.amount)
  on conflict (pipeline_id, stage_id, currency, owner_id, responsible_id, department_id, territory_id)
  do update set deals = s.deals + excluded.deals, amount = s.amount + excluded.amount
$$;

create function crm_private.deal_stage_summary_sync() returns trigger
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
create trigger deals_stage_summary after insert or update or delete on crm.deals
  for each row execute function crm_private.deal_stage_summary_sync();
create function crm_private.deal_stage_summary_truncated() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  delete from crm_private.deal_stage_summary;
  return null;
end
$$;
create trigger deals_stage_summary_truncate after truncate on crm.deals
  for each statement execute function crm_private.deal_stage_summary_truncated();

insert into crm_private.deal_stage_summary
select pipeline_id, stage_id, currency, owner_id, coalesce(responsible_id, 0), coalesce(department_id, 0),
       coalesce(territory_id, 0), count(*), sum(amount)
  from crm.deals group by 1, 2, 3, 4, 5, 6, 7;

-- Deals and sums per stage and currency over the deals the caller may read.
create function crm_private.visible_deal_stage_totals()
  returns table (pipeline_id bigint, stage_id bigint, currency text, deals bigint, amount numeric)
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  with v as (
    select crm_private.rls_territories_or_all('deal', 'read') as t, crm_private.rls_departments('deal', 'read') as d,
           crm_private.rls_own('deal', 'read') as o, crm_private.rls_shared('deal', 'read', 'deal') as s
  )
  select x.pipeline_id, x.stage_id, x.currency::text, sum(x.deals)::bigint, sum(x.amount)
    from (
      select s.pipeline_id, s.stage_id, s.currency, s.deals, s.amount
        from crm_private.deal_stage_summary s, v
       where s.deals <> 0
         and (coalesce(s.territory_id = any (v.t), true) or s.department_id = any (v.d)
              or v.o = any (array[s.owner_id, s.responsible_id]))
      union all
      select d.pipeline_id, d.stage_id, d.currency, 1, d.amount
        from crm.deals d, v
       where d.id = any (v.s)
         and not coalesce(coalesce(coalesce(d.territory_id, 0) = any (v.t), true) or d.department_id = any (v.d)
                          or v.o = any (array[d.owner_id, d.responsible_id]), false)
    ) x
   group by x.pipeline_id, x.stage_id, x.currency
$$;
revoke all on function crm_private.visible_deal_stage_totals() from public;
grant execute on function crm_private.visible_deal_stage_totals() to crm_user, crm_bi;

-- Per stage and currency, from the summary (the fast funnel, exact per currency).
create view reports.funnel_stage_totals as
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
