-- reports/payment_summary.sql: money reports from summaries kept by triggers (payments, invoices, scopes).
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/340_payment_summary.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

-- The facts of the given invoices as the base tables hold them now (no row rules: owner-run).
create or replace function crm_private.report_facts_compute(p_ids bigint[])
  returns setof crm_private.invoice_report_facts
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select i.id, i.deal_id, d.pipeline_id, i.counterparty_id, cp.client_id, d.responsible_id, i.currency, i.amount,
         i.issued_on, i.due_on, coalesce(p.paid, 0), p.last_paid_on, coalesce(p.uniform, true),
         i.owner_id, coalesce(i.responsible_id, 0), coalesce(i.department_id, 0), coalesce(i.territory_id, 0),
         d.owner_id, coalesce(d.responsible_id, 0), coalesce(d.department_id, 0), coalesce(d.territory_id, 0),
         cp.owner_id, coalesce(cp.responsible_id, 0), coalesce(cp.department_id, 0), coalesce(cp.territory_id, 0),
         cp.is_private
    from crm.invoices i
    join crm.deals d on d.id = i.deal_id
    join crm.counterparties cp on cp.id = i.counterparty_id
    left join lateral (
      select sum(x.amount) as paid, max(x.paid_on) as last_paid_on,
             bool_and((x.owner_id, coalesce(x.responsible_id, 0), coalesce(x.department_id, 0), coalesce(x.territory_id, 0))
                      = (i.owner_id, coalesce(i.responsible_id, 0), coalesce(i.department_id, 0), coalesce(i.territory_id, 0)))
               as uniform
        from crm.payments x where x.invoice_id = i.id
    ) p on true
   where i.id = any (p_ids) and not i.cancelled
$$;

-- Rebuilds both summaries for the given invoices. Locks the invoices first (a concurrent
-- refresh of the same invoice waits for the other transaction to end), then computes from a new
-- snapshot (each statement of a PL/pgSQL function takes one under READ COMMITTED).
create or replace function crm_private.report_facts_refresh(p_ids bigint[]) returns void
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  if p_ids is null or cardinality(p_ids) = 0 then
    return;
  end if;
  perform 1 from crm.invoices where id = any (p_ids) order by id for update;
  delete from crm_private.invoice_report_facts where invoice_id = any (p_ids);
  delete from crm_private.invoice_payment_days where invoice_id = any (p_ids);
  insert into crm_private.invoice_report_facts select * from crm_private.report_facts_compute(p_ids);
  insert into crm_private.invoice_payment_days
  select x.invoice_id, x.paid_on, x.owner_id, coalesce(x.responsible_id, 0), coalesce(x.department_id, 0),
         coalesce(x.territory_id, 0), count(*), sum(x.amount),
         f.deal_id, f.pipeline_id, f.counterparty_id, f.client_id, f.responsible_id, f.currency,
         f.i_owner, f.i_resp, f.i_dept, f.i_terr, f.d_owner, f.d_resp, f.d_dept, f.d_terr,
         f.c_owner, f.c_resp, f.c_dept, f.c_terr, f.c_private
    from crm.payments x
    join crm_private.invoice_report_facts f on f.invoice_id = x.invoice_id
   where x.invoice_id = any (p_ids)
   group by x.invoice_id, x.paid_on, x.owner_id, coalesce(x.responsible_id, 0), coalesce(x.department_id, 0),
            coalesce(x.territory_id, 0), f.invoice_id;
end
$$;

create or replace function crm_private.report_facts_payments_sync() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if tg_op = 'UPDATE' and (old.invoice_id, old.amount, old.paid_on, old.owner_id, old.responsible_id, old.department_id,
                           old.territory_id)
                          is not distinct from (new.invoice_id, new.amount, new.paid_on, new.owner_id, new.responsible_id,
                                                new.department_id, new.territory_id) then
    return null;
  end if;
  perform crm_private.report_facts_refresh(case tg_op when 'INSERT' then array[new.invoice_id]
                                                      when 'DELETE' then array[old.invoice_id]
                                                      else array[old.invoice_id, new.invoice_id] end);
  return null;
end
$$;

drop trigger if exists payments_report_facts on crm.payments;
create trigger payments_report_facts after insert or update or delete on crm.payments
  for each row execute function crm_private.report_facts_payments_sync();

