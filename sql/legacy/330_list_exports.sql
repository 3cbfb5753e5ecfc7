-- 330 Exports of lists (CSV and .xlsx of any resource list, with its filters): the same gate as
-- every export — the `export` action on the list's entity and an allowed export network — checked
-- before the first byte, and an audit entry written by the database when the download ends: who
-- (the request's user, session and IP), which list, with which filters, in which format, how many
-- rows, and whether it completed. The rows are read with ordinary SELECTs: the read rules decide
-- which rows exist (as for crm_api.begin_export).

-- The entity of a secured table (its permissions' name), or CR403 when the caller may not export
-- it from where it is. A list without an entity of its own (a catalog such as the stages or the
-- sources, the users) may be exported by whoever may export some entity.
create function crm_api.check_list_export(p_table regclass) returns text
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  ctx jsonb := crm_private.require_context();
  v_entity text;
  v_allowed boolean;
begin
  select entity into v_entity from crm_private.secured_tables where table_name = p_table;
  if v_entity is not null then
    v_allowed := crm_api.can(v_entity, 'export') <> 'none';
  else
    v_allowed := exists (select 1 from crm_private.secured_tables s
                          where s.entity is not null and crm_api.can(s.entity, 'export') <> 'none');
  end if;
  if not v_allowed then
    raise exception 'exporting this list is not permitted for your role' using errcode = 'CR403';
  end if;
  if not coalesce((ctx ->> 'export_network')::boolean, false) then
    raise exception 'exports are not permitted from this network' using errcode = 'CR403';
  end if;
  return v_entity;
end
$$;

-- Records a finished (or broken off) list export; checks the permission again in its transaction.
create function crm_api.record_list_export(p_table regclass, p_format text, p_filters jsonb, p_rows bigint,
                                           p_completed boolean)
  returns bigint
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_entity text := crm_api.check_list_export(p_table);
begin
  return audit.append('export', null, null, null, null,
                      jsonb_build_object('entity', coalesce(v_entity, p_table::text), 'list', p_table::text, 'format', p_format,
                                         'filters', coalesce(p_filters, '{}'), 'rows', p_rows,
                                         'completed', p_completed));
end
$$;

-- A report's download in a given format (csv or xlsx); the four-argument form of sql/304 stays
-- for CSV.
create function crm_api.record_report_export(p_report text, p_parameters jsonb, p_rows bigint, p_completed boolean,
                                             p_format text)
  returns bigint
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  perform crm_api.check_report_export();
  return audit.append('export', null, null, null, null,
                      jsonb_build_object('entity', 'report', 'report', p_report, 'format', p_format,
                                         'parameters', coalesce(p_parameters, '{}'), 'rows', p_rows,
                                         'completed', p_completed));
end
$$;

revoke execute on function crm_api.record_report_export(text, jsonb, bigint, boolean, text) from public;
grant execute on function crm_api.record_report_export(text, jsonb, bigint, boolean, text) to crm_user;

revoke execute on function crm_api.check_list_export(regclass),
  crm_api.record_list_export(regclass, text, jsonb, bigint, boolean) from public;
grant execute on function crm_api.check_list_export(regclass),
  crm_api.record_list_export(regclass, text, jsonb, bigint, boolean) to crm_user;
