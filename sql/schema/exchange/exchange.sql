-- exchange/exchange.sql: the 1C exchange (issue 14; tables in sql/migrations/430_exchange_tables.sql).
-- CommerceML 2 over the "exchange with site" protocol: the HTTP side (Sources/HTTPAPI/Exchange)
-- parses the files and calls these functions, one call per group, product, offer or order, in
-- one transaction per import (a failed import rolls back whole). Every function runs as the
-- signed-in exchange account (a user holding a role with is_integration) and refuses anyone
-- else; they are security definer so that the account needs no rights of its own on the
-- catalogs, and the audit triggers of the tables record every change under that account.
-- Idempotent by the 1C ids («Ид»): a row is written only when a value differs, so a second
-- import of the same file changes nothing (no version, no audit row).

-- The acting user, when it is an exchange account; CR403 otherwise.
create or replace function crm_api.exchange_account() returns bigint
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  uid bigint := crm_private.rls_uid();
begin
  if uid is null or not exists (select 1 from crm.user_roles ur join crm.roles r on r.id = ur.role_id
                                 where ur.user_id = uid and r.is_integration) then
    raise exception 'not an exchange account: the user needs an integration role' using errcode = 'CR403';
  end if;
  return uid;
end
$$;

-- The exchange node's settings as JSON: file_limit, order_stage_codes, price_type.
create or replace function crm_api.exchange_settings() returns jsonb
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select jsonb_build_object('file_limit', s.file_limit, 'order_stage_codes', to_jsonb(s.order_stage_codes),
                            'price_type', s.price_type, 'account', crm_api.exchange_account())
    from crm_private.exchange_settings s where s.id = 1
$$;

-- One exchange step, logged and audited (action 'exchange'). Called in a transaction of its
-- own after the step, so a failed import that rolled back is still recorded.
create or replace function crm_api.exchange_log(p_type text, p_mode text, p_filename text, p_status text,
                                                p_message text, p_details jsonb default '{}')
  returns bigint
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  uid bigint := crm_api.exchange_account();
  ctx jsonb := crm_private.context();
  r crm_private.exchange_log;
begin
  insert into crm_private.exchange_log (user_id, session_id, exchange_type, mode, filename, status, message, details)
  values (uid, (ctx ->> 'session_id')::bigint, p_type, p_mode, left(p_filename, 500), p_status, left(coalesce(p_message, ''), 2000),
          coalesce(p_details, '{}'))
  returning * into r;
  perform audit.append('exchange', 'crm_private.exchange_log', r.id, null, to_jsonb(r), null);
  return r.id;
end
$$;

-- A group of the classifier (Классификатор/Группы/Группа) → a product category, by its «Ид»;
-- a category of the same name under the same parent that has no 1C id yet is adopted.
create or replace function crm_api.exchange_group(p_id text, p_name text, p_parent text) returns text
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  c crm.product_categories;
  v_parent bigint;
begin
  perform crm_api.exchange_account();
  if p_parent is not null then
    select x.id into v_parent from crm.product_categories x where x.external_id = p_parent;
    if v_parent is null then
      raise exception 'group % names an unknown parent group %', p_id, p_parent using errcode = 'CR422';
    end if;
  end if;
  select * into c from crm.product_categories x where x.external_id = p_id;
  if not found then
    select * into c from crm.product_categories x
     where x.external_id is null and coalesce(x.parent_id, 0) = coalesce(v_parent, 0) and lower(x.name) = lower(btrim(p_name));
    if not found then
      insert into crm.product_categories (parent_id, name, external_id) values (v_parent, btrim(p_name), p_id);
      return 'created';
    end if;
  end if;
  if c.external_id is distinct from p_id or c.name <> btrim(p_name) or c.parent_id is distinct from v_parent then
    update crm.product_categories set external_id = p_id, name = btrim(p_name), parent_id = v_parent
     where id = c.id;
    return 'updated';
  end if;
  return 'unchanged';
end
$$;

