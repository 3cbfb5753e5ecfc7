-- bench/users.sql: grows the demo company to 100 users in 10 departments (run once, as the owner).
-- 5 more sales departments under Management; 90 more users: mostly managers, some juniors and heads.
do $$
declare
  mgmt bigint := (select id from crm.departments where name = 'Management' and parent_id is null);
  depts bigint[];
  terrs bigint[] := array(select id from crm.territories where name in ('Moscow', 'Tula', 'St Petersburg', 'Kazan', 'Volga') order by id);
  r_manager bigint := (select id from crm.roles where name = 'manager');
  r_junior bigint := (select id from crm.roles where name = 'junior_manager');
  r_head bigint := (select id from crm.roles where name = 'department_head');
  d bigint; uid bigint; i int;
begin
  if exists (select 1 from crm.users where login = 'bench.u001') then
    raise notice 'bench users exist already';
    return;
  end if;
  foreach d in array array[1,2,3,4,5] loop
    insert into crm.departments (parent_id, name)
      values (mgmt, (array['Kazan sales', 'Tula sales', 'Key accounts', 'Online sales', 'Regional sales'])[d]);
  end loop;
  depts := array(select id from crm.departments where name in
    ('Moscow sales', 'St Petersburg sales', 'Kazan sales', 'Tula sales', 'Key accounts', 'Online sales', 'Regional sales')
    order by id);
  for i in 1..90 loop
    insert into crm.users (login, name, email, department_id)
      values (format('bench.u%s', lpad(i::text, 3, '0')), format('Менеджер %s', i),
              format('bench.u%s@demo.example', lpad(i::text, 3, '0')), depts[1 + i % array_length(depts, 1)])
      returning id into uid;
    insert into crm.user_roles values (uid, case when i % 15 = 0 then r_head when i % 5 = 0 then r_junior else r_manager end);
    insert into crm.user_territories values (uid, terrs[1 + i % array_length(terrs, 1)]);
  end loop;
end
$$;
