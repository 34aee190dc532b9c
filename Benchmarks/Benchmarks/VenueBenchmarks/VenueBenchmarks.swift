// The venue simulator's matching engine: orders per second and latency per order for a
// realistic mix (passive adds, cancels of resting orders, marketable IOC orders that sweep one or
// more levels) on a pre-filled book. Each sample rebuilds the same pre-filled book outside the
// measurement, then runs the same `batch` operations on it (generated once, against a scratch
// copy, so every cancel names an order that is resting at that point); per-operation latency is
// sampled with the TSC around every operation, the empty start/end pair subtracted.
//
// MatchingEngine is the simulator's engine, not the lane's: it keeps its book in Swift arrays
// and dictionaries (reserved up front), so mallocs are reported, not held at 0.
import Benchmark
#if canImport(Glibc)
import Glibc
#endif
import CITCHFraming
import MarketDataBenchSupport
import VegaCore
import VegaVenue

let batchMeanNs = BenchmarkMetric.custom("batch mean ns/op", polarity: .prefersSmaller, useScalingFactor: false)
let opTSCns = BenchmarkMetric.custom("per-op ns (TSC)", polarity: .prefersSmaller, useScalingFactor: false)
let ordersPerSecond = BenchmarkMetric.custom("orders/s", polarity: .prefersLarger, useScalingFactor: false)
let batch = 10_000

nonisolated(unsafe) var tsc: TSCCalibration?

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, batchMeanNs, opTSCns, ordersPerSecond],
        timeUnits: .microseconds,
        warmupIterations: 3,
        maxDuration: .seconds(10),
        maxIterations: 200
    )

    // The measuring machinery alone with explicit start/stop: the reference for the malloc counts.
    Benchmark("empty-measured", configuration: .init(warmupIterations: 5, maxIterations: 300)) { benchmark in
        benchmark.startMeasurement()
        blackHole(benchmark.scaledIterations.count)
        benchmark.stopMeasurement()
    }

    // One 64-byte Array per operation: proves the malloc counter is live in this target.
    Benchmark("malloc-canary", configuration: .init(metrics: [.wallClock, .mallocCountTotal], timeUnits: .nanoseconds,
                                                    scalingFactor: .kilo, maxIterations: 100)) { benchmark in
        for i in benchmark.scaledIterations {
            blackHole([UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 64))
        }
    }

    let fixture = MatchingFixture()
    Benchmark("matching-mixed-prefilled") { benchmark in
        fixture.run(benchmark)
    } setup: {
        if tsc == nil { tsc = TSCCalibration.measure() }
    }
}

@inline(__always) func monotonic() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// SplitMix64, for a mix that is the same on every run.
struct MixRandom {
    var state: UInt64
    mutating func below(_ n: UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return (z ^ (z >> 31)) % n
    }
}

/// One operation of the mix.
enum MatchingOp {
    case submit(VenueOrderRequest)
    case cancel(token: UInt64, firm: UInt32)
}

