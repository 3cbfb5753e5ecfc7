#!/usr/bin/env bash
# bench/run.sh [DEALS]  — the whole benchmark, one run: build (release), start the server with the
# demo company on a fresh private cluster, load DEALS deals (default 200000), run W1–W5 with wrk
# and the pgbench limits, stop the server, print the numbers. Loopback only.
# Run it under the machine's benchmark lock: flock /tmp/crm-bench.lock bench/run.sh ...
# Environment: BENCH_PORT (18080), BENCH_DURATION (20 s), BENCH_CONNECTIONS (32), BENCH_THREADS (2),
# BENCH_DIAGNOSE (1: run diagnose.sh after the pgbench limits), BENCH_DISABLE_TRIGGERS (0; 1 = no
# audit/fill/rule triggers during the bulk load only), BENCH_SQL_DIR (sql), BENCH_ONLY (all; or a
# space-separated subset of w1 w2 w3 w4 w5 pgbench), BENCH_OUT (bench/out/<time>).
set -euo pipefail
N=${1:-200000}
ROOT=$(cd "$(dirname "$0")/.." && pwd); HERE="$ROOT/bench"
PORT=${BENCH_PORT:-18080}; DUR=${BENCH_DURATION:-20}; CONN=${BENCH_CONNECTIONS:-32}; THR=${BENCH_THREADS:-2}
OUT=${BENCH_OUT:-$HERE/out/$(date -u +%Y%m%dT%H%M%SZ)}; mkdir -p "$OUT"
PW=bench-password-1
SQLDIR=${BENCH_SQL_DIR:-sql}
ONLY=" ${BENCH_ONLY:-w1 w2 w3 w4 w5 pgbench} "
want() { [[ $ONLY == *" $1 "* ]]; }
BASE="http://127.0.0.1:$PORT"
log() { echo "== $*" | tee -a "$OUT/run.log"; }

if ! command -v wrk >/dev/null; then
  if [[ $(id -u) == 0 ]]; then apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
  else echo "wrk is missing: apt-get install wrk (as root)"; exit 1; fi
fi
command -v pgbench >/dev/null || { echo "pgbench is missing (postgresql-contrib / postgresql-client)"; exit 1; }

cd "$ROOT"
log "build: swift build -c release --product crm"
swift build -c release --product crm 2>&1 | tail -3
BIN="$(swift build -c release --show-bin-path)/crm"

DATA=$(mktemp -d /tmp/crmb.XXXXXX)
log "uptime before: $(uptime)"
log "server: $BIN serve --demo --sql-dir $SQLDIR --data-dir $DATA --http-port $PORT (log: $OUT/server.log)"
"$BIN" serve --demo --demo-password "$PW" --data-dir "$DATA" --http-host 127.0.0.1 --http-port "$PORT" \
  --console-port 0 --sql-dir "$SQLDIR" --log-level warning > "$OUT/server.log" 2>&1 &
SERVER=$!
stop_server() {
  if kill -0 "$SERVER" 2>/dev/null; then
    kill -TERM "$SERVER"
    for _ in $(seq 1 60); do kill -0 "$SERVER" 2>/dev/null || break; sleep 1; done
  fi
}
trap 'stop_server; rm -rf "$DATA"' EXIT
for i in $(seq 1 180); do
  curl -fsS "$BASE/health" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { echo "server exited:"; tail -20 "$OUT/server.log"; exit 1; }
  [[ $i == 180 ]] && { echo "server not healthy after 180 s"; exit 1; }
  sleep 1
done
SOCK="$DATA/run"; [[ -d $SOCK ]] || SOCK=$(ls -d /tmp/crm-pg-* | head -1)
SOCKFILE=$(ls "$SOCK"/.s.PGSQL.* | grep -v lock | head -1); PGP=${SOCKFILE##*.}
export PGHOST="$SOCK" PGPORT="$PGP"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -U crm -d crm)
log "cluster socket $SOCK port $PGP; $(psql -X -At -U crm -d crm -c 'select version()')"

log "load $N deals"
t0=$(date +%s.%N)
BENCH_DISABLE_TRIGGERS=${BENCH_DISABLE_TRIGGERS:-0} "$HERE/load.sh" "$SOCK" "$N" 2>&1 | tee -a "$OUT/run.log"
log "load total $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"

