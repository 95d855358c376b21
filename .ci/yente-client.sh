#!/usr/bin/env bash
# OpenSanctions' yente-client SDK (PyPI) against a live `cordon serve` with the UN list.
# Needs python3 with venv and access to PyPI; `cargo test` does not need this script.
set -euo pipefail
cd "$(dirname "$0")/.."

YENTE_CLIENT_VERSION="${YENTE_CLIENT_VERSION:-0.2.0}"
UN_LIST="../shared/data/lists/un/un_consolidated_2025-04-19.xml"
work="$(mktemp -d)"
source .ci/lib/serve.sh
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

start_serve

YENTE_BASE_URL="$address" OPENSANCTIONS_API_KEY="$key" "$work/venv/bin/python" tests/yente/test_client.py