-- A product of the catalog (Каталог/Товары/Товар) by its «Ид»; a product with the same
-- article and no 1C id yet is adopted. Prices and stock come with the offers.
create or replace function crm_api.exchange_product(p_id text, p_article text, p_name text, p_unit text, p_group text)
  returns text
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  p crm.products;
  v_category bigint;
  v_unit text := coalesce(nullif(btrim(p_unit), ''), 'шт');
  v_article text := nullif(btrim(p_article), '');
begin
  perform crm_api.exchange_account();
  if p_group is not null then
    select x.id into v_category from crm.product_categories x where x.external_id = p_group;
    if v_category is null then
      raise exception 'product % names an unknown group %', p_id, p_group using errcode = 'CR422';
    end if;
  end if;
  select * into p from crm.products x where x.external_id = p_id;
  if not found and v_article is not null then
    select * into p from crm.products x where x.article = v_article and x.external_id is null;
  end if;
  if v_article is not null and exists (select 1 from crm.products x where x.article = v_article
                                        and x.external_id is distinct from p_id and x.id is distinct from p.id) then
    raise exception 'the article % of product % belongs to another product', v_article, p_id using errcode = 'CR409';
  end if;
  if p.id is null then
    insert into crm.products (category_id, name, article, unit, external_id)
    values (v_category, btrim(p_name), v_article, v_unit, p_id);
    return 'created';
  end if;
  if p.external_id is distinct from p_id or p.name <> btrim(p_name) or p.article is distinct from v_article
     or p.unit <> v_unit or p.category_id is distinct from v_category or not p.active then
    update crm.products set external_id = p_id, name = btrim(p_name), article = v_article, unit = v_unit,
                            category_id = v_category, active = true
     where id = p.id;
    return 'updated';
  end if;
  return 'unchanged';
end
$$;

-- A full catalog (СодержитТолькоИзменения="false"): the products of 1C not in it are marked
-- inactive, never deleted. Returns how many.
create or replace function crm_api.exchange_deactivate_missing(p_seen text[]) returns int
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  n int;
begin
  perform crm_api.exchange_account();
  update crm.products set active = false
   where external_id is not null and active and not (external_id = any (p_seen));
  get diagnostics n = row_count;
  return n;
end
$$;

-- An offer (ПакетПредложений/Предложения/Предложение): its price (null: unchanged) in a
-- currency and its stock (null: unchanged), for the product of the offer's «Ид» (the part
-- before '#' of a characteristic's id "product#variant").
create or replace function crm_api.exchange_offer(p_id text, p_price numeric, p_currency text, p_quantity numeric)
  returns text
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  p crm.products;
  v_currency text;
begin
  perform crm_api.exchange_account();
  select * into p from crm.products x where x.external_id = split_part(p_id, '#', 1);
  if not found then
    raise exception 'offer % names no product of the catalog', p_id using errcode = 'CR422';
  end if;
  v_currency := case when p_currency is null or btrim(p_currency) = '' then p.currency
                     when lower(btrim(p_currency)) in ('руб', 'руб.', 'rub', '643', 'rur') then 'RUB'
                     when lower(btrim(p_currency)) in ('usd', '840') then 'USD'
                     when lower(btrim(p_currency)) in ('eur', '978') then 'EUR'
                     else upper(btrim(p_currency)) end;
  if p_price is not null and p_price < 0 then
    raise exception 'offer % has a negative price', p_id using errcode = 'CR422';
  end if;
  if (p_price is not null and (p.price <> p_price or p.currency <> v_currency))
     or (p_quantity is not null and p.stock <> p_quantity) then
    update crm.products set price = coalesce(p_price, price),
                            currency = case when p_price is null then currency else v_currency end,
                            stock = coalesce(p_quantity, stock)
     where id = p.id;
    return 'updated';
  end if;
  return 'unchanged';
end
$$;

-- The deals that are orders for 1C: at one of the configured stages (or exchanged before),
-- with a counterparty and at least one product line.
create or replace function crm_private.exchange_is_order(d crm.deals) returns boolean
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select d.counterparty_id is not null
     and exists (select 1 from crm.deal_lines l where l.deal_id = d.id)
     and (d.exchanged_at is not null
          or exists (select 1 from crm.stages s, crm_private.exchange_settings x
                      where s.id = d.stage_id and x.id = 1 and s.code = any (x.order_stage_codes)))
$$;

