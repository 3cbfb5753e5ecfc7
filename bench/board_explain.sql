-- bench/board_explain.sql: EXPLAIN ANALYZE of the web board's statements (Sources/WebUI/Pages/BoardPage.swift)
-- as user :uid under row-level security, for pipeline :pipeline, no filter. Run as crm_authenticator:
--   psql -U crm_authenticator -d crm -v uid=7 -v pipeline=1 -f bench/board_explain.sql
-- The page binds the scope arrays as parameters; here they are psql variables (the text is the same
-- except that scope "all" — no territory array — drops the arms, as the page does, by a constant).
begin;
select 1 from crm_api.begin_request_as(:uid, '127.0.0.1'::inet);
select coalesce(territories::text, 'ALL') as t, departments::text as d, coalesce(own, 0) as o, shared::text as s
  from crm_api.deal_read_scope() \gset
\echo scope: territories :t departments :d own :o shared :s
explain (analyze, buffers, costs off)
select stage_id, currency, deals, amount::text from crm_api.deal_board_totals(:pipeline, null, null);
select '{' || string_agg(s.id::text, ',' order by s.position) || '}' as stages,
       '{' || string_agg('50', ',') || '}' as limits
  from crm.stages s where s.pipeline_id = :pipeline \gset
explain (analyze, buffers, costs off)
select x.id, x.title, x.stage_id, x.amount::text, x.currency, x.client_id, c.name, r.name,
       nt.title, to_char(nt.due_at at time zone 'Europe/Moscow', 'YYYY-MM-DD HH24:MI'), nt.due_at < now(), x.version
from unnest(:'stages'::bigint[], :'limits'::int[]) with ordinality as st(id, cards, position)
cross join lateral (
  select d.id, d.title, d.stage_id, d.amount, d.currency, d.client_id, d.responsible_id, d.version, d.stage_entered_at
  from crm.deals d
  where d.stage_id = st.id and d.pipeline_id = :pipeline
    and ('ALL' = :'t' or d.territory_id = any (nullif(:'t', 'ALL')::bigint[]) or d.department_id = any (:'d'::bigint[])
         or d.owner_id = :o or d.responsible_id = :o or d.id = any (:'s'::bigint[]))
  order by d.stage_entered_at desc, d.id desc
  limit st.cards
) x
left join crm.clients c on c.id = x.client_id
left join crm.users r on r.id = x.responsible_id
left join lateral (
  select t.title, t.due_at from crm.tasks t
  where t.deal_id = x.id and t.status = 'open'
  order by t.due_at nulls last, t.id limit 1
) nt on true
order by st.position, x.stage_entered_at desc, x.id desc;
commit;
