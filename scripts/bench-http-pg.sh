#!/usr/bin/env bash
# HTTP screening throughput of two `cordon serve` processes on one PostgreSQL store (issue 14):
# UN + OFAC imported once, two servers, one wrk per server at the same time (as a load balancer
# would spread them), every request a real screening audited in the one shared chain.
# Usage: scripts/bench-http-pg.sh [SECONDS] [CONNECTIONS_PER_SERVER]   (default 15 s, 4)
# Needs the machine's PostgreSQL (127.0.0.1:5432, user postgres); BIN=/path/to/cordon picks a build.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_RUN=${1:-15}
CONNECTIONS=${2:-4}
PG=${CORDON_TEST_PG_SERVER:-postgres://postgres@127.0.0.1:5432}
DATA=../shared/data
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
if [ -z "${BIN:-}" ]; then
  cargo build --release -p cordon >/dev/null 2>&1
  BIN=$PWD/target/release/cordon
fi
DB=cordon_bench_$(date +%s)_$$
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
psql -q "$PG/postgres" -c "CREATE DATABASE $DB" >/dev/null
export CORDON_STORE=$PG/$DB CORDON_DATA_DIR=$WORK/data
"$BIN" lists import "$DATA/lists/un/un_consolidated_2026-02-27.xml" "$DATA/lists/ofac/sdn_legacy_csv_2021" >/dev/null
KEY=$("$BIN" keys create --role screener | tail -n 1)
URLS=()
for i in 1 2; do
  "$BIN" serve --listen 127.0.0.1:0 >"$WORK/serve$i.out" 2>"$WORK/serve$i.err" &
  PIDS+=($!)
  for _ in $(seq 1 100); do grep -q "listening on" "$WORK/serve$i.out" 2>/dev/null && break; sleep 0.1; done
  URL=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$WORK/serve$i.out")
  for _ in $(seq 1 300); do curl -sf "$URL/readyz" >/dev/null && break; sleep 0.1; done
  URLS+=("$URL")
done
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
echo "== two servers, wrk -t1 -c$CONNECTIONS -d${SECONDS_RUN}s POST /v1/screen on each (UN + OFAC, audited, PostgreSQL); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in 1 2; do
  wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_RUN}s" --latency -s "$WORK/screen.lua" "${URLS[$((i - 1))]}" >"$WORK/wrk$i.txt" &
  WRK[$i]=$!
done
wait "${WRK[1]}" "${WRK[2]}"
for i in 1 2; do echo "-- server $i"; grep -E "Requests/sec|Latency |99%|Non-2xx" "$WORK/wrk$i.txt"; done
awk '/Requests\/sec/ {s += $2} END {printf "total: %.0f requests/s\n", s}' "$WORK"/wrk1.txt "$WORK"/wrk2.txt
echo "== audit chain after the run (load after: $(cut -d' ' -f1-3 /proc/loadavg))"
"$BIN" audit verify | head -3
