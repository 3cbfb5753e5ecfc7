-- 344 crm_private.visible_invoice_balances (sql/340) without sorting whole summary rows: the
-- invoices that can have a balance are collected by id (a union of ids from three indexes), the
-- caller's scopes are read once (materialized), the pipeline kind is an initPlan array. Same rows.
create or replace function crm_private.visible_invoice_balances(p_as_of date, p_purchase boolean)
  returns table (invoice_id bigint, client_id bigint, counterparty_id bigint, currency text, outstanding numeric,
                 days_overdue int)
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  with v as materialized (select * from crm_private.report_scopes()),
  ids as (
    select f.invoice_id from crm_private.invoice_report_facts f where f.amount > f.paid_all and f.issued_on <= p_as_of
    union
    select f.invoice_id from crm_private.invoice_report_facts f where f.last_paid_on > p_as_of and f.issued_on <= p_as_of
    union
    select f.invoice_id from crm_private.invoice_report_facts f where not f.payments_uniform and f.issued_on <= p_as_of
  ), visible as materialized (
    select f.* from ids join crm_private.invoice_report_facts f on f.invoice_id = ids.invoice_id, v
     where f.pipeline_id = any (array(select pl.id from crm.pipelines pl where (pl.kind = 'purchase') = p_purchase))
       and not f.invoice_id = any (v.candidates)
       and crm_private.report_rule_ok(v.ti, v.di, v.oi, f.i_owner, f.i_resp, f.i_dept, f.i_terr)
       and crm_private.report_rule_ok(v.td, v.dd, v.od, f.d_owner, f.d_resp, f.d_dept, f.d_terr)
       and crm_private.report_rule_ok(v.tc, v.dc, v.oc, f.c_owner, f.c_resp, f.c_dept, f.c_terr)
       and (not f.c_private or v.private_ok or f.c_owner = v.uid)
  ), balances as (
    select x.invoice_id, x.client_id, x.counterparty_id, x.currency::text as currency,
           x.amount - case when x.payments_uniform and (x.last_paid_on is null or x.last_paid_on <= p_as_of) then x.paid_all
                           else coalesce((select sum(s.amount) from crm_private.invoice_payment_days s, v
                                           where s.invoice_id = x.invoice_id and s.paid_on <= p_as_of
                                             and crm_private.report_rule_ok(v.ti, v.di, v.oi, s.p_owner, s.p_resp,
                                                                            s.p_dept, s.p_terr)), 0) end as outstanding,
           p_as_of - coalesce(x.due_on, x.issued_on) as days_overdue
      from visible x
  )
  select * from balances where outstanding > 0
$$;
revoke execute on all functions in schema crm_private, crm_api, audit from public;
