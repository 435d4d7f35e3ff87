#!/usr/bin/env bash
# Installs the build tree into a fresh prefix and checks what is there: the files, that the
# installed package files name no path of the source or build tree, and that the installed
# binary and sandbox run.
# Usage: prefix.sh CMAKE BUILD_DIR PREFIX VERSION SOURCE_DIR
set -euo pipefail
cmake=$1 build_dir=$2 prefix=$3 version=$4 source_dir=$5

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

rm -rf "$prefix"
"$cmake" --install "$build_dir" --prefix "$prefix" >/dev/null

for file in bin/hyperoru bin/hyperoru-sandbox lib/libhyperoru.a \
    include/hyperoru/client.hpp include/hyperoru/http.hpp include/hyperoru/version.hpp \
    lib/cmake/hyperoru/hyperoruConfig.cmake lib/cmake/hyperoru/hyperoruConfigVersion.cmake \
    lib/cmake/hyperoru/hyperoruTargets.cmake lib/pkgconfig/hyperoru.pc; do
    [[ -f "$prefix/$file" ]] || fail "missing $file"
done
# The man pages and completions that cmake/Install.cmake was handed (one path a line).
while IFS= read -r doc; do
    [[ -z "$doc" || -s "$prefix/$doc" ]] || fail "missing or empty $doc"
done <"$build_dir/hyperoru-installed-docs.txt"
# ... which are the man page and the three completions the build generates (CMakeLists.txt sets
# the hooks), where man and the shells look for them.
for doc in share/man/man1/hyperoru.1.gz share/bash-completion/completions/hyperoru \
    share/zsh/vendor-completions/_hyperoru share/fish/vendor_completions.d/hyperoru.fish; do
    grep -qxF "$doc" "$build_dir/hyperoru-installed-docs.txt" || fail "hyperoru-installed-docs.txt lacks $doc"
    [[ -s "$prefix/$doc" ]] || fail "missing or empty $doc"
done
for header in "$source_dir"/include/hyperoru/*.hpp; do
    cmp -s "$header" "$prefix/include/hyperoru/${header##*/}" || fail "header ${header##*/} not installed as is"
done
[[ -x "$prefix/bin/hyperoru-sandbox" ]] || fail "bin/hyperoru-sandbox is not executable"
[[ "$(head -n 1 "$prefix/bin/hyperoru-sandbox")" == '#!/usr/bin/env python3' ]] ||
    fail "bin/hyperoru-sandbox does not start with #!/usr/bin/env python3"

# A package that names the source or build tree works only on this machine, until a rebuild.
for tree in "$source_dir" "$build_dir"; do
    if grep -rlF "$tree" "$prefix/lib/cmake" "$prefix/lib/pkgconfig" >&2; then
        fail "the files above name $tree"
    fi
done

[[ "$("$prefix/bin/hyperoru" --version)" == "hyperoru $version" ]] || fail "hyperoru --version is not 'hyperoru $version'"
"$prefix/bin/hyperoru-sandbox" --help >/dev/null || fail "hyperoru-sandbox --help failed"
# The launcher finds its package in share/hyperoru/sandbox; only the package is installed there.
[[ -f "$prefix/share/hyperoru/sandbox/hyperoru_sandbox/market.py" ]] ||
    fail "share/hyperoru/sandbox/hyperoru_sandbox/market.py is not installed"
[[ -z "$(find "$prefix/share/hyperoru/sandbox" -name __pycache__ -o -name 'test_*')" ]] ||
    fail "share/hyperoru/sandbox holds caches or tests"

# The installed completions are what the installed binary prints, and bash loads its file.
for shell_file in bash:share/bash-completion/completions/hyperoru zsh:share/zsh/vendor-completions/_hyperoru \
    fish:share/fish/vendor_completions.d/hyperoru.fish; do
    "$prefix/bin/hyperoru" completion "${shell_file%%:*}" | cmp -s - "$prefix/${shell_file#*:}" ||
        fail "${shell_file#*:} is not the output of hyperoru completion ${shell_file%%:*}"
done
registered=$(bash --norc --noprofile -c 'source "$1" && complete -p hyperoru' _ \
    "$prefix/share/bash-completion/completions/hyperoru") || fail "bash cannot load the installed completion"
[[ "$registered" == 'complete -F _hyperoru hyperoru' ]] || fail "the bash completion registered '$registered'"

# The page is installed compressed (Debian policy), as the build generated it, and only so.
gzip -dc "$prefix/share/man/man1/hyperoru.1.gz" | cmp -s - "$build_dir/docs/hyperoru.1" ||
    fail "share/man/man1/hyperoru.1.gz is not the generated page, gzipped"
[[ ! -e "$prefix/share/man/man1/hyperoru.1" ]] || fail "share/man/man1/hyperoru.1 installed uncompressed too"
# man reads the installed page without a warning.
command -v man >/dev/null || fail "man is not installed (apt-get install man-db)"
man_stderr="$(dirname "$prefix")/man.stderr"
page=$(LC_ALL=C MANPAGER=cat MANWIDTH=100 man -l "$prefix/share/man/man1/hyperoru.1.gz" 2>"$man_stderr") ||
    { cat "$man_stderr" >&2; fail "man -l share/man/man1/hyperoru.1.gz failed"; }
[[ ! -s "$man_stderr" ]] || { cat "$man_stderr" >&2; fail "man -l share/man/man1/hyperoru.1.gz wrote to stderr"; }
grep -qxF '       hyperoru - the command-line client for the Hyperoru AI trading API' <<<"$page" ||
    fail "man -l share/man/man1/hyperoru.1.gz shows no NAME line"
echo "installed into $prefix"
