#!/usr/bin/env bash
# Instructions the matcher spends on the batch benchmark's queries, counted by callgrind: the figure
# does not depend on the host's load or speed, so two builds can be compared on any machine.
# Usage: scripts/matcher-instructions.sh [ROWS]   (default 4000 queries, one thread)
# Prints the instruction count of `Index::screen` and the digest of every match at threshold 0.4
# over 40,000 rows (the same digest before and after means the change screens alike).
# KEEP=FILE keeps the generated rows (scripts/batch-names.py, as scripts/bench-e2e.sh uses it).
# CACHE=1 also simulates the caches (L1 as the host's, last level 4 MiB for a 2-core guest's L2)
# and prints the read misses of each: slower, and the same for the same binary on any host.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-4000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# The first rows of the bench-e2e batch: the generator is seeded, so they are the same at any length.
python3 scripts/batch-names.py ../shared/data/names/persons_rigour-1.8.2.txt $((ROWS > 40000 ? ROWS : 40000)) > "$WORK/batch.csv"
[ -n "${KEEP:-}" ] && cp "$WORK/batch.csv" "$KEEP"
cargo build --release -p cordon-match --example batch_queries >/dev/null 2>&1
BIN=target/release/examples/batch_queries
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)"; exit 1; }
CACHE_SIM=()
[ -n "${CACHE:-}" ] && CACHE_SIM=(--cache-sim=yes --LL=4194304,16,64)
valgrind --tool=callgrind "${CACHE_SIM[@]}" --collect-atstart=no --toggle-collect='cordon_match::index::Index::screen' \
  --callgrind-out-file="$WORK/callgrind.out" "$BIN" "$WORK/batch.csv" "$ROWS" >/dev/null 2>&1
echo "instructions in Index::screen over $ROWS queries: $(callgrind_annotate "$WORK/callgrind.out" | grep 'PROGRAM TOTALS' | awk '{print $1}')"
if [ -n "${CACHE:-}" ]; then
  read -r l1 last < <(callgrind_annotate --show=D1mr,DLmr "$WORK/callgrind.out" | grep 'PROGRAM TOTALS' | awk '{print $1, $3}')
  echo "read misses: L1 $l1, last level (4 MiB) $last"
fi
"$BIN" "$WORK/batch.csv" 40000 0.4 | sed -n 1p
