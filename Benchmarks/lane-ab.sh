#!/usr/bin/env bash
# A/B of two lane-profile builds, alternating, so both see the same minutes of a VM whose speed
# changes under it (Benchmarks/README.md, "The lane's next order ID"). Per round, each binary runs
# TICKS order ticks and the line shows each one's p50 and p99 of handleFrame (TSC, ns).
#
# Usage: Benchmarks/lane-ab.sh A B [ROUNDS] [TICKS]     (defaults 12 and 200000)
#   A, B: lane-profile binaries (<scratch>/release/lane-profile of two checkouts; copy one aside
#         before rebuilding the other)
# Ends with the median and best p50 of each and how many rounds each was the faster of the pair.
set -euo pipefail
A="$1"; B="$2"; ROUNDS="${3:-12}"; TICKS="${4:-200000}"
p50p99() { "$1" orders "$TICKS" 2>&1 | sed -nE 's/.*p50 ([0-9]+) p90 [0-9]+ p99 ([0-9]+).*/\1 \2/p'; }
results=()
for r in $(seq 1 "$ROUNDS"); do
    read -r a50 a99 <<<"$(p50p99 "$A")"
    read -r b50 b99 <<<"$(p50p99 "$B")"
    echo "round $r: A p50 $a50 p99 $a99 | B p50 $b50 p99 $b99"
    results+=("$a50 $b50")
done
printf '%s\n' "${results[@]}" | python3 -c '
import sys, statistics as st
pairs = [tuple(map(int, l.split())) for l in sys.stdin if l.strip()]
a = [p[0] for p in pairs]; b = [p[1] for p in pairs]
print(f"A: median p50 {st.median(a):.0f} ns, best {min(a)} ns; B: median p50 {st.median(b):.0f} ns, best {min(b)} ns; "
      f"B faster in {sum(y < x for x, y in pairs)} of {len(pairs)} rounds")'
