-- 130 The CRM core: counterparties, contacts with several phones and e-mails, products,
-- full deals (pipeline, stage, kind, counterparty, probability, source, custom fields, loss
-- reason, product lines, stage history), interactions, tasks with time zones and reminders,
-- invoices and payments, files. Every table is declared by crm_private.secure_table.
--
-- Rule columns of child rows are inherited from their parent by crm_private.inherit_rules
-- (trigger arguments: parent table, foreign key column, columns to copy) and kept in step when
-- the parent changes by crm_private.propagate_rules (arguments: child table, foreign key
-- column, ...): a policy then compares indexed columns of the row itself, never a sub-query.
--
-- Full-text search uses expression indexes on to_tsvector('russian', ...) (Russian stemming:
-- «поставки» finds «поставка»); similar names use pg_trgm.

-- ---------------------------------------------------------------------------------------
-- Generic rule-column inheritance.

-- BEFORE INSERT OR UPDATE: copy tg_argv[2..] from the parent row tg_argv[0] named by column
-- tg_argv[1] (a null key copies nothing: the row keeps its own values or defaults).
create function crm_private.inherit_rules() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  key bigint := (to_jsonb(new) ->> tg_argv[1])::bigint;
  parent jsonb;
  patch jsonb := '{}';
  i int;
begin
  if key is null then
    return new;
  end if;
  execute format('select to_jsonb(p) from %s p where id = $1', tg_argv[0]) into parent using key;
  if parent is null then
    raise exception '% % does not exist', tg_argv[1], key
      using errcode = 'CR422', column = tg_argv[1];
  end if;
  for i in 2 .. tg_nargs - 1 loop
    patch := patch || jsonb_build_object(tg_argv[i], parent -> tg_argv[i]);
  end loop;
  return jsonb_populate_record(new, patch);
end
$$;

-- AFTER UPDATE of a parent: when one of its rule columns changed, touch the children named by
-- the arguments (pairs: child table, foreign key column) so that inherit_rules refreshes them.
create function crm_private.propagate_rules() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  i int := 0;
begin
  if not exists (select 1 from unnest(array['owner_id', 'responsible_id', 'department_id', 'territory_id',
                                             'is_private', 'client_id']) k
                  where to_jsonb(old) -> k is distinct from to_jsonb(new) -> k) then
    return null;
  end if;
  while i < tg_nargs loop
    execute format('update %s set %I = %I where %I = $1', tg_argv[i], tg_argv[i + 1], tg_argv[i + 1], tg_argv[i + 1])
      using new.id;
    i := i + 2;
  end loop;
  return null;
end
$$;

-- ---------------------------------------------------------------------------------------
-- Clients: a source; contacts get arrays of phones and e-mails.

alter table crm.clients add column source_id bigint references crm.sources;
create index clients_name_trgm_idx on crm.clients using gin (name gin_trgm_ops);
create index clients_fts_idx on crm.clients using gin (to_tsvector('russian', name || ' ' || notes));

alter table crm.contacts
  add column phones text[] not null default '{}',
  add column emails text[] not null default '{}',
  add column notes text not null default '';
update crm.contacts set phones = array[phone] where phone is not null;
update crm.contacts set emails = array[email] where email is not null;
alter table crm.contacts drop column phone, drop column email;
alter table crm.contacts add constraint contacts_emails_check
  check (array_to_string(emails, ' ') ~ '^([^@\s]+@[^@\s]+\.[^@\s]+( |$))*$');
alter table crm.contacts add constraint contacts_phones_check
  check (array_to_string(phones, ',') ~ '^(\+?[0-9][0-9 ()-]{4,31}(,|$))*$');
create index contacts_name_trgm_idx on crm.contacts using gin (name gin_trgm_ops);
create index contacts_phones_idx on crm.contacts using gin (phones);
create index contacts_emails_idx on crm.contacts using gin (emails);

-- ---------------------------------------------------------------------------------------
-- Counterparties: the legal entities of a client over time.