login() {  # login → token
  curl -fsS -X POST "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"login\":\"$1\",\"password\":\"$PW\"}" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}
session_hash() {  # user id → hex token hash of its newest session
  "${PSQL[@]}" -At -c "select encode(token_hash, 'hex') from crm_private.sessions where user_id = $1 and ended_at is null order by id desc limit 1"
}
log "login as manager.msk and director"
TOKEN=$(login manager.msk); DIRECTOR_TOKEN=$(login director)
[[ -n $TOKEN && -n $DIRECTOR_TOKEN ]] || { echo "login failed"; exit 1; }
UID_MSK=$("${PSQL[@]}" -At -c "select id from crm.users where login = 'manager.msk'")
UID_DIR=$("${PSQL[@]}" -At -c "select id from crm.users where login = 'director'")
HASH=$(session_hash "$UID_MSK"); DIRECTOR_HASH=$(session_hash "$UID_DIR")
CLIENT=$("${PSQL[@]}" -At -c "select min(c.id) from crm.clients c join crm.territories t on t.id = c.territory_id where c.owner_id = $UID_MSK and t.name = 'Moscow' and not c.is_private")
export BENCH_TOKEN="$TOKEN" BENCH_CLIENT_ID="$CLIENT" BENCH_THREADS="$THR"

# W2: clients manager.msk may see (territory Central and below; private ones only its own), shuffled.
"${PSQL[@]}" -At -c "select c.id from crm.clients c join crm.territories t on t.id = c.territory_id
  where t.name in ('Central', 'Moscow', 'Tula') and (not c.is_private or c.owner_id = $UID_MSK) order by random() limit 5000" > "$OUT/w2_clients.txt"
# W4: manager.msk's open deals at a non-last open stage with their next stage, shuffled; the first
# fifth (at most 10,000) for the warm-up, the rest for the measured run (every request moves a
# different deal; the run's W4 line says how many requests found the file exhausted).
"${PSQL[@]}" -At -F ' ' -c "select d.id, n.id from crm.deals d join crm.stages s on s.id = d.stage_id
  join crm.stages n on n.pipeline_id = s.pipeline_id and n.position = s.position + 1 and n.kind = 'open'
  where d.owner_id = $UID_MSK and s.kind = 'open' order by random() limit 60000" > "$OUT/w4_all.txt"
W4_WARM=$(( $(wc -l < "$OUT/w4_all.txt") / 5 )); (( W4_WARM > 10000 )) && W4_WARM=10000
head -n "$W4_WARM" "$OUT/w4_all.txt" > "$OUT/w4_warmup.txt"; tail -n +$((W4_WARM + 1)) "$OUT/w4_all.txt" > "$OUT/w4_moves.txt"
log "W2 client ids: $(wc -l < "$OUT/w2_clients.txt"); W4 moves: $(wc -l < "$OUT/w4_warmup.txt") warm-up + $(wc -l < "$OUT/w4_moves.txt")"

# Sanity: W1 answers 50 items, W2 a card, W3 201, W4 200 (one move), W5 a funnel for both users.
n=$(curl -fsS "$BASE/api/v1/deals" -H "Authorization: Bearer $TOKEN" | grep -o '"id":' | wc -l)
code=$(curl -sS -o "$OUT/w3_sample.json" -w '%{http_code}' -X POST "$BASE/api/v1/deals" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d "{\"title\":\"Sanity\",\"client_id\":$CLIENT,\"amount\":\"10.00\"}")
card=$(curl -sS -o "$OUT/w2_sample.json" -w '%{http_code}' "$BASE/api/v1/clients/$(head -1 "$OUT/w2_clients.txt")/card" -H "Authorization: Bearer $TOKEN")
read -r mid mstage < <(tail -1 "$OUT/w4_all.txt")
move=$(curl -sS -o "$OUT/w4_sample.json" -w '%{http_code}' -X PATCH "$BASE/api/v1/deals/$mid" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d "{\"stage_id\":$mstage}")
f1=$(curl -sS -o "$OUT/w5_sample_manager.json" -w '%{http_code}' "$BASE/api/v1/reports/funnel" -H "Authorization: Bearer $TOKEN")
f2=$(curl -sS -o "$OUT/w5_sample_director.json" -w '%{http_code}' "$BASE/api/v1/reports/funnel" -H "Authorization: Bearer $DIRECTOR_TOKEN")
log "sanity: W1 items=$n, W2 card=$card, W3 status=$code (client $CLIENT), W4 move=$move, W5 manager=$f1 director=$f2"
[[ $n == 50 && $code == 201 && $card == 200 && $move == 200 && $f1 == 200 && $f2 == 200 ]] || { cat "$OUT"/w*_sample*.json | head -c 2000; exit 1; }
VISIBLE=$("${PSQL[@]}" -At -c "select count(*) from crm.deals d join crm.territories t on t.id = d.territory_id where t.name in ('Moscow','Tula','Central')")
log "deals in manager.msk's territory (Central): $VISIBLE of $("${PSQL[@]}" -At -c 'select count(*) from crm.deals')"

