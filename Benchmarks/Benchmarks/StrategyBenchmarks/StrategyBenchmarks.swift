// The market maker's decision on a book event, on the lane: StrategyHost<MarketMaker> over
// order-by-order books, quotes acknowledged and working, one call per book event.
//
//   mm-book-event-hold     the book moves but the desired quotes move by no more than the
//                          requote threshold: read top of book, compute both quotes, decide to
//                          leave both orders alone (the common case on a busy book).
//   mm-book-event-requote  every event moves the ask beyond the threshold: the call replaces it
//                          (one intent); the venue's acknowledgement is then applied, outside
//                          the per-call samples but inside the batch times.
//   …-untimed              the same loops without the per-call TSC reads (whose fences cost
//                          tens of ns and hold the pipeline): `cpu ns/call` is then the call alone
//                          (plus, for requote, the acknowledgement).
//
// Each sample runs `callsPerSample` calls. Per-call latency comes from TSC reads around every
// call (`call ns`, empty start/end pair subtracted; the runner's percentiles are over all calls
// of the run), the batch from CPU/wall time per call (`cpu ns/call`, `wall ns/call`: cpuTotal
// has 10 µs resolution, hence the batches). Mallocs per sample are held at 0 by
// Thresholds/StrategyBenchmarks.*.p90.json; `empty-measured` shows what the runner itself
// allocates per sample when it collects every metric.
import Benchmark
import CITCHFraming
import MarketDataBenchSupport
import VegaCore
import VegaMarketData
import VegaStrategy
import VegaTrading

let callNs = BenchmarkMetric.custom("call ns", polarity: .prefersSmaller, useScalingFactor: false)
let cpuNsPerCall = BenchmarkMetric.custom("cpu ns/call", polarity: .prefersSmaller, useScalingFactor: false)
let wallNsPerCall = BenchmarkMetric.custom("wall ns/call", polarity: .prefersSmaller, useScalingFactor: false)

let callsPerSample = 100_000
let locate: UInt16 = 7
let instrument = InstrumentID(1)
let venue = VenueID(1)

nonisolated(unsafe) var tsc: TSCCalibration?
nonisolated(unsafe) var callTicks: UnsafeMutablePointer<UInt64>?

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, callNs, cpuNsPerCall, wallNsPerCall],
        timeUnits: .nanoseconds,
        warmupIterations: 2,
        maxDuration: .seconds(10),
        maxIterations: 40,
        thresholds: [.mallocCountTotal: .init(absolute: [.p0: 0, .p25: 0, .p50: 0, .p75: 0, .p90: 0, .p99: 0, .p100: 0])]
    )

    Benchmark("empty", configuration: .init(metrics: [.wallClock, .mallocCountTotal], warmupIterations: 3,
                                            maxDuration: .seconds(1), maxIterations: 1_000)) { benchmark in
        for i in benchmark.scaledIterations { blackHole(i) }
    }

    Benchmark("empty-measured") { benchmark in
        benchmark.startMeasurement()
        blackHole(benchmark.scaledIterations.count)
        benchmark.stopMeasurement()
    }

    // One 64-byte Array per event: proves the malloc counter is live here (threshold 1,000).
    Benchmark("malloc-canary", configuration: .init(metrics: [.wallClock, .mallocCountTotal],
                                                    scalingFactor: .kilo, maxIterations: 100)) { benchmark in
        for i in benchmark.scaledIterations {
            blackHole([UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 64))
        }
    }

    marketMakerBenchmark("mm-book-event-hold", requote: false, timed: true)
    marketMakerBenchmark("mm-book-event-requote", requote: true, timed: true)
    marketMakerBenchmark("mm-book-event-hold-untimed", requote: false, timed: false)
    marketMakerBenchmark("mm-book-event-requote-untimed", requote: true, timed: false)
}

/// Bid 100.00 × 500 / ask 100.10 × 300, or (`moved`) bid 100.01: the mid moves 0.0050, the
/// desired ask 0.01 and the desired bid not at all (half-spread 0.03, tick 0.01).
func makeBooks(moved: Bool) -> OrderBooks<NoBookOutput> {
    var books = OrderBooks(configuration: BookConfiguration(maxInstruments: 4, maxOrders: 64, maxLevels: 64,
                                                            maxLevelsPerSide: 16),
                           output: NoBookOutput())
    let t = EventTimes(exchange: Timestamp(nanoseconds: 1))
    _ = books.defineInstrument(locate: locate, symbol: Symbol(raw: 0x4141_504C_2020_2020), roundLot: 100, times: t)
    _ = books.addOrder(locate: locate, reference: 1, side: .buy, shares: 500, price: Price4(rawValue: moved ? 1_000_100 : 1_000_000),
                       attribution: 0, times: t)
    _ = books.addOrder(locate: locate, reference: 2, side: .sell, shares: 300, price: Price4(rawValue: 1_001_000),
                       attribution: 0, times: t)
    _ = books.addOrder(locate: locate, reference: 3, side: .buy, shares: 800, price: Price4(rawValue: 999_900),
                       attribution: 0, times: t)
    _ = books.addOrder(locate: locate, reference: 4, side: .sell, shares: 900, price: Price4(rawValue: 1_001_100),
                       attribution: 0, times: t)
    return books
}

