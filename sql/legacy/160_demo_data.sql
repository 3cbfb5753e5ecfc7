-- 160 A living demo. crm_private.install_pipeline(preset) creates a pipeline preset (its stages,
-- custom fields and deal kind), idempotent by the pipeline's name, for `crm serve --demo` now
-- and `crm preset install NAME` later. crm_private.install_demo_data() fills the demo company
-- (installed by 140) with what a new user expects to find: both presets, product categories and
-- products, customers and suppliers with their legal entities (some changed over time),
-- contacts, deals in every stage of every pipeline with product lines, invoices (paid, partly
-- paid, unpaid) and payments, interactions, tasks (done, open, overdue, with reminders) and an
-- invoice scan. Owner-run (SECURITY DEFINER, not granted to anybody), once.
--
-- Every deal starts at the first stage of its pipeline and is moved forward stage by stage, as
-- a user would move it, so crm_private.deal_rules checks every move and the stage history is
-- written; a deal is won only after its invoices are paid, and lost with a loss reason.

-- ---------------------------------------------------------------------------------------
-- Pipeline presets.

-- Creates the pipeline of a preset with its stages, custom fields and deal kind, unless a
-- pipeline of that name exists; returns the pipeline's id either way.
--   purchase      «Закупки»: the company's own procurement, 13 stages (PRODUCT.md) + completed /
--                 cancelled, and the invoice fields
--   typical_sale  «Типовая продажа»: 1C:Trade Management's typical sale, first contact →
--                 qualification → proposal → order → sale paid (won) / lost
create function crm_private.install_pipeline(p_preset text) returns bigint
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  pipeline_name text;
  pipeline_kind text;
  kind_name text;
  pid bigint;
begin
  case p_preset
    when 'purchase' then
      pipeline_name := 'Закупки'; pipeline_kind := 'purchase'; kind_name := 'Закупка у поставщика';
    when 'typical_sale' then
      pipeline_name := 'Типовая продажа'; pipeline_kind := 'sales'; kind_name := 'Типовая продажа';
    else
      raise exception 'unknown pipeline preset «%» (known: purchase, typical_sale)', p_preset
        using errcode = 'CR422', column = 'preset';
  end case;
  select id into pid from crm.pipelines where lower(name) = lower(pipeline_name);
  if found then
    return pid;
  end if;

  insert into crm.pipelines (name, kind) values (pipeline_name, pipeline_kind) returning id into pid;
  if p_preset = 'purchase' then
    insert into crm.stages (pipeline_id, code, name, position, kind, skippable)
    select pid, s.code, s.name, s.position, s.kind, s.skippable
      from (values
        ('request_formed', 'Заявка сформирована', 1, 'open', false),
        ('request_sent', 'Запрос отправлен поставщикам', 2, 'open', false),
        ('offer_received', 'Получено предложение', 3, 'open', false),
        ('head_approval', 'Выбрано для согласования руководителем закупок', 4, 'open', false),
        -- small purchases need no CEO approval; goods in stock are not produced to order
        ('ceo_approval', 'Отправлено на согласование генеральному директору', 5, 'open', true),
        ('invoice_signed', 'Счёт подписан', 6, 'open', false),
        ('invoice_scheduled', 'Счёт запланирован в бухгалтерии', 7, 'open', false),
        ('paid', 'Оплачено', 8, 'open', false),
        ('in_production', 'Заказ в производстве у производителя', 9, 'open', true),
        ('shipped', 'Отгружено перевозчиком', 10, 'open', false),
        ('delivered', 'Доставлено на наш склад', 11, 'open', false),
        ('documents_signed', 'Сопроводительные документы подписаны', 12, 'open', false),
        ('documents_sent', 'Сопроводительные документы отправлены', 13, 'open', false),
        ('completed', 'Закупка завершена', 14, 'won', false),
        ('cancelled', 'Закупка отменена', 15, 'lost', false)) s(code, name, position, kind, skippable);
    insert into crm.custom_fields (pipeline_id, key, label, type, default_value, position)
    values (pid, 'invoice_number', 'Номер счёта', 'text', null, 1),
           (pid, 'invoice_date', 'Дата счёта', 'date', null, 2),
           (pid, 'invoice_scan', 'Скан счёта', 'file', null, 3),
           (pid, 'full_prepayment', '100% предоплата', 'boolean', 'true', 4),
           (pid, 'final_payment_date', 'Плановая дата окончательной оплаты', 'date', null, 5);
  else
    insert into crm.stages (pipeline_id, code, name, position, kind, skippable, probability)
    select pid, s.code, s.name, s.position, s.kind, false, s.probability
      from (values
        ('first_contact', 'Первичный контакт', 1, 'open', 10),
        ('qualification', 'Квалификация клиента', 2, 'open', 25),
        ('proposal', 'Коммерческое предложение', 3, 'open', 50),
        ('order', 'Заказ клиента', 4, 'open', 80),
        ('sale_paid', 'Продажа оплачена', 5, 'won', 100),
        ('lost', 'Продажа не состоялась', 6, 'lost', 0)) s(code, name, position, kind, probability);
  end if;
  insert into crm.deal_kinds (name, pipeline_id) values (kind_name, pid)
    on conflict (lower(name)) do nothing;
  return pid;
end
$$;

-- ---------------------------------------------------------------------------------------
-- Valid company identifiers for made-up legal entities (check digits as in 110).

-- A 10-digit ИНН: the 9 digits given and their check digit.
create function crm_private.demo_inn10(p9 text) returns text
  language sql immutable set search_path = pg_catalog as $$
  select p9 || (sum(substr(p9, i, 1)::int * (array[2, 4, 10, 3, 5, 9, 4, 6, 8])[i]) % 11 % 10)::text
    from generate_series(1, 9) i
$$;

-- A 12-digit ИНН of an individual entrepreneur: the 10 digits given and two check digits.
create function crm_private.demo_inn12(p10 text) returns text
  language sql immutable set search_path = pg_catalog as $$
  with d11 as (
    select p10 || (sum(substr(p10, i, 1)::int * (array[7, 2, 4, 10, 3, 5, 9, 4, 6, 8])[i]) % 11 % 10)::text as v
      from generate_series(1, 10) i)
  select d11.v || (sum(substr(d11.v, i, 1)::int * (array[3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])[i]) % 11 % 10)::text
    from d11, generate_series(1, 11) i group by d11.v
