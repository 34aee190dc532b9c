// The whole lane in process: a MoldUDP64 datagram carrying one ITCH message in memory →
// MoldUDP64 session → ITCH decode → order-by-order books → market maker (deciding on every tick)
// → pre-trade risk → OMS → OUCH Replace Order encoded into the SoupBinTCP session → handed to
// the order-entry queue. Issue 7's target on this machine: p50 < 500 ns, p99 < 2 µs, 0 mallocs.
//
//   lane-tick-to-order           every tick moves the best bid by 0.01 and back, so the mid moves
//                                half a cent and the market maker's ask must move: one Replace
//                                Order out per tick. The venue's Replaced answer is fed back
//                                after each timed tick (outside the per-tick samples, inside
//                                the batch times) so the next tick can replace again.
//   lane-tick-to-order-profiled  the same with the lane's own stage stamps on (`profile = "full"`:
//                                five more TSC reads per order, ≈50 ns each on these VMs).
//   lane-tick-no-order           ticks deep in the book (level 5 changes): books updated, no top
//                                change, no strategy call — the floor of the feed path.
//
// Per-tick latency: TSC reads around `handleFrame` (empty pair subtracted), all ticks of the run.
// `cpu ns/tick` from thread CPU time over the batch (acks included for the order benchmarks).
import Benchmark
#if canImport(Glibc)
import Glibc
#endif
import CITCHFraming
import LaneBenchSupport
import MarketDataBenchSupport
import VegaCore
import VegaEngine
import VegaHardware
import VegaMarketData
import VegaOrderEntry
import VegaStrategy
import VegaTrading

let tickNs = BenchmarkMetric.custom("tick ns", polarity: .prefersSmaller, useScalingFactor: false)
let cpuNsPerTick = BenchmarkMetric.custom("cpu ns/tick", polarity: .prefersSmaller, useScalingFactor: false)

let ticksPerSample = 20_000
nonisolated(unsafe) var tsc: TSCCalibration?
nonisolated(unsafe) var tickTicks: UnsafeMutablePointer<UInt64>?

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, tickNs, cpuNsPerTick],
        timeUnits: .nanoseconds,
        warmupIterations: 1,
        maxDuration: .seconds(10),
        maxIterations: 30,
        thresholds: [.mallocCountTotal: .init(absolute: [.p0: 0, .p25: 0, .p50: 0, .p75: 0, .p90: 0, .p99: 0, .p100: 0])]
    )

    Benchmark("empty", configuration: .init(metrics: [.wallClock, .mallocCountTotal], warmupIterations: 3,
                                            maxDuration: .seconds(1), maxIterations: 1_000)) { benchmark in
        for i in benchmark.scaledIterations { blackHole(i) }
    }

    // What the runner itself allocates per sample around start/stopMeasurement: the reference the
    // lane benchmarks' malloc counts are read against.
    Benchmark("empty-measured") { benchmark in
        benchmark.startMeasurement()
        blackHole(benchmark.scaledIterations.count)
        benchmark.stopMeasurement()
    }

    laneBenchmark("lane-tick-to-order", profiling: .off, orders: true)
    laneBenchmark("lane-tick-to-order-profiled", profiling: .full, orders: true)
    laneBenchmark("lane-tick-no-order", profiling: .off, orders: false)
    clientBenchmark()
}

func laneBenchmark(_ name: String, profiling: LaneProfiling, orders: Bool) {
    Benchmark(name) { benchmark in
        guard let cal = tsc, let samples = tickTicks else { fatalError("no fixture") }
        let fixture = LaneFixture(profiling: profiling)
        benchmark.startMeasurement()
        let c0 = threadCPUNanoseconds()
        let sent = fixture.run(ticks: ticksPerSample, orders: orders, samples: samples)
        let c1 = threadCPUNanoseconds()
        benchmark.stopMeasurement()
        precondition(sent == (orders ? UInt64(ticksPerSample) : 0), "\(name): \(sent) replaces for \(ticksPerSample) ticks")
        benchmark.measurement(cpuNsPerTick, Int((c1 - c0) / UInt64(ticksPerSample)))
        for i in 0..<ticksPerSample {
            let t = samples[i]
            let net = t > cal.emptyPairTicks ? t - cal.emptyPairTicks : 0
            let ns = Int(Double(net) / cal.ticksPerNanosecond)
            benchmark.measurement(tickNs, ns)
            allTickNs.append(ns)   // outside the measured window; reserved in setup
        }
    } setup: {
        if tsc == nil { tsc = TSCCalibration.measure() }
        if tickTicks == nil { tickTicks = .allocate(capacity: ticksPerSample) }
        allTickNs.removeAll(keepingCapacity: true)
        allTickNs.reserveCapacity(64 * ticksPerSample)
    } teardown: {
        // The runner's table stops at p99: print exact percentiles over every tick of the run
        // (warm-up samples included) on stderr, p99.9 among them.
        let line = tickPercentileSummary(name: name, allTickNs) + "\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
    }
}

/// Every tick's net nanoseconds of the current benchmark (all samples, warm-up included).
nonisolated(unsafe) var allTickNs: [Int] = []