run_wrk() {  # name script [warm-up env assignment]: 5 s warm-up, then the measured run
  timeout $((DUR + 30)) env ${3:-} wrk -t "$THR" -c "$CONN" -d 5s -s "$HERE/wrk/$2" "$BASE" >/dev/null  # warm-up
  log "wrk $1: wrk -t $THR -c $CONN -d ${DUR}s --latency -s bench/wrk/$2 $BASE   [uptime: $(uptime | sed 's/.*load/load/')]"
  timeout $((DUR + 30)) wrk -t "$THR" -c "$CONN" -d "${DUR}s" --timeout 10s --latency -s "$HERE/wrk/$2" "$BASE" | tee "$OUT/$1.txt"
}

# pgbench against the same cluster: percentiles from the per-transaction log (-l), per-statement
# latencies from -r.
run_pgbench() {  # name user db script-args...
  local name=$1 user=$2 db=$3; shift 3
  local dir="$OUT/pgbench_$name"; mkdir -p "$dir"
  log "pgbench $name: pgbench -U $user -d $db -M prepared -c $CONN -j $THR -T $DUR -r -l $*"
  (cd "$dir" && timeout $((DUR + 60)) pgbench -U "$user" -M prepared -c "$CONN" -j "$THR" -T "$DUR" -r -l --log-prefix=tx "$@" "$db") \
    > "$OUT/pgbench_$name.txt" 2>&1 || { tail -5 "$OUT/pgbench_$name.txt"; }
  grep -E "tps|latency average|^ +[0-9.]+ +[0-9]+ +" "$OUT/pgbench_$name.txt" | sed 's/^/   /' || true
  cat "$dir"/tx* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {if (NR) printf "   p50 %.2f ms  p99 %.2f ms  (n=%d)\n", a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000, NR}' \
    | tee -a "$OUT/pgbench_$name.txt"
  rm -rf "$dir"
}

# Reads first (W1, W2, W5 and their pgbench limits read the same data), then the writes.
want w1 && run_wrk w1 w1_list_deals.lua
want w2 && BENCH_W2_FILE="$OUT/w2_clients.txt" run_wrk w2 w2_client_card.lua
want w5 && run_wrk w5_manager w5_funnel.lua
want w5 && BENCH_TOKEN="$DIRECTOR_TOKEN" run_wrk w5_director w5_funnel.lua

