-- 304 CSV exports of reports: the `export` action on `report` (and an allowed export network,
-- as for every export) is checked before the first byte is sent, and the database writes the
-- audit entry when the download ends: who (the request's user, session and IP, as every audit
-- entry), which report, with which parameters, how many rows, and whether it completed.

-- Refuses (CR403, HTTP 403) unless the caller may export reports from where it is.
create function crm_api.check_report_export() returns void
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  ctx jsonb := crm_private.require_context();
begin
  if crm_api.can('report', 'export') = 'none' then
    raise exception 'exporting reports is not permitted for your role' using errcode = 'CR403';
  end if;
  if not coalesce((ctx ->> 'export_network')::boolean, false) then
    raise exception 'exports are not permitted from this network' using errcode = 'CR403';
  end if;
end
$$;

-- Records a finished (or broken off) export; checks the permission again in its transaction.
create function crm_api.record_report_export(p_report text, p_parameters jsonb, p_rows bigint, p_completed boolean)
  returns bigint
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  perform crm_api.check_report_export();
  return audit.append('export', null, null, null, null,
                      jsonb_build_object('entity', 'report', 'report', p_report, 'format', 'csv',
                                         'parameters', coalesce(p_parameters, '{}'), 'rows', p_rows,
                                         'completed', p_completed));
end
$$;

revoke execute on all functions in schema crm_private, crm_api, audit from public;
grant execute on function crm_api.check_report_export(), crm_api.record_report_export(text, jsonb, bigint, boolean)
  to crm_user;
