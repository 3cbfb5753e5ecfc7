#!/usr/bin/env bash
# bench/reports_http.sh BIN SOCKET_DIR PGPORT [LABEL] — every report over HTTP (issue 11's speed
# goal): starts `BIN serve` on an already loaded cluster (bench/load.sh; the server applies the
# migrations of BENCH_SQL_DIR, default sql/), signs in as the director, manager.msk and
# BENCH_SMALL_MANAGER (default bench.u009: a manager whose territory holds ~5% of the deals; the
# script prints how many deals each user reads), then for each report of GET /api/v1/reports and
# each user runs wrk: BENCH_CONNECTIONS (8) connections, 2 threads, 2 s warm-up + BENCH_DURATION
# (10 s), --latency; prints one line per report and user with req/s, p50, p99, the answer's
# status and size. Users must have the demo password BENCH_PASSWORD (bench-password-1).
# Output: $BENCH_OUT (bench/out/reports-<time>/): summary.txt, wrk_*.txt, server.log.
set -euo pipefail
BIN=${1:?server binary}; SOCK=${2:?socket dir}; PGP=${3:?port}; LABEL=${4:-run}
ROOT=$(cd "$(dirname "$0")/.." && pwd); HERE="$ROOT/bench"
PORT=${BENCH_PORT:-18090}; DUR=${BENCH_DURATION:-10}; CONN=${BENCH_CONNECTIONS:-8}
PW=${BENCH_PASSWORD:-bench-password-1}; SMALL=${BENCH_SMALL_MANAGER:-bench.u009}
SQLDIR=${BENCH_SQL_DIR:-$ROOT/sql}
OUT=${BENCH_OUT:-$HERE/out/reports-$(date -u +%Y%m%dT%H%M%SZ)}; mkdir -p "$OUT"
BASE="http://127.0.0.1:$PORT"
PSQL=(psql -X -q -At -h "$SOCK" -p "$PGP" -U crm -d crm)
log() { echo "$*" | tee -a "$OUT/summary.txt"; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }

if curl -fsS "$BASE/health" >/dev/null 2>&1; then echo "port $PORT answers already (another server): set BENCH_PORT"; exit 1; fi
log "== $LABEL $(date -u +%FT%TZ) uptime: $(uptime)"
"$BIN" serve --database-url "host=$SOCK port=$PGP user=crm dbname=crm" --demo --demo-password "$PW" \
  --http-host 127.0.0.1 --http-port "$PORT" --console-port 0 --sql-dir "$SQLDIR" --log-level warning > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for i in $(seq 1 1800); do
  curl -fsS "$BASE/health" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { echo "server exited:"; tail -20 "$OUT/server.log"; exit 1; }
  sleep 1
done
log "server up ($i s, migrations included): $(curl -fsS "$BASE/health")"
log "migrations: $("${PSQL[@]}" -c "select string_agg(version || '=' || duration_ms || 'ms', ' ' order by version) from public.schema_migrations where version >= 300")"

login() {
  curl -fsS -X POST "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"login\":\"$1\",\"password\":\"$PW\"}" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}
USERS="director manager.msk $SMALL"
declare -A TOKENS
for u in $USERS; do
  TOKENS[$u]=$(login "$u"); [[ -n ${TOKENS[$u]} ]] || { echo "login $u failed"; exit 1; }
  uid=$("${PSQL[@]}" -c "select id from crm.users where login = '$u'")
  seen=$(printf "begin; set local session authorization crm_authenticator;
select ok from crm_api.begin_request_as(%s, '127.0.0.1'); select count(*) from crm.deals; commit;\n" "$uid" \
    | "${PSQL[@]}" -f - | tail -1)
  log "user $u (id $uid) reads $seen deals of $("${PSQL[@]}" -c 'select count(*) from crm.deals')"
done

Y=$(date +%Y)
REPORTS=(
  "funnel|/api/v1/reports/funnel"
  "sales_funnel|/api/v1/reports/sales_funnel"
  "loss_reasons|/api/v1/reports/loss_reasons"
  "stale_deals|/api/v1/reports/stale_deals?days=30"
  "source_effectiveness|/api/v1/reports/source_effectiveness"
  "gross_profit_deals|/api/v1/reports/gross_profit_deals"
  "gross_profit_clients|/api/v1/reports/gross_profit_clients"
  "purchases|/api/v1/reports/purchases"
  "receivables|/api/v1/reports/receivables"
  "payables|/api/v1/reports/payables"
  "top_managers|/api/v1/reports/top_managers"
  "manager_kpi|/api/v1/reports/manager_kpi"
  "abc_xyz|/api/v1/reports/abc_xyz?from=$((Y-1))-01-01&to=$((Y-1))-12-31"
  "abc_xyz_matrix|/api/v1/reports/abc_xyz_matrix?from=$((Y-1))-01-01&to=$((Y-1))-12-31"
  "bcg_matrix|/api/v1/reports/bcg_matrix?from=$((Y-1))-10-01&to=$((Y-1))-12-31"
)
ONLY=" ${BENCH_REPORTS:-} "
printf '%-22s %-12s %9s %10s %10s %6s %10s\n' report user req/s p50 p99 status bytes | tee -a "$OUT/summary.txt"
for entry in "${REPORTS[@]}"; do
  name=${entry%%|*}; path=${entry#*|}
  [[ $ONLY == "  " || $ONLY == *" $name "* ]] || continue
  for u in $USERS; do
    tok=${TOKENS[$u]}
    read -r code bytes secs < <(curl -sS -o /dev/null -w '%{http_code} %{size_download} %{time_total}\n' --max-time 600 \
      "$BASE$path" -H "Authorization: Bearer $tok")
    if [[ $code != 200 ]]; then
      printf '%-22s %-12s %9s %10s %10s %6s %10s\n' "$name" "$u" - - - "$code" "$bytes" | tee -a "$OUT/summary.txt"; continue
    fi
    # A report slower than 2 s a call: single calls only (wrk's 8 connections would take minutes).
    if awk -v s="$secs" 'BEGIN{exit !(s > 2)}'; then
      t=""; for k in 1 2 3; do t="$t $(curl -sS -o /dev/null -w '%{time_total}' --max-time 600 "$BASE$path" -H "Authorization: Bearer $tok")"; done
      printf '%-22s %-12s %9s %10s %10s %6s %10s  (single calls:%s s)\n' "$name" "$u" - - - "$code" "$bytes" "$t" | tee -a "$OUT/summary.txt"
      continue
    fi
    f="$OUT/wrk_${name}_$u.txt"
    BENCH_TOKEN=$tok BENCH_PATH=$path timeout 60 wrk -t 2 -c "$CONN" -d 2s -s "$HERE/wrk/report.lua" "$BASE" > /dev/null
    BENCH_TOKEN=$tok BENCH_PATH=$path timeout $((DUR + 60)) wrk -t 2 -c "$CONN" -d "${DUR}s" --timeout 30s --latency \
      -s "$HERE/wrk/report.lua" "$BASE" > "$f"
    rps=$(awk '/^Requests\/sec/ {print $2}' "$f")
    p50=$(awk '$1 == "50%" {print $2}' "$f"); p99=$(awk '$1 == "99%" {print $2}' "$f")
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$f")
    printf '%-22s %-12s %9s %10s %10s %6s %10s%s\n' "$name" "$u" "$rps" "$p50" "$p99" "$code" "$bytes" \
      "${non2xx:+  non-2xx: $non2xx}" | tee -a "$OUT/summary.txt"
  done
done
log "== end $(date -u +%FT%TZ) uptime: $(uptime)"
