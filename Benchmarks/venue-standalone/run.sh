#!/usr/bin/env bash
# The matching-engine benchmark (VenueBenchmarks' fixture and loop) built standalone with
# swiftc -O -wmo from VegaCore + VegaVenue/Matching, for when a release build of the benchmark
# package is out of reach: per-op time from clock_gettime pairs, mallocs from an LD_PRELOAD
# counter. Usage: Benchmarks/venue-standalone/run.sh [samples]   (default 40)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/m"
for f in "$root"/Sources/VegaVenue/Matching/*.swift; do sed 's/^import VegaCore$//' "$f" > "$out/m/$(basename "$f")"; done
python3 - "$root/Benchmarks/Benchmarks/VenueBenchmarks/VenueBenchmarks.swift" "$here/harness.swift" "$out/main.swift" <<'PY'
import sys
src = open(sys.argv[1]).read()
fixture = src[src.index("/// SplitMix64, for a mix"):src.index("/// Every operation of the mix, each timed with the TSC.")]
fixture = fixture.replace("final class MatchingFixture: @unchecked Sendable", "final class MatchingFixture")
fixture = fixture[:fixture.index("    func run(_ benchmark: Benchmark) {")] + "}\n"
h = open(sys.argv[2]).read()
marker = "// FIXTURE (inserted by run.sh from ../Benchmarks/VenueBenchmarks/VenueBenchmarks.swift)\n"
open(sys.argv[3], "w").write(h.replace(marker, fixture))
PY
gcc -O2 -shared -fPIC -o "$out/libcount.so" "$here/malloc-count.c"
swiftc -O -wmo -module-name VenueBench "$root"/Sources/VegaCore/*.swift "$out"/m/*.swift "$out/main.swift" -o "$out/venuebench" 2>/dev/null
LD_PRELOAD="$out/libcount.so" "$out/venuebench" "${1:-40}"
