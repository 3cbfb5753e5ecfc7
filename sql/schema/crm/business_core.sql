-- crm/business_core.sql: the CRM core's rules: counterparties, contacts, products, deals and lines, interactions, invoices, payments, files.
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/130_business_core.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

-- BEFORE INSERT OR UPDATE: copy tg_argv[2..] from the parent row tg_argv[0] named by column
-- tg_argv[1] (a null key copies nothing: the row keeps its own values or defaults).
create or replace function crm_private.inherit_rules() returns trigger
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
create or replace function crm_private.propagate_rules() returns trigger
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

-- The counterparty with this ИНН/КПП whoever may see it (for the 409 answer: the caller then
-- reads it under its own rules, so an invisible one is named by nothing but its existence).
create or replace function crm_api.counterparty_by_inn(p_inn text, p_kpp text) returns bigint
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select id from crm.counterparties where inn = p_inn and coalesce(kpp, '') = coalesce(p_kpp, '')
$$;

grant execute on function crm_api.counterparty_by_inn(text, text) to crm_user;

-- Clients whose name is similar (trigram) to p_name, under the caller's rules.
create or replace function crm_api.similar_clients(p_name text, p_limit int default 5)
  returns table (id bigint, name text, similarity real)
  language sql stable as $$
  select c.id, c.name, similarity(c.name, p_name) from crm.clients c
   where c.name % p_name order by similarity(c.name, p_name) desc, c.id limit p_limit
$$;

grant execute on function crm_api.similar_clients(text, int) to crm_user;

-- Problems of a deal's custom field values against its pipeline's definitions, as a JSON
-- array of {"field": "custom_fields.<key>", "message"}; [] when all is well. Runs as the
-- caller, so a file value must name a file the caller may see.
create or replace function crm_api.custom_field_problems(p_pipeline_id bigint, p_values jsonb) returns jsonb
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
create or replace function crm_private.custom_field_defaults(p_pipeline_id bigint, p_values jsonb) returns jsonb
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select coalesce(jsonb_object_agg(c.key, c.default_value), '{}') || coalesce(p_values, '{}')
    from crm.custom_fields c
   where c.pipeline_id = p_pipeline_id and c.default_value is not null
     and (p_values -> c.key is null or p_values -> c.key = 'null')
$$;

-- The deal rules, before every insert and update (any path: API, console, SQL).
create or replace function crm_private.deal_rules() returns trigger
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

drop trigger if exists deals_rules on crm.deals;
create trigger deals_rules before insert or update on crm.deals
  for each row execute function crm_private.deal_rules();

-- Custom field values are checked as the caller (file visibility), after the definer rules.
create or replace function crm_private.deal_custom_fields_check() returns trigger
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

drop trigger if exists deals_zcustom_fields on crm.deals;
create trigger deals_zcustom_fields before insert or update on crm.deals
  for each row execute function crm_private.deal_custom_fields_check();

create or replace function crm_private.deal_stage_history() returns trigger
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

drop trigger if exists deals_stage_history on crm.deals;
create trigger deals_stage_history after insert or update of stage_id on crm.deals
  for each row execute function crm_private.deal_stage_history();

-- The deal's client when only the deal is named.
create or replace function crm_private.interaction_client() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if new.client_id is null and new.deal_id is not null then
    select client_id into new.client_id from crm.deals where id = new.deal_id;
  end if;
  return new;
end
$$;

-- The assignee's time zone when none is given (and when the assignee changes); completion time.
create or replace function crm_private.task_fill() returns trigger
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

drop trigger if exists tasks_zfill on crm.tasks;
create trigger tasks_zfill before insert or update on crm.tasks
  for each row execute function crm_private.task_fill();

-- The counterparty of an invoice must be a legal entity of the deal's client; paid_amount is
-- not written by hand.
create or replace function crm_private.invoice_rules() returns trigger
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

