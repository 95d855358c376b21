#!/usr/bin/env bash
# Memory and threads of `cordon serve` under a connection burst on loopback, with the bounded
# load generator `crates/cordon-server/examples/connection_burst.rs` (at most 2,000 connections
# and 120 s). Usage: scripts/bench-burst.sh [CONNECTIONS] [SECONDS]   (default 1000, 20)
# BIN=/path/to/cordon measures another build of the server.
set -euo pipefail
cd "$(dirname "$0")/.."
CONNECTIONS=${1:-1000}
SECONDS_RUN=${2:-20}
DATA=../shared/data
if [ -z "${BIN:-}" ]; then
  cargo build --release -p cordon >/dev/null 2>&1
  BIN=$PWD/target/release/cordon
fi
cargo build --release -p cordon-server --example connection_burst >/dev/null 2>&1
BURST=$PWD/target/release/examples/connection_burst
WORK=$(mktemp -d)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
export CORDON_DATA_DIR=$WORK/data
"$BIN" lists import "$DATA/lists/un/un_consolidated_2026-02-27.xml" "$DATA/lists/ofac/sdn_legacy_csv_2021" >/dev/null
KEY=$("$BIN" keys create --role screener | tail -n 1)
# Enough descriptors for the burst (each connection is one on each side).
ulimit -n 8192 2>/dev/null || true
"$BIN" serve --listen 127.0.0.1:0 >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER=$!
for _ in $(seq 1 100); do grep -q "listening on" "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
ADDR=$(sed -n 's/.*listening on http:\/\/\([^ ]*\).*/\1/p' "$WORK/serve.out")
for _ in $(seq 1 300); do curl -sf "http://$ADDR/readyz" >/dev/null && break; sleep 0.1; done
# A few requests first, so "idle" is a warmed-up server, as in production.
for _ in $(seq 1 20); do
  curl -sf -o /dev/null -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
       -d '{"name": "Doku Umarov"}' "http://$ADDR/v1/screen"
done
sleep 1
echo "== $CONNECTIONS connections, ${SECONDS_RUN}s, POST /v1/screen (UN + OFAC, audited)"
"$BURST" --addr "$ADDR" --key "$KEY" --connections "$CONNECTIONS" --seconds "$SECONDS_RUN" --pid "$SERVER"
