# Shared by the install tests (sourced): failing with a message, and starting a sandbox.

fail() { echo "install test: $*" >&2; exit 1; }

# start_sandbox STDERR_FILE COMMAND [ARGS...]: starts the sandbox COMMAND in the background, its
# stderr to STDERR_FILE, and sets `port` once it has printed "PORT <n>" (reading that line is the
# synchronisation). The sandbox is stopped when the script exits.
sandbox_pid=
stop_sandbox() {
    if [[ -n "$sandbox_pid" ]]; then
        kill "$sandbox_pid" 2>/dev/null || true
        wait "$sandbox_pid" 2>/dev/null || true
    fi
}
start_sandbox() {
    local stderr_file=$1 word
    shift
    trap stop_sandbox EXIT
    exec 3< <(exec "$@" 2>"$stderr_file")
    sandbox_pid=$!
    read -r -t 30 word port <&3 || fail "the sandbox did not start"
    [[ "$word" == PORT && -n "$port" ]] || fail "the sandbox said '$word $port', not PORT <n>"
}
