-- 343 Two fixes to the summary reports of sql/305 and sql/341–342 (same columns and answers):
--   - the caller's scopes are read once per call: the `v` row of the visible_* functions is a
--     MATERIALIZED CTE. Inlined, PostgreSQL evaluated the rls_* calls (SECURITY DEFINER PL/pgSQL)
--     in the join filter, once per summary row (20 s for the cohort funnel's 500,000 rows; most of
--     the funnel's milliseconds since sql/305);
--   - the directly computed parts of the loss-reasons and cohort-funnel reports are found by id:
--     the share candidates through the deals' primary key (an initPlan of their ids) instead of a
--     filter over every deal, and the whole sql/301 computation only in sessions whose TimeZone is
--     not UTC (a one-time filter).

create or replace function crm_private.visible_deal_stage_totals()
  returns table (pipeline_id bigint, stage_id bigint, currency text, deals bigint, amount numeric)
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  with v as materialized (
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

create or replace function crm_private.visible_lost_deals(p_from date, p_to date, p_pipeline_id bigint)
  returns table (loss_reason_id bigint, lost_at_stage_id bigint, responsible_id bigint, currency text, deals bigint,
                 amount numeric)
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  with v as materialized (
    select crm_private.rls_territories_or_all('deal', 'read') as t, crm_private.rls_departments('deal', 'read') as d,
           crm_private.rls_own('deal', 'read') as o, crm_private.lost_deal_candidates() as c
  )
  select f.loss_reason_id, f.lost_at_stage_id, f.responsible_id, f.currency::text, count(*), sum(f.amount)
    from crm_private.lost_deal_facts f, v
   where f.lost_on between p_from and p_to and (p_pipeline_id is null or f.pipeline_id = p_pipeline_id)
     and not f.deal_id = any (v.c)
     and crm_private.report_rule_ok(v.t, v.d, v.o, f.d_owner, f.d_resp, f.d_dept, f.d_terr)
   group by 1, 2, 3, 4
$$;

create or replace function crm_private.visible_funnel_groups(p_from date, p_to date, p_pipeline_id bigint, p_responsible_id bigint,
                                                  p_departments bigint[])
  returns table (currency text, stage_id bigint, stage_kind text, reached_position int, deals bigint, amount numeric)
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  with v as materialized (
    select crm_private.rls_territories_or_all('deal', 'read') as t, crm_private.rls_departments('deal', 'read') as d,
           crm_private.rls_own('deal', 'read') as o
  )
  select g.currency::text, g.stage_id, g.stage_kind, g.reached_position, sum(g.deals)::bigint, sum(g.amount)
    from crm_private.funnel_cohort_groups g, v
   where g.pipeline_id = p_pipeline_id and g.entered_on between p_from and p_to and g.deals <> 0
     and (p_responsible_id is null or g.responsible_id = p_responsible_id)
     and (p_departments is null or g.department_id = any (p_departments))
     and crm_private.report_rule_ok(v.t, v.d, v.o, g.d_owner, g.responsible_id, g.department_id, g.d_terr)
   group by 1, 2, 3, 4
$$;

create or replace function crm_private.visible_funnel_visits(p_from date, p_to date, p_pipeline_id bigint, p_responsible_id bigint,
                                                  p_departments bigint[])
  returns table (currency text, stage_id bigint, deals bigint, days numeric)
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  with v as materialized (
    select crm_private.rls_territories_or_all('deal', 'read') as t, crm_private.rls_departments('deal', 'read') as d,
           crm_private.rls_own('deal', 'read') as o
  )
  select g.currency::text, g.stage_id, sum(g.deals)::bigint,
         sum(g.closed_seconds + g.open_visits * extract(epoch from now()) - g.open_since_epoch) / 86400
    from crm_private.funnel_cohort_visits g, v
   where g.pipeline_id = p_pipeline_id and g.entered_on between p_from and p_to and g.deals <> 0
     and (p_responsible_id is null or g.responsible_id = p_responsible_id)
     and (p_departments is null or g.department_id = any (p_departments))
     and crm_private.report_rule_ok(v.t, v.d, v.o, g.d_owner, g.responsible_id, g.department_id, g.d_terr)
   group by 1, 2
$$;

create or replace function crm_private.funnel_candidate_groups(p_from date, p_to date, p_pipeline_id bigint, p_responsible_id bigint,
                                                    p_departments bigint[], p_candidates bigint[])
  returns table (currency text, stage_id bigint, stage_kind text, reached_position int, deals bigint, amount numeric,
                 visit_deals bigint, visit_days numeric, visit_stage_id bigint)
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  with v as materialized (
    select crm_private.rls_territories_or_all('deal', 'read') as t, crm_private.rls_departments('deal', 'read') as d,
           crm_private.rls_own('deal', 'read') as o
  ), f as (
    select f.* from crm_private.funnel_deal_facts f, v
     where f.deal_id = any (p_candidates) and f.pipeline_id = p_pipeline_id and f.entered_on between p_from and p_to
       and (p_responsible_id is null or f.responsible_id = p_responsible_id)
       and (p_departments is null or f.department_id = any (p_departments))
       and crm_private.report_rule_ok(v.t, v.d, v.o, f.d_owner, f.responsible_id, f.department_id, f.d_terr)
  )
  select f.currency::text, f.stage_id, f.stage_kind, f.reached_position, count(*), sum(f.amount), null::bigint, null::numeric,
         null::bigint
    from f group by 1, 2, 3, 4
  union all
  select f.currency::text, null, null, null, null, null, count(*),
         sum(x.closed_seconds + case when x.open_since is not null then extract(epoch from now()) - extract(epoch from x.open_since)
                                     else 0 end) / 86400, x.stage_id
    from f join crm_private.funnel_deal_visits x on x.deal_id = f.deal_id
   group by 1, x.stage_id
$$;

create or replace function reports.loss_reasons_report(p_from date, p_to date, p_pipeline_id bigint default null)
  returns table (loss_reason_id bigint, loss_reason text, lost_at_stage_id bigint, lost_at_stage text,
                 responsible_id bigint, responsible text, currency text, deals bigint, amount numeric)
  language sql stable
begin atomic
  with utc as (select current_setting('TimeZone') = 'UTC' as ok),
  parts as (
    select a.loss_reason_id, a.lost_at_stage_id, a.responsible_id, a.currency, a.deals, a.amount
      from crm_private.visible_lost_deals(p_from, p_to, p_pipeline_id) a, utc where utc.ok
    union all
    -- outside UTC sessions every lost deal, as sql/301 computes it
    select l.loss_reason_id, l.lost_at_stage_id, l.responsible_id, l.currency::text, count(*), sum(l.amount)
      from reports.lost_deals l
     where (select not utc.ok from utc)
       and l.lost_on between p_from and p_to and (p_pipeline_id is null or l.pipeline_id = p_pipeline_id)
     group by 1, 2, 3, 4
    union all
    -- in UTC sessions the candidates, found by id
    select l.loss_reason_id, l.lost_at_stage_id, l.responsible_id, l.currency::text, count(*), sum(l.amount)
      from reports.lost_deals l
     where (select utc.ok from utc)
       and l.deal_id = any ((select crm_private.lost_deal_candidates())::bigint[])
       and l.lost_on between p_from and p_to and (p_pipeline_id is null or l.pipeline_id = p_pipeline_id)
     group by 1, 2, 3, 4
  ), g as (
    select p.loss_reason_id, p.lost_at_stage_id, p.responsible_id, p.currency, sum(p.deals)::bigint as deals,
           sum(p.amount) as amount
      from parts p group by 1, 2, 3, 4
  )
  select g.loss_reason_id, r.name, g.lost_at_stage_id, s.name, g.responsible_id, u.name, g.currency, g.deals,
         round(g.amount, 2)
    from g
    left join crm.loss_reasons r on r.id = g.loss_reason_id
    left join crm.stages s on s.id = g.lost_at_stage_id
    left join crm.users u on u.id = g.responsible_id
   order by g.currency, g.deals desc, g.amount desc, g.loss_reason_id, g.lost_at_stage_id, g.responsible_id;
end;

create or replace function reports.sales_funnel_report(p_from date, p_to date, p_pipeline_id bigint,
    p_responsible_id bigint default null, p_department_id bigint default null)
  returns table (stage_id bigint, code text, stage text, "position" int, kind text, currency text,
                 deals bigint, amount numeric, reached bigint, reached_next bigint, won bigint,
                 conversion_to_next numeric, conversion_to_won numeric, avg_days_in_stage numeric)
  language sql stable
begin atomic
  with recursive dept(id) as (
    select p_department_id where p_department_id is not null
    union
    select x.id from crm.departments x join dept on x.parent_id = dept.id
  ), utc as (
    select current_setting('TimeZone') = 'UTC' as ok,
           case when p_department_id is not null then array(select id from dept) end as departments,
           crm_private.funnel_candidates(p_pipeline_id) as candidates
  ), cohort as (
    -- outside UTC sessions: every deal, as sql/301 computes it
    select f.deal_id, f.currency, f.amount, f.stage_id, f.stage_kind, f.reached_position
      from reports.funnel_deals f
     where (select not utc.ok from utc)
       and f.pipeline_id = p_pipeline_id and f.entered_on between p_from and p_to
       and (p_responsible_id is null or f.responsible_id = p_responsible_id)
       and (p_department_id is null or f.department_id in (select id from dept))
    union all
    -- in UTC sessions: the candidates, found by id, with reports.funnel_deals' columns computed
    -- per deal (the same rows under the caller's rules)
    select d.id, d.currency, d.amount, d.stage_id, s.kind,
           greatest(coalesce(r.position, s.position), case when s.kind <> 'lost' then s.position end)
      from crm.deals d
      join crm.stages s on s.id = d.stage_id
      left join lateral (select max(hs.position) as position from crm.deal_stage_history h
                           join crm.stages hs on hs.id = h.stage_id
                          where h.deal_id = d.id and hs.kind <> 'lost') r on true
     where (select utc.ok from utc)
       and d.id = any ((select utc.candidates from utc)::bigint[])
       and d.pipeline_id = p_pipeline_id and d.created_at::date between p_from and p_to
       and (p_responsible_id is null or d.responsible_id = p_responsible_id)
       and (p_department_id is null or d.department_id in (select id from dept))
  ), removed as (
    select r.* from utc, crm_private.funnel_candidate_groups(p_from, p_to, p_pipeline_id, p_responsible_id, utc.departments,
                                                            utc.candidates) r
     where utc.ok
  ), groups_parts as (
    select c.currency::text as currency, c.stage_id, c.stage_kind, c.reached_position, count(*) as n, sum(c.amount) as amount
      from cohort c group by 1, 2, 3, 4
    union all
    select g.currency, g.stage_id, g.stage_kind, g.reached_position, g.deals, g.amount
      from utc, crm_private.visible_funnel_groups(p_from, p_to, p_pipeline_id, p_responsible_id, utc.departments) g
     where utc.ok
    union all
    select r.currency, r.stage_id, r.stage_kind, r.reached_position, -r.deals, -r.amount from removed r where r.stage_id is not null
  ), groups as (
    select g.currency, g.stage_id, g.stage_kind, g.reached_position, sum(g.n) as n, sum(g.amount) as amount
      from groups_parts g group by 1, 2, 3, 4 having sum(g.n) <> 0
  ), currencies as (
    select distinct g.currency from groups g
  ), st as (
    select s.id, s.code, s.name, s.position, s.kind,
           case when s.kind <> 'lost' then (select min(n.position) from crm.stages n
                                             where n.pipeline_id = s.pipeline_id and n.kind <> 'lost' and n.position > s.position) end
             as next_position
      from crm.stages s where s.pipeline_id = p_pipeline_id
  ), visits as (
    select h.stage_id, c.currency::text as currency, h.deal_id,
           sum(extract(epoch from coalesce(h.left_at, now()) - h.entered_at)) / 86400 as days
      from crm.deal_stage_history h join cohort c on c.deal_id = h.deal_id
     group by h.stage_id, c.currency, h.deal_id
  ), visit_parts as (
    select v.stage_id, v.currency, count(*) as deals, sum(v.days) as days from visits v group by 1, 2
    union all
    select x.stage_id, x.currency, x.deals, x.days
      from utc, crm_private.visible_funnel_visits(p_from, p_to, p_pipeline_id, p_responsible_id, utc.departments) x
     where utc.ok
    union all
    select r.visit_stage_id, r.currency, -r.visit_deals, -r.visit_days from removed r where r.visit_stage_id is not null
  ), days as (
    select p.stage_id, p.currency, round(sum(p.days) / sum(p.deals), 2) as avg_days
      from visit_parts p group by 1, 2 having sum(p.deals) > 0
  ), cells as (
    select st.*, cu.currency,
           coalesce(sum(g.n) filter (where g.stage_id = st.id), 0)::bigint as deals,
           coalesce(sum(g.amount) filter (where g.stage_id = st.id), 0) as amount,
           coalesce(sum(g.n) filter (where case when st.kind = 'lost' then g.stage_id = st.id
                                                 else g.reached_position >= st.position end), 0)::bigint as reached,
           coalesce(sum(g.n) filter (where g.reached_position >= st.next_position), 0)::bigint as reached_next,
           coalesce(sum(g.n) filter (where g.stage_kind = 'won' and st.kind <> 'lost' and g.reached_position >= st.position), 0)::bigint
             as won,
           (select dd.avg_days from days dd where dd.stage_id = st.id and dd.currency = cu.currency) as avg_days
      from st cross join currencies cu
      left join groups g on g.currency = cu.currency
     group by st.id, st.code, st.name, st.position, st.kind, st.next_position, cu.currency
  )
  select id, code, name, position, kind, currency, deals, round(amount, 2), reached,
         case when next_position is not null then reached_next end,
         won,
         case when next_position is not null and reached > 0 then round(reached_next::numeric / reached, 4) end,
         case when kind <> 'lost' and reached > 0 then round(won::numeric / reached, 4) end,
         case when kind = 'open' then avg_days end
    from cells
   order by currency, position;
end;

revoke all on all functions in schema reports from public;
grant execute on all functions in schema reports to crm_user, crm_bi;
revoke execute on all functions in schema crm_private, crm_api, audit from public;
