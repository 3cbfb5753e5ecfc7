-- 120 Catalogs: sources, loss reasons, product categories, pipelines with their stages,
-- deal kinds and custom field definitions per pipeline.
--
-- Catalogs are readable by every signed-in user and by BI logins, written by administrators
-- (crm_private.secure_identity_table(..., 'all') — the same one declaration as the identity
-- tables, audit included).
--
-- Errors raised by business rules use three SQLSTATEs of our own, mapped once by the server:
--   CR409  a rule refuses the change (HTTP 409); the message says which rule and what to do
--   CR422  a value is wrong (HTTP 422); COLUMN names the field, or DETAIL carries a JSON array
--          of {"field", "message"} when several fields are wrong at once
--   CR412  a stale version (HTTP 412)
--   CR403  not the caller's to do (HTTP 403), CR404 nothing the caller may see (HTTP 404)

create table crm.sources (
  id bigint generated always as identity primary key,
  name text not null check (length(btrim(name)) between 1 and 200),
  kind text not null default 'channel' check (kind in ('channel', 'event', 'referral', 'other')),
  active boolean not null default true,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index sources_name_uq on crm.sources (lower(name));

create table crm.loss_reasons (
  id bigint generated always as identity primary key,
  name text not null check (length(btrim(name)) between 1 and 200),
  active boolean not null default true,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index loss_reasons_name_uq on crm.loss_reasons (lower(name));

create table crm.product_categories (
  id bigint generated always as identity primary key,
  parent_id bigint references crm.product_categories on delete restrict,
  name text not null check (length(btrim(name)) between 1 and 200),
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (parent_id is distinct from id)
);
create unique index product_categories_name_uq on crm.product_categories (coalesce(parent_id, 0), lower(name));
create trigger product_categories_no_cycle before insert or update of parent_id on crm.product_categories
  for each row execute function crm_private.tree_no_cycle();

create table crm.pipelines (
  id bigint generated always as identity primary key,
  name text not null check (length(btrim(name)) between 1 and 200),
  kind text not null default 'sales' check (kind in ('sales', 'purchase', 'custom')),
  is_default boolean not null default false,   -- the pipeline of a deal created without one
  active boolean not null default true,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index pipelines_name_uq on crm.pipelines (lower(name));
create unique index pipelines_one_default on crm.pipelines (is_default) where is_default;

-- Stages in order of position. kind: open, won or lost (terminal). A deal moves forward only
-- to the next open stage unless every stage it jumps over is skippable; lost can be reached
-- from any open stage (with a loss reason); a closed deal does not move.
create table crm.stages (
  id bigint generated always as identity primary key,
  pipeline_id bigint not null references crm.pipelines on delete cascade,
  code text not null check (code ~ '^[a-z][a-z0-9_]{0,39}$'),
  name text not null check (length(btrim(name)) between 1 and 200),
  position int not null check (position > 0),
  kind text not null default 'open' check (kind in ('open', 'won', 'lost')),
  skippable boolean not null default false,
  probability int check (probability between 0 and 100),
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (pipeline_id, code),
  unique (pipeline_id, position) deferrable initially deferred,
  unique (pipeline_id, id)
);

create table crm.deal_kinds (
  id bigint generated always as identity primary key,
  name text not null check (length(btrim(name)) between 1 and 200),
  pipeline_id bigint references crm.pipelines on delete set null,   -- null: a deal without stages
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index deal_kinds_name_uq on crm.deal_kinds (lower(name));

-- Typed custom fields of a pipeline's deals, validated on every write of a deal
-- (crm_private.custom_field_problems). Values live in deals.custom_fields under `key`.
create table crm.custom_fields (
  id bigint generated always as identity primary key,
  pipeline_id bigint not null references crm.pipelines on delete cascade,
  key text not null check (key ~ '^[a-z][a-z0-9_]{0,39}$'),
  label text not null check (length(btrim(label)) between 1 and 200),
  type text not null check (type in ('text', 'number', 'money', 'date', 'boolean', 'enum', 'file')),
  required boolean not null default false,
  default_value jsonb,
  options text[] not null default '{}',        -- the allowed values of an enum
  position int not null default 1,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (pipeline_id, key),
  check (type <> 'enum' or cardinality(options) > 0),
  check (default_value is null or type <> 'boolean' or jsonb_typeof(default_value) = 'boolean')
);

do $$
declare
  t text;
begin
  foreach t in array array['sources', 'loss_reasons', 'product_categories', 'pipelines', 'stages', 'deal_kinds',
                           'custom_fields'] loop
    execute format('create trigger %I before update on crm.%I for each row execute function crm_private.touch_row()',
                   t || '_touch', t);
    perform crm_private.secure_identity_table(format('crm.%I', t)::regclass, 'all', p_bi => true);
  end loop;
end
$$;

-- The default sales pipeline (the stage codes the first deals used).
with p as (
  insert into crm.pipelines (name, kind, is_default) values ('Продажи', 'sales', true) returning id
)
insert into crm.stages (pipeline_id, code, name, position, kind, skippable, probability)
select p.id, s.code, s.name, s.position, s.kind, s.skippable, s.probability
  from p, (values ('new', 'Новая', 1, 'open', false, 10),
                  ('qualification', 'Квалификация', 2, 'open', true, 20),
                  ('proposal', 'Коммерческое предложение', 3, 'open', false, 40),
                  ('negotiation', 'Переговоры', 4, 'open', true, 70),
                  ('won', 'Успешно', 5, 'won', false, 100),
                  ('lost', 'Проиграна', 6, 'lost', false, 0)) s(code, name, position, kind, skippable, probability);

insert into crm.loss_reasons (name) values ('Дорого'), ('Выбрали конкурента'), ('Нет бюджета'), ('Пропала потребность');
insert into crm.sources (name, kind) values ('Сайт', 'channel'), ('Звонок', 'channel'), ('Рекомендация', 'referral'),
  ('Выставка', 'event');

revoke execute on all functions in schema crm_private, crm_api, audit from public;
