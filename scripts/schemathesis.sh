#!/usr/bin/env bash
# Runs schemathesis against /openapi.json of a live `callwright serve`: every operation with
# generated (valid and invalid) requests; fails on any 5xx, any answer that breaks the document's
# schema, an undocumented status code or content type. Installs schemathesis into a virtualenv
# under target/ on first use (PyPI). Env: MAX_EXAMPLES (30), SEED (1), CALLWRIGHT_BIN.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${CALLWRIGHT_BIN:-${CARGO_TARGET_DIR:-target}/debug/callwright}
VENV=${SCHEMATHESIS_VENV:-${CARGO_TARGET_DIR:-target}/schemathesis-venv}
if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet 'schemathesis==4.32.5'
fi
[ -x "$BIN" ] || cargo build --locked --quiet
DATA=$(mktemp -d)
TOKEN=$("$BIN" serve token create --role admin --rate 1000000 --data-dir "$DATA")
"$BIN" serve tests/fixtures/serve/slots --listen 127.0.0.1:0 --data-dir "$DATA" 2>"$DATA/log" &
PID=$!
trap 'kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 200); do grep -q listening "$DATA/log" && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*' "$DATA/log" | head -1)
[ -n "$URL" ] || { cat "$DATA/log"; echo "the server did not start" >&2; exit 1; }
"$VENV/bin/schemathesis" run "$URL/openapi.json" \
  -H "Authorization: Bearer $TOKEN" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance,response_headers_conformance \
  --max-examples "${MAX_EXAMPLES:-30}" --seed "${SEED:-1}" --workers 1 --no-color