-- sale/query: the orders changed since 1C last confirmed them, as JSON
-- {"delivery_id", "orders": [...]}, remembered (with each deal's version) until sale/success.
create or replace function crm_api.exchange_orders(p_limit int default 1000) returns jsonb
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  uid bigint := crm_api.exchange_account();
  ctx jsonb := crm_private.context();
  v_orders jsonb;
  v_delivery bigint;
begin
  select coalesce(jsonb_agg(o order by (o ->> 'id')::bigint), '[]') into v_orders
    from (
      select jsonb_build_object(
               'id', d.id, 'version', d.version, 'title', d.title,
               'date', to_char(d.created_at at time zone 'Europe/Moscow', 'YYYY-MM-DD'),
               'time', to_char(d.created_at at time zone 'Europe/Moscow', 'HH24:MI:SS'),
               'currency', d.currency, 'amount', d.amount::text, 'status', s.name, 'stage_code', s.code,
               'stage_kind', s.kind, 'onec_number', d.onec_number,
               'client', jsonb_build_object('id', c.id, 'name', c.name),
               'counterparty', jsonb_build_object('id', cp.id, 'legal_name', cp.legal_name, 'inn', cp.inn,
                                                  'kpp', cp.kpp, 'address', cp.address),
               'lines', (select coalesce(jsonb_agg(jsonb_build_object(
                                   'product_id', p.id, 'external_id', p.external_id, 'article', p.article,
                                   'name', p.name, 'unit', p.unit, 'price', l.price::text,
                                   'quantity', l.quantity::text, 'amount', l.amount::text) order by l.id), '[]')
                           from crm.deal_lines l join crm.products p on p.id = l.product_id
                          where l.deal_id = d.id)) as o
        from crm.deals d
        join crm.stages s on s.id = d.stage_id
        join crm.counterparties cp on cp.id = d.counterparty_id
        left join crm.clients c on c.id = d.client_id
       where crm_private.exchange_is_order(d)
         and (d.exchanged_at is null or d.updated_at > d.exchanged_at)
       order by d.id
       limit p_limit) x;
  insert into crm_private.exchange_deliveries (user_id, session_id, deals)
  values (uid, (ctx ->> 'session_id')::bigint,
          (select coalesce(jsonb_agg(jsonb_build_object('id', o -> 'id', 'version', o -> 'version')), '[]')
             from jsonb_array_elements(v_orders) o))
  returning id into v_delivery;
  return jsonb_build_object('delivery_id', v_delivery, 'orders', v_orders);
end
$$;

-- sale/success: the orders of the account's last query are delivered; a deal changed since it
-- was sent stays pending (it goes again). Returns how many were marked.
create or replace function crm_api.exchange_success() returns int
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  uid bigint := crm_api.exchange_account();
  v crm_private.exchange_deliveries;
  n int := 0;
begin
  select * into v from crm_private.exchange_deliveries x
   where x.user_id = uid and x.delivered_at is null order by x.id desc limit 1 for update;
  if not found then
    return 0;
  end if;
  update crm.deals d set exchanged_at = now()
    from jsonb_array_elements(v.deals) e
   where d.id = (e ->> 'id')::bigint and d.version = (e ->> 'version')::int;
  get diagnostics n = row_count;
  update crm_private.exchange_deliveries set delivered_at = now() where user_id = uid and delivered_at is null;
  return n;
end
$$;

-- sale/import: 1C's changes of an order (a Документ whose «Ид» or «Номер» is the deal's id):
-- an order of 1C's own (no such deal) is left alone ('unknown'); «Номер по 1С», the status, «Дата оплаты по 1С» (a payment of the order's sum on its invoice —
-- an invoice is made for the deal when it has none), «Дата отгрузки по 1С». Idempotent: the
-- payment is keyed by deal and date, values are written only when they differ.
create or replace function crm_api.exchange_order_update(p_id text, p_number text, p_onec_number text, p_status text,
                                                         p_paid_on date, p_shipped_on date, p_amount numeric)
  returns text
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  d crm.deals;
  inv crm.invoices;
  v_key text;
  v_amount numeric;
  v_result text := 'unchanged';
