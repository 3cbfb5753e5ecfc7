-- 303 Classifications and ratings: ABC/XYZ of clients, the BCG matrix of clients, the manager
-- rating (KPI) with the weights of crm.kpi_weights. Column by column in sql/REPORTS.md.

-- ---------------------------------------------------------------------------------------
-- ABC/XYZ of clients over [p_from, p_to], per currency, on the money received from them
-- (sales payments, rolled up to the client of the counterparty that paid).
--   ABC: clients sorted by revenue (largest first, ties by id); a client is A when the clients
--        before it make less than 80% of the revenue, B when less than 95%, else C — so the
--        client that crosses 80% is still A ("the clients making the first 80%").
--   XYZ: coefficient of variation of the monthly revenue over every calendar month the period
--        touches (months without a payment count as 0): cv = stddev_pop / mean;
--        X when cv ≤ 0.10, Y when cv ≤ 0.25, Z above.
-- Only clients with revenue in the period are classified.
create function reports.abc_xyz_report(p_from date, p_to date)
  returns table (client_id bigint, client text, currency text, revenue numeric, share numeric, cumulative_share numeric,
                 abc text, months int, mean_monthly numeric, cv numeric, xyz text, cell text)
  language sql stable as $$
  with pay as (
    select x.client_id, x.currency::text as currency, date_trunc('month', x.paid_on)::date as month, sum(x.amount) as amount
      from reports.payments_received x
     where not x.is_purchase and x.paid_on between p_from and p_to
     group by 1, 2, 3
  ), months as (
    select generate_series(date_trunc('month', p_from), date_trunc('month', p_to), interval '1 month')::date as month
  ), totals as (
    select p.client_id, p.currency, sum(p.amount) as revenue from pay p group by 1, 2 having sum(p.amount) > 0
  ), ranked as (
    select t.*, sum(t.revenue) over (partition by t.currency) as total,
           sum(t.revenue) over (partition by t.currency order by t.revenue desc, t.client_id
                                rows between unbounded preceding and current row) as running
      from totals t
  ), monthly as (
    select t.client_id, t.currency, avg(coalesce(p.amount, 0)) as mean, stddev_pop(coalesce(p.amount, 0)) as sd,
           count(*)::int as months
      from totals t cross join months m
      left join pay p on p.client_id = t.client_id and p.currency = t.currency and p.month = m.month
     group by 1, 2
  ), classed as (
    select r.*, m.mean, m.sd, m.months, m.sd / m.mean as cv,
           case when r.running - r.revenue < 0.80 * r.total then 'A'
                when r.running - r.revenue < 0.95 * r.total then 'B' else 'C' end as abc,
           case when m.sd / m.mean <= 0.10 then 'X' when m.sd / m.mean <= 0.25 then 'Y' else 'Z' end as xyz
      from ranked r join monthly m on m.client_id = r.client_id and m.currency = r.currency
  )
  select k.client_id, c.name, k.currency, round(k.revenue, 2), round(k.revenue / k.total, 4), round(k.running / k.total, 4),
         k.abc, k.months, round(k.mean, 2), round(k.cv, 4), k.xyz, k.abc || k.xyz
    from classed k left join crm.clients c on c.id = k.client_id
   order by k.currency, k.revenue desc, k.client_id
$$;

-- The nine cells AX … CZ per currency, with the number of clients and their revenue (empty
-- cells as 0).
create function reports.abc_xyz_matrix_report(p_from date, p_to date)
  returns table (currency text, abc text, xyz text, cell text, clients bigint, revenue numeric)
  language sql stable as $$
  with r as (select * from reports.abc_xyz_report(p_from, p_to))
  select cu.currency, a.abc, x.xyz, a.abc || x.xyz,
         (select count(*) from r where r.currency = cu.currency and r.abc = a.abc and r.xyz = x.xyz),
         round(coalesce((select sum(r.revenue) from r where r.currency = cu.currency and r.abc = a.abc and r.xyz = x.xyz), 0), 2)
    from (select distinct r.currency from r) cu
   cross join (values ('A'), ('B'), ('C')) a(abc)
   cross join (values ('X'), ('Y'), ('Z')) x(xyz)
   order by 1, 2, 3
$$;

