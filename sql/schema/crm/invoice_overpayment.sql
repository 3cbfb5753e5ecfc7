-- crm/invoice_overpayment.sql: invoice payments and overpayments (recorded, or refused when the company says so).
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/296_invoice_overpayment.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

-- After payments_sync (triggers fire in name order): refuse an overpayment when the company says so.
create or replace function crm_private.payments_too_much() returns trigger
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v crm.invoices;
begin
  if (select c.overpayment from crm_private.config c) <> 'refuse' then return null; end if;
  select * into v from crm.invoices where id = new.invoice_id;
  if v.paid_amount > v.amount then
    raise exception 'payment overpays invoice % by % % (amount %, paid with this payment %)',
      v.number, v.paid_amount - v.amount, v.currency, v.amount, v.paid_amount
      using errcode = 'CR409';
  end if;
  return null;
end
$$;

drop trigger if exists payments_too_much on crm.payments;
create trigger payments_too_much after insert or update on crm.payments
  for each row execute function crm_private.payments_too_much();

create or replace function crm_api.update_security_config(p_settings jsonb) returns jsonb
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  c crm_private.config;
begin
  if crm_private.context() is not null or session_user = 'crm_authenticator' then
    perform crm_api.require_admin();
  end if;
  if exists (select 1 from jsonb_object_keys(p_settings) k
              where k not in (select attname from pg_attribute
                               where attrelid = 'crm_private.config'::regclass and attnum > 0 and not attisdropped
                                 and attname <> 'id')) then
    raise exception 'unknown setting in %', p_settings using errcode = 'invalid_parameter_value';
  end if;
  select * into c from crm_private.config;
  c := jsonb_populate_record(c, p_settings);
  if not crm_private.is_valid_time_zone(c.company_time_zone) then
    raise exception 'unknown time zone %', c.company_time_zone using errcode = 'invalid_parameter_value';
  end if;
  if c.overpayment not in ('flag', 'refuse') then
    raise exception 'overpayment is flag or refuse, not %', c.overpayment using errcode = 'invalid_parameter_value';
  end if;
  -- The whole row at once, so a setting added by a later migration needs no change here (its
  -- column's own check constraint judges its value).
  delete from crm_private.config;
  insert into crm_private.config select c.*;
  perform audit.append('admin_command', null, null, null, null,
                       jsonb_build_object('command', 'security_config', 'settings', p_settings));
  return crm_api.security_config();
end
$$;

revoke execute on all functions in schema crm_private, crm_api, audit from public;

grant execute on function crm_api.update_security_config(jsonb) to crm_user;
