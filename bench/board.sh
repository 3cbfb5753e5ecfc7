#!/usr/bin/env bash
# bench/board.sh [DEALS]  — the web board's server time (issue 12: "the board of a pipeline with
# 200 visible deals renders in under 50 ms p99 on the server at 200,000 deals"). Builds the release
# server (or takes BENCH_BIN), starts it with the demo company on a fresh private cluster, loads
# DEALS deals (default 200000) with bench/load.sh, picks the user whose board of the default
# pipeline holds the number of visible deals closest to BENCH_VISIBLE (200) — counted as that user
# under row-level security —, signs in through the sign-in form (cookie session, as a browser),
# checks the page (every visible deal of the pipeline counted, no column short of its cards), then
# wrk on GET /board?pipeline=<default>: 1 connection (requests one after another: the server's
# time per page, loopback only) and 4 connections; the same for manager.msk (territory: most
# deals) and the director (all deals). EXPLAIN ANALYZE of the board's card statement as each user
# goes to the output folder (bench/board_explain.sql). Loopback only; run under the bench lock:
#   flock /tmp/crm-bench.lock bench/board.sh
# Environment: BENCH_PORT (18090), BENCH_DURATION (15 s), BENCH_VISIBLE (200), BENCH_BIN (a built
# crm), BENCH_DATA (a data folder kept and reused: loaded once), BENCH_DISABLE_TRIGGERS (0; 1: the load runs without triggers and the funnel summary is
# rebuilt after it), BENCH_OUT (bench/out/board-<time>).
set -euo pipefail
N=${1:-200000}
ROOT=$(cd "$(dirname "$0")/.." && pwd); HERE="$ROOT/bench"
PORT=${BENCH_PORT:-18090}; DUR=${BENCH_DURATION:-15}; WANT=${BENCH_VISIBLE:-200}
OUT=${BENCH_OUT:-$HERE/out/board-$(date -u +%Y%m%dT%H%M%SZ)}; mkdir -p "$OUT"
PW=bench-password-1
BASE="http://127.0.0.1:$PORT"
log() { echo "== $*" | tee -a "$OUT/run.log"; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }

cd "$ROOT"
if [[ -n ${BENCH_BIN:-} ]]; then BIN=$BENCH_BIN; else
  log "build: swift build -c release --product crm"
  swift build -c release --product crm 2>&1 | tail -3
  BIN="$(swift build -c release --show-bin-path)/crm"
fi
# BENCH_DATA: a data folder to keep (loaded once, reused by later runs); else a fresh one, deleted at the end.
if [[ -n ${BENCH_DATA:-} ]]; then DATA=$BENCH_DATA; mkdir -p "$DATA"; KEEP=1; else DATA=$(mktemp -d /tmp/crmboard.XXXXXX); KEEP=0; fi
log "uptime at start: $(uptime)"
log "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME")"
"$BIN" serve --demo --demo-password "$PW" --data-dir "$DATA" --http-host 127.0.0.1 --http-port "$PORT" \
  --console-port 0 --sql-dir sql --log-level warning > "$OUT/server.log" 2>&1 &
SERVER=$!
stop_server() {
  if kill -0 "$SERVER" 2>/dev/null; then
    kill -TERM "$SERVER"
    for _ in $(seq 1 60); do kill -0 "$SERVER" 2>/dev/null || break; sleep 1; done
  fi
}
trap 'stop_server; [[ $KEEP == 1 ]] || rm -rf "$DATA"' EXIT
for i in $(seq 1 180); do
  curl -fsS "$BASE/health" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { echo "server exited:"; tail -20 "$OUT/server.log"; exit 1; }
  [[ $i == 180 ]] && { echo "server not healthy after 180 s"; exit 1; }
  sleep 1
done
SOCK="$DATA/run"
SOCKFILE=$(ls "$SOCK"/.s.PGSQL.* | grep -v lock | head -1); PGP=${SOCKFILE##*.}
export PGHOST="$SOCK" PGPORT="$PGP"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -U crm -d crm)
log "cluster: $(psql -X -At -U crm -d crm -c 'select version()')"

HAVE=$("${PSQL[@]}" -At -c "select count(*) from crm.deals")
if (( HAVE >= N )); then
  log "the data folder holds $HAVE deals already: no load"
else
log "load $N deals"
t0=$(date +%s)
BENCH_DISABLE_TRIGGERS=${BENCH_DISABLE_TRIGGERS:-0} "$HERE/load.sh" "$SOCK" "$N" 2>&1 | tee -a "$OUT/run.log"
fi
if (( HAVE < N )) && [[ ${BENCH_DISABLE_TRIGGERS:-0} == 1 ]]; then
  "${PSQL[@]}" -c "truncate crm_private.deal_stage_summary" -c "insert into crm_private.deal_stage_summary
    select pipeline_id, stage_id, currency, owner_id, coalesce(responsible_id, 0), coalesce(department_id, 0),
           coalesce(territory_id, 0), count(*), sum(amount) from crm.deals group by 1, 2, 3, 4, 5, 6, 7" -c "analyze"
  log "funnel summary rebuilt after the trigger-less load"
fi
(( HAVE >= N )) || log "load took $(( $(date +%s) - t0 )) s"
log "deals: $("${PSQL[@]}" -At -c 'select count(*) from crm.deals')"
PIPELINE=$("${PSQL[@]}" -At -c "select id from crm.pipelines where is_default")
log "default pipeline $PIPELINE: $("${PSQL[@]}" -At -c "select count(*) from crm.deals where pipeline_id = $PIPELINE") deals"

