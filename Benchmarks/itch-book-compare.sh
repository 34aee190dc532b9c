#!/usr/bin/env bash
# Vega's ITCH decode and books against the PyPI itch-book (C++23 order-by-order book), on one
# generated 20 M-message file, in one run of this script:
#   1. generates the input once (Benchmarks/.data/itch-20m-seed1.itch, gitignored);
#   2. runs the MarketDataBenchmarks (C framing walk, Vega decode-only, Vega decode + books,
#      books' memory) through package-benchmark;
#   3. times `vega feed book FILE --top-of-book vega.csv` (release build);
#   4. installs itch-book==0.2.1 in Benchmarks/.venv (gitignored), times its replay, writes its
#      final top of book in the same CSV format and diffs the two (exit 1 on any difference);
#   5. prints one summary table.
#
# usage: Benchmarks/itch-book-compare.sh [PATH_TO_RELEASE_vega]
# env:   VEGA_BENCH_SCRATCH  scratch path for the benchmark package (default <repo>/.build-mdbench)
#        VEGA_SCRATCH        scratch path for the vega release build (default <repo>/.build-vega-release)
#        SKIP_SWIFT_BENCH=1  reuse Benchmarks/.data/results/*.json of an earlier run (not "same run")
#        ITCH_BOOK_RUNS      itch-book replays per mode (default 3)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
DATA=$HERE/.data
FILE=$DATA/itch-20m-seed1.itch
OUT=$DATA/compare
RESULTS=$DATA/results
mkdir -p "$DATA" "$OUT" "$RESULTS"

VEGA=${1:-}
if [[ -z "$VEGA" ]]; then
    SCRATCH=${VEGA_SCRATCH:-$ROOT/.build-vega-release}
    echo "== building vega (release, scratch $SCRATCH)" >&2
    (cd "$ROOT" && swift build -c release --product vega --scratch-path "$SCRATCH" >&2)
    VEGA=$SCRATCH/release/vega
fi
[[ -x "$VEGA" ]] || { echo "no vega binary at $VEGA" >&2; exit 2; }

if [[ ! -f "$FILE" ]]; then
    echo "== generating $FILE (seed 1, 20,000,000 messages, 8,000 symbols)" >&2
    "$VEGA" feed generate --seed 1 --messages 20000000 --symbols 8000 --out "$FILE.tmp" >&2
    mv "$FILE.tmp" "$FILE"
fi

echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

if [[ "${SKIP_SWIFT_BENCH:-0}" != 1 ]]; then
    echo "== MarketDataBenchmarks (package-benchmark)" >&2
    rm -f "$RESULTS"/*.json
    (cd "$HERE" && swift package --scratch-path "${VEGA_BENCH_SCRATCH:-$ROOT/.build-mdbench}" \
        benchmark --target MarketDataBenchmarks) | tee "$OUT/benchmark-output.txt" >&2
fi

echo "== vega feed book (release): $VEGA" >&2
T0=$(date +%s.%N)
"$VEGA" feed book "$FILE" --quiet --top-of-book "$OUT/vega-top-of-book.csv" > "$OUT/vega-feed-book.txt"
T1=$(date +%s.%N)
cat "$OUT/vega-feed-book.txt" >&2
VEGA_WALL=$(python3 -c "print($T1 - $T0)")

echo "== itch-book 0.2.1 in $HERE/.venv" >&2
[[ -x "$HERE/.venv/bin/python" ]] || python3 -m venv "$HERE/.venv"
"$HERE/.venv/bin/pip" install --quiet --disable-pip-version-check itch-book==0.2.1 >&2

"$HERE/.venv/bin/python" "$HERE/itch_book_compare.py" "$FILE" "$OUT/vega-top-of-book.csv" \
    "$OUT/vega-feed-book.txt" "$VEGA_WALL" "$RESULTS" "$OUT" "${ITCH_BOOK_RUNS:-3}" | tee "$OUT/summary.txt"
