#!/usr/bin/env bash
# Benchmarks hyperoru side by side with curl, a curl | simdjson reference pipeline, jq, cat (and
# HTTPie, websocat, wscat when installed) in one run, and writes BENCHMARKS.md: the machine and how
# busy it was, the date, the commands, the medians, the peak memory of every command, the ratios
# with their spread over separate rounds, and each target as met or missed. Run it from anywhere;
# see usage below.
#
# What it does, in order:
#   1. reads the load average (before this run adds its own), then installs what it needs and
#      lacks (nginx-light, hyperfine, time, curl, jq, python3, binutils, g++, libsimdjson-dev) with
#      apt-get: as root directly, else through sudo when there is one;
#   2. builds the release preset (hyperoru only), unless --binary/--no-build, and compiles the
#      simdjson reference (bench/simdjson_print.cpp) into the temporary directory;
#   3. generates the response bodies (bench/gen_data.py) and starts nginx on a free loopback port
#      (a generated config in a temporary directory, run as the current user) and the WebSocket
#      push server (bench/ws_server.py);
#   4. writes a config file with a context whose base URL is the nginx URL and a session token, so
#      hyperoru runs exactly as after `hyperoru login`; checks once that every command returns
#      what it should (a fast failure must never pass for a fast run);
#   5. times each section with hyperfine (-N, warm-up, fixed run counts, JSON export) in separate
#      rounds, and the peak memory of every command with GNU time; then bench/report.py computes
#      the medians and ratios and writes the Markdown (also printed on stdout; progress goes to
#      stderr).
# nginx and the WebSocket server are stopped and the temporary directory removed on every exit,
# error and Ctrl-C included. The exit status is 0 when the measurements were made, whatever they
# say; with --check it is 1 when a measured target is missed (each listed on stderr).
set -euo pipefail

# How busy the machine is before this run adds its own load (a build, the data, the servers): the
# report says whether it was otherwise idle.
load_start=$(cut -d' ' -f1 /proc/loadavg)

usage() {
    cat <<'EOF'
Usage: bench/run.sh [--quick] [--check] [--out FILE] [--binary PATH] [--no-build] [--no-install]

  --quick        a smoke run (2 rounds of 3 runs each, 10 pages, a 1 MB response, 2000 messages)
                 in well under a minute; also BENCH_QUICK=1. Never writes the committed
                 BENCHMARKS.md: the default output is build/bench/BENCHMARKS-quick.md.
  --check        after writing the report, exit 1 when a measured target is missed (each one is
                 listed on stderr); a target that could not be measured does not count
  --out FILE     where to write the Markdown (default: BENCHMARKS.md at the repository root,
                 or build/bench/BENCHMARKS-quick.md with --quick)
  --binary PATH  benchmark this hyperoru binary instead of building the release preset
                 (implies --no-build)
  --no-build     do not build; use build/release/hyperoru (or --binary)
  --no-install   fail with the package list instead of running apt-get for missing tools
EOF
}

