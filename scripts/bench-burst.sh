#!/usr/bin/env bash
# Memory and threads of `cordon serve` under a connection burst on loopback, with the bounded
# load generator `crates/cordon-server/examples/connection_burst.rs` (at most 2,000 connections
# and 120 s). Usage: scripts/bench-burst.sh [CONNECTIONS] [SECONDS]   (default 1000, 20)
# BIN=/path/to/cordon measures another build of the server.
set -euo pipefail
cd "$(dirname "$0")/.."
CONNECTIONS=${1:-1000}
SECONDS_RUN=${2:-20}
cargo build --release -p cordon-server --example connection_burst >/dev/null 2>&1
BURST=$PWD/target/release/examples/connection_burst
# Enough descriptors for the burst (each connection is one on each side).
ulimit -n 8192 2>/dev/null || true
source scripts/lib/serve.sh
start_server
ADDR=${URL#http://}
# A few requests first, so "idle" is a warmed-up server, as in production.
for _ in $(seq 1 20); do
  curl -sf -o /dev/null -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
       -d '{"name": "Doku Umarov"}' "$URL/v1/screen"
done
sleep 1
echo "== $CONNECTIONS connections, ${SECONDS_RUN}s, POST /v1/screen (UN + OFAC, audited)"
"$BURST" --addr "$ADDR" --key "$KEY" --connections "$CONNECTIONS" --seconds "$SECONDS_RUN" --pid "$SERVER"