/// Four instruments, each pre-filled with 1,000 resting orders (500 a side over 50 price levels
/// from one tick off a $100.00 fair price), and a mix of `batch` operations: 50 % passive DAY
/// adds (1–50 ticks off fair), 40 % cancels of a resting order, 10 % marketable IOC orders
/// priced 5 ticks through fair for 100–1,000 shares (they sweep one or more levels). 16 firms;
/// self-match prevention on (cancel newest).
final class MatchingFixture: @unchecked Sendable {
    let prefill: [VenueOrderRequest]
    let ops: [MatchingOp]
    let ticks = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: batch)
    let locates: [UInt16] = [1, 2, 3, 4]
    var executionsPerBatch: UInt64 = 0

    init() {
        let fair: Int64 = 1_000_000, tick: Int64 = 100
        var token: UInt64 = 1
        var rng = MixRandom(state: 0x5EED)
        var prefill: [VenueOrderRequest] = []
        // Filled in a deterministic order so both the scratch engine and every sample see the
        // same references.
        for locate: UInt16 in [1, 2, 3, 4] {
            for level in 1...50 {
                for _ in 0..<10 {
                    for side in [Side.buy, .sell] {
                        let price = side == .buy ? fair - Int64(level) * tick : fair + Int64(level) * tick
                        prefill.append(VenueOrderRequest(token: token, firm: UInt32(rng.below(16)), locate: locate, side: side,
                                                         price: Price4(rawValue: price), quantity: UInt32(100 * (1 + rng.below(5)))))
                        token += 1
                    }
                }
            }
        }
        self.prefill = prefill
        var scratch = MatchingFixture.build(prefill)
        var live = prefill.map { (token: $0.token, firm: $0.firm) }
        var ops: [MatchingOp] = []
        var events: [VenueEvent] = []
        var adds = 0, cancels = 0, crosses = 0
        while ops.count < batch {
            let roll = rng.below(100)
            let locate = UInt16(1 + rng.below(4))
            let firm = UInt32(rng.below(16))
            events.removeAll(keepingCapacity: true)
            if roll < 40 {
                // Cancel a resting order (forget ones the engine filled meanwhile).
                var picked: (token: UInt64, firm: UInt32)? = nil
                while picked == nil && !live.isEmpty {
                    let i = Int(rng.below(UInt64(live.count)))
                    live.swapAt(i, live.count - 1)
                    let w = live.removeLast()
                    if scratch.reference(token: w.token, firm: w.firm) != nil { picked = w }
                }
                guard let w = picked else { continue }
                ops.append(.cancel(token: w.token, firm: w.firm))
                scratch.cancel(token: w.token, firm: w.firm, into: &events)
                cancels += 1
            } else if roll < 90 {
                let side: Side = rng.below(2) == 0 ? .buy : .sell
                let offset = Int64(1 + rng.below(50)) * tick
                let r = VenueOrderRequest(token: token, firm: firm, locate: locate, side: side,
                                          price: Price4(rawValue: side == .buy ? fair - offset : fair + offset),
                                          quantity: UInt32(100 * (1 + rng.below(5))))
                token += 1
                ops.append(.submit(r))
                scratch.submit(r, into: &events)
                live.append((r.token, r.firm))
                adds += 1
            } else {
                let side: Side = rng.below(2) == 0 ? .buy : .sell
                let r = VenueOrderRequest(token: token, firm: firm, locate: locate, side: side,
                                          price: Price4(rawValue: side == .buy ? fair + 5 * tick : fair - 5 * tick),
                                          quantity: UInt32(100 * (1 + rng.below(10))), timeInForce: .immediateOrCancel)
                token += 1
                ops.append(.submit(r))
                scratch.submit(r, into: &events)
                crosses += 1
            }
        }
        self.ops = ops
        executionsPerBatch = scratch.executions
        let depth = locates.map { scratch.depth($0, side: .buy).count + scratch.depth($0, side: .sell).count }
        let line = "matching fixture: \(prefill.count) orders pre-filled; \(batch) ops = \(adds) adds, \(cancels) cancels, "
            + "\(crosses) marketable IOC; \(scratch.executions) executions; \(scratch.restingOrderCount) resting after, "
            + "levels per instrument after \(depth)\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
    }

    static func build(_ prefill: [VenueOrderRequest]) -> MatchingEngine {
        var engine = MatchingEngine(expectedOrders: 1 << 14)
        for l: UInt16 in [1, 2, 3, 4] { engine.addInstrument(l) }
        var events: [VenueEvent] = []
        events.reserveCapacity(64)
        for r in prefill {
            engine.submit(r, into: &events)
            events.removeAll(keepingCapacity: true)
        }
        return engine
    }

    func run(_ benchmark: Benchmark) {
        var engine = MatchingFixture.build(prefill)
        var events: [VenueEvent] = []
        events.reserveCapacity(256)
        let before = engine.executions
        benchmark.startMeasurement()
        let w0 = monotonic()
        ops.withUnsafeBufferPointer { matchLoop(&engine, &events, $0, ticks) }
        let w1 = monotonic()
        benchmark.stopMeasurement()
        precondition(engine.executions - before == executionsPerBatch, "the replay diverged from the generated mix")
        benchmark.measurement(batchMeanNs, Int(w1 - w0) / batch)
        benchmark.measurement(ordersPerSecond, Int(Double(batch) * 1e9 / Double(w1 - w0)))
        guard let cal = tsc else { return }
        for t in ticks {
            let net = t > cal.emptyPairTicks ? t - cal.emptyPairTicks : 0
            benchmark.measurement(opTSCns, Int(Double(net) / cal.ticksPerNanosecond))
        }
    }
}

/// Every operation of the mix, each timed with the TSC.
@inline(never)
func matchLoop(_ engine: inout MatchingEngine, _ events: inout [VenueEvent], _ ops: UnsafeBufferPointer<MatchingOp>,
               _ ticks: UnsafeMutableBufferPointer<UInt64>) {
    for i in 0..<ops.count {
        let a = vega_tsc_start()
        switch ops[i] {
        case .submit(let r): engine.submit(r, into: &events)
        case .cancel(let token, let firm): engine.cancel(token: token, firm: firm, into: &events)
        }
        let b = vega_tsc_end()
        ticks[i] = b &- a
        events.removeAll(keepingCapacity: true)
    }
}