if want pgbench; then
  log "pgbench limits"
  "${PSQL[@]}" -c "drop database if exists pgbench" -c "create database pgbench"
  pgbench -U crm -i -s 10 -q pgbench > "$OUT/pgbench_init.txt" 2>&1
  run_pgbench select_only crm pgbench -S
  run_pgbench w1_sql crm_authenticator crm -D "hash=\\x$HASH" -D lim=51 -f "$HERE/pgbench/w1_rls.sql"
  run_pgbench w1_sql_as crm_authenticator crm -D "uid=$UID_MSK" -D lim=51 -f "$HERE/pgbench/w1_rls_as.sql"
  run_pgbench w1_no_rls crm crm -D lim=51 -f "$HERE/pgbench/w1_no_rls.sql"
  run_pgbench begin_request crm_authenticator crm -D "hash=\\x$HASH" -f "$HERE/pgbench/begin_request.sql"
  run_pgbench w5_sql_manager crm_authenticator crm -D "hash=\\x$HASH" -f "$HERE/pgbench/w5_funnel.sql"
  run_pgbench w5_sql_director crm_authenticator crm -D "hash=\\x$DIRECTOR_HASH" -f "$HERE/pgbench/w5_funnel.sql"
  run_pgbench w5_no_rls crm crm -f "$HERE/pgbench/w5_no_rls.sql"
  run_pgbench w3_sql crm_authenticator crm -D "hash=\\x$HASH" -D "client=$CLIENT" -f "$HERE/pgbench/w3_sql.sql"
  if [[ ${BENCH_DIAGNOSE:-1} == 1 ]]; then
    log "diagnostics: bench/diagnose.sh (single-client per-statement latency, context function costs, W1/W5 plans)"
    "$HERE/diagnose.sh" "$UID_MSK" "$HASH" "$CLIENT" > "$OUT/diagnose.txt" 2>&1 || echo "diagnose.sh failed (see $OUT/diagnose.txt)"
  fi
fi

A0=$("${PSQL[@]}" -At -c "select count(*) from audit.log")
want w3 && run_wrk w3 w3_create_deal.lua
A1=$("${PSQL[@]}" -At -c "select count(*) from audit.log")
want w3 && log "audit entries written during W3 (incl. warm-up): $((A1 - A0))"
if want w4; then
  H0=$("${PSQL[@]}" -At -c "select count(*) from crm.deal_stage_history")
  BENCH_W4_FILE="$OUT/w4_moves.txt" run_wrk w4 w4_move_deal.lua "BENCH_W4_FILE=$OUT/w4_warmup.txt"
  H1=$("${PSQL[@]}" -At -c "select count(*) from crm.deal_stage_history")
  log "stage moves recorded during W4 (incl. warm-up): $((H1 - H0))"
fi

"${PSQL[@]}" -c "explain (analyze, buffers) select 1 from crm.deals order by created_at desc, id desc limit 50" > /dev/null
"${PSQL[@]}" -At -c "show shared_buffers" -c "show max_connections" | tr '\n' ' ' | sed 's/^/== shared_buffers, max_connections: /' | tee -a "$OUT/run.log"; echo

log "stop server (SIGTERM)"
stop_server

echo; echo "== summary ($N deals, $CONN connections, $THR threads, ${DUR}s) — raw output in $OUT"
log "uptime after: $(uptime)"
wrk_line() { [[ -f $OUT/$2.txt ]] || return 0; awk -v n="$1" '/Requests\/sec/ {r=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {e=$NF} END {printf "%-30s %10s req/s  p50 %8s  p99 %8s  non-2xx %s\n", n, r, p50, p99, (e==""?0:e)}' "$OUT/$2.txt"; }
pg_line() { [[ -f $OUT/pgbench_$2.txt ]] || return 0; awk -v n="$1" '/^tps/ {t=$3} /p50/ {p50=$2; p99=$5} END {printf "%-30s %10.0f tps    p50 %6sms  p99 %6sms\n", n, t, p50, p99}' "$OUT/pgbench_$2.txt"; }
{
  wrk_line "W1 list deals (HTTP)" w1
  wrk_line "W2 client card (HTTP)" w2
  wrk_line "W3 create deal (HTTP)" w3
  wrk_line "W4 move deal (HTTP)" w4
  wrk_line "W5 funnel, manager.msk (HTTP)" w5_manager
  wrk_line "W5 funnel, director (HTTP)" w5_director
  pg_line "pgbench -S" select_only
  pg_line "pgbench W1 SQL (RLS)" w1_sql
  pg_line "pgbench W1 SQL (RLS, _as)" w1_sql_as
  pg_line "pgbench W1 SELECT no RLS" w1_no_rls
  pg_line "pgbench begin_request" begin_request
  pg_line "pgbench W5 SQL manager.msk" w5_sql_manager
  pg_line "pgbench W5 SQL director" w5_sql_director
  pg_line "pgbench W5 SELECT no RLS" w5_no_rls
  pg_line "pgbench W3 SQL (RLS, audit)" w3_sql
} | tee "$OUT/summary.txt"