die() {
    echo "bench: $*" >&2
    exit 1
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
here="$root/bench"

quick=0
[[ "${BENCH_QUICK:-0}" == 1 ]] && quick=1
check=0
out=
binary=
build=1
install=1
while (($#)); do
    case "$1" in
        --quick) quick=1 ;;
        --check) check=1 ;;
        --out)
            [[ $# -ge 2 ]] || die "--out needs a file"
            out=$2
            shift
            ;;
        --binary)
            [[ $# -ge 2 ]] || die "--binary needs a path"
            binary=$2
            build=0
            shift
            ;;
        --no-build) build=0 ;;
        --no-install) install=0 ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            usage >&2
            exit 2
            ;;
    esac
    shift
done

if ((quick)); then
    out=${out:-$root/build/bench/BENCHMARKS-quick.md}
    # A smoke run's numbers must never replace the committed ones.
    [[ "$(realpath -m "$out")" != "$root/BENCHMARKS.md" ]] ||
        die "--quick does not write $root/BENCHMARKS.md; give another --out"
else
    out=${out:-$root/BENCHMARKS.md}
fi

# Sizes and run counts. Full mode: enough runs for stable medians (a run of §1/§2 takes a few
# milliseconds, one of §4 a fraction of a second), and every section's hyperfine set run in 3
# separate rounds, so that each ratio comes with its spread. Quick mode: only proves the script
# works, through the same code (2 rounds, so the spread is computed too).
# watch_small/watch_large: the message counts over which the peak memory of `watch` is compared.
per_page=100
if ((quick)); then
    pages=10 large_target=1000000 messages=2000 mem_runs=1 rounds=2
    watch_small=1000 watch_large=20000
    runs_fast=3 warm_fast=1 runs_httpie=3 warm_httpie=1 runs_pages=3 warm_pages=1
    runs_large=3 warm_large=1 runs_stream=3 warm_stream=1
else
    pages=100 large_target=30000000 messages=100000 mem_runs=3 rounds=3
    watch_small=1000 watch_large=1000000
    runs_fast=200 warm_fast=20 runs_httpie=30 warm_httpie=3 runs_pages=30 warm_pages=3
    runs_large=10 warm_large=2 runs_stream=10 warm_stream=2
fi

have() { command -v "$1" >/dev/null 2>&1; }

# A word of a hyperfine -N command line, quoted only when it has to be (hyperfine splits -N
# command lines like a POSIX shell; the peak memory runs give the same lines to eval).
q() {
    if [[ "$1" =~ ^[A-Za-z0-9_./:@%+=,-]+$ ]]; then
        printf '%s' "$1"
    else
        printf "'%s'" "${1//\'/\'\\\'\'}"
    fi
}

# -- 1. tools -----------------------------------------------------------------------------------
# nginx is in /usr/sbin, which is not on an ordinary user's PATH on Debian.
nginx_bin=$(command -v nginx || true)
[[ -z "$nginx_bin" && -x /usr/sbin/nginx ]] && nginx_bin=/usr/sbin/nginx
missing=()
have hyperfine || missing+=(hyperfine)
[[ -n "$nginx_bin" ]] || missing+=(nginx-light)
[[ -x /usr/bin/time ]] || missing+=(time)
have curl || missing+=(curl)
have jq || missing+=(jq)
have python3 || [[ -x /usr/bin/python3 ]] || missing+=(python3)
have strip || missing+=(binutils)
have g++ || missing+=(g++)
# The reference pipeline's parser: Debian's simdjson (the header, and the library it depends on).
[[ -e /usr/include/simdjson.h ]] || missing+=(libsimdjson-dev)
if ((${#missing[@]})); then
    ((install)) || die "missing: ${missing[*]} (apt-get install ${missing[*]})"
    if [[ $EUID -eq 0 ]]; then
        sudo=()
    elif have sudo; then
        sudo=(sudo)
    else
        die "missing: ${missing[*]}; not root and no sudo: apt-get install ${missing[*]}"
    fi
    echo "bench: installing ${missing[*]}" >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        "${missing[@]}" >&2
    nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
fi
# Debian's interpreter first: it starts faster than a version-manager shim, and the raw reader of
# §5 is timed with its start included.
if [[ -x /usr/bin/python3 ]]; then python=/usr/bin/python3; else python=$(command -v python3); fi

# -- 2. the binaries ----------------------------------------------------------------------------
if ((build)); then
    have cmake || die "cmake is missing: install the build dependencies listed in README.md (docs/install.md)"
    echo "bench: building the release preset (target hyperoru)" >&2
    (cd "$root" && cmake --preset release >&2 && cmake --build --preset release --target hyperoru >&2)
fi
binary=${binary:-$root/build/release/hyperoru}
[[ -x "$binary" ]] || die "no hyperoru binary at $binary (build it, or give --binary)"
binary=$(realpath "$binary")
if ((build)); then
    build_note="release preset, built by this run"
elif [[ "$binary" == "$root/build/release/hyperoru" ]]; then
    build_note="release preset, not rebuilt by this run (--no-build)"
else
    build_note="given binary (--binary)"
fi
binary_shown=${binary#"$root"/}

work=$(mktemp -d "${TMPDIR:-/tmp}/hyperoru-bench.XXXXXX")
results="$work/results"
www="$work/www"
ngx="$work/nginx"
mkdir -p "$results" "$www" "$ngx/tmp"
nginx_pid=
ws_pid=
watchdog_pid=
cleanup() {
    if [[ -n "$watchdog_pid" ]]; then
        kill -KILL "$watchdog_pid" 2>/dev/null || true
        wait "$watchdog_pid" 2>/dev/null || true
    fi
    if [[ -n "$nginx_pid" ]]; then
        kill -TERM "$nginx_pid" 2>/dev/null || true
        wait "$nginx_pid" 2>/dev/null || true
    fi
    if [[ -n "$ws_pid" ]]; then
        kill -TERM "$ws_pid" 2>/dev/null || true
        wait "$ws_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The run measures a private copy: a build of the same preset in another terminal can then neither
# break a run half way (ninja replaces the file) nor mix two binaries in one report.
# binary_shown (above) still names the original in the report.
cp "$binary" "$work/hyperoru"
binary="$work/hyperoru"

# The reference of §4, validate and print with simdjson: a small program built against the
# system's package like any user's would be, not part of the CMake build.
echo "bench: compiling the simdjson reference (bench/simdjson_print.cpp)" >&2
g++ -O2 -std=c++17 "$here/simdjson_print.cpp" -lsimdjson -o "$work/simdjson-print"
simdjson="$work/simdjson-print"

# -- 3. data and servers ------------------------------------------------------------------------
echo "bench: generating the response bodies" >&2
generated=$("$python" "$here/gen_data.py" --root "$www" --pages "$pages" --large-bytes "$large_target")
read -r _ large_accounts _ large_bytes <<<"$generated"
pages_bytes=$(cat "$www"/pages/list_*.json | wc -c)
price_bytes=$(wc -c <"$www/price/BTC.json")

free_port() {
    "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# nginx cannot listen on port 0, so the kernel picks a free port, which is released before nginx
# binds it: another process may take it meanwhile, hence the bounded retry on "in use".
write_nginx_conf() {
    local port=$1 user_line=
    # As root the master would switch its workers to "nobody", who cannot read the 0700 temp dir.
    [[ $EUID -eq 0 ]] && user_line="user $(id -un) $(id -gn);"
    cat >"$ngx/nginx.conf" <<EOF
# Generated by bench/run.sh: static files on loopback, as cheap as a server can be.
$user_line
daemon off;
worker_processes 1;
pid $ngx/nginx.pid;
error_log $ngx/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    # Every temp path inside the temp dir: the defaults (/var/lib/nginx) are root's.
    client_body_temp_path $ngx/tmp/body;
    proxy_temp_path $ngx/tmp/proxy;
    fastcgi_temp_path $ngx/tmp/fastcgi;
    uwsgi_temp_path $ngx/tmp/uwsgi;
    scgi_temp_path $ngx/tmp/scgi;
    types { }
    default_type application/json;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_requests 100000;
    server_tokens off;
    etag off;
    server {
        listen 127.0.0.1:$port;
        root $www;
        location = /api/crypto/price { try_files /price/\$arg_symbol.json =404; }
        # ?page=N -> page file N; no page -> the large list.
        location = /api/account/list { try_files /pages/list_\$arg_page.json /large.json; }
    }
}
EOF
}

start_nginx() {
    local attempt i
    for attempt in 1 2 3 4 5 6 7 8; do
        port=$(free_port)
        write_nginx_conf "$port"
        : >"$ngx/error.log"
        "$nginx_bin" -p "$ngx/" -e "$ngx/error.log" -c "$ngx/nginx.conf" </dev/null &
        nginx_pid=$!
        for ((i = 0; i < 200; i++)); do
            if curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$port/api/crypto/price?symbol=BTC"; then
                return 0
            fi
            kill -0 "$nginx_pid" 2>/dev/null || break
            sleep 0.05
        done
        kill -TERM "$nginx_pid" 2>/dev/null || true
        wait "$nginx_pid" 2>/dev/null || true
        nginx_pid=
        if ! grep -q "Address already in use" "$ngx/error.log"; then
            cat "$ngx/error.log" >&2
            die "nginx did not start (attempt $attempt)"
        fi
        echo "bench: port $port was taken meanwhile; trying another" >&2
    done
    die "nginx found no free port"
}

echo "bench: starting nginx and the WebSocket server" >&2
port=
start_nginx
url="http://127.0.0.1:$port"

token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
# The server prints "PORT <n> BYTES <b>" once it listens; reading that line is the
# synchronisation (as scripts/demo.sh does with the stand-in). It serves $messages messages on
# /ws, and any count up to $watch_large on /N/ws.
exec 3< <(exec "$python" "$here/ws_server.py" --messages "$messages" --max-messages "$watch_large" \
    --token "$token")
ws_pid=$!
read -r word ws_port _ ws_bytes <&3 || true
[[ "${word:-}" == PORT && -n "${ws_port:-}" ]] || die "the WebSocket server did not start"
# If this script is killed outright (SIGKILL, as a test runner does on a timeout), no trap runs:
# a watchdog then stops both servers and removes the temp dir once this shell is gone. It is
# itself stopped first by cleanup() on every ordinary exit.
(
    tail --pid=$$ -f /dev/null 2>/dev/null || true
    kill -TERM "$nginx_pid" "$ws_pid" 2>/dev/null
    rm -rf "$work"
) </dev/null >/dev/null 2>&1 &
watchdog_pid=$!

# -- 4. the config file, and one checked run of each command ------------------------------------
# Contexts with the same token: "default" for nginx; "stream" for the WebSocket server (hyperoru
# derives the stream URL from the base URL, and sends a stored token only to its context's base
# URL); "watch_small" and "watch_large" for the same server under /N, which then sends N messages.
mkdir -m 700 "$work/config"
context_json() {  # context_json NAME BASE_URL
    cat <<EOF
    "$1": {
      "base_url": "$2",
      "session_token": "$token",
      "email": "bench@example.com",
      "username": "bench",
      "issued_at": "$(date -u +%FT%TZ)"
    }
EOF
}
(
    umask 077
    {
        printf '{\n  "current_context": "default",\n  "contexts": {\n'
        context_json default "$url"
        echo "    ,"
        context_json stream "http://127.0.0.1:$ws_port"
        echo "    ,"
        context_json watch_small "http://127.0.0.1:$ws_port/$watch_small"
        echo "    ,"
        context_json watch_large "http://127.0.0.1:$ws_port/$watch_large"
        printf '  }\n}\n'
    } >"$work/config/config.json"
)
export HYPERORU_CONFIG_DIR="$work/config"
unset HYPERORU_TOKEN HYPERORU_BASE_URL HYPERORU_CONTEXT

echo "bench: checking that every command returns what it should" >&2
expect() {  # expect WHAT ACTUAL WANTED
    [[ "$2" == "$3" ]] || die "$1: got '$2', expected '$3'"
}
auth="Authorization: Bearer $token"
expect "hyperoru price BTC" "$("$binary" price BTC | jq -r .symbol)" BTC
expect "curl (price)" "$(curl -sf -H "$auth" "$url/api/crypto/price?symbol=BTC" | jq -r .symbol)" BTC
page_items=$((pages * per_page - 1))
expect "hyperoru account list --all (items)" "$("$binary" account list --all | jq length)" "$page_items"
expect "curl (all pages, items)" \
    "$(curl -sf -H "$auth" "$url/api/account/list?page=[1-$pages]&per_page=$per_page" | jq -s 'map(length) | add')" \
    "$page_items"
expect "hyperoru account list -o json (items)" "$("$binary" account list -o json | jq length)" "$large_accounts"
expect "hyperoru account list -o ndjson (lines)" "$("$binary" account list -o ndjson | wc -l)" "$large_accounts"
table_lines=$("$binary" account list -o table | wc -l)
((table_lines > large_accounts)) || die "hyperoru account list -o table: $table_lines lines for $large_accounts accounts"
"$binary" account list -o raw | cmp -s - "$www/large.json" ||
    die "hyperoru account list -o raw: not the bytes nginx sent"
expect "curl | simdjson-print (items)" \
    "$(curl -sf -H "$auth" "$url/api/account/list" | "$simdjson" | jq length)" "$large_accounts"
# Whether the reference prints what hyperoru prints, byte for byte: said in the report, not required.
if cmp -s <("$binary" account list -o json) <(curl -sf -H "$auth" "$url/api/account/list" | "$simdjson"); then
    simdjson_same=yes
else
    simdjson_same=no
fi
expect "hyperoru watch (lines)" \
    "$(timeout 120 "$binary" --context stream watch --exit-on-disconnect --count "$messages" | wc -l)" \
    "$messages"
"$python" "$here/ws_reader.py" --port "$ws_port" --bytes "$ws_bytes" --token "$token" ||
    die "the raw WebSocket reader failed"

# The other clients are optional: each is compared only when installed and when its checked run
# gives the right answer (else the report says why it is missing, and the run goes on).
ws_url="ws://127.0.0.1:$ws_port/ws?session_token=$token"
subscribe='{"type":"subscribe","request_id":"1","data":{"channels":["trades"]}}'
# wscat ends as soon as its standard input ends (hyperfine gives it /dev/null) and has no message
# count: a FIFO opened read-write never reaches end-of-file. At the server's close frame it exits
# without writing out what it still holds for a pipe (`| wc -l` counts about half the messages),
# so it is sent no close frame (?after=heartbeat: a heartbeat message every 10 ms after the N
# messages) and `head -n N` ends the run: wscat dies at its first write after head has its N lines
# (its message about that write goes to /dev/null).
wscat_stdin="$work/wscat.stdin"
mkfifo "$wscat_stdin"
wscat_line="wscat -c $(q "$ws_url&after=heartbeat") -x $(q "$subscribe") -w 600 0<>$(q "$wscat_stdin") 2>/dev/null"
check_http() {
    [[ "$(http --ignore-stdin GET "$url/api/crypto/price?symbol=BTC" "Authorization:Bearer $token" |
        jq -r .symbol)" == BTC ]]
}
check_websocat() {
    [[ "$(timeout 60 websocat -q -n -t --max-messages-rev "$messages" "$ws_url" </dev/null | wc -l)" == "$messages" ]]
}
check_wscat() {
    [[ "$(timeout 120 sh -c "$wscat_line | head -n $messages" </dev/null | wc -l)" == "$messages" ]]
}
version_http() { http --version; }
version_websocat() { websocat --version | awk '{ print $2 }'; }
version_wscat() { wscat --version; }
optional() {  # optional NAME: prints its version, or why it is left out (then fails)
    local name=$1 version
    if ! have "$name"; then
        echo "not installed"
        return 1
    fi
    version=$("version_$name" 2>/dev/null || echo "?")
    if ! "check_$name"; then
        echo "bench: $name gave a wrong answer in its check run: left out" >&2
        echo "$version (left out: its check run failed)"
        return 1
    fi
    echo "$version"
}
use_httpie=0 use_websocat=0 use_wscat=0
httpie_version=$(optional http) && use_httpie=1
websocat_version=$(optional websocat) && use_websocat=1
wscat_version=$(optional wscat) && use_wscat=1

# -- 5. measurements ----------------------------------------------------------------------------
bin=$(q "$binary")
declare -A command_of=() stages_of=()

# piped ROLE STAGE...: sets $piped to the `sh -c` command line of the pipeline STAGE | STAGE...
# (each a command line as above), and keeps the stages for rss, which measures each one.
piped() {
    local role=$1 line=$2
    stages_of[$role]=$(printf '%s\n' "${@:2}")
    shift 2
    while (($#)); do
        line+=" | $1"
        shift
    done
    piped="sh -c $(q "$line")"
}

# rss ROLE OUTPUT: appends to rss.tsv ROLE, its peak resident set size in kilobytes (GNU time's
# "Maximum resident set size", the largest of mem_runs runs) and, for a pipeline, each stage's: the
# stages run at the same time, so a pipeline's peak is the sum of its processes' peaks. Within one
# process tree (the sh loop of §3) it is the largest process's.
rss() {
    local role=$1 output=$2 i n line kbytes total parts best=0 best_parts=
    local -a stages
    if [[ -n "${stages_of[$role]:-}" ]]; then
        mapfile -t stages <<<"${stages_of[$role]}"
    else
        stages=("${command_of[$role]}")
    fi
    for ((i = 0; i < mem_runs; i++)); do
        line=
        for ((n = 0; n < ${#stages[@]}; n++)); do
            rm -f "$work/rss.$n"
            line+="${line:+ | }/usr/bin/time -f %M -o $(q "$work/rss.$n") ${stages[n]}"
        done
        if [[ "$output" == pipe ]]; then line+=" | cat >/dev/null"; else line+=" >/dev/null"; fi
        # Every command ran correctly in its check and under hyperfine; a stage that the next one
        # ends (wscat, ended by head) exits non-zero, which is no failure here.
        eval "$line" </dev/null || true
        total=0 parts=
        for ((n = 0; n < ${#stages[@]}; n++)); do
            kbytes=$(tail -n 1 "$work/rss.$n" 2>/dev/null || true)
            [[ "$kbytes" =~ ^[0-9]+$ ]] || die "no peak memory for $role (${stages[n]})"
            total=$((total + kbytes))
            parts+="${parts:+ }$kbytes"
        done
        if ((total > best)); then best=$total best_parts=$parts; fi
    done
    printf '%s\t%s\t%s\n' "$role" "$best" "$best_parts" >>"$results/rss.tsv"
}

# section NAME OUTPUT RUNS WARMUP ROLE LABEL COMMAND [ROLE LABEL COMMAND]...
# One hyperfine set, run in $rounds separate rounds (NAME.1.json, NAME.2.json, ...), then the peak
# memory of each command. The NAME/ROLE/LABEL/COMMAND rows go to commands.tsv for report.py.
section() {
    local name=$1 output=$2 runs=$3 warmup=$4 round role
    shift 4
    local -a names=() roles=()
    while (($#)); do
        printf '%s\t%s\t%s\t%s\n' "$name" "$1" "$2" "$3" >>"$results/commands.tsv"
        command_of[$1]=$3
        roles+=("$1")
        names+=(-n "$2" "$3")
        shift 3
    done
    for ((round = 1; round <= rounds; round++)); do
        echo >&2
        echo "bench: $name, round $round of $rounds ($runs runs after $warmup warm-up runs each)" >&2
        hyperfine -N --style basic --output="$output" --warmup "$warmup" --runs "$runs" \
            --export-json "$results/$name.$round.json" "${names[@]}" >&2
    done
    echo "bench: peak memory of $name" >&2
    for role in "${roles[@]}"; do
        rss "$role" "$output"
    done
}

curl_auth="-H $(q "$auth")"
large_url=$(q "$url/api/account/list")

# 1. startup
section startup pipe "$runs_fast" "$warm_fast" \
    startup.hyperoru "hyperoru --version" "$bin --version" \
    startup.curl "curl --version" "curl --version"

# 2. one call
section call pipe "$runs_fast" "$warm_fast" \
    call.hyperoru "hyperoru price BTC" "$bin price BTC" \
    call.curl "curl -s, one request" "curl -s $curl_auth $(q "$url/api/crypto/price?symbol=BTC")"
if ((use_httpie)); then
    # HTTPie takes a few hundred milliseconds a run: its own set with fewer runs.
    section httpie pipe "$runs_httpie" "$warm_httpie" \
        call.httpie "http (HTTPie)" \
        "http --ignore-stdin GET $(q "$url/api/crypto/price?symbol=BTC") $(q "Authorization:Bearer $token")"
fi

# 3. many calls in one process
loop="i=1; while [ \$i -le $pages ]; do curl -s -H \"$auth\" \"$url/api/account/list?page=\$i&per_page=$per_page\"; i=\$((i + 1)); done"
section pages pipe "$runs_pages" "$warm_pages" \
    pages.hyperoru "hyperoru account list --all" "$bin account list --all" \
    pages.ndjson "hyperoru account list --all -o ndjson (reference)" "$bin account list --all -o ndjson" \
    pages.raw "hyperoru account list --all -o raw (reference)" "$bin account list --all -o raw" \
    pages.curl "curl, $pages URLs in one invocation" \
    "curl -s $curl_auth $(q "$url/api/account/list?page=[1-$pages]&per_page=$per_page")" \
    pages.loop "sh loop of $pages curl processes" "sh -c $(q "$loop")"

# 4. a large response
piped large.simdjson "curl -s $curl_auth $large_url" "$(q "$simdjson")"
simdjson_pipeline=$piped
piped large.jq "curl -s $curl_auth $large_url" "jq ."
jq_pipeline=$piped
section large pipe "$runs_large" "$warm_large" \
    large.json "hyperoru account list -o json" "$bin account list -o json" \
    large.ndjson "hyperoru account list -o ndjson" "$bin account list -o ndjson" \
    large.table "hyperoru account list -o table" "$bin account list -o table" \
    large.raw "hyperoru account list -o raw" "$bin account list -o raw" \
    large.simdjson "curl -s | simdjson-print (reference)" "$simdjson_pipeline" \
    large.jq "curl -s | jq ." "$jq_pipeline" \
    large.curl "curl -s (fetch alone, floor)" "curl -s $curl_auth $large_url" \
    large.cat "cat of the file (floor)" "cat $(q "$www/large.json")"

# 5. streaming. --exit-on-disconnect: a message lost would end hyperoru with an error (which stops
# hyperfine) instead of a reconnection that hides it.
watch="$bin --context stream watch --exit-on-disconnect --count $messages"
section stream null "$runs_stream" "$warm_stream" \
    stream.hyperoru "hyperoru watch --count $messages" "$watch" \
    stream.reader "raw socket reader (Python, start included)" \
    "$(q "$python") $(q "$here/ws_reader.py") --port $ws_port --bytes $ws_bytes --token $token"
pipe_args=(stream_pipe.hyperoru "hyperoru watch --count $messages, to a pipe" "$watch")
if ((use_wscat)); then
    piped stream_pipe.wscat "$wscat_line" "head -n $messages"
    pipe_args+=(stream_pipe.wscat "wscat | head -n $messages" "$piped")
fi
if ((use_websocat)); then
    # -n: no close frame at the end of its standard input (hyperfine gives it /dev/null), so it
    # reads on until the Nth message or the server's close.
    pipe_args+=(stream_pipe.websocat "websocat, to a pipe"
        "websocat -q -n -t --max-messages-rev $messages $(q "$ws_url")")
fi
section stream_pipe pipe "$runs_stream" "$warm_stream" "${pipe_args[@]}"
# The server's own delivery time, measured inside the raw reader (no interpreter start).
for ((i = 0; i < runs_stream; i++)); do
    "$python" "$here/ws_reader.py" --port "$ws_port" --bytes "$ws_bytes" --token "$token" \
        --timing "$results/server_delivery.txt"
done
# Memory over a long stream: the same command over watch_small and watch_large messages, to a pipe
# that counts the lines (a message lost ends it early, with an error and fewer lines).
echo "bench: peak memory of watch over $watch_small and $watch_large messages" >&2
for context in watch_small watch_large; do
    count=${!context}
    best=0
    least=$count
    for ((i = 0; i < mem_runs; i++)); do
        lines=$(/usr/bin/time -f %M -o "$work/rss.watch" "$binary" --context "$context" watch \
            --exit-on-disconnect --count "$count" </dev/null | wc -l) || true
        kbytes=$(tail -n 1 "$work/rss.watch")
        [[ "$kbytes" =~ ^[0-9]+$ ]] || die "no peak memory for watch over $count messages"
        if ((kbytes > best)); then best=$kbytes; fi
        if ((lines < least)); then least=$lines; fi
    done
    printf '%s\t%s\t%s\n' "$count" "$best" "$least" >>"$results/watch_memory.tsv"
done

# 6. binary size
strip -o "$work/hyperoru.stripped" "$binary"

# -- the report ---------------------------------------------------------------------------------
load_end=$(cut -d' ' -f1 /proc/loadavg)
cpu=$(lscpu 2>/dev/null | awk -F': *' '/^Model name/ { print $2; exit }' || true)
[[ -n "$cpu" ]] || cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
# shellcheck disable=SC1091 # a system file, read only for its PRETTY_NAME
os=$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-unknown}" || echo unknown)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
{
    echo "mode=$( ((quick)) && echo quick || echo full)"
    echo "date=$(date -u +%F)"
    echo "cpu=$cpu"
    echo "cores=$(nproc)"
    echo "load_start=$load_start"
    echo "load_end=$load_end"
    echo "kernel=$(uname -srm)"
    echo "os=$os"
    echo "hyperoru_version=$("$binary" --version | awk '{ print $2 }')"
    echo "commit=$commit"
    echo "build=$build_note"
    echo "binary=$binary"
    echo "binary_shown=$binary_shown"
    echo "binary_bytes=$(stat -c %s "$binary")"
    echo "stripped_bytes=$(stat -c %s "$work/hyperoru.stripped")"
    echo "curl_version=$(curl --version | awk 'NR == 1 { print $2 }')"
    echo "hyperfine_version=$(hyperfine --version | awk '{ print $2 }')"
    echo "nginx_version=$("$nginx_bin" -v 2>&1 | sed 's|.*nginx/||')"
    echo "jq_version=$(jq --version | sed 's/^jq-//')"
    echo "python_version=$("$python" -c 'import platform; print(platform.python_version())')"
    echo "gxx_version=$(g++ -dumpfullversion)"
    echo "simdjson_version=$("$simdjson" --version | sed 's/^simdjson //')"
    echo "simdjson_same=$simdjson_same"
    echo "httpie_version=$httpie_version"
    echo "websocat_version=$websocat_version"
    echo "wscat_version=$wscat_version"
    echo "pages=$pages"
    echo "per_page=$per_page"
    echo "pages_bytes=$pages_bytes"
    echo "price_bytes=$price_bytes"
    echo "large_bytes=$large_bytes"
    echo "large_accounts=$large_accounts"
    echo "messages=$messages"
    echo "watch_small=$watch_small"
    echo "watch_large=$watch_large"
    echo "ws_bytes=$ws_bytes"
    echo "rounds=$rounds"
    echo "runs_fast=$runs_fast"
    echo "runs_httpie=$runs_httpie"
    echo "mem_runs=$mem_runs"
    echo "work=$work"
    echo "bench_dir=$here"
    echo "python=$python"
    echo "token=$token"
    echo "port=$port"
    echo "ws_port=$ws_port"
} >"$results/meta.env"

echo >&2
"$python" "$here/report.py" --results "$results" --out "$out"
echo >&2
echo "bench: wrote $out" >&2
if awk -v load="$load_start" 'BEGIN { exit !(load > 0.5) }'; then
    echo "bench: the 1-minute load average was $load_start at the start: not an idle machine," \
        "these numbers are not for committing" >&2
fi
if ((check)) && [[ -s "$results/missed.txt" ]]; then
    echo "bench: targets missed:" >&2
    sed 's/^/  /' "$results/missed.txt" >&2
    exit 1
fi
