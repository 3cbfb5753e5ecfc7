-- documents/documents.sql: documents: company profile, versioned templates, documents of a deal, gapless numbers.
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/380_documents.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

drop trigger if exists company_profile_touch on crm.company_profile;
create trigger company_profile_touch before update on crm.company_profile
  for each row execute function crm_private.touch_row();

select crm_private.secure_identity_table('crm.company_profile', 'all');

-- The one row stays: no insert or delete through the API.
revoke insert, delete on crm.company_profile from crm_user;

drop trigger if exists document_templates_touch on crm.document_templates;
create trigger document_templates_touch before update on crm.document_templates
  for each row execute function crm_private.touch_row();

-- A new body is a new version; the kind never changes (a document's number sequence is its kind's).
create or replace function crm_private.document_template_version() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if tg_op = 'INSERT' then
    new.body_version := 1;
  elsif new.kind <> old.kind then
    raise exception 'the kind of a template cannot change; make a new template'
      using errcode = 'CR422', column = 'kind';
  elsif new.body is distinct from old.body then
    new.body_version := old.body_version + 1;
  else
    new.body_version := old.body_version;
  end if;
  if tg_op = 'INSERT' or new.body is distinct from old.body then
    insert into crm.document_template_versions (template_id, body_version, kind, body, created_by)
    values (new.id, new.body_version, new.kind, new.body, crm_private.rls_uid());
  end if;
  return new;
end
$$;

drop trigger if exists document_templates_version on crm.document_templates;
create trigger document_templates_version before insert or update on crm.document_templates
  for each row execute function crm_private.document_template_version();

select crm_private.secure_identity_table('crm.document_templates', 'all');

select crm_private.secure_identity_table('crm.document_template_versions', 'all');

-- Versions are written by the trigger only and never changed.
revoke insert, update, delete on crm.document_template_versions from crm_user;

-- Takes the next number of p_kind in the company's current year: (number, date of issue).
-- The counter row stays locked until the transaction ends: a concurrent document of the same
-- kind and year waits, then takes the next number; a rollback gives the number back.
create or replace function crm_api.next_document_number(p_kind text)
  returns table (number int, issued_on date)
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  today date := (now() at time zone (select c.company_time_zone from crm_private.config c))::date;
  taken int;
begin
  if crm_private.rls_uid() is null then
    raise exception 'no acting user' using errcode = 'CR403';
  end if;
  if p_kind not in ('proposal', 'contract', 'specification', 'invoice', 'letter') then
    raise exception 'unknown document kind %', p_kind using errcode = 'CR422', column = 'kind';
  end if;
  insert into crm_private.document_counters as c (kind, year, last_number)
  values (p_kind, extract(year from today)::int, 1)
  on conflict (kind, year) do update set last_number = c.last_number + 1
  returning c.last_number into taken;
  return query select taken, today;
end
$$;

grant execute on function crm_api.next_document_number(text) to crm_user;

drop trigger if exists documents_inherit on crm.documents;
create trigger documents_inherit before insert or update on crm.documents
  for each row execute function crm_private.inherit_rules('crm.deals', 'deal_id',
    'owner_id', 'responsible_id', 'department_id', 'territory_id', 'client_id');

drop trigger if exists documents_touch on crm.documents;
create trigger documents_touch before update on crm.documents
  for each row execute function crm_private.touch_row();

-- A document's number is the counter's last one (no invented numbers; with the unique key, the
-- number this transaction took and holds locked).
create or replace function crm_private.document_number_taken() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if not exists (select 1 from crm_private.document_counters c
                  where c.kind = new.kind and c.year = new.year and c.last_number = new.number) then
    raise exception 'document number % of % was not taken from its sequence', new.number, new.year
      using errcode = 'CR409';
  end if;
  return new;
end
$$;

drop trigger if exists documents_number_taken on crm.documents;
create trigger documents_number_taken before insert on crm.documents
  for each row execute function crm_private.document_number_taken();

-- At commit: the number a transaction took belongs to a document (else the commit fails).
create or replace function crm_private.document_counter_used() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if not exists (select 1 from crm.documents d
                  where d.kind = new.kind and d.year = new.year and d.number = new.last_number) then
    raise exception 'document number % of % was taken but no document was stored', new.last_number, new.year
      using errcode = 'CR409';
  end if;
  return null;
