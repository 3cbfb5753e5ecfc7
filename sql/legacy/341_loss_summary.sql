-- 341 Loss reasons from a summary kept by triggers (issue 11, speed), in the design of sql/340.
--
-- crm_private.lost_deal_facts: one row per deal now in a lost stage, with what the report groups
-- by — pipeline, the closing day (closed_at in UTC, the time zone of the server's sessions), the
-- loss reason, the stage it was lost at (the last non-lost stage of its history), the responsible,
-- currency, amount — and the deal's rule columns; history_uniform says whether every history row
-- of the deal carries the deal's rule columns (the history has its own read policy).
-- crm_private.lost_deal_refresh(deal ids) locks the deals and recomputes their rows; row triggers
-- on crm.deals, crm.deal_stage_history and crm.stages (kind) call it in the changing transaction.
--
-- reports.loss_reasons_report sums the rows the caller may see through the deal policy's rule arms
-- (deals named by no share of the caller, history uniform), and reads the rest — deals shared with
-- the caller, deals with a history row whose id a deal share names (the history policy compares
-- its own id with the shared deal ids), deals with mixed history — from reports.lost_deals under
-- the caller's rules, as before. A session whose TimeZone is not UTC (a BI login can set one)
-- gets the sql/301 computation unchanged, since its calendar days differ from the summary's.

create table crm_private.lost_deal_facts (
  deal_id bigint primary key,
  pipeline_id bigint not null,
  lost_on date,
  loss_reason_id bigint,
  lost_at_stage_id bigint,
  responsible_id bigint,
  currency char(3) not null,
  amount numeric(18,2) not null,
  history_uniform boolean not null,
  d_owner bigint not null, d_resp bigint not null, d_dept bigint not null, d_terr bigint not null
);
create index lost_deal_facts_lost_on_idx on crm_private.lost_deal_facts (lost_on);
create index lost_deal_facts_mixed_idx on crm_private.lost_deal_facts (deal_id) where not history_uniform;

create function crm_private.lost_deal_compute(p_ids bigint[]) returns setof crm_private.lost_deal_facts
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select d.id, d.pipeline_id, (d.closed_at at time zone 'UTC')::date, d.loss_reason_id, ls.stage_id, d.responsible_id,
         d.currency, d.amount,
         not exists (select 1 from crm.deal_stage_history h
                      where h.deal_id = d.id
                        and (h.owner_id, coalesce(h.responsible_id, 0), coalesce(h.department_id, 0), coalesce(h.territory_id, 0))
                            is distinct from (d.owner_id, coalesce(d.responsible_id, 0), coalesce(d.department_id, 0),
                                              coalesce(d.territory_id, 0))),
         d.owner_id, coalesce(d.responsible_id, 0), coalesce(d.department_id, 0), coalesce(d.territory_id, 0)
    from crm.deals d
    join crm.stages k on k.id = d.stage_id and k.kind = 'lost'
    left join lateral (select h.stage_id from crm.deal_stage_history h join crm.stages hs on hs.id = h.stage_id
                        where h.deal_id = d.id and hs.kind <> 'lost' order by h.entered_at desc, h.id desc limit 1) ls on true
   where d.id = any (p_ids)
$$;

create function crm_private.lost_deal_refresh(p_ids bigint[]) returns void
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  if p_ids is null or cardinality(p_ids) = 0 then
    return;
  end if;
  perform 1 from crm.deals where id = any (p_ids) order by id for update;
  delete from crm_private.lost_deal_facts where deal_id = any (p_ids);
  insert into crm_private.lost_deal_facts select * from crm_private.lost_deal_compute(p_ids);
end
$$;

create function crm_private.lost_deal_deals_sync() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if tg_op = 'UPDATE' and (old.pipeline_id, old.stage_id, old.closed_at, old.loss_reason_id, old.responsible_id, old.currency,
                           old.amount, old.owner_id, old.department_id, old.territory_id)
                          is not distinct from (new.pipeline_id, new.stage_id, new.closed_at, new.loss_reason_id,
                                                new.responsible_id, new.currency, new.amount, new.owner_id,
                                                new.department_id, new.territory_id) then
    return null;
  end if;
  if tg_op = 'DELETE' then
    delete from crm_private.lost_deal_facts where deal_id = old.id;
  else
    perform crm_private.lost_deal_refresh(array[new.id]);
  end if;
  return null;
end
$$;
create trigger deals_zz_lost_facts after insert or update or delete on crm.deals
  for each row execute function crm_private.lost_deal_deals_sync();

create function crm_private.lost_deal_history_sync() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if tg_op = 'UPDATE' and (old.deal_id, old.stage_id, old.entered_at, old.owner_id, old.responsible_id, old.department_id,
                           old.territory_id)
                          is not distinct from (new.deal_id, new.stage_id, new.entered_at, new.owner_id, new.responsible_id,
                                                new.department_id, new.territory_id) then
    return null;
  end if;
  perform crm_private.lost_deal_refresh(case tg_op when 'INSERT' then array[new.deal_id]
                                                   when 'DELETE' then array[old.deal_id]
                                                   else array[old.deal_id, new.deal_id] end);
  return null;
end
$$;
create trigger deal_stage_history_lost_facts after insert or update or delete on crm.deal_stage_history
  for each row execute function crm_private.lost_deal_history_sync();

create function crm_private.lost_deal_stages_sync() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if old.kind is distinct from new.kind then
    perform crm_private.lost_deal_refresh(array(select d.id from crm.deals d where d.stage_id = new.id
                                                union select h.deal_id from crm.deal_stage_history h where h.stage_id = new.id));
  end if;
  return null;
end
$$;
create trigger stages_lost_facts after update on crm.stages
  for each row execute function crm_private.lost_deal_stages_sync();

create function crm_private.lost_deal_truncated() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if tg_table_name = 'deals' then
    delete from crm_private.lost_deal_facts;
  else
    perform crm_private.lost_deal_refresh(array(select f.deal_id from crm_private.lost_deal_facts f));
  end if;
  return null;
end
$$;
create trigger deals_zz_lost_facts_truncate after truncate on crm.deals
  for each statement execute function crm_private.lost_deal_truncated();
create trigger deal_stage_history_lost_facts_truncate after truncate on crm.deal_stage_history
  for each statement execute function crm_private.lost_deal_truncated();

insert into crm_private.lost_deal_facts
select * from crm_private.lost_deal_compute(array(select d.id from crm.deals d join crm.stages k on k.id = d.stage_id
                                                  where k.kind = 'lost'));
analyze crm_private.lost_deal_facts;

-- Deals whose loss row the caller's shares (or a mixed history) may make differ from the rule
-- columns' verdict.
create function crm_private.lost_deal_candidates() returns bigint[]
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  with s as (select crm_private.rls_shared('deal', 'read', 'deal') as deal)
  select coalesce(array_agg(distinct x.id), '{}') from (
    select f.deal_id as id from crm_private.lost_deal_facts f, s where f.deal_id = any (s.deal)
    union all select h.deal_id from crm.deal_stage_history h, s where h.id = any (s.deal)
    union all select f.deal_id from crm_private.lost_deal_facts f where not f.history_uniform
  ) x
$$;

-- Summary part: lost deals closed in [p_from, p_to] the caller sees through the deal rule arms,
-- grouped as the report groups them.
create function crm_private.visible_lost_deals(p_from date, p_to date, p_pipeline_id bigint)
  returns table (loss_reason_id bigint, lost_at_stage_id bigint, responsible_id bigint, currency text, deals bigint,
                 amount numeric)
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  with v as (
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
    select l.loss_reason_id, l.lost_at_stage_id, l.responsible_id, l.currency::text, count(*), sum(l.amount)
      from reports.lost_deals l, utc
     where l.lost_on between p_from and p_to and (p_pipeline_id is null or l.pipeline_id = p_pipeline_id)
       and (not utc.ok or l.deal_id = any ((select crm_private.lost_deal_candidates())::bigint[]))
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

revoke all on function crm_private.lost_deal_compute(bigint[]), crm_private.lost_deal_refresh(bigint[]) from public;
revoke all on function crm_private.lost_deal_candidates(), crm_private.visible_lost_deals(date, date, bigint) from public;
grant execute on function crm_private.lost_deal_candidates(), crm_private.visible_lost_deals(date, date, bigint)
  to crm_user, crm_bi;
revoke all on all functions in schema reports from public;
grant execute on all functions in schema reports to crm_user, crm_bi;
-- Trigger and helper functions are not for PUBLIC (the security self-check, sql/085); the grants above stay.
revoke execute on all functions in schema crm_private, crm_api, audit from public;
