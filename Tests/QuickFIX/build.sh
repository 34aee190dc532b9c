#!/usr/bin/env bash
# Builds the QuickFIX drivers (qf-initiator, qf-acceptor, qf-bench) against Debian's
# libquickfix-dev into OUT_DIR (default: $TMPDIR/vega-quickfix, never inside the repository's
# tracked files). Rebuilds a binary only when one of its sources is newer, so the interop tests
# may call it at the start of every run. Prints the output directory on its last line.
#
# usage: Tests/QuickFIX/build.sh [OUT_DIR]
# exit:  0 built (or up to date); 3 libquickfix-dev is not installed (callers skip); 1 compile error.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-${TMPDIR:-/tmp}/vega-quickfix}
mkdir -p "$OUT"

# grep without -q reads all of ldconfig's output: with -q it exits at the first match, ldconfig
# dies of SIGPIPE, and under pipefail an installed library reads as missing.
if [[ ! -f /usr/include/quickfix/Session.h ]] || ! ldconfig -p 2>/dev/null | grep 'libquickfix\.so' >/dev/null; then
    echo "libquickfix-dev is not installed (Scripts/install-deps.sh installs it)" >&2
    exit 3
fi

# QuickFIX 1.15's headers use dynamic exception specifications, removed in C++17.
CXXFLAGS=(-std=gnu++14 -O2 -g -Wall -Wno-deprecated -Wno-deprecated-declarations)
if pkg-config --exists quickfix 2>/dev/null; then
    read -r -a QF_CFLAGS <<<"$(pkg-config --cflags quickfix)"
    read -r -a QF_LIBS <<<"$(pkg-config --libs quickfix)"
else
    QF_CFLAGS=()
    QF_LIBS=(-lquickfix)
fi

build() {
    local name=$1; shift
    local sources=("$@")
    local target=$OUT/$name newer=0
    if [[ -x $target ]]; then
        for s in "${sources[@]}" "$HERE/common.h" "$HERE/build.sh"; do
            [[ $s -nt $target ]] && newer=1
        done
    else
        newer=1
    fi
    if ((newer)); then
        echo "building $name" >&2
        g++ "${CXXFLAGS[@]}" "${QF_CFLAGS[@]}" -o "$target.tmp.$$" "${sources[@]}" "${QF_LIBS[@]}" -lpthread
        mv -f "$target.tmp.$$" "$target"
    fi
}

# One lock per output directory: parallel test processes must not compile into the same files.
exec 9>"$OUT/.build.lock"
flock 9
build qf-initiator "$HERE/qf-initiator.cpp" "$HERE/common.cpp"
build qf-acceptor "$HERE/qf-acceptor.cpp" "$HERE/common.cpp"
build qf-bench "$HERE/qf-bench.cpp" "$HERE/common.cpp"
echo "$OUT"