create or replace function crm_private.report_facts_invoices_sync() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if tg_op = 'UPDATE' and (old.deal_id, old.counterparty_id, old.amount, old.currency, old.issued_on, old.due_on, old.cancelled,
                           old.owner_id, old.responsible_id, old.department_id, old.territory_id)
                          is not distinct from (new.deal_id, new.counterparty_id, new.amount, new.currency, new.issued_on,
                                                new.due_on, new.cancelled, new.owner_id, new.responsible_id,
                                                new.department_id, new.territory_id) then
    return null;
  end if;
  perform crm_private.report_facts_refresh(array[case when tg_op = 'DELETE' then old.id else new.id end]);
  return null;
end
$$;

drop trigger if exists invoices_report_facts on crm.invoices;
create trigger invoices_report_facts after insert or update or delete on crm.invoices
  for each row execute function crm_private.report_facts_invoices_sync();

create or replace function crm_private.report_facts_deals_sync() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if (old.pipeline_id, old.owner_id, old.responsible_id, old.department_id, old.territory_id)
     is not distinct from (new.pipeline_id, new.owner_id, new.responsible_id, new.department_id, new.territory_id) then
    return null;
  end if;
  perform crm_private.report_facts_refresh(array(select i.id from crm.invoices i where i.deal_id = new.id));
  return null;
end
$$;

drop trigger if exists deals_report_facts on crm.deals;
create trigger deals_report_facts after update on crm.deals
  for each row execute function crm_private.report_facts_deals_sync();

create or replace function crm_private.report_facts_counterparties_sync() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if (old.client_id, old.owner_id, old.responsible_id, old.department_id, old.territory_id, old.is_private)
     is not distinct from (new.client_id, new.owner_id, new.responsible_id, new.department_id, new.territory_id, new.is_private) then
    return null;
  end if;
  perform crm_private.report_facts_refresh(array(select i.id from crm.invoices i where i.counterparty_id = new.id));
  return null;
end
$$;

drop trigger if exists counterparties_report_facts on crm.counterparties;
create trigger counterparties_report_facts after update on crm.counterparties
  for each row execute function crm_private.report_facts_counterparties_sync();

create or replace function crm_private.report_facts_truncated() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if tg_table_name = 'invoices' then
    delete from crm_private.invoice_report_facts;
    delete from crm_private.invoice_payment_days;
  else
    perform crm_private.report_facts_refresh(array(select f.invoice_id from crm_private.invoice_report_facts f));
  end if;
  return null;
end
$$;

drop trigger if exists invoices_report_facts_truncate on crm.invoices;
create trigger invoices_report_facts_truncate after truncate on crm.invoices
  for each statement execute function crm_private.report_facts_truncated();

drop trigger if exists payments_report_facts_truncate on crm.payments;
create trigger payments_report_facts_truncate after truncate on crm.payments
  for each statement execute function crm_private.report_facts_truncated();

-- Invoices for which one of the caller's shares may open a row the rule columns do not: the
-- invoice itself, a payment whose id is a shared invoice id (the payments policy compares its own
-- id with the shared invoice ids), its deal (deal shares open the deal and, unless denied, its
-- invoices), its counterparty or the counterparty's client. One index look-up per kind.
create or replace function crm_private.report_share_candidates() returns bigint[]
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  with s as (
    select crm_private.rls_shared('invoice', 'read', 'invoice') as inv,
           crm_private.rls_shared('deal', 'read', 'invoice') || crm_private.rls_shared('deal', 'read', 'deal') as deal,
           crm_private.rls_shared('counterparty', 'read', 'counterparty') as cp,
           crm_private.rls_shared('client', 'read', 'counterparty') as cli
  )
  select coalesce(array_agg(distinct x.id), '{}') from (
    select f.invoice_id as id from crm_private.invoice_report_facts f, s where f.invoice_id = any (s.inv)
    union all select p.invoice_id from crm.payments p, s where p.id = any (s.inv)
    union all select f.invoice_id from crm_private.invoice_report_facts f, s where f.deal_id = any (s.deal)
    union all select f.invoice_id from crm_private.invoice_report_facts f, s where f.counterparty_id = any (s.cp)
    union all select f.invoice_id from crm_private.invoice_report_facts f, s where f.client_id = any (s.cli)
  ) x
$$;

