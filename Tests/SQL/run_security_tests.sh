#!/bin/sh
# Creates a fresh database in a running cluster, applies the versioned migrations (sql/legacy,
# then sql/migrations, in number order, each file in one transaction) and then the schema files
# (sql/schema, in the order of sql/schema/ORDER, all in one transaction), as the migration
# runner does, and runs Tests/SQL/security_test.sql.
# Connection: the usual libpq environment (PGHOST, PGPORT, PGUSER = a superuser).
#   PGHOST=/tmp/sec PGUSER=crm Tests/SQL/run_security_tests.sh [database-name]
set -eu
cd "$(dirname "$0")/../.."
db="${1:-crm_security_test_$$}"
psql -X -q -d postgres -v ON_ERROR_STOP=1 -c "drop database if exists \"$db\"" -c "create database \"$db\""
# the runner's bookkeeping table (crm_api.schema_version() in 100 reads it)
psql -X -q -d "$db" -v ON_ERROR_STOP=1 -c "create table public.schema_migrations (version integer primary key,
  name text not null, checksum text not null, applied_at timestamptz not null default now(), duration_ms integer not null)"
for f in $(ls sql/legacy/*.sql sql/migrations/*.sql 2>/dev/null | awk -F/ '{ print $NF "\t" $0 }' | sort | cut -f2); do
  psql -X -q -d "$db" -v ON_ERROR_STOP=1 -1 -f "$f" > /dev/null
done
(cd sql/schema && grep -v '^#' ORDER | grep . | sed 's/^/\\i /' | psql -X -q -d "$db" -v ON_ERROR_STOP=1 -1 -f - > /dev/null 2>&1)
if psql -X -d "$db" -v ON_ERROR_STOP=1 -f Tests/SQL/security_test.sql; then status=0; else status=$?; fi
if [ "${KEEP_DB:-}" = "" ]; then
  psql -X -q -d postgres -c "drop database \"$db\"" || true
fi
exit $status
