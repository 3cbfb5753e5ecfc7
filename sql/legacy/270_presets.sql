-- 270 The three processes of PRODUCT.md shipped as presets: crm_private.install_preset(name)
-- (`crm preset install NAME`, and at --demo) creates the pipeline when missing
-- (crm_private.install_pipeline from 160 for purchase and typical_sale) and gives it its rules:
-- task templates, exit conditions, approval steps, branches, automatic moves. Installing a
-- preset twice changes nothing.
--
--   purchase      13 stages; tasks between them for the purchaser and the accountant; the
--                 approval chain procurement head → CEO → accountant (a reject sends the deal
--                 back to «Получено предложение»); invoice number and scan must be filled
--                 before the offer goes to approval
--   b2b_sale      full B2B sale: qualification → preliminary proposal → a choice of the short
--                 process (straight to the proposal) or the full one (recipe, samples, pilot
--                 line visit, industrial trial with a contract approval — each optional per
--                 deal) → proposal → contract → waiting for the order
--   typical_sale  1C UT: first contact (the task needs a registered interaction) → qualify →
--                 proposal → order (moves to «sale paid» when its invoices are paid)

create function crm_private.preset_stage(p_pipeline bigint, p_code text) returns bigint
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select id from crm.stages where pipeline_id = p_pipeline and code = p_code
$$;

create function crm_private.preset_role(p_name text) returns bigint
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select id from crm.roles where name = p_name order by id limit 1
$$;

