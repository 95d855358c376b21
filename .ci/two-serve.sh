#!/usr/bin/env bash
# Issue 14's list fan-out check against the machine's real PostgreSQL (fails, never skips, when
# it is unreachable): two `cordon serve` processes on one store; the UN list of 2026-02-27 (which
# adds Fereydoun Abbasi Davani, IRi.001) is uploaded through the first and must be screened by
# the second within 5 s; the customer rescreen of the upload runs once, and the audit chain
# verifies. Reuses target/debug/cordon (built by `cargo test`); BIN=... picks another build.
set -euo pipefail
cd "$(dirname "$0")/.."
cordon=$(pwd)/${BIN:-target/debug/cordon}
PG=${CORDON_TEST_PG_SERVER:-postgres://postgres@127.0.0.1:5432}
DB=cordon_test_serve2_$(date +%s)_$$
OLD=../shared/data/lists/un/un_consolidated_2025-04-19.xml
NEW=../shared/data/lists/un/un_consolidated_2026-02-27.xml
root=$(mktemp -d)
source .ci/lib/serve.sh
pids=()

fail() { echo "FAIL: $*" >&2; exit 1; }
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$root"
}
trap cleanup EXIT

[ -x "$cordon" ] || fail "$cordon not built (run cargo build -p cordon first)"
psql -q "$PG/postgres" -c "SELECT 1" >/dev/null || fail "PostgreSQL at $PG is unreachable"
psql -q "$PG/postgres" -c "CREATE DATABASE $DB" >/dev/null
export CORDON_STORE=$PG/$DB CORDON_DATA_DIR=$root/data

"$cordon" lists import "$OLD" >/dev/null
key=$("$cordon" keys create --role admin --person ci | tail -n 1)
for name in first second; do
  work=$root/$name
  mkdir -p "$work"
  start_serve
  pids+=("$server_pid")
  eval "$name=\$address"
done

names_him() {
  curl -fsS -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d '{"name": "Fereydoun Abbasi Davani", "country": "IR"}' "$1/v1/screen" | grep -q '"un:IRi.001"'
}
! names_him "$second" || fail "the 2025 list already names him: the check would prove nothing"

curl -fsS -X POST -H "Authorization: Bearer $key" --data-binary @"$NEW" "$first/v1/lists" >"$root/upload.json" \
  || fail "the upload through the first server failed"
uploaded=$(date +%s%N)
names_him "$first" || fail "the first server does not serve its own upload: $(cat "$root/upload.json")"
until names_him "$second"; do
  waited=$(( ($(date +%s%N) - uploaded) / 1000000 ))
  [ "$waited" -lt 5000 ] || fail "the second server still screens against the old list after ${waited} ms: $(cat "$root"/second/serve.err)"
  sleep 0.1
done
took=$(( ($(date +%s%N) - uploaded) / 1000000 ))

# One rescreen per import (the CLI's and the upload's), not one per process.
rescreens=$(psql -At "$CORDON_STORE" -c "SELECT count(*) FROM audit_log WHERE kind = 'customers_rescreened'")
[ "$rescreens" = 2 ] || fail "$rescreens customers_rescreened entries for 2 imports"
"$cordon" audit verify >/dev/null || fail "audit chain broken"
echo "ok: imported through the first server, screened by the second after $took ms (load $(cut -d' ' -f1-3 /proc/loadavg))"
