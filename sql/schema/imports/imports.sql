-- imports/imports.sql: the import of clients from CSV and Excel files (issue 13; tables in
-- sql/migrations/440_imports.sql).
--
-- The HTTP side (Sources/HTTPAPI/Imports) reads the file, normalises every row (phones,
-- e-mails, ИНН/КПП check digits, the kind) and COPYs the rows into the temporary table
-- pg_temp.import_rows of the import's transaction; crm_api.import_clients then decides, set
-- by set, what each row does (created, merged, rejected) and, unless it is a dry run, writes
-- the clients, counterparties and contacts — as the signed-in user, so the row rules decide
-- and the tables' audit triggers record every row — with one audit entry for the batch.
-- The bookkeeping (progress, result, rejected rows, saved mappings) is the caller's own and
-- only reachable through these functions.

-- The advisory lock class of a running import (the second key is the import's id).
create or replace function crm_private.import_lock_class() returns int
  language sql immutable return 440;

-- The caller's import, or CR404 (someone else's import is not found either).
create or replace function crm_private.import_owned(p_import bigint) returns crm_private.imports
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  r crm_private.imports;
begin
  select * into r from crm_private.imports i where i.id = p_import and i.user_id = crm_private.rls_uid();
  if not found then
    raise exception 'import % not found', p_import using errcode = 'CR404';
  end if;
  return r;
end
$$;

-- A new import of the caller, before its file is read (a transaction of its own).
create or replace function crm_api.import_begin(p_kind text, p_file_name text, p_format text, p_dry_run boolean,
                                                p_columns jsonb) returns bigint
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  uid bigint := crm_private.rls_uid();
  v_id bigint;
begin
  if uid is null then
    raise exception 'an import needs a signed-in user' using errcode = 'CR403';
  end if;
  insert into crm_private.imports (user_id, kind, file_name, format, dry_run, columns)
  values (uid, p_kind, left(coalesce(p_file_name, ''), 500), p_format, p_dry_run, coalesce(p_columns, '{}'))
  returning id into v_id;
  return v_id;
end
$$;

