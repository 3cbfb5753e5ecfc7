#!/usr/bin/env bash
# bench/callgrind.sh DATA_DIR DB KIND [TOKEN_HASH_HEX] — instructions per W1 transaction, independent of
# the machine's load: runs `postgres --single` on a STOPPED cluster under valgrind's callgrind with
# 20 and then 120 transactions and prints (Ir(120) - Ir(20)) / 100.
# KIND: rls (BEGIN; begin_request; the newest-50 SELECT; COMMIT as crm_authenticator), br (begin_request
# alone), norls (the SELECT as the owner). Run as root (the cluster's files belong to postgres).
set -euo pipefail
DATA=${1:?data dir}; DB=${2:?database}; KIND=${3:?rls|br|norls}; HASH=${4:-}
BIN=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
TMP=$(mktemp -d); chown postgres "$TMP"
run() {
  local n=$1 f="$TMP/$1.sql"
  {
    [[ $KIND != norls ]] && echo "set session authorization crm_authenticator;"
    for _ in $(seq 1 "$n"); do
      echo "begin;"
      [[ $KIND != norls ]] && echo "select ok, reason, user_id, session_id, api_token_id from crm_api.begin_request('\\x$HASH'::bytea, '127.0.0.1'::inet);"
      [[ $KIND != br ]] && echo "select id, title, client_id, amount, currency, stage, owner_id, responsible_id, department_id, territory_id, closed_at, version, created_at, updated_at from crm.deals order by created_at desc, id desc limit 50;"
      echo "commit;"
    done
  } > "$f"
  chmod 644 "$f"
  su postgres -c "valgrind --tool=callgrind --callgrind-out-file=$TMP/cg.$n $BIN/postgres --single -D $DATA $DB < $f > /dev/null 2>&1"
  awk '/^(summary|totals):/ {print $2; exit}' "$TMP/cg.$n"
}
a=$(run 20); b=$(run 120)
echo "$KIND: $(( (b - a) / 100 )) instructions per transaction"
rm -rf "$TMP"
