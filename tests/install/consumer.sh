#!/usr/bin/env bash
# Builds the example program (examples/) against an install prefix, as a user would, then runs
# it against the installed hyperoru-sandbox and checks its exact output.
#   cmake:      a CMake project with find_package(hyperoru) (CMAKE_PREFIX_PATH=PREFIX)
#   pkg-config: one g++ line with pkg-config --cflags --libs --static hyperoru
# Usage: consumer.sh cmake|pkg-config PREFIX WORK_DIR EXAMPLES_DIR CMAKE MAKE_PROGRAM CXX
set -euo pipefail
mode=$1 prefix=$2 work=$3 examples=$4 cmake=$5 make_program=$6 cxx=$7

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

rm -rf "$work"
mkdir -p "$work"
# Warnings are errors: the example is documentation and must stay clean.
warnings="-Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror"

case "$mode" in
cmake)
    "$cmake" -S "$examples" -B "$work/build" -G Ninja -DCMAKE_MAKE_PROGRAM="$make_program" \
        -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="$warnings" \
        -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$work/configure.log" ||
        { cat "$work/configure.log" >&2; fail "configuring examples/ failed"; }
    # The package must come from the prefix, not from anywhere else on the machine.
    found=$(sed -n 's/^hyperoru_DIR:PATH=//p' "$work/build/CMakeCache.txt")
    [[ "$found" == "$prefix/lib/cmake/hyperoru" ]] || fail "find_package(hyperoru) found '$found'"
    "$cmake" --build "$work/build" >"$work/build.log" || { cat "$work/build.log" >&2; fail "building examples/ failed"; }
    example="$work/build/hyperoru_example"
    ;;
pkg-config)
    command -v pkg-config >/dev/null || fail "pkg-config is not installed (apt-get install pkgconf)"
    flags=$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs --static hyperoru) ||
        fail "pkg-config --static hyperoru failed"
    echo "pkg-config --cflags --libs --static hyperoru: $flags"
    # shellcheck disable=SC2086 # the flags are words
    "$cxx" -std=c++20 $warnings "$examples/main.cpp" -o "$work/hyperoru_example" $flags ||
        fail "compiling examples/main.cpp with the pkg-config flags failed"
    example="$work/hyperoru_example"
    ;;
*) fail "unknown mode $mode" ;;
esac

start_sandbox /dev/stderr "$prefix/bin/hyperoru-sandbox" --port 0 --quiet

# The password goes on standard input; the demo user of the sandbox.
printf 'secret\n' | "$example" "http://127.0.0.1:$port" trader@example.com >"$work/stdout" 2>"$work/stderr" ||
    { cat "$work/stderr" >&2; fail "hyperoru_example failed"; }
cat >"$work/expected" <<'EXPECTED'
Logged in as trader1
Accounts: 3
  1  Main Account
  3  BTC Momentum
  4  ETH Swing
BTC price: 67012.50
EXPECTED
diff -u "$work/expected" "$work/stdout" || fail "unexpected output from hyperoru_example"
[[ ! -s "$work/stderr" ]] || { cat "$work/stderr" >&2; fail "hyperoru_example wrote to stderr"; }

# Without a password it says so and exits 2 rather than waiting or sending an empty one.
status=0
"$example" "http://127.0.0.1:$port" trader@example.com </dev/null >/dev/null 2>&1 || status=$?
[[ $status -eq 2 ]] || fail "without a password on stdin: exit $status, not 2"
echo "hyperoru_example ($mode) ran against the sandbox on port $port"
