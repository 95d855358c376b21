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
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
source scripts/lib/serve.sh
DB=cordon_bench_$(date +%s)_$$
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
psql -q "$PG/postgres" -c "CREATE DATABASE $DB" >/dev/null
export CORDON_STORE=$PG/$DB
"$BIN" lists import "$DATA/lists/un/un_consolidated_2026-02-27.xml" "$DATA/lists/ofac/sdn_legacy_csv_2021" >/dev/null
KEY=$("$BIN" keys create --role screener | tail -n 1)
URLS=()
for i in 1 2; do
  launch_server "$i"
  PIDS+=("$SERVER")
  URLS+=("$URL")
done
write_screen_lua "$WORK/screen.lua"
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
