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

/// The order-entry queue of the benchmark: keeps the last frame the lane transmitted in a fixed
/// buffer (no allocation) so the fixture can answer the Replace Order in it.
struct LastFrameQueue: PacketQueue {
    let buffer: UnsafeMutableRawBufferPointer
    var length = 0
    var frames = 0
    init() { buffer = .allocate(byteCount: 4_096, alignment: 8) }
    mutating func receive(into batch: inout RxBatch) throws(HardwareError) -> Int { batch.setCount(0); return 0 }
    mutating func transmit(_ frame: UnsafeRawBufferPointer) throws(HardwareError) -> UInt32 {
        length = min(frame.count, buffer.count)
        buffer.baseAddress!.copyMemory(from: frame.baseAddress!, byteCount: length)
        frames &+= 1
        return UInt32(truncatingIfNeeded: frames)
    }
    mutating func drainTxTimestamps(into stamps: UnsafeMutableBufferPointer<TxTimestamp>) throws(HardwareError) -> Int { 0 }
    var info: PacketQueueInfo {
        PacketQueueInfo(backend: "bench", endpoint: "memory", hardwareRxTimestamps: false, softwareRxTimestamps: false,
                        hardwareTxTimestamps: false, softwareTxTimestamps: false)
    }
}

typealias BenchLane = Lane<NullPacketQueue, LastFrameQueue, NoLaneTap>

let session = MoldUDP64SessionID("BENCH00001")!
let aapl = Symbol("AAPL")!
let locate: UInt16 = 7

/// Builds bytes into fixed buffers (setup only; allocation is fine here).
enum Bytes {
    static func header(_ l: UInt16) -> ITCHHeader { ITCHHeader(stockLocate: l, trackingNumber: 0, timestamp: Timestamp(nanoseconds: 34_200_000_000_000)) }

    static func packet(sequence: UInt64, _ messages: [(ITCHEncoder) -> Int]) -> [UInt8] {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 256, alignment: 8)
        let out = UnsafeMutableRawBufferPointer.allocate(byteCount: 1_400, alignment: 8)
        defer { scratch.deallocate(); out.deallocate() }
        var encoder = MoldUDP64Encoder(into: out, session: session, sequence: sequence)
        for m in messages {
            let n = m(ITCHEncoder(scratch))
            precondition(encoder.append(UnsafeRawBufferPointer(rebasing: scratch[0..<n])))
        }
        return Array(UnsafeRawBufferPointer(rebasing: out[0..<encoder.finish()]))
    }

    static func add(reference: UInt64, side: Side, shares: UInt32, price: Int64) -> (ITCHEncoder) -> Int {
        { $0.addOrder(header(locate), reference: reference, side: side.rawValue, shares: shares, stock: aapl, price: Price4(rawValue: price)) }
    }

    static func soup(_ type: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let n = payload.count + 1
        return [UInt8(n >> 8), UInt8(n & 0xFF), type] + payload
    }
}

/// A lane logged in to one venue with a market maker quoting AAPL on a two-sided book, both
/// quotes acknowledged; the two tick packets (best bid up a cent, then back) prebuilt.
final class LaneFixture {
    var lane: BenchLane
    var up: [UInt8]
    var down: [UInt8]
    var deep: [UInt8]
    var sequence: UInt64
    let reply: UnsafeMutableRawBufferPointer
    var now: UInt64 = 10_000

    init(profiling: LaneProfiling, clients: LaneClientLink? = nil) {
        let venue = LaneSetup.Venue(id: VenueID(0), name: "BENCH", feedSession: session, username: "VEGA01", password: "secret",
                                    takeFeePerShare: Price4(rawValue: 30), makeFeePerShare: Price4(rawValue: -20))
        let mm = LaneSetup.MarketMakerSlot(
            strategy: StrategyID(1), account: AccountID(1), instrument: InstrumentID(1), venue: VenueID(0),
            parameters: MarketMakerParameters(halfSpread: Price4(rawValue: 500), quoteSize: Quantity(100),
                                              requoteThreshold: .zero, maxPosition: Quantity(10_000), maxWorkingOrders: 4))
        var limits = RiskLimits()
        limits.lane.maxMessagesPerSecond = .max
        let setup = LaneSetup(name: "bench", venues: [venue],
                              instruments: [LaneSetup.Instrument(id: InstrumentID(1), symbol: aapl, venues: [VenueID(0)])],
                              marketMakers: [mm], limits: limits)
        let channel = try! RiskLimitsChannel(capacity: setup.capacity, limits: setup.limits)
        var core = try! LaneCore(setup: setup, limits: channel, tap: NoLaneTap(), now: 1_000, profiling: profiling)
        if let clients { core.attachClients(clients) }
        lane = try! BenchLane(core: core, setup: setup, journal: nil, now: 1_000,
                              marketData: { _ in NullPacketQueue() }, orderEntry: { _ in LastFrameQueue() })
        reply = .allocate(byteCount: 256, alignment: 8)
        sequence = 1
        up = []; down = []; deep = []
        // Log in.
        let login = Bytes.soup(0x41, Array("SESSION001".utf8) + Array(String(repeating: " ", count: 19).utf8) + Array("1".utf8))
        login.withUnsafeBytes { lane.handleOrderEntry(venue: 0, bytes: $0, now: 2_000) }
        // The book: directory, five levels a side.
        var messages: [(ITCHEncoder) -> Int] = [{
            $0.stockDirectory(Bytes.header(locate), stock: aapl, marketCategory: 0x51, financialStatusIndicator: 0x4E, roundLotSize: 100,
                              roundLotsOnly: 0x4E, issueClassification: 0x43, issueSubType: 0x2020, authenticity: 0x50,
                              shortSaleThresholdIndicator: 0x4E, ipoFlag: 0x20, luldReferencePriceTier: 0x31, etpFlag: 0x4E,
                              etpLeverageFactor: 0, inverseIndicator: 0x4E)
        }]
        for level in 0..<5 {
            messages.append(Bytes.add(reference: UInt64(10 + level), side: .buy, shares: 300, price: 1_900_000 - Int64(level) * 100))
            messages.append(Bytes.add(reference: UInt64(20 + level), side: .sell, shares: 300, price: 1_901_000 + Int64(level) * 100))
        }
        feed(Bytes.packet(sequence: sequence, messages), count: UInt64(messages.count))
        // Acknowledge both quotes.
        acknowledgeSent()
        precondition(lane.core.trading.orders.working(instrument: InstrumentID(1)).orders == 2, "quotes not working")
        // Tick packets: best bid 190.01 (reference 1), then its delete; deep: level-5 bid size.
        up = Bytes.packet(sequence: 0, [Bytes.add(reference: 1, side: .buy, shares: 100, price: 1_900_100)])
        down = Bytes.packet(sequence: 0, [{ $0.orderDelete(Bytes.header(locate), reference: 1) }])
        deep = Bytes.packet(sequence: 0, [{ $0.orderCancel(Bytes.header(locate), reference: 14, shares: 1) }])
    }

