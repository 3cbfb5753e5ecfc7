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
-- The cards: per stage a sub-select with a literal limit (50), as the page builds it.
select 'explain (analyze, buffers, costs off) with x as ('
       || string_agg(format($f$(select d.id, d.title, d.stage_id, d.amount, d.currency, d.client_id, d.responsible_id, d.version,
                d.stage_entered_at, %s as position
         from crm.deals d
         where d.stage_id = %s and d.pipeline_id = %s
           and (%L = 'ALL' or d.territory_id = any (nullif(%L, 'ALL')::bigint[]) or d.department_id = any (%L::bigint[])
                or d.owner_id = %s or d.responsible_id = %s or d.id = any (%L::bigint[]))
         order by d.stage_entered_at desc, d.id desc limit 50)$f$,
         s.position, s.id, :pipeline, :'t', :'t', :'d', :o, :o, :'s'), ' union all ' order by s.position)
       || $q$) select x.id, x.title, x.stage_id, x.amount::text, x.currency, x.client_id, c.name, r.name,
       nt.title, to_char(nt.due_at at time zone 'Europe/Moscow', 'YYYY-MM-DD HH24:MI'), nt.due_at < now(), x.version
from x
left join crm.clients c on c.id = x.client_id
left join crm.users r on r.id = x.responsible_id
left join lateral (
  select t.title, t.due_at from crm.tasks t
  where t.deal_id = x.id and t.status = 'open'
  order by t.due_at nulls last, t.id limit 1
) nt on true
order by x.position, x.stage_entered_at desc, x.id desc$q$
  from crm.stages s where s.pipeline_id = :pipeline \gexec
commit;
