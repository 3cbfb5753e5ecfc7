#!/usr/bin/env bash
# bench/import.sh BIN [ROWS...] — the import of clients (issue 13's speed goal: ≥ 50,000 client
# rows per second validated and loaded through COPY at 1,000,000 rows, memory flat). Starts
# `BIN serve --demo` on its own embedded cluster in a fresh temporary data folder, then for each
# ROWS (default 100000 1000000) writes a CSV of that many client rows (bench/import_rows.py:
# Russian names, valid ИНН/КПП, phones in mixed spellings, e-mails, cities of the demo
# territories; every 10th row a second contact of an earlier company, so it merges) and uploads
# it as the director three times on a fresh database state each: a dry run, the real import,
# and the same file again (everything found, nothing added). Prints rows/s of each (the upload,
# normalisation, COPY, dedupe and writes with the row rules and the audit — the whole HTTP
# request, timed by curl), the counts, and the server's peak resident memory (VmHWM) after each.
# Output: $BENCH_OUT (bench/out/import-<time>/): summary.txt, server.log, the answers.
set -euo pipefail
BIN=${1:?server binary (a release build: swift build -c release --product crm)}; shift
if [[ $# -gt 0 ]]; then SIZES=("$@"); else SIZES=(100000 1000000); fi
ROOT=$(cd "$(dirname "$0")/.." && pwd); HERE="$ROOT/bench"
PORT=${BENCH_PORT:-18091}; PW=${BENCH_PASSWORD:-bench-password-1}
OUT=${BENCH_OUT:-$HERE/out/import-$(date -u +%Y%m%dT%H%M%SZ)}; mkdir -p "$OUT"
BASE="http://127.0.0.1:$PORT"
log() { echo "$*" | tee -a "$OUT/summary.txt"; }
if curl -fsS "$BASE/health" >/dev/null 2>&1; then echo "port $PORT answers already (another server): set BENCH_PORT"; exit 1; fi

start() {
  DATA=$(mktemp -d /tmp/crm-bench-import-XXXXXX); chmod 755 "$DATA"
  "$BIN" serve --demo --demo-password "$PW" --data-dir "$DATA/data" --http-host 127.0.0.1 --http-port "$PORT" \
    --console-port 0 --sql-dir "$ROOT/sql" --log-level warning >> "$OUT/server.log" 2>&1 &
  SERVER=$!
  for i in $(seq 1 600); do
    curl -fsS "$BASE/health" >/dev/null 2>&1 && break
    kill -0 "$SERVER" 2>/dev/null || { echo "server exited:"; tail -20 "$OUT/server.log"; exit 1; }
    sleep 1
  done
  TOKEN=$(curl -fsS -X POST "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"login\":\"director\",\"password\":\"$PW\"}" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
  [[ -n $TOKEN ]] || { echo "login failed"; exit 1; }
}
stop() {
  kill -TERM "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true
  rm -rf "$DATA"
}
trap 'stop' EXIT

upload() {  # label file query
  local answer="$OUT/$1.json" seconds
  seconds=$(curl -sS -o "$answer" -w '%{time_total}' -X POST "$BASE/api/v1/imports/clients?file_name=$(basename "$2")$3" \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/csv' --data-binary @"$2")
  local rows; rows=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counts"]["rows"])' "$answer")
  local hwm; hwm=$(awk '/VmHWM/ {print $2, $3}' "/proc/$SERVER/status")
  log "$1: $rows rows in $seconds s = $(python3 -c "print(round($rows / $seconds))") rows/s; server VmHWM $hwm; uptime: $(uptime | sed 's/.*load/load/')"
  log "   $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["status"], json.dumps(d["counts"], sort_keys=True), d.get("error"))' "$answer")"
}

log "== import bench $(date -u +%FT%TZ) on $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; uptime: $(uptime)"
for n in "${SIZES[@]}"; do
  file="$OUT/clients-$n.csv"
  python3 "$HERE/import_rows.py" "$n" > "$file"
  log "-- $n rows: $(du -h "$file" | cut -f1) CSV"
  start
  upload "dry-$n" "$file" "&dry_run=true"
  upload "import-$n" "$file" ""
  upload "again-$n" "$file" ""
  stop
  rm -f "$file"
done
