#!/bin/sh
# A bounded HTTP fuzz of every operation of the served OpenAPI document (schemathesis, from
# PyPI), as a signed-in manager and as the director, against a real `crm serve --demo` on its
# own embedded cluster. The bar: 0 answers of 500 or above, 0 answers that break the documented
# schema, and a server that is still alive (no crash) at the end. (The coverage phase is left
# out: schemathesis 4.32 fails inside hypothesis on some of our schemas, a runtime error of its own.)
#   Tests/HTTPFuzz/run.sh [seconds per user, default 60]
set -eu
cd "$(dirname "$0")/../.."
budget="${1:-60}"
crm="$(swift build --show-bin-path)/crm"
[ -x "$crm" ] || swift build --product crm
python3 -m schemathesis.cli --version >/dev/null 2>&1 || command -v schemathesis >/dev/null 2>&1 \
    || pip install --quiet --disable-pip-version-check schemathesis >/dev/null
work="$(mktemp -d /tmp/crm-fuzz-XXXXXX)"
chmod 755 "$work"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
password="fuzz-demo-password-1"
# E-mail is configured (to a port nobody listens on: letters queue and their delivery fails in the
# background), so that sending answers as in production rather than 503 "not configured".
"$crm" serve --demo --demo-password "$password" --data-dir "$work/data" --http-port "$port" --console-port 0 \
    --smtp-host 127.0.0.1 --smtp-port 9 --smtp-security none --smtp-from "CRM <crm@example.test>" \
    --log-level warning >"$work/server.log" 2>&1 &
server=$!
stop() {
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    rm -rf "$work/data"  # the server's private cluster
    # The reports and logs go to .ci/artifacts/fuzz/ (kept by CI), the work folder away.
    mkdir -p .ci/artifacts/fuzz && cp -R "$work"/report-* "$work"/*.log .ci/artifacts/fuzz/ 2>/dev/null || true
    rm -rf "$work"
}
trap stop EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 300); do
    curl -sf "$base/health" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; echo "fuzz: the server did not start"; exit 1; }
    sleep 1
done
failed=0
for login in manager.msk director; do
    token="$(curl -sf "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
        -d "{\"login\":\"$login\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
    echo "fuzz: every operation as $login for ${budget}s"
    # Run in the work folder: schemathesis keeps its cache (.schemathesis/) in the current one.
    if ! (cd "$work" && schemathesis run "$base/api/v1/openapi.json" --url "$base" \
        -H "Authorization: Bearer $token" \
        --checks not_a_server_error,response_schema_conformance,content_type_conformance \
        --max-time "$budget" --seed 20261203 --workers 2 --no-color --phases examples,fuzzing,stateful \
        --suppress-health-check all --request-timeout 30 \
        --exclude-path-regex '/api/v1/events$|/api/v1/auth/logout$' \
        --report junit --report-dir "$work/report-$login") >"$work/schemathesis-$login.log" 2>&1; then
        failed=1
        tail -n 120 "$work/schemathesis-$login.log"
    else
        tail -n 15 "$work/schemathesis-$login.log"
    fi
    # The exit status alone is not enough: count the failures the JUnit report records.
    if ! python3 - "$work/report-$login" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
bad = 0
for path in glob.glob(sys.argv[1] + "/*.xml"):
    for case in ET.parse(path).iter("testcase"):
        bad += len(case.findall("failure")) + len(case.findall("error"))
print(f"fuzz: {bad} failing cases in the JUnit report")
sys.exit(1 if bad else 0)
PY
    then
        failed=1
        grep -n "FAILURES" -A 60 "$work/schemathesis-$login.log" | head -n 80
    fi
done
if ! kill -0 "$server" 2>/dev/null; then
    echo "fuzz: the server died"; tail -n 50 "$work/server.log"; failed=1
elif ! curl -sf "$base/health" >/dev/null; then
    echo "fuzz: the server stopped answering"; failed=1
fi
if grep -q "unhandled error" "$work/server.log"; then
    echo "fuzz: the server logged unhandled errors (500s):"; grep "unhandled error" "$work/server.log" | head -20; failed=1
fi
[ "$failed" -eq 0 ] && echo "fuzz: 0 server errors, 0 schema violations, server alive" || echo "fuzz: FAILED (reports and logs in .ci/artifacts/fuzz/)"
exit "$failed"