$$;

-- An ОГРН (12 digits given) or ОГРНИП (14 digits given) with its check digit.
create function crm_private.demo_ogrn(p text) returns text
  language sql immutable set search_path = pg_catalog as $$
  select p || ((p::numeric % case when length(p) = 12 then 11 else 13 end) % 10)::text
$$;

-- ---------------------------------------------------------------------------------------
-- Moves a deal forward stage by stage to p_stage (every open stage in between, as a user
-- would: deal_rules checks each move). A lost deal is first taken to its third stage (or its
-- last open one), then lost with p_loss_reason.
create function crm_private.demo_move_deal(p_deal bigint, p_stage bigint, p_loss_reason bigint default null)
  returns void
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  cur crm.stages;
  target crm.stages;
  last_position int;
  st record;
begin
  select s.* into cur from crm.stages s join crm.deals d on d.stage_id = s.id where d.id = p_deal;
  select * into target from crm.stages where id = p_stage;
  if target.pipeline_id <> cur.pipeline_id then
    raise exception 'stage % is not in the pipeline of deal %', p_stage, p_deal;
  end if;
  last_position := case target.kind
    when 'open' then target.position
    when 'won' then 2147483647
    else least(3, (select max(position) from crm.stages where pipeline_id = cur.pipeline_id and kind = 'open')) end;
  for st in select id from crm.stages
            where pipeline_id = cur.pipeline_id and kind = 'open' and position > cur.position and position <= last_position
            order by position loop
    update crm.deals set stage_id = st.id where id = p_deal;
  end loop;
  if target.kind <> 'open' then
    update crm.deals set stage_id = target.id, loss_reason_id = p_loss_reason,
           loss_comment = case when target.kind = 'lost' then 'Клиент сообщил по телефону' else '' end
     where id = p_deal;
  end if;
end
$$;

-- ---------------------------------------------------------------------------------------
-- The living demo data, once.

create table crm_private.demo_data (
  id boolean primary key default true check (id),
  installed_at timestamptz not null default now()
);

