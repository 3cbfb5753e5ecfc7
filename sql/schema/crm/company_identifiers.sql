-- crm/company_identifiers.sql: ИНН, КПП, ОГРН/ОГРНИП checks (pure functions, the same rules as Sources/CompanyIdentifiers).
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/110_company_identifiers.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

-- ИНН: 10 digits (company) or 12 (individual entrepreneur) with the tax service's check digits.
create or replace function crm.inn_is_valid(p text) returns boolean
  language plpgsql immutable strict parallel safe set search_path = pg_catalog as $$
declare
  d int[];
  w10 int[] := array[2, 4, 10, 3, 5, 9, 4, 6, 8];
  w11 int[] := array[7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
  w12 int[] := array[3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
  s int;
begin
  if p !~ '^([0-9]{10}|[0-9]{12})$' then return false; end if;
  d := array(select substr(p, i, 1)::int from generate_series(1, length(p)) i);
  if length(p) = 10 then
    select sum(d[i] * w10[i]) into s from generate_series(1, 9) i;
    return s % 11 % 10 = d[10];
  end if;
  select sum(d[i] * w11[i]) into s from generate_series(1, 10) i;
  if s % 11 % 10 <> d[11] then return false; end if;
  select sum(d[i] * w12[i]) into s from generate_series(1, 11) i;
  return s % 11 % 10 = d[12];
end
$$;

-- КПП: 4 digits, 2 digits or capital Latin letters, 3 digits.
create or replace function crm.kpp_is_valid(p text) returns boolean
  language sql immutable strict parallel safe
  return p ~ '^[0-9]{4}[0-9A-Z]{2}[0-9]{3}$';

-- ОГРН (13 digits, modulus 11) or ОГРНИП (15 digits, modulus 13): the last digit is the number
-- before it modulo 11/13, modulo 10.
create or replace function crm.ogrn_is_valid(p text) returns boolean
  language sql immutable strict parallel safe
  return case
    when p ~ '^[0-9]{13}$' then (left(p, 12)::numeric % 11) % 10 = right(p, 1)::numeric
    when p ~ '^[0-9]{15}$' then (left(p, 14)::numeric % 13) % 10 = right(p, 1)::numeric
    else false
  end;