create table crm.counterparties (
  id bigint generated always as identity primary key,
  client_id bigint not null references crm.clients on delete cascade,
  legal_name text not null check (length(btrim(legal_name)) between 1 and 500),
  inn text not null check (crm.inn_is_valid(inn)),
  kpp text check (kpp is null or crm.kpp_is_valid(kpp)),
  ogrn text check (ogrn is null or crm.ogrn_is_valid(ogrn)),
  address text not null default '',
  bank_name text not null default '',
  bik text check (bik ~ '^[0-9]{9}$'),
  account text check (account ~ '^[0-9]{20}$'),
  correspondent_account text check (correspondent_account ~ '^[0-9]{20}$'),
  valid_from date not null default current_date,
  valid_to date,
  -- inherited from the client
  owner_id bigint not null,
  responsible_id bigint,
  department_id bigint,
  territory_id bigint,
  is_private boolean not null default false,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (valid_to is null or valid_to >= valid_from),
  check (kpp is null or length(inn) = 10)
);
-- One legal entity once: ИНН + КПП (an entrepreneur's 12-digit ИНН has no КПП).
create unique index counterparties_inn_kpp_uq on crm.counterparties (inn, coalesce(kpp, ''));
create index counterparties_client_idx on crm.counterparties (client_id, valid_from desc);
create index counterparties_name_trgm_idx on crm.counterparties using gin (legal_name gin_trgm_ops);

-- The counterparty with this ИНН/КПП whoever may see it (for the 409 answer: the caller then
-- reads it under its own rules, so an invisible one is named by nothing but its existence).
create function crm_api.counterparty_by_inn(p_inn text, p_kpp text) returns bigint
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select id from crm.counterparties where inn = p_inn and coalesce(kpp, '') = coalesce(p_kpp, '')
$$;
grant execute on function crm_api.counterparty_by_inn(text, text) to crm_user;

-- Clients whose name is similar (trigram) to p_name, under the caller's rules.
create function crm_api.similar_clients(p_name text, p_limit int default 5)
  returns table (id bigint, name text, similarity real)
  language sql stable as $$
  select c.id, c.name, similarity(c.name, p_name) from crm.clients c
   where c.name % p_name order by similarity(c.name, p_name) desc, c.id limit p_limit
$$;
grant execute on function crm_api.similar_clients(text, int) to crm_user;

-- ---------------------------------------------------------------------------------------
-- Products (from 1C later): readable under the product rules, no owner.

create table crm.products (
  id bigint generated always as identity primary key,
  category_id bigint references crm.product_categories on delete set null,
  name text not null check (length(btrim(name)) between 1 and 500),
  article text,
  unit text not null default 'шт' check (length(btrim(unit)) between 1 and 20),
  price numeric(18,2) not null default 0 check (price >= 0),
  currency char(3) not null default 'RUB' check (currency ~ '^[A-Z]{3}$'),
  stock numeric(18,3) not null default 0,
  active boolean not null default true,
  external_id text,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index products_article_uq on crm.products (article) where article is not null;
create unique index products_external_uq on crm.products (external_id) where external_id is not null;
create index products_category_idx on crm.products (category_id);
create index products_name_trgm_idx on crm.products using gin (name gin_trgm_ops);
create index products_fts_idx on crm.products using gin (to_tsvector('russian', name));

-- ---------------------------------------------------------------------------------------
-- Deals: pipeline and stage instead of the first free-text stage.

alter table crm.deals
  add column pipeline_id bigint references crm.pipelines,
  add column stage_id bigint,
  add column kind_id bigint references crm.deal_kinds,
  add column counterparty_id bigint references crm.counterparties on delete set null,
  add column probability int check (probability between 0 and 100),
  add column source_id bigint references crm.sources,
  add column expected_close_date date,
  add column custom_fields jsonb not null default '{}' check (jsonb_typeof(custom_fields) = 'object'),
  add column loss_reason_id bigint references crm.loss_reasons,
  add column loss_comment text not null default '',
  add column stage_entered_at timestamptz not null default now();
update crm.deals d set pipeline_id = p.id,
       stage_id = coalesce((select s.id from crm.stages s where s.pipeline_id = p.id and s.code = d.stage),
                           (select s.id from crm.stages s where s.pipeline_id = p.id order by s.position limit 1))
  from crm.pipelines p where p.is_default;
alter table crm.deals drop column stage;
alter table crm.deals alter column pipeline_id set not null, alter column stage_id set not null;
alter table crm.deals add constraint deals_stage_fk foreign key (pipeline_id, stage_id)
  references crm.stages (pipeline_id, id);
create index deals_stage_idx on crm.deals (stage_id);
create index deals_client_idx on crm.deals (client_id);
create index deals_counterparty_idx on crm.deals (counterparty_id);
create index deals_fts_idx on crm.deals using gin (to_tsvector('russian', title));
create index deals_title_trgm_idx on crm.deals using gin (title gin_trgm_ops);

-- Problems of a deal's custom field values against its pipeline's definitions, as a JSON
-- array of {"field": "custom_fields.<key>", "message"}; [] when all is well. Runs as the
-- caller, so a file value must name a file the caller may see.
create function crm_api.custom_field_problems(p_pipeline_id bigint, p_values jsonb) returns jsonb
  language plpgsql stable as $$
declare
  f record;
  v jsonb;
  problems jsonb := '[]';
  k text;
  msg text;
begin
  if p_values is null or jsonb_typeof(p_values) <> 'object' then
    return jsonb_build_array(jsonb_build_object('field', 'custom_fields', 'message', 'must be an object'));
  end if;
  for k in select jsonb_object_keys(p_values) loop
    if not exists (select 1 from crm.custom_fields c where c.pipeline_id = p_pipeline_id and c.key = k) then
      problems := problems || jsonb_build_object('field', 'custom_fields.' || k,
                                                 'message', 'no such field in this pipeline');
    end if;
  end loop;
  for f in select * from crm.custom_fields c where c.pipeline_id = p_pipeline_id order by c.position, c.id loop
    v := p_values -> f.key;
    msg := null;
    if v is null or v = 'null' then
      if f.required and f.default_value is null then msg := 'required'; end if;
    elsif f.type = 'text' then
      if jsonb_typeof(v) <> 'string' then msg := 'must be a string';
      elsif length(v #>> '{}') > 2000 then msg := 'longer than 2000 characters'; end if;
    elsif f.type = 'number' then
      if jsonb_typeof(v) <> 'number' then msg := 'must be a number'; end if;
    elsif f.type = 'money' then
      if not ((jsonb_typeof(v) in ('number', 'string')) and (v #>> '{}') ~ '^[0-9]{1,16}(\.[0-9]{1,2})?$') then
        msg := 'must be a non-negative amount with at most 2 decimals';
      end if;
    elsif f.type = 'date' then
      if jsonb_typeof(v) <> 'string' or (v #>> '{}') !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' then
        msg := 'must be a date YYYY-MM-DD';
      else
        begin
          perform (v #>> '{}')::date;
        exception when others then
          msg := 'must be a date YYYY-MM-DD';
        end;
      end if;
    elsif f.type = 'boolean' then
      if jsonb_typeof(v) <> 'boolean' then msg := 'must be true or false'; end if;
    elsif f.type = 'enum' then
      if jsonb_typeof(v) <> 'string' or not ((v #>> '{}') = any (f.options)) then
        msg := 'must be one of: ' || array_to_string(f.options, ', ');
      end if;
    elsif f.type = 'file' then
      if jsonb_typeof(v) <> 'number' or not exists (select 1 from crm.files x where x.id = (v #>> '{}')::numeric) then
        msg := 'must be the id of a file you may see';
      end if;
    end if;
    if msg is not null then
      problems := problems || jsonb_build_object('field', 'custom_fields.' || f.key, 'message', msg);
    end if;
  end loop;
  return problems;
end
$$;

-- Defaults of a pipeline's custom fields merged under the given values.
create function crm_private.custom_field_defaults(p_pipeline_id bigint, p_values jsonb) returns jsonb
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select coalesce(jsonb_object_agg(c.key, c.default_value), '{}') || coalesce(p_values, '{}')
    from crm.custom_fields c
   where c.pipeline_id = p_pipeline_id and c.default_value is not null
     and (p_values -> c.key is null or p_values -> c.key = 'null')
$$;

-- Whether a forward move is one of the stage's offered branches (then it may jump stages);
-- the stage rules (260) fill it in.
create function crm_private.is_branch(p_from bigint, p_to bigint) returns boolean
  language sql stable security definer set search_path = pg_catalog, pg_temp
  return false;

-- The deal rules, before every insert and update (any path: API, console, SQL).
create function crm_private.deal_rules() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  from_stage crm.stages;
  to_stage crm.stages;
  blocking text;
  unpaid text;
  problems jsonb;
  counterparty_client bigint;
begin
  if new.pipeline_id is null then
    select id into new.pipeline_id from crm.pipelines where is_default;
  end if;
  if new.stage_id is null then
    select id into new.stage_id from crm.stages where pipeline_id = new.pipeline_id and kind = 'open'
     order by position limit 1;
  end if;
  select * into to_stage from crm.stages where id = new.stage_id;
  if not found or to_stage.pipeline_id <> new.pipeline_id then
    raise exception 'stage % is not a stage of pipeline %', new.stage_id, new.pipeline_id
      using errcode = 'CR422', column = 'stage_id';
  end if;

  if tg_op = 'UPDATE' and old.stage_id <> new.stage_id then
    select * into from_stage from crm.stages where id = old.stage_id;
    if from_stage.kind <> 'open' then
      raise exception 'the deal is closed (%): a closed deal does not move', from_stage.name
        using errcode = 'CR409';
    end if;
    if old.pipeline_id = new.pipeline_id and to_stage.kind <> 'lost' and to_stage.position > from_stage.position
       and not crm_private.is_branch(old.stage_id, new.stage_id) then
      select string_agg(format('«%s»', s.name), ', ' order by s.position) into blocking
        from crm.stages s
       where s.pipeline_id = new.pipeline_id and s.kind = 'open' and not s.skippable
         and s.position > from_stage.position and s.position < to_stage.position;
      if blocking is not null then
        raise exception 'the deal cannot jump from «%» to «%»: stage(s) % may not be skipped',
          from_stage.name, to_stage.name, blocking using errcode = 'CR409';
      end if;
    end if;
  end if;

  if to_stage.kind = 'lost' and new.loss_reason_id is null then
    raise exception 'a lost deal needs a loss reason' using errcode = 'CR422', column = 'loss_reason_id';
  end if;
  if to_stage.kind = 'won' and (tg_op = 'INSERT' or old.stage_id <> new.stage_id) then
    select string_agg(format('%s (%s of %s %s paid)', i.number, i.paid_amount, i.amount, i.currency), ', ' order by i.id)
      into unpaid
      from crm.invoices i where i.deal_id = new.id and not i.cancelled and i.paid_amount < i.amount;
    if unpaid is not null then
      raise exception 'the deal cannot be won while invoice(s) are unpaid: %', unpaid using errcode = 'CR409';
    end if;
  end if;

  if new.counterparty_id is not null then
    select client_id into counterparty_client from crm.counterparties where id = new.counterparty_id;
    if new.client_id is null or counterparty_client is distinct from new.client_id then
      raise exception 'counterparty % is not a legal entity of the deal''s client', new.counterparty_id
        using errcode = 'CR422', column = 'counterparty_id';
    end if;
  end if;

  if tg_op = 'INSERT' or old.custom_fields is distinct from new.custom_fields or old.pipeline_id <> new.pipeline_id then
    new.custom_fields := crm_private.custom_field_defaults(new.pipeline_id, new.custom_fields);
  end if;

  if tg_op = 'INSERT' or old.stage_id <> new.stage_id then
    new.stage_entered_at := now();
    new.closed_at := case when to_stage.kind = 'open' then null else now() end;
    if new.probability is null or tg_op = 'UPDATE' then
      new.probability := coalesce(to_stage.probability, new.probability);
    end if;
  end if;
  if to_stage.kind <> 'lost' then
    new.loss_reason_id := null;
  end if;
  return new;
end
$$;
create trigger deals_rules before insert or update on crm.deals
  for each row execute function crm_private.deal_rules();

-- Custom field values are checked as the caller (file visibility), after the definer rules.
create function crm_private.deal_custom_fields_check() returns trigger
  language plpgsql as $$
declare
  problems jsonb;
begin
  if tg_op = 'INSERT' or old.custom_fields is distinct from new.custom_fields or old.pipeline_id <> new.pipeline_id then
    problems := crm_api.custom_field_problems(new.pipeline_id, new.custom_fields);
    if jsonb_array_length(problems) > 0 then
      raise exception 'custom field values are invalid' using errcode = 'CR422', detail = problems::text;
    end if;
  end if;
  return new;
end
$$;
create trigger deals_zcustom_fields before insert or update on crm.deals
  for each row execute function crm_private.deal_custom_fields_check();

-- ---------------------------------------------------------------------------------------
-- The stage history: entered, left, by whom. Written by the database only.

create table crm.deal_stage_history (
  id bigint generated always as identity primary key,
  deal_id bigint not null references crm.deals on delete cascade,
  stage_id bigint not null references crm.stages,
  entered_at timestamptz not null default now(),
  left_at timestamptz,
  moved_by bigint references crm.users,
  -- moved by the stage rules (260) on behalf of moved_by
  by_automation boolean not null default false,
  -- inherited from the deal
  owner_id bigint not null,
  responsible_id bigint,
  department_id bigint,
  territory_id bigint
);
create index deal_stage_history_deal_idx on crm.deal_stage_history (deal_id, entered_at);

create function crm_private.deal_stage_history() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if tg_op = 'UPDATE' then
    if old.stage_id = new.stage_id then return null; end if;
    update crm.deal_stage_history set left_at = now() where deal_id = new.id and left_at is null;
  end if;
  insert into crm.deal_stage_history (deal_id, stage_id, moved_by, by_automation, owner_id, responsible_id, department_id,
                                      territory_id)
  values (new.id, new.stage_id, crm_private.rls_uid(),
          coalesce(pg_catalog.current_setting('crm.automation', true), 'off') = 'on',
          new.owner_id, new.responsible_id, new.department_id, new.territory_id);
  return null;
end
$$;
create trigger deals_stage_history after insert or update of stage_id on crm.deals
  for each row execute function crm_private.deal_stage_history();
insert into crm.deal_stage_history (deal_id, stage_id, entered_at, owner_id, responsible_id, department_id, territory_id)
select id, stage_id, created_at, owner_id, responsible_id, department_id, territory_id from crm.deals;

-- ---------------------------------------------------------------------------------------
-- Product lines of a deal.

create table crm.deal_lines (
  id bigint generated always as identity primary key,
  deal_id bigint not null references crm.deals on delete cascade,
  product_id bigint not null references crm.products,
  quantity numeric(18,3) not null check (quantity > 0),
  price numeric(18,2) not null check (price >= 0),
  amount numeric(18,2) generated always as (round(quantity * price, 2)) stored,
  -- inherited from the deal
  owner_id bigint not null,
  responsible_id bigint,
  department_id bigint,
  territory_id bigint,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index deal_lines_deal_idx on crm.deal_lines (deal_id);

-- ---------------------------------------------------------------------------------------
-- Interactions: on a client and optionally a deal (or on a deal whose client is not known yet).

create table crm.interactions (
  id bigint generated always as identity primary key,
  client_id bigint references crm.clients on delete cascade,
  deal_id bigint references crm.deals on delete set null,
  contact_id bigint references crm.contacts on delete set null,
  kind text not null check (kind in ('call', 'email', 'meeting', 'message')),
  direction text not null default 'outbound' check (direction in ('inbound', 'outbound')),
  occurred_at timestamptz not null default now(),
  duration_seconds int check (duration_seconds between 0 and 86400),
  summary text not null default '' check (length(summary) <= 10000),
  owner_id bigint not null default crm_private.rls_uid() references crm.users,
  -- inherited from the client (or the deal)
  department_id bigint,
  territory_id bigint,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (client_id is not null or deal_id is not null)
);
create index interactions_client_idx on crm.interactions (client_id, occurred_at desc);
create index interactions_deal_idx on crm.interactions (deal_id, occurred_at desc);
create index interactions_occurred_idx on crm.interactions (occurred_at desc, id desc);
create index interactions_fts_idx on crm.interactions using gin (to_tsvector('russian', summary));

-- The deal's client when only the deal is named.
create function crm_private.interaction_client() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if new.client_id is null and new.deal_id is not null then
    select client_id into new.client_id from crm.deals where id = new.deal_id;
  end if;
  return new;
end
$$;

-- ---------------------------------------------------------------------------------------
-- Tasks: description, reminder, the assignee's time zone, completion time.

alter table crm.tasks
  add column description text not null default '' check (length(description) <= 10000),
  add column reminder_at timestamptz,
  add column time_zone text,
  add column completed_at timestamptz;
update crm.tasks t set time_zone = u.time_zone from crm.users u where u.id = t.assignee_id;
create index tasks_assignee_idx on crm.tasks (assignee_id, due_at);
create index tasks_client_idx on crm.tasks (client_id);
create index tasks_deal_idx on crm.tasks (deal_id);
create index tasks_reminder_idx on crm.tasks (reminder_at) where status = 'open' and reminder_at is not null;
create index tasks_fts_idx on crm.tasks using gin (to_tsvector('russian', title || ' ' || description));

-- The assignee's time zone when none is given (and when the assignee changes); completion time.
create function crm_private.task_fill() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if new.time_zone is null or (tg_op = 'UPDATE' and old.assignee_id <> new.assignee_id and old.time_zone = new.time_zone) then
    select time_zone into new.time_zone from crm.users where id = new.assignee_id;
  end if;
  if not crm_private.is_valid_time_zone(new.time_zone) then
    raise exception 'unknown time zone %', new.time_zone using errcode = 'CR422', column = 'time_zone';
  end if;
  if new.status = 'done' and (tg_op = 'INSERT' or old.status <> 'done') then
    new.completed_at := now();
  elsif new.status <> 'done' then
    new.completed_at := null;
  end if;
  return new;
end
$$;
create trigger tasks_zfill before insert or update on crm.tasks
  for each row execute function crm_private.task_fill();

-- ---------------------------------------------------------------------------------------
-- Invoices and payments: per deal and counterparty. paid_amount is kept by the payments.

create table crm.invoices (
  id bigint generated always as identity primary key,
  deal_id bigint not null references crm.deals on delete restrict,
  counterparty_id bigint not null references crm.counterparties on delete restrict,
  number text not null check (length(btrim(number)) between 1 and 50),
  issued_on date not null default current_date,
  due_on date,
  amount numeric(18,2) not null check (amount > 0),
  currency char(3) not null default 'RUB' check (currency ~ '^[A-Z]{3}$'),
  paid_amount numeric(18,2) not null default 0,
  cancelled boolean not null default false,
  status text generated always as (case when cancelled then 'cancelled'
                                        when paid_amount >= amount then 'paid'
                                        when paid_amount > 0 then 'partially_paid'
                                        else 'unpaid' end) stored,
  -- inherited from the deal
  owner_id bigint not null,
  responsible_id bigint,
  department_id bigint,
  territory_id bigint,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (due_on is null or due_on >= issued_on)
);
create unique index invoices_number_uq on crm.invoices (number, extract(year from issued_on));
create index invoices_deal_idx on crm.invoices (deal_id);
create index invoices_counterparty_idx on crm.invoices (counterparty_id);
create index invoices_unpaid_idx on crm.invoices (deal_id) where status in ('unpaid', 'partially_paid');

-- The counterparty of an invoice must be a legal entity of the deal's client; paid_amount is
-- not written by hand.
create function crm_private.invoice_rules() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if not exists (select 1 from crm.counterparties c join crm.deals d on d.client_id = c.client_id
                  where c.id = new.counterparty_id and d.id = new.deal_id) then
    raise exception 'counterparty % is not a legal entity of the client of deal %', new.counterparty_id, new.deal_id
      using errcode = 'CR422', column = 'counterparty_id';
  end if;
  if tg_op = 'INSERT' then
    new.paid_amount := 0;
  elsif new.paid_amount <> old.paid_amount and pg_catalog.pg_trigger_depth() < 2 then
    new.paid_amount := old.paid_amount;   -- only crm_private.payments_sync (a nested trigger) writes it
  end if;
  return new;
end
$$;
create trigger invoices_rules before insert or update on crm.invoices
  for each row execute function crm_private.invoice_rules();

create table crm.payments (
  id bigint generated always as identity primary key,
  invoice_id bigint not null references crm.invoices on delete restrict,
  amount numeric(18,2) not null check (amount > 0),
  paid_on date not null default current_date,
  reference text not null default '' check (length(reference) <= 200),
  -- inherited from the invoice
  owner_id bigint not null,
  responsible_id bigint,
  department_id bigint,
  territory_id bigint,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index payments_invoice_idx on crm.payments (invoice_id);

create function crm_private.payments_sync() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  ids bigint[] := array(select distinct x from unnest(array[(to_jsonb(old) ->> 'invoice_id')::bigint,
                                                           (to_jsonb(new) ->> 'invoice_id')::bigint]) x where x is not null);
begin
  update crm.invoices i set paid_amount = coalesce((select sum(p.amount) from crm.payments p where p.invoice_id = i.id), 0)
   where i.id = any (ids);
  return null;
end
$$;
create trigger payments_sync after insert or update or delete on crm.payments
  for each row execute function crm_private.payments_sync();

-- ---------------------------------------------------------------------------------------
-- Files: content in PostgreSQL (content) or in a configured folder (storage_path).

create table crm.files (
  id bigint generated always as identity primary key,
  name text not null check (length(btrim(name)) between 1 and 255 and name !~ '[/\\\x01-\x1f]'),
  content_type text not null check (content_type ~ '^[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+$'),
  size_bytes bigint not null check (size_bytes >= 0),
  sha256 bytea not null check (length(sha256) = 32),
  content bytea,
  storage_path text,
  client_id bigint references crm.clients on delete cascade,
  deal_id bigint references crm.deals on delete cascade,
  owner_id bigint not null default crm_private.rls_uid() references crm.users,
  responsible_id bigint,
  department_id bigint,
  territory_id bigint,
  is_private boolean not null default false,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((content is null) <> (storage_path is null)),
  check (content is null or length(content) = size_bytes)
);
create index files_client_idx on crm.files (client_id);
create index files_deal_idx on crm.files (deal_id);

-- ---------------------------------------------------------------------------------------
-- Triggers of the new and changed tables, then the one declaration for each.

create trigger counterparties_inherit before insert or update on crm.counterparties
  for each row execute function crm_private.inherit_rules('crm.clients', 'client_id',
    'owner_id', 'responsible_id', 'department_id', 'territory_id', 'is_private');
create trigger deal_lines_inherit before insert or update on crm.deal_lines
  for each row execute function crm_private.inherit_rules('crm.deals', 'deal_id',
    'owner_id', 'responsible_id', 'department_id', 'territory_id');
create trigger interactions_client before insert or update on crm.interactions
  for each row execute function crm_private.interaction_client();
create trigger interactions_inherit_client before insert or update on crm.interactions
  for each row execute function crm_private.inherit_rules('crm.clients', 'client_id', 'department_id', 'territory_id');
create trigger interactions_zfill before insert on crm.interactions
  for each row execute function crm_private.fill_rule_columns();
create trigger invoices_inherit before insert or update on crm.invoices
  for each row execute function crm_private.inherit_rules('crm.deals', 'deal_id',
    'owner_id', 'responsible_id', 'department_id', 'territory_id');
create trigger payments_inherit before insert or update on crm.payments
  for each row execute function crm_private.inherit_rules('crm.invoices', 'invoice_id',
    'owner_id', 'responsible_id', 'department_id', 'territory_id');
create trigger files_inherit_client before insert or update on crm.files
  for each row execute function crm_private.inherit_rules('crm.clients', 'client_id',
    'department_id', 'territory_id', 'is_private');
create trigger files_inherit_deal before insert or update on crm.files
  for each row execute function crm_private.inherit_rules('crm.deals', 'deal_id', 'department_id', 'territory_id');
create trigger files_zfill before insert on crm.files
  for each row execute function crm_private.fill_rule_columns();

do $$
declare
  t text;
begin
  foreach t in array array['counterparties', 'products', 'deal_lines', 'interactions', 'invoices', 'payments',
                           'files'] loop
    execute format('create trigger %I before update on crm.%I for each row execute function crm_private.touch_row()',
                   t || '_touch', t);
  end loop;
end
$$;

drop trigger clients_propagate_rules on crm.clients;
create trigger clients_propagate_rules after update on crm.clients
  for each row execute function crm_private.propagate_rules('crm.contacts', 'client_id', 'crm.counterparties', 'client_id',
    'crm.interactions', 'client_id', 'crm.files', 'client_id');
create trigger deals_propagate_rules after update on crm.deals
  for each row execute function crm_private.propagate_rules('crm.deal_lines', 'deal_id', 'crm.invoices', 'deal_id',
    'crm.deal_stage_history', 'deal_id', 'crm.files', 'deal_id');
create trigger invoices_propagate_rules after update on crm.invoices
  for each row execute function crm_private.propagate_rules('crm.payments', 'invoice_id');

create trigger deal_stage_history_inherit before update on crm.deal_stage_history
  for each row execute function crm_private.inherit_rules('crm.deals', 'deal_id',
    'owner_id', 'responsible_id', 'department_id', 'territory_id');

select crm_private.secure_table('crm.counterparties', entity => 'counterparty', private_column => 'is_private',
                                parent_column => 'client_id', parent_entity => 'client');
select crm_private.secure_table('crm.products', entity => 'product', own_columns => '{}',
                                department_column => null, territory_column => null);
select crm_private.secure_table('crm.deal_stage_history', entity => 'deal', parent_column => 'deal_id', parent_entity => 'deal');
select crm_private.secure_table('crm.deal_lines', entity => 'deal', parent_column => 'deal_id', parent_entity => 'deal');
select crm_private.secure_table('crm.interactions', entity => 'interaction', own_columns => '{owner_id}');
select crm_private.secure_table('crm.invoices', entity => 'invoice', parent_column => 'deal_id', parent_entity => 'deal');
select crm_private.secure_table('crm.payments', entity => 'invoice');
select crm_private.secure_table('crm.files', entity => 'document', private_column => 'is_private',
                                audit_redact => '{content}');
-- The history is written by the database only.
revoke insert, update, delete on crm.deal_stage_history from crm_user;

-- Several tables now share an entity's rules (deal lines and the stage history are 'deal'
-- rows, payments 'invoice' rows): a share names a row of the entity's own table.
create table crm_private.entity_tables (
  entity crm.entity_name primary key,
  table_name regclass not null unique
);
insert into crm_private.entity_tables values
  ('client', 'crm.clients'), ('counterparty', 'crm.counterparties'), ('contact', 'crm.contacts'), ('deal', 'crm.deals'),
  ('task', 'crm.tasks'), ('interaction', 'crm.interactions'), ('document', 'crm.files'), ('product', 'crm.products'),
  ('invoice', 'crm.invoices');

-- Whether the acting user owns row p_row_id of the entity's own table (who may share it).
create or replace function crm_private.owns_row(p_entity text, p_row_id bigint) returns boolean
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  t crm_private.secured_tables;
  result boolean;
begin
  select s.* into t from crm_private.secured_tables s join crm_private.entity_tables e on e.table_name = s.table_name
   where e.entity = p_entity and s.kind = 'business';
  if not found or t.own_columns is null or cardinality(t.own_columns) = 0 then
    return false;
  end if;
  execute format('select exists (select 1 from %s where id = $1 and %I = $2)', t.table_name, t.own_columns[1])
    into result using p_row_id, crm_private.rls_uid();
  return result;
end
$$;

revoke execute on all functions in schema crm_private, crm_api, audit from public;
grant execute on function crm_api.custom_field_problems(bigint, jsonb) to crm_user;
grant execute on function crm_private.owns_row(text, bigint) to crm_user;
