-- security/request_context.sql: the request context: what a request may see, and the helpers the policies read.
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/030_request_context.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

-- Everything the policies need about a user, computed once. Null when the user is missing
-- or disabled (then every helper below answers "nothing").
create or replace function crm_private.compute_context(p_user_id bigint) returns jsonb
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  u record;
  result jsonb;
begin
  select id, department_id into u from crm.users where id = p_user_id and active;
  if not found then
    return null;
  end if;
  select jsonb_build_object(
           'uid', u.id,
           'scopes', coalesce((select jsonb_object_agg(p.entity || '.' || p.action, crm_private.scope_rank(p.scope))
                                 from crm_private.effective_permissions(u.id) p
                                where p.scope > 'none'), '{}'::jsonb),
           'denied', coalesce((select jsonb_agg(o.entity || '.' || o.action order by o.entity, o.action)
                                 from crm.user_permission_overrides o
                                where o.user_id = u.id and o.effect = 'deny'), '[]'::jsonb),
           'departments', crm_private.department_subtree(u.department_id)::text,
           'territories', crm_private.user_territory_subtree(u.id)::text,
           'private', coalesce((select bool_or(ro.can_access_private) from crm.user_roles ur
                                  join crm.roles ro on ro.id = ur.role_id where ur.user_id = u.id), false),
           'admin', coalesce((select bool_or(ro.is_admin) from crm.user_roles ur
                                join crm.roles ro on ro.id = ur.role_id where ur.user_id = u.id), false))
    into result;
  return result;
end
$$;

grant execute on function
  crm_private.context(), crm_private.rls_uid(), crm_private.rls_rank(text, text),
  crm_private.rls_all(text, text), crm_private.rls_territories(text, text),
  crm_private.rls_departments(text, text), crm_private.rls_own(text, text),
  crm_private.rls_private(), crm_private.rls_admin(), crm_private.rls_shared(text, text, text),
  crm_private.scope_rank(crm.scope)
  to crm_user, crm_bi;

-- Adds the request's session, token and IP to a user's context. The admin flag holds only
-- from an allowed admin network (or a session of the console's local socket); 'export_network' tells whether exports are allowed from here.
create or replace function crm_private.request_context(p_context jsonb, p_user_id bigint, p_client_ip inet,
                                            p_session_id bigint, p_api_token_id bigint)
  returns jsonb
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  adm record;
  exp record;
  admin_place boolean;
begin
  adm := crm_private.network_match(p_user_id, 'admin', p_client_ip);
  exp := crm_private.network_match(p_user_id, 'export', p_client_ip);
  admin_place := not adm.restricted or adm.matched is not null;
  if not admin_place and p_session_id is not null then
    -- A session opened on the console's local Unix socket counts as an admin network.
    admin_place := exists (select 1 from crm_private.sessions s where s.id = p_session_id and s.purpose = 'console_local');
  end if;
  return p_context || jsonb_build_object(
    'session_id', p_session_id, 'api_token_id', p_api_token_id, 'ip', host(p_client_ip),
    'admin', coalesce((p_context ->> 'admin')::boolean, false) and admin_place,
    'admin_network', admin_place,
    'export_network', not exp.restricted or exp.matched is not null);
end
$$;

-- THE request statement. SECURITY INVOKER on purpose: set_config('role', ...) is refused
-- inside SECURITY DEFINER functions, and it must run as crm_authenticator (a member of
-- crm_user). crm_user itself cannot execute it, so a request cannot switch identity
-- half-way: a new identity needs a new transaction.
create or replace function crm_api.begin_request(p_token_hash bytea, p_client_ip inet,
    out ok boolean, out reason text, out user_id bigint, out session_id bigint, out api_token_id bigint)
  language plpgsql volatile as $$
declare
  a record;
begin
  a := crm_api.authorize_request(p_token_hash, p_client_ip);
  ok := a.ok; reason := a.reason; user_id := a.user_id;
  session_id := a.session_id; api_token_id := a.api_token_id;
  if a.ok then
    perform set_config('crm.context', a.context, true),
            set_config('crm.context_sig', a.signature, true),
            set_config('role', 'crm_user', true);
  end if;
end
$$;

create or replace function crm_api.begin_request_as(p_user_id bigint, p_client_ip inet, p_session_id bigint default null,
    out ok boolean, out reason text)
  language plpgsql volatile as $$
declare
  a record;
begin
  a := crm_api.authorize_user(p_user_id, p_client_ip, p_session_id);
  ok := a.ok; reason := a.reason;
  if a.ok then
    perform set_config('crm.context', a.context, true),
            set_config('crm.context_sig', a.signature, true),
            set_config('role', 'crm_user', true);
  end if;
end
$$;

grant execute on function
  crm_api.authorize_request(bytea, inet), crm_api.authorize_user(bigint, inet, bigint),
  crm_api.begin_request(bytea, inet), crm_api.begin_request_as(bigint, inet, bigint)
  to crm_authenticator;

revoke execute on all functions in schema crm_private, crm_api, audit from public;
