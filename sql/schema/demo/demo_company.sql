-- demo/demo_company.sql: the demo company: departments, territories, roles, users and first rows (crm_private.install_demo_company).
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/090_demo_company.sql, sql/legacy/140_demo_company.sql, sql/legacy/295_demo_junior_works_his_own.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

grant execute on function crm_api.install_demo_company() to crm_user;

revoke execute on all functions in schema crm_private, crm_api, audit from public;

-- The id of the stage with this code in the default pipeline.
create or replace function crm_private.default_stage(p_code text) returns bigint
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select s.id from crm.stages s join crm.pipelines p on p.id = s.pipeline_id where p.is_default and s.code = p_code
$$;

-- The body of sql/legacy/140, renamed by 295 (crm_private.install_demo_company wraps it).

create or replace function crm_private.install_demo_company_140()
  returns table (login text, user_id bigint)
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  d_mgmt bigint; d_msk bigint; d_spb bigint; d_proc bigint; d_acc bigint;
  t_ru bigint; t_central bigint; t_msk bigint; t_tula bigint; t_nw bigint; t_spb bigint; t_volga bigint; t_kazan bigint;
  r_director bigint; r_head bigint; r_manager bigint; r_junior bigint; r_purchaser bigint; r_accountant bigint; r_admin bigint;
  u jsonb := '{}';
  sales_entities text[] := array['client', 'counterparty', 'contact', 'deal', 'task', 'interaction', 'document', 'invoice'];
  all_entities text[] := array['client', 'counterparty', 'contact', 'deal', 'task', 'interaction', 'document', 'product', 'invoice', 'report'];
  e text;
  a text;
  c1 bigint; c2 bigint; dl bigint;
  m record;
