// The trading lane's decisions: a full pre-trade risk check (every check on), an OMS fill
// update, and a fill through the whole TradingCore (OMS + positions + breakers). Each sample
// runs a batch of operations (cpuTotal has 10 µs resolution here); per-operation latency is
// sampled with the TSC around every operation of the batch, the empty start/end pair subtracted.
import Benchmark
#if canImport(Glibc)
import Glibc
#endif
import CITCHFraming
import MarketDataBenchSupport
import TradingBenchSupport
import VegaCore
import VegaMarketData
import VegaTrading

let batchMeanNs = BenchmarkMetric.custom("batch mean ns/op", polarity: .prefersSmaller, useScalingFactor: false)
let opTSCns = BenchmarkMetric.custom("per-op ns (TSC)", polarity: .prefersSmaller, useScalingFactor: false)
let batch = 1_000

nonisolated(unsafe) var tsc: TSCCalibration?

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, batchMeanNs, opTSCns],
        timeUnits: .microseconds,
        warmupIterations: 5,
        maxDuration: .seconds(10),
        maxIterations: 300,
        thresholds: [.mallocCountTotal: .init(absolute: [.p0: 0, .p25: 0, .p50: 0, .p75: 0, .p90: 0, .p99: 0, .p100: 0])]
    )

    // The measuring loop alone: the reference for the malloc counts below.
    Benchmark("empty", configuration: .init(metrics: [.wallClock, .mallocCountTotal], timeUnits: .nanoseconds,
                                            warmupIterations: 3, maxDuration: .seconds(1), maxIterations: 1_000)) { benchmark in
        for i in benchmark.scaledIterations { blackHole(i) }
    }

    // The measuring machinery alone with the passes' metrics and explicit start/stop: the
    // reference for their malloc counts (package-benchmark's own 16 per sample when it collects
    // .cpuTotal; 0 when only mallocCountTotal is collected, as in `thresholds check`).
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

    let riskFixture = RiskFixture()
    Benchmark("risk-check-all") { benchmark in
        riskFixture.run(benchmark)
    } setup: {
        if tsc == nil { tsc = TSCCalibration.measure() }
    }

    let omsFixture = FillFixture()
    Benchmark("oms-fill") { benchmark in
        omsFixture.runOMS(benchmark)
    } setup: {
        if tsc == nil { tsc = TSCCalibration.measure() }
    }

    let coreFixture = FillFixture()
    Benchmark("fill-oms-positions-breakers") { benchmark in
        coreFixture.runCore(benchmark)
    } setup: {
        if tsc == nil { tsc = TSCCalibration.measure() }
    }
}

/// Reports a batch: its mean per operation (wall) and every operation's TSC latency.
func report(_ benchmark: Benchmark, wallNs: UInt64, ticks: UnsafeMutableBufferPointer<UInt64>) {
    benchmark.measurement(batchMeanNs, Int(wallNs) / batch)
    guard let cal = tsc else { return }
    for t in ticks {
        let net = t > cal.emptyPairTicks ? t - cal.emptyPairTicks : 0
        benchmark.measurement(opTSCns, Int(Double(net) / cal.ticksPerNanosecond))
    }
}

@inline(__always) func monotonic() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

// MARK: - Risk check

/// `RiskScenario` (TradingBenchSupport, shared with `risk-profile`): every check on, each of a
/// batch's checks timed with the TSC.
final class RiskFixture: @unchecked Sendable {
    let scenario = RiskScenario()
    let ticks = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: batch)

    func run(_ benchmark: Benchmark) {
        scenario.refresh()
        benchmark.startMeasurement()
        let w0 = monotonic()
        scenario.runBatch(ticks)
        let w1 = monotonic()
        benchmark.stopMeasurement()
        report(benchmark, wallNs: w1 - w0, ticks: ticks)
    }
}

// MARK: - Fills

