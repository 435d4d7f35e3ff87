#!/usr/bin/env bash
# Makes the .deb with cpack, checks its control fields and contents, unpacks it and runs the
# binary and the sandbox from it.
# Usage: deb.sh CPACK BUILD_DIR WORK_DIR VERSION
set -euo pipefail
cpack=$1 build_dir=$2 work=$3 version=$4

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

rm -rf "$work"
mkdir -p "$work"
# cpack computes Depends with dpkg-shlibdeps, and finds the binaries to give it with file.
command -v dpkg-shlibdeps >/dev/null || fail "dpkg-shlibdeps is not installed (apt-get install dpkg-dev)"
command -v file >/dev/null || fail "file is not installed (apt-get install file)"
(cd "$build_dir" && "$cpack" -G DEB --config CPackConfig.cmake -B "$work/out") >"$work/cpack.log" 2>&1 ||
    { cat "$work/cpack.log" >&2; fail "cpack -G DEB failed"; }

arch=$(dpkg --print-architecture)
deb="$work/out/hyperoru_${version}_${arch}.deb"
[[ -f "$deb" ]] || { ls "$work/out" >&2; fail "no $deb"; }

dpkg-deb -I "$deb" >"$work/info"
cat "$work/info"
field() { dpkg-deb -f "$deb" "$1"; }
[[ "$(field Package)" == hyperoru ]] || fail "Package is not hyperoru"
[[ "$(field Version)" == "$version" ]] || fail "Version is not $version"
depends=$(field Depends)
for package in libc6 libcurl4 libssl3 libutf8proc2 libsimdjson14 python3; do
    # As a whole name in the comma-separated list, with or without a version constraint.
    grep -Eq "(^|, )$package( \(|,|$)" <<<"$depends" || fail "Depends lacks $package: $depends"
done

dpkg-deb -c "$deb" >"$work/contents"
for file in usr/bin/hyperoru usr/bin/hyperoru-sandbox usr/share/hyperoru/sandbox/hyperoru_sandbox/cli.py \
    usr/include/hyperoru/client.hpp \
    usr/include/hyperoru/version.hpp usr/lib/libhyperoru.a usr/lib/cmake/hyperoru/hyperoruConfig.cmake \
    usr/lib/cmake/hyperoru/hyperoruTargets.cmake usr/lib/pkgconfig/hyperoru.pc; do
    grep -Eq " \./$file\$" "$work/contents" || fail "the package lacks /$file"
done

while IFS= read -r doc; do
    [[ -z "$doc" ]] || grep -Eq " \./usr/$doc\$" "$work/contents" || fail "the package lacks /usr/$doc"
done <"$build_dir/hyperoru-installed-docs.txt"
# The man page and the completions, where man and the shells of a Debian system find them.
for doc in share/man/man1/hyperoru.1.gz share/bash-completion/completions/hyperoru \
    share/zsh/vendor-completions/_hyperoru share/fish/vendor_completions.d/hyperoru.fish; do
    grep -Eq " \./usr/$doc\$" "$work/contents" || fail "the package lacks /usr/$doc"
done

dpkg-deb -x "$deb" "$work/x"
[[ "$("$work/x/usr/bin/hyperoru" --version)" == "hyperoru $version" ]] || fail "hyperoru --version from the package"
"$work/x/usr/bin/hyperoru-sandbox" --help >/dev/null || fail "hyperoru-sandbox --help from the package failed"
command -v man >/dev/null || fail "man is not installed (apt-get install man-db)"
LC_ALL=C MANPAGER=cat man -l "$work/x/usr/share/man/man1/hyperoru.1.gz" >"$work/man.txt" 2>"$work/man.stderr" ||
    { cat "$work/man.stderr" >&2; fail "man -l of the packaged page failed"; }
[[ ! -s "$work/man.stderr" ]] || { cat "$work/man.stderr" >&2; fail "man -l of the packaged page wrote to stderr"; }
grep -q 'hyperoru - the command-line client' "$work/man.txt" || fail "the packaged man page shows no NAME line"
# The staging and unpacked trees are as big as the build's binaries; kept only on failure.
rm -rf "$work/out/_CPack_Packages" "$work/x"
echo "built and checked ${deb##*/}"
