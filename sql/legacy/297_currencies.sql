-- 297 Currencies come from a table (ISO 4217; RUB by default), an invoice is in its deal's
-- currency, and sums are never added across currencies.
--   * crm.currencies: code, name, minor units; read by everyone, written by administrators (a
--     catalog). A deal, an invoice or a product in a code that is not there is refused (422
--     naming currency).
--   * An invoice takes its deal's currency (always; the API shows it read-only); a deal's
--     currency cannot change while it has invoices (409).
--   * The client card's money analytics are per currency: analytics.amounts is a list of
--     {currency, won_amount, invoiced_amount, paid_amount}, one item per currency used.

create table crm.currencies (
  code char(3) primary key check (code ~ '^[A-Z]{3}$'),
  name text not null check (length(btrim(name)) between 1 and 100),
  minor_units int not null default 2 check (minor_units between 0 and 4),
  created_at timestamptz not null default now()
);
select crm_private.secure_identity_table('crm.currencies', 'all', p_bi => true);

insert into crm.currencies (code, name, minor_units) values
  ('RUB', 'Российский рубль', 2), ('USD', 'Доллар США', 2), ('EUR', 'Евро', 2), ('CNY', 'Китайский юань', 2),
  ('BYN', 'Белорусский рубль', 2), ('KZT', 'Казахстанский тенге', 2), ('UZS', 'Узбекский сум', 2),
  ('KGS', 'Киргизский сом', 2), ('AMD', 'Армянский драм', 2), ('AZN', 'Азербайджанский манат', 2),
  ('GEL', 'Грузинский лари', 2), ('TRY', 'Турецкая лира', 2), ('AED', 'Дирхам ОАЭ', 2), ('INR', 'Индийская рупия', 2),
  ('GBP', 'Фунт стерлингов', 2), ('CHF', 'Швейцарский франк', 2), ('JPY', 'Японская иена', 0),
  ('TJS', 'Таджикский сомони', 2), ('MDL', 'Молдавский лей', 2), ('HKD', 'Гонконгский доллар', 2);

-- Any currency a row of a business table names must be in the table (a 422, not a 409 of a
-- foreign key: the caller typed it).
create function crm_private.currency_known() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if new.currency is not null and not exists (select 1 from crm.currencies c where c.code = new.currency) then
    raise exception 'unknown currency %; the currencies are those of the currencies catalog (RUB, USD, EUR, ...)', new.currency
      using errcode = 'CR422', column = 'currency';
  end if;
  return new;
end
$$;
create trigger deals_currency_known before insert or update of currency on crm.deals
  for each row execute function crm_private.currency_known();
create trigger products_currency_known before insert or update of currency on crm.products
  for each row execute function crm_private.currency_known();

-- An invoice is in its deal's currency.
create function crm_private.invoice_currency() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  new.currency := (select d.currency from crm.deals d where d.id = new.deal_id);
  return new;
end
$$;
create trigger invoices_currency before insert or update of currency, deal_id on crm.invoices
  for each row execute function crm_private.invoice_currency();

create function crm_private.deal_currency_fixed() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if new.currency is distinct from old.currency and exists (select 1 from crm.invoices v where v.deal_id = new.id and not v.cancelled) then
    raise exception 'the deal has invoices in %: its currency cannot change', old.currency
      using errcode = 'CR409';
  end if;
  return new;
end
$$;
create trigger deals_currency_fixed before update of currency on crm.deals
  for each row execute function crm_private.deal_currency_fixed();

