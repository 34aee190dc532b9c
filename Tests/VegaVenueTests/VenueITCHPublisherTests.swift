import Testing
import VegaCore
import VegaMarketData
import VegaVenue
import VegaTestSupport

@Suite struct VenueITCHPublisherTests {
    /// Random flow through the engine, its events published as ITCH, the ITCH decoded by Vega's
    /// own decoder into Vega's own books: both books must agree level by level, order count
    /// included, on every instrument.
    @Test(arguments: [11, 12, 13] as [UInt64])
    func vegasBooksRebuiltFromTheVenuesITCHEqualTheVenuesBook(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let locates: [UInt16] = [1, 2, 3]
        var engine = MatchingEngine()
        var symbols: [UInt16: Symbol] = [:]
        for l in locates {
            engine.addInstrument(l)
            symbols[l] = Symbol("SYM\(l)")!
        }
        let publisher = VenueITCHPublisher(sink: ITCHMemorySink(), symbols: symbols)
        try publisher.startOfDay(at: Timestamp(nanoseconds: 1_000))
        var working: [(token: UInt64, firm: UInt32)] = []
        var token: UInt64 = 1
        var clock: UInt64 = 2_000
        var sawHalt = false
        for step in 0..<6_000 {
            var events: [VenueEvent] = []
            let locate = locates[Int(rng.below(3))]
            let roll = rng.below(100)
            if roll < 60 || working.isEmpty {
                let firm = UInt32(1 + rng.below(5))
                let price = Price4(rawValue: 500_000 + Int64(rng.below(30)) * 100)
                let tif: VenueTimeInForce = rng.below(6) == 0 ? .immediateOrCancel : .day
                engine.submit(VenueOrderRequest(token: token, firm: firm, locate: locate, side: rng.below(2) == 0 ? .buy : .sell,
                                                price: price, quantity: UInt32(1 + rng.below(900)), timeInForce: tif), into: &events)
                working.append((token, firm))
                token += 1
            } else if roll < 80 {
                let w = working.remove(at: Int(rng.below(UInt64(working.count))))
                engine.cancel(token: w.token, firm: w.firm, leaves: rng.below(3) == 0 ? UInt32(rng.below(50)) : 0, into: &events)
                if engine.reference(token: w.token, firm: w.firm) != nil { working.append(w) }
            } else if roll < 98 {
                let i = Int(rng.below(UInt64(working.count)))
                let w = working[i]
                if let ref = engine.reference(token: w.token, firm: w.firm), let o = engine.restingOrder(ref) {
                    let price = rng.below(2) == 0 ? o.price : Price4(rawValue: 500_000 + Int64(rng.below(30)) * 100)
                    engine.replace(previousToken: w.token, firm: w.firm, newToken: token, price: price,
                                   quantity: UInt32(1 + rng.below(900)), into: &events)
                    working[i] = (token, w.firm)
                    token += 1
                }
            } else {
                engine.setHalted(locate, !engine.isHalted(locate), into: &events)
                sawHalt = true
            }
            for e in events {
                clock += 10
                try publisher.publish(e, at: Timestamp(nanoseconds: clock))
            }
            _ = step
        }
        try publisher.endOfDay(at: Timestamp(nanoseconds: clock + 10))
        #expect(sawHalt)

        var books = OrderBooks(configuration: BookConfiguration(maxInstruments: 8, maxOrders: 1 << 16, maxLevels: 1 << 12, maxLevelsPerSide: 256),
                               output: NoBookOutput())
        var handler = ITCHHandler(sink: books)
        let bytes = publisher.sink.bytes
        var offset = 0
        var messages = 0
        bytes.withUnsafeBytes { raw in
            while offset + 2 <= raw.count {
                let length = Int(raw[offset]) << 8 | Int(raw[offset + 1])
                let message = UnsafeRawBufferPointer(rebasing: raw[(offset + 2)..<(offset + 2 + length)])
                _ = handler.handle(message, stamps: EventTimes(exchange: Timestamp(nanoseconds: 0)))
                offset += 2 + length
                messages += 1
            }
        }
        #expect(messages == publisher.sink.messageCount)
        #expect(handler.decoder.counters.totalRejects == 0)
        #expect(handler.bookRejects.total == 0)
        books = handler.takeSink()
        for l in locates {
            for side in [Side.buy, .sell] {
                let venue = engine.depth(l, side: side)
                let vega = (0..<books.levelCount(locate: l, side: side)).map { books.level(locate: l, side: side, index: $0)! }
                #expect(vega.map(\.price) == venue.map(\.price), "locate \(l) \(side)")
                #expect(vega.map(\.shares) == venue.map(\.quantity), "locate \(l) \(side)")
                #expect(vega.map(\.orders) == venue.map(\.orders), "locate \(l) \(side)")
            }
            #expect(books.tradingState(locate: l).map { $0.rawValue == UInt8(ascii: "H") } == engine.isHalted(l))
        }
    }
}
