import Testing
import VegaCore
import VegaEngine
import VegaHardware
import VegaMarketData
import VegaOrderEntry
import VegaStrategy
import VegaTrading

/// A packet queue for lane tests: keeps what the lane transmits (allocates: test code).
struct LaneTestQueue: PacketQueue {
    var sent: [[UInt8]] = []
    mutating func receive(into batch: inout RxBatch) throws(HardwareError) -> Int {
        batch.setCount(0)
        return 0
    }
    mutating func transmit(_ frame: UnsafeRawBufferPointer) throws(HardwareError) -> UInt32 {
        sent.append(Array(frame))
        return UInt32(sent.count)
    }
    mutating func drainTxTimestamps(into stamps: UnsafeMutableBufferPointer<TxTimestamp>) throws(HardwareError) -> Int { 0 }
    var info: PacketQueueInfo {
        PacketQueueInfo(backend: "test", endpoint: "memory", hardwareRxTimestamps: false, softwareRxTimestamps: false,
                        hardwareTxTimestamps: false, softwareTxTimestamps: false)
    }
}

enum LaneTestBytes {
    static let session = MoldUDP64SessionID("LANETEST01")!
    static let aapl = Symbol("AAPL")!

    static func setup(arbitrage: Bool = false) -> LaneSetup {
        var venues = [LaneSetup.Venue(id: VenueID(0), name: "ALPHA", feedSession: session, username: "VEGA01", password: "secret",
                                      takeFeePerShare: Price4(rawValue: 30), makeFeePerShare: Price4(rawValue: -20))]
        if arbitrage {
            venues.append(LaneSetup.Venue(id: VenueID(1), name: "BETA", feedSession: session, username: "VEGA01", password: "secret",
                                          takeFeePerShare: Price4(rawValue: 30), makeFeePerShare: Price4(rawValue: -20)))
        }
        let instrument = LaneSetup.Instrument(id: InstrumentID(1), symbol: aapl, venues: arbitrage ? [VenueID(0), VenueID(1)] : [VenueID(0)])
        let mm = LaneSetup.MarketMakerSlot(
            strategy: StrategyID(1), account: AccountID(1), instrument: InstrumentID(1), venue: VenueID(0),
            parameters: MarketMakerParameters(halfSpread: Price4(rawValue: 500), quoteSize: Quantity(100),
                                              maxPosition: Quantity(1_000)))
        var arbs: [LaneSetup.ArbitrageSlot] = []
        if arbitrage {
            arbs.append(LaneSetup.ArbitrageSlot(strategy: StrategyID(2), account: AccountID(1), instrument: InstrumentID(1),
                                                first: VenueID(0), second: VenueID(1),
                                                parameters: CrossVenueArbitrageParameters(edge: Price4(rawValue: 100),
                                                                                          maxClip: Quantity(300))))
        }
        return LaneSetup(name: "test", venues: venues, instruments: [instrument], marketMakers: [mm], arbitrages: arbs)
    }

