#!/usr/bin/env bash
# Vega's FIX 4.4 engine against QuickFIX 1.15 (Debian libquickfix-dev), both measured in one run
# of this script on this machine:
#   1. codec — Vega: FIXBenchmarks (package-benchmark): parse + validate the NewOrderSingle of
#      Fixtures/FIX/new-order-single.fix, encode the ExecutionReport of
#      Fixtures/FIX/execution-report.fix with FIXExecutionReportEncoder and with the general
#      FIXEncoder (byte-identical output checked for both). QuickFIX: qf-bench codec
#      on the same two files (Message::setString with validation + DataDictionary::validate;
#      Message::toString; and build + toString). Ratio = QuickFIX ns / Vega ns (thread CPU time,
#      medians; target >= 10x on both).
#   2. session round trip over loopback — the same QuickFIX initiator (qf-bench session) against
#      (a) qf-acceptor, QuickFIX's own acceptor running the executor rules, and (b)
#      fix-executor-bench, Vega's FIXEngine acceptor running FIXExecutorBook (what
#      `vega fix executor` runs) on the event loop through FIXEngine's onMessage handler. Marketable orders: ExecutionReport New + fill each.
#      Latency phase: one order in flight, NewOrderSingle → ExecutionReport New, p50/p99/p99.9;
#      throughput phase: WINDOW orders in flight, sustained orders/s. Both acceptors use a file
#      store without fsync (QuickFIX's FileStore never fsyncs; Vega: FileStoreSync=N) and check
#      every message against the FIX 4.4 dictionary.
# Prints one summary table at the end; raw results in Benchmarks/.data/fix-compare/.
#
# usage: Benchmarks/fix-compare.sh
# env:   VEGA_BENCH_SCRATCH   scratch path of the benchmark package (default <repo>/.build-qf-bench)
#        SKIP_SWIFT_BENCH=1   reuse .data/results/fix-*.json of an earlier run (then not "same run")
#        SESSION_ORDERS       latency-phase orders (default 20000), SESSION_WARMUP (default 2000)
#        SESSION_TPUT_ORDERS  throughput-phase orders (default 100000), SESSION_WINDOW (default 64)
#        QF_ITERATIONS        qf-bench codec iterations per repeat (default 200000)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
DATA=$HERE/.data
OUT=$DATA/fix-compare
RESULTS=$DATA/results
SCRATCH=${VEGA_BENCH_SCRATCH:-$ROOT/.build-qf-bench}
mkdir -p "$OUT" "$RESULTS"
DICT=$ROOT/Tests/QuickFIX/FIX44-Vega.xml
NOS=$HERE/Fixtures/FIX/new-order-single.fix
ER=$HERE/Fixtures/FIX/execution-report.fix

PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

echo "== QuickFIX drivers (Tests/QuickFIX/build.sh)" >&2
QF=$("$ROOT/Tests/QuickFIX/build.sh" "$DATA/quickfix" | tail -1)

if [[ "${SKIP_SWIFT_BENCH:-0}" != 1 ]]; then
    echo "== FIXBenchmarks (package-benchmark)" >&2
    rm -f "$RESULTS"/fix-*.json
    (cd "$HERE" && swift package --scratch-path "$SCRATCH" benchmark --target FIXBenchmarks) | tee "$OUT/benchmark-output.txt" >&2
fi

echo "== qf-bench codec (same fixtures)" >&2
"$QF/qf-bench" codec --dict "$DICT" --nos "$NOS" --er "$ER" --iterations "${QF_ITERATIONS:-200000}" --repeats 9 \
    | tee "$OUT/quickfix-codec.jsonl" >&2

echo "== fix-executor-bench (release)" >&2
(cd "$HERE" && swift build -c release --product fix-executor-bench --scratch-path "$SCRATCH" >&2)
VEGA_EXECUTOR=$SCRATCH/release/fix-executor-bench

# Starts an acceptor command (remaining args) that prints "LISTENING port=P"; sets PORT.
start_acceptor() {
    local log=$1; shift
    "$@" >"$log" 2>"$log.err" &
    PIDS+=($!)
    ACCEPTOR_PID=$!
    for _ in $(seq 1 600); do
        PORT=$(sed -n 's/^LISTENING port=//p' "$log")
        [[ -n "$PORT" ]] && return 0
        kill -0 "$ACCEPTOR_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "acceptor did not start: $*" >&2
    cat "$log" "$log.err" >&2
    exit 1
}

session_cfgs() {  # $1 dir: a fresh directory with acceptor.cfg (read by both acceptors)
    local dir=$1
    rm -rf "$dir" && mkdir -p "$dir"
    cat >"$dir/acceptor.cfg" <<EOF
[DEFAULT]
ConnectionType=acceptor
SocketAcceptPort=0
FileStorePath=$dir/acceptor-store
FileStoreSync=N
StartTime=00:00:00
EndTime=00:00:00
HeartBtInt=30
SocketNodelay=Y
ResetOnLogon=Y
UseDataDictionary=Y
DataDictionary=$DICT
MaxMessagesPerSecond=0
[SESSION]
BeginString=FIX.4.4
SenderCompID=EXEC
TargetCompID=BENCH
EOF
}

