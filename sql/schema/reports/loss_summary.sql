-- reports/loss_summary.sql: loss reasons from a summary kept by triggers.
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/341_loss_summary.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

create or replace function crm_private.lost_deal_compute(p_ids bigint[]) returns setof crm_private.lost_deal_facts
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

create or replace function crm_private.lost_deal_refresh(p_ids bigint[]) returns void
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

create or replace function crm_private.lost_deal_deals_sync() returns trigger
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

drop trigger if exists deals_zz_lost_facts on crm.deals;
create trigger deals_zz_lost_facts after insert or update or delete on crm.deals
  for each row execute function crm_private.lost_deal_deals_sync();

create or replace function crm_private.lost_deal_history_sync() returns trigger
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

drop trigger if exists deal_stage_history_lost_facts on crm.deal_stage_history;
create trigger deal_stage_history_lost_facts after insert or update or delete on crm.deal_stage_history
  for each row execute function crm_private.lost_deal_history_sync();

create or replace function crm_private.lost_deal_stages_sync() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if old.kind is distinct from new.kind then
    perform crm_private.lost_deal_refresh(array(select d.id from crm.deals d where d.stage_id = new.id
                                                union select h.deal_id from crm.deal_stage_history h where h.stage_id = new.id));
  end if;
  return null;
end
$$;

drop trigger if exists stages_lost_facts on crm.stages;
create trigger stages_lost_facts after update on crm.stages
  for each row execute function crm_private.lost_deal_stages_sync();

create or replace function crm_private.lost_deal_truncated() returns trigger
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

drop trigger if exists deals_zz_lost_facts_truncate on crm.deals;
create trigger deals_zz_lost_facts_truncate after truncate on crm.deals
  for each statement execute function crm_private.lost_deal_truncated();

drop trigger if exists deal_stage_history_lost_facts_truncate on crm.deal_stage_history;
create trigger deal_stage_history_lost_facts_truncate after truncate on crm.deal_stage_history
  for each statement execute function crm_private.lost_deal_truncated();

-- Deals whose loss row the caller's shares (or a mixed history) may make differ from the rule
-- columns' verdict.
create or replace function crm_private.lost_deal_candidates() returns bigint[]
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  with s as (select crm_private.rls_shared('deal', 'read', 'deal') as deal)
  select coalesce(array_agg(distinct x.id), '{}') from (
    select f.deal_id as id from crm_private.lost_deal_facts f, s where f.deal_id = any (s.deal)
    union all select h.deal_id from crm.deal_stage_history h, s where h.id = any (s.deal)
    union all select f.deal_id from crm_private.lost_deal_facts f where not f.history_uniform
  ) x
$$;

revoke all on function crm_private.lost_deal_compute(bigint[]), crm_private.lost_deal_refresh(bigint[]) from public;

revoke all on function crm_private.lost_deal_candidates(), crm_private.visible_lost_deals(date, date, bigint) from public;

grant execute on function crm_private.lost_deal_candidates(), crm_private.visible_lost_deals(date, date, bigint)
  to crm_user, crm_bi;

revoke all on all functions in schema reports from public;

grant execute on all functions in schema reports to crm_user, crm_bi;

-- Trigger and helper functions are not for PUBLIC (the security self-check, sql/085); the grants above stay.
revoke execute on all functions in schema crm_private, crm_api, audit from public;
