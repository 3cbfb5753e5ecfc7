-- reports/abc_xyz_months.sql: reports.abc_xyz_report without the join of every client with every month.
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/345_abc_xyz_months.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

create or replace function reports.abc_xyz_report(p_from date, p_to date)
  returns table (client_id bigint, client text, currency text, revenue numeric, share numeric, cumulative_share numeric,
                 abc text, months int, mean_monthly numeric, cv numeric, xyz text, cell text)
  language sql stable
begin atomic
  with pay as (
    select x.client_id, x.currency, date_trunc('month', x.paid_on)::date as month, sum(x.amount) as amount
      from crm_private.payments_received_days(p_from, p_to) x
     where not x.is_purchase
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
    -- the months with a payment, and a 0 for each month of the period without one (the same
    -- multiset as sql/303's cross join with the months, so avg and stddev_pop are the same numbers)
    select x.client_id, x.currency, avg(x.amount) as mean, stddev_pop(x.amount) as sd, count(*)::int as months
      from (select p.client_id, p.currency, p.amount from pay p join totals t on t.client_id = p.client_id and t.currency = p.currency
            union all
            select t.client_id, t.currency, 0
              from (select t.client_id, t.currency, (select count(*) from months) - count(p.month) as empty
                      from totals t join pay p on p.client_id = t.client_id and p.currency = t.currency
                     group by t.client_id, t.currency) t
             cross join lateral generate_series(1, t.empty::int) g) x
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
   order by k.currency, k.revenue desc, k.client_id;
end;

revoke all on all functions in schema reports from public;

grant execute on all functions in schema reports to crm_user, crm_bi;
