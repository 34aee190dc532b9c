// The VenueBenchmarks fixture and loop outside package-benchmark (see run.sh and README.md).
import Glibc
let batch = 10_000
@inline(__always) func monotonic() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}
typealias Counter = @convention(c) () -> UInt
let counterSym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "vc_malloc_count")
func mallocs() -> UInt { guard let s = counterSym else { return 0 }; return unsafeBitCast(s, to: Counter.self)() }
// FIXTURE (inserted by run.sh from ../Benchmarks/VenueBenchmarks/VenueBenchmarks.swift)
@inline(never)
func matchLoop(_ engine: inout MatchingEngine, _ events: inout [VenueEvent], _ ops: UnsafeBufferPointer<MatchingOp>,
               _ ticks: UnsafeMutableBufferPointer<UInt64>) {
    for i in 0..<ops.count {
        let a = monotonic()
        switch ops[i] {
        case .submit(let r): engine.submit(r, into: &events)
        case .cancel(let token, let firm): engine.cancel(token: token, firm: firm, into: &events)
        }
        let b = monotonic()
        ticks[i] = b &- a
        events.removeAll(keepingCapacity: true)
    }
}
@inline(never)
func bareLoop(_ engine: inout MatchingEngine, _ events: inout [VenueEvent], _ ops: UnsafeBufferPointer<MatchingOp>) {
    for i in 0..<ops.count {
        switch ops[i] {
        case .submit(let r): engine.submit(r, into: &events)
        case .cancel(let token, let firm): engine.cancel(token: token, firm: firm, into: &events)
        }
        events.removeAll(keepingCapacity: true)
    }
}
let f = MatchingFixture()
var pairs = [UInt64](repeating: 0, count: 10_001)
for i in pairs.indices { let a = monotonic(); let b = monotonic(); pairs[i] = b &- a }
pairs.sort()
let emptyPair = pairs[pairs.count / 2]
var all: [UInt64] = []
var means: [Double] = []
var mallocCounts: [UInt] = []
let samples = Int(CommandLine.arguments.dropFirst().first ?? "50") ?? 50
for s in 0..<samples {
    var engine = MatchingFixture.build(f.prefill)
    var events: [VenueEvent] = []
    events.reserveCapacity(256)
    let m0 = mallocs()
    let w0 = monotonic()
    f.ops.withUnsafeBufferPointer { bareLoop(&engine, &events, $0) }
    let w1 = monotonic()
    let m1 = mallocs()
    precondition(engine.executions == f.executionsPerBatch)
    means.append(Double(w1 - w0) / Double(batch))
    mallocCounts.append(m1 - m0)
    var engine2 = MatchingFixture.build(f.prefill)
    f.ops.withUnsafeBufferPointer { matchLoop(&engine2, &events, $0, f.ticks) }
    if s >= 3 { for t in f.ticks { all.append(t > emptyPair ? t - emptyPair : 0) } }
}
all.sort()
means.sort()
mallocCounts.sort()
func pct(_ p: Double) -> UInt64 { all[min(all.count - 1, Int(Double(all.count) * p))] }
print("samples \(samples) x \(batch) ops; clock pair \(emptyPair) ns subtracted")
print("batch mean ns/op: p50 \(means[means.count/2]) min \(means.first!) max \(means.last!); orders/s p50 \(Int(1e9 / means[means.count/2]))")
print("per-op ns (clock_gettime pairs): p50 \(pct(0.5)) p90 \(pct(0.9)) p99 \(pct(0.99)) p99.9 \(pct(0.999)) max \(all.last!)")
print("mallocs per batch of \(batch): p50 \(mallocCounts[mallocCounts.count/2]) min \(mallocCounts.first!) max \(mallocCounts.last!)")
