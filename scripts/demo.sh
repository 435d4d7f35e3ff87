#!/usr/bin/env bash
# The main job, offline: builds hyperoru if needed, starts the local API stand-in on a free
# loopback port, then runs login -> profile -> account create -> account list -> price BTC | jq.
# Set HYPERORU_BIN to use an existing binary instead of building (the test suite does).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ -z "${HYPERORU_BIN:-}" ]]; then
    cmake --preset dev -S "$root" >/dev/null
    cmake --build "$root/build/dev" --target hyperoru >/dev/null
    HYPERORU_BIN="$root/build/dev/hyperoru"
fi
command -v jq >/dev/null || { echo "demo: jq is required (apt-get install jq)" >&2; exit 1; }

work=$(mktemp -d)
standin_pid=
cleanup() {
    [[ -n "$standin_pid" ]] && kill "$standin_pid" 2>/dev/null && wait "$standin_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# The stand-in prints "PORT <n>" once it listens; reading that line is the synchronisation.
exec 3< <(exec python3 "$root/tests/server/standin.py" --port 0 --quiet)
standin_pid=$!
read -r word port <&3
[[ "$word" == PORT && -n "$port" ]] || { echo "demo: the stand-in did not start" >&2; exit 1; }

export HYPERORU_CONFIG_DIR="$work/config"
export HYPERORU_BASE_URL="http://127.0.0.1:$port"
unset HYPERORU_TOKEN HYPERORU_CONTEXT

step() { printf '\n$ %s\n' "$*" >&2; }

step "hyperoru login --email trader@example.com --password-stdin   # password: secret"
printf 'secret\n' | "$HYPERORU_BIN" login --email trader@example.com --password-stdin
step "hyperoru profile"
"$HYPERORU_BIN" profile
step "hyperoru account create --name 'BTC Trend Trader' --llm-provider openai --llm-model gpt-4o"
"$HYPERORU_BIN" account create --name 'BTC Trend Trader' --llm-provider openai --llm-model gpt-4o
step "hyperoru account list"
"$HYPERORU_BIN" account list
step "hyperoru price BTC | jq .price"
"$HYPERORU_BIN" price BTC | jq .price
