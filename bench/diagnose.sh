#!/usr/bin/env bash
# bench/diagnose.sh UID TOKEN_HASH_HEX [CLIENT_ID] — where W1's database time goes, on a running cluster
# (PGHOST/PGPORT set to its socket; run.sh calls it before stopping the server). Single-client
# pgbench -r (per-statement latency without CPU queueing), the per-call cost of the context
# functions (1,000 calls each), and the W1 and W5 plans with and without RLS.
set -euo pipefail
UIDN=${1:?user id}; HASH=${2:?token hash hex}; CLIENT=${3:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
for s in w1_rls:crm_authenticator w1_no_rls:crm begin_request:crm_authenticator w3_sql:crm_authenticator w5_funnel:crm_authenticator w5_no_rls:crm; do
  name=${s%%:*}; user=${s##*:}
  echo "-- pgbench -c 1 -T 5 -r $name (as $user)"
  timeout 60 pgbench -U "$user" -M prepared -c 1 -j 1 -T 5 -r -D "hash=\\x$HASH" -D lim=51 -D "client=$CLIENT" -f "$HERE/pgbench/$name.sql" crm 2>&1 \
    | grep -E "^tps|latency average|^ +[0-9.]+ +[0-9]+ +" | cut -c1-120
done
echo "-- per-call cost of the context functions (ms per call, 1,000 calls, as the owner)"
psql -X -q -U crm -d crm <<SQL
\timing off
create temp table t(name text, ms numeric);
do \$\$
declare t0 timestamptz; n int := 1000; i int; x text; ctx jsonb := crm_private.compute_context($UIDN);
begin
  t0 := clock_timestamp(); for i in 1..n loop perform crm_private.compute_context($UIDN); end loop;
  insert into t values ('compute_context', extract(epoch from clock_timestamp() - t0) * 1000 / n);
  t0 := clock_timestamp(); for i in 1..n loop perform crm_private.effective_permissions($UIDN); end loop;
  insert into t values ('  effective_permissions', extract(epoch from clock_timestamp() - t0) * 1000 / n);
  t0 := clock_timestamp(); for i in 1..n loop perform crm_private.user_territory_subtree($UIDN); end loop;
  insert into t values ('  user_territory_subtree', extract(epoch from clock_timestamp() - t0) * 1000 / n);
  t0 := clock_timestamp(); for i in 1..n loop perform crm_private.request_context(ctx, $UIDN, '127.0.0.1', null, null); end loop;
  insert into t values ('request_context (2 x network_match)', extract(epoch from clock_timestamp() - t0) * 1000 / n);
  t0 := clock_timestamp(); for i in 1..n loop perform crm_private.login_hours_ok($UIDN, now()); end loop;
  insert into t values ('login_hours_ok', extract(epoch from clock_timestamp() - t0) * 1000 / n);
  t0 := clock_timestamp(); for i in 1..n loop perform crm_private.sign_context(ctx::text); end loop;
  insert into t values ('sign_context', extract(epoch from clock_timestamp() - t0) * 1000 / n);
  t0 := clock_timestamp(); for i in 1..n loop perform crm_api.authorize_user($UIDN, '127.0.0.1', null); end loop;
  insert into t values ('authorize_user (all of begin_request_as)', extract(epoch from clock_timestamp() - t0) * 1000 / n);
end
\$\$;
select name, round(ms, 3) as ms_per_call from t;
SQL
echo "-- W1 and W5 under RLS (as crm_authenticator after begin_request_as)"
psql -X -q -U crm_authenticator -d crm <<SQL
begin;
select ok from crm_api.begin_request_as($UIDN, '127.0.0.1');
explain (analyze, buffers, costs off, timing on)
select t.id, t.title, t.stage_id, t.amount, t.owner_id, t.territory_id, t.created_at from crm.deals t
 order by t.created_at desc, t.id desc limit 51;
explain (analyze, buffers, costs off, timing on)
select * from reports.sales_funnel f where f.pipeline_id = (select id from crm.pipelines where is_default);
rollback;
SQL
echo "-- W1 and W5 without RLS (owner)"
psql -X -q -U crm -d crm -c "explain (analyze, buffers, costs off)
select t.id, t.title, t.stage_id, t.amount, t.owner_id, t.territory_id, t.created_at from crm.deals t
 order by t.created_at desc, t.id desc limit 51" -c "explain (analyze, buffers, costs off)
select * from reports.sales_funnel f where f.pipeline_id = (select id from crm.pipelines where is_default)"
