-- 150 What the JSON API needs besides the tables: idempotency keys, saved filters, the client
-- card, the pipelines with their stages, the sales funnel.

-- ---------------------------------------------------------------------------------------
-- Idempotency keys of POST requests, per user. A key is taken under a transaction-scoped
-- advisory lock: a concurrent request with the same key does not wait, it is told (busy). The
-- response is stored in the same transaction as the write, so a key never points at a write
-- that rolled back. Keys older than a day are forgotten.

create table crm_private.idempotency_keys (
  user_id bigint not null references crm.users on delete cascade,
  key text not null,
  request_hash bytea not null,
  status int not null,
  body text not null,
  created_at timestamptz not null default now(),
  primary key (user_id, key)
);

-- state: 'new' (go on, then call idempotency_finish), 'replay' (status and body of the first
-- response), 'mismatch' (the key was used with another request), 'busy' (in progress).
create function crm_api.idempotency_begin(p_key text, p_request_hash bytea,
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

create function crm_api.idempotency_finish(p_key text, p_request_hash bytea, p_status int, p_body text) returns void
  language sql volatile security definer set search_path = pg_catalog, pg_temp as $$
  insert into crm_private.idempotency_keys (user_id, key, request_hash, status, body)
  values (crm_private.rls_uid(), p_key, p_request_hash, p_status, p_body)
$$;

-- ---------------------------------------------------------------------------------------
-- Saved filters: a user's named list queries (the query string of a list endpoint).

create table crm.saved_filters (
  id bigint generated always as identity primary key,
  user_id bigint not null default crm_private.rls_uid() references crm.users on delete cascade,
  resource text not null check (resource ~ '^[a-z][a-z_-]{0,39}$'),
  name text not null check (length(btrim(name)) between 1 and 200),
  query text not null check (length(query) <= 2000),
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index saved_filters_name_uq on crm.saved_filters (user_id, resource, lower(name));
create trigger saved_filters_touch before update on crm.saved_filters
  for each row execute function crm_private.touch_row();
select crm_private.secure_identity_table('crm.saved_filters', 'self');
-- Each user keeps their own (admins may clean up).
drop policy crm_admin_insert on crm.saved_filters;
drop policy crm_admin_update on crm.saved_filters;
drop policy crm_admin_delete on crm.saved_filters;
create policy crm_self_insert on crm.saved_filters for insert to crm_user
  with check (user_id = (select crm_private.rls_uid()));
create policy crm_self_update on crm.saved_filters for update to crm_user
  using (user_id = (select crm_private.rls_uid())) with check (user_id = (select crm_private.rls_uid()));
create policy crm_self_delete on crm.saved_filters for delete to crm_user
  using (user_id = (select crm_private.rls_uid()) or (select crm_private.rls_admin()));

-- ---------------------------------------------------------------------------------------
-- The client card in one call, under the caller's rules (SECURITY INVOKER: every part is
-- filtered by the policies of its table). Null when the client is not visible.
-- Analytics roll up over every counterparty the client has had.

create function crm_api.client_card(p_client_id bigint) returns json
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
        'won_amount', coalesce(sum(d.amount) filter (where s.kind = 'won'), 0)::text,
        'invoiced_amount', (select coalesce(sum(v.amount), 0)::text from crm.invoices v
                              join crm.counterparties k on k.id = v.counterparty_id
                             where k.client_id = c.id and not v.cancelled),
        'paid_amount', (select coalesce(sum(v.paid_amount), 0)::text from crm.invoices v
                          join crm.counterparties k on k.id = v.counterparty_id
                         where k.client_id = c.id and not v.cancelled),
        'counterparties_ever', (select count(*) from crm.counterparties k where k.client_id = c.id))
        from crm.deals d join crm.stages s on s.id = d.stage_id where d.client_id = c.id))
  from crm.clients c where c.id = p_client_id
$$;

-- ---------------------------------------------------------------------------------------
-- Pipelines with their stages in order, deal kinds and custom fields (catalogs: all readable).

create function crm_api.pipelines() returns json
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

-- ---------------------------------------------------------------------------------------
-- The sales funnel: deals and sums per stage over the deals the caller may see, and the
-- conversion from each stage onwards (deals that reached the stage or a later one, by the
-- stage history).

create view reports.sales_funnel as
  select s.pipeline_id, s.id as stage_id, s.code, s.name as stage, s.position, s.kind,
         count(d.id) as deals,
         coalesce(sum(d.amount), 0) as amount
    from crm.stages s
    left join crm.deals d on d.stage_id = s.id
   group by s.pipeline_id, s.id, s.code, s.name, s.position, s.kind;
select crm_private.secure_view('reports.sales_funnel');

create function crm_api.sales_funnel(p_pipeline_id bigint) returns json
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