begin
  if crm_private.context() is not null or session_user = 'crm_authenticator' then
    perform crm_api.require_admin();
  end if;
  if exists (select 1 from crm.users x where lower(x.login) in ('director', 'admin', 'manager.msk')) then
    raise exception 'the demo company is already installed' using errcode = 'duplicate_object';
  end if;

  insert into crm.departments (name) values ('Management') returning id into d_mgmt;
  insert into crm.departments (parent_id, name) values (d_mgmt, 'Moscow sales') returning id into d_msk;
  insert into crm.departments (parent_id, name) values (d_mgmt, 'St Petersburg sales') returning id into d_spb;
  insert into crm.departments (parent_id, name) values (d_mgmt, 'Procurement') returning id into d_proc;
  insert into crm.departments (parent_id, name) values (d_mgmt, 'Accounting') returning id into d_acc;

  insert into crm.territories (name) values ('Russia') returning id into t_ru;
  insert into crm.territories (parent_id, name) values (t_ru, 'Central') returning id into t_central;
  insert into crm.territories (parent_id, name) values (t_central, 'Moscow') returning id into t_msk;
  insert into crm.territories (parent_id, name) values (t_central, 'Tula') returning id into t_tula;
  insert into crm.territories (parent_id, name) values (t_ru, 'North-West') returning id into t_nw;
  insert into crm.territories (parent_id, name) values (t_nw, 'St Petersburg') returning id into t_spb;
  insert into crm.territories (parent_id, name) values (t_ru, 'Volga') returning id into t_volga;
  insert into crm.territories (parent_id, name) values (t_volga, 'Kazan') returning id into t_kazan;

  -- The director and the administrators require two factors (sql/migrations/420): with the
  -- default enforcement 'enrolled' they are asked for a code once they have enrolled.
  insert into crm.roles (name, description, can_access_private, requires_two_factor)
    values ('director', 'Генеральный директор: все данные', true, true) returning id into r_director;
  insert into crm.roles (name, description)
    values ('department_head', 'Руководитель отдела: данные отдела и подотделов') returning id into r_head;
  insert into crm.roles (name, description)
    values ('manager', 'Менеджер: видит территорию, меняет своё') returning id into r_manager;
  insert into crm.roles (name, description)
    values ('junior_manager', 'Младший менеджер: создаёт и видит своё') returning id into r_junior;
  insert into crm.roles (name, description)
    values ('purchaser', 'Закупщик') returning id into r_purchaser;
  insert into crm.roles (name, description)
    values ('accountant', 'Бухгалтер') returning id into r_accountant;
  insert into crm.roles (name, description, is_admin, requires_two_factor)
    values ('admin', 'Администратор: пользователи, роли, сети', true, true) returning id into r_admin;

  foreach e in array all_entities loop
    foreach a in array array['read', 'create', 'update', 'delete', 'export', 'approve'] loop
      insert into crm.role_permissions values (r_director, e, a, 'all');
    end loop;
    if e = 'product' then
      insert into crm.role_permissions values (r_head, e, 'read', 'all');
    else
      foreach a in array array['read', 'create', 'update', 'delete', 'approve'] loop
        insert into crm.role_permissions values (r_head, e, a, 'department');
      end loop;
    end if;
  end loop;
  foreach e in array sales_entities loop
    insert into crm.role_permissions values (r_manager, e, 'read', 'territory'), (r_manager, e, 'create', 'own'),
                                            (r_manager, e, 'update', 'own');
    insert into crm.role_permissions values (r_junior, e, 'read', 'own'), (r_junior, e, 'create', 'own');
    insert into crm.role_permissions values (r_purchaser, e, 'read', 'department'), (r_purchaser, e, 'create', 'own'),
                                            (r_purchaser, e, 'update', 'own');
  end loop;
  insert into crm.role_permissions values
    (r_manager, 'product', 'read', 'all'), (r_manager, 'report', 'read', 'own'),
    (r_junior, 'product', 'read', 'all'),
    (r_purchaser, 'product', 'read', 'all'), (r_purchaser, 'product', 'create', 'all'), (r_purchaser, 'product', 'update', 'all');
  foreach e in array array['invoice', 'document'] loop
    insert into crm.role_permissions values (r_accountant, e, 'read', 'all'), (r_accountant, e, 'create', 'all'),
                                            (r_accountant, e, 'update', 'all'), (r_accountant, e, 'approve', 'all');
  end loop;
  foreach e in array array['client', 'counterparty', 'contact', 'deal', 'product', 'report'] loop
    insert into crm.role_permissions values (r_accountant, e, 'read', 'all');
  end loop;
  -- The accountant is the last step of the purchase approval chain (procurement head → CEO → accountant).
  insert into crm.role_permissions values (r_accountant, 'deal', 'approve', 'all');
  -- ...and works on the tasks the processes give it (schedule a payment).
  insert into crm.role_permissions values (r_accountant, 'task', 'read', 'own'), (r_accountant, 'task', 'update', 'own');

  for m in select * from (values
      ('director', 'Иван Петрович Сидоров', d_mgmt, r_director, array[t_ru]),
      ('head.msk', 'Ольга Николаевна Кузнецова', d_msk, r_head, array[t_central]),
      ('manager.msk', 'Алексей Смирнов', d_msk, r_manager, array[t_central]),
      ('junior.msk', 'Дмитрий Волков', d_msk, r_junior, array[t_msk]),
      ('head.spb', 'Мария Андреевна Лебедева', d_spb, r_head, array[t_nw]),
      ('manager.spb', 'Сергей Морозов', d_spb, r_manager, array[t_nw]),
      ('purchaser', 'Анна Козлова', d_proc, r_purchaser, array[t_ru]),
      ('procurement.head', 'Виктор Павлович Соколов', d_proc, r_head, array[t_ru]),
      ('accountant', 'Елена Попова', d_acc, r_accountant, array[t_ru]),
      ('admin', 'Администратор системы', d_mgmt, r_admin, array[]::bigint[])
    ) as v(login, name, dept, role_id, terrs)
  loop
    insert into crm.users (login, name, email, department_id, time_zone, locale)
      values (m.login, m.name, m.login || '@demo.example', m.dept,
              'Europe/Moscow', 'ru-RU')
      returning id into c1;
    insert into crm.user_roles values (c1, m.role_id);
    insert into crm.user_territories select c1, t from unnest(m.terrs) t;
    u := u || jsonb_build_object(m.login, c1);
  end loop;

  -- A few clients, contacts, deals and tasks per manager.
  for m in select * from (values
      ('manager.msk', t_msk, 'ООО «Ромашка»', 'ООО «Пекарня на Тверской»', false),
      ('manager.msk', t_tula, 'АО «Тульский хлебозавод»', 'ООО «Тульские пряники»', true),
      ('junior.msk', t_msk, 'ИП Иванов А. А.', 'ООО «Кондитер-М»', false),
      ('head.msk', t_msk, 'ООО «Молочный комбинат»', 'АО «Сыры Подмосковья»', false),
      ('manager.spb', t_spb, 'ООО «Невский пекарь»', 'ООО «Балтийские сладости»', false),
      ('head.spb', t_spb, 'АО «Петербургский мелькомбинат»', 'ООО «Кронштадтский хлеб»', false),
      ('purchaser', t_msk, 'ООО «Ингредиенты Плюс» (поставщик)', 'АО «Агроимпорт» (поставщик)', false)
    ) as v(login, terr, client1, client2, private2)
  loop
    insert into crm.clients (name, kind, owner_id, territory_id, notes)
      values (m.client1, case when m.login = 'purchaser' then 'supplier' else 'customer' end,
              (u ->> m.login)::bigint, m.terr, 'Демо-клиент') returning id into c1;
    insert into crm.clients (name, kind, owner_id, territory_id, is_private, notes)
      values (m.client2, case when m.login = 'purchaser' then 'supplier' else 'customer' end,
              (u ->> m.login)::bigint, m.terr, m.private2,
              case when m.private2 then 'Закрытый клиент' else 'Демо-клиент' end) returning id into c2;
    insert into crm.contacts (client_id, name, position, phones, emails)
      values (c1, 'Петров Пётр', 'Директор по закупкам', '{+7 495 123-45-67}', '{petrov@example.ru}'),
             (c2, 'Сидорова Анна', 'Технолог', '{+7 812 765-43-21}', '{sidorova@example.ru}');
    insert into crm.deals (title, client_id, amount, owner_id, stage_id)
      values ('Поставка муки, ' || m.client1, c1, 150000.00, (u ->> m.login)::bigint, crm_private.default_stage('proposal'))
      returning id into dl;
    insert into crm.deals (title, client_id, amount, owner_id, stage_id)
      values ('Пробная партия, ' || m.client2, c2, 42000.50, (u ->> m.login)::bigint, crm_private.default_stage('qualification'));
    insert into crm.tasks (title, assignee_id, owner_id, due_at, deal_id, client_id)
      values ('Отправить КП', (u ->> m.login)::bigint, (u ->> m.login)::bigint, now() + interval '2 days', dl, c1),
             ('Перезвонить через 2 дня', (u ->> m.login)::bigint, (u ->> m.login)::bigint, now() + interval '2 days', null, c2);
  end loop;

  return query select k, v::bigint from jsonb_each_text(u) as j(k, v) order by v::bigint;
end
$$;

revoke execute on all functions in schema crm_private, crm_api, audit from public;

create or replace function crm_private.demo_junior_grants() returns void
  language sql volatile security definer set search_path = pg_catalog, pg_temp
  begin atomic
    insert into crm.role_permissions (role_id, entity, action, scope)
    select r.id, e.entity::crm.entity_name, 'update', 'own'
      from crm.roles r, (values ('deal'), ('task')) as e(entity)
     where r.name = 'junior_manager'
    on conflict (role_id, entity, action) do nothing;
  end;

create or replace function crm_private.install_demo_company() returns table (login text, user_id bigint)
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  return query select x.login, x.user_id from crm_private.install_demo_company_140() x;
  perform crm_private.demo_junior_grants();
end
$$;

create or replace function crm_api.install_demo_company() returns table (login text, user_id bigint)
  language sql volatile security definer set search_path = pg_catalog, pg_temp
  begin atomic
    select * from crm_private.install_demo_company();
  end;

revoke execute on all functions in schema crm_private, crm_api, audit from public;

grant execute on function crm_api.install_demo_company() to crm_user;
