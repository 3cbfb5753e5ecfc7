-- reports/cohort_funnel_summary.sql: the cohort funnel from summaries kept by triggers.
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/342_cohort_funnel_summary.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

create or replace function crm_private.funnel_deal_compute(p_ids bigint[]) returns setof crm_private.funnel_deal_facts
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

create or replace function crm_private.funnel_visits_compute(p_ids bigint[]) returns setof crm_private.funnel_deal_visits
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select h.deal_id, h.stage_id, coalesce(sum(extract(epoch from h.left_at - h.entered_at)) filter (where h.left_at is not null), 0),
         max(h.entered_at) filter (where h.left_at is null)
    from crm.deal_stage_history h
   where h.deal_id = any (p_ids)
   group by h.deal_id, h.stage_id
$$;

-- Adds (sign 1) or removes (sign -1) the contributions of the per-deal rows of p_ids.
create or replace function crm_private.funnel_cohort_add(p_ids bigint[], sign int) returns void
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

create or replace function crm_private.funnel_deal_refresh(p_ids bigint[]) returns void
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

create or replace function crm_private.funnel_deals_sync() returns trigger
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

drop trigger if exists deals_zz_funnel_facts on crm.deals;
create trigger deals_zz_funnel_facts after insert or update or delete on crm.deals
  for each row execute function crm_private.funnel_deals_sync();

create or replace function crm_private.funnel_history_sync() returns trigger
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

drop trigger if exists deal_stage_history_funnel_facts on crm.deal_stage_history;
create trigger deal_stage_history_funnel_facts after insert or update or delete on crm.deal_stage_history
  for each row execute function crm_private.funnel_history_sync();

create or replace function crm_private.funnel_stages_sync() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if (old.kind, old.position, old.pipeline_id) is distinct from (new.kind, new.position, new.pipeline_id) then
    perform crm_private.funnel_deal_refresh(array(select d.id from crm.deals d where d.stage_id = new.id
                                                  union select h.deal_id from crm.deal_stage_history h where h.stage_id = new.id));
  end if;
  return null;
end
$$;

drop trigger if exists stages_funnel_facts on crm.stages;
create trigger stages_funnel_facts after update on crm.stages
  for each row execute function crm_private.funnel_stages_sync();

create or replace function crm_private.funnel_truncated() returns trigger
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

drop trigger if exists deals_zz_funnel_facts_truncate on crm.deals;
create trigger deals_zz_funnel_facts_truncate after truncate on crm.deals
  for each statement execute function crm_private.funnel_truncated();

drop trigger if exists deal_stage_history_funnel_facts_truncate on crm.deal_stage_history;
create trigger deal_stage_history_funnel_facts_truncate after truncate on crm.deal_stage_history
  for each statement execute function crm_private.funnel_truncated();

-- Deals whose funnel rows the caller's shares (or a mixed history) may make differ from the rule
-- columns' verdict.
create or replace function crm_private.funnel_candidates(p_pipeline_id bigint) returns bigint[]
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  with s as (select crm_private.rls_shared('deal', 'read', 'deal') as deal)
  select coalesce(array_agg(distinct x.id), '{}') from (
    select u.id from s, unnest(s.deal) as u(id)
    union all select h.deal_id from crm.deal_stage_history h, s where h.id = any (s.deal)
    union all select f.deal_id from crm_private.funnel_deal_facts f where not f.history_uniform and f.pipeline_id = p_pipeline_id
  ) x
$$;

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
