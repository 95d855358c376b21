#!/usr/bin/env bash
# The failure test of issue 14 against the machine's real PostgreSQL and NATS JetStream (fails,
# never skips, when either is unreachable): WORKERS workers (default 3) on one store, N transfers
# (default 20,000) of which 1% pay a UN-listed person, 100 published a second time, one worker
# killed with SIGKILL mid-stream. Afterwards: screened == N, the transfers with sanctions alerts
# are exactly the listed ones, no transfer recorded twice, the audit chain intact.
# Reuses target/debug/cordon (built by `cargo test`); BIN=... picks another build.
# Usage: .ci/stream-failure.sh [N] [WORKERS] [KILL=1|0]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20000}
WORKERS=${2:-3}
KILL=${3:-1}
BIN=${BIN:-target/debug/cordon}
PG=${CORDON_TEST_PG_SERVER:-postgres://postgres@127.0.0.1:5432}
NATS=${CORDON_TEST_NATS:-nats://127.0.0.1:4222}
RUN=scale_$(date +%s)_$$
DB=cordon_test_$RUN
STORE=$PG/$DB
WORK=$(mktemp -d)
PIDS=()

fail() { echo "FAIL: $*" >&2; exit 1; }
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "$BIN" transfers drop-stream --nats "$NATS" --stream "$RUN" 2>/dev/null || true
  psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

[ -x "$BIN" ] || fail "$BIN not built (run cargo build -p cordon first)"
psql -q "$PG/postgres" -c "SELECT 1" >/dev/null || fail "PostgreSQL at $PG is unreachable"
(exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null || fail "NATS at $NATS is unreachable"
psql -q "$PG/postgres" -c "CREATE DATABASE $DB" >/dev/null
export CORDON_STORE=$STORE CORDON_DATA_DIR=$WORK/data

"$BIN" lists import ../shared/data/lists/un/un_consolidated_2026-02-27.xml >/dev/null
python3 scripts/gen-pacs008.py "$WORK/messages" "$N" 100 > "$WORK/listed.txt"
START=$(date +%s.%N)
for i in $(seq "$WORKERS"); do
  "$BIN" worker --nats "$NATS" --stream "$RUN" --ack-wait 5 --idle-exit 8 > "$WORK/worker$i.json" 2> "$WORK/worker$i.log" &
  PIDS+=($!)
done
"$BIN" transfers publish "$WORK/messages" --nats "$NATS" --stream "$RUN" > "$WORK/publish.json"
grep -q "\"published\":$N" "$WORK/publish.json" || fail "publish: $(cat "$WORK/publish.json")"
# The first 100 again: the stream drops them by message id.
"$BIN" transfers publish $(ls -d "$WORK"/messages/* | head -100) --nats "$NATS" --stream "$RUN" > "$WORK/again.json"
grep -q '"duplicates":100' "$WORK/again.json" || fail "second publication: $(cat "$WORK/again.json")"

screened() { "$BIN" transfers stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["screened"])'; }
if [ "$KILL" = 1 ]; then
  until [ "$(screened)" -ge $((N / 4)) ]; do sleep 0.5; done
  kill -KILL "${PIDS[0]}"
  echo "killed worker 1 (SIGKILL) at $(screened) screened"
fi
DEADLINE=$((SECONDS + 600))
until [ "$(screened)" -ge "$N" ]; do
  [ $SECONDS -lt $DEADLINE ] || fail "only $(screened) of $N screened after 10 minutes"
  sleep 0.5
done
END=$(date +%s.%N)
for pid in "${PIDS[@]:$KILL}"; do wait "$pid" || fail "a worker failed: $(cat "$WORK"/worker*.log)"; done
PIDS=()

STATS=$("$BIN" transfers stats --json)
echo "stats: $STATS"
python3 - "$STATS" "$N" "$WORK/listed.txt" "$STORE" <<'PY' || fail "the counts do not add up"
import json, subprocess, sys
stats, n, listed, store = json.loads(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
planted = set(open(listed).read().split())
def sql(query):
    out = subprocess.run(["psql", "-At", store, "-c", query], check=True, capture_output=True, text=True)
    return out.stdout.split()
alerted = set(sql("SELECT DISTINCT transfer_id FROM transfer_alerts WHERE kind = 'sanctions'"))
ids = sql("SELECT payload::json->>'transfer_id' FROM audit_log WHERE kind = 'transfer_screening'")
assert stats["screened"] == n, f"screened {stats['screened']} != {n}"
assert len(ids) == len(set(ids)) == n, f"{len(ids) - len(set(ids))} transfers recorded twice"
assert alerted == planted, f"{len(alerted - planted)} unexpected, {len(planted - alerted)} missed"
assert stats["transfers_with_sanctions_alerts"] == len(planted) == n // 100
print(f"ok: {n} screened once each, {len(planted)} listed alerted exactly")
PY
"$BIN" audit verify >/dev/null || fail "audit chain broken"
python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); print(f'{sys.argv[3]} transfers, {sys.argv[4]} workers: {s:.1f} s, {int(sys.argv[3])/s:.0f} transfers/s (publish included; load {sys.argv[5]})')" \
  "$START" "$END" "$N" "$WORKERS" "$(cut -d' ' -f1-3 /proc/loadavg)"