-- ---------------------------------------------------------------------------------------
-- BCG matrix of clients, per currency: revenue in [p_from, p_to] against the previous period of
-- the same length (the days just before p_from).
--   relative_share = revenue / the mean revenue of the classified clients (in that currency);
--                    high when ≥ 1.
--   growth         = (revenue − previous) / previous; high when ≥ 0.10; a client without
--                    previous revenue is new: growth null, counted as high.
--   star: high share, high growth; cash_cow: high share, low growth;
--   question_mark: low share, high growth; dog: low share, low growth.
-- Only clients with revenue in the period are classified.
create function reports.bcg_report(p_from date, p_to date)
  returns table (client_id bigint, client text, currency text, revenue numeric, previous_revenue numeric,
                 growth numeric, relative_share numeric, quadrant text)
  language sql stable as $$
  with cur as (
    select x.client_id, x.currency::text as currency, sum(x.amount) as revenue
      from reports.payments_received x
     where not x.is_purchase and x.paid_on between p_from and p_to
     group by 1, 2 having sum(x.amount) > 0
  ), prev as (
    select x.client_id, x.currency::text as currency, sum(x.amount) as revenue
      from reports.payments_received x
     where not x.is_purchase and x.paid_on between p_from - (p_to - p_from + 1) and p_from - 1
     group by 1, 2
  ), k as (
    select cur.*, coalesce(prev.revenue, 0) as previous, avg(cur.revenue) over (partition by cur.currency) as mean,
           case when coalesce(prev.revenue, 0) > 0 then (cur.revenue - prev.revenue) / prev.revenue end as growth
      from cur left join prev on prev.client_id = cur.client_id and prev.currency = cur.currency
  )
  select k.client_id, c.name, k.currency, round(k.revenue, 2), round(k.previous, 2), round(k.growth, 4),
         round(k.revenue / k.mean, 4),
         case when k.revenue >= k.mean then case when k.growth is null or k.growth >= 0.10 then 'star' else 'cash_cow' end
              else case when k.growth is null or k.growth >= 0.10 then 'question_mark' else 'dog' end end
    from k left join crm.clients c on c.id = k.client_id
   order by k.currency, k.revenue desc, k.client_id
$$;

