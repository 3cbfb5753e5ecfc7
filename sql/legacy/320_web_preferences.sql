-- The web interface's profile page: a user sets their own time zone and language. Everything
-- else on crm.users stays an administrator's (the console's USER commands). Audited by the
-- table's audit trigger like any other change.
create function crm_api.set_my_preferences(p_time_zone text, p_locale text) returns void
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  ctx jsonb := crm_private.require_context();
begin
  if p_time_zone is not null and not crm_private.is_valid_time_zone(p_time_zone) then
    raise exception 'unknown time zone %', p_time_zone using errcode = 'CR422', column = 'time_zone';
  end if;
  if p_locale is not null and p_locale !~ '^[a-z]{2,3}(-[A-Z]{2})?$' then
    raise exception 'a locale such as ru-RU is expected' using errcode = 'CR422', column = 'locale';
  end if;
  update crm.users
     set time_zone = coalesce(p_time_zone, time_zone), locale = coalesce(p_locale, locale)
   where id = (ctx ->> 'uid')::bigint;
end
$$;

revoke execute on function crm_api.set_my_preferences(text, text) from public;
grant execute on function crm_api.set_my_preferences(text, text) to crm_user;