/// 1,000 working orders of 10^9 shares each; every operation is a one-share fill with a fresh
/// execution ID (so the de-duplication table is in its steady state: insert and evict).
final class FillFixture: @unchecked Sendable {
    var core: TradingCore
    let ticks = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: batch)
    let cancels = UnsafeMutableBufferPointer<OrderIntent>.allocate(capacity: 64)
    var exec: UInt64 = 1
    let book = OrderBooks(configuration: BookConfiguration(maxInstruments: 8, maxOrders: 8, maxLevels: 8, maxLevelsPerSide: 8))

    init() {
        let capacity = TradingCapacity(instruments: 1_024, accounts: 16, strategies: 64, openOrders: 16_384)
        var limits = RiskLimits()
        limits.lane.collar = CollarPolicy(basisPoints: .max)
        limits.lane.selfMatchPrevention = false
        core = TradingCore(channel: try! RiskLimitsChannel(capacity: capacity, limits: limits), now: 0)
        for i in 0..<batch {
            let o = OrderIntent(kind: .new, side: i % 2 == 0 ? .buy : .sell, venue: VenueID(0), account: AccountID(UInt16(i % 4)),
                                strategy: StrategyID(UInt16(i % 8)), instrument: InstrumentID(UInt32(i % 16)),
                                price: Price4(rawValue: 1_000_000), quantity: Quantity(1_000_000_000), orderID: OrderID(UInt64(i + 1)))
            precondition(core.submit(o, book: book, now: 0) == .send)
            _ = core.onExecution(ExecutionReport(kind: .ack, orderID: OrderID(UInt64(i + 1))), now: 0, cancels: cancels)
        }
    }

    func runOMS(_ benchmark: Benchmark) {
        benchmark.startMeasurement()
        let w0 = monotonic()
        let applied = omsFillLoop(&core.orders, exec, ticks)
        let w1 = monotonic()
        benchmark.stopMeasurement()
        precondition(applied == batch)
        exec &+= UInt64(batch)
        report(benchmark, wallNs: w1 - w0, ticks: ticks)
    }

    func runCore(_ benchmark: Benchmark) {
        benchmark.startMeasurement()
        let w0 = monotonic()
        let applied = coreFillLoop(&core, exec, ticks, cancels)
        let w1 = monotonic()
        benchmark.stopMeasurement()
        precondition(applied == batch)
        exec &+= UInt64(batch)
        report(benchmark, wallNs: w1 - w0, ticks: ticks)
    }
}

@_noLocks @inline(never)
func omsFillLoop(_ oms: inout OrderManager, _ firstExec: UInt64, _ ticks: UnsafeMutableBufferPointer<UInt64>) -> Int {
    var applied = 0
    for i in 0..<ticks.count {
        let r = ExecutionReport(kind: .fill, orderID: OrderID(UInt64(i + 1)), execID: firstExec &+ UInt64(i),
                                lastQuantity: Quantity(1), lastPrice: Price4(rawValue: 1_000_000 + Int64(i % 7)))
        let a = _unsafePerformance { vega_tsc_start() }  // an inline rdtsc the checker cannot see into
        let result = oms.apply(r, now: UInt64(i))
        let b = _unsafePerformance { vega_tsc_end() }
        ticks[i] = b &- a
        if case .applied = result { applied &+= 1 }
    }
    return applied
}

@_noLocks @inline(never)
func coreFillLoop(_ core: inout TradingCore, _ firstExec: UInt64, _ ticks: UnsafeMutableBufferPointer<UInt64>,
                  _ cancels: UnsafeMutableBufferPointer<OrderIntent>) -> Int {
    var applied = 0
    for i in 0..<ticks.count {
        let r = ExecutionReport(kind: .fill, orderID: OrderID(UInt64(i + 1)), execID: firstExec &+ UInt64(i),
                                lastQuantity: Quantity(1), lastPrice: Price4(rawValue: 1_000_000 + Int64(i % 7)))
        let a = _unsafePerformance { vega_tsc_start() }  // an inline rdtsc the checker cannot see into
        let result = core.onExecution(r, now: UInt64(i), cancels: cancels)
        let b = _unsafePerformance { vega_tsc_end() }
        ticks[i] = b &- a
        if case .applied = result.result { applied &+= 1 }
    }
    return applied
}
