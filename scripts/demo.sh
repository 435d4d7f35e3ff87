#!/usr/bin/env bash
# The main job, offline: builds the release hyperoru binary if needed (that target only), starts
# the local API stand-in on a free loopback port, then runs login -> profile -> account create ->
# account list -> price BTC.
# `scripts/demo.sh top` instead starts the sandbox with its simulated market, logs in and opens
# `hyperoru top` on it (q quits, and the sandbox stops with it).
# Set HYPERORU_BIN to use an existing binary instead of building (the test suite does).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Builds build/release/hyperoru, saying so first: a first build takes minutes and would otherwise
# look like a hang. On a terminal, ninja's step counter is shown on one line; the whole log is
# printed only when the build fails.
build_release() {
    local binary="$root/build/release/hyperoru" log
    log=$(mktemp)
    if [[ -x "$binary" ]]; then
        echo "demo: updating build/release/hyperoru (only what changed is rebuilt)..." >&2
    else
        echo "building hyperoru (release, about 3 minutes on 2 cores)..." >&2
    fi
    local started=$SECONDS
    if ! (cd "$root" && cmake --preset release) >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        echo "demo: configuring the release build failed" >&2
        exit 1
    fi
    local status=0
    cmake --build "$root/build/release" --target hyperoru 2>&1 | tee "$log" | while IFS= read -r line; do
        if [[ -t 2 && "$line" =~ ^\[([0-9]+)/([0-9]+)\] ]]; then
            printf '\r  step %s of %s' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" >&2
        fi
    done || status=$?
    if [[ -t 2 ]]; then printf '\r\033[K' >&2; fi
    if ((status != 0)); then
        cat "$log" >&2
        rm -f "$log"
        echo "demo: building hyperoru failed" >&2
        exit 1
    fi
    rm -f "$log"
    echo "demo: build/release/hyperoru is ready ($((SECONDS - started)) s)" >&2
}

if [[ -z "${HYPERORU_BIN:-}" ]]; then
    build_release
    HYPERORU_BIN="$root/build/release/hyperoru"
fi

work=$(mktemp -d)
standin_pid=
cleanup() {
    [[ -n "$standin_pid" ]] && kill "$standin_pid" 2>/dev/null && wait "$standin_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# The stand-in prints "PORT <n>" once it listens; reading that line is the synchronisation.
mode=${1:-tour}
case "$mode" in
    tour) sandbox_args=(--test-defaults) ;;
    top) sandbox_args=(--market) ;;  # demo data and a market ticking every second
    *) echo "usage: scripts/demo.sh [top]" >&2; exit 2 ;;
esac
exec 3< <(exec python3 "$root/sandbox/hyperoru-sandbox" "${sandbox_args[@]}" --port 0 --quiet)
standin_pid=$!
read -r word port <&3
[[ "$word" == PORT && -n "$port" ]] || { echo "demo: the stand-in did not start" >&2; exit 1; }

export HYPERORU_CONFIG_DIR="$work/config"
export HYPERORU_BASE_URL="http://127.0.0.1:$port"
unset HYPERORU_TOKEN HYPERORU_CONTEXT

step() { printf '\n$ %s\n' "$*" >&2; }

if [[ "$mode" == top ]]; then
    printf 'secret\n' | "$HYPERORU_BIN" login --email trader@example.com --password-stdin >/dev/null
    "$HYPERORU_BIN" top
    exit
fi

step "hyperoru login --email trader@example.com --password-stdin   # password: secret"
printf 'secret\n' | "$HYPERORU_BIN" login --email trader@example.com --password-stdin
step "hyperoru profile"
"$HYPERORU_BIN" profile
step "hyperoru account create --name 'BTC Trend Trader' --llm-provider openai --llm-model gpt-4o"
"$HYPERORU_BIN" account create --name 'BTC Trend Trader' --llm-provider openai --llm-model gpt-4o
step "hyperoru account list"
"$HYPERORU_BIN" account list
step "hyperoru price BTC"
"$HYPERORU_BIN" price BTC