drop trigger if exists invoices_rules on crm.invoices;
create trigger invoices_rules before insert or update on crm.invoices
  for each row execute function crm_private.invoice_rules();

create or replace function crm_private.payments_sync() returns trigger
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

drop trigger if exists payments_sync on crm.payments;
create trigger payments_sync after insert or update or delete on crm.payments
  for each row execute function crm_private.payments_sync();

drop trigger if exists counterparties_inherit on crm.counterparties;
create trigger counterparties_inherit before insert or update on crm.counterparties
  for each row execute function crm_private.inherit_rules('crm.clients', 'client_id',
    'owner_id', 'responsible_id', 'department_id', 'territory_id', 'is_private');

drop trigger if exists deal_lines_inherit on crm.deal_lines;
create trigger deal_lines_inherit before insert or update on crm.deal_lines
  for each row execute function crm_private.inherit_rules('crm.deals', 'deal_id',
    'owner_id', 'responsible_id', 'department_id', 'territory_id');

drop trigger if exists interactions_client on crm.interactions;
create trigger interactions_client before insert or update on crm.interactions
  for each row execute function crm_private.interaction_client();

drop trigger if exists interactions_inherit_client on crm.interactions;
create trigger interactions_inherit_client before insert or update on crm.interactions
  for each row execute function crm_private.inherit_rules('crm.clients', 'client_id', 'department_id', 'territory_id');

drop trigger if exists interactions_zfill on crm.interactions;
create trigger interactions_zfill before insert on crm.interactions
  for each row execute function crm_private.fill_rule_columns();

drop trigger if exists invoices_inherit on crm.invoices;
create trigger invoices_inherit before insert or update on crm.invoices
  for each row execute function crm_private.inherit_rules('crm.deals', 'deal_id',
    'owner_id', 'responsible_id', 'department_id', 'territory_id');

drop trigger if exists payments_inherit on crm.payments;
create trigger payments_inherit before insert or update on crm.payments
  for each row execute function crm_private.inherit_rules('crm.invoices', 'invoice_id',
    'owner_id', 'responsible_id', 'department_id', 'territory_id');

drop trigger if exists files_inherit_client on crm.files;
create trigger files_inherit_client before insert or update on crm.files
  for each row execute function crm_private.inherit_rules('crm.clients', 'client_id',
    'department_id', 'territory_id', 'is_private');

drop trigger if exists files_inherit_deal on crm.files;
create trigger files_inherit_deal before insert or update on crm.files
  for each row execute function crm_private.inherit_rules('crm.deals', 'deal_id', 'department_id', 'territory_id');

drop trigger if exists files_zfill on crm.files;
create trigger files_zfill before insert on crm.files
  for each row execute function crm_private.fill_rule_columns();

do $$
declare
  t text;
begin
  foreach t in array array['counterparties', 'products', 'deal_lines', 'interactions', 'invoices', 'payments',
                           'files'] loop
    execute format('create or replace trigger %I before update on crm.%I for each row execute function crm_private.touch_row()',
                   t || '_touch', t);
  end loop;
end
$$;

drop trigger if exists clients_propagate_rules on crm.clients;
create trigger clients_propagate_rules after update on crm.clients
  for each row execute function crm_private.propagate_rules('crm.contacts', 'client_id', 'crm.counterparties', 'client_id',
    'crm.interactions', 'client_id', 'crm.files', 'client_id');

drop trigger if exists invoices_propagate_rules on crm.invoices;
create trigger invoices_propagate_rules after update on crm.invoices
  for each row execute function crm_private.propagate_rules('crm.payments', 'invoice_id');

drop trigger if exists deal_stage_history_inherit on crm.deal_stage_history;
create trigger deal_stage_history_inherit before update on crm.deal_stage_history
  for each row execute function crm_private.inherit_rules('crm.deals', 'deal_id',
    'owner_id', 'responsible_id', 'department_id', 'territory_id');

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