-- The client card, money per currency (the rest as in 150).
create or replace function crm_api.client_card(p_client_id bigint) returns json
  language sql stable as $$
  select json_build_object(
    'client', (select row_to_json(x) from (
        select c.id, c.name, c.kind, c.owner_id, c.responsible_id, c.department_id, c.territory_id, c.source_id,
               c.is_private, c.notes, c.version, c.created_at, c.updated_at) x),
    'counterparties', (select coalesce(json_agg(row_to_json(x) order by x.current desc, x.valid_from desc, x.id), '[]')
        from (select k.id, k.legal_name, k.inn, k.kpp, k.ogrn, k.address, k.valid_from, k.valid_to,
                     (k.valid_to is null or k.valid_to >= current_date) as current
                from crm.counterparties k where k.client_id = c.id) x),
    'contacts', (select coalesce(json_agg(row_to_json(x) order by x.name, x.id), '[]')
        from (select p.id, p.name, p.position, p.phones, p.emails from crm.contacts p where p.client_id = c.id) x),
    'open_deals', (select coalesce(json_agg(row_to_json(x) order by x.created_at desc, x.id desc), '[]')
        from (select d.id, d.title, d.pipeline_id, d.stage_id, s.name as stage, d.amount::text as amount, d.currency,
                     d.probability, d.expected_close_date, d.owner_id, d.responsible_id, d.created_at
                from crm.deals d join crm.stages s on s.id = d.stage_id
               where d.client_id = c.id and s.kind = 'open') x),
    'recent_interactions', (select coalesce(json_agg(row_to_json(x) order by x.occurred_at desc, x.id desc), '[]')
        from (select i.id, i.kind, i.direction, i.occurred_at, i.duration_seconds, i.summary, i.deal_id, i.owner_id
                from crm.interactions i where i.client_id = c.id order by i.occurred_at desc, i.id desc limit 20) x),
    'open_tasks', (select coalesce(json_agg(row_to_json(x) order by x.due_at nulls last, x.id), '[]')
        from (select t.id, t.title, t.assignee_id, t.due_at, t.time_zone, t.status, t.deal_id
                from crm.tasks t
               where t.status = 'open'
                 and t.id in (select k.id from crm.tasks k where k.client_id = c.id
                              union
                              select k.id from crm.tasks k join crm.deals d on d.id = k.deal_id where d.client_id = c.id)) x),
    'unpaid_invoices', (select coalesce(json_agg(row_to_json(x) order by x.due_on nulls last, x.id), '[]')
        from (select v.id, v.number, v.deal_id, v.counterparty_id, v.issued_on, v.due_on, v.amount::text as amount,
                     v.paid_amount::text as paid_amount, v.currency, v.status
                from crm.invoices v join crm.counterparties k on k.id = v.counterparty_id
               where k.client_id = c.id and v.status in ('unpaid', 'partially_paid')) x),
    'analytics', (select json_build_object(
        'deals_open', count(*) filter (where s.kind = 'open'),
        'deals_won', count(*) filter (where s.kind = 'won'),
        'deals_lost', count(*) filter (where s.kind = 'lost'),
        'counterparties_ever', (select count(*) from crm.counterparties k where k.client_id = c.id),
        'amounts', (select coalesce(json_agg(json_build_object(
                        'currency', m.currency, 'won_amount', m.won::text, 'invoiced_amount', m.invoiced::text,
                        'paid_amount', m.paid::text) order by m.currency), '[]')
                      from (select u.currency, sum(u.won) as won, sum(u.invoiced) as invoiced, sum(u.paid) as paid
                              from (select d2.currency, d2.amount as won, 0::numeric as invoiced, 0::numeric as paid
                                      from crm.deals d2 join crm.stages s2 on s2.id = d2.stage_id
                                     where d2.client_id = c.id and s2.kind = 'won'
                                    union all
                                    select v.currency, 0, v.amount, v.paid_amount
                                      from crm.invoices v join crm.counterparties k on k.id = v.counterparty_id
                                     where k.client_id = c.id and not v.cancelled) u
                             group by u.currency) m))
        from crm.deals d join crm.stages s on s.id = d.stage_id where d.client_id = c.id))
  from crm.clients c where c.id = p_client_id
$$;

revoke execute on all functions in schema crm_private, crm_api, audit from public;
grant execute on function crm_api.client_card(bigint) to crm_user;
