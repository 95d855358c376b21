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
stop_server
"$BIN" audit verify | head -3
