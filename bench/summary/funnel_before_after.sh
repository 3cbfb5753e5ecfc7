#!/usr/bin/env bash
# bench/summary/funnel_before_after.sh SOCKET_DIR [PORT] — the funnel (W5's SQL) before and after
# sql/305 on the same data: "before" puts back the sql/150 view (a scan of every visible deal),
# "after" the summary-based one; pgbench, 8 connections, 2 threads, as crm_authenticator with
# begin_request_as for manager.msk and the director. p50/p99 from pgbench's per-transaction log.
# Load the data first (bench/load.sh; with BENCH_DISABLE_TRIGGERS=1 rebuild the summary, below).
set -euo pipefail
SOCK=${1:?socket dir}; PORT=${2:-5432}
HERE=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${BENCH_DURATION:-15}
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$PORT" -U crm -d crm)
OUT=${BENCH_OUT:-$(mktemp -d /tmp/crm-funnel.XXXXXX)}
before_view="create or replace view reports.sales_funnel as
  select s.pipeline_id, s.id as stage_id, s.code, s.name as stage, s.position, s.kind,
         count(d.id) as deals, coalesce(sum(d.amount), 0) as amount
    from crm.stages s left join crm.deals d on d.stage_id = s.id
   group by s.pipeline_id, s.id, s.code, s.name, s.position, s.kind"
after_view="create or replace view reports.sales_funnel as
  with t as (select x.stage_id, sum(x.deals) as deals, sum(x.amount) as amount
               from crm_private.visible_deal_stage_totals() x group by x.stage_id)
  select s.pipeline_id, s.id as stage_id, s.code, s.name as stage, s.position, s.kind,
         coalesce(t.deals, 0)::bigint as deals, coalesce(t.amount, 0) as amount
    from crm.stages s left join t on t.stage_id = s.id"
echo "deals: $("${PSQL[@]}" -At -c 'select count(*) from crm.deals')"
echo "summary rows: $("${PSQL[@]}" -At -c 'select count(*) from crm_private.deal_stage_summary')"
uptime
for mode in before after; do
  # create or replace view drops the view's options: secure_view sets security_invoker again.
  if [ "$mode" = before ]; then "${PSQL[@]}" -c "$before_view"; else "${PSQL[@]}" -c "$after_view"; fi
  "${PSQL[@]}" -c "select crm_private.secure_view('reports.sales_funnel')" > /dev/null
  for login in manager.msk director; do
    uid=$("${PSQL[@]}" -At -c "select id from crm.users where login = '$login'")
    rm -f "$OUT"/pgbench_log.*
    (cd "$OUT" && pgbench -n -h "$SOCK" -p "$PORT" -U crm_authenticator -c 8 -j 2 -T "$DURATION" -D uid="$uid" \
        -f "$HERE/pgbench/w5_funnel_as.sql" -l crm > "$OUT/$mode-$login.txt" 2>&1)
    tps=$(awk '/^tps/ {print $3; exit}' "$OUT/$mode-$login.txt")
    cat "$OUT"/pgbench_log.* | awk '{print $3}' | sort -n > "$OUT/lat.txt"
    n=$(wc -l < "$OUT/lat.txt")
    p50=$(awk -v n="$n" 'NR == int(n * 0.50) + 1 {printf "%.2f", $1 / 1000}' "$OUT/lat.txt")
    p99=$(awk -v n="$n" 'NR == int(n * 0.99) + 1 {printf "%.2f", $1 / 1000}' "$OUT/lat.txt")
    echo "$mode $login: $n transactions, $tps tps, p50 $p50 ms, p99 $p99 ms"
  done
done
"${PSQL[@]}" -c "$after_view"
"${PSQL[@]}" -c "select crm_private.secure_view('reports.sales_funnel')" > /dev/null
uptime
