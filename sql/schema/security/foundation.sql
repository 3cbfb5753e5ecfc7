-- security/foundation.sql: schema-level grants of the security foundation (roles and schemas are in the migrations).
--
-- The current definitions (functions, views, triggers, policies, grants), taken from their
-- last version in sql/legacy/010_security_foundation.sql;
-- the tables and data they work on are in the migrations.
-- Re-applied as a whole whenever a file in sql/schema changes (see sql/README.md).

revoke all on schema crm_private from public;

revoke all on schema crm_api from public;

revoke all on schema audit from public;

revoke all on schema crm from public;

revoke all on schema reports from public;

grant usage on schema crm to crm_user, crm_bi;

grant usage on schema reports to crm_user, crm_bi;

grant usage on schema crm_api to crm_user, crm_authenticator;

grant usage on schema audit to crm_user, crm_authenticator;

create or replace function crm_private.scope_rank(s crm.scope) returns int
  language sql immutable parallel safe
  return array_position(enum_range(null::crm.scope), s) - 1;

revoke execute on all functions in schema crm_private, crm_api, audit from public;
