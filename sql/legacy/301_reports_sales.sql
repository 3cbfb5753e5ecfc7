-- 301 Sales reports: the funnel by period of entry / manager / department, loss reasons, stale
-- deals, source / UTM / marketing-event effectiveness, and the payments every revenue figure
-- is built from. Column by column in sql/REPORTS.md.
--
-- Every view is security_invoker (crm_private.secure_view): it reads the base tables under the
-- caller's row rules, so a manager, a head, the director and their BI logins each get the
-- numbers of exactly the rows they may see. Set-returning functions (reports.*_report) take the
-- period where a view cannot (cohorts, ranks, classes); they are SECURITY INVOKER SQL
-- functions over the views, executable by crm_user and crm_bi.
-- Rules used throughout:
--   - amounts are never added across currencies: every amount row carries its currency;
--   - a report rolls up to the client: deals by deals.client_id, invoices and payments by the
--     client of the invoice's counterparty (whichever legal entity was used);
--   - "sales" means deals of pipelines whose kind is not 'purchase';
--   - revenue is money received: payments (paid_on), in the invoice's currency;
--   - dates are calendar dates in the session's time zone.

-- ---------------------------------------------------------------------------------------
-- Payments received (the base of revenue), one row per payment.
create view reports.payments_received as
select p.id as payment_id, p.paid_on, p.amount, i.currency,
       i.id as invoice_id, i.number as invoice_number, i.deal_id, d.pipeline_id, pl.kind = 'purchase' as is_purchase,
       cp.client_id, i.counterparty_id, d.responsible_id, d.department_id, d.territory_id
  from crm.payments p
  join crm.invoices i on i.id = p.invoice_id
  join crm.deals d on d.id = i.deal_id
  join crm.pipelines pl on pl.id = d.pipeline_id
  join crm.counterparties cp on cp.id = i.counterparty_id
 where not i.cancelled;
select crm_private.secure_view('reports.payments_received');

-- ---------------------------------------------------------------------------------------
-- Funnel: one row per deal with the furthest stage it reached (never a lost stage: a deal
-- moved back still counts as having reached the stage it had reached before) and its days
-- in each stage.
create view reports.funnel_deals as
select d.id as deal_id, d.pipeline_id, d.client_id, d.created_at::date as entered_on, d.responsible_id,
       d.department_id, d.currency, d.amount, d.stage_id, s.position as stage_position, s.kind as stage_kind,
       greatest(coalesce(r.position, s.position), case when s.kind <> 'lost' then s.position end) as reached_position
  from crm.deals d
  join crm.stages s on s.id = d.stage_id
  left join (select h.deal_id, max(hs.position) as position
               from crm.deal_stage_history h join crm.stages hs on hs.id = h.stage_id
              where hs.kind <> 'lost' group by h.deal_id) r on r.deal_id = d.id;
select crm_private.secure_view('reports.funnel_deals');