/// "name: ticks=N p50=… p99=… p99.9=… p99.99=… max=… ns" over `values`.
func tickPercentileSummary(name: String, _ values: [Int]) -> String {
    guard !values.isEmpty else { return "\(name): no ticks" }
    let sorted = values.sorted()
    func at(_ q: Double) -> Int { sorted[min(sorted.count - 1, Int(q * Double(sorted.count)))] }
    return "\(name): ticks=\(sorted.count) p50=\(at(0.5)) p90=\(at(0.9)) p99=\(at(0.99)) p99.9=\(at(0.999)) "
        + "p99.99=\(at(0.9999)) max=\(sorted[sorted.count - 1]) ns"
}

// MARK: - Client order path

/// The lane's side of a client's order: a `ClientOrderRequest` (as the FIX gateway pushes it into
/// the inbound ring) → route check, risk, OMS, OUCH Replace Order into the SoupBinTCP session →
/// handed to the order-entry queue, and the client's execution event written into the outbound
/// ring. One resting client buy is replaced a cent up and back on every request (a new order ID
/// each time), the venue's Replaced fed back and the outbound ring drained outside the timed call.
final class ClientFixture {
    let link: LaneClientLink
    let fixture: LaneFixture
    var current: UInt64 = 1
    var now: UInt64 { get { fixture.now } set { fixture.now = newValue } }
    static let strategy = StrategyID(5)

    init() {
        link = LaneClientLink(setup: ClientFixture.setupForLink(), strategy: Self.strategy, replicateVenueReports: false,
                              inboundCapacity: 64, outboundCapacity: 1_024)
        fixture = LaneFixture(profiling: .off, clients: link)
        let first = ClientOrderRequest(kind: .new, side: .buy, venue: 0, account: AccountID(1), strategy: Self.strategy,
                                       instrument: InstrumentID(1), price: Price4(rawValue: 1_899_000), quantity: Quantity(100),
                                       orderID: OrderID(5 << 48 | 1))
        fixture.now &+= 1_000
        fixture.lane.handleClientRequest(first, now: fixture.now)
        fixture.acknowledgeSent()
        drain()
        precondition(fixture.lane.core.trading.orders.order(OrderID(5 << 48 | 1)) != nil, "client order not working")
    }

    static func setupForLink() -> LaneSetup {
        LaneSetup(name: "bench", venues: [LaneSetup.Venue(id: VenueID(0), name: "BENCH", feedSession: session, username: "VEGA01",
                                                          password: "secret", takeFeePerShare: Price4(rawValue: 30),
                                                          makeFeePerShare: Price4(rawValue: -20))],
                  instruments: [LaneSetup.Instrument(id: InstrumentID(1), symbol: aapl, venues: [VenueID(0)])],
                  marketMakers: [], limits: RiskLimits())
    }

    func drain() { _ = link.drain { blackHole($0.sequence) } }

    /// `n` replaces, each timed around `handleClientRequest`; returns the replaces sent.
    @inline(never)
    func run(_ n: Int, samples: UnsafeMutablePointer<UInt64>) -> UInt64 {
        let before = fixture.lane.core.counters.replacesSent
        for i in 0..<n {
            let next = current &+ 1
            let price = Price4(rawValue: i & 1 == 0 ? 1_899_100 : 1_899_000)
            let r = ClientOrderRequest(kind: .replace, side: .buy, venue: 0, account: AccountID(1), strategy: Self.strategy,
                                       instrument: InstrumentID(1), price: price, quantity: Quantity(100),
                                       orderID: OrderID(5 << 48 | current), newOrderID: OrderID(5 << 48 | next))
            fixture.now &+= 1_000
            let t0 = vega_tsc_start()
            fixture.lane.handleClientRequest(r, now: fixture.now)
            samples[i] = vega_tsc_end() &- t0
            current = next
            fixture.acknowledgeSent()
            drain()
        }
        return fixture.lane.core.counters.replacesSent &- before
    }
}

func clientBenchmark() {
    Benchmark("lane-client-replace-to-order") { benchmark in
        guard let cal = tsc, let samples = tickTicks else { fatalError("no fixture") }
        let fixture = ClientFixture()
        benchmark.startMeasurement()
        let sent = fixture.run(ticksPerSample, samples: samples)
        benchmark.stopMeasurement()
        precondition(sent == UInt64(ticksPerSample), "client replaces sent \(sent) of \(ticksPerSample)")
        precondition(fixture.link.counters.eventDrops == 0, "client events dropped")
        for i in 0..<ticksPerSample {
            let t = samples[i]
            let net = t > cal.emptyPairTicks ? t - cal.emptyPairTicks : 0
            let ns = Int(Double(net) / cal.ticksPerNanosecond)
            benchmark.measurement(tickNs, ns)
            allTickNs.append(ns)
        }
    } setup: {
        if tsc == nil { tsc = TSCCalibration.measure() }
        if tickTicks == nil { tickTicks = .allocate(capacity: ticksPerSample) }
        allTickNs.removeAll(keepingCapacity: true)
        allTickNs.reserveCapacity(64 * ticksPerSample)
    } teardown: {
        let line = tickPercentileSummary(name: "lane-client-replace-to-order", allTickNs) + "\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
    }
}
