#!/usr/bin/env bash
# Sustained screening over HTTP on loopback with a bounded load generator (wrk).
# Usage: scripts/bench-http.sh [SECONDS] [CONNECTIONS]   (default 15 s, 8 connections)
# Every request is a real screening against UN + OFAC, audited and synced to disk.
# BIN=/path/to/cordon measures another build of the server.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_RUN=${1:-15}
CONNECTIONS=${2:-8}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
source scripts/lib/serve.sh
start_server
write_screen_lua "$WORK/screen.lua"
echo "== wrk -t2 -c$CONNECTIONS -d${SECONDS_RUN}s POST /v1/screen (UN + OFAC, audited)"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_RUN}s" --latency -s "$WORK/screen.lua" "$URL"
echo "== audit chain after the run"
stop_server
"$BIN" audit verify | head -3
