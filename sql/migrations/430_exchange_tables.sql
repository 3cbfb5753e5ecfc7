-- 430 The 1C exchange (issue 14, CommerceML 2 over the "exchange with site" protocol):
--   roles.is_integration          a role for exchange accounts (the "1c" user of the demo):
--                                 only a user holding one may open an exchange session
--   product_categories.external_id  the group's «Ид» in 1C (products already have external_id)
--   deals.onec_*                  what 1C said about the order: its id (orders made in 1C), number, status, payment
--                                 and shipment dates; exchanged_at: when 1C last confirmed
--                                 (mode=success) the version it was sent
--   payments.external_id          the 1C payment a payment came from (idempotent re-imports)
--   crm_private.exchange_settings the one exchange node: which stages make a deal an order
--   crm_private.exchange_log      every exchange step (also audited, sql/schema/exchange)
--   crm_private.exchange_deliveries  the orders sent by a sale query, until 1C says success
--   audit.log action 'exchange'   an exchange step (crm_api.exchange_log)
-- Functions: sql/schema/exchange/exchange.sql.

alter table crm.roles add column is_integration boolean not null default false;

alter table crm.product_categories add column external_id text check (length(external_id) between 1 and 200);
create unique index product_categories_external_uq on crm.product_categories (external_id) where external_id is not null;

alter table crm.deals
  add column onec_id text check (length(onec_id) between 1 and 200),
  add column onec_number text check (length(onec_number) <= 100),
  add column onec_status text check (length(onec_status) <= 200),
  add column onec_paid_on date,
  add column onec_shipped_on date,
  add column exchanged_at timestamptz;

create unique index deals_onec_id_uq on crm.deals (onec_id) where onec_id is not null;

alter table crm.payments add column external_id text check (length(external_id) between 1 and 300);
create unique index payments_external_uq on crm.payments (external_id) where external_id is not null;

create table crm_private.exchange_settings (
  id int primary key default 1 check (id = 1),
  order_stage_codes text[] not null default '{order}',
  price_type text,                 -- the «ТипЦены» read as the product price (null: the first one)
  file_limit bigint not null default 10485760 check (file_limit > 0)
);
insert into crm_private.exchange_settings default values;

create table crm_private.exchange_log (
  id bigint generated always as identity primary key,
  user_id bigint references crm.users on delete set null,
  session_id bigint,
  exchange_type text not null check (exchange_type in ('catalog', 'sale')),
  mode text not null check (length(mode) between 1 and 40),
  filename text check (length(filename) <= 500),
  status text not null check (status in ('success', 'failure', 'progress')),
  message text not null default '' check (length(message) <= 2000),
  details jsonb not null default '{}',
  created_at timestamptz not null default now()
);
create index exchange_log_created_idx on crm_private.exchange_log (created_at desc);

create table crm_private.exchange_deliveries (
  id bigint generated always as identity primary key,
  user_id bigint references crm.users on delete set null,
  session_id bigint,
  deals jsonb not null,            -- [{"id": deal id, "version": the version sent}]
  created_at timestamptz not null default now(),
  delivered_at timestamptz
);

-- The audit log's actions, with the exchange steps (NOT VALID first: no long lock on the log).
alter table audit.log drop constraint log_action_check;
alter table audit.log add constraint log_action_check check (action in ('insert', 'update', 'delete', 'login', 'login_failed',
  'lockout', 'logout', 'permission_change', 'export', 'admin_command', 'exchange')) not valid;
alter table audit.log validate constraint log_action_check;
