-- 302 Money reports: gross profit per deal and per client, purchases, receivables and payables
-- with ageing, top managers by money received. Column by column in sql/REPORTS.md.

-- ---------------------------------------------------------------------------------------
-- Gross profit per sales deal and currency: revenue = what was paid on the deal's invoices
-- (not cancelled) in that currency; cost = Σ deal_lines.cost_amount (the lines are in the
-- deal's currency, so the cost appears on the deal-currency row only); gross profit = revenue −
-- cost; margin = gross profit / revenue. Deals without lines or invoices are left out.
create view reports.gross_profit_deals as
with inv as (
  select i.deal_id, i.currency, sum(i.amount) as invoiced, sum(least(i.paid_amount, i.amount)) as paid
    from crm.invoices i where not i.cancelled group by i.deal_id, i.currency
), lines as (
  select l.deal_id, d.currency, sum(l.amount) as lines_amount, sum(l.cost_amount) as cost
    from crm.deal_lines l join crm.deals d on d.id = l.deal_id group by l.deal_id, d.currency
), x as (
  select coalesce(lines.deal_id, inv.deal_id) as deal_id, coalesce(lines.currency, inv.currency) as currency,
         coalesce(lines.lines_amount, 0) as lines_amount, coalesce(inv.invoiced, 0) as invoiced,
         coalesce(inv.paid, 0) as revenue, coalesce(lines.cost, 0) as cost
    from lines full join inv on inv.deal_id = lines.deal_id and inv.currency = lines.currency
)
select d.id as deal_id, d.title, d.pipeline_id, d.client_id, c.name as client, d.responsible_id, u.name as responsible,
       d.department_id, k.kind as stage_kind, d.created_at::date as created_on, d.closed_at::date as closed_on,
       x.currency::text as currency, x.lines_amount, x.invoiced, x.revenue, x.cost, x.revenue - x.cost as gross_profit
  from x
  join crm.deals d on d.id = x.deal_id
  join crm.pipelines pl on pl.id = d.pipeline_id and pl.kind <> 'purchase'
  join crm.stages k on k.id = d.stage_id
  left join crm.clients c on c.id = d.client_id
  left join crm.users u on u.id = d.responsible_id;
select crm_private.secure_view('reports.gross_profit_deals');

-- Deals won in [p_from, p_to] (closed_on), with their margin.
create function reports.gross_profit_deals_report(p_from date, p_to date, p_responsible_id bigint default null)
  returns table (deal_id bigint, title text, client_id bigint, client text, responsible_id bigint, responsible text,
                 closed_on date, currency text, invoiced numeric, revenue numeric, cost numeric, gross_profit numeric,
                 margin numeric)
  language sql stable as $$
  select g.deal_id, g.title, g.client_id, g.client, g.responsible_id, g.responsible, g.closed_on, g.currency,
         round(g.invoiced, 2), round(g.revenue, 2), round(g.cost, 2), round(g.gross_profit, 2),
         case when g.revenue > 0 then round(g.gross_profit / g.revenue, 4) end
    from reports.gross_profit_deals g
   where g.stage_kind = 'won' and g.closed_on between p_from and p_to
     and (p_responsible_id is null or g.responsible_id = p_responsible_id)
   order by g.currency, g.gross_profit desc, g.deal_id
$$;

-- The same per client (every legal entity of the client together).
create function reports.gross_profit_clients_report(p_from date, p_to date)
  returns table (client_id bigint, client text, currency text, deals bigint, invoiced numeric, revenue numeric,
                 cost numeric, gross_profit numeric, margin numeric)
  language sql stable as $$
  select g.client_id, min(g.client), g.currency, count(distinct g.deal_id),
         round(sum(g.invoiced), 2), round(sum(g.revenue), 2), round(sum(g.cost), 2), round(sum(g.gross_profit), 2),
         case when sum(g.revenue) > 0 then round(sum(g.gross_profit) / sum(g.revenue), 4) end
    from reports.gross_profit_deals g
   where g.stage_kind = 'won' and g.closed_on between p_from and p_to
   group by g.client_id, g.currency
   order by g.currency, sum(g.gross_profit) desc, g.client_id
$$;

-- ---------------------------------------------------------------------------------------
-- Purchases: one row per invoice of a purchase-pipeline deal, with the supplier (the deal's
-- client), the purchasing manager (the deal's responsible), the product category of the deal
-- (the category of its lines when they all share one; null when mixed or none) and the amounts
-- paid and outstanding.
create view reports.purchase_invoices as
with deal_category as (
  select l.deal_id, case when count(distinct p.category_id) = 1 and count(*) = count(p.category_id)
                         then min(p.category_id) end as category_id
    from crm.deal_lines l join crm.products p on p.id = l.product_id group by l.deal_id
)
select i.id as invoice_id, i.number, i.issued_on, i.due_on, d.id as deal_id, d.pipeline_id,
       dc.category_id, pc.name as category, d.client_id as supplier_id, c.name as supplier, i.counterparty_id,
       d.responsible_id as purchaser_id, u.name as purchaser, d.department_id, i.currency::text as currency,
       i.amount, least(i.paid_amount, i.amount) as paid, i.amount - least(i.paid_amount, i.amount) as outstanding
  from crm.invoices i
  join crm.deals d on d.id = i.deal_id
  join crm.pipelines pl on pl.id = d.pipeline_id and pl.kind = 'purchase'
  left join deal_category dc on dc.deal_id = d.id
  left join crm.product_categories pc on pc.id = dc.category_id
  left join crm.clients c on c.id = d.client_id
  left join crm.users u on u.id = d.responsible_id
 where not i.cancelled;
select crm_private.secure_view('reports.purchase_invoices');

-- Per month of issue × category × supplier × purchasing manager × currency, invoices issued
-- in [p_from, p_to].
create function reports.purchases_report(p_from date, p_to date)
  returns table (month date, category_id bigint, category text, supplier_id bigint, supplier text,
                 purchaser_id bigint, purchaser text, currency text, deals bigint, invoices bigint,
                 invoiced numeric, paid numeric, outstanding numeric)
  language sql stable as $$
  select date_trunc('month', x.issued_on)::date, x.category_id, x.category, x.supplier_id, x.supplier,
         x.purchaser_id, x.purchaser, x.currency, count(distinct x.deal_id), count(*),
         round(sum(x.amount), 2), round(sum(x.paid), 2), round(sum(x.outstanding), 2)
    from reports.purchase_invoices x
   where x.issued_on between p_from and p_to
   group by 1, 2, 3, 4, 5, 6, 7, 8
   order by 1, x.currency, sum(x.amount) desc, 2, 4, 6
$$;

-- ---------------------------------------------------------------------------------------
-- Debts as of a date: invoices issued by then, minus the payments made by then; days overdue =
-- p_as_of − due date (the issue date when no due date). Buckets: not_due (≤ 0 days: not yet
-- due or due that day), overdue 1–30, 31–60, 61–90, over 90 days.
create function reports.debts_at(p_as_of date, p_purchase boolean)
  returns table (client_id bigint, client text, counterparty_id bigint, counterparty text, inn text, currency text,
                 invoices bigint, outstanding numeric, not_due numeric, overdue_1_30 numeric, overdue_31_60 numeric,
                 overdue_61_90 numeric, overdue_over_90 numeric, max_days_overdue int)
  language sql stable as $$
  with open_invoices as (
    select cp.client_id, i.counterparty_id, cp.legal_name, cp.inn, i.currency::text as currency,
           i.amount - coalesce(p.paid, 0) as outstanding,
           p_as_of - coalesce(i.due_on, i.issued_on) as days_overdue
      from crm.invoices i
      left join (select x.invoice_id, sum(x.amount) as paid from crm.payments x where x.paid_on <= p_as_of
                  group by x.invoice_id) p on p.invoice_id = i.id
      join crm.deals d on d.id = i.deal_id
      join crm.pipelines pl on pl.id = d.pipeline_id and (pl.kind = 'purchase') = p_purchase
      join crm.counterparties cp on cp.id = i.counterparty_id
     where not i.cancelled and i.issued_on <= p_as_of
  )
  select o.client_id, c.name, o.counterparty_id, o.legal_name, o.inn, o.currency, count(*),
         round(sum(o.outstanding), 2),
         round(coalesce(sum(o.outstanding) filter (where o.days_overdue <= 0), 0), 2),
         round(coalesce(sum(o.outstanding) filter (where o.days_overdue between 1 and 30), 0), 2),
         round(coalesce(sum(o.outstanding) filter (where o.days_overdue between 31 and 60), 0), 2),
         round(coalesce(sum(o.outstanding) filter (where o.days_overdue between 61 and 90), 0), 2),
         round(coalesce(sum(o.outstanding) filter (where o.days_overdue > 90), 0), 2),
         greatest(max(o.days_overdue), 0)
    from open_invoices o
    left join crm.clients c on c.id = o.client_id
   where o.outstanding > 0
   group by o.client_id, c.name, o.counterparty_id, o.legal_name, o.inn, o.currency
   order by o.currency, sum(o.outstanding) desc, o.client_id, o.counterparty_id
$$;


-- Receivables: what customers owe on sales invoices; payables: what we owe suppliers.
create view reports.receivables as select * from reports.debts_at(current_date, false);
select crm_private.secure_view('reports.receivables');
create view reports.payables as select * from reports.debts_at(current_date, true);
select crm_private.secure_view('reports.payables');

-- ---------------------------------------------------------------------------------------
-- Top managers by money received in [p_from, p_to] on sales invoices of their deals.
create function reports.top_managers_report(p_from date, p_to date, p_limit int default 100)
  returns table ("rank" bigint, responsible_id bigint, responsible text, currency text, paid numeric,
                 payments bigint, invoices bigint, deals bigint, clients bigint)
  language sql stable as $$
  select * from (
    select rank() over (partition by x.currency order by sum(x.amount) desc) as rnk, x.responsible_id, u.name,
           x.currency::text, round(sum(x.amount), 2), count(*), count(distinct x.invoice_id), count(distinct x.deal_id),
           count(distinct x.client_id)
      from reports.payments_received x
      left join crm.users u on u.id = x.responsible_id
     where not x.is_purchase and x.paid_on between p_from and p_to
     group by x.responsible_id, u.name, x.currency
  ) t
   where t.rnk <= p_limit
   order by 4, 1, 2
$$;

revoke all on all functions in schema reports from public;
grant execute on all functions in schema reports to crm_user, crm_bi;
