-- 342 The cohort funnel (reports.sales_funnel_report) from summaries kept by triggers (issue 11,
-- speed), in the design of sql/340–341.
--
-- Per deal (the contribution record, recomputed under the deal's row lock by
-- crm_private.funnel_deal_refresh from triggers on crm.deals, crm.deal_stage_history and
-- crm.stages):
--   crm_private.funnel_deal_facts   pipeline, day of entry (created_at in UTC), responsible,
--        department, currency, amount, current stage and its kind, the furthest non-lost
--        position reached (as reports.funnel_deals computes it), whether the whole history
--        carries the deal's rule columns, the rule columns;
--   crm_private.funnel_deal_visits  per stage visited: the seconds of its closed visits and the
--        start of the open one.
-- Summed (deltas under that lock, insert … on conflict adds to the committed value):
--   crm_private.funnel_cohort_groups  deals and amount per pipeline, day of entry, responsible,
--        department, currency, stage, kind, reached position, owner, territory;
--   crm_private.funnel_cohort_visits  per the same key and visited stage: deals that visited it,
--        closed seconds, open visits and the sum of their start times (so the time until now is
--        open visits × now − that sum).
-- reports.sales_funnel_report adds up the summary rows whose key passes the deal policy's rule
-- arms, for deals no share of the caller names and with a uniform history, and computes the rest
-- (shared deals, deals with a history row whose id a deal share names, mixed history) from
-- reports.funnel_deals and the history under the caller's rules, as before. Sessions whose
-- TimeZone is not UTC get the sql/301 computation.

create table crm_private.funnel_deal_facts (
  deal_id bigint primary key,
  pipeline_id bigint not null,
  entered_on date not null,
  responsible_id bigint not null,   -- 0 for none
  department_id bigint not null,    -- 0 for none
  currency char(3) not null,
  amount numeric(18,2) not null,
  stage_id bigint not null,
  stage_kind text not null,
  reached_position int not null,
  history_uniform boolean not null,
  d_owner bigint not null,
  d_terr bigint not null
);
create index funnel_deal_facts_mixed_idx on crm_private.funnel_deal_facts (deal_id) where not history_uniform;

create table crm_private.funnel_deal_visits (
  deal_id bigint not null,
  stage_id bigint not null,
  closed_seconds numeric not null,
  open_since timestamptz,
  primary key (deal_id, stage_id)
);

create table crm_private.funnel_cohort_groups (
  pipeline_id bigint not null, entered_on date not null, responsible_id bigint not null, department_id bigint not null,
  currency char(3) not null, stage_id bigint not null, stage_kind text not null, reached_position int not null,
  d_owner bigint not null, d_terr bigint not null,
  deals bigint not null,
  amount numeric(20,2) not null,
  primary key (pipeline_id, entered_on, responsible_id, department_id, currency, stage_id, stage_kind, reached_position,
               d_owner, d_terr)
);

create table crm_private.funnel_cohort_visits (
  pipeline_id bigint not null, entered_on date not null, responsible_id bigint not null, department_id bigint not null,
  currency char(3) not null, d_owner bigint not null, d_terr bigint not null, stage_id bigint not null,
  deals bigint not null,
  closed_seconds numeric not null,
  open_visits bigint not null,
  open_since_epoch numeric not null,
  primary key (pipeline_id, entered_on, responsible_id, department_id, currency, d_owner, d_terr, stage_id)
);

create function crm_private.funnel_deal_compute(p_ids bigint[]) returns setof crm_private.funnel_deal_facts
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select d.id, d.pipeline_id, (d.created_at at time zone 'UTC')::date, coalesce(d.responsible_id, 0),
         coalesce(d.department_id, 0), d.currency, d.amount, d.stage_id, s.kind,
         greatest(coalesce(r.position, s.position), case when s.kind <> 'lost' then s.position end),
         not exists (select 1 from crm.deal_stage_history h
                      where h.deal_id = d.id
                        and (h.owner_id, coalesce(h.responsible_id, 0), coalesce(h.department_id, 0), coalesce(h.territory_id, 0))
                            is distinct from (d.owner_id, coalesce(d.responsible_id, 0), coalesce(d.department_id, 0),
                                              coalesce(d.territory_id, 0))),
         d.owner_id, coalesce(d.territory_id, 0)
    from crm.deals d
    join crm.stages s on s.id = d.stage_id
    left join lateral (select max(hs.position) as position from crm.deal_stage_history h join crm.stages hs on hs.id = h.stage_id
                        where h.deal_id = d.id and hs.kind <> 'lost') r on true
   where d.id = any (p_ids)
$$;

create function crm_private.funnel_visits_compute(p_ids bigint[]) returns setof crm_private.funnel_deal_visits
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select h.deal_id, h.stage_id, coalesce(sum(extract(epoch from h.left_at - h.entered_at)) filter (where h.left_at is not null), 0),
         max(h.entered_at) filter (where h.left_at is null)
    from crm.deal_stage_history h
   where h.deal_id = any (p_ids)
   group by h.deal_id, h.stage_id