/// A market maker with both quotes placed and acknowledged on `books`.
func makeHost(threshold: Int64, books: borrowing OrderBooks<NoBookOutput>) -> StrategyHost<MarketMaker> {
    let parameters = MarketMakerParameters(
        quoting: true, fairPrice: .mid, halfSpread: Price4(rawValue: 300), inventorySkew: Price4(rawValue: 1),
        quoteSize: Quantity(100), requoteThreshold: Price4(rawValue: threshold), maxPosition: Quantity(10_000),
        maxWorkingOrders: 4, widenAtVPIN: 600_000, toxicWidening: Price4(rawValue: 200), pullAtVPIN: 900_000)
    let channel = try! ParameterChannel(parameters)
    let configuration = MarketMakerConfiguration(instrument: instrument, locate: locate, venue: venue,
                                                 tickSize: Price4(rawValue: 100), vpinBucketVolume: 10_000,
                                                 vpinBucketCount: 50)
    var host = StrategyHost(strategy: MarketMaker(configuration: configuration, parameters: parameters),
                            context: StrategyContext(strategyID: StrategyID(1), account: AccountID(1), intentCapacity: 8,
                                                     orderCapacity: 16, instrumentCapacity: 4),
                            parameters: channel)
    host.onBookUpdate(BookUpdateEvent(locate: locate, venue: venue, times: EventTimes(exchange: Timestamp(nanoseconds: 1))),
                      books: books)
    precondition(host.context.intents.count == 2, "expected two quotes, got \(host.context.intents.count)")
    let bid = host.context.intents[0].orderID, ask = host.context.intents[1].orderID
    host.onAcknowledged(OrderAcknowledged(orderID: bid, now: Timestamp(nanoseconds: 2)), books: books)
    host.onAcknowledged(OrderAcknowledged(orderID: ask, now: Timestamp(nanoseconds: 2)), books: books)
    precondition(host.context.intents.count == 0)
    return host
}

/// `calls` book events alternating between the two books; TSC ticks of each call in `ticks`.
/// With `requote`, each replace the call produced is acknowledged after the timed call.
/// Returns the intents produced (checked by the caller).
@inline(never)
func runBookEvents(_ host: inout StrategyHost<MarketMaker>, _ a: borrowing OrderBooks<NoBookOutput>,
                   _ b: borrowing OrderBooks<NoBookOutput>, calls: Int, requote: Bool,
                   ticks: UnsafeMutablePointer<UInt64>?) -> Int {
    var intents = 0
    var event = BookUpdateEvent(locate: locate, venue: venue, times: EventTimes(exchange: Timestamp(nanoseconds: 3)))
    for i in 0..<calls {
        event.times.exchange = Timestamp(nanoseconds: UInt64(i))
        if let ticks {
            let t0 = vega_tsc_start()
            if i & 1 == 0 { host.onBookUpdate(event, books: b) } else { host.onBookUpdate(event, books: a) }
            let t1 = vega_tsc_end()
            ticks[i] = t1 &- t0
        } else {
            if i & 1 == 0 { host.onBookUpdate(event, books: b) } else { host.onBookUpdate(event, books: a) }
        }
        let n = host.context.intents.count
        intents &+= n
        if requote && n == 1 {
            // Acknowledged against the same book, so the ack itself leaves the quote alone.
            let ack = OrderAcknowledged(orderID: host.context.intents[0].newOrderID, now: Timestamp(nanoseconds: UInt64(i)))
            if i & 1 == 0 { host.onAcknowledged(ack, books: b) } else { host.onAcknowledged(ack, books: a) }
            precondition(host.context.intents.count == 0, "the acknowledgement requoted")
        }
    }
    return intents
}

func marketMakerBenchmark(_ name: String, requote: Bool, timed: Bool) {
    let metrics: [BenchmarkMetric] = timed
        ? [.wallClock, .cpuTotal, .mallocCountTotal, callNs, cpuNsPerCall, wallNsPerCall]
        : [.wallClock, .cpuTotal, .mallocCountTotal, cpuNsPerCall, wallNsPerCall]
    Benchmark(name, configuration: .init(metrics: metrics)) { benchmark in
        guard let cal = tsc, let ticks = callTicks else { fatalError("no fixture") }
        let a = makeBooks(moved: false), b = makeBooks(moved: true)
        var host = makeHost(threshold: requote ? 0 : 100, books: a)
        benchmark.startMeasurement()
        let c0 = threadCPUNanoseconds(), w0 = monotonicNanoseconds()
        let intents = runBookEvents(&host, a, b, calls: callsPerSample, requote: requote, ticks: timed ? ticks : nil)
        let w1 = monotonicNanoseconds(), c1 = threadCPUNanoseconds()
        benchmark.stopMeasurement()
        // The decision really happened: a replace per call, or none.
        precondition(intents == (requote ? callsPerSample : 0), "\(name): \(intents) intents")
        precondition(host.context.state.workingOrderCount == 2)
        benchmark.measurement(cpuNsPerCall, Int((c1 - c0) / UInt64(callsPerSample)))
        benchmark.measurement(wallNsPerCall, Int((w1 - w0) / UInt64(callsPerSample)))
        for i in 0..<(timed ? callsPerSample : 0) {
            let t = ticks[i]
            let net = t > cal.emptyPairTicks ? t - cal.emptyPairTicks : 0
            benchmark.measurement(callNs, Int(Double(net) / cal.ticksPerNanosecond))
        }
    } setup: {
        if tsc == nil { tsc = TSCCalibration.measure() }
        if callTicks == nil { callTicks = .allocate(capacity: callsPerSample) }
    }
}
