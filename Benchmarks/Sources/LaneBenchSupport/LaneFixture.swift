// The whole lane's benchmark fixture (LaneBenchmarks' lane-tick-* and client benchmarks), in a
// library so `lane-profile` (callgrind, perf) runs exactly the same lane and ticks.
#if canImport(Glibc)
import Glibc
#endif
import CITCHFraming
import VegaCore
import VegaEngine
import VegaHardware
import VegaMarketData
import VegaOrderEntry
import VegaStrategy
import VegaTrading

/// The order-entry queue of the benchmark: keeps the last frame the lane transmitted in a fixed
/// buffer (no allocation) so the fixture can answer the Replace Order in it.
public struct LastFrameQueue: PacketQueue {
    public let buffer: UnsafeMutableRawBufferPointer
    public var length = 0
    public var frames = 0
    public init() { buffer = .allocate(byteCount: 4_096, alignment: 8) }
    public mutating func receive(into batch: inout RxBatch) throws(HardwareError) -> Int { batch.setCount(0); return 0 }
    public mutating func transmit(_ frame: UnsafeRawBufferPointer) throws(HardwareError) -> UInt32 {
        length = min(frame.count, buffer.count)
        buffer.baseAddress!.copyMemory(from: frame.baseAddress!, byteCount: length)
        frames &+= 1
        return UInt32(truncatingIfNeeded: frames)
    }
    public mutating func drainTxTimestamps(into stamps: UnsafeMutableBufferPointer<TxTimestamp>) throws(HardwareError) -> Int { 0 }
    public var info: PacketQueueInfo {
        PacketQueueInfo(backend: "bench", endpoint: "memory", hardwareRxTimestamps: false, softwareRxTimestamps: false,
                        hardwareTxTimestamps: false, softwareTxTimestamps: false)
    }
}

public typealias BenchLane = Lane<NullPacketQueue, LastFrameQueue, NoLaneTap>

public let session = MoldUDP64SessionID("BENCH00001")!
public let aapl = Symbol("AAPL")!
public let locate: UInt16 = 7

/// Builds bytes into fixed buffers (setup only; allocation is fine here).
public enum Bytes {
    public static func header(_ l: UInt16) -> ITCHHeader { ITCHHeader(stockLocate: l, trackingNumber: 0, timestamp: Timestamp(nanoseconds: 34_200_000_000_000)) }

    public static func packet(sequence: UInt64, _ messages: [(ITCHEncoder) -> Int]) -> [UInt8] {
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

    public static func add(reference: UInt64, side: Side, shares: UInt32, price: Int64) -> (ITCHEncoder) -> Int {
        { $0.addOrder(header(locate), reference: reference, side: side.rawValue, shares: shares, stock: aapl, price: Price4(rawValue: price)) }
    }

    public static func soup(_ type: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let n = payload.count + 1
        return [UInt8(n >> 8), UInt8(n & 0xFF), type] + payload
    }
}

/// A lane logged in to one venue with a market maker quoting AAPL on a two-sided book, both
/// quotes acknowledged; the two tick packets (best bid up a cent, then back) prebuilt.
public final class LaneFixture {
    public var lane: BenchLane
    public var up: [UInt8]
    public var down: [UInt8]
    public var deep: [UInt8]
    public var sequence: UInt64
    public let reply: UnsafeMutableRawBufferPointer
    public var now: UInt64 = 10_000

    public init(profiling: LaneProfiling, clients: LaneClientLink? = nil) {
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

    public func feed(_ packet: [UInt8], count: UInt64) {
        now &+= 1_000
        packet.withUnsafeBytes {
            lane.handleFrame(venue: 0, line: .a, bytes: $0, times: EventTimes(exchange: Timestamp(nanoseconds: 0)), now: now)
        }
        sequence &+= count
    }

    /// Answers every OUCH message in the last frame sent: Accepted for Enter Order, Replaced for
    /// Replace Order. No allocation.
    public func acknowledgeSent() {
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
    /// With `evict` (a buffer larger than L2), every tick first writes one byte per cache line
    /// of it, pushing the lane's data out of L1 and L2 as the live lane's system calls between
    /// rare ticks do (Benchmarks/README, "cold ticks"): the lane's code stays mostly cached, so
    /// this is the data half of a cold tick.
    @inline(never)
    public func run(ticks: Int, orders: Bool, samples: UnsafeMutablePointer<UInt64>,
                    evict: UnsafeMutableRawBufferPointer? = nil) -> UInt64 {
        let before = lane.core.counters.replacesSent
        for i in 0..<ticks {
            if let evict {
                var line = 0
                while line < evict.count {
                    evict[line] &+= 1
                    line &+= 64
                }
            }
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