initiator_cfg() {  # $1 dir, $2 port
    cat >"$1/initiator.cfg" <<EOF
[DEFAULT]
ConnectionType=initiator
SocketConnectHost=127.0.0.1
SocketConnectPort=$2
StartTime=00:00:00
EndTime=00:00:00
HeartBtInt=30
ReconnectInterval=1
SocketNodelay=Y
ResetOnLogon=Y
UseDataDictionary=Y
DataDictionary=$DICT
[SESSION]
BeginString=FIX.4.4
SenderCompID=BENCH
TargetCompID=EXEC
EOF
}

run_session() {  # $1 name, then the acceptor command
    local name=$1; shift
    local dir=$OUT/session-$name
    session_cfgs "$dir"
    start_acceptor "$dir/acceptor.out" "$@" --config "$dir/acceptor.cfg"
    initiator_cfg "$dir" "$PORT"
    echo "== session round trip: QuickFIX initiator -> $name (port $PORT)" >&2
    "$QF/qf-bench" session --config "$dir/initiator.cfg" --orders "${SESSION_ORDERS:-20000}" \
        --warmup "${SESSION_WARMUP:-2000}" --window "${SESSION_WINDOW:-64}" \
        --throughput-orders "${SESSION_TPUT_ORDERS:-100000}" | tee "$OUT/session-$name.jsonl" >&2
    kill -TERM "$ACCEPTOR_PID"
    wait "$ACCEPTOR_PID" || true
}

run_session quickfix "$QF/qf-acceptor" --quiet
run_session vega "$VEGA_EXECUTOR"

python3 - "$RESULTS" "$OUT" <<'EOF'
import json, sys, os
results, out = sys.argv[1], sys.argv[2]
def load(path):
    return {j["name"]: j for j in (json.loads(l) for l in open(path) if l.strip())}
vega = {}
for n in ("fix-nos-parse-validate", "fix-nos-parse-then-validate", "fix-er-encode", "fix-er-encode-fields",
          "fix-er-order-set", "fix-er-encode-general"):
    p = os.path.join(results, n + ".json")
    if os.path.exists(p): vega[n] = json.load(open(p))
qf = load(os.path.join(out, "quickfix-codec.jsonl"))
rows = [("parse + validate NewOrderSingle (one fused pass)", "fix-nos-parse-validate", "quickfix-nos-parse-validate"),
        ("parse, then validate (two passes: the reference)", "fix-nos-parse-then-validate", "quickfix-nos-parse-validate"),
        ("encode ExecutionReport (order template)", "fix-er-encode", "quickfix-er-serialise"),
        ("encode ExecutionReport (QuickFIX builds the message too)", "fix-er-encode", "quickfix-er-build-serialise"),
        ("encode ExecutionReport, all fields per report", "fix-er-encode-fields", "quickfix-er-serialise"),
        ("render the order template (once per order)", "fix-er-order-set", "quickfix-er-serialise"),
        ("encode ExecutionReport, general FIXEncoder", "fix-er-encode-general", "quickfix-er-serialise")]
print("\nFIX codec, thread CPU ns per message (medians), same bytes both sides")
print(f"{'operation':58} {'Vega ns':>9} {'QuickFIX ns':>12} {'ratio':>8} {'QF allocs':>10}")
for label, v, q in rows:
    if v not in vega or q not in qf: continue
    vn, qn = vega[v]["cpu_ns_per_op_median"], qf[q]["cpu_ns_per_op_median"]
    print(f"{label:58} {vn:9.1f} {qn:12.1f} {qn/vn:7.1f}x {qf[q]['allocs_per_op']:10.1f}")
print("(Vega mallocs per sample: 0, checked by `benchmark thresholds check --target FIXBenchmarks --metric mallocCountTotal`)")
print("\nSession round trip over loopback, QuickFIX initiator -> acceptor -> ExecutionReport")
print(f"{'acceptor':10} {'p50 us':>8} {'p99 us':>8} {'p99.9 us':>9} {'max us':>9} {'orders/s (1 in flight)':>23} {'orders/s (window)':>18}")
for name in ("quickfix", "vega"):
    p = os.path.join(out, f"session-{name}.jsonl")
    if not os.path.exists(p): continue
    s = load(p)
    lat, tp = s["session-latency"], s["session-throughput"]
    print(f"{name:10} {lat['p50_us']:8.1f} {lat['p99_us']:8.1f} {lat['p999_us']:9.1f} {lat['max_us']:9.1f} "
          f"{lat['orders_per_s']:23.0f} {tp['orders_per_s']:18.0f}")
EOF