$$;

-- Adds (sign 1) or removes (sign -1) the contributions of the per-deal rows of p_ids.
create function crm_private.funnel_cohort_add(p_ids bigint[], sign int) returns void
  language sql volatile security definer set search_path = pg_catalog, pg_temp as $$
  insert into crm_private.funnel_cohort_groups as g
  select f.pipeline_id, f.entered_on, f.responsible_id, f.department_id, f.currency, f.stage_id, f.stage_kind, f.reached_position,
         f.d_owner, f.d_terr, sign * count(*), sign * sum(f.amount)
    from crm_private.funnel_deal_facts f where f.deal_id = any (p_ids)
   group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
  on conflict (pipeline_id, entered_on, responsible_id, department_id, currency, stage_id, stage_kind, reached_position, d_owner, d_terr)
  do update set deals = g.deals + excluded.deals, amount = g.amount + excluded.amount;
  insert into crm_private.funnel_cohort_visits as g
  select f.pipeline_id, f.entered_on, f.responsible_id, f.department_id, f.currency, f.d_owner, f.d_terr, v.stage_id,
         sign * count(*), sign * sum(v.closed_seconds), sign * count(v.open_since),
         sign * coalesce(sum(extract(epoch from v.open_since)), 0)
    from crm_private.funnel_deal_facts f join crm_private.funnel_deal_visits v on v.deal_id = f.deal_id
   where f.deal_id = any (p_ids)
   group by 1, 2, 3, 4, 5, 6, 7, 8
  on conflict (pipeline_id, entered_on, responsible_id, department_id, currency, d_owner, d_terr, stage_id)
  do update set deals = g.deals + excluded.deals, closed_seconds = g.closed_seconds + excluded.closed_seconds,
                open_visits = g.open_visits + excluded.open_visits, open_since_epoch = g.open_since_epoch + excluded.open_since_epoch;
$$;

create function crm_private.funnel_deal_refresh(p_ids bigint[]) returns void
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  if p_ids is null or cardinality(p_ids) = 0 then
    return;
  end if;
  perform 1 from crm.deals where id = any (p_ids) order by id for update;
  perform crm_private.funnel_cohort_add(p_ids, -1);
  delete from crm_private.funnel_deal_facts where deal_id = any (p_ids);
  delete from crm_private.funnel_deal_visits where deal_id = any (p_ids);
  insert into crm_private.funnel_deal_facts select * from crm_private.funnel_deal_compute(p_ids);
  insert into crm_private.funnel_deal_visits select * from crm_private.funnel_visits_compute(p_ids)
   where deal_id in (select f.deal_id from crm_private.funnel_deal_facts f where f.deal_id = any (p_ids));
  perform crm_private.funnel_cohort_add(p_ids, 1);
end
$$;

create function crm_private.funnel_deals_sync() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if tg_op = 'UPDATE' and (old.pipeline_id, old.created_at, old.responsible_id, old.department_id, old.currency, old.amount,
                           old.stage_id, old.owner_id, old.territory_id)
                          is not distinct from (new.pipeline_id, new.created_at, new.responsible_id, new.department_id,
                                                new.currency, new.amount, new.stage_id, new.owner_id, new.territory_id) then
    return null;
  end if;
  perform crm_private.funnel_deal_refresh(array[case when tg_op = 'DELETE' then old.id else new.id end]);
  return null;
end
$$;
create trigger deals_zz_funnel_facts after insert or update or delete on crm.deals
  for each row execute function crm_private.funnel_deals_sync();

create function crm_private.funnel_history_sync() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if tg_op = 'UPDATE' and (old.deal_id, old.stage_id, old.entered_at, old.left_at, old.owner_id, old.responsible_id,
                           old.department_id, old.territory_id)
                          is not distinct from (new.deal_id, new.stage_id, new.entered_at, new.left_at, new.owner_id,
                                                new.responsible_id, new.department_id, new.territory_id) then
    return null;
  end if;
  perform crm_private.funnel_deal_refresh(case tg_op when 'INSERT' then array[new.deal_id]
                                                     when 'DELETE' then array[old.deal_id]
                                                     else array[old.deal_id, new.deal_id] end);
  return null;
end
$$;
create trigger deal_stage_history_funnel_facts after insert or update or delete on crm.deal_stage_history
  for each row execute function crm_private.funnel_history_sync();

create function crm_private.funnel_stages_sync() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if (old.kind, old.position, old.pipeline_id) is distinct from (new.kind, new.position, new.pipeline_id) then
    perform crm_private.funnel_deal_refresh(array(select d.id from crm.deals d where d.stage_id = new.id
                                                  union select h.deal_id from crm.deal_stage_history h where h.stage_id = new.id));
  end if;
  return null;