-- Per stage of a pipeline and currency, over the deals that entered the funnel (were created)
-- in [p_from, p_to], optionally of one responsible manager and/or a department and its
-- sub-departments.
create function reports.sales_funnel_report(p_from date, p_to date, p_pipeline_id bigint,
    p_responsible_id bigint default null, p_department_id bigint default null)
  returns table (stage_id bigint, code text, stage text, "position" int, kind text, currency text,
                 deals bigint, amount numeric, reached bigint, reached_next bigint, won bigint,
                 conversion_to_next numeric, conversion_to_won numeric, avg_days_in_stage numeric)
  language sql stable as $$
  with recursive dept(id) as (
    select p_department_id where p_department_id is not null
    union
    select x.id from crm.departments x join dept on x.parent_id = dept.id
  ), cohort as (
    select f.* from reports.funnel_deals f
     where f.pipeline_id = p_pipeline_id and f.entered_on between p_from and p_to
       and (p_responsible_id is null or f.responsible_id = p_responsible_id)
       and (p_department_id is null or f.department_id in (select id from dept))
  ), currencies as (
    select distinct c.currency::text as currency from cohort c
  ), st as (
    select s.id, s.code, s.name, s.position, s.kind,
           case when s.kind <> 'lost' then (select min(n.position) from crm.stages n
                                             where n.pipeline_id = s.pipeline_id and n.kind <> 'lost' and n.position > s.position) end
             as next_position
      from crm.stages s where s.pipeline_id = p_pipeline_id
  ), groups as (
    select c.currency, c.stage_id, c.stage_kind, c.reached_position, count(*) as n, sum(c.amount) as amount
      from cohort c group by 1, 2, 3, 4
  ), visits as (
    select h.stage_id, c.currency, h.deal_id,
           sum(extract(epoch from coalesce(h.left_at, now()) - h.entered_at)) / 86400 as days
      from crm.deal_stage_history h join cohort c on c.deal_id = h.deal_id
     group by h.stage_id, c.currency, h.deal_id
  ), days as (
    select v.stage_id, v.currency, round(avg(v.days), 2) as avg_days from visits v group by 1, 2
  ), cells as (
    select st.*, cu.currency,
           coalesce(sum(g.n) filter (where g.stage_id = st.id), 0)::bigint as deals,
           coalesce(sum(g.amount) filter (where g.stage_id = st.id), 0) as amount,
           coalesce(sum(g.n) filter (where case when st.kind = 'lost' then g.stage_id = st.id
                                                 else g.reached_position >= st.position end), 0)::bigint as reached,
           coalesce(sum(g.n) filter (where g.reached_position >= st.next_position), 0)::bigint as reached_next,
           coalesce(sum(g.n) filter (where g.stage_kind = 'won' and st.kind <> 'lost' and g.reached_position >= st.position), 0)::bigint
             as won,
           (select dd.avg_days from days dd where dd.stage_id = st.id and dd.currency = cu.currency) as avg_days
      from st cross join currencies cu
      left join groups g on g.currency = cu.currency
     group by st.id, st.code, st.name, st.position, st.kind, st.next_position, cu.currency
  )
  select id, code, name, position, kind, currency, deals, round(amount, 2), reached,
         case when next_position is not null then reached_next end,
         won,
         case when next_position is not null and reached > 0 then round(reached_next::numeric / reached, 4) end,
         case when kind <> 'lost' and reached > 0 then round(won::numeric / reached, 4) end,
         case when kind = 'open' then avg_days end
    from cells
   order by currency, position
$$;

-- ---------------------------------------------------------------------------------------
-- Lost deals, one row per deal: the reason, the stage it was lost at (the last stage before
-- «lost»), the responsible manager.
create view reports.lost_deals as
select d.id as deal_id, d.title, d.pipeline_id, d.closed_at::date as lost_on, d.loss_reason_id, r.name as loss_reason,
       ls.stage_id as lost_at_stage_id, s.name as lost_at_stage, d.responsible_id, u.name as responsible,
       d.department_id, d.client_id, d.currency, d.amount
  from crm.deals d
  join crm.stages k on k.id = d.stage_id and k.kind = 'lost'
  left join crm.loss_reasons r on r.id = d.loss_reason_id
  left join lateral (select h.stage_id from crm.deal_stage_history h join crm.stages hs on hs.id = h.stage_id
                      where h.deal_id = d.id and hs.kind <> 'lost' order by h.entered_at desc, h.id desc limit 1) ls on true
  left join crm.stages s on s.id = ls.stage_id
  left join crm.users u on u.id = d.responsible_id;
select crm_private.secure_view('reports.lost_deals');

-- Count and sum of the deals lost in [p_from, p_to] per reason, stage and manager.
create function reports.loss_reasons_report(p_from date, p_to date, p_pipeline_id bigint default null)
  returns table (loss_reason_id bigint, loss_reason text, lost_at_stage_id bigint, lost_at_stage text,
                 responsible_id bigint, responsible text, currency text, deals bigint, amount numeric)
  language sql stable as $$
  select l.loss_reason_id, l.loss_reason, l.lost_at_stage_id, l.lost_at_stage, l.responsible_id, l.responsible,
         l.currency::text, count(*), round(sum(l.amount), 2)
    from reports.lost_deals l
   where l.lost_on between p_from and p_to and (p_pipeline_id is null or l.pipeline_id = p_pipeline_id)
   group by 1, 2, 3, 4, 5, 6, 7
   order by currency, count(*) desc, sum(l.amount) desc, loss_reason_id, lost_at_stage_id, responsible_id
$$;

-- ---------------------------------------------------------------------------------------
-- Stale («forgotten») deals: open deals with the time of their last activity — a stage change,
-- an interaction on the deal, a task of the deal created or completed — and the whole days since.
-- Only activity the caller may see counts.
create view reports.stale_deals as
select d.id as deal_id, d.title, d.pipeline_id, d.stage_id, s.name as stage, d.client_id, c.name as client,
       d.responsible_id, u.name as responsible, d.department_id, d.currency, d.amount,
       a.last_activity_at,
       floor(extract(epoch from now() - a.last_activity_at) / 86400)::int as days_idle
  from crm.deals d
  join crm.stages s on s.id = d.stage_id and s.kind = 'open'
  left join crm.clients c on c.id = d.client_id
  left join crm.users u on u.id = d.responsible_id
  left join (select i.deal_id, max(i.occurred_at) as at from crm.interactions i where i.deal_id is not null
              group by i.deal_id) li on li.deal_id = d.id
  left join (select t.deal_id, max(greatest(t.created_at, t.completed_at)) as at from crm.tasks t where t.deal_id is not null
              group by t.deal_id) lt on lt.deal_id = d.id
  cross join lateral (select greatest(d.stage_entered_at, li.at, lt.at) as last_activity_at) a;