-- How many rows the reading side has read (a short transaction of its own, so a status
-- request sees it while the import's transaction runs).
create or replace function crm_api.import_progress(p_import bigint, p_rows bigint) returns void
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  perform crm_private.import_owned(p_import);
  update crm_private.imports set rows_read = greatest(rows_read, p_rows), updated_at = now() where id = p_import;
  perform crm_private.import_notify(p_import, 'import_progress');
end
$$;

-- Why the import failed (after its transaction rolled back: nothing of it was written).
create or replace function crm_api.import_fail(p_import bigint, p_error text) returns void
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  perform crm_private.import_owned(p_import);
  update crm_private.imports set error = left(coalesce(p_error, 'failed'), 2000), updated_at = now()
   where id = p_import and not exists (select 1 from crm_private.import_results x where x.import_id = p_import);
  if found then
    perform crm_private.import_notify(p_import, 'import_failed');
  end if;
end
$$;

-- Taken first in the import's transaction: while it is held, the import is running.
create or replace function crm_api.import_lock(p_import bigint) returns void
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  perform crm_private.import_owned(p_import);
  perform pg_advisory_xact_lock(crm_private.import_lock_class(), p_import::int);
end
$$;

-- The import as JSON: status running | done | failed, rows read, counts, the error.
create or replace function crm_private.import_json(i crm_private.imports) returns jsonb
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select jsonb_build_object(
    'id', i.id, 'kind', i.kind, 'file_name', i.file_name, 'format', i.format, 'dry_run', i.dry_run,
    'columns', i.columns, 'rows_read', i.rows_read, 'created_at', i.created_at,
    'status', case when r.import_id is not null then 'done' when i.error is not null or not l.running then 'failed'
                   else 'running' end,
    'error', case when r.import_id is not null then null when i.error is not null then i.error
                  when not l.running then 'interrupted: the server stopped before the import finished; nothing of it was written'
             end,
    'counts', r.counts, 'finished_at', r.finished_at)
  from (select exists (select 1 from pg_locks x where x.locktype = 'advisory' and x.granted
                         and x.classid = crm_private.import_lock_class()::oid and x.objid = i.id::oid
                         and x.objsubid = 2) running) l
  left join crm_private.import_results r on r.import_id = i.id
$$;

-- Tells the importing user over the event stream (a notification): `import_progress` while it
-- runs (marked read at once: progress, not news), `import_finished` and `import_failed` at its
-- end. The payload is the import as the status endpoint shows it (without the column mapping).
create or replace function crm_private.import_notify(p_import bigint, p_kind text) returns void
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  i crm_private.imports;
  n bigint;
begin
  select * into i from crm_private.imports x where x.id = p_import;
  n := crm_private.notify_user(i.user_id, p_kind, (crm_private.import_json(i) - 'columns') || jsonb_build_object('import_id', i.id, 'title', i.file_name));
  if p_kind = 'import_progress' then
    update crm.notifications set read_at = now() where id = n;
  end if;
end
$$;

create or replace function crm_api.import_status(p_import bigint) returns jsonb
  language sql stable security definer set search_path = pg_catalog, pg_temp
  return crm_private.import_json(crm_private.import_owned(p_import));

-- The caller's imports, newest first.
create or replace function crm_api.imports_list(p_limit int default 50) returns jsonb
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select coalesce(jsonb_agg(crm_private.import_json(i) order by i.id desc), '[]')
    from (select * from crm_private.imports x where x.user_id = crm_private.rls_uid()
           order by x.id desc limit least(greatest(coalesce(p_limit, 50), 1), 500)) i
$$;

-- The rejected rows of the caller's import, in file order.
create or replace function crm_api.import_rejected(p_import bigint)
  returns table (row_number bigint, column_name text, value text, reason text)
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
begin
  perform crm_private.import_owned(p_import);
  return query select x.row_number, x.column_name, x.value, x.reason from crm_private.import_rejections x
                where x.import_id = p_import order by x.row_number;
end
$$;

-- Which of these ИНН+КПП pairs exist, whoever may see them (ord: the position in the arrays).
create or replace function crm_api.import_known_counterparties(p_inn text[], p_kpp text[])
  returns table (ord bigint, counterparty_id bigint)
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select k.ord, c.id from unnest(p_inn, p_kpp) with ordinality as k(inn, kpp, ord)
    join crm.counterparties c on c.inn = k.inn and coalesce(c.kpp, '') = coalesce(k.kpp, '')
$$;

-- n fresh client ids (the import knows each new client's id before it writes its contacts).
create or replace function crm_api.import_client_ids(p_count int) returns setof bigint
  language sql volatile security definer set search_path = pg_catalog, pg_temp as $$
  select nextval(pg_get_serial_sequence('crm.clients', 'id')) from generate_series(1, p_count)
$$;

-- Records the outcome in the import's transaction: the rejected rows, the counts, the audit entry.
create or replace function crm_api.import_finish(p_import bigint, p_counts jsonb, p_rejected jsonb) returns void
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  i crm_private.imports := crm_private.import_owned(p_import);
begin
  insert into crm_private.import_rejections (import_id, row_number, column_name, value, reason)
  select p_import, (x ->> 'row')::bigint, coalesce(x ->> 'column', ''), left(coalesce(x ->> 'value', ''), 1000), x ->> 'reason'
    from jsonb_array_elements(coalesce(p_rejected, '[]')) x;
  insert into crm_private.import_results (import_id, counts) values (p_import, p_counts);
  update crm_private.imports set rows_read = coalesce((p_counts ->> 'rows')::bigint, rows_read), updated_at = now()
   where id = p_import;
  perform crm_private.import_notify(p_import, 'import_finished');
  perform audit.append('import', 'crm.clients', null, null, null,
                       jsonb_build_object('import_id', i.id, 'file_name', i.file_name, 'format', i.format,
                                          'dry_run', i.dry_run, 'counts', p_counts));
end
$$;

-- Decides and (unless p_dry_run) writes the rows of pg_temp.import_rows, as the caller:
--   * a row the reader refused (reject_reason set) is rejected with its reason; so is a row
--     naming a city no territory is called, or a source that does not exist;
--   * rows are grouped by company: the same ИНН+КПП, or (without ИНН) the same name; the first
--     row of a group leads it, the others add their contacts to the leader's client (merged);
--   * a leader matches an existing client by its counterparty's ИНН+КПП, else by a contact's
--     phone or e-mail, else (without ИНН) by the same name: then it is merged into that client
--     (a counterparty of that ИНН that the caller may not see rejects the group); otherwise
--     a client is created, with its counterparty when it has an ИНН;
--   * a contact is written once: not when an earlier row of the group or a contact of the
--     client already has its first phone or e-mail (or, without either, its name).
-- Returns the counts: rows, created, merged, rejected, counterparties_created, contacts_created,
-- contacts_skipped.
-- What import_clients (an invoker function: crm_user has no use of the crm_private schema)
-- takes from crm_private: SQL-standard bodies, bound when created, so calling them needs only
-- the execute rights crm_user has.
create or replace function crm_api.import_phone(p text) returns text
  language sql immutable parallel safe return crm_private.normalize_phone(p);
create or replace function crm_api.import_phones(p text[]) returns text[]
  language sql immutable parallel safe return crm_private.normalize_phones(p);
create or replace function crm_api.import_emails(p text[]) returns text[]
  language sql immutable parallel safe return crm_private.normalize_emails(p);
-- A company name as compared when there is no ИНН: its words, lower-cased, ё as е, without
-- quotes and punctuation, in alphabetical order — «ООО "Ромашка"», «Ромашка, ООО» and «ооо
-- ромашка» are one company; «АО Ромашка» is another.
create or replace function crm_api.import_name_key(p text) returns text
  language sql immutable parallel safe
  return (select string_agg(w, ' ' order by w) from regexp_split_to_table(translate(lower(p), 'ё', 'е'), '[^[:alnum:]]+') w
           where w <> '');
-- The caller's scope of creating clients (0 none … 3 territory, 4 all) and its territories.
create or replace function crm_api.import_create_rank() returns int
  language sql stable parallel safe return crm_private.rls_rank('client', 'create');
create or replace function crm_api.import_create_territories() returns bigint[]
  language sql stable parallel safe return crm_private.rls_territories('client', 'create');

-- Refuses an import of clients to a caller whose role may not create clients at all (asked
-- before the file is received, and again by import_clients).
create or replace function crm_api.import_check(p_kind text) returns void
  language plpgsql stable set search_path = pg_catalog, pg_temp as $$
begin
  if crm_api.import_create_rank() = 0 then
    raise exception 'your role may not create clients' using errcode = 'CR403';
  end if;
end
$$;

-- (Without JIT: the joins' estimates are large enough to have every statement compiled, which
-- cost more than the statement itself.)
create or replace function crm_api.import_clients(p_import bigint, p_dry_run boolean) returns jsonb
  language plpgsql volatile set search_path = pg_catalog, pg_temp set jit = off as $$
declare
  v_created int;
  v_ids bigint[];
  v_counts jsonb;
  v_rejected jsonb;
begin
  perform crm_api.import_lock(p_import);
  perform crm_api.import_check('clients');
  analyze pg_temp.import_rows;

  update pg_temp.import_rows set outcome = 'rejected' where reject_reason is not null;

  -- cities and sources by name
  update pg_temp.import_rows r set territory_id = t.id
    from (select c.city, (select min(x.id) from crm.territories x where lower(x.name) = lower(c.city)) id
            from (select distinct city from pg_temp.import_rows where city is not null and outcome is null) c) t
   where r.outcome is null and r.city = t.city;
  update pg_temp.import_rows set outcome = 'rejected', reject_column = 'city', reject_value = city,
                                 reject_reason = format('no territory is named «%s»', city)
   where outcome is null and city is not null and territory_id is null;
  update pg_temp.import_rows r set source_id = s.id
    from (select c.source, (select min(x.id) from crm.sources x where lower(x.name) = lower(c.source)) id
            from (select distinct source from pg_temp.import_rows where source is not null and outcome is null) c) s
   where r.outcome is null and r.source = s.source;
  update pg_temp.import_rows set outcome = 'rejected', reject_column = 'source', reject_value = source,
                                 reject_reason = format('no source is named «%s»', source)
   where outcome is null and source is not null and source_id is null;

  -- groups and their leaders
  update pg_temp.import_rows set group_key = case when inn is not null then 'inn:' || inn || '/' || coalesce(kpp, '')
                                                  else 'name:' || coalesce(crm_api.import_name_key(name), '') end
   where outcome is null;
  update pg_temp.import_rows r set leader = g.leader
    from (select group_key, min(row_number) leader from pg_temp.import_rows where outcome is null group by group_key) g
   where r.outcome is null and r.group_key = g.group_key;
  create index on pg_temp.import_rows (leader);
  analyze pg_temp.import_rows;

  -- leaders against the database: a counterparty with the ИНН+КПП …
  with leaders as (
    select row_number() over (order by row_number) ord, row_number, inn, kpp
      from pg_temp.import_rows where outcome is null and row_number = leader and inn is not null
  ), known as (
    select l.row_number, k.counterparty_id
      from crm_api.import_known_counterparties((select array_agg(inn order by ord) from leaders),
                                               (select array_agg(kpp order by ord) from leaders)) k
      join leaders l on l.ord = k.ord
  )
  update pg_temp.import_rows r set counterparty_id = k.counterparty_id,
                                   client_id = (select c.client_id from crm.counterparties c where c.id = k.counterparty_id)
    from known k where r.row_number = k.row_number;
  update pg_temp.import_rows r set outcome = 'rejected', reject_column = 'inn', reject_value = l.inn,
                                   reject_reason = case when r.row_number = l.row_number
                                     then 'a counterparty with this ИНН/КПП exists and you may not see it'
                                     else format('row %s: a counterparty with this ИНН/КПП exists and you may not see it', l.row_number) end
    from pg_temp.import_rows l
   where l.row_number = r.leader and l.counterparty_id is not null and l.client_id is null and r.outcome is null;
  -- … else a contact with one of the group's phones or e-mails (stored phones compared in the
  -- form the file's were brought to; one pass over the contacts the caller sees, hash-joined) …
  with wanted as (
    select r.leader, r.row_number, p.phone
      from pg_temp.import_rows r, unnest(r.phones) p(phone)
     where r.outcome is null and exists (select 1 from pg_temp.import_rows l
                                          where l.row_number = r.leader and l.client_id is null)
  ), known as (
    select c.client_id, crm_api.import_phone(p.phone) phone
      from crm.contacts c, unnest(c.phones) p(phone)
  )
  update pg_temp.import_rows l set client_id = m.client_id
    from (select distinct on (w.leader) w.leader, k.client_id
            from wanted w join known k on k.phone = w.phone
           order by w.leader, w.row_number, k.client_id) m
   where l.row_number = m.leader and l.client_id is null and l.outcome is null;
  with wanted as (
    select r.leader, r.row_number, e.email
      from pg_temp.import_rows r, unnest(r.emails) e(email)
     where r.outcome is null and exists (select 1 from pg_temp.import_rows l
                                          where l.row_number = r.leader and l.client_id is null)
  ), known as (
    select c.client_id, lower(btrim(e.email)) email
      from crm.contacts c, unnest(c.emails) e(email)
  )
  update pg_temp.import_rows l set client_id = m.client_id
    from (select distinct on (w.leader) w.leader, k.client_id
            from wanted w join known k on k.email = w.email
           order by w.leader, w.row_number, k.client_id) m
   where l.row_number = m.leader and l.client_id is null and l.outcome is null;
  -- … else (without ИНН) a client of the same name (the same words: import_name_key).
  update pg_temp.import_rows l set client_id = m.id
    from (select crm_api.import_name_key(c.name) name_key, min(c.id) id from crm.clients c
           where crm_api.import_name_key(c.name) in (select substr(group_key, 6) from pg_temp.import_rows
                                                      where outcome is null and row_number = leader and inn is null and client_id is null)
           group by 1) m
   where l.outcome is null and l.row_number = l.leader and l.inn is null and l.client_id is null and substr(l.group_key, 6) = m.name_key;

  update pg_temp.import_rows set outcome = case when client_id is null then 'created' else 'merged' end
   where outcome is null and row_number = leader;
  -- A role whose clients are created by territory creates them only in its territories: a new
  -- client elsewhere (or without a city) is rejected with the rows of its company.
  if crm_api.import_create_rank() = 3 then
    update pg_temp.import_rows r set outcome = 'rejected', reject_column = 'city', reject_value = coalesce(l.city, ''),
                                     reject_reason = case when l.territory_id is null
                                       then 'name a city: your role creates clients only in its territories'
                                       else format('your role may not create clients in «%s»', l.city) end
      from pg_temp.import_rows l
     where l.row_number = r.leader and l.outcome = 'created' and (r.outcome is null or r.row_number = l.row_number)
       and not coalesce(l.territory_id = any(crm_api.import_create_territories()), false);
  end if;
  update pg_temp.import_rows f set outcome = 'merged', client_id = l.client_id, counterparty_id = l.counterparty_id
    from pg_temp.import_rows l
   where f.outcome is null and f.leader = l.row_number and l.outcome in ('created', 'merged');

  -- contacts: once per group and client
  update pg_temp.import_rows r set contact_new = (r.contact_key is not null)
   where r.outcome in ('created', 'merged');
  update pg_temp.import_rows r set contact_new = false
    from (select row_number, row_number() over (partition by leader, contact_key order by row_number) n
            from pg_temp.import_rows where contact_new) d
   where r.row_number = d.row_number and d.n > 1;
  update pg_temp.import_rows r set contact_new = false
   where r.contact_new and r.client_id is not null
     and exists (select 1 from crm.contacts c where c.client_id = r.client_id
                  and ((cardinality(r.phones) > 0 and crm_api.import_phones(c.phones) @> r.phones[1:1])
                    or (cardinality(r.emails) > 0 and crm_api.import_emails(c.emails) @> r.emails[1:1])
                    or (cardinality(r.phones) = 0 and cardinality(r.emails) = 0 and lower(c.name) = lower(r.contact_name))));

  select jsonb_build_object(
      'rows', count(*),
      'created', count(*) filter (where outcome = 'created'),
      'merged', count(*) filter (where outcome = 'merged'),
      'rejected', count(*) filter (where outcome = 'rejected'),
      'counterparties_created', count(*) filter (where outcome in ('created', 'merged') and row_number = leader
                                                  and inn is not null and counterparty_id is null),
      'contacts_created', count(*) filter (where contact_new),
      'contacts_skipped', count(*) filter (where outcome in ('created', 'merged') and contact_key is not null and not contact_new)),
    count(*) filter (where outcome = 'created')
    into v_counts, v_created
    from pg_temp.import_rows;

  if not p_dry_run then
    -- The decisions changed most rows: fresh statistics, so that the joins below are hashed.
    analyze pg_temp.import_rows;
    v_ids := array(select crm_api.import_client_ids(v_created));
    with leaders as (select row_number, row_number() over (order by row_number) n from pg_temp.import_rows where outcome = 'created')
    update pg_temp.import_rows r set client_id = v_ids[l.n] from leaders l where r.row_number = l.row_number;
    update pg_temp.import_rows f set client_id = l.client_id
      from pg_temp.import_rows l
     where f.outcome = 'merged' and f.client_id is null and f.leader = l.row_number;

    insert into crm.clients (id, name, kind, territory_id, source_id, notes) overriding system value
    select client_id, name, kind, territory_id, source_id, coalesce(notes, '')
      from pg_temp.import_rows where outcome = 'created' order by row_number;
    insert into crm.counterparties (client_id, legal_name, inn, kpp, address)
    select client_id, coalesce(legal_name, name), inn, kpp, coalesce(address, '')
      from pg_temp.import_rows
     where outcome in ('created', 'merged') and row_number = leader and inn is not null and counterparty_id is null
     order by row_number;
    insert into crm.contacts (client_id, name, position, phones, emails)
    select client_id, coalesce(contact_name, emails[1], phones[1]), coalesce(position, ''), phones, emails
      from pg_temp.import_rows where contact_new order by row_number;
  end if;

  select coalesce(jsonb_agg(jsonb_build_object('row', row_number, 'column', reject_column, 'value', reject_value,
                                               'reason', reject_reason) order by row_number), '[]')
    into v_rejected from pg_temp.import_rows where outcome = 'rejected';
  perform crm_api.import_finish(p_import, v_counts, v_rejected);
  return v_counts;
end
$$;

-- Saved column mappings (field → the file's column heading), the caller's own, by name.
create or replace function crm_private.import_mapping_json(m crm_private.import_mappings) returns jsonb
  language sql stable return jsonb_build_object('id', m.id, 'kind', m.kind, 'name', m.name, 'columns', m.columns,
                                                'updated_at', m.updated_at);

create or replace function crm_api.import_mapping_save(p_kind text, p_name text, p_columns jsonb) returns jsonb
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  uid bigint := crm_private.rls_uid();
  m crm_private.import_mappings;
begin
  if uid is null then
    raise exception 'a mapping needs a signed-in user' using errcode = 'CR403';
  end if;
  insert into crm_private.import_mappings (user_id, kind, name, columns) values (uid, p_kind, btrim(p_name), p_columns)
  on conflict (user_id, kind, lower(name)) do update set columns = excluded.columns, updated_at = now()
  returning * into m;
  return crm_private.import_mapping_json(m);
end
$$;

create or replace function crm_api.import_mappings(p_kind text) returns jsonb
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select coalesce(jsonb_agg(crm_private.import_mapping_json(m) order by lower(m.name)), '[]')
    from crm_private.import_mappings m where m.user_id = crm_private.rls_uid() and (p_kind is null or m.kind = p_kind)
$$;

create or replace function crm_api.import_mapping(p_id bigint) returns jsonb
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  m crm_private.import_mappings;
begin
  select * into m from crm_private.import_mappings x where x.id = p_id and x.user_id = crm_private.rls_uid();
  if not found then
    raise exception 'import mapping % not found', p_id using errcode = 'CR404';
  end if;
  return crm_private.import_mapping_json(m);
end
$$;

create or replace function crm_api.import_mapping_delete(p_id bigint) returns void
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  delete from crm_private.import_mappings x where x.id = p_id and x.user_id = crm_private.rls_uid();
  if not found then
    raise exception 'import mapping % not found', p_id using errcode = 'CR404';
  end if;
end
$$;

revoke execute on all functions in schema crm_private, crm_api, audit from public;
grant execute on function crm_api.import_name_key(text), crm_api.import_phone(text), crm_api.import_phones(text[]), crm_api.import_emails(text[]),
  crm_api.import_create_rank(), crm_api.import_create_territories(), crm_api.import_check(text), crm_api.import_begin(text, text, text, boolean, jsonb), crm_api.import_progress(bigint, bigint),
  crm_api.import_fail(bigint, text), crm_api.import_lock(bigint), crm_api.import_status(bigint), crm_api.imports_list(int),
  crm_api.import_rejected(bigint), crm_api.import_known_counterparties(text[], text[]), crm_api.import_client_ids(int),
  crm_api.import_finish(bigint, jsonb, jsonb), crm_api.import_clients(bigint, boolean),
  crm_api.import_mapping_save(text, text, jsonb), crm_api.import_mappings(text), crm_api.import_mapping(bigint),
  crm_api.import_mapping_delete(bigint) to crm_user;
