-- 295 The demo's junior manager does what the role's name promises: creates and reads his own
-- rows, works his own tasks and moves his own deals (update, own); he deletes nothing and hands
-- nothing over (the handover rule of 280 keeps an own-scope update to himself).
-- For new installs the demo's installer is wrapped (the body of 140 stays as it is); an already
-- installed demo company gets the same grants now.

create function crm_private.demo_junior_grants() returns void
  language sql volatile security definer set search_path = pg_catalog, pg_temp
  begin atomic
    insert into crm.role_permissions (role_id, entity, action, scope)
    select r.id, e.entity::crm.entity_name, 'update', 'own'
      from crm.roles r, (values ('deal'), ('task')) as e(entity)
     where r.name = 'junior_manager'
    on conflict (role_id, entity, action) do nothing;
  end;

alter function crm_private.install_demo_company() rename to install_demo_company_140;

create function crm_private.install_demo_company() returns table (login text, user_id bigint)
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

select crm_private.demo_junior_grants();

revoke execute on all functions in schema crm_private, crm_api, audit from public;
grant execute on function crm_api.install_demo_company() to crm_user;
