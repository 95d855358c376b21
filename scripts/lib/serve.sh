# Shared set-up of the service benchmarks (sourced by bench-http.sh, bench-http-pg.sh and bench-burst.sh):
# a release `cordon serve` on loopback over UN + OFAC in a temporary data directory, with one
# screener key. After `start_server`: BIN, WORK, KEY, SERVER (pid), URL (http://host:port).
# BIN=/path/to/cordon measures another build of the server. The caller's EXIT trap stops it.
DATA=../shared/data
if [ -z "${BIN:-}" ]; then
  cargo build --release -p cordon >/dev/null 2>&1
  BIN=$PWD/target/release/cordon
fi
WORK=$(mktemp -d)
SERVER=""
stop_server() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; SERVER=""; }
cleanup() { stop_server; rm -rf "$WORK"; }
trap cleanup EXIT
export CORDON_DATA_DIR=$WORK/data

start_server() {
  "$BIN" lists import "$DATA/lists/un/un_consolidated_2026-02-27.xml" "$DATA/lists/ofac/sdn_legacy_csv_2021" >/dev/null
  KEY=$("$BIN" keys create --role screener | tail -n 1)
  launch_server
}

# Starts one `cordon serve` on a free loopback port (output in $WORK/serve$1.out/.err) over the
# store already set up; sets SERVER (pid) and URL once /readyz answers.
launch_server() {
  "$BIN" serve --listen 127.0.0.1:0 >"$WORK/serve${1:-}.out" 2>"$WORK/serve${1:-}.err" &
  SERVER=$!
  for _ in $(seq 1 100); do grep -q "listening on" "$WORK/serve${1:-}.out" 2>/dev/null && break; sleep 0.1; done
  URL=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$WORK/serve${1:-}.out")
  for _ in $(seq 1 300); do curl -sf "$URL/readyz" >/dev/null && break; sleep 0.1; done
}

# Writes the wrk script the HTTP benchmarks share to $1: POST /v1/screen with $KEY, cycling
# through ten names in several scripts (listed and not).
write_screen_lua() {
  cat > "$1" <<LUA
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
}