end
$$;
create trigger stages_funnel_facts after update on crm.stages
  for each row execute function crm_private.funnel_stages_sync();

create function crm_private.funnel_truncated() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if tg_table_name = 'deals' then
    delete from crm_private.funnel_deal_facts;
    delete from crm_private.funnel_deal_visits;
    delete from crm_private.funnel_cohort_groups;
    delete from crm_private.funnel_cohort_visits;
  else
    perform crm_private.funnel_deal_refresh(array(select f.deal_id from crm_private.funnel_deal_facts f));
  end if;
  return null;
end
$$;
create trigger deals_zz_funnel_facts_truncate after truncate on crm.deals
  for each statement execute function crm_private.funnel_truncated();
create trigger deal_stage_history_funnel_facts_truncate after truncate on crm.deal_stage_history
  for each statement execute function crm_private.funnel_truncated();

-- Backfill.
insert into crm_private.funnel_deal_facts select * from crm_private.funnel_deal_compute(array(select id from crm.deals));
insert into crm_private.funnel_deal_visits select * from crm_private.funnel_visits_compute(array(select id from crm.deals));
select crm_private.funnel_cohort_add(array(select id from crm.deals), 1);
analyze crm_private.funnel_deal_facts;
analyze crm_private.funnel_cohort_groups;
analyze crm_private.funnel_cohort_visits;

-- Deals whose funnel rows the caller's shares (or a mixed history) may make differ from the rule
-- columns' verdict.
create function crm_private.funnel_candidates(p_pipeline_id bigint) returns bigint[]
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  with s as (select crm_private.rls_shared('deal', 'read', 'deal') as deal)
  select coalesce(array_agg(distinct x.id), '{}') from (
    select u.id from s, unnest(s.deal) as u(id)
    union all select h.deal_id from crm.deal_stage_history h, s where h.id = any (s.deal)
    union all select f.deal_id from crm_private.funnel_deal_facts f where not f.history_uniform and f.pipeline_id = p_pipeline_id
  ) x
$$;

-- Summary part: per currency, stage, kind and reached position, and the visit totals per stage
-- (days until now), over the cohort's deals the caller sees through the deal rule arms.
create function crm_private.visible_funnel_groups(p_from date, p_to date, p_pipeline_id bigint, p_responsible_id bigint,
                                                  p_departments bigint[])
  returns table (currency text, stage_id bigint, stage_kind text, reached_position int, deals bigint, amount numeric)
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  with v as (
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

create function crm_private.visible_funnel_visits(p_from date, p_to date, p_pipeline_id bigint, p_responsible_id bigint,
                                                  p_departments bigint[])
  returns table (currency text, stage_id bigint, deals bigint, days numeric)
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  with v as (
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

-- The summary holds non-candidate deals only when subtracted: the candidates' own rows are taken
-- out again by crm_private.funnel_candidate_groups (owner-run, same key filter).
create function crm_private.funnel_candidate_groups(p_from date, p_to date, p_pipeline_id bigint, p_responsible_id bigint,
                                                    p_departments bigint[], p_candidates bigint[])
  returns table (currency text, stage_id bigint, stage_kind text, reached_position int, deals bigint, amount numeric,
                 visit_deals bigint, visit_days numeric, visit_stage_id bigint)
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  with v as (
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
    -- the deals computed directly: every deal outside UTC sessions, else the candidates
    select f.* from reports.funnel_deals f, utc
     where f.pipeline_id = p_pipeline_id and f.entered_on between p_from and p_to
       and (p_responsible_id is null or f.responsible_id = p_responsible_id)
       and (p_department_id is null or f.department_id in (select id from dept))
       and (not utc.ok or f.deal_id = any (utc.candidates))
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

revoke all on function crm_private.funnel_deal_compute(bigint[]), crm_private.funnel_visits_compute(bigint[]),
  crm_private.funnel_cohort_add(bigint[], int), crm_private.funnel_deal_refresh(bigint[]) from public;
revoke all on function crm_private.funnel_candidates(bigint),
  crm_private.visible_funnel_groups(date, date, bigint, bigint, bigint[]),
  crm_private.visible_funnel_visits(date, date, bigint, bigint, bigint[]),
  crm_private.funnel_candidate_groups(date, date, bigint, bigint, bigint[], bigint[]) from public;
grant execute on function crm_private.funnel_candidates(bigint),
  crm_private.visible_funnel_groups(date, date, bigint, bigint, bigint[]),
  crm_private.visible_funnel_visits(date, date, bigint, bigint, bigint[]),
  crm_private.funnel_candidate_groups(date, date, bigint, bigint, bigint[], bigint[]) to crm_user, crm_bi;
revoke all on all functions in schema reports from public;
grant execute on all functions in schema reports to crm_user, crm_bi;
-- Trigger and helper functions are not for PUBLIC (the security self-check, sql/085); the grants above stay.
revoke execute on all functions in schema crm_private, crm_api, audit from public;