-- One task template on a stage (assignee: the deal's responsible unless a role is named).
create function crm_private.preset_task(p_stage bigint, p_position int, p_title text, p_role text default null,
    p_due interval default interval '1 day', p_proof text default 'none', p_required boolean default true)
  returns void
  language sql volatile security definer set search_path = pg_catalog, pg_temp as $$
  insert into crm.stage_task_templates (stage_id, position, title, assignee_rule, assignee_role_id, due_after, proof, required)
  values (p_stage, p_position, p_title, case when p_role is null then 'responsible' else 'role' end,
          crm_private.preset_role(p_role), p_due, p_proof, p_required)
$$;

-- The full B2B sale pipeline (distributor case) without its rules; once, by name.
create function crm_private.install_b2b_pipeline() returns bigint
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  pid bigint;
begin
  select id into pid from crm.pipelines where lower(name) = lower('Продажа B2B (дистрибуция)');
  if pid is not null then
    return pid;
  end if;
  insert into crm.pipelines (name, kind) values ('Продажа B2B (дистрибуция)', 'sales') returning id into pid;
  insert into crm.stages (pipeline_id, code, name, position, kind, skippable, probability)
  select pid, v.code, v.name, v.position, v.kind, v.skippable, v.probability
    from (values
      ('qualification', 'Квалификация', 1, 'open', false, 10),
      ('preliminary_proposal', 'Предварительное предложение', 2, 'open', false, 20),
      ('recipe', 'Выбор рецептуры', 3, 'open', true, 30),
      ('samples', 'Образцы', 4, 'open', true, 35),
      ('pilot_visit', 'Визит на пилотную линию', 5, 'open', true, 40),
      ('industrial_trial', 'Промышленные испытания', 6, 'open', true, 50),
      ('proposal', 'Коммерческое предложение', 7, 'open', false, 60),
      ('contract', 'Договор и спецификация', 8, 'open', false, 75),
      ('waiting_order', 'Ожидание заказа', 9, 'open', false, 90),
      ('won', 'Успешно', 10, 'won', false, 100),
      ('lost', 'Проиграна', 11, 'lost', false, 0)) v(code, name, position, kind, skippable, probability);
  insert into crm.deal_kinds (name, pipeline_id) values ('Продажа B2B', pid) on conflict (lower(name)) do nothing;
  return pid;
end
$$;

-- Demo deals in every stage of the B2B pipeline, placed before its rules are installed (as the
-- other demo deals: history, not a process run). Once; needs the demo data.
create function crm_private.install_demo_b2b_deals() returns int
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  pid bigint := crm_private.install_b2b_pipeline();
  st crm.stages;
  n int := 0;
  owner_login text;
  owner bigint;
  client bigint;
  deal bigint;
  titles text[] := array['Улучшители для сети пекарен', 'Смеси для кондитерского цеха', 'Закваски для хлебозавода',
                         'Начинки для пирогов', 'Глазурь для пряников', 'Дрожжи для мини-пекарен', 'Шоколадные капли',
                         'Пищевые красители', 'Маргарин для слоёного теста', 'Мука для пиццы', 'Какао для глазури'];
begin
  if exists (select 1 from crm.deals where pipeline_id = pid) then
    return 0;
  end if;
  for st in select * from crm.stages where pipeline_id = pid order by position loop
    n := n + 1;
    owner_login := case when n % 2 = 1 then 'manager.msk' else 'manager.spb' end;
    select id into owner from crm.users where login = owner_login;
    select c.id into client from crm.clients c where c.owner_id = owner and c.kind <> 'supplier'
     order by c.id offset (n / 2) % greatest(1, (select count(*) from crm.clients x where x.owner_id = owner and x.kind <> 'supplier'))
     limit 1;
    insert into crm.deals (title, pipeline_id, client_id, amount, owner_id, created_at)
    values (titles[1 + (n - 1) % cardinality(titles)], pid, client, 100000 * n + 50000, owner, now() - (n || ' days')::interval)
    returning id into deal;
    perform crm_private.demo_move_deal(deal, st.id, (select id from crm.loss_reasons order by id limit 1));
  end loop;
  return n;
end
$$;

create function crm_private.install_preset(p_name text) returns bigint
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  pid bigint;
  s bigint;
  back bigint;
begin
  if crm_private.context() is not null or session_user = 'crm_authenticator' then
    perform crm_api.require_admin();
  end if;
  case p_name
    when 'purchase', 'typical_sale' then
      pid := crm_private.install_pipeline(p_name);
    when 'b2b_sale' then
      pid := crm_private.install_b2b_pipeline();
    else
      raise exception 'unknown preset «%» (known: purchase, b2b_sale, typical_sale)', p_name
        using errcode = 'CR422', column = 'preset';
  end case;

  -- Rules once: a pipeline that has them already is left as it is.
  if exists (select 1 from crm.stage_task_templates t join crm.stages x on x.id = t.stage_id where x.pipeline_id = pid)
     or exists (select 1 from crm.approval_steps a join crm.stages x on x.id = a.stage_id where x.pipeline_id = pid) then
    return pid;
  end if;

  if p_name = 'purchase' then
    update crm.stages set auto_advance = true where pipeline_id = pid and kind = 'open' and code <> 'documents_sent';
    perform crm_private.preset_task(crm_private.preset_stage(pid, 'request_formed'), 1, 'Отправить запрос поставщикам');
    perform crm_private.preset_task(crm_private.preset_stage(pid, 'request_sent'), 1, 'Получить предложения поставщиков',
                                    p_due => interval '3 days');
    s := crm_private.preset_stage(pid, 'offer_received');
    perform crm_private.preset_task(s, 1, 'Выбрать счёт к оплате');
    insert into crm.stage_exit_conditions (stage_id, kind, fields) values (s, 'fields_filled', '{invoice_number,invoice_scan}');
    back := s;
    insert into crm.approval_steps (stage_id, position, title, approver_rule, approver_role_id, reject_stage_id)
    values (crm_private.preset_stage(pid, 'head_approval'), 1, 'Согласование руководителем закупок', 'role_in_department',
            crm_private.preset_role('department_head'), back),
           (crm_private.preset_stage(pid, 'ceo_approval'), 1, 'Согласование генеральным директором', 'role',
            crm_private.preset_role('director'), back),
           (crm_private.preset_stage(pid, 'invoice_scheduled'), 1, 'Согласование оплаты бухгалтером', 'role',
            crm_private.preset_role('accountant'), back);
    perform crm_private.preset_task(crm_private.preset_stage(pid, 'invoice_signed'), 1, 'Запланировать оплату счёта', 'accountant');
    perform crm_private.preset_task(crm_private.preset_stage(pid, 'paid'), 1, 'Отследить запуск заказа в производство');
    perform crm_private.preset_task(crm_private.preset_stage(pid, 'in_production'), 1, 'Отследить отгрузку',
                                    p_due => interval '7 days');
    perform crm_private.preset_task(crm_private.preset_stage(pid, 'shipped'), 1, 'Отследить доставку', p_due => interval '5 days');
    perform crm_private.preset_task(crm_private.preset_stage(pid, 'delivered'), 1, 'Подписать сопроводительные документы');
    perform crm_private.preset_task(crm_private.preset_stage(pid, 'documents_signed'), 1, 'Отправить сопроводительные документы');
    update crm.stages set remind_after = interval '2 days'
     where pipeline_id = pid and code in ('head_approval', 'ceo_approval', 'invoice_scheduled');

  elsif p_name = 'typical_sale' then
    update crm.stages set auto_advance = true where pipeline_id = pid and kind = 'open';
    perform crm_private.preset_task(crm_private.preset_stage(pid, 'first_contact'), 1, 'Зафиксировать первый контакт',
                                    p_due => interval '4 hours', p_proof => 'interaction');
    perform crm_private.preset_task(crm_private.preset_stage(pid, 'qualification'), 1, 'Квалифицировать клиента');
    perform crm_private.preset_task(crm_private.preset_stage(pid, 'proposal'), 1, 'Подготовить и отправить КП');
    s := crm_private.preset_stage(pid, 'order');
    perform crm_private.preset_task(s, 1, 'Выставить счёт по заказу');
    insert into crm.stage_exit_conditions (stage_id, kind) values (s, 'invoice_paid');

  else  -- b2b_sale
    update crm.stages set auto_advance = true
     where pipeline_id = pid and kind = 'open' and code not in ('preliminary_proposal', 'waiting_order');
    perform crm_private.preset_task(crm_private.preset_stage(pid, 'qualification'), 1, 'Квалифицировать клиента');
    s := crm_private.preset_stage(pid, 'preliminary_proposal');
    perform crm_private.preset_task(s, 1, 'Сформировать и отправить предварительное предложение');
    insert into crm.stage_transitions (from_stage_id, to_stage_id, label)
    values (s, crm_private.preset_stage(pid, 'recipe'), 'Полный процесс'),
           (s, crm_private.preset_stage(pid, 'proposal'), 'Короткий процесс');
    perform crm_private.preset_task(crm_private.preset_stage(pid, 'recipe'), 1, 'Подобрать рецептуру');
    s := crm_private.preset_stage(pid, 'samples');
    perform crm_private.preset_task(s, 1, 'Проверить наличие образцов в офисе');
    perform crm_private.preset_task(s, 2, 'Заказать или запросить образцы', p_required => false);
    perform crm_private.preset_task(s, 3, 'Запросить результаты испытаний образцов', p_due => interval '7 days');
    perform crm_private.preset_task(crm_private.preset_stage(pid, 'pilot_visit'), 1, 'Командировка на пилотную линию',
                                    p_due => interval '14 days');
    s := crm_private.preset_stage(pid, 'industrial_trial');
    perform crm_private.preset_task(s, 1, 'Провести промышленные испытания', p_due => interval '14 days');
    insert into crm.approval_steps (stage_id, position, title, approver_rule, approver_role_id, reject_stage_id)
    values (s, 1, 'Согласование договора на платный образец', 'role_in_department', crm_private.preset_role('department_head'),
            crm_private.preset_stage(pid, 'preliminary_proposal'));
    s := crm_private.preset_stage(pid, 'proposal');
    perform crm_private.preset_task(s, 1, 'Отправить коммерческое предложение');
    insert into crm.stage_exit_conditions (stage_id, kind) values (s, 'interaction');
    perform crm_private.preset_task(crm_private.preset_stage(pid, 'contract'), 1, 'Подготовить договор и спецификацию');
  end if;
  return pid;
end
$$;

create function crm_api.install_preset(p_name text) returns bigint
  language sql volatile security definer set search_path = pg_catalog, pg_temp
  begin atomic
    select crm_private.install_preset(p_name);
  end;

revoke execute on all functions in schema crm_private, crm_api, audit from public;
grant execute on function crm_api.install_preset(text) to crm_user;
