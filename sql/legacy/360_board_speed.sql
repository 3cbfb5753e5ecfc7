-- 360 The pipeline board without a scan of the pipeline's visible deals (issue 12, speed).
--
-- The board shows per stage the count and the sum of the visible deals and the newest cards.
-- The counts and sums come from the trigger-kept funnel summary of sql/305, for one pipeline and
-- narrowed by the board's filters the summary has as key columns (responsible, department):
-- crm_api.deal_board_totals applies the deals' read policy to the summary's key
-- columns exactly as crm_private.visible_deal_stage_totals() does (same arms, same shares; if
-- secure_table's shape for deals changes, both change). It can only narrow: its parameters are
-- ANDed to the caller's own rules.
--
-- The cards of a stage are read as the user (row-level security as always) in the order of the
-- new index, newest entry into the stage first, with a limit; the page adds the policy's arms in
-- an indexable form so that a user who sees few deals is served from the rule-column indexes.

create index deals_board_idx on crm.deals (stage_id, stage_entered_at desc, id desc);

create function crm_api.deal_board_totals(p_pipeline_id bigint, p_responsible_id bigint, p_department_id bigint)
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
create function crm_api.deal_read_scope(out territories bigint[], out departments bigint[], out own bigint, out shared bigint[])
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select crm_private.rls_territories_or_all('deal', 'read'), crm_private.rls_departments('deal', 'read'),
         crm_private.rls_own('deal', 'read'), crm_private.rls_shared('deal', 'read', 'deal')
$$;
revoke all on function crm_api.deal_read_scope() from public;
grant execute on function crm_api.deal_read_scope() to crm_user;