create function crm_private.install_demo_data() returns jsonb
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  u jsonb;
  t jsonb;
  p_sales bigint; p_typical bigint; p_purchase bigint;
  k_sales bigint;
  cat jsonb := '{}';
  c_root bigint;
  r record;
  cl record;
  sp record;
  cid bigint;
  kid bigint;
  did bigint;
  fid bigint;
  iid bigint;
  region text;
  n int := 0;
  seq int := 0;
  v_amount numeric;
  issued date;
  v_paid numeric;
  created timestamptz;
  v_stage crm.stages;
  names text[] := array['Андрей Викторович Белов', 'Татьяна Сергеевна Орлова', 'Николай Иванович Фёдоров',
    'Ирина Олеговна Захарова', 'Павел Андреевич Никитин', 'Светлана Юрьевна Васильева', 'Роман Игоревич Титов',
    'Екатерина Дмитриевна Громова', 'Михаил Петрович Алексеев', 'Наталья Владимировна Крылова',
    'Олег Сергеевич Миронов', 'Юлия Александровна Зайцева', 'Григорий Ильич Павлов', 'Вера Николаевна Тихонова',
    'Артём Максимович Соловьёв', 'Людмила Борисовна Ершова'];
  positions text[] := array['Генеральный директор', 'Директор по закупкам', 'Главный технолог', 'Главный бухгалтер',
    'Менеджер по закупкам', 'Заведующая производством'];
  latin text[] := array['belov', 'orlova', 'fedorov', 'zakharova', 'nikitin', 'vasilieva', 'titov', 'gromova',
    'alekseev', 'krylova', 'mironov', 'zaitseva', 'pavlov', 'tikhonova', 'soloviev', 'ershova'];
  pdf bytea := convert_to(E'%PDF-1.4\n% Скан счёта (демо)\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'UTF8');
begin
  if session_user = 'crm_authenticator' or crm_private.context() is not null then
    raise exception 'install_demo_data is run by the database owner only' using errcode = 'insufficient_privilege';
  end if;
  if exists (select 1 from crm_private.demo_data) then
    raise exception 'the demo data is already installed' using errcode = 'duplicate_object';
  end if;
  select jsonb_object_agg(login, id) into u from crm.users
   where login in ('director', 'head.msk', 'manager.msk', 'junior.msk', 'head.spb', 'manager.spb', 'purchaser',
                   'procurement.head', 'accountant');
  if u is null or not u ? 'manager.msk' or not u ? 'purchaser' then
    raise exception 'install the demo company first (crm_private.install_demo_company())' using errcode = 'CR409';
  end if;
  insert into crm_private.demo_data default values;
  select jsonb_object_agg(name, id) into t from crm.territories;

  -- Pipelines, deal kinds, catalog entries.
  p_sales := (select id from crm.pipelines where is_default);
  p_typical := crm_private.install_pipeline('typical_sale');
  p_purchase := crm_private.install_pipeline('purchase');
  insert into crm.deal_kinds (name, pipeline_id) values ('Продажа (полный цикл)', p_sales) returning id into k_sales;
  insert into crm.deal_kinds (name, pipeline_id) values ('Разовая продажа без этапов', null);
  insert into crm.sources (name, kind) values ('Холодный звонок', 'channel'), ('Тендерная площадка', 'channel'),
    ('Выставка «ПИР Экспо»', 'event'), ('Выставка «Модерн Бейкери»', 'event')
    on conflict (lower(name)) do nothing;
  insert into crm.loss_reasons (name) values ('Не прошли пробы'), ('Сорваны сроки поставки')
    on conflict (lower(name)) do nothing;

  -- Product categories and products.
  insert into crm.product_categories (name) values ('Сырьё') returning id into c_root;
  for r in select * from (values ('flour', 'Мука и крупы', true), ('sugar', 'Сахар и подсластители', true),
                                 ('dairy', 'Молочные ингредиенты', true), ('fat', 'Жиры и масла', true),
                                 ('additive', 'Улучшители и добавки', true), ('pack', 'Упаковка', false),
                                 ('service', 'Услуги', false)) v(code, name, raw) loop
    insert into crm.product_categories (parent_id, name) values (case when r.raw then c_root end, r.name) returning id into cid;
    cat := cat || jsonb_build_object(r.code, cid);
  end loop;
  insert into crm.products (category_id, article, name, unit, price, stock, external_id)
  select (cat ->> p.code)::bigint, p.article, p.name, p.unit, p.price, p.stock, '1c-' || lower(p.article)
    from (values
      ('flour', 'MUK-001', 'Мука пшеничная высшего сорта ГОСТ 26574-2017, мешок 50 кг', 'мешок', 1850.00, 640),
      ('flour', 'MUK-002', 'Мука пшеничная первого сорта, мешок 50 кг', 'мешок', 1620.00, 410),
      ('flour', 'MUK-003', 'Мука ржаная обдирная, мешок 50 кг', 'мешок', 1480.00, 220),
      ('flour', 'KRP-001', 'Крупа манная марки М, мешок 25 кг', 'мешок', 1150.00, 90),
      ('sugar', 'SAH-001', 'Сахар-песок ГОСТ 33222-2015, мешок 50 кг', 'мешок', 3900.00, 350),
      ('sugar', 'SAH-002', 'Сахарная пудра, мешок 25 кг', 'мешок', 2750.00, 120),
      ('sugar', 'SAH-003', 'Сироп глюкозный, кг', 'кг', 95.00, 8000),
      ('dairy', 'MOL-001', 'Молоко сухое цельное 26%, мешок 25 кг', 'мешок', 9800.00, 60),
      ('dairy', 'MOL-002', 'Масло сливочное 82,5%, кг', 'кг', 720.00, 2500),
      ('dairy', 'MOL-003', 'Сыворотка молочная сухая, мешок 25 кг', 'мешок', 3100.00, 75),
      ('fat', 'ZHR-001', 'Маргарин для слоёного теста, короб 10 кг', 'короб', 1450.00, 300),
      ('fat', 'ZHR-002', 'Масло подсолнечное рафинированное, л', 'л', 135.00, 12000),
      ('additive', 'DOB-001', 'Дрожжи прессованные хлебопекарные, кг', 'кг', 210.00, 900),
      ('additive', 'DOB-002', 'Улучшитель хлебопекарный универсальный, кг', 'кг', 480.00, 700),
      ('additive', 'DOB-003', 'Какао-порошок алкализованный 10–12%, кг', 'кг', 690.00, 1500),
      ('additive', 'DOB-004', 'Ванилин кристаллический, кг', 'кг', 2400.00, 40),
      ('pack', 'UPK-001', 'Пакет для хлеба с клипсой, тыс. шт', 'тыс. шт', 1900.00, 85),
      ('pack', 'UPK-002', 'Гофрокороб 600×400×200 мм', 'шт', 68.00, 15000),
      ('service', 'USL-001', 'Доставка по Москве и области, рейс', 'рейс', 6500.00, 0),
      ('service', 'USL-002', 'Технологическое сопровождение, час', 'час', 3500.00, 0)
    ) p(code, article, name, unit, price, stock);

  -- New clients: customers of the Moscow and St Petersburg managers, a key account of the
  -- director in Kazan, suppliers of the purchaser.
  insert into crm.clients (name, kind, owner_id, territory_id, source_id, notes, created_at, updated_at)
  select c.name, c.kind, (u ->> c.owner)::bigint, (t ->> c.territory)::bigint,
         (select id from crm.sources s where s.name = c.source), c.notes,
         now() - c.age * interval '1 day', now() - c.age * interval '1 day'
    from (values
      ('ООО «Столичные пекарни»', 'customer', 'manager.msk', 'Moscow', 'Выставка «Модерн Бейкери»', 'Сеть из 14 пекарен, закупка централизованная, оплата по факту поставки', 400),
      ('ООО «Кафе Самовар»', 'customer', 'manager.msk', 'Moscow', 'Сайт', 'Три кафе в центре, небольшие объёмы, платят вовремя', 250),
      ('АО «Московский хлебокомбинат №5»', 'customer', 'manager.msk', 'Moscow', 'Тендерная площадка', 'Крупный клиент: годовые контракты через тендер', 900),
      ('ООО «Пиццерия Тесто»', 'customer', 'manager.msk', 'Moscow', 'Звонок', 'Новая сеть пиццерий', 20),
      ('АО «Тульская кондитерская фабрика»', 'customer', 'manager.msk', 'Tula', 'Выставка «ПИР Экспо»', 'Пряники, зефир; сезонный пик перед Новым годом', 600),
      ('ООО «Балтийский хлеб»', 'customer', 'manager.spb', 'St Petersburg', 'Сайт', 'Хлебозавод, две линии; интересуются ржаной мукой', 300),
      ('ООО «Пышечная на Конюшенной»', 'customer', 'manager.spb', 'St Petersburg', 'Рекомендация', 'Пышечные в центре Петербурга', 500),
      ('АО «Невские кондитеры»', 'customer', 'manager.spb', 'St Petersburg', 'Выставка «ПИР Экспо»', 'Кондитерская фабрика, нужны пробы каждой новой партии', 700),
      ('ООО «Кафе Северная столица»', 'customer', 'manager.spb', 'St Petersburg', 'Холодный звонок', 'Сеть кафе, работают с конкурентом', 90),
      ('ООО «Казанский хлебокомбинат»', 'customer', 'director', 'Kazan', 'Рекомендация', 'Ключевой клиент, ведёт генеральный директор', 1000),
      ('ООО «Мельница Поволжья»', 'supplier', 'purchaser', 'Kazan', 'Выставка «ПИР Экспо»', 'Основной поставщик муки', 1200),
      ('АО «Сахарный комбинат Черноземья»', 'supplier', 'purchaser', 'Tula', 'Тендерная площадка', 'Сахар-песок и пудра, отгрузка вагонами', 1100),
      ('ООО «Молочные ингредиенты Алтая»', 'supplier', 'purchaser', 'Moscow', 'Выставка «Модерн Бейкери»', 'Сухое молоко и масло, склад в Подмосковье', 800),
      ('ООО «УпакСервис»', 'supplier', 'purchaser', 'Moscow', 'Сайт', 'Упаковка с печатью логотипа, срок изготовления 3 недели', 450),
      ('ООО «Восход-Дрожжи»', 'supplier', 'purchaser', 'St Petersburg', 'Холодный звонок', 'Дрожжевой завод', 350)
    ) c(name, kind, owner, territory, source, notes, age);

  -- A legal entity for every client of the demo company; three clients changed theirs.
  for cl in select c.id, c.name, c.territory_id, coalesce(c.created_at::date, current_date) as since,
                   (select x.name from crm.territories x where x.id = c.territory_id) as territory
              from crm.clients c order by c.id loop
    seq := seq + 1;
    region := case cl.territory when 'Moscow' then '77' when 'Tula' then '71' when 'St Petersburg' then '78'
                                when 'Kazan' then '16' else '50' end;
    if cl.name in ('ООО «Ромашка»', 'ООО «Невский пекарь»', 'ООО «Ингредиенты Плюс» (поставщик)') then
      -- the former legal entity, closed; the current one opened the next day
      if cl.name = 'ООО «Ромашка»' then
        insert into crm.counterparties (client_id, legal_name, inn, ogrn, address, valid_from, valid_to, created_at, updated_at)
        values (cl.id, 'ИП Ромашкина Елена Викторовна', crm_private.demo_inn12(region || lpad((31000000 + seq)::text, 8, '0')),
                crm_private.demo_ogrn('3' || '17' || region || lpad((400000000 + seq)::text, 9, '0')),
                'г. Москва, ул. Малая Бронная, д. 12', date '2017-03-01', date '2022-06-30',
                now() - interval '4 years', now() - interval '4 years');
      else
        insert into crm.counterparties (client_id, legal_name, inn, kpp, ogrn, address, bank_name, bik, account,
                                        correspondent_account, valid_from, valid_to, created_at, updated_at)
        values (cl.id, case when cl.name = 'ООО «Невский пекарь»' then 'ООО «Невский пекарь-Север»' else 'АО «Ингредиенты»' end,
                crm_private.demo_inn10(region || '9' || lpad((500000 + seq)::text, 6, '0')), region || '0101001',
                crm_private.demo_ogrn('1' || '12' || region || lpad((5000000 + seq)::text, 7, '0')),
                case when region = '78' then 'г. Санкт-Петербург, Лиговский пр., д. 50' else 'г. Москва, ул. Складочная, д. 1' end,
                'ПАО Сбербанк', '044525225', '40702810' || lpad((38000000 + seq)::text, 12, '0'), '30101810400000000225',
                date '2012-05-14', date '2023-12-31', now() - interval '5 years', now() - interval '5 years');
      end if;
      n := n + 1;
    end if;
    insert into crm.counterparties (client_id, legal_name, inn, kpp, ogrn, address, bank_name, bik, account,
                                    correspondent_account, valid_from)
    values (cl.id, regexp_replace(cl.name, ' \(поставщик\)$', ''),
            crm_private.demo_inn10(region || '0' || lpad((100000 + seq)::text, 6, '0')),
            region || case when seq % 3 = 0 then '1301001' else '0101001' end,
            crm_private.demo_ogrn('1' || lpad((10 + seq % 13)::text, 2, '0') || region || lpad((1000000 + seq)::text, 7, '0')),
            case region when '77' then format('г. Москва, ул. Рабочая, д. %s, стр. 1', seq)
                        when '71' then format('г. Тула, пр. Ленина, д. %s', 10 + seq)
                        when '78' then format('г. Санкт-Петербург, Московский пр., д. %s', 100 + seq)
                        when '16' then format('г. Казань, ул. Баумана, д. %s', seq)
                        else 'Московская обл., г. Химки' end,
            case when seq % 2 = 0 then 'ПАО Сбербанк' else 'АО «Альфа-Банк»' end,
            case when seq % 2 = 0 then '044525225' else '044525593' end,
            '40702810' || lpad((10000000 + seq * 7919)::text, 12, '0'),
            case when seq % 2 = 0 then '30101810400000000225' else '30101810200000000593' end,
            case when cl.name in ('ООО «Ромашка»') then date '2022-07-01'
                 when cl.name in ('ООО «Невский пекарь»', 'ООО «Ингредиенты Плюс» (поставщик)') then date '2024-01-01'
                 else least(cl.since, current_date - 365) - (seq * 37 % 1000) end);
    n := n + 1;

    -- Two contacts for each new client (the demo company's clients have one already).
    if not exists (select 1 from crm.contacts x where x.client_id = cl.id) then
      for i in 0 .. 1 loop
        insert into crm.contacts (client_id, name, position, phones, emails, notes)
        values (cl.id, names[1 + (seq * 2 + i) % 16], positions[1 + (seq + i * 3) % 6],
                case when i = 0 then array[format('+7 %s %s-%s-%s',
                       case region when '77' then '495' when '71' then '4872' when '78' then '812' when '16' then '843' else '498' end,
                       100 + seq * 7 % 900, lpad((seq * 13 % 100)::text, 2, '0'), lpad((seq * 31 % 100)::text, 2, '0')),
                       format('+7 9%s %s-%s-%s', 10 + seq % 80, 200 + seq * 11 % 700, lpad((seq * 17 % 100)::text, 2, '0'),
                              lpad((seq * 19 % 100)::text, 2, '0'))]
                     else array[format('+7 9%s %s-%s-%s', 20 + seq % 70, 300 + seq * 3 % 600, lpad((seq * 7 % 100)::text, 2, '0'),
                              lpad((seq * 23 % 100)::text, 2, '0'))] end,
                array[latin[1 + (seq * 2 + i) % 16] || '@client' || seq || '.ru'],
                case when i = 0 then 'Решения принимает сам, звонить до 11:00' else '' end);
      end loop;
    end if;
  end loop;

  -- Deals: every stage of every pipeline, for the Moscow and St Petersburg managers (sales)
  -- and the purchaser (purchases). lines: article:quantity; pay: none, unpaid, partial, paid,
  -- paid_former (paid by the client's former legal entity).
  for sp in select d.*, pl.id as pipeline_id,
                   (select s.id from crm.stages s where s.pipeline_id = pl.id and s.code = d.stage) as stage_id
              from (values
      ('sales', 'new', 'Поставка муки на IV квартал', 'ООО «Столичные пекарни»', 'manager.msk', 'MUK-001:120;MUK-002:80', 'none', null, 5, 'Выставка «Модерн Бейкери»'),
      ('sales', 'new', 'Ингредиенты для нового цеха', 'ООО «Балтийский хлеб»', 'manager.spb', 'MUK-001:60;DOB-001:200', 'none', null, 3, 'Сайт'),
      ('sales', 'new', 'Первая поставка муки', 'ИП Иванов А. А.', 'junior.msk', 'MUK-002:10', 'none', null, 4, 'Звонок'),
      ('sales', 'qualification', 'Сахар и пудра для кондитерского цеха', 'АО «Тульская кондитерская фабрика»', 'manager.msk', 'SAH-001:200;SAH-002:40', 'none', null, 12, 'Звонок'),
      ('sales', 'qualification', 'Молочные ингредиенты на год', 'АО «Невские кондитеры»', 'manager.spb', 'MOL-001:30;MOL-003:50', 'none', null, 9, 'Рекомендация'),
      ('sales', 'proposal', 'Мука и улучшители для сети пекарен', 'ООО «Пекарня на Тверской»', 'manager.msk', 'MUK-001:150;DOB-002:100', 'none', null, 20, 'Сайт'),
      ('sales', 'proposal', 'Маргарин и масло для слоёной выпечки', 'ООО «Пышечная на Конюшенной»', 'manager.spb', 'ZHR-001:80;MOL-002:200', 'none', null, 18, 'Звонок'),
      ('sales', 'proposal', 'Сыворотка для сыроварни', 'АО «Сыры Подмосковья»', 'head.msk', 'MOL-003:40', 'none', null, 15, 'Рекомендация'),
      ('sales', 'proposal', 'Годовой контракт: Казань', 'ООО «Казанский хлебокомбинат»', 'director', 'MUK-001:2000;SAH-001:300;USL-002:20', 'none', null, 25, 'Рекомендация'),
      ('sales', 'negotiation', 'Годовой контракт на муку', 'АО «Московский хлебокомбинат №5»', 'manager.msk', 'MUK-001:1200;MUK-003:400', 'partial', null, 35, 'Тендерная площадка'),
      ('sales', 'negotiation', 'Какао и ванилин для новой линейки', 'ООО «Балтийские сладости»', 'manager.spb', 'DOB-003:300;DOB-004:10', 'unpaid', null, 30, 'Рекомендация'),
      ('sales', 'negotiation', 'Пряничная мука и сироп', 'ООО «Тульские пряники»', 'manager.msk', 'MUK-002:100;SAH-003:500', 'none', null, 28, 'Звонок'),
      ('sales', 'won', 'Поставка сахара, август', 'ООО «Ромашка»', 'manager.msk', 'SAH-001:100', 'paid', null, 95, 'Звонок'),
      ('sales', 'won', 'Поставка муки, весна 2022', 'ООО «Ромашка»', 'manager.msk', 'MUK-001:200;USL-001:4', 'paid_former', null, 1700, 'Звонок'),
      ('sales', 'won', 'Пробная партия муки', 'ООО «Невский пекарь»', 'manager.spb', 'MUK-002:40', 'paid', null, 80, 'Сайт'),
      ('sales', 'lost', 'Упаковка для хлеба', 'ООО «Кафе Самовар»', 'manager.msk', 'UPK-001:20', 'none', 'Дорого', 60, 'Сайт'),
      ('sales', 'lost', 'Сухое молоко для пышек', 'ООО «Кафе Северная столица»', 'manager.spb', 'MOL-001:10', 'none', 'Выбрали конкурента', 50, 'Холодный звонок'),
      ('typical_sale', 'first_contact', 'Входящий звонок: мука для пиццы', 'ООО «Пиццерия Тесто»', 'manager.msk', 'MUK-001:20', 'none', null, 2, 'Звонок'),
      ('typical_sale', 'first_contact', 'Заявка с сайта: дрожжи', 'ООО «Кафе Северная столица»', 'manager.spb', 'DOB-001:50', 'none', null, 1, 'Сайт'),
      ('typical_sale', 'qualification', 'Сахар для варенья и джемов', 'АО «Тульский хлебозавод»', 'manager.msk', 'SAH-001:60', 'none', null, 8, 'Рекомендация'),
      ('typical_sale', 'qualification', 'Упаковка для пышек', 'ООО «Пышечная на Конюшенной»', 'manager.spb', 'UPK-001:15;UPK-002:500', 'none', null, 6, 'Сайт'),
      ('typical_sale', 'proposal', 'Ингредиенты для кафе', 'ООО «Кафе Самовар»', 'manager.msk', 'MOL-002:50;SAH-002:10', 'none', null, 14, 'Сайт'),
      ('typical_sale', 'proposal', 'Мука ржаная для бородинского', 'ООО «Балтийский хлеб»', 'manager.spb', 'MUK-003:100', 'none', null, 11, 'Звонок'),
      ('typical_sale', 'order', 'Заказ: масло и маргарин', 'ООО «Столичные пекарни»', 'manager.msk', 'ZHR-001:40;ZHR-002:300', 'unpaid', null, 16, 'Выставка «Модерн Бейкери»'),
      ('typical_sale', 'order', 'Заказ: сахарная пудра', 'АО «Невские кондитеры»', 'manager.spb', 'SAH-002:60', 'partial', null, 15, 'Рекомендация'),
      ('typical_sale', 'order', 'Заказ: мука для Кронштадта', 'ООО «Кронштадтский хлеб»', 'head.spb', 'MUK-001:70', 'unpaid', null, 10, 'Звонок'),
      ('typical_sale', 'sale_paid', 'Продажа: мука высшего сорта', 'ООО «Пекарня на Тверской»', 'manager.msk', 'MUK-001:90;USL-001:2', 'paid', null, 40, 'Сайт'),
      ('typical_sale', 'sale_paid', 'Продажа: дрожжи и улучшитель', 'ООО «Балтийские сладости»', 'manager.spb', 'DOB-001:100;DOB-002:50', 'paid', null, 45, 'Звонок'),
      ('typical_sale', 'lost', 'Глюкозный сироп', 'АО «Тульская кондитерская фабрика»', 'manager.msk', 'SAH-003:2000', 'none', 'Нет бюджета', 70, 'Выставка «ПИР Экспо»'),
      ('typical_sale', 'lost', 'Сухая сыворотка', 'ООО «Невский пекарь»', 'manager.spb', 'MOL-003:20', 'none', 'Пропала потребность', 65, 'Сайт'),
      ('purchase', 'request_formed', 'Заявка: мука высшего сорта на декабрь', 'ООО «Мельница Поволжья»', 'purchaser', 'MUK-001:600', 'none', null, 2, null),
      ('purchase', 'request_sent', 'Запрос цен на сахар-песок', 'АО «Сахарный комбинат Черноземья»', 'purchaser', 'SAH-001:400', 'none', null, 4, null),
      ('purchase', 'offer_received', 'Предложение: сухое молоко', 'ООО «Молочные ингредиенты Алтая»', 'purchaser', 'MOL-001:80', 'none', null, 7, null),
      ('purchase', 'head_approval', 'Предложение: гофрокороба', 'ООО «УпакСервис»', 'purchaser', 'UPK-002:5000', 'none', null, 9, null),
      ('purchase', 'ceo_approval', 'Закупка муки на I квартал', 'ООО «Мельница Поволжья»', 'purchaser', 'MUK-001:2400;MUK-002:800', 'none', null, 12, null),
      ('purchase', 'invoice_signed', 'Счёт: дрожжи прессованные', 'ООО «Восход-Дрожжи»', 'purchaser', 'DOB-001:1500', 'unpaid', null, 14, null),
      ('purchase', 'invoice_scheduled', 'Счёт: улучшители', 'ООО «Ингредиенты Плюс» (поставщик)', 'purchaser', 'DOB-002:400', 'unpaid', null, 16, null),
      ('purchase', 'paid', 'Оплачено: сахарная пудра', 'АО «Сахарный комбинат Черноземья»', 'purchaser', 'SAH-002:200', 'paid', null, 20, null),
      ('purchase', 'in_production', 'Пакеты с логотипом', 'ООО «УпакСервис»', 'purchaser', 'UPK-001:150', 'partial', null, 25, null),
      ('purchase', 'shipped', 'Какао-порошок, партия 2', 'АО «Агроимпорт» (поставщик)', 'purchaser', 'DOB-003:1000', 'paid', null, 28, null),
      ('purchase', 'delivered', 'Масло сливочное, декабрь', 'ООО «Молочные ингредиенты Алтая»', 'purchaser', 'MOL-002:1500', 'partial', null, 32, null),
      ('purchase', 'documents_signed', 'Ванилин кристаллический', 'ООО «Ингредиенты Плюс» (поставщик)', 'purchaser', 'DOB-004:40', 'paid', null, 38, null),
      ('purchase', 'documents_sent', 'Мука ржаная обдирная', 'ООО «Мельница Поволжья»', 'purchaser', 'MUK-003:500', 'paid', null, 42, null),
      ('purchase', 'completed', 'Сахар-песок, октябрь', 'АО «Сахарный комбинат Черноземья»', 'purchaser', 'SAH-001:800', 'paid', null, 60, null),
      ('purchase', 'cancelled', 'Маргарин для слоёного теста', 'АО «Агроимпорт» (поставщик)', 'purchaser', 'ZHR-001:300', 'none', 'Дорого', 30, null)
    ) d(pipe, stage, title, client, owner, lines, pay, loss, age, source)
    join crm.pipelines pl on pl.id = case d.pipe when 'sales' then p_sales when 'typical_sale' then p_typical else p_purchase end
  loop
    select * into v_stage from crm.stages where id = sp.stage_id;
    select c.id into cid from crm.clients c where c.name = sp.client;
    created := now() - sp.age * interval '1 day' + interval '9 hours';
    -- the legal entity in force when the deal was made
    select k.id into kid from crm.counterparties k
     where k.client_id = cid and k.valid_from <= created::date and (k.valid_to is null or k.valid_to >= created::date)
     order by k.valid_from desc limit 1;
    kid := coalesce(kid, (select k.id from crm.counterparties k where k.client_id = cid and k.valid_to is null));
    insert into crm.deals (title, client_id, counterparty_id, owner_id, pipeline_id, kind_id, source_id,
                           expected_close_date, custom_fields, created_at, updated_at)
    values (sp.title, cid, kid, (u ->> sp.owner)::bigint, sp.pipeline_id,
            case sp.pipe when 'sales' then k_sales else (select id from crm.deal_kinds where pipeline_id = sp.pipeline_id) end,
            (select id from crm.sources s where s.name = sp.source),
            (created + interval '30 days')::date,
            case when sp.pipe = 'purchase' and v_stage.kind <> 'lost' and (v_stage.kind = 'won' or v_stage.position >= 6) then
              jsonb_build_object('invoice_number', format('%s/%s', 100 + sp.age * 7, extract(year from created)::int % 100),
                                 'invoice_date', to_char(created + interval '3 days', 'YYYY-MM-DD'))
              || case when sp.pay = 'partial' then
                   jsonb_build_object('full_prepayment', false,
                                      'final_payment_date', to_char(current_date + 10, 'YYYY-MM-DD'))
                 else '{}' end
            else '{}' end,
            created, created)
    returning id into did;

    -- product lines (purchases at the supplier's price: ours less 20%); the amount is their sum
    insert into crm.deal_lines (deal_id, product_id, quantity, price, created_at, updated_at)
    select did, p.id, split_part(l, ':', 2)::numeric,
           case when sp.pipe = 'purchase' then round(p.price * 0.8, 2) else p.price end, created, created
      from unnest(string_to_array(sp.lines, ';')) l join crm.products p on p.article = split_part(l, ':', 1);
    select sum(x.amount) into v_amount from crm.deal_lines x where x.deal_id = did;
    update crm.deals set amount = v_amount where id = did;

    -- the invoice and its payments
    if sp.pay <> 'none' then
      issued := least(current_date, (created + interval '3 days')::date);
      insert into crm.invoices (deal_id, counterparty_id, number, issued_on, due_on, amount, created_at, updated_at)
      values (did, case when sp.pay = 'paid_former' then
                     (select k.id from crm.counterparties k where k.client_id = cid and k.valid_to is not null) else kid end,
              case when sp.pipe = 'purchase' then format('П-%s', 100 + sp.age * 7) else format('СЧ-%s', lpad(did::text, 5, '0')) end,
              issued, issued + 10, v_amount, issued, issued)
      returning id into iid;
      if sp.pay in ('paid', 'paid_former') then
        -- the larger ones in two parts: prepayment and the rest
        if v_amount > 500000 then
          insert into crm.payments (invoice_id, amount, paid_on, reference)
          values (iid, round(v_amount * 0.5, 2), least(current_date, issued + 2), format('п/п № %s', 1000 + did * 3)),
                 (iid, v_amount - round(v_amount * 0.5, 2), least(current_date, issued + 8), format('п/п № %s', 1001 + did * 3));
        else
          insert into crm.payments (invoice_id, amount, paid_on, reference)
          values (iid, v_amount, least(current_date, issued + 4), format('п/п № %s', 1000 + did * 3));
        end if;
      elsif sp.pay = 'partial' then
        v_paid := round(v_amount * case when sp.pipe = 'purchase' then 0.5 else 0.3 end, 2);
        insert into crm.payments (invoice_id, amount, paid_on, reference)
        values (iid, v_paid, least(current_date, issued + 2), format('п/п № %s (предоплата)', 1000 + did * 3));
      end if;
    end if;

    -- the scan of a purchase invoice
    if sp.pipe = 'purchase' and sp.pay <> 'none' and sp.age % 2 = 0 then
      insert into crm.files (name, content_type, size_bytes, sha256, content, client_id, deal_id, owner_id)
      values (format('Счёт %s.pdf', 100 + sp.age * 7), 'application/pdf', length(pdf), sha256(pdf), pdf, cid, did,
              (u ->> sp.owner)::bigint)
      returning id into fid;
      update crm.deals set custom_fields = custom_fields || jsonb_build_object('invoice_scan', fid) where id = did;
    end if;

    -- what happened so far: the first contact, then one interaction per stage passed (at most three)
    insert into crm.interactions (client_id, deal_id, contact_id, kind, direction, occurred_at, duration_seconds, summary, owner_id)
    values (cid, did, (select min(x.id) from crm.contacts x where x.client_id = cid),
            case when sp.pipe = 'purchase' then 'email' when sp.age % 3 = 0 then 'email' else 'call' end,
            case when sp.pipe = 'purchase' then 'outbound' else 'inbound' end,
            created, case when sp.pipe <> 'purchase' and sp.age % 3 <> 0 then 240 + sp.age % 600 end,
            case when sp.pipe = 'purchase' then format('Отправили запрос поставщику: %s. Просим цену, срок поставки и условия оплаты.', sp.title)
                 else format('Клиент обратился: %s. Уточнили объёмы, график поставок и требования к документам.', sp.title) end,
            (u ->> sp.owner)::bigint);
    insert into crm.interactions (client_id, deal_id, contact_id, kind, direction, occurred_at, duration_seconds, summary, owner_id)
    select cid, did, (select max(x.id) from crm.contacts x where x.client_id = cid),
           (array['meeting', 'email', 'call', 'message'])[1 + (s.position + sp.age) % 4], 'outbound',
           created + s.position * (sp.age * interval '1 day' / (v_stage.position + 2)),
           case when (s.position + sp.age) % 4 in (0, 2) then 1800 end,
           case (s.position + sp.age) % 4
             when 0 then format('Встреча в офисе клиента: обсудили этап «%s», договорились о следующем шаге.', s.name)
             when 1 then format('Письмо: отправили документы по этапу «%s».', s.name)
             when 2 then format('Звонок: этап «%s», клиент подтвердил объёмы и сроки.', s.name)
             else format('Сообщение в мессенджере: напомнили о сроках по этапу «%s».', s.name) end,
           (u ->> sp.owner)::bigint
      from crm.stages s
     where s.pipeline_id = sp.pipeline_id and s.kind = 'open' and s.position between 2 and least(4, v_stage.position);

    -- tasks: the first contact recorded (done); open deals have a next step, every third one overdue
    insert into crm.tasks (title, description, assignee_id, owner_id, due_at, status, deal_id, client_id, created_at, updated_at)
    values (case when sp.pipe = 'purchase' then 'Отправить запрос поставщикам' else 'Зафиксировать первый контакт' end,
            'Создана автоматически при создании сделки', (u ->> sp.owner)::bigint, (u ->> sp.owner)::bigint,
            created + interval '1 day', 'done', did, cid, created, created);
    if v_stage.kind = 'open' then
      insert into crm.tasks (title, description, assignee_id, owner_id, due_at, reminder_at, status, deal_id, client_id)
      values (case v_stage.code
                when 'new' then 'Квалифицировать клиента: объёмы, бюджет, кто принимает решение'
                when 'first_contact' then 'Квалифицировать клиента'
                when 'qualification' then 'Подготовить и отправить коммерческое предложение'
                when 'proposal' then 'Перезвонить по КП через 2 дня'
                when 'negotiation' then 'Согласовать спецификацию и условия оплаты'
                when 'order' then 'Проконтролировать оплату счёта'
                when 'head_approval' then 'Согласовать с руководителем закупок'
                when 'ceo_approval' then 'Получить согласование генерального директора'
                when 'invoice_scheduled' then 'Проверить оплату в банк-клиенте'
                when 'shipped' then 'Отследить груз у перевозчика'
                when 'delivered' then 'Подписать ТОРГ-12 и УПД'
                else format('Следующий шаг после этапа «%s»', v_stage.name) end,
              format('Сделка «%s»', sp.title), (u ->> sp.owner)::bigint, (u ->> sp.owner)::bigint,
              case when n % 3 = 0 then now() - interval '2 days' + interval '1 hour' * (n % 5)
                   else date_trunc('day', now()) + (1 + n % 6) * interval '1 day' + interval '10 hours' end,
              case when n % 3 = 0 then now() - interval '2 days'
                   else date_trunc('day', now()) + (1 + n % 6) * interval '1 day' + interval '9 hours 30 minutes' end,
              'open', did, cid);
    else
      insert into crm.tasks (title, description, assignee_id, owner_id, due_at, status, deal_id, client_id)
      values (case v_stage.kind when 'won' then 'Запросить отзыв и предложить следующую поставку'
                              else 'Выяснить причину отказа и внести в карточку' end,
              '', (u ->> sp.owner)::bigint, (u ->> sp.owner)::bigint, now() - interval '1 day', 'done', did, cid);
    end if;
    n := n + 1;

    -- and to its stage, step by step
    perform crm_private.demo_move_deal(did, sp.stage_id,
                                       (select id from crm.loss_reasons lr where lr.name = sp.loss));
  end loop;

  -- Tasks without a deal: calls to make, a reminder in another time zone, a cancelled one.
  insert into crm.tasks (title, description, assignee_id, owner_id, due_at, reminder_at, time_zone, status, client_id)
  select v.title, v.description, (u ->> v.who)::bigint, (u ->> v.who)::bigint,
         date_trunc('day', now()) + v.due, case when v.remind then date_trunc('day', now()) + v.due - interval '15 minutes' end,
         v.tz, v.status, (select id from crm.clients c where c.name = v.client)
    from (values
      ('Перезвонить через 2 дня: уточнить график поставок', '', 'manager.msk', interval '2 days 11 hours', true, null, 'open', 'ООО «Ромашка»'),
      ('Поздравить с юбилеем компании', 'Отправить открытку и скидку 5% на следующий заказ', 'manager.msk', interval '-3 days 10 hours', true, null, 'open', 'АО «Московский хлебокомбинат №5»'),
      ('Созвон с филиалом в Новосибирске', 'Время клиента: 10:00 по Новосибирску', 'director', interval '1 day 3 hours', true, 'Asia/Novosibirsk', 'open', 'ООО «Казанский хлебокомбинат»'),
      ('Сверка взаиморасчётов за квартал', 'Акт сверки отправить по ЭДО', 'accountant', interval '5 days 12 hours', true, null, 'open', 'ООО «Столичные пекарни»'),
      ('Проверить пробы новой партии какао', '', 'manager.spb', interval '-1 day 15 hours', false, null, 'open', 'АО «Невские кондитеры»'),
      ('Отправить прайс на сезон', 'Клиент попросил прислать позже', 'manager.spb', interval '-10 days', false, null, 'cancelled', 'ООО «Кафе Северная столица»'),
      ('Обновить реквизиты контрагента', 'ООО «Невский пекарь-Север» закрыто, работаем с новым юрлицом', 'manager.spb', interval '-30 days', false, null, 'done', 'ООО «Невский пекарь»'),
      ('Сравнить предложения трёх мельниц', 'Таблица в общей папке', 'procurement.head', interval '3 days 14 hours', true, null, 'open', 'ООО «Мельница Поволжья»')
    ) v(title, description, who, due, remind, tz, status, client);

  -- Interactions on clients without a deal.
  insert into crm.interactions (client_id, contact_id, kind, direction, occurred_at, duration_seconds, summary, owner_id)
  select c.id, (select min(x.id) from crm.contacts x where x.client_id = c.id), v.kind, v.direction,
         now() - v.ago, v.seconds, v.summary, (u ->> v.who)::bigint
    from (values
      ('ООО «Ромашка»', 'call', 'outbound', interval '3 days', 420, 'Уточнили новые реквизиты: теперь работают как ООО, ИП закрыто.', 'manager.msk'),
      ('ООО «Пиццерия Тесто»', 'meeting', 'outbound', interval '1 day', 3600, 'Дегустация муки для пиццы в офисе клиента, понравилась MUK-001.', 'manager.msk'),
      ('АО «Невские кондитеры»', 'email', 'inbound', interval '6 hours', null, 'Прислали результаты лабораторных испытаний какао-порошка.', 'manager.spb'),
      ('ООО «Кафе Северная столица»', 'message', 'outbound', interval '2 days', null, 'Напомнили об акции на дрожжи до конца месяца.', 'manager.spb'),
      ('ООО «Мельница Поволжья»', 'call', 'inbound', interval '5 hours', 300, 'Поставщик предупредил о росте цен на муку с 1-го числа.', 'purchaser')
    ) v(client, kind, direction, ago, seconds, summary, who)
    join crm.clients c on c.name = v.client;

  return jsonb_build_object(
    'pipelines', (select count(*) from crm.pipelines), 'stages', (select count(*) from crm.stages),
    'products', (select count(*) from crm.products), 'clients', (select count(*) from crm.clients),
    'counterparties', (select count(*) from crm.counterparties), 'contacts', (select count(*) from crm.contacts),
    'deals', (select count(*) from crm.deals), 'deal_lines', (select count(*) from crm.deal_lines),
    'invoices', (select count(*) from crm.invoices), 'payments', (select count(*) from crm.payments),
    'interactions', (select count(*) from crm.interactions), 'tasks', (select count(*) from crm.tasks),
    'files', (select count(*) from crm.files));
end
$$;

revoke execute on all functions in schema crm_private, crm_api, audit from public;