    func feed(_ packet: [UInt8], count: UInt64) {
        now &+= 1_000
        packet.withUnsafeBytes {
            lane.handleFrame(venue: 0, line: .a, bytes: $0, times: EventTimes(exchange: Timestamp(nanoseconds: 0)), now: now)
        }
        sequence &+= count
    }

    /// Answers every OUCH message in the last frame sent: Accepted for Enter Order, Replaced for
    /// Replace Order. No allocation.
    func acknowledgeSent() {
        let (base, length) = lane.withOrderEntryQueue(0) { (UnsafeRawPointer($0.buffer.baseAddress!), $0.length) }
        var i = 0
        var out = 0
        while i + 3 <= length {
            let n = Int(base.load(fromByteOffset: i, as: UInt8.self)) << 8 | Int(base.load(fromByteOffset: i + 1, as: UInt8.self))
            let type = base.load(fromByteOffset: i + 2, as: UInt8.self)
            if type == 0x55 {
                let payload = UnsafeRawBufferPointer(start: base + i + 3, count: n - 1)
                if case .message(let m) = OUCHDecoder.validateInbound(payload) {
                    let body = UnsafeMutableRawBufferPointer(rebasing: reply[(out + 3)...])
                    var written = 0
                    switch m {
                    case .enterOrder(let v):
                        written = OUCHOrderAccepted(accepting: v.message, timestamp: OUCHTimestamp(nanoseconds: 1),
                                                    orderReferenceNumber: UInt64(v.message.userRefNum)).encode(into: body)
                    case .replaceOrder(let v):
                        written = OUCHOrderReplaced(timestamp: OUCHTimestamp(nanoseconds: 1), origUserRefNum: v.origUserRefNum,
                                                    userRefNum: v.userRefNum, side: .sell, quantity: v.quantity, symbol: OUCHSymbol(rawValue: aapl.raw),
                                                    price: v.price, timeInForce: .day, display: .visible,
                                                    orderReferenceNumber: UInt64(v.userRefNum), capacity: .agency,
                                                    intermarketSweep: .notEligible, crossType: .continuous, orderState: .live,
                                                    clOrdID: .blank).encode(into: body)
                    default: break
                    }
                    if written > 0 {
                        reply.storeBytes(of: UInt16(written + 1).bigEndian, toByteOffset: out, as: UInt16.self)
                        reply.storeBytes(of: UInt8(0x53), toByteOffset: out + 2, as: UInt8.self)
                        out += 3 + written
                    }
                }
            }
            i += 2 + n
        }
        now &+= 1_000
        if out > 0 { lane.handleOrderEntry(venue: 0, bytes: UnsafeRawBufferPointer(rebasing: reply[0..<out]), now: now) }
    }

    /// `ticks` ticks; the TSC ticks of each `handleFrame` in `samples`. Returns orders sent.
    @inline(never)
    func run(ticks: Int, orders: Bool, samples: UnsafeMutablePointer<UInt64>) -> UInt64 {
        let before = lane.core.counters.replacesSent
        for i in 0..<ticks {
            let packet = orders ? (i & 1 == 0 ? up : down) : deep
            now &+= 1_000
            let seq = sequence
            let t: UInt64 = packet.withUnsafeBytes { p in
                // The sequence number lives in the packet (bytes 10…17): patch it in place.
                UnsafeMutableRawPointer(mutating: p.baseAddress!).storeBytes(of: seq.bigEndian, toByteOffset: 10, as: UInt64.self)
                let t0 = vega_tsc_start()
                lane.handleFrame(venue: 0, line: .a, bytes: p, times: EventTimes(exchange: Timestamp(nanoseconds: 0)), now: now,
                                 receiveTicks: t0)
                return vega_tsc_end() &- t0
            }
            samples[i] = t
            sequence &+= 1
            if orders { acknowledgeSent() }
        }
        return lane.core.counters.replacesSent &- before
    }
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