# Visible deals per user and pipeline, counted as that user (row-level security); the (user,
# pipeline) closest to BENCH_VISIBLE is the small board.
visible() {  # uid pipeline
  psql -X -q -At -U crm_authenticator -d crm -c "begin" -c "select 1 from crm_api.begin_request_as($1, '127.0.0.1'::inet)" \
    -c "select count(*) from crm.deals where pipeline_id = $2" -c "commit" | tail -1
}
best=""; bestdiff=""; BEST_PIPE=""
for uid in $("${PSQL[@]}" -At -c "select u.id from crm.users u join crm.user_roles ur on ur.user_id = u.id join crm.roles r on r.id = ur.role_id
                                   where u.active and r.name in ('junior_manager', 'manager') order by u.id"); do
  for p in $("${PSQL[@]}" -At -c "select id from crm.pipelines where active order by id"); do
    n=$(visible "$uid" "$p")
    d=$(( n > WANT ? n - WANT : WANT - n ))
    if [[ -z $best || $d -lt $bestdiff ]]; then best=$uid; bestdiff=$d; BEST_PIPE=$p; fi
  done
done
SMALL=$("${PSQL[@]}" -At -c "select login from crm.users where id = $best")
log "user closest to $WANT visible deals of a pipeline: $SMALL, pipeline $BEST_PIPE ($(visible "$best" "$BEST_PIPE") visible)"
# The generated users have no password: give this one the demo users' (the director's hash).
"${PSQL[@]}" -c "update crm.users set password_hash = (select password_hash from crm.users where login = 'director') where id = $best"

signin() {  # login → crm_session cookie value (through the sign-in form, as a browser)
  local jar="$OUT/cookies-$1.txt"
  curl -fsS -c "$jar" -o /dev/null "$BASE/login"
  local csrf; csrf=$(awk '$6 == "crm_login_csrf" {print $7}' "$jar")
  curl -fsS -b "$jar" -c "$jar" -o /dev/null -X POST "$BASE/login" \
    --data-urlencode "_csrf=$csrf" --data-urlencode "login=$1" --data-urlencode "password=$PW"
  awk '$6 == "crm_session" {print $7}' "$jar"
}

cat > "$OUT/board.lua" <<'LUA'
wrk.method = "GET"
wrk.path = os.getenv("BENCH_PATH")
wrk.headers["Cookie"] = "crm_session=" .. os.getenv("BENCH_SESSION")
wrk.headers["Accept"] = "text/html"
done = function(summary, latency, requests)
  io.write(string.format("server-time p50 %.2f ms p90 %.2f ms p99 %.2f ms max %.2f ms, %d requests, %d errors (non-2xx %d)\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
LUA

{ echo "| user | pipeline | visible deals of the pipeline | cards on the page | connections | req/s | p50 | p90 | p99 | max |"
  echo "|---|---|---|---|---|---|---|---|---|---|"; } > "$OUT/table.md"
for run in "$SMALL:$BEST_PIPE" "manager.msk:$PIPELINE" "director:$PIPELINE"; do
  login=${run%%:*}; pipe=${run##*:}
  uid=$("${PSQL[@]}" -At -c "select id from crm.users where login = '$login'")
  session=$(signin "$login")
  [[ -n $session ]] || { echo "sign-in failed for $login"; exit 1; }
  path="/board?pipeline=$pipe"
  code=$(curl -sS -o "$OUT/board-$login.html" -w '%{http_code}' -H "Cookie: crm_session=$session" "$BASE$path")
  cards=$(grep -o 'data-deal-id="' "$OUT/board-$login.html" | wc -l)
  counted=$(grep -o '<span class="count">[0-9]*</span>' "$OUT/board-$login.html" | grep -o '[0-9]*' | awk '{s += $1} END {print s + 0}')
  n=$(visible "$uid" "$pipe")
  log "$login (pipeline $pipe): status $code, visible $n, counted on the page $counted, cards $cards"
  [[ $code == 200 && $counted == "$n" ]] || { echo "the board of $login does not count its visible deals"; exit 1; }
  psql -X -q -U crm_authenticator -d crm -v uid="$uid" -v pipeline="$pipe" -f "$HERE/board_explain.sql" > "$OUT/explain-$login.txt" 2>&1 || true
  for c in 1 4; do
    BENCH_PATH=$path BENCH_SESSION=$session wrk -t 1 -c "$c" -d 3s -s "$OUT/board.lua" "$BASE" > /dev/null  # warm-up
    log "wrk $login -c $c: [$(uptime | sed 's/.*load/load/')]"
    BENCH_PATH=$path BENCH_SESSION=$session wrk -t 1 -c "$c" -d "${DUR}s" --timeout 10s --latency -s "$OUT/board.lua" "$BASE" \
      | tee "$OUT/wrk-$login-c$c.txt"
    line=$(grep '^server-time' "$OUT/wrk-$login-c$c.txt")
    rps=$(awk '/^Requests\/sec/ {print $2}' "$OUT/wrk-$login-c$c.txt")
    read -r p50 p90 p99 mx < <(echo "$line" | sed -E 's/.*p50 ([0-9.]+) ms p90 ([0-9.]+) ms p99 ([0-9.]+) ms max ([0-9.]+) ms.*/\1 \2 \3 \4/')
    echo "| $login | $pipe | $n | $cards | $c | $rps | $p50 ms | $p90 ms | $p99 ms | $mx ms |" >> "$OUT/table.md"
  done
done
rm -f "$OUT"/cookies-*.txt  # session cookies of the throwaway server
log "uptime at end: $(uptime)"
echo; cat "$OUT/table.md"; echo "raw output: $OUT"
