#!/usr/bin/env bash
# Makes sure the PostgreSQL the tests use answers at 127.0.0.1:5432 (starting the machine's
# cluster when it is down) and prints the URL for CALLWRIGHT_TEST_PG. Fails loudly when it cannot:
# CI must run the PostgreSQL tests, not skip them.
set -euo pipefail
url="${CALLWRIGHT_TEST_PG:-postgres://postgres@127.0.0.1:5432/test}"
ready() { pg_isready -q -h 127.0.0.1 -p 5432 -t 2 >/dev/null 2>&1; }
if ! ready; then
    echo "PostgreSQL is not answering at 127.0.0.1:5432; starting it" >&2
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
        for v in $(ls /etc/postgresql); do
            pg_ctlcluster --skip-systemctl-redirect "$v" main start >&2 || true
        done
    fi
    for _ in $(seq 1 30); do ready && break; sleep 1; done
fi
if ! ready; then
    echo "error: PostgreSQL does not answer at 127.0.0.1:5432 and could not be started; the PostgreSQL tests cannot run" >&2
    exit 1
fi
if ! psql "$url" -qAtc "SELECT 1" >/dev/null; then
    echo "error: cannot use $url (the PostgreSQL tests need it)" >&2
    exit 1
fi
echo "$url"