begin
  perform crm_api.exchange_account();
  -- an order made in 1C by its 1C id; one of ours by the id we gave it (1C keeps it as «Ид»)
  select * into d from crm.deals x where x.onec_id = p_id;
  if d.id is null and p_id ~ '^[0-9]{1,18}$' then
    select * into d from crm.deals x where x.id = p_id::bigint and x.onec_id is null;
  end if;
  if d.id is null then
    -- an order made in 1C (not one of ours): the caller creates it (exchange_order_create)
    return 'unknown';
  end if;
  if d.onec_number is distinct from coalesce(p_onec_number, d.onec_number)
     or d.onec_status is distinct from coalesce(p_status, d.onec_status)
     or d.onec_paid_on is distinct from coalesce(p_paid_on, d.onec_paid_on)
     or d.onec_shipped_on is distinct from coalesce(p_shipped_on, d.onec_shipped_on) then
    update crm.deals set onec_number = coalesce(p_onec_number, onec_number), onec_status = coalesce(p_status, onec_status),
                         onec_paid_on = coalesce(p_paid_on, onec_paid_on), onec_shipped_on = coalesce(p_shipped_on, onec_shipped_on),
                         exchanged_at = now()
     where id = d.id;
    v_result := 'updated';
  end if;
  if p_paid_on is not null then
    v_key := '1c:deal:' || d.id || ':paid:' || p_paid_on;
    if not exists (select 1 from crm.payments x where x.external_id = v_key) then
      if d.counterparty_id is null then
        raise exception 'order % has no counterparty: its payment cannot be recorded', d.id using errcode = 'CR422';
      end if;
      select * into inv from crm.invoices x where x.deal_id = d.id and not x.cancelled order by x.id limit 1;
      if not found then
        insert into crm.invoices (deal_id, counterparty_id, number, issued_on, amount, currency)
        values (d.id, d.counterparty_id, left('1C-' || coalesce(p_onec_number, d.onec_number, d.id::text), 50), p_paid_on,
                coalesce(nullif(p_amount, 0), d.amount), d.currency)
        returning * into inv;
      end if;
      v_amount := coalesce(nullif(p_amount, 0), inv.amount) - inv.paid_amount;
      if v_amount > 0 then
        insert into crm.payments (invoice_id, amount, paid_on, reference, external_id)
        values (inv.id, v_amount, p_paid_on, left('1С: ' || coalesce(p_onec_number, d.onec_number, ''), 200), v_key);
        -- the deal stays exchanged (the payment came from 1C)
        update crm.deals set exchanged_at = now() where id = d.id and updated_at > coalesce(exchanged_at, '-infinity');
        v_result := 'updated';
      end if;
    end if;
  end if;
  return v_result;
end
$$;

-- An order made in 1C (a Документ whose «Ид» names no deal; skipped when its buyer has no ИНН): its
-- counterparty matched by ИНН+КПП,
-- else created under a new client (never duplicated); a deal at the first order stage with the
-- lines (products by their «Ид»), owned by the exchange account, remembered by its 1C id; then its
-- number, status and payment as exchange_order_update. A second import finds it by the 1C id.
create or replace function crm_api.exchange_order_create(p_id text, p_number text, p_currency text, p_counterparty jsonb,
                                                         p_lines jsonb, p_onec_number text, p_status text,
                                                         p_paid_on date, p_shipped_on date, p_amount numeric)
  returns text
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  uid bigint := crm_api.exchange_account();
  v_inn text := nullif(btrim(p_counterparty ->> 'inn'), '');
  v_kpp text := nullif(btrim(p_counterparty ->> 'kpp'), '');
  v_name text := coalesce(nullif(btrim(p_counterparty ->> 'name'), ''), v_inn);
  v_counterparty crm.counterparties;
  v_client bigint;
  v_stage crm.stages;
  v_deal bigint;
  l jsonb;
  v_product bigint;