-- ---------------------------------------------------------------------------------------
-- Manager rating over [p_from, p_to], money in p_currency. Managers: the responsible users of
-- the sales deals the caller may see. Metrics:
--   won_deals             sales deals won in the period (closed_at)
--   revenue               sales payments received in the period (p_currency)
--   conversion            won / (won + lost) of the deals closed in the period
--   average_deal          mean amount of the won deals in p_currency
--   overdue_tasks         tasks assigned to the manager, due in the period, done after the due
--                         time or still open past it
--   interactions_per_week interactions the manager registered in the period / (days / 7)
-- Each metric is normalised to 0..1 against the best manager (value / max; overdue tasks:
-- 1 − value / max), and score = 100 × Σ weight × normalised / Σ weight (crm.kpi_weights).
create function reports.manager_kpi_report(p_from date, p_to date, p_currency text default 'RUB')
  returns table (responsible_id bigint, responsible text, currency text, won_deals bigint, lost_deals bigint,
                 revenue numeric, conversion numeric, average_deal numeric, overdue_tasks bigint,
                 interactions_per_week numeric, score numeric, "rank" bigint)
  language sql stable as $$
  with managers as (
    select distinct d.responsible_id as id
      from crm.deals d join crm.pipelines pl on pl.id = d.pipeline_id and pl.kind <> 'purchase'
     where d.responsible_id is not null
  ), closed as (
    select d.responsible_id, count(*) filter (where s.kind = 'won') as won, count(*) filter (where s.kind = 'lost') as lost,
           avg(d.amount) filter (where s.kind = 'won' and d.currency = p_currency) as average_deal
      from crm.deals d
      join crm.pipelines pl on pl.id = d.pipeline_id and pl.kind <> 'purchase'
      join crm.stages s on s.id = d.stage_id and s.kind in ('won', 'lost')
     where d.closed_at::date between p_from and p_to
     group by 1
  ), paid as (
    select x.responsible_id, sum(x.amount) as revenue from reports.payments_received x
     where not x.is_purchase and x.currency = p_currency and x.paid_on between p_from and p_to group by 1
  ), overdue as (
    select t.assignee_id, count(*) as n from crm.tasks t
     where t.due_at::date between p_from and p_to and t.status <> 'cancelled'
       and (case when t.status = 'done' then t.completed_at > t.due_at else t.due_at < now() end)
     group by 1
  ), touches as (
    select i.owner_id, count(*) as n from crm.interactions i where i.occurred_at::date between p_from and p_to group by 1
  ), m as (
    select g.id, coalesce(c.won, 0) as won, coalesce(c.lost, 0) as lost, coalesce(p.revenue, 0) as revenue,
           case when coalesce(c.won, 0) + coalesce(c.lost, 0) > 0 then c.won::numeric / (c.won + c.lost) else 0 end as conversion,
           coalesce(c.average_deal, 0) as average_deal, coalesce(o.n, 0) as overdue,
           coalesce(t.n, 0) * 7.0 / (p_to - p_from + 1) as per_week
      from managers g
      left join closed c on c.responsible_id = g.id
      left join paid p on p.responsible_id = g.id
      left join overdue o on o.assignee_id = g.id
      left join touches t on t.owner_id = g.id
  ), mx as (
    select max(won) as won, max(revenue) as revenue, max(conversion) as conversion, max(average_deal) as average_deal,
           max(overdue) as overdue, max(per_week) as per_week from m
  ), w as (
    select coalesce(max(weight) filter (where metric = 'won_deals'), 0) as won,
           coalesce(max(weight) filter (where metric = 'revenue'), 0) as revenue,
           coalesce(max(weight) filter (where metric = 'conversion'), 0) as conversion,
           coalesce(max(weight) filter (where metric = 'average_deal'), 0) as average_deal,
           coalesce(max(weight) filter (where metric = 'overdue_tasks'), 0) as overdue,
           coalesce(max(weight) filter (where metric = 'interactions_per_week'), 0) as per_week
      from crm.kpi_weights
  ), s as (
    select m.*,
           case when w.won + w.revenue + w.conversion + w.average_deal + w.overdue + w.per_week = 0 then 0 else
             100 * (w.won * coalesce(m.won::numeric / nullif(mx.won, 0), 0)
                  + w.revenue * coalesce(m.revenue / nullif(mx.revenue, 0), 0)
                  + w.conversion * coalesce(m.conversion / nullif(mx.conversion, 0), 0)
                  + w.average_deal * coalesce(m.average_deal / nullif(mx.average_deal, 0), 0)
                  + w.overdue * (1 - coalesce(m.overdue::numeric / nullif(mx.overdue, 0), 0))
                  + w.per_week * coalesce(m.per_week / nullif(mx.per_week, 0), 0))
             / (w.won + w.revenue + w.conversion + w.average_deal + w.overdue + w.per_week) end as score
      from m, mx, w
  )
  select s.id, u.name, p_currency, s.won, s.lost, round(s.revenue, 2), round(s.conversion, 4), round(s.average_deal, 2),
         s.overdue, round(s.per_week, 2), round(s.score, 2), rank() over (order by round(s.score, 2) desc)
    from s left join crm.users u on u.id = s.id
   order by round(s.score, 2) desc, s.id
$$;

-- Views over the usual periods, for BI tools that read views only: ABC/XYZ and the manager
-- rating over the last twelve whole months, the BCG matrix over the last whole quarter.
create view reports.abc_xyz as
  select * from reports.abc_xyz_report((date_trunc('month', current_date) - interval '12 months')::date,
                                       (date_trunc('month', current_date) - interval '1 day')::date);
select crm_private.secure_view('reports.abc_xyz');
create view reports.bcg_matrix as
  select * from reports.bcg_report((date_trunc('quarter', current_date) - interval '3 months')::date,
                                   (date_trunc('quarter', current_date) - interval '1 day')::date);
select crm_private.secure_view('reports.bcg_matrix');
create view reports.manager_kpi as
  select * from reports.manager_kpi_report((date_trunc('month', current_date) - interval '12 months')::date,
                                           (date_trunc('month', current_date) - interval '1 day')::date, 'RUB');
select crm_private.secure_view('reports.manager_kpi');

revoke all on all functions in schema reports from public;
grant execute on all functions in schema reports to crm_user, crm_bi;
