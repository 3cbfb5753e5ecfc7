-- crm/board_speed.sql: the pipeline board's totals and read scope without a scan of the visible deals.
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/360_board_speed.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

create or replace function crm_api.deal_board_totals(p_pipeline_id bigint, p_responsible_id bigint, p_department_id bigint)
  returns table (stage_id bigint, currency text, deals bigint, amount numeric)
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  with v as (
    select crm_private.rls_territories_or_all('deal', 'read') as t, crm_private.rls_departments('deal', 'read') as d,
           crm_private.rls_own('deal', 'read') as o, crm_private.rls_shared('deal', 'read', 'deal') as s
  )
  select x.stage_id, x.currency::text, sum(x.deals)::bigint, sum(x.amount)
    from (
      select s.stage_id, s.currency, s.deals, s.amount
        from crm_private.deal_stage_summary s, v
       where s.pipeline_id = p_pipeline_id and s.deals <> 0
         and (p_responsible_id is null or s.responsible_id = p_responsible_id)
         and (p_department_id is null or s.department_id = p_department_id)
         and (coalesce(s.territory_id = any (v.t), true) or s.department_id = any (v.d)
              or v.o = any (array[s.owner_id, s.responsible_id]))
      union all
      select d.stage_id, d.currency, 1, d.amount
        from crm.deals d, v
       where d.id = any (v.s) and d.pipeline_id = p_pipeline_id
         and (p_responsible_id is null or d.responsible_id = p_responsible_id)
         and (p_department_id is null or d.department_id = p_department_id)
         and not coalesce(coalesce(coalesce(d.territory_id, 0) = any (v.t), true) or d.department_id = any (v.d)
                          or v.o = any (array[d.owner_id, d.responsible_id]), false)
    ) x
   group by x.stage_id, x.currency
   having sum(x.deals) <> 0
$$;

revoke all on function crm_api.deal_board_totals(bigint, bigint, bigint) from public;

grant execute on function crm_api.deal_board_totals(bigint, bigint, bigint) to crm_user;

-- The caller's read scope of deals as the deals' read policy takes it: the territory subtree (null:
-- scope all), the departments, the own user (null: none) and the deals shared with the caller. The
-- board adds these as plain comparisons so that the plan can start from the rule-column indexes;
-- row-level security still applies, so they can only narrow what a statement reads.
create or replace function crm_api.deal_read_scope(out territories bigint[], out departments bigint[], out own bigint, out shared bigint[])
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select crm_private.rls_territories_or_all('deal', 'read'), crm_private.rls_departments('deal', 'read'),
         crm_private.rls_own('deal', 'read'), crm_private.rls_shared('deal', 'read', 'deal')
$$;

revoke all on function crm_api.deal_read_scope() from public;

grant execute on function crm_api.deal_read_scope() to crm_user;
