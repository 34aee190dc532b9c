#!/usr/bin/env bash
# Instructions per FIX codec operation, by callgrind (load-independent, unlike ns on a shared VM).
# Builds VegaCore + the FIX codec sources of a checkout with main.swift in one `swiftc -O -wmo`
# module and counts (N ops) - (0 ops) / N for each mode.
#   Benchmarks/fix-instructions/run.sh [checkout-dir (default: this one)] [-D FUSED for the new APIs]
# Needs valgrind (Scripts/install-deps.sh). Prints one line per mode.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
W=${1:-$(dirname "$(dirname "$HERE")")}
FLAGS=${2:-}
export PATH=/opt/swift/usr/bin:$PATH
export FIX_FIXTURES=$HERE/../Fixtures/FIX
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cp "$W"/Sources/VegaCore/*.swift "$T"/
for f in FIXField FIXFieldIndex FIXView FIXValidator FIXDictionary FIXDictionary-table FIXMsgType FIXTimestampFormat \
         FIXText FIXExecutionReportEncoder FIXSessionRejectReason FIXEncoder FIXFieldIndex-validated FIXExecutionReportOrder; do
    [[ -f "$W/Sources/VegaOrderEntry/FIX/$f.swift" ]] && cp "$W/Sources/VegaOrderEntry/FIX/$f.swift" "$T"/
done
sed -i 's/^import VegaCore$//' "$T"/*.swift
cp "$HERE/main.swift" "$T/main.swift"
# shellcheck disable=SC2086
swiftc -O -wmo $FLAGS -module-name FIXH -o "$T/fixh" "$T"/*.swift 2>&1 | grep -E "error" || true
objcopy --strip-debug "$T/fixh" "$T/fixh.s"  # valgrind 3.19 cannot read the toolchain's DWARF 5
count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$T/fixh.s" "$@" 2>&1 | awk '/Collected/ {print $NF}'; }
per() { local a b; a=$(count "$1" 0 "${@:2}"); b=$(count "$1" 20000 "${@:2}"); echo $(( (b - a) / 20000 )); }
echo "parse+validate (fused when -D FUSED): $(per parse) instructions/op"
echo "parse, then validate:                 $(per parse x) instructions/op"
echo "encode ER, all fields:                $(per encode) instructions/op"
if [[ "$FLAGS" == *FUSED* ]]; then
    echo "encode ER, order template:            $(per template) instructions/op"
    echo "encode ER, template, partial fill:    $(per template-partial) instructions/op"
    echo "render the order template:            $(per set) instructions/op"
fi
