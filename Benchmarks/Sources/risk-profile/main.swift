// Runs TradingBenchmarks' risk check loop (`RiskScenario`) outside package-benchmark, for
// profilers and quick comparisons:
//   risk-profile [batches] [checks per batch]
// e.g. valgrind --tool=callgrind <copy stripped with --strip-debug> 10   → Ir of `riskLoop` / 10,000
//      perf record -e cpu-clock risk-profile 20000
// Prints thread CPU ns per check over all batches and percentiles of the per-check TSC
// latency (the empty start/end pair subtracted), as the benchmark does.
#if canImport(Glibc)
import Glibc
#endif
import MarketDataBenchSupport
import TradingBenchSupport

let args = CommandLine.arguments
let batches = args.count > 1 ? Int(args[1]) ?? 1_000 : 1_000
let perBatch = args.count > 2 ? Int(args[2]) ?? 1_000 : 1_000
guard batches > 0, perBatch > 0 else {
    log("usage: risk-profile [batches ≥ 1] [checks per batch ≥ 1]")
    exit(2)
}
let scenario = RiskScenario()
let cal = TSCCalibration.measure()
let ticks = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: perBatch)
var all = [UInt64]()
all.reserveCapacity(batches * perBatch)
var cpu: UInt64 = 0
for _ in 0..<batches {
    scenario.refresh()
    let c0 = threadCPUNanoseconds()
    scenario.runBatch(ticks)
    cpu &+= threadCPUNanoseconds() &- c0
    for t in ticks { all.append(t > cal.emptyPairTicks ? t - cal.emptyPairTicks : 0) }
}
all.sort()
let sorted = all
func pct(_ p: Double) -> String {
    fmt(Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / cal.ticksPerNanosecond, 0)
}
log("risk-profile: \(all.count) checks, \(fmt(Double(cpu) / Double(all.count), 1)) ns/check CPU (TSC brackets included); "
    + "per check (TSC, empty pair subtracted): p50 \(pct(0.5)) p90 \(pct(0.9)) p99 \(pct(0.99)) p99.9 \(pct(0.999)) ns")