-- The caller's scopes for the policies the money reports pass through, read once per call.
create or replace function crm_private.report_scopes()
  returns table (ti bigint[], di bigint[], oi bigint, td bigint[], dd bigint[], od bigint,
                 tc bigint[], dc bigint[], oc bigint, private_ok boolean, uid bigint, candidates bigint[])
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select crm_private.rls_territories_or_all('invoice', 'read'), crm_private.rls_departments('invoice', 'read'),
         crm_private.rls_own('invoice', 'read'),
         crm_private.rls_territories_or_all('deal', 'read'), crm_private.rls_departments('deal', 'read'),
         crm_private.rls_own('deal', 'read'),
         crm_private.rls_territories_or_all('counterparty', 'read'), crm_private.rls_departments('counterparty', 'read'),
         crm_private.rls_own('counterparty', 'read'),
         crm_private.rls_private(), crm_private.rls_uid(), crm_private.report_share_candidates()
$$;

-- A read policy's rule arms on key columns (territory or all, department, own); 0 stands for null.
create or replace function crm_private.report_rule_ok(t bigint[], d bigint[], o bigint, row_owner bigint, row_resp bigint,
                                           row_dept bigint, row_terr bigint) returns boolean
  language sql immutable parallel safe
  return coalesce(coalesce(row_terr = any (t), true) or row_dept = any (d) or o = any (array[row_owner, row_resp]), false);

-- (a) of the header: payment days in [p_from, p_to] the caller may see through the rule columns,
-- of invoices that are not share candidates.
create or replace function crm_private.visible_payment_days(p_from date, p_to date)
  returns table (invoice_id bigint, paid_on date, deal_id bigint, pipeline_id bigint, client_id bigint,
                 counterparty_id bigint, responsible_id bigint, currency text, payments bigint, amount numeric)
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select s.invoice_id, s.paid_on, s.deal_id, s.pipeline_id, s.client_id, s.counterparty_id, s.responsible_id,
         s.currency::text, s.payments, s.amount
    from crm_private.report_scopes() v, crm_private.invoice_payment_days s
   where s.paid_on between p_from and p_to
     and not s.invoice_id = any (v.candidates)
     and crm_private.report_rule_ok(v.ti, v.di, v.oi, s.p_owner, s.p_resp, s.p_dept, s.p_terr)
     and crm_private.report_rule_ok(v.ti, v.di, v.oi, s.i_owner, s.i_resp, s.i_dept, s.i_terr)
     and crm_private.report_rule_ok(v.td, v.dd, v.od, s.d_owner, s.d_resp, s.d_dept, s.d_terr)
     and crm_private.report_rule_ok(v.tc, v.dc, v.oc, s.c_owner, s.c_resp, s.c_dept, s.c_terr)
     and (not s.c_private or v.private_ok or s.c_owner = v.uid)
$$;

-- Payments received in [p_from, p_to] that the caller may see, per invoice and day: (a) from the
-- summary, (b) the share candidates from reports.payments_received under the caller's rules.
-- The same rows as reports.payments_received grouped by invoice and day.
create or replace function crm_private.payments_received_days(p_from date, p_to date)
  returns table (invoice_id bigint, paid_on date, deal_id bigint, is_purchase boolean, client_id bigint,
                 responsible_id bigint, currency text, payments bigint, amount numeric)
  language sql stable
begin atomic
  select a.invoice_id, a.paid_on, a.deal_id, pl.kind = 'purchase', a.client_id, a.responsible_id, a.currency,
         a.payments, a.amount
    from crm_private.visible_payment_days(p_from, p_to) a
    join crm.pipelines pl on pl.id = a.pipeline_id
  union all
  select x.invoice_id, x.paid_on, x.deal_id, x.is_purchase, x.client_id, x.responsible_id, x.currency::text,
         count(*), sum(x.amount)
    from reports.payments_received x
   where x.invoice_id = any ((select crm_private.report_share_candidates())::bigint[])
     and x.paid_on between p_from and p_to
   group by x.invoice_id, x.paid_on, x.deal_id, x.is_purchase, x.client_id, x.responsible_id, x.currency;
end;

create or replace function reports.top_managers_report(p_from date, p_to date, p_limit int default 100)
  returns table ("rank" bigint, responsible_id bigint, responsible text, currency text, paid numeric,
                 payments bigint, invoices bigint, deals bigint, clients bigint)
  language sql stable
begin atomic
  select * from (
    select rank() over (partition by x.currency order by sum(x.amount) desc) as rnk, x.responsible_id, u.name,
           x.currency, round(sum(x.amount), 2), sum(x.payments)::bigint, count(distinct x.invoice_id),
           count(distinct x.deal_id), count(distinct x.client_id)
      from crm_private.payments_received_days(p_from, p_to) x
      left join crm.users u on u.id = x.responsible_id
     where not x.is_purchase
     group by x.responsible_id, u.name, x.currency
  ) t
   where t.rnk <= p_limit
   order by 4, 1, 2;
end;

