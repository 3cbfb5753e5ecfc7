-- crm/web_preferences.sql: the web profile page: a user sets their own time zone and language.
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/320_web_preferences.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

-- The web interface's profile page: a user sets their own time zone and language. Everything
-- else on crm.users stays an administrator's (the console's USER commands). Audited by the
-- table's audit trigger like any other change.
create or replace function crm_api.set_my_preferences(p_time_zone text, p_locale text) returns void
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
