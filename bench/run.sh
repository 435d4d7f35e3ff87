#!/usr/bin/env bash
# Benchmarks hyperoru side by side with curl (and jq, HTTPie, websocat, wscat when installed) in
# one run, and writes BENCHMARKS.md: the machine, the date, the commands, the medians, the ratios
# and each target as met or missed. Run it from anywhere; see usage below.
#
# What it does, in order:
#   1. installs what it needs and lacks (nginx-light, hyperfine, time, curl, jq, python3, binutils)
#      with apt-get: as root directly, else through sudo when there is one;
#   2. builds the release preset (hyperoru only), unless --binary/--no-build;
#   3. generates the response bodies (bench/gen_data.py) and starts nginx on a free loopback port
#      (a generated config in a temporary directory, run as the current user) and the WebSocket
#      push server (bench/ws_server.py);
#   4. writes a config file with a context whose base URL is the nginx URL and a session token, so
#      hyperoru runs exactly as after `hyperoru login`; checks once that every command returns
#      what it should (a fast failure must never pass for a fast run);
#   5. times each section with hyperfine (-N, warm-up, fixed run counts, JSON export) and the peak
#      memory with GNU time, then bench/report.py computes the medians and ratios and writes the
#      Markdown (also printed on stdout; progress goes to stderr).
# nginx and the WebSocket server are stopped and the temporary directory removed on every exit,
# error and Ctrl-C included. Targets are reported, never asserted: the exit status is 0 when the
# measurements were made, whatever they say.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: bench/run.sh [--quick] [--out FILE] [--binary PATH] [--no-build] [--no-install]

  --quick        a smoke run (3 runs each, 10 pages, a 1 MB response, 2000 messages) in well
                 under a minute; also BENCH_QUICK=1. Never writes the committed BENCHMARKS.md:
                 the default output is build/bench/BENCHMARKS-quick.md.
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
out=
binary=
build=1
install=1
while (($#)); do
    case "$1" in
        --quick) quick=1 ;;
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
# milliseconds, one of §4 a fraction of a second). Quick mode: only proves the script works.
per_page=100
if ((quick)); then
    pages=10 large_target=1000000 messages=2000 mem_runs=1
    runs_fast=3 warm_fast=1 runs_httpie=3 warm_httpie=1 runs_pages=3 warm_pages=1
    runs_large=3 warm_large=1 runs_stream=3 warm_stream=1
else
    pages=100 large_target=30000000 messages=100000 mem_runs=3
    runs_fast=200 warm_fast=20 runs_httpie=30 warm_httpie=3 runs_pages=30 warm_pages=3
    runs_large=10 warm_large=2 runs_stream=10 warm_stream=2
fi

have() { command -v "$1" >/dev/null 2>&1; }

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

# -- 2. the binary ------------------------------------------------------------------------------
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

# -- 3. data and servers ------------------------------------------------------------------------
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

# The machine is rarely idle (a build in another terminal skews every number): say how busy it was.
load_start=$(cut -d' ' -f1 /proc/loadavg)
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
# synchronisation (as scripts/demo.sh does with the stand-in).
exec 3< <(exec "$python" "$here/ws_server.py" --messages "$messages" --token "$token")
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
# Two contexts with the same token: "default" for nginx, "stream" for the WebSocket server (hyperoru
# derives the stream URL from the base URL, and sends a stored token only to its context's base URL).
mkdir -m 700 "$work/config"
(
    umask 077
    cat >"$work/config/config.json" <<EOF
{
  "current_context": "default",
  "contexts": {
    "default": {
      "base_url": "$url",
      "session_token": "$token",
      "email": "bench@example.com",
      "username": "bench",
      "issued_at": "$(date -u +%FT%TZ)"
    },
    "stream": {
      "base_url": "http://127.0.0.1:$ws_port",
      "session_token": "$token",
      "email": "bench@example.com",
      "username": "bench",
      "issued_at": "$(date -u +%FT%TZ)"
    }
  }
}
EOF
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
# count: a FIFO opened read-write never reaches end-of-file, so it runs until the server's close.
wscat_stdin="$work/wscat.stdin"
mkfifo "$wscat_stdin"
check_http() {
    [[ "$(http --ignore-stdin GET "$url/api/crypto/price?symbol=BTC" "Authorization:Bearer $token" |
        jq -r .symbol)" == BTC ]]
}
check_websocat() {
    [[ "$(timeout 60 websocat -q -n -t --max-messages-rev "$messages" "$ws_url" </dev/null | wc -l)" == "$messages" ]]
}
check_wscat() {
    # Into a file: wscat exits at the close frame without draining what it still has for a pipe.
    timeout 60 wscat -c "$ws_url" -x "$subscribe" -w 600 0<>"$wscat_stdin" >"$work/wscat.out" || return 1
    [[ "$(wc -l <"$work/wscat.out")" == "$messages" ]]
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
# A word of a hyperfine -N command line, quoted only when it has to be (hyperfine splits -N
# command lines like a POSIX shell).
q() {
    if [[ "$1" =~ ^[A-Za-z0-9_./:@%+=,-]+$ ]]; then
        printf '%s' "$1"
    else
        printf "'%s'" "${1//\'/\'\\\'\'}"
    fi
}
bin=$(q "$binary")

# bench SECTION OUTPUT RUNS WARMUP ROLE LABEL COMMAND [ROLE LABEL COMMAND]...
# One hyperfine invocation; the ROLE/LABEL/COMMAND triples go to commands.tsv for report.py.
bench() {
    local section=$1 output=$2 runs=$3 warmup=$4
    shift 4
    local names=()
    while (($#)); do
        printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$results/commands.tsv"
        names+=(-n "$2" "$3")
        shift 3
    done
    echo >&2
    echo "bench: $section ($runs runs after $warmup warm-up runs each)" >&2
    hyperfine -N --style basic --output="$output" --warmup "$warmup" --runs "$runs" \
        --export-json "$results/$section.json" "${names[@]}" >&2
}

# peak ROLE pipe|null COMMAND...: the largest "Maximum resident set size" of mem_runs runs.
peak() {
    local role=$1 output=$2 best=0 kbytes i
    shift 2
    for ((i = 0; i < mem_runs; i++)); do
        if [[ "$output" == pipe ]]; then
            /usr/bin/time -v -o "$work/time.txt" "$@" | cat >/dev/null
        else
            /usr/bin/time -v -o "$work/time.txt" "$@" >/dev/null
        fi
        kbytes=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")
        if ((kbytes > best)); then best=$kbytes; fi
    done
    printf '%s\t%s\n' "$role" "$best" >>"$results/mem.tsv"
}

curl_auth="-H $(q "$auth")"

# 1. startup
bench startup pipe "$runs_fast" "$warm_fast" \
    startup.hyperoru "hyperoru --version" "$bin --version" \
    startup.curl "curl --version" "curl --version"

# 2. one call
bench call pipe "$runs_fast" "$warm_fast" \
    call.hyperoru "hyperoru price BTC" "$bin price BTC" \
    call.curl "curl -s, one request" "curl -s $curl_auth $(q "$url/api/crypto/price?symbol=BTC")"
if ((use_httpie)); then
    # HTTPie takes a few hundred milliseconds a run: its own invocation with fewer runs.
    bench httpie pipe "$runs_httpie" "$warm_httpie" \
        call.httpie "http (HTTPie)" \
        "http --ignore-stdin GET $(q "$url/api/crypto/price?symbol=BTC") $(q "Authorization:Bearer $token")"
fi

# 3. many calls in one process
loop="i=1; while [ \$i -le $pages ]; do curl -s -H \"$auth\" \"$url/api/account/list?page=\$i&per_page=$per_page\"; i=\$((i + 1)); done"
bench pages pipe "$runs_pages" "$warm_pages" \
    pages.hyperoru "hyperoru account list --all" "$bin account list --all" \
    pages.ndjson "hyperoru account list --all -o ndjson (reference)" "$bin account list --all -o ndjson" \
    pages.raw "hyperoru account list --all -o raw (reference)" "$bin account list --all -o raw" \
    pages.curl "curl, $pages URLs in one invocation" \
    "curl -s $curl_auth $(q "$url/api/account/list?page=[1-$pages]&per_page=$per_page")" \
    pages.loop "sh loop of $pages curl processes" "sh -c $(q "$loop")"

# 4. a large response
bench large pipe "$runs_large" "$warm_large" \
    large.json "hyperoru account list -o json" "$bin account list -o json" \
    large.ndjson "hyperoru account list -o ndjson" "$bin account list -o ndjson" \
    large.table "hyperoru account list -o table" "$bin account list -o table" \
    large.jq "jq . (the same file)" "jq . $(q "$www/large.json")" \
    large.curl "curl -s (fetch only)" "curl -s $curl_auth $(q "$url/api/account/list")"
echo "bench: peak memory of §4" >&2
peak large.json pipe "$binary" account list -o json
peak large.ndjson pipe "$binary" account list -o ndjson
peak large.table pipe "$binary" account list -o table
peak large.jq pipe jq . "$www/large.json"
peak large.curl pipe curl -s -H "$auth" "$url/api/account/list"

# 5. streaming
stream_args=(
    stream.hyperoru "hyperoru watch --count $messages" "$bin --context stream watch --count $messages"
    stream.reader "raw socket reader (Python, start included)"
    "$(q "$python") $(q "$here/ws_reader.py") --port $ws_port --bytes $ws_bytes --token $token"
)
if ((use_websocat)); then
    # -n: no close frame at the end of its standard input (hyperfine gives it /dev/null), so it
    # reads on until the Nth message or the server's close.
    stream_args+=(stream.websocat "websocat"
        "websocat -q -n -t --max-messages-rev $messages $(q "$ws_url")")
fi
if ((use_wscat)); then
    # -x sends a subscribe message and -w keeps it reading afterwards; it exits at the server's
    # close frame.
    stream_args+=(stream.wscat "wscat"
        "sh -c $(q "exec wscat -c '$ws_url' -x '$subscribe' -w 600 0<>'$wscat_stdin'")")
fi
bench stream null "$runs_stream" "$warm_stream" "${stream_args[@]}"
echo "bench: peak memory of §5" >&2
peak stream.hyperoru null "$binary" --context stream watch --count "$messages"
peak stream.reader null "$python" "$here/ws_reader.py" --port "$ws_port" --bytes "$ws_bytes" --token "$token"
# The server's own delivery time, measured inside the raw reader (no interpreter start).
for ((i = 0; i < runs_stream; i++)); do
    "$python" "$here/ws_reader.py" --port "$ws_port" --bytes "$ws_bytes" --token "$token" \
        --timing "$results/server_delivery.txt"
done
if ((use_websocat)); then
    peak stream.websocat null websocat -q -n -t --max-messages-rev "$messages" "$ws_url" </dev/null
fi
if ((use_wscat)); then
    peak stream.wscat null wscat -c "$ws_url" -x "$subscribe" -w 600 0<>"$wscat_stdin"
fi

# 6. binary size
strip -o "$work/hyperoru.stripped" "$binary"

# -- the report ---------------------------------------------------------------------------------
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
    echo "load=$load_start at the start, $(cut -d' ' -f1 /proc/loadavg) at the end"
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
    echo "ws_bytes=$ws_bytes"
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
