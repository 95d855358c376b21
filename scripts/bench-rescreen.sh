#!/usr/bin/env bash
# "Freeze without delay" at scale: a register of N customers (default 1,000,000), then
#  1. a full rescreen: the first import of UN + OFAC + UK + Canada screens every customer
#     against every designation;
#  2. a delta rescreen: importing the newer UN snapshot screens every customer against only
#     the added and changed designations.
# Usage: scripts/bench-rescreen.sh [N]
# CORDON_BIN=path runs that binary instead of building target/release/cordon (to compare builds).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
DATA=../shared/data
if [ -z "${CORDON_BIN:-}" ]; then
  cargo build --release -p cordon >/dev/null 2>&1
fi
BIN=$(realpath "${CORDON_BIN:-target/release/cordon}")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export CORDON_DATA_DIR=$WORK/data
python3 - "$DATA/names/persons_rigour-1.8.2.txt" "$N" > "$WORK/customers.csv" <<'PY'
import random, sys
random.seed(1127)
forms = []
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        forms.extend(x.strip() for x in line.split("=>")[0].split(",")
                     if x.strip().isalpha() and 3 <= len(x.strip()) <= 14)
        if len(forms) > 300000:
            break
countries = ["KZ", "KG", "TJ", "UZ", "RU", "CN", "DE", "TR", "AE", ""]
print("id,name,dob,country,type")
for i in range(int(sys.argv[2])):
    print(f"c{i},{random.choice(forms)} {random.choice(forms)},19{random.randint(40, 99)},{random.choice(countries)},person")
PY
t() { # time a command, then show its last stderr lines (rescreen summaries) and peak memory
  local s=$(date +%s.%N)
  /usr/bin/time -f "peak RSS %M KB" -o "$WORK/mem" "$@" > /dev/null 2>"$WORK/err"
  local e=$(date +%s.%N)
  python3 -c "print(f'{$e-$s:.1f} s')"; { grep -v '^warning' "$WORK/err" || true; } | tail -n 4; cat "$WORK/mem"
}
echo "== customers import ($N rows)"; t "$BIN" customers import "$WORK/customers.csv"
echo "== full rescreen: first import of UN 2025-04-19 + OFAC 2021 + UK + Canada"
t "$BIN" lists import "$DATA/lists/un/un_consolidated_2025-04-19.xml" \
  "$DATA/lists/ofac/sdn_legacy_csv_2021" "$DATA/lists/uk/uk_hmt_conlist_2018-04-13.csv" "$DATA/lists/ca/ca_sema_autonomous_2025.xml"
echo "== delta rescreen: UN 2026-02-27 over 2025-04-19"
t "$BIN" lists import "$DATA/lists/un/un_consolidated_2026-02-27.xml"