end
$$;

drop trigger if exists document_counters_used on crm_private.document_counters;
create constraint trigger document_counters_used after insert or update on crm_private.document_counters
  deferrable initially deferred for each row execute function crm_private.document_counter_used();

drop trigger if exists deals_propagate_rules on crm.deals;
create trigger deals_propagate_rules after update on crm.deals
  for each row execute function crm_private.propagate_rules('crm.deal_lines', 'deal_id', 'crm.invoices', 'deal_id',
    'crm.deal_stage_history', 'deal_id', 'crm.files', 'deal_id', 'crm.documents', 'deal_id');

create or replace function crm_api.document_data(p_deal_id bigint) returns json
  language sql stable as $$
  select json_build_object(
    'deal', json_build_object('id', d.id, 'title', d.title, 'amount', d.amount::text, 'currency', d.currency,
                              'expected_close_date', d.expected_close_date, 'created_at', d.created_at::date),
    'client', (select json_build_object('id', c.id, 'name', c.name) from crm.clients c where c.id = d.client_id),
    'contact', (select json_build_object('name', p.name, 'position', p.position)
                  from crm.contacts p where p.client_id = d.client_id order by p.id limit 1),
    'counterparty', (select json_build_object('id', k.id, 'legal_name', k.legal_name, 'inn', k.inn, 'kpp', k.kpp,
                                              'ogrn', k.ogrn, 'address', k.address, 'bank_name', k.bank_name, 'bik', k.bik,
                                              'account', k.account, 'correspondent_account', k.correspondent_account)
                       from crm.counterparties k
                      where k.id = d.counterparty_id
                         or (d.counterparty_id is null and k.client_id = d.client_id
                             and k.valid_from <= current_date and (k.valid_to is null or k.valid_to >= current_date))
                      order by (k.id = d.counterparty_id) desc, k.valid_from desc, k.id desc limit 1),
    'company', (select json_build_object('legal_name', f.legal_name, 'inn', f.inn, 'kpp', f.kpp, 'ogrn', f.ogrn,
                                         'address', f.address, 'phone', f.phone, 'email', f.email, 'bank_name', f.bank_name,
                                         'bik', f.bik, 'account', f.account, 'correspondent_account', f.correspondent_account,
                                         'director_title', f.director_title, 'director_name', f.director_name,
                                         'accountant_name', f.accountant_name, 'vat_rate', f.vat_rate,
                                         'logo', case when f.logo is not null
                                                      then 'data:' || f.logo_content_type || ';base64,'
                                                           || translate(encode(f.logo, 'base64'), E'\n', '') end)
                  from crm.company_profile f where f.id = 1),
    'responsible', (select json_build_object('name', u.name, 'email', u.email, 'phone', u.phone)
                      from crm.users u where u.id = coalesce(d.responsible_id, d.owner_id)),
    'lines', coalesce(
        (select json_agg(json_build_object('name', p.name, 'article', p.article, 'unit', p.unit,
                                           'quantity', l.quantity::text, 'price', l.price::text, 'amount', l.amount::text)
                         order by l.id)
           from crm.deal_lines l join crm.products p on p.id = l.product_id where l.deal_id = d.id),
        -- a deal without product lines is one line: its title for its amount
        json_build_array(json_build_object('name', d.title, 'article', null, 'unit', 'шт', 'quantity', '1',
                                           'price', d.amount::text, 'amount', d.amount::text))))
  from crm.deals d where d.id = p_deal_id
$$;

grant execute on function crm_api.document_data(bigint) to crm_user;

-- The documents of a client (for its card), newest first, under the caller's rules.
create or replace function crm_api.client_documents(p_client_id bigint) returns json
  language sql stable as $$
  select coalesce(json_agg(row_to_json(x) order by x.created_at desc, x.id desc), '[]')
    from (select o.id, o.deal_id, o.kind, o.number, o.issued_on, o.title, o.total::text as total, o.currency,
                 o.html_file_id, o.pdf_file_id, o.created_by, o.created_at
            from crm.documents o where o.client_id = p_client_id
           order by o.created_at desc, o.id desc limit 50) x
$$;

revoke execute on all functions in schema crm_private, crm_api, audit from public;

grant execute on function crm_api.next_document_number(text), crm_api.document_data(bigint),
  crm_api.client_documents(bigint) to crm_user;