select crm_private.secure_view('reports.stale_deals');

create function reports.stale_deals_report(p_days int, p_responsible_id bigint default null)
  returns setof reports.stale_deals
  language sql stable as $$
  select * from reports.stale_deals s
   where s.days_idle >= p_days and (p_responsible_id is null or s.responsible_id = p_responsible_id)
   order by s.days_idle desc, s.deal_id
$$;

-- ---------------------------------------------------------------------------------------
-- Sources: one row per sales deal with where it came from, whether it was won and the money
-- received on it (in the deal's currency).
create view reports.deal_sources as
select d.id as deal_id, d.created_at::date as created_on, d.pipeline_id, d.client_id, d.source_id, so.name as source,
       d.marketing_event_id, me.name as marketing_event, d.utm_source, d.utm_medium, d.utm_campaign,
       d.responsible_id, d.department_id, d.currency, d.amount, s.kind = 'won' as won,
       coalesce((select sum(i.paid_amount) from crm.invoices i
                  where i.deal_id = d.id and not i.cancelled and i.currency = d.currency), 0) as revenue
  from crm.deals d
  join crm.pipelines pl on pl.id = d.pipeline_id and pl.kind <> 'purchase'
  join crm.stages s on s.id = d.stage_id
  left join crm.sources so on so.id = d.source_id
  left join crm.marketing_events me on me.id = d.marketing_event_id;
select crm_private.secure_view('reports.deal_sources');

-- Leads (deals created in the period), clients, won deals, revenue and conversion, grouped by
-- p_group: 'source', 'utm' (utm_source, utm_medium, utm_campaign) or 'event' (marketing
-- event, with its budget when in the same currency: cost per lead, return on the budget).
create function reports.source_effectiveness_report(p_from date, p_to date, p_group text default 'source')
  returns table (source_id bigint, source text, marketing_event_id bigint, marketing_event text,
                 utm_source text, utm_medium text, utm_campaign text, currency text,
                 leads bigint, clients bigint, won bigint, won_amount numeric, revenue numeric, conversion numeric,
                 budget numeric, cost_per_lead numeric, return_on_budget numeric)
  language sql stable as $$
  with g as (
    select case when p_group = 'source' then x.source_id end as source_id,
           case when p_group = 'source' then x.source end as source,
           case when p_group = 'event' then x.marketing_event_id end as marketing_event_id,
           case when p_group = 'event' then x.marketing_event end as marketing_event,
           case when p_group = 'utm' then x.utm_source end as utm_source,
           case when p_group = 'utm' then x.utm_medium end as utm_medium,
           case when p_group = 'utm' then x.utm_campaign end as utm_campaign,
           x.currency::text as currency, count(*) as leads, count(distinct x.client_id) as clients,
           count(*) filter (where x.won) as won, coalesce(sum(x.amount) filter (where x.won), 0) as won_amount,
           sum(x.revenue) as revenue
      from reports.deal_sources x
     where x.created_on between p_from and p_to
     group by 1, 2, 3, 4, 5, 6, 7, 8
  ), b as (
    select g.*, (select me.budget from crm.marketing_events me
                  where me.id = g.marketing_event_id and me.currency = g.currency) as budget
      from g
  )
  select b.source_id, b.source, b.marketing_event_id, b.marketing_event, b.utm_source, b.utm_medium, b.utm_campaign,
         b.currency, b.leads, b.clients, b.won, round(b.won_amount, 2), round(b.revenue, 2),
         round(b.won::numeric / b.leads, 4),
         b.budget,
         case when b.budget is not null then round(b.budget / b.leads, 2) end,
         case when b.budget > 0 then round((b.revenue - b.budget) / b.budget, 4) end
    from b
   order by b.currency, b.leads desc, b.source_id, b.marketing_event_id, b.utm_source, b.utm_medium, b.utm_campaign
$$;

revoke all on all functions in schema reports from public;
grant execute on all functions in schema reports to crm_user, crm_bi;
