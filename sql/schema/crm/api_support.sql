-- crm/api_support.sql: what the JSON API needs besides the tables: idempotency keys, saved filters, the client card, the funnel view.
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/150_api_support.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

-- state: 'new' (go on, then call idempotency_finish), 'replay' (status and body of the first
-- response), 'mismatch' (the key was used with another request), 'busy' (in progress).
create or replace function crm_api.idempotency_begin(p_key text, p_request_hash bytea,
    out state text, out status int, out body text)
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  uid bigint := crm_private.rls_uid();
  k crm_private.idempotency_keys;
begin
  if uid is null then
    raise exception 'no request context' using errcode = 'insufficient_privilege';
  end if;
  if not pg_try_advisory_xact_lock(hashtextextended('idempotency:' || uid || ':' || p_key, 0)) then
    state := 'busy';
    return;
  end if;
  delete from crm_private.idempotency_keys i where i.user_id = uid and i.key = p_key
     and i.created_at < now() - interval '24 hours';
  select * into k from crm_private.idempotency_keys i where i.user_id = uid and i.key = p_key;
  if not found then
    state := 'new';
  elsif k.request_hash <> p_request_hash then
    state := 'mismatch';
  else
    state := 'replay';
    status := k.status;
    body := k.body;
  end if;
end
$$;

create or replace function crm_api.idempotency_finish(p_key text, p_request_hash bytea, p_status int, p_body text) returns void
  language sql volatile security definer set search_path = pg_catalog, pg_temp as $$
  insert into crm_private.idempotency_keys (user_id, key, request_hash, status, body)
  values (crm_private.rls_uid(), p_key, p_request_hash, p_status, p_body)
$$;

drop trigger if exists saved_filters_touch on crm.saved_filters;
create trigger saved_filters_touch before update on crm.saved_filters
  for each row execute function crm_private.touch_row();

select crm_private.secure_identity_table('crm.saved_filters', 'self');

-- Each user keeps their own (admins may clean up).
drop policy if exists crm_admin_insert on crm.saved_filters;

drop policy if exists crm_admin_update on crm.saved_filters;

drop policy if exists crm_admin_delete on crm.saved_filters;

drop policy if exists crm_self_insert on crm.saved_filters;
create policy crm_self_insert on crm.saved_filters for insert to crm_user
  with check (user_id = (select crm_private.rls_uid()));

drop policy if exists crm_self_update on crm.saved_filters;
create policy crm_self_update on crm.saved_filters for update to crm_user
  using (user_id = (select crm_private.rls_uid())) with check (user_id = (select crm_private.rls_uid()));

drop policy if exists crm_self_delete on crm.saved_filters;
create policy crm_self_delete on crm.saved_filters for delete to crm_user
  using (user_id = (select crm_private.rls_uid()) or (select crm_private.rls_admin()));

create or replace function crm_api.pipelines() returns json
  language sql stable as $$
  select coalesce(json_agg(json_build_object(
      'id', p.id, 'name', p.name, 'kind', p.kind, 'is_default', p.is_default, 'active', p.active,
      'stages', (select coalesce(json_agg(json_build_object('id', s.id, 'code', s.code, 'name', s.name,
                        'position', s.position, 'kind', s.kind, 'skippable', s.skippable,
                        'probability', s.probability) order by s.position), '[]')
                   from crm.stages s where s.pipeline_id = p.id),
      'custom_fields', (select coalesce(json_agg(json_build_object('id', f.id, 'key', f.key, 'label', f.label,
                        'type', f.type, 'required', f.required, 'default_value', f.default_value,
                        'options', f.options) order by f.position, f.id), '[]')
                   from crm.custom_fields f where f.pipeline_id = p.id)
    ) order by p.id), '[]')
  from crm.pipelines p
$$;

create or replace function crm_api.sales_funnel(p_pipeline_id bigint) returns json
  language sql stable as $$
  select coalesce(json_agg(json_build_object('stage_id', f.stage_id, 'code', f.code, 'stage', f.stage,
           'position', f.position, 'kind', f.kind, 'deals', f.deals, 'amount', f.amount::text) order by f.position), '[]')
    from reports.sales_funnel f where f.pipeline_id = p_pipeline_id
$$;

revoke execute on all functions in schema crm_private, crm_api, audit from public;

grant execute on function crm_api.idempotency_begin(text, bytea) to crm_user;

grant execute on function crm_api.idempotency_finish(text, bytea, int, text) to crm_user;

grant execute on function crm_api.client_card(bigint) to crm_user;

grant execute on function crm_api.pipelines() to crm_user;

grant execute on function crm_api.sales_funnel(bigint) to crm_user;
