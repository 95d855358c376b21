# Sourced by the .ci scripts that test a live service: `start_serve` starts
# "$cordon" serve on a free loopback port with its output in "$work" and sets
# server_pid and address (http://host:port) once /readyz answers; it exits 1
# with the server's stderr when it does not. The caller's EXIT trap stops it.
server_pid=""
start_serve() {
    "$cordon" serve --listen 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.err" &
    server_pid=$!
    address=""
    for _ in $(seq 1 150); do
        address="$(sed -n 's/^cordon listening on //p' "$work/serve.out")"
        if [ -n "$address" ] && curl -fsS "$address/readyz" >/dev/null 2>&1; then return 0; fi
        sleep 0.2
    done
    echo "cordon serve did not become ready:"; cat "$work/serve.err"; exit 1
}
