#!/usr/bin/env bash
# Sustained screening over HTTP on loopback with a bounded load generator (wrk).
# Usage: scripts/bench-http.sh [SECONDS] [CONNECTIONS]   (default 15 s, 8 connections)
# Every request is a real screening against UN + OFAC, audited and synced to disk.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_RUN=${1:-15}
CONNECTIONS=${2:-8}
DATA=../shared/data
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
cargo build --release -p cordon >/dev/null 2>&1
BIN=$PWD/target/release/cordon
WORK=$(mktemp -d)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
export CORDON_DATA_DIR=$WORK/data
"$BIN" lists import "$DATA/lists/un/un_consolidated_2026-02-27.xml" "$DATA/lists/ofac/sdn_legacy_csv_2021" >/dev/null
KEY=$("$BIN" keys create --role screener | tail -n 1)
"$BIN" serve --listen 127.0.0.1:0 >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER=$!
for _ in $(seq 1 100); do grep -q "listening on" "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$WORK/serve.out")
for _ in $(seq 1 100); do curl -sf "$URL/readyz" >/dev/null && break; sleep 0.1; done
cat > "$WORK/screen.lua" <<LUA
local names = {"Doku Umarov", "Tohir Yuldashev", "Умаров Доку Хаматович", "Maria Schmidt", "陈全国",
               "Abdul Rahman al-Qasimi", "John Smith", "Ayman al-Zawahiri", "Olga Petrova", "Gulmurod Khalimov"}
local i = 0
request = function()
  i = i + 1
  local body = string.format('{"name": "%s"}', names[(i % #names) + 1])
  return wrk.format("POST", "/v1/screen", {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer $KEY"}, body)
end
LUA
echo "== wrk -t2 -c$CONNECTIONS -d${SECONDS_RUN}s POST /v1/screen (UN + OFAC, audited)"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_RUN}s" --latency -s "$WORK/screen.lua" "$URL"
echo "== audit chain after the run"
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
"$BIN" audit verify | head -3
