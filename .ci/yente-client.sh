#!/usr/bin/env bash
# OpenSanctions' yente-client SDK (PyPI) against a live `cordon serve` with the UN list.
# Needs python3 with venv and access to PyPI; `cargo test` does not need this script.
set -euo pipefail
cd "$(dirname "$0")/.."

YENTE_CLIENT_VERSION="${YENTE_CLIENT_VERSION:-0.2.0}"
UN_LIST="../shared/data/lists/un/un_consolidated_2025-04-19.xml"
work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

cargo build --quiet -p cordon
cordon="$(pwd)/target/debug/cordon"

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "yente-client==$YENTE_CLIENT_VERSION"

export CORDON_DATA_DIR="$work/data"
"$cordon" lists import "$UN_LIST" >/dev/null
key="$("$cordon" keys create --role screener --person ci | tail -n 1)"

"$cordon" serve --listen 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
address=""
for _ in $(seq 1 100); do
    address="$(sed -n 's/^cordon listening on //p' "$work/serve.out")"
    if [ -n "$address" ] && curl -fsS "$address/readyz" >/dev/null 2>&1; then break; fi
    sleep 0.2
done
if [ -z "$address" ] || ! curl -fsS "$address/readyz" >/dev/null 2>&1; then
    echo "cordon serve did not become ready:"; cat "$work/serve.err"; exit 1
fi

YENTE_BASE_URL="$address" OPENSANCTIONS_API_KEY="$key" "$work/venv/bin/python" tests/yente/test_client.py