    /// One MoldUDP64 packet carrying `messages` (each built by the closure into a scratch buffer).
    static func packet(sequence: UInt64, _ messages: [(ITCHEncoder) -> Int]) -> [UInt8] {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 256, alignment: 8)
        let out = UnsafeMutableRawBufferPointer.allocate(byteCount: 1_400, alignment: 8)
        defer { scratch.deallocate(); out.deallocate() }
        var encoder = MoldUDP64Encoder(into: out, session: session, sequence: sequence)
        for m in messages {
            let n = m(ITCHEncoder(scratch))
            precondition(encoder.append(UnsafeRawBufferPointer(rebasing: scratch[0..<n])))
        }
        let n = encoder.finish()
        return Array(UnsafeRawBufferPointer(rebasing: out[0..<n]))
    }

    static func header(_ locate: UInt16) -> ITCHHeader {
        ITCHHeader(stockLocate: locate, trackingNumber: 0, timestamp: Timestamp(nanoseconds: 34_200_000_000_000))
    }

    static func directory(locate: UInt16) -> (ITCHEncoder) -> Int {
        { $0.stockDirectory(header(locate), stock: aapl, marketCategory: 0x51, financialStatusIndicator: 0x4E, roundLotSize: 100,
                            roundLotsOnly: 0x4E, issueClassification: 0x43, issueSubType: 0x2020, authenticity: 0x50,
                            shortSaleThresholdIndicator: 0x4E, ipoFlag: 0x20, luldReferencePriceTier: 0x31, etpFlag: 0x4E,
                            etpLeverageFactor: 0, inverseIndicator: 0x4E) }
    }

    static func add(locate: UInt16, reference: UInt64, side: Side, shares: UInt32, price: Int64) -> (ITCHEncoder) -> Int {
        { $0.addOrder(header(locate), reference: reference, side: side.rawValue, shares: shares, stock: aapl,
                      price: Price4(rawValue: price)) }
    }

    /// A SoupBinTCP packet: length, type, payload.
    static func soup(_ type: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let n = payload.count + 1
        return [UInt8(n >> 8), UInt8(n & 0xFF), type] + payload
    }

    static func loginAccepted(sequence: UInt64 = 1) -> [UInt8] {
        let session = Array("SESSION001".utf8)
        let seq = String(sequence)
        return soup(0x41, session + Array(String(repeating: " ", count: 20 - seq.count).utf8) + Array(seq.utf8))
    }

    static func sequenced(_ body: (UnsafeMutableRawBufferPointer) -> Int) -> [UInt8] {
        let b = UnsafeMutableRawBufferPointer.allocate(byteCount: 256, alignment: 8)
        defer { b.deallocate() }
        let n = body(b)
        return soup(0x53, Array(UnsafeRawBufferPointer(rebasing: b[0..<n])))
    }

    /// The OUCH messages inside SoupBinTCP unsequenced-data packets the lane sent.
    static func ouchMessages(in frames: [[UInt8]]) -> [[UInt8]] {
        let stream = frames.flatMap { $0 }
        var out: [[UInt8]] = [], i = 0
        while i + 3 <= stream.count {
            let n = Int(stream[i]) << 8 | Int(stream[i + 1])
            if stream[i + 2] == 0x55 { out.append(Array(stream[(i + 3)..<(i + 2 + n)])) }
            i += 2 + n
        }
        return out
    }

    // MARK: opening a lane's markets

    /// Login Accepted on each of `venues`, venue `v` at `now + 100 × v`.
    static func logIn<MD: PacketQueue & ~Copyable, OE: PacketQueue & ~Copyable, Tap: LaneTap & ~Copyable>(
        _ lane: inout Lane<MD, OE, Tap>, venues: Range<Int> = 0..<1, now: UInt64 = 2_000
    ) {
        loginAccepted().withUnsafeBytes { bytes in
            for v in venues { lane.handleOrderEntry(venue: v, bytes: bytes, now: now &+ UInt64(v) &* 100) }
        }
    }

    /// The first packet of `venue`'s feed: the stock directory of `locate`, one bid and one ask
    /// of `shares` at `bid` / `ask` (Price4 raw; references 1 and 2).
    static func openMarket<MD: PacketQueue & ~Copyable, OE: PacketQueue & ~Copyable, Tap: LaneTap & ~Copyable>(
        _ lane: inout Lane<MD, OE, Tap>, venue: Int, locate: UInt16, bid: Int64, ask: Int64, shares: UInt32, now: UInt64
    ) {
        packet(sequence: 1, [directory(locate: locate),
                             add(locate: locate, reference: 1, side: .buy, shares: shares, price: bid),
                             add(locate: locate, reference: 2, side: .sell, shares: shares, price: ask)]).withUnsafeBytes {
            lane.handleFrame(venue: venue, line: .a, bytes: $0, times: EventTimes(exchange: Timestamp(nanoseconds: 0)), now: now)
        }
    }

    // MARK: a lane trading for one client

    /// The setup of ``clientLane(_:)``: one venue, no market maker (only the client trades).
    static func clientSetup() -> LaneSetup {
        var setup = setup()
        setup.marketMakers = []
        return setup
    }

    /// The client order ID `n` of strategy 5 (the client link's strategy in these tests).
    static func clientOrder(_ n: UInt64) -> OrderID { OrderID(5 << 48 | n) }

    /// A lane of ``clientSetup()`` with `link` (strategy 5) attached, logged in to venue 0, and a
    /// 190.00 / 190.10 market (300 shares each side) in locate 7 — instrument 1.
    static func clientLane(_ link: LaneClientLink) throws -> Lane<NullPacketQueue, LaneTestQueue, NoLaneTap> {
        let setup = clientSetup()
        let channel = try RiskLimitsChannel(capacity: setup.capacity, limits: setup.limits)
        var core = try LaneCore(setup: setup, limits: channel, tap: NoLaneTap(), now: 1_000, profiling: .off)
        core.attachClients(link)
        var lane = try Lane<NullPacketQueue, LaneTestQueue, NoLaneTap>(
            core: core, setup: setup, journal: nil, now: 1_000, marketData: { _ in NullPacketQueue() }, orderEntry: { _ in LaneTestQueue() })
        logIn(&lane)
        openMarket(&lane, venue: 0, locate: 7, bid: 1_900_000, ask: 1_901_000, shares: 300, now: 3_000)
        return lane
    }

    /// The client's buy of `quantity` at `price` (Price4 raw) in instrument 1 as order `id`, and
    /// the OUCH Enter Order it went out as (nil, with an issue recorded, if it did not).
    static func clientBuy(_ lane: inout Lane<NullPacketQueue, LaneTestQueue, NoLaneTap>, _ id: OrderID, price: Int64,
                          quantity: UInt64, now: UInt64 = 4_000) throws -> OUCHEnterOrder? {
        lane.handleClientRequest(ClientOrderRequest(kind: .new, side: .buy, account: AccountID(1), strategy: StrategyID(5),
                                                    instrument: InstrumentID(1), price: Price4(rawValue: price),
                                                    quantity: Quantity(quantity), orderID: id), now: now)
        let enter = try #require(ouchMessages(in: lane.withOrderEntryQueue(0) { $0.sent }).last)
        guard case .enterOrder(let v) = try enter.withUnsafeBytes({ try OUCHDecoder.parseInbound($0) }) else {
            Issue.record("the client order did not go out as an Enter Order")
            return nil
        }
        return v.message
    }
}