create or replace function reports.bcg_report(p_from date, p_to date)
  returns table (client_id bigint, client text, currency text, revenue numeric, previous_revenue numeric,
                 growth numeric, relative_share numeric, quadrant text)
  language sql stable
begin atomic
  with pay as (
    select x.client_id, x.currency, x.paid_on >= p_from as current_period, sum(x.amount) as amount
      from crm_private.payments_received_days(p_from - (p_to - p_from + 1), p_to) x
     where not x.is_purchase
     group by 1, 2, 3
  ), cur as (
    select p.client_id, p.currency, p.amount as revenue from pay p where p.current_period and p.amount > 0
  ), prev as (
    select p.client_id, p.currency, p.amount as revenue from pay p where not p.current_period
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
   order by k.currency, k.revenue desc, k.client_id;
end;

create or replace function reports.debts_at(p_as_of date, p_purchase boolean)
  returns table (client_id bigint, client text, counterparty_id bigint, counterparty text, inn text, currency text,
                 invoices bigint, outstanding numeric, not_due numeric, overdue_1_30 numeric, overdue_31_60 numeric,
                 overdue_61_90 numeric, overdue_over_90 numeric, max_days_overdue int)
  language sql stable
begin atomic
  with open_invoices as (
    select b.client_id, b.counterparty_id, b.currency, b.outstanding, b.days_overdue
      from crm_private.visible_invoice_balances(p_as_of, p_purchase) b
    union all
    -- the share candidates, as sql/302 computes them, under the caller's rules
    select cp.client_id, i.counterparty_id, i.currency::text, i.amount - coalesce(p.paid, 0),
           p_as_of - coalesce(i.due_on, i.issued_on)
      from crm.invoices i
      left join (select x.invoice_id, sum(x.amount) as paid from crm.payments x where x.paid_on <= p_as_of
                  group by x.invoice_id) p on p.invoice_id = i.id
      join crm.deals d on d.id = i.deal_id
      join crm.pipelines pl on pl.id = d.pipeline_id and (pl.kind = 'purchase') = p_purchase
      join crm.counterparties cp on cp.id = i.counterparty_id
     where i.id = any ((select crm_private.report_share_candidates())::bigint[])
       and not i.cancelled and i.issued_on <= p_as_of and i.amount - coalesce(p.paid, 0) > 0
  )
  select o.client_id, c.name, o.counterparty_id, cp.legal_name, cp.inn, o.currency, count(*),
         round(sum(o.outstanding), 2),
         round(coalesce(sum(o.outstanding) filter (where o.days_overdue <= 0), 0), 2),
         round(coalesce(sum(o.outstanding) filter (where o.days_overdue between 1 and 30), 0), 2),
         round(coalesce(sum(o.outstanding) filter (where o.days_overdue between 31 and 60), 0), 2),
         round(coalesce(sum(o.outstanding) filter (where o.days_overdue between 61 and 90), 0), 2),
         round(coalesce(sum(o.outstanding) filter (where o.days_overdue > 90), 0), 2),
         greatest(max(o.days_overdue), 0)
    from open_invoices o
    left join crm.clients c on c.id = o.client_id
    left join crm.counterparties cp on cp.id = o.counterparty_id
   group by o.client_id, c.name, o.counterparty_id, cp.legal_name, cp.inn, o.currency
   order by o.currency, sum(o.outstanding) desc, o.client_id, o.counterparty_id;
end;

revoke all on function crm_private.report_facts_compute(bigint[]), crm_private.report_facts_refresh(bigint[]) from public;

revoke all on function crm_private.report_share_candidates(), crm_private.report_scopes(),
  crm_private.report_rule_ok(bigint[], bigint[], bigint, bigint, bigint, bigint, bigint),
  crm_private.visible_payment_days(date, date), crm_private.payments_received_days(date, date),
  crm_private.visible_invoice_balances(date, boolean) from public;

grant execute on function crm_private.report_share_candidates(), crm_private.report_scopes(),
  crm_private.report_rule_ok(bigint[], bigint[], bigint, bigint, bigint, bigint, bigint),
  crm_private.visible_payment_days(date, date), crm_private.payments_received_days(date, date),
  crm_private.visible_invoice_balances(date, boolean) to crm_user, crm_bi;

revoke all on all functions in schema reports from public;

grant execute on all functions in schema reports to crm_user, crm_bi;

-- Trigger and helper functions are not for PUBLIC (the security self-check, sql/085); the grants above stay.
revoke execute on all functions in schema crm_private, crm_api, audit from public;
