-- 300 What the reports need that the CRM core did not record yet:
--   products.cost_price          the cost price of one unit (exact money, the product's currency)
--   deal_lines.cost_price        the unit cost of the line, taken from the product at insert
--                                when not given; cost_amount = round(quantity × cost_price, 2)
--   crm.marketing_events         marketing events (name, period, budget) a deal can come from
--   deals.marketing_event_id, utm_source, utm_medium, utm_campaign
--   crm.kpi_weights              the weights of the manager rating (admins change them)
-- Catalogs (marketing events, KPI weights) are declared like the other catalogs (sql/120):
-- read by every signed-in user and BI login, written by administrators, audited.

alter table crm.products
  add column cost_price numeric(18,2) not null default 0 check (cost_price >= 0);

alter table crm.deal_lines
  add column cost_price numeric(18,2) check (cost_price >= 0);
update crm.deal_lines l set cost_price = p.cost_price from crm.products p where p.id = l.product_id;
alter table crm.deal_lines
  alter column cost_price set not null,
  add column cost_amount numeric(18,2) generated always as (round(quantity * cost_price, 2)) stored;

-- A line without a cost price takes its product's (the cost when it was sold; a later change
-- of the product's cost price does not rewrite sold lines).
create function crm_private.deal_line_cost() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if new.cost_price is null then
    select p.cost_price into new.cost_price from crm.products p where p.id = new.product_id;
    new.cost_price := coalesce(new.cost_price, 0);
  end if;
  return new;
end
$$;
create trigger deal_lines_cost before insert or update on crm.deal_lines
  for each row execute function crm_private.deal_line_cost();

create table crm.marketing_events (
  id bigint generated always as identity primary key,
  name text not null check (length(btrim(name)) between 1 and 200),
  source_id bigint references crm.sources on delete set null,
  starts_on date not null,
  ends_on date not null,
  budget numeric(18,2) not null default 0 check (budget >= 0),
  currency char(3) not null default 'RUB' check (currency ~ '^[A-Z]{3}$'),
  active boolean not null default true,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (ends_on >= starts_on)
);
create unique index marketing_events_name_uq on crm.marketing_events (lower(name), starts_on);
create trigger marketing_events_touch before update on crm.marketing_events
  for each row execute function crm_private.touch_row();
select crm_private.secure_identity_table('crm.marketing_events', 'all', p_bi => true);

alter table crm.deals
  add column marketing_event_id bigint references crm.marketing_events on delete set null,
  add column utm_source text check (length(utm_source) <= 200),
  add column utm_medium text check (length(utm_medium) <= 200),
  add column utm_campaign text check (length(utm_campaign) <= 200);
create index deals_marketing_event_idx on crm.deals (marketing_event_id) where marketing_event_id is not null;

-- The manager rating: score = Σ weight × normalised metric / Σ weight (reports.manager_kpi).
create table crm.kpi_weights (
  id bigint generated always as identity primary key,
  metric text not null unique check (metric in ('won_deals', 'revenue', 'conversion', 'average_deal',
                                                'overdue_tasks', 'interactions_per_week')),
  weight numeric(8,2) not null check (weight >= 0),
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create trigger kpi_weights_touch before update on crm.kpi_weights
  for each row execute function crm_private.touch_row();
select crm_private.secure_identity_table('crm.kpi_weights', 'all', p_bi => true);
insert into crm.kpi_weights (metric, weight) values
  ('won_deals', 20), ('revenue', 30), ('conversion', 20), ('average_deal', 10), ('overdue_tasks', 10),
  ('interactions_per_week', 10);

revoke execute on all functions in schema crm_private, crm_api, audit from public;