begin
  if exists (select 1 from crm.deals x where x.onec_id = p_id) then
    return crm_api.exchange_order_update(p_id, p_number, p_onec_number, p_status, p_paid_on, p_shipped_on, p_amount);
  end if;
  if v_inn is null then
    return 'skipped';   -- a buyer without an ИНН (a private person): not a B2B order of the CRM
  end if;
  select * into v_counterparty from crm.counterparties x where x.inn = v_inn and coalesce(x.kpp, '') = coalesce(v_kpp, '');
  if not found then
    insert into crm.clients (name, owner_id) values (v_name, uid) returning id into v_client;
    insert into crm.counterparties (client_id, legal_name, inn, kpp) values (v_client, v_name, v_inn, v_kpp)
    returning * into v_counterparty;
  end if;
  select s.* into v_stage from crm.stages s join crm.pipelines p on p.id = s.pipeline_id, crm_private.exchange_settings x
   where x.id = 1 and s.code = any (x.order_stage_codes) and p.active
   order by p.is_default desc, p.id, s.position limit 1;
  if not found then
    raise exception 'no pipeline has an order stage (%) for the orders of 1C',
      (select array_to_string(order_stage_codes, ', ') from crm_private.exchange_settings where id = 1) using errcode = 'CR409';
  end if;
  insert into crm.deals (title, client_id, counterparty_id, pipeline_id, stage_id, owner_id, currency, onec_id, onec_number)
  values (left('Заказ 1С ' || coalesce(p_onec_number, p_number, p_id), 200), v_counterparty.client_id, v_counterparty.id,
          v_stage.pipeline_id, v_stage.id, uid,
          case when p_currency is null or lower(btrim(p_currency)) in ('руб', 'руб.', 'rub', '643', 'rur') then 'RUB'
               else upper(btrim(p_currency)) end,
          p_id, p_onec_number)
  returning id into v_deal;
  for l in select * from jsonb_array_elements(coalesce(p_lines, '[]')) loop
    select x.id into v_product from crm.products x where x.external_id = split_part(l ->> 'id', '#', 1);
    if v_product is null then
      raise exception 'order % of 1C names an unknown product %', p_id, l ->> 'id' using errcode = 'CR422';
    end if;
    insert into crm.deal_lines (deal_id, product_id, quantity, price)
    values (v_deal, v_product, (l ->> 'quantity')::numeric, coalesce((l ->> 'price')::numeric, 0));
  end loop;
  perform crm_api.exchange_order_update(p_id, p_number, p_onec_number, p_status, p_paid_on, p_shipped_on, p_amount);
  -- made by 1C: nothing to send back until the CRM changes it
  update crm.deals set exchanged_at = now() where id = v_deal and exchanged_at is distinct from now();
  return 'created';
end
$$;

-- The demo company's exchange account "1c" (role «Обмен с 1С», an integration role with no
-- business rights: the exchange functions above do its work). Returns the user when created.
create or replace function crm_private.install_demo_exchange() returns table (login text, user_id bigint)
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  r bigint;
  u bigint;
begin
  if exists (select 1 from crm.users x where lower(x.login) = '1c') then
    return;
  end if;
  select x.id into r from crm.roles x where x.name = '1c_exchange';
  if r is null then
    insert into crm.roles (name, description, is_integration)
    values ('1c_exchange', 'Обмен с 1С (CommerceML): каталог, цены и остатки, заказы и оплаты', true)
    returning id into r;
    insert into crm.role_permissions values (r, 'product', 'read', 'all');
  end if;
  insert into crm.users (login, name, email, time_zone, locale)
  values ('1c', 'Обмен с 1С', '1c@demo.example', 'Europe/Moscow', 'ru-RU') returning id into u;
  insert into crm.user_roles values (u, r);
  return query select '1c'::text, u;
end
$$;

revoke execute on all functions in schema crm_private, crm_api, audit from public;
grant execute on function crm_api.exchange_account(), crm_api.exchange_settings(),
  crm_api.exchange_log(text, text, text, text, text, jsonb),
  crm_api.exchange_group(text, text, text), crm_api.exchange_product(text, text, text, text, text),
  crm_api.exchange_deactivate_missing(text[]), crm_api.exchange_offer(text, numeric, text, numeric),
  crm_api.exchange_orders(int), crm_api.exchange_success(),
  crm_api.exchange_order_update(text, text, text, text, date, date, numeric),
  crm_api.exchange_order_create(text, text, text, jsonb, jsonb, text, text, date, date, numeric) to crm_user;
