-- Security core tests (PostgreSQL side).
--
-- Run on a fresh database where all migrations were applied in order, as a superuser
-- (it switches SESSION AUTHORIZATION to crm_authenticator to act like the server):
--   Tests/SQL/run_security_tests.sh            (creates a database, migrates, runs this)
-- or by hand, after applying sql/legacy/*.sql, sql/migrations/*.sql (each file with -1) and the
-- files of sql/schema/ORDER (in one transaction), as the runner does:
--   psql -v ON_ERROR_STOP=1 -f Tests/SQL/security_test.sql
-- Any failed check raises, so psql exits non-zero. With -v keep_going=1 it goes on after a failure
-- instead: the sections ("== ..." lines) and the errors go to stderr in order, and the Swift test
-- (SecuritySQLTests) reports each section on its own, so one failure does not hide the rest. Data: installs the demo company, adds a
-- few rows; the 200k-row EXPLAIN check and pgbench writers run at the end.

\if :{?keep_going}
\else
\set ON_ERROR_STOP 1
\endif
\set QUIET 1
\pset pager off
set client_min_messages = warning;

\set test_superuser :USER
drop schema if exists sectest cascade;
create schema sectest;
grant usage on schema sectest to crm_user, crm_authenticator;
create table sectest.su as select current_user::text as name;
grant select on sectest.su to crm_user, crm_authenticator;
create type sectest.req as (ok boolean, reason text, user_id bigint, session_id bigint, api_token_id bigint);

\warn '== setup: demo company + a sub-department'
-- (psql variables are not interpolated inside $$ bodies: they travel as settings sectest.*)
create temp table demo_users as select * from crm_private.install_demo_company();
do $$ begin assert (select count(*) from demo_users) = 10, 'demo company: 10 users expected'; end $$;

do $$
declare
  d_key bigint; t_kazan bigint; r_manager bigint; u bigint; c bigint;
begin
  insert into crm.departments (parent_id, name)
    select id, 'Moscow key accounts' from crm.departments where name = 'Moscow sales' returning id into d_key;
  select id into t_kazan from crm.territories where name = 'Kazan';
  select id into r_manager from crm.roles where name = 'manager';
  insert into crm.users (login, name, department_id) values ('keyacc.msk', 'Key Account', d_key) returning id into u;
  insert into crm.user_roles values (u, r_manager);
  insert into crm.user_territories values (u, t_kazan);
  insert into crm.clients (name, owner_id, territory_id) values ('Казанский кондитер', u, t_kazan) returning id into c;
  insert into crm.contacts (client_id, name) values (c, 'Гарипов Рустам');
  insert into crm.deals (title, client_id, amount, owner_id) values ('Казань: поставка', c, 99000, u);
  insert into crm.tasks (title, assignee_id, owner_id, client_id) values ('Казань: звонок', u, u, c);
  -- a deal whose responsible is junior.msk but owner is head.msk: "own" via responsible
  insert into crm.deals (title, amount, owner_id, responsible_id, territory_id)
    select 'Ответственный: junior', 10, h.id, j.id, (select id from crm.territories where name = 'Moscow')
    from crm.users h, crm.users j where h.login = 'head.msk' and j.login = 'junior.msk';
  -- a task set by head.msk, assigned to manager.spb: "own" via assignee
  insert into crm.tasks (title, assignee_id, owner_id, territory_id)
    select 'Задача для СПб', s.id, h.id, (select id from crm.territories where name = 'Moscow')
    from crm.users h, crm.users s where h.login = 'head.msk' and s.login = 'manager.spb';
end $$;

-- ---------------------------------------------------------------------------------------
-- Helpers: act as a CRM user exactly like the server (session_user = crm_authenticator,
-- one begin_request statement), and come back to the superuser.
create function sectest.uid(p_login text) returns bigint language sql stable security definer
  begin atomic select id from crm.users where login = p_login; end;

create function sectest.act(p_login text, p_ip inet default '10.1.1.1') returns void
  language plpgsql as $$
declare
  u bigint;
  r record;
begin
  perform sectest.back();
  select id into u from crm.users where login = p_login;
  if u is null then raise exception 'no user %', p_login; end if;
  perform set_config('session_authorization', 'crm_authenticator', true);
  r := crm_api.begin_request_as(u, p_ip);
  if not r.ok then raise exception 'begin_request_as(%) refused: %', p_login, r.reason; end if;
end $$;

-- Act through a real session token.
create function sectest.act_token(p_token text, p_ip inet) returns sectest.req
  language plpgsql as $$
declare
  r sectest.req;
begin
  perform sectest.back();
  perform set_config('session_authorization', 'crm_authenticator', true);
  select * into r from crm_api.begin_request(sha256(convert_to(p_token, 'UTF8')), p_ip);
  return r;
end $$;

create function sectest.back() returns void
  language plpgsql as $$
begin
  perform set_config('role', 'none', true);
  perform set_config('crm.context', '', true);
  perform set_config('session_authorization', (select name from sectest.su), true);
end $$;

create function sectest.token(p text) returns bytea language sql immutable
  return sha256(convert_to(p, 'UTF8'));

grant execute on all functions in schema sectest to crm_user, crm_authenticator;

-- The specification of the demo roles, written again independently of the migration.
create table sectest.role_spec (role text, entity text, action text, scope text);
insert into sectest.role_spec
  select 'director', e, a, 'all'
  from unnest(array['client','counterparty','contact','deal','task','interaction','document','product','invoice','report']) e,
       unnest(array['read','create','update','delete','export','approve']) a;
insert into sectest.role_spec
  select 'department_head', e, a, 'department'
  from unnest(array['client','counterparty','contact','deal','task','interaction','document','invoice','report']) e,
       unnest(array['read','create','update','delete','approve']) a
  union all select 'department_head', 'product', 'read', 'all';
insert into sectest.role_spec
  select r, e, a, s
  from unnest(array['client','counterparty','contact','deal','task','interaction','document','invoice']) e,
       (values ('manager', 'read', 'territory'), ('manager', 'create', 'own'), ('manager', 'update', 'own'),
               ('junior_manager', 'read', 'own'), ('junior_manager', 'create', 'own'),
               ('purchaser', 'read', 'department'), ('purchaser', 'create', 'own'), ('purchaser', 'update', 'own')) v(r, a, s)
  union all values ('manager', 'product', 'read', 'all'), ('manager', 'report', 'read', 'own'),
                   ('junior_manager', 'product', 'read', 'all'),
                   -- sql/295: he works his own tasks and moves his own deals
                   ('junior_manager', 'deal', 'update', 'own'), ('junior_manager', 'task', 'update', 'own'),
                   ('purchaser', 'product', 'read', 'all'), ('purchaser', 'product', 'create', 'all'),
                   ('purchaser', 'product', 'update', 'all');
insert into sectest.role_spec
  select 'accountant', e, a, 'all' from unnest(array['invoice','document']) e,
         unnest(array['read','create','update','approve']) a
  union all
  select 'accountant', e, 'read', 'all' from unnest(array['client','counterparty','contact','deal','product','report']) e
  union all values ('accountant', 'deal', 'approve', 'all'), ('accountant', 'task', 'read', 'own'),
                   ('accountant', 'task', 'update', 'own');

create table sectest.user_spec (login text, role text);
insert into sectest.user_spec values
  ('director', 'director'), ('head.msk', 'department_head'), ('manager.msk', 'manager'),
  ('junior.msk', 'junior_manager'), ('head.spb', 'department_head'), ('manager.spb', 'manager'),
  ('purchaser', 'purchaser'), ('procurement.head', 'department_head'), ('accountant', 'accountant'),
  ('admin', 'admin'), ('keyacc.msk', 'manager');

create function sectest.rank(s text) returns int language sql immutable
  return array_position(array['none','own','department','territory','all'], coalesce(s, 'none')) - 1;

create function sectest.expected_rank(p_login text, p_entity text, p_action text) returns int
  language sql stable
  begin atomic
    select coalesce(max(sectest.rank(r.scope)), 0) from sectest.user_spec u
      join sectest.role_spec r on r.role = u.role
     where u.login = p_login and r.entity = p_entity and r.action = p_action;
  end;

-- The oracle: which rows of a table a user may see/change, from the written rules.
create function sectest.oracle(p_login text, p_table text, p_action text) returns bigint[]
  language plpgsql stable as $$
declare
  u crm.users;
  e text := case p_table when 'crm.clients' then 'client' when 'crm.contacts' then 'contact'
                         when 'crm.deals' then 'deal' when 'crm.tasks' then 'task' end;
  s int := sectest.expected_rank(p_login, e, p_action);
  own text := case when p_table = 'crm.tasks' then 'owner_id = $1 or assignee_id = $1'
                   else 'owner_id = $1 or responsible_id = $1' end;
  priv text := case when p_table in ('crm.clients', 'crm.contacts')
                    then 'and (not is_private or $5 or owner_id = $1)' else '' end;
  depts bigint[];
  terrs bigint[];
  result bigint[];
begin
  select * into u from crm.users where login = p_login;
  with recursive d(id) as (select u.department_id union select x.id from crm.departments x join d on x.parent_id = d.id)
  select array_agg(id) into depts from d;
  with recursive t(id) as (select territory_id from crm.user_territories where user_id = u.id
                           union select x.id from crm.territories x join t on x.parent_id = t.id)
  select coalesce(array_agg(id), '{}') into terrs from t;
  execute format('select coalesce(array_agg(id order by id), ''{}'') from %s where
                    (($2 >= 4) or ($2 >= 3 and territory_id = any ($3)) or ($2 >= 2 and department_id = any ($4))
                     or ($2 >= 1 and (%s))) %s', p_table, own, priv)
    into result using u.id, s, terrs, depts, p_login = 'director';
  return result;
end $$;

create function sectest.intersect(a bigint[], b bigint[]) returns bigint[] language sql immutable
  return array(select x from unnest(a) x where x = any (b) order by x);

create function sectest.sorted(a bigint[]) returns bigint[] language sql immutable
  return coalesce(array(select x from unnest(a) x order by x), '{}');

\warn '== catalog self-check'
do $$
declare
  problems text;
begin
  select string_agg(problem, E'\n') into problems from crm_api.security_self_check();
  assert problems is null, 'self-check: ' || problems;
end $$;

\warn '== permission matrix: every user x entity x action (crm_api.can)'
do $$
declare
  l text; e text; a text; got int; want int; n int := 0;
begin
  for l in select login from sectest.user_spec order by login loop
    perform sectest.act(l);
    for e, a in select * from unnest(array['client','counterparty','contact','deal','task','interaction','document','product','invoice','report']) e,
                               unnest(array['read','create','update','delete','export','approve']) a loop
      got := sectest.rank(crm_api.can(e, a)::text);
      perform sectest.back();
      want := sectest.expected_rank(l, e, a);
      perform sectest.act(l);
      if got <> want then
        raise exception 'scope of % for %.%: got %, want %', l, e, a, got, want;
      end if;
      n := n + 1;
    end loop;
  end loop;
  perform sectest.back();
  assert n = 660, 'matrix size ' || n;
end $$;

\warn '== row matrix: read / update / delete / create on clients, contacts, deals, tasks'
create table sectest.row_results (login text, tbl text, action text, got bigint[], want bigint[]);
do $$
declare
  l text; t text; got bigint[]; n int; all_ids bigint[];
  want_read bigint[]; want bigint[]; got_read bigint[];
begin
  for l in select login from sectest.user_spec order by login loop
    foreach t in array array['crm.clients', 'crm.contacts', 'crm.deals', 'crm.tasks'] loop
      perform sectest.back();
      execute format('select array_agg(id) from %s', t) into all_ids;
      want_read := sectest.oracle(l, t, 'read');
      perform sectest.act(l);
      -- read
      execute format('select coalesce(array_agg(id order by id), ''{}'') from %s', t) into got_read;
      -- update (every row; rolled back)
      begin
        execute format('with u as (update %s set version = version where id = any ($1) returning id)
                        select coalesce(array_agg(id order by id), ''{}'') from u', t) into got using all_ids;
        raise exception 'rollback' using errcode = 'P0100';
      exception when sqlstate 'P0100' then null;
      end;
      perform sectest.back();
      insert into sectest.row_results values (l, t, 'read', got_read, want_read);
      want := sectest.intersect(want_read, sectest.oracle(l, t, 'update'));
      insert into sectest.row_results values (l, t, 'update', got, want);
      -- delete (every row; rolled back)
      perform sectest.act(l);
      begin
        execute format('with d as (delete from %s where id = any ($1) returning id)
                        select coalesce(array_agg(id order by id), ''{}'') from d', t) into got using all_ids;
        raise exception 'rollback' using errcode = 'P0100';
      exception when sqlstate 'P0100' then null;
      end;
      perform sectest.back();
      want := sectest.intersect(want_read, sectest.oracle(l, t, 'delete'));
      insert into sectest.row_results values (l, t, 'delete', got, want);
    end loop;
  end loop;
end $$;

-- create: a row of one's own (own department/territory), a row of a colleague in the own
-- department (other territory), and a foreign row (other owner, department, territory).
do $$
declare
  l text; t text; u crm.users; ok boolean; kind text;
  colleague bigint; stranger bigint; stranger_dept bigint; kazan bigint; volga bigint; own_terr bigint;
  client_own bigint; client_colleague bigint; client_foreign bigint;
  e text; s int; want boolean;
begin
  select id into kazan from crm.territories where name = 'Kazan';
  select id into volga from crm.territories where name = 'Volga';
  for l in select login from sectest.user_spec where login <> 'keyacc.msk' order by login loop
    perform sectest.back();
    select * into u from crm.users where login = l;
    select min(territory_id) into own_terr from crm.user_territories where user_id = u.id;
    select id into colleague from crm.users where department_id = u.department_id and id <> u.id order by id limit 1;
    select id, department_id into stranger, stranger_dept from crm.users
      where department_id <> u.department_id and login in ('manager.spb', 'junior.msk') order by id limit 1;
    -- helper clients for contacts (inserted as superuser)
    insert into crm.clients (name, owner_id, department_id, territory_id) values ('own ' || l, u.id, u.department_id, own_terr)
      returning id into client_own;
    insert into crm.clients (name, owner_id, department_id, territory_id) values ('colleague ' || l, coalesce(colleague, u.id), u.department_id, volga)
      returning id into client_colleague;
    insert into crm.clients (name, owner_id, department_id, territory_id) values ('foreign ' || l, stranger, stranger_dept, volga)
      returning id into client_foreign;
    foreach t in array array['crm.clients', 'crm.contacts', 'crm.deals', 'crm.tasks'] loop
      e := case t when 'crm.clients' then 'client' when 'crm.contacts' then 'contact'
                  when 'crm.deals' then 'deal' else 'task' end;
      s := sectest.expected_rank(l, e, 'create');
      foreach kind in array array['own', 'colleague', 'foreign'] loop
        continue when kind = 'colleague' and colleague is null;
        perform sectest.act(l);
        begin
          if t = 'crm.clients' then
            insert into crm.clients (name, owner_id, department_id, territory_id)
              values ('x', case kind when 'own' then u.id when 'colleague' then colleague else stranger end,
                      case kind when 'foreign' then stranger_dept else u.department_id end,
                      case kind when 'own' then own_terr else volga end);
          elsif t = 'crm.contacts' then
            insert into crm.contacts (client_id, name)
              values (case kind when 'own' then client_own when 'colleague' then client_colleague else client_foreign end, 'x');
          elsif t = 'crm.deals' then
            insert into crm.deals (title, owner_id, department_id, territory_id)
              values ('x', case kind when 'own' then u.id when 'colleague' then colleague else stranger end,
                      case kind when 'foreign' then stranger_dept else u.department_id end,
                      case kind when 'own' then own_terr else volga end);
          else
            insert into crm.tasks (title, owner_id, assignee_id, department_id, territory_id)
              values ('x', case kind when 'own' then u.id when 'colleague' then colleague else stranger end,
                      case kind when 'own' then u.id when 'colleague' then colleague else stranger end,
                      case kind when 'foreign' then stranger_dept else u.department_id end,
                      case kind when 'own' then own_terr else volga end);
          end if;
          ok := true;
          raise exception 'rollback' using errcode = 'P0100';
        exception
          when sqlstate 'P0100' then null;
          when insufficient_privilege then ok := false;
        end;
        want := case kind when 'own' then s >= 1 when 'colleague' then s >= 2 else s >= 4 end;
        perform sectest.back();
        if ok <> want then
          raise exception 'create % row in % by %: allowed=%, expected %', kind, t, l, ok, want;
        end if;
      end loop;
    end loop;
    delete from crm.clients where id in (client_own, client_colleague, client_foreign);
  end loop;
end $$;

do $$
declare
  bad text;
  n int;
begin
  select string_agg(format('%s %s %s: got %s want %s', login, tbl, action, got, want), E'\n'), count(*)
    into bad, n from sectest.row_results where sectest.sorted(got) <> sectest.sorted(want);
  assert bad is null, E'row matrix mismatches:\n' || bad;
  select count(*) into n from sectest.row_results;
  assert n = 11 * 4 * 3, 'row matrix size ' || n;
  -- the matrix is not vacuous: some users see some rows, some see none, some can update
  assert (select count(*) from sectest.row_results where action = 'read' and cardinality(got) > 0) >= 30;
  assert (select count(*) from sectest.row_results where action = 'read' and cardinality(got) = 0) >= 4;
  assert (select count(*) from sectest.row_results where action = 'update' and cardinality(got) > 0) >= 20;
end $$;

\warn '== explicit cases: subtrees, private clients, own via responsible/assignee'
do $$
declare
  key_deal bigint; private_client bigint; n int;
begin
  select id into key_deal from crm.deals where title = 'Казань: поставка';
  select id into private_client from crm.clients where is_private and name = 'ООО «Тульские пряники»';
  -- department subtree: head.msk sees the sub-department's deal, head.spb does not
  perform sectest.act('head.msk');
  assert exists (select 1 from crm.deals where id = key_deal), 'head.msk must see the key-accounts deal';
  assert not exists (select 1 from crm.clients where id = private_client), 'head.msk must not see a private client';
  assert not exists (select 1 from crm.contacts c where c.client_id = private_client), 'nor its contacts';
  perform sectest.act('head.spb');
  assert not exists (select 1 from crm.deals where id = key_deal), 'head.spb must not see Moscow deals';
  -- territory subtree: manager.msk (Central) sees Moscow and Tula
  perform sectest.act('manager.msk');
  assert (select array_agg(distinct t.name order by t.name) from crm.deals d join crm.territories t on t.id = d.territory_id
           where d.department_id <> (select id from crm.departments where name = 'Moscow key accounts')) = '{Moscow,Tula}';
  -- scopes are cumulative: territory includes department, so the Kazan deal of the
  -- key-accounts sub-department is visible to manager.msk, but not to manager.spb
  assert exists (select 1 from crm.deals where id = key_deal), 'territory scope includes the department subtree';
  perform sectest.act('manager.spb');
  assert not exists (select 1 from crm.deals where id = key_deal), 'Kazan is neither in North-West nor in SPb sales';
  perform sectest.act('manager.msk');
  -- private: the owner and the director see it; the accountant (read all) does not
  assert exists (select 1 from crm.clients where id = private_client);
  perform sectest.act('director');
  assert exists (select 1 from crm.clients where id = private_client);
  perform sectest.act('accountant');
  assert not exists (select 1 from crm.clients where id = private_client), 'private beats read:all';
  -- own via responsible_id / assignee_id
  perform sectest.act('junior.msk');
  assert exists (select 1 from crm.deals where title = 'Ответственный: junior');
  perform sectest.act('manager.spb');
  assert exists (select 1 from crm.tasks where title = 'Задача для СПб');
  select count(*) into n from crm.clients;
  perform sectest.back();
end $$;

\warn '== shares: read, write, client share opens contacts, private + share, who may share'
do $$
declare
  msk_client bigint; msk_deal_r bigint; msk_deal_w bigint; private_client bigint; n int; ok boolean;
begin
  select id into msk_client from crm.clients where name = 'ООО «Ромашка»';
  select id into msk_deal_r from crm.deals where title like 'Поставка муки, ООО «Ромашка»';
  select id into msk_deal_w from crm.deals where title like 'Пробная партия, ООО «Пекарня на Тверской»';
  select id into private_client from crm.clients where is_private and name = 'ООО «Тульские пряники»';

  perform sectest.act('manager.spb');
  assert not exists (select 1 from crm.clients where id = msk_client);
  assert not exists (select 1 from crm.deals where id in (msk_deal_r, msk_deal_w));
  -- manager.spb may not share rows he does not own
  begin
    insert into crm.shares (entity, row_id, user_id, access) values ('deal', msk_deal_r, sectest.uid('manager.spb'), 'write');
    ok := true;
  exception when insufficient_privilege then ok := false;
  end;
  assert not ok, 'sharing a row one does not own must be refused';

  -- the owner shares
  perform sectest.act('manager.msk');
  insert into crm.shares (entity, row_id, user_id, access) values
    ('client', msk_client, sectest.uid('manager.spb'), 'read'),
    ('deal', msk_deal_r, sectest.uid('manager.spb'), 'read'),
    ('deal', msk_deal_w, sectest.uid('manager.spb'), 'write'),
    ('client', private_client, sectest.uid('head.msk'), 'read');

  perform sectest.act('manager.spb');
  assert exists (select 1 from crm.clients where id = msk_client), 'read share opens the client';
  assert (select count(*) from crm.contacts where client_id = msk_client) = 1, 'client share opens its contacts';
  assert (select count(*) from crm.deals where id in (msk_deal_r, msk_deal_w)) = 2;
  update crm.deals set amount = amount + 1 where id in (msk_deal_r, msk_deal_w);
  get diagnostics n = row_count;
  assert n = 1, 'only the write share allows update, got ' || n;
  update crm.clients set notes = 'x' where id = msk_client;
  get diagnostics n = row_count;
  assert n = 0, 'read share does not allow update';
  delete from crm.deals where id = msk_deal_w;
  get diagnostics n = row_count;
  assert n = 0, 'a write share does not allow delete';

  perform sectest.act('head.msk');
  assert exists (select 1 from crm.clients where id = private_client), 'share opens a private client';
  assert exists (select 1 from crm.contacts where client_id = private_client), 'and its contacts';
  perform sectest.back();
end $$;

\warn '== personal grants and denials'
do $$
declare
  n int; n2 int; before_read int;
begin
  -- junior.msk: updates his own deals (sql/295) but no client; a personal grant of
  -- client.update own lets him update his clients, and nothing else
  select count(*) into n2 from crm.clients where owner_id = sectest.uid('junior.msk');
  perform sectest.act('junior.msk');
  update crm.deals set title = title where owner_id = sectest.uid('junior.msk');
  get diagnostics n = row_count;
  assert n = 2, 'junior updates his 2 deals, got ' || n;
  update crm.clients set notes = notes;
  get diagnostics n = row_count;
  assert n = 0, 'junior cannot update clients';
  perform sectest.back();
  insert into crm.user_permission_overrides values (sectest.uid('junior.msk'), 'client', 'update', 'grant', 'own');
  perform sectest.act('junior.msk');
  update crm.clients set notes = notes;
  get diagnostics n = row_count;
  assert n = n2 and n > 0, 'personal grant: junior updates his ' || n2 || ' clients, got ' || n;
  update crm.interactions set summary = summary;
  get diagnostics n = row_count;
  assert n = 0, 'the grant is for clients only';
  -- a grant widens: deal.read territory (Moscow)
  select count(*) into before_read from crm.deals;
  perform sectest.back();
  insert into crm.user_permission_overrides values (sectest.uid('junior.msk'), 'deal', 'read', 'grant', 'territory');
  perform sectest.act('junior.msk');
  select count(*) into n from crm.deals;
  assert n > before_read, format('grant widens read: %s -> %s', before_read, n);
  assert crm_api.can('deal', 'read') = 'territory';

  -- manager.spb: a denial of client.read wins over the role and over a share
  perform sectest.act('manager.spb');
  select count(*) into n from crm.clients;
  assert n >= 3, 'manager.spb sees his clients and a shared one';
  perform sectest.back();
  insert into crm.user_permission_overrides values (sectest.uid('manager.spb'), 'client', 'read', 'deny', null);
  perform sectest.act('manager.spb');
  select count(*) into n from crm.clients;
  assert n = 0, 'denial wins over roles and shares, saw ' || n;
  select count(*) into n2 from crm.deals;
  assert n2 > 0, 'denial of client.read does not touch deals';
  assert crm_api.can('client', 'read') = 'none';

  -- a role with 'all' does not beat a denial either
  perform sectest.back();
  insert into crm.user_permission_overrides values (sectest.uid('director'), 'task', 'delete', 'deny', null);
  perform sectest.act('director');
  delete from crm.tasks where true;
  get diagnostics n = row_count;
  assert n = 0, 'director with a denial deletes nothing';
  perform sectest.back();
  delete from crm.user_permission_overrides where user_id in (sectest.uid('director'), sectest.uid('manager.spb'), sectest.uid('junior.msk'));
end $$;

\warn '== context cache: the very next request sees every permission change'
do $$
declare
  n_before int; n int; g bigint; r_manager bigint; d_msk bigint; d_spb bigint; t_ryazan bigint; d bigint;
  key_deal bigint;
begin
  select id into r_manager from crm.roles where name = 'manager';
  select id into d_msk from crm.departments where name = 'Moscow sales';
  select id into d_spb from crm.departments where name = 'St Petersburg sales';
  select id into key_deal from crm.deals where title = 'Казань: поставка';
  assert d_msk is not null and d_spb is not null and key_deal is not null, 'demo data';

  -- the cache is used: a second request of the same user reads the stored row
  perform sectest.act('manager.msk');
  select count(*) into n_before from crm.deals;
  perform sectest.back();
  select gen into g from crm_private.context_generation;
  assert exists (select 1 from crm_private.user_context_cache
                  where user_id = sectest.uid('manager.msk') and gen = g), 'a request stores the user''s context';

  -- a role's scope narrows: territory -> own
  update crm.role_permissions set scope = 'own' where role_id = r_manager and entity = 'deal' and action = 'read';
  assert (select gen from crm_private.context_generation) > g, 'a permission change bumps the generation';
  perform sectest.act('manager.msk');
  select count(*) into n from crm.deals;
  assert n < n_before and n = (select count(*) from crm.deals where sectest.uid('manager.msk') in (owner_id, responsible_id)),
    format('role scope own: %s deals (territory: %s)', n, n_before);
  assert crm_api.can('deal', 'read') = 'own';
  perform sectest.back();
  update crm.role_permissions set scope = 'territory' where role_id = r_manager and entity = 'deal' and action = 'read';
  perform sectest.act('manager.msk');
  assert (select count(*) from crm.deals) = n_before, 'role scope restored';

  -- a user moves to another department: head.spb (department scope) sees Moscow rows
  perform sectest.act('head.spb');
  assert not exists (select 1 from crm.deals where id = key_deal);
  perform sectest.back();
  update crm.users set department_id = d_msk where login = 'head.spb';
  perform sectest.act('head.spb');
  assert exists (select 1 from crm.deals where id = key_deal), 'moved into Moscow sales: sees its sub-department''s deal';
  perform sectest.back();
  update crm.users set department_id = d_spb where login = 'head.spb';
  perform sectest.act('head.spb');
  assert not exists (select 1 from crm.deals where id = key_deal), 'moved back: the deal is gone';

  -- a territory is given and taken: manager.spb gets Kazan
  perform sectest.back();
  insert into crm.user_territories select sectest.uid('manager.spb'), id from crm.territories where name = 'Kazan';
  perform sectest.act('manager.spb');
  assert exists (select 1 from crm.deals where id = key_deal), 'a new territory opens its rows';
  perform sectest.back();
  delete from crm.user_territories where user_id = sectest.uid('manager.spb')
     and territory_id = (select id from crm.territories where name = 'Kazan');
  perform sectest.act('manager.spb');
  assert not exists (select 1 from crm.deals where id = key_deal), 'a removed territory closes its rows';

  -- a new sub-territory (and sub-department) below one's own is in the subtree at once
  perform sectest.back();
  insert into crm.territories (parent_id, name) select id, 'Ryazan' from crm.territories where name = 'Central'
    returning id into t_ryazan;
  insert into crm.departments (parent_id, name) values (d_spb, 'SPb key accounts') returning id into d;
  insert into crm.deals (title, amount, owner_id, department_id, territory_id)
    select 'Рязань', 1, u.id, d, t_ryazan from crm.users u where u.login = 'director';
  perform sectest.act('manager.msk');
  assert exists (select 1 from crm.deals where title = 'Рязань'), 'new sub-territory of Central';
  perform sectest.act('head.spb');
  assert exists (select 1 from crm.deals where title = 'Рязань'), 'new sub-department of SPb sales';
  perform sectest.back();
  delete from crm.deals where title = 'Рязань';
  delete from crm.departments where id = d;
  delete from crm.territories where id = t_ryazan;

  -- a personal grant is revoked: the rows it opened are gone at the next request
  insert into crm.user_permission_overrides values (sectest.uid('junior.msk'), 'deal', 'read', 'grant', 'all');
  perform sectest.act('junior.msk');
  select count(*) into n from crm.deals;
  perform sectest.back();
  assert n = (select count(*) from crm.deals), 'grant all: every deal';
  delete from crm.user_permission_overrides where user_id = sectest.uid('junior.msk');
  perform sectest.act('junior.msk');
  select count(*) into n from crm.deals;
  assert n = (select count(*) from crm.deals where sectest.uid('junior.msk') in (owner_id, responsible_id)),
    'grant revoked: own deals only, saw ' || n;

  -- disabling a user refuses the next request
  perform sectest.back();
  update crm.users set active = false where login = 'keyacc.msk';
  begin
    perform sectest.act('keyacc.msk');
    raise exception 'a disabled user must be refused';
  exception when raise_exception then
    assert sqlerrm like '%refused: user_disabled%', sqlerrm;
  end;
  perform sectest.back();
  update crm.users set active = true where login = 'keyacc.msk';

  -- admin networks come from the cache too
  insert into crm.networks (network, user_id, purpose) values ('10.201.0.0/16', sectest.uid('admin'), 'admin');
  perform sectest.act('admin', '10.5.5.5');
  begin
    insert into crm.roles (name) values ('cache role');
    raise exception 'admin outside the new admin network must be refused';
  exception when insufficient_privilege then null;
  end;
  perform sectest.back();
  delete from crm.networks where network = '10.201.0.0/16';
  perform sectest.act('admin', '10.5.5.5');
  insert into crm.roles (name) values ('cache role');
  delete from crm.roles where name = 'cache role';
  perform sectest.back();
end $$;

\warn '== forged and stale contexts see nothing'
do $$
declare
  ctx text;
begin
  perform sectest.act('junior.msk');
  ctx := current_setting('crm.context');
  assert ctx like '{"rls": "%', 'the compact part leads the context';
  assert (select count(*) from crm.deals) > 0;
  -- widen the compact part the policies read
  perform set_config('crm.context', replace(ctx, ',deal.read=1,', ',deal.read=4,'), true);
  assert current_setting('crm.context') <> ctx;
  assert (select count(*) from crm.deals) = 0, 'a forged compact part must see nothing';
  assert crm_api.can('deal', 'read') = 'none';
  -- change only the jsonb members (the compact part untouched): the signature covers all of it
  perform set_config('crm.context', replace(ctx, '"admin": false', '"admin": true'), true);
  assert current_setting('crm.context') <> ctx;
  assert (select count(*) from crm.deals) = 0, 'a forged context must see nothing';
  -- the untouched context works again
  perform set_config('crm.context', ctx, true);
  assert (select count(*) from crm.deals) > 0;
  perform sectest.back();
end $$;
-- A context (and its signature) from an earlier transaction on the same connection, as a
-- pooled connection would carry it: void in the next transaction.
begin;
select sectest.act('junior.msk');
select current_setting('crm.context') as old_ctx, current_setting('crm.context_sig') as old_sig \gset
select count(*) > 0 as saw_rows from crm.deals \gset
commit;
select pg_sleep(0.01);
begin;
set local session authorization crm_authenticator;
set local role crm_user;
select set_config('crm.context', :'old_ctx', true), set_config('crm.context_sig', :'old_sig', true) \g /dev/null
select count(*) as stale_rows from crm.deals \gset
rollback;
select set_config('sectest.saw_rows', :'saw_rows', false), set_config('sectest.stale_rows', :'stale_rows', false) \g /dev/null
do $$ begin
  assert current_setting('sectest.saw_rows')::boolean, 'the context worked in its own transaction';
  assert current_setting('sectest.stale_rows')::int = 0, 'a context from an earlier transaction must see nothing, saw '
    || current_setting('sectest.stale_rows');
end $$;

\warn '== identity tables: readable as configured, written by admins only (from admin networks)'
do $$
declare
  ok boolean; n int;
begin
  perform sectest.act('manager.msk');
  assert (select count(*) from crm.users) = 11, 'users are listed for everybody';
  assert (select count(*) from crm.networks) = 0;
  begin
    perform password_hash from crm.users limit 1;
    ok := true;
  exception when insufficient_privilege then ok := false;
  end;
  assert not ok, 'password_hash is not readable';
  -- two-factor secrets (sql/migrations/420): neither the tables nor the functions that read them
  begin
    perform secret from crm_private.totp_secrets limit 1;
    ok := true;
  exception when insufficient_privilege then ok := false;
  end;
  assert not ok, 'a signed-in user cannot read TOTP secrets';
  begin
    perform secret from crm_api.two_factor_state(sectest.uid('manager.msk'));
    ok := true;
  exception when insufficient_privilege then ok := false;
  end;
  assert not ok, 'a signed-in user cannot call two_factor_state (it returns the secret)';
  begin
    perform crm_api.totp_disable(sectest.uid('director'), '10.0.0.1');
    ok := true;
  exception when insufficient_privilege then ok := false;
  end;
  assert not ok, 'a signed-in user cannot turn off anybody''s two-factor sign-in in SQL';
  begin
    insert into crm.roles (name) values ('hacker');
    ok := true;
  exception when insufficient_privilege then ok := false;
  end;
  assert not ok, 'a manager cannot create roles';
  update crm.users set name = 'x' where login = 'director';
  get diagnostics n = row_count;
  assert n = 0, 'a manager cannot rename users';
  assert (select count(*) from crm.user_roles) = 1, 'user_roles: only one''s own';

  perform sectest.act('admin');
  insert into crm.roles (name) values ('temp role');
  delete from crm.roles where name = 'temp role';
  perform sectest.back();
  insert into crm.networks (network, user_id, purpose) values ('10.200.0.0/16', sectest.uid('admin'), 'admin');
  perform sectest.act('admin', '10.5.5.5');
  begin
    insert into crm.roles (name) values ('temp role 2');
    ok := true;
  exception when insufficient_privilege then ok := false;
  end;
  assert not ok, 'admin outside the admin network is not an admin';
  perform sectest.act('admin', '10.200.1.1');
  insert into crm.roles (name) values ('temp role 2');
  delete from crm.roles where name = 'temp role 2';
  perform sectest.back();
  delete from crm.networks;
end $$;

\warn '== server login role and private schema are unreachable'
do $$
declare
  ok boolean;
begin
  perform sectest.back();
  perform set_config('session_authorization', 'crm_authenticator', true);
  begin
    perform 1 from crm.clients limit 1;
    ok := true;
  exception when insufficient_privilege then ok := false;
  end;
  assert not ok, 'crm_authenticator must not read crm.clients';
  begin
    perform 1 from crm_private.sessions limit 1;
    ok := true;
  exception when insufficient_privilege then ok := false;
  end;
  assert not ok, 'crm_authenticator must not read sessions';
  perform sectest.act('director');
  begin
    perform crm_private.compute_context(1);
    ok := true;
  exception when insufficient_privilege then ok := false;
  end;
  assert not ok, 'crm_user must not call crm_private functions';
  begin
    perform crm_api.begin_request_as(1, '10.0.0.1');
    ok := true;
  exception when insufficient_privilege then ok := false;
  end;
  assert not ok, 'crm_user cannot switch identity inside a request';
  -- SQL run in a request cannot forge or widen its context: a changed context fails closed
  perform sectest.act('junior.msk');
  assert (select count(*) from crm.deals) > 0;
  perform set_config('crm.context', jsonb_set(current_setting('crm.context')::jsonb, '{scopes,deal.read}', '4')::text, true);
  assert (select count(*) from crm.deals) = 0, 'a forged context must see nothing';
  perform sectest.act('junior.msk');
  assert (select count(*) from crm.deals) > 0;
  begin
    update audit.log set action = 'insert' where id = 1;
    ok := true;
  exception when insufficient_privilege then ok := false;
  end;
  assert not ok, 'crm_user cannot update audit.log';
  begin
    delete from audit.log;
    ok := true;
  exception when insufficient_privilege then ok := false;
  end;
  assert not ok, 'crm_user cannot delete audit.log';
  begin
    truncate audit.log;
    ok := true;
  exception when insufficient_privilege then ok := false;
  end;
  assert not ok, 'crm_user cannot truncate audit.log';
  perform sectest.back();
  -- even the owner/superuser is stopped by the trigger
  begin
    update audit.log set action = 'insert' where id = (select min(id) from audit.log);
    ok := true;
  exception when insufficient_privilege then ok := false;
  end;
  assert not ok, 'the append-only trigger refuses updates';
  begin
    delete from audit.log where id = (select min(id) from audit.log);
    ok := true;
  exception when insufficient_privilege then ok := false;
  end;
  assert not ok, 'the append-only trigger refuses deletes';
  begin
    truncate audit.log;
    ok := true;
  exception when insufficient_privilege then ok := false;
  end;
  assert not ok, 'the append-only trigger refuses truncate';
end $$;

\warn '== login, sessions, IP rules, timeouts, lockout, login hours'
do $$
declare
  r record; s record; sid bigint; n int;
begin
  perform sectest.back();
  insert into crm.networks (network, user_id, purpose) values
    ('10.20.0.0/16', sectest.uid('manager.spb'), 'login'),
    ('2001:db8:20::/48', sectest.uid('manager.spb'), 'login');
  insert into crm.networks (network, role_id, purpose)
    select '10.99.0.0/16', id, 'export' from crm.roles where name = 'director';

  -- lookup never tells whether a login exists (same shape), and is case-insensitive
  perform set_config('session_authorization', 'crm_authenticator', true);
  select * into r from crm_api.login_lookup('Manager.SPB', '10.20.1.1');
  assert r.user_id = sectest.uid('manager.spb') and r.refused is null;
  select * into r from crm_api.login_lookup('nobody', '10.20.1.1');
  assert r.user_id is null and r.password_hash is null and r.refused is null;

  -- IP rules for login (IPv4 and IPv6), network binding
  select * into r from crm_api.login_succeeded(sectest.uid('manager.spb'), '10.30.0.1', sectest.token('t-spb-refused'));
  assert not r.ok and r.reason = 'network_refused', 'login from outside: ' || r.reason;
  select * into r from crm_api.login_succeeded(sectest.uid('manager.spb'), '2001:db8:30::1', sectest.token('t-spb-refused6'));
  assert not r.ok and r.reason = 'network_refused';
  select * into r from crm_api.login_succeeded(sectest.uid('manager.spb'), '10.20.3.4', sectest.token('t-spb'));
  assert r.ok, 'login inside: ' || r.reason;
  select * into r from crm_api.login_succeeded(sectest.uid('manager.spb'), '2001:db8:20::5', sectest.token('t-spb6'));
  assert r.ok;
  select * into r from crm_api.login_succeeded(sectest.uid('manager.msk'), '10.1.2.3', sectest.token('t-msk'));
  assert r.ok;
  select * into r from crm_api.login_succeeded(sectest.uid('manager.msk'), '2001:db8:1:2::3', sectest.token('t-msk6'));
  assert r.ok;

  r := sectest.act_token('t-spb', '10.20.200.1');
  assert r.ok, 'request inside the bound network: ' || r.reason;
  assert current_user = 'crm_user';
  r := sectest.act_token('t-spb', '10.21.0.1');
  assert not r.ok and r.reason = 'network_mismatch';
  assert current_user = 'crm_authenticator', 'a refused request stays crm_authenticator';
  r := sectest.act_token('t-spb6', '2001:db8:20:ffff::1');
  assert r.ok;
  r := sectest.act_token('t-msk', '10.1.2.99');
  assert r.ok, 'same /24';
  r := sectest.act_token('t-msk', '10.1.3.1');
  assert not r.ok and r.reason = 'network_mismatch', 'other /24';
  r := sectest.act_token('t-msk6', '2001:db8:1:2:ffff::1');
  assert r.ok, 'same /64';
  r := sectest.act_token('t-msk6', '2001:db8:1:3::1');
  assert not r.ok and r.reason = 'network_mismatch', 'other /64';
  r := sectest.act_token('no-such-token', '10.1.2.3');
  assert not r.ok and r.reason = 'invalid_token';

  -- idle and absolute expiry
  perform sectest.back();
  update crm_private.sessions set last_seen_at = now() - interval '31 minutes' where token_hash = sectest.token('t-msk');
  r := sectest.act_token('t-msk', '10.1.2.3');
  assert not r.ok and r.reason = 'session_idle', 'idle: ' || r.reason;
  perform sectest.back();
  assert (select end_reason from crm_private.sessions where token_hash = sectest.token('t-msk')) = 'idle';
  update crm_private.sessions set expires_at = now() - interval '1 second', last_seen_at = now()
   where token_hash = sectest.token('t-msk6');
  r := sectest.act_token('t-msk6', '2001:db8:1:2::3');
  assert not r.ok and r.reason = 'session_expired';

  -- export needs the export scope and an export network
  perform sectest.act('manager.msk');
  begin
    perform crm_api.begin_export('deal');
    raise exception 'manager export must be refused';
  exception when insufficient_privilege then null;
  end;
  perform sectest.act('director', '10.1.1.1');
  begin
    perform crm_api.begin_export('deal');
    raise exception 'director export outside the export network must be refused';
  exception when insufficient_privilege then null;
  end;
  perform sectest.act('director', '10.99.1.1');
  assert crm_api.begin_export('deal', '{"format": "csv"}') = 'all';
  perform sectest.back();
  assert (select count(*) from audit.log where action = 'export' and user_id = sectest.uid('director')) = 1;

  -- role change and disabling end sessions
  perform set_config('session_authorization', 'crm_authenticator', true);
  select * into r from crm_api.login_succeeded(sectest.uid('junior.msk'), '10.1.2.3', sectest.token('t-junior'));
  assert r.ok;
  select * into r from crm_api.login_succeeded(sectest.uid('head.spb'), '10.1.2.3', sectest.token('t-head-spb'));
  assert r.ok;
  perform sectest.act('admin');
  insert into crm.user_roles select sectest.uid('manager.spb'), id from crm.roles where name = 'junior_manager';
  update crm.users set active = false where login = 'junior.msk';
  update crm.role_permissions set scope = 'department' where role_id = (select id from crm.roles where name = 'department_head')
     and entity = 'product' and action = 'read';
  perform sectest.back();
  assert (select count(*) from crm_private.sessions where user_id = sectest.uid('manager.spb') and ended_at is null) = 0,
    'role change ends the sessions';
  assert (select end_reason from crm_private.sessions where token_hash = sectest.token('t-spb')) = 'roles_changed';
  assert (select end_reason from crm_private.sessions where token_hash = sectest.token('t-junior')) = 'user_disabled';
  assert (select end_reason from crm_private.sessions where token_hash = sectest.token('t-head-spb')) = 'permissions_changed';
  assert (select count(*) from audit.log where action = 'permission_change') >= 3;
  r := sectest.act_token('t-junior', '10.1.2.3');
  assert not r.ok;
  perform sectest.back();
  update crm.users set active = true where login = 'junior.msk';
  delete from crm.user_roles where user_id = sectest.uid('manager.spb') and role_id = (select id from crm.roles where name = 'junior_manager');
  update crm.role_permissions set scope = 'all' where role_id = (select id from crm.roles where name = 'department_head')
     and entity = 'product' and action = 'read';

  -- lockout: 10 failures within 15 minutes lock the login name, existing or not
  perform set_config('session_authorization', 'crm_authenticator', true);
  for n in 1..9 loop
    select * into r from crm_api.login_failed('keyacc.msk', ('192.0.2.' || n)::inet);
    assert not r.locked;
    perform crm_api.login_failed('ghost.user', ('198.51.100.' || n)::inet);
  end loop;
  select * into r from crm_api.login_failed('KeyAcc.msk', '192.0.2.10');
  assert r.locked and r.locked_until between now() + interval '14 minutes' and now() + interval '16 minutes';
  select * into r from crm_api.login_failed('ghost.user', '198.51.100.10');
  assert r.locked;
  select * into r from crm_api.login_lookup('keyacc.msk', '203.0.113.1');
  assert r.refused = 'account_locked' and r.user_id is null;
  select * into s from crm_api.login_lookup('ghost.user', '203.0.113.1');
  assert s.refused = 'account_locked', 'a login that does not exist locks the same way';
  select * into r from crm_api.login_succeeded(sectest.uid('keyacc.msk'), '203.0.113.1', sectest.token('t-key'));
  assert not r.ok and r.reason = 'account_locked';
  -- the next lockout lasts longer
  perform sectest.back();
  update crm_private.lockouts set locked_until = now() - interval '1 second', locked_at = now() - interval '20 minutes'
   where login_key = 'keyacc.msk';
  update crm_private.login_attempts set at = now() - interval '20 minutes' where login_key = 'keyacc.msk';
  perform set_config('session_authorization', 'crm_authenticator', true);
  for n in 1..10 loop
    select * into r from crm_api.login_failed('keyacc.msk', ('192.0.2.' || (20 + n))::inet);
  end loop;
  assert r.locked and r.locked_until > now() + interval '29 minutes', 'second lockout is longer';
  -- per-IP limit: 50 failures from one address
  for n in 1..50 loop
    select * into r from crm_api.login_failed('user' || n, '203.0.113.77');
  end loop;
  assert r.locked;
  select * into r from crm_api.login_lookup('director', '203.0.113.77');
  assert r.refused = 'ip_locked';
  perform sectest.back();
  assert (select count(*) from audit.log where action = 'lockout') >= 4;
  assert (select count(*) from audit.log where action = 'login_failed') >= 70;

  -- login hours (company time zone): a window that excludes now
  update crm.roles set login_weekdays = '{1,2,3,4,5,6,7}',
         login_from = ((now() at time zone 'Europe/Moscow') + interval '2 hours')::time,
         login_to = ((now() at time zone 'Europe/Moscow') + interval '3 hours')::time
   where name = 'junior_manager';
  perform set_config('session_authorization', 'crm_authenticator', true);
  select * into r from crm_api.login_succeeded(sectest.uid('junior.msk'), '10.1.2.3', sectest.token('t-junior-2'));
  assert not r.ok and r.reason = 'outside_login_hours', 'login hours: ' || r.reason;
  perform sectest.back();
  update crm.roles set login_from = ((now() at time zone 'Europe/Moscow') - interval '1 hour')::time,
                       login_to = ((now() at time zone 'Europe/Moscow') + interval '1 hour')::time
   where name = 'junior_manager';
  perform set_config('session_authorization', 'crm_authenticator', true);
  select * into r from crm_api.login_succeeded(sectest.uid('junior.msk'), '10.1.2.3', sectest.token('t-junior-3'));
  assert r.ok, 'inside login hours: ' || r.reason;
  -- logout
  assert crm_api.logout(sectest.token('t-junior-3'), '10.1.2.3');
  assert not crm_api.logout(sectest.token('t-junior-3'), '10.1.2.3');
  perform sectest.back();
  update crm.roles set login_weekdays = null, login_from = null, login_to = null where name = 'junior_manager';
  delete from crm.networks;

  assert exists (select 1 from audit.log where action = 'logout' and user_id = sectest.uid('junior.msk'));
end $$;

\warn '== API tokens'
do $$
declare
  r record; tid bigint;
begin
  perform sectest.act('manager.msk');
  tid := crm_api.create_api_token('1C exchange', sectest.token('api-1'));
  r := sectest.act_token('api-1', '10.7.7.7');
  assert r.ok and r.api_token_id = tid and r.user_id = sectest.uid('manager.msk');
  assert (select count(*) from crm.deals) > 0;
  perform sectest.act('manager.msk');
  assert crm_api.revoke_api_token(tid);
  r := sectest.act_token('api-1', '10.7.7.7');
  assert not r.ok and r.reason = 'invalid_token';
  perform sectest.back();
end $$;

\warn '== audit: exactly one entry per write, with user, IP, session'
do $$
declare
  r record; sid bigint; cid bigint; e record; n int;
begin
  perform sectest.back();
  perform set_config('session_authorization', 'crm_authenticator', true);
  select * into r from crm_api.login_succeeded(sectest.uid('manager.msk'), '10.44.0.7', sectest.token('t-audit'));
  sid := r.session_id;
  r := sectest.act_token('t-audit', '10.44.0.8');
  assert r.ok;
  insert into crm.clients (name, territory_id) values ('Аудит-клиент', (select id from crm.territories where name = 'Moscow'))
    returning id into cid;
  update crm.clients set name = 'Аудит-клиент 2' where id = cid;
  insert into crm.contacts (client_id, name) values (cid, 'Контакт');
  perform sectest.act('director', '10.44.0.9');
  delete from crm.clients where id = cid;       -- cascades to the contact
  perform sectest.back();

  select count(*) into n from audit.log where table_name = 'crm.clients' and row_id = cid;
  assert n = 3, 'client: insert + update + delete, got ' || n;
  select * into e from audit.log where table_name = 'crm.clients' and row_id = cid and action = 'insert';
  assert e.user_id = sectest.uid('manager.msk') and e.client_ip = '10.44.0.8' and e.session_id = sid
     and e.db_role = 'crm_user' and e.login_role = 'crm_authenticator', 'insert entry: ' || to_jsonb(e)::text;
  assert e.new_values ->> 'name' = 'Аудит-клиент' and e.old_values is null;
  select * into e from audit.log where table_name = 'crm.clients' and row_id = cid and action = 'update';
  assert e.old_values - 'updated_at' = jsonb_build_object('name', 'Аудит-клиент', 'version', 1),
    'update entry has changed fields only: ' || e.old_values::text;
  assert e.new_values ->> 'name' = 'Аудит-клиент 2' and (e.new_values ->> 'version')::int = 2;
  select * into e from audit.log where table_name = 'crm.clients' and row_id = cid and action = 'delete';
  assert e.user_id = sectest.uid('director') and e.client_ip = '10.44.0.9' and e.old_values ->> 'name' = 'Аудит-клиент 2';
  assert (select count(*) from audit.log where table_name = 'crm.contacts'
            and ((new_values ->> 'client_id')::bigint = cid or (old_values ->> 'client_id')::bigint = cid)) = 2,
    'contact: insert + cascaded delete';
  -- login events carry the user and ip; password hashes never reach the log
  assert exists (select 1 from audit.log where action = 'login' and user_id = sectest.uid('manager.msk')
                   and client_ip = '10.44.0.7' and session_id = sid);
  update crm.users set password_hash = 'scrypt$secret' where login = 'accountant';
  assert not exists (select 1 from audit.log where new_values::text like '%scrypt$secret%' or details::text like '%scrypt$secret%');
  -- admins read the log through RLS; others only the row entries of the deals they may read (sql/361)
  perform sectest.act('manager.msk');
  assert not exists (select 1 from audit.log
                      where table_name is distinct from 'crm.deals' or action not in ('insert', 'update', 'delete'));
  assert not exists (select 1 from audit.log a where not exists (select 1 from crm.deals d where d.id = a.row_id));
  perform sectest.act('manager.spb');
  assert not exists (select 1 from audit.log a where not exists (select 1 from crm.deals d where d.id = a.row_id));
  assert not exists (select 1 from audit.log where table_name <> 'crm.deals');
  perform sectest.act('admin');
  assert (select count(*) from audit.log) > 0;
  assert audit.record_event('admin_command', '{"command": "USER LIST"}') > 0;
  perform sectest.back();
  assert exists (select 1 from audit.log where action = 'admin_command' and user_id = sectest.uid('admin')
                   and details ->> 'command' = 'USER LIST');
end $$;

\warn '== audit chain: seal, verify, detect altered / deleted / reordered entries'
select audit.seal() as sealed \gset
do $$
declare
  v record; a audit.log; b audit.log; h record;
begin
  select * into v from audit.verify();
  assert v.first_bad_id is null, 'fresh chain must verify: ' || coalesce(v.reason, '');
  assert v.checked = (select count(*) from audit.log), 'every entry sealed';
  select * into h from audit.chain_head();
  assert h.last_seq = v.checked and audit.verify_head(h.last_seq, h.last_hash);

  -- tamper as superuser with triggers off (session_replication_role = replica)
  set local session_replication_role = replica;
  select * into a from audit.log where seq = 100;
  update audit.log set new_values = '{"name": "forged"}' where id = a.id;
  select * into v from audit.verify();
  assert v.first_bad_id = a.id and v.reason like 'content%', 'altered entry: ' || to_jsonb(v)::text;
  update audit.log set new_values = a.new_values where id = a.id;
  assert (select first_bad_id from audit.verify()) is null, 'restored';

  delete from audit.log where id = a.id;
  select * into v from audit.verify();
  assert v.first_bad_seq = 100 and v.first_bad_id = (select id from audit.log where seq = 101),
    'deleted entry: ' || to_jsonb(v)::text;
  insert into audit.log overriding system value select a.*;
  assert (select first_bad_id from audit.verify()) is null, 'restored';

  -- reorder: swap the positions of two entries (and even re-link their prev hashes)
  select * into b from audit.log where seq = 201;
  select * into a from audit.log where seq = 200;
  update audit.log set seq = -1 where id = a.id;
  update audit.log set seq = 200, prev_hash = a.prev_hash where id = b.id;
  update audit.log set seq = 201, prev_hash = b.hash where id = a.id;
  select * into v from audit.verify();
  assert v.first_bad_id = b.id and v.first_bad_seq = 200, 'reordered: ' || to_jsonb(v)::text;
  update audit.log set seq = -1 where id = b.id;
  update audit.log set seq = 200, prev_hash = a.prev_hash where id = a.id;
  update audit.log set seq = 201, prev_hash = b.prev_hash where id = b.id;
  assert (select first_bad_id from audit.verify()) is null, 'restored';

  -- deleting the newest entry is caught by the chain head
  select * into a from audit.log where seq = (select max(seq) from audit.log);
  delete from audit.log where id = a.id;
  select * into v from audit.verify();
  assert v.first_bad_id = a.id, 'deleted tail: ' || to_jsonb(v)::text;
  insert into audit.log overriding system value select a.*;
  assert (select first_bad_id from audit.verify()) is null, 'restored';
  -- a chain rewritten from some point on is caught by a head written outside earlier
  assert not audit.verify_head(h.last_seq, encode(sha256('x'), 'hex'));
end $$;

\warn '== BI login: sees exactly its user''s rows, cannot write, cannot impersonate'
create view reports.sectest_deal_amounts as select id, amount from crm.deals;
select crm_private.secure_view('reports.sectest_deal_amounts');
select 'bi_sectest_' || pg_backend_pid() as bi_login \gset
select sectest.uid('manager.msk') as bi_uid \gset
select crm_private.create_bi_login(:'bi_login', :bi_uid, 'correct horse battery staple');
create table sectest.bi_expected as
  select 'crm.clients' as tbl, sectest.oracle('manager.msk', 'crm.clients', 'read') as ids
  union all select 'crm.deals', sectest.oracle('manager.msk', 'crm.deals', 'read')
  union all select 'crm.tasks', sectest.oracle('manager.msk', 'crm.tasks', 'read')
  union all select 'crm.contacts', sectest.oracle('manager.msk', 'crm.contacts', 'read');
-- shares count too: manager.msk has none; check against the oracle
select (select ids from sectest.bi_expected where tbl = 'crm.clients')::text as bi_clients,
       (select ids from sectest.bi_expected where tbl = 'crm.deals')::text as bi_deals,
       (select ids from sectest.bi_expected where tbl = 'crm.tasks')::text as bi_tasks,
       (select ids from sectest.bi_expected where tbl = 'crm.contacts')::text as bi_contacts \gset
select crm_private.compute_context(sectest.uid('director'))::text as director_context \gset

\setenv PGPASSWORD 'correct horse battery staple'
\c - :bi_login
set sectest.bi_clients = :'bi_clients';
set sectest.bi_deals = :'bi_deals';
set sectest.bi_tasks = :'bi_tasks';
set sectest.bi_contacts = :'bi_contacts';
\set QUIET 1
set client_min_messages = warning;
do $$
declare
  got bigint[];
begin
  select coalesce(array_agg(id order by id), '{}') into got from crm.clients;
  assert got = current_setting('sectest.bi_clients')::bigint[],
    format('BI clients %s, expected %s', got, current_setting('sectest.bi_clients'));
  select coalesce(array_agg(id order by id), '{}') into got from crm.deals;
  assert got = current_setting('sectest.bi_deals')::bigint[], 'BI deals ' || got::text;
  select coalesce(array_agg(id order by id), '{}') into got from crm.tasks;
  assert got = current_setting('sectest.bi_tasks')::bigint[], 'BI tasks ' || got::text;
  select coalesce(array_agg(id order by id), '{}') into got from crm.contacts;
  assert got = current_setting('sectest.bi_contacts')::bigint[], 'BI contacts ' || got::text;
  assert cardinality(current_setting('sectest.bi_deals')::bigint[]) > 0;
  select coalesce(array_agg(id order by id), '{}') into got from reports.sectest_deal_amounts;
  assert got = current_setting('sectest.bi_deals')::bigint[], 'BI through a report view ' || got::text;
  assert current_setting('transaction_read_only') = 'on', 'BI sessions default to read-only';
end $$;
-- impersonation attempts: settings a BI tool can change
set crm.context = :'director_context';
set crm.user_id = '1';
do $$ begin
  assert (select coalesce(array_agg(id order by id), '{}') from crm.deals) = current_setting('sectest.bi_deals')::bigint[],
    'SET crm.context must not change what a BI login sees';
  assert (select coalesce(array_agg(id order by id), '{}') from crm.clients) = current_setting('sectest.bi_clients')::bigint[];
end $$;
-- the role's default_transaction_read_only is a setting the tool may change: grants must hold anyway
set default_transaction_read_only = off;
do $$
declare ok boolean;
begin
  begin
    insert into crm.clients (name, owner_id) values ('bi', 1);
    ok := true;
  exception when insufficient_privilege or read_only_sql_transaction then ok := false;
  end;
  assert not ok, 'BI insert must fail';
  begin
    update crm.deals set amount = 0;
    ok := true;
  exception when insufficient_privilege or read_only_sql_transaction then ok := false;
  end;
  assert not ok, 'BI update must fail';
  begin
    delete from crm.tasks;
    ok := true;
  exception when insufficient_privilege or read_only_sql_transaction then ok := false;
  end;
  assert not ok, 'BI delete must fail';
  begin
    set local role crm_user;
    ok := true;
  exception when insufficient_privilege then ok := false;
  end;
  assert not ok, 'BI cannot SET ROLE crm_user';
  begin
    perform crm_api.begin_request_as(1, '10.0.0.1');
    ok := true;
  exception when insufficient_privilege then ok := false;
  end;
  assert not ok, 'BI cannot call the request API';
  begin
    perform 1 from audit.log limit 1;
    ok := true;
  exception when insufficient_privilege then ok := false;
  end;
  assert not ok, 'BI cannot read the audit log';
  begin
    perform password_hash from crm.users limit 1;
    ok := true;
  exception when insufficient_privilege then ok := false;
  end;
  assert not ok, 'BI cannot read password hashes';
  begin
    perform secret from crm_private.totp_secrets limit 1;
    ok := true;
  exception when insufficient_privilege then ok := false;
  end;
  assert not ok, 'BI cannot read TOTP secrets';
  begin
    perform code_hash from crm_private.totp_recovery_codes limit 1;
    ok := true;
  exception when insufficient_privilege then ok := false;
  end;
  assert not ok, 'BI cannot read recovery code hashes';
  begin
    perform secret from crm_api.two_factor_state(1);
    ok := true;
  exception when insufficient_privilege then ok := false;
  end;
  assert not ok, 'BI cannot call two_factor_state';
  assert (select count(*) from crm.users) > 0, 'BI reads user names';
end $$;
\setenv PGPASSWORD
\c - :test_superuser
\set QUIET 1
set client_min_messages = warning;
set sectest.bi_login = :'bi_login';
do $$ begin
  assert (select count(*) from crm_private.list_bi_logins()
           where login_name = current_setting('sectest.bi_login') and role_exists) = 1;
  assert crm_private.drop_bi_login(current_setting('sectest.bi_login'));
  assert not exists (select 1 from pg_roles where rolname = current_setting('sectest.bi_login'));
end $$;

\warn '== 200k deals: the newest 50 for a territory manager use an index'
set session_replication_role = replica;   -- bulk test data without audit entries
insert into crm.deals (title, amount, owner_id, responsible_id, department_id, territory_id, created_at, pipeline_id, stage_id)
select 'bulk ' || g, (g % 1000) * 10, u.id, u.id, u.department_id,
       (array(select id from crm.territories order by id))[1 + g % 8],
       now() - (g || ' seconds')::interval,
       (select id from crm.pipelines where is_default), crm_private.default_stage('new')
from generate_series(1, 200000) g
cross join lateral (select id, department_id from crm.users where login <> 'admin' order by id offset (g % 10) limit 1) u;
set session_replication_role = origin;
analyze crm.deals;
do $$
declare
  plan text := '';
  line text;
  n int;
begin
  perform sectest.act('manager.msk');
  for line in execute 'explain (analyze, costs off, timing off, summary off)
                       select id, title, amount from crm.deals order by created_at desc, id desc limit 50' loop
    plan := plan || line || E'\n';
  end loop;
  raise warning E'EXPLAIN newest 50 deals as manager.msk (territory Central):\n%', plan;
  assert plan like '%Index Scan using deals_created_idx%', 'newest-50 must use the created_at index';
  assert plan not like '%Seq Scan%', 'no sequential scan';
  select count(*) into n from (select id from crm.deals order by created_at desc, id desc limit 50) x;
  assert n = 50;
  plan := '';
  for line in execute 'explain (analyze, costs off, timing off, summary off)
                       select id from crm.deals where territory_id = (select id from crm.territories where name = ''Tula'')
                       order by created_at desc limit 50' loop
    plan := plan || line || E'\n';
  end loop;
  raise warning E'EXPLAIN newest 50 deals in Tula as manager.msk:\n%', plan;
  assert plan not like '%Seq Scan on deals%', 'no sequential scan';
  perform sectest.act('junior.msk');
  plan := '';
  for line in execute 'explain (analyze, costs off, timing off, summary off)
                       select id from crm.deals order by created_at desc, id desc limit 50' loop
    plan := plan || line || E'\n';
  end loop;
  raise warning E'EXPLAIN newest 50 deals as junior.msk (own only):\n%', plan;
  assert plan not like '%Seq Scan on deals%', 'no sequential scan';
  perform sectest.back();
end $$;

\warn '== 32 concurrent writers (pgbench), concurrent sealers: an unforked, verifiable chain'
select audit.seal() as pre_sealed \gset
select last_seq as seq_before from audit.chain_head() \gset
select sectest.uid('director') as director_id \gset
\setenv PGHOST :HOST
\setenv PGPORT :PORT
\setenv PGDATABASE :DBNAME
\setenv SECTEST_UID :director_id
\! log=$(mktemp); pgbench -n -U crm_authenticator -c 32 -j 8 -t 50 -D uid=$SECTEST_UID -f Tests/SQL/pgbench_audit_writer.sql@10 -f Tests/SQL/pgbench_audit_rollback.sql@1 -f Tests/SQL/pgbench_audit_seal.sql@1 > $log 2>&1 && echo 'pgbench ok' >&2 || (cat $log >&2; echo 'pgbench FAILED' >&2); rm -f $log
select audit.seal() as post_sealed \gset
do $$
declare
  v record;
  n_entries bigint;
  n_bench bigint;
begin
  select * into v from audit.verify();
  assert v.first_bad_id is null, 'chain after concurrent writers: ' || to_jsonb(v)::text;
  select count(*) into n_entries from audit.log;
  assert v.checked = n_entries, format('all %s entries sealed, %s checked', n_entries, v.checked);
  -- unforked: positions 1..N, each prev_hash is the hash of the position before, no prev_hash twice
  assert (select count(distinct seq) = count(*) and min(seq) = 1 and max(seq) = count(*) from audit.log);
  assert (select count(distinct prev_hash) from audit.log) = n_entries;
  assert not exists (select 1 from audit.log a join audit.log b on b.seq = a.seq + 1 where b.prev_hash <> a.hash);
  select count(*) into n_bench from audit.log where table_name = 'crm.deals' and new_values ->> 'title' = 'pgbench';
  assert n_bench = (select count(*) from crm.deals where title = 'pgbench'), 'one entry per committed write';
  assert n_bench > 1000, 'writers committed ' || n_bench;
  -- rolled-back writers left id gaps, and no false alarm
  assert (select max(id) - min(id) + 1 > count(*) from audit.log), 'expected id gaps from rollbacks';
end $$;

\warn '== catalog self-check (again)'
do $$
declare problems text;
begin
  select string_agg(problem, E'\n') into problems from crm_api.security_self_check();
  assert problems is null, 'self-check: ' || problems;
end $$;

drop view reports.sectest_deal_amounts;
drop schema sectest cascade;
\warn 'ALL SECURITY TESTS PASSED'
