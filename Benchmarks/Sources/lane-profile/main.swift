// Runs LaneBenchmarks' lane ticks (`LaneFixture`) outside package-benchmark, for profilers:
//   lane-profile orders|no-order|orders-cold [ticks]
//   (orders-cold: 4 MiB written between ticks, pushing the lane's data out of L1/L2 as the live
//   lane's polling system calls do between rare ticks)
// e.g. valgrind --tool=callgrind <copy stripped with --strip-debug> orders 20000
//        → `LaneFixture.run`'s inclusive Ir / ticks (acks of the venue included, as in cpu ns/tick)
//      perf record -e cpu-clock lane-profile orders 2000000
// Prints thread CPU ns per tick and percentiles of the per-tick TSC latency around handleFrame
// (the empty start/end pair subtracted), as the benchmark does.
#if canImport(Glibc)
import Glibc
#endif
import LaneBenchSupport
import MarketDataBenchSupport

let args = CommandLine.arguments
guard args.count >= 2, ["orders", "no-order", "orders-cold"].contains(args[1]) else {
    log("usage: lane-profile orders|no-order|orders-cold [ticks]")
    exit(2)
}
let orders = args[1] != "no-order"
let evict: UnsafeMutableRawBufferPointer? = args[1] == "orders-cold"
    ? .allocate(byteCount: 4 << 20, alignment: 64) : nil
evict?.initializeMemory(as: UInt8.self, repeating: 0)
let ticks = args.count > 2 ? max(Int(args[2]) ?? 20_000, 1) : 20_000
let cal = TSCCalibration.measure()
let fixture = LaneFixture(profiling: .off)
let samples = UnsafeMutablePointer<UInt64>.allocate(capacity: ticks)
let c0 = threadCPUNanoseconds()
let sent = fixture.run(ticks: ticks, orders: orders, samples: samples, evict: evict)
let c1 = threadCPUNanoseconds()
precondition(sent == (orders ? UInt64(ticks) : 0), "\(sent) replaces for \(ticks) ticks")
let net = (0..<ticks).map { i -> Double in
    let t = samples[i]
    return Double(t > cal.emptyPairTicks ? t - cal.emptyPairTicks : 0) / cal.ticksPerNanosecond
}.sorted()
func at(_ q: Double) -> String { fmt(net[min(net.count - 1, Int(q * Double(net.count)))], 0) }
log("lane-profile \(args[1]): \(ticks) ticks, \(fmt(Double(c1 - c0) / Double(ticks), 1)) ns/tick CPU (acks included); "
    + "per tick (TSC): p50 \(at(0.5)) p90 \(at(0.9)) p99 \(at(0.99)) p99.9 \(at(0.999)) ns")
