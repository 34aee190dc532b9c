import Testing
import VegaCore
import VegaMarketData
import VegaTrading

/// The risk engine keeps each instrument's limits in its own per-instrument line, copied from the
/// limits tables when a check first meets a new limits version: checks must see every change,
/// however the lane picked it up, and the lane collar must follow when an instrument has no override.
@Suite("Risk per-instrument line follows published limits")
struct RiskInstrumentStateTests {
    @Test func checksSeeEveryPublishedVersionInstrumentByInstrument() {
        var c = core(RiskLimits(instrumentDefaults: InstrumentLimits(maxOrderQuantity: 500)))
        let book = normalBook()
        #expect(c.submit(newOrder(1, qty: 500), book: book, now: 0) == .send)
        #expect(c.submit(newOrder(2, qty: 501), book: book, now: 0) == .riskRejected(.maxOrderQuantity))
        // Tighter for instrument 1 only, looser by default: instrument 2 was never checked before.
        try! c.risk.channel.publish(RiskLimits(instrumentDefaults: InstrumentLimits(maxOrderQuantity: 1_000),
                                               instruments: [inst: InstrumentLimits(maxOrderQuantity: 100)]))
        // Picked up through the lane end directly rather than `pollLimits()`: the lines still follow.
        let polled = c.risk.limits.poll()
        #expect(polled)
        #expect(c.submit(newOrder(3, qty: 101), book: book, now: 0) == .riskRejected(.maxOrderQuantity))
        #expect(c.submit(newOrder(4, qty: 100), book: book, now: 0) == .send)
        #expect(c.submit(newOrder(5, .buy, price: 50, qty: 1_000, instrument: InstrumentID(2)), book: book, now: 0) == .send)
        // And back.
        try! c.risk.channel.publish(RiskLimits(instrumentDefaults: InstrumentLimits(maxOrderQuantity: 500)))
        let changedBack = c.risk.pollLimits()
        #expect(changedBack)
        #expect(c.submit(newOrder(6, qty: 500), book: book, now: 0) == .send)
        #expect(c.submit(newOrder(7, .buy, price: 50, qty: 501, instrument: InstrumentID(2)), book: book, now: 0)
                == .riskRejected(.maxOrderQuantity))
    }

    @Test func laneCollarChangeReachesInstrumentsWithoutOverrideOnly() {
        let wide = RiskLimits(instruments: [InstrumentID(2): InstrumentLimits(collarBasisPoints: 10)],
                              lane: LaneLimits(collar: CollarPolicy(basisPoints: 1_000)))
        var c = core(wide)
        let book = normalBook()  // 99.99 / 100.01
        let book2 = makeBook(locate: 2, bids: [(99.95, 100)], asks: [(100.05, 100)])
        #expect(c.submit(newOrder(1, .buy, price: 105), book: book, now: 0) == .send)
        var narrow = wide
        narrow.lane.collar = CollarPolicy(basisPoints: 100)
        try! c.risk.channel.publish(narrow)
        let changed = c.risk.pollLimits()
        #expect(changed)
        // 100.01 + 1 % = 101.0101: 105 is now a fat finger on instrument 1 ...
        #expect(c.submit(newOrder(2, .buy, price: 105), book: book, now: 0) == .riskRejected(.priceCollar))
        #expect(c.submit(newOrder(3, .buy, price: 101.01), book: book, now: 0) == .send)
        // ... while instrument 2 keeps its own 10 bp (100.05 + 0.10 = 100.1500).
        #expect(c.submit(newOrder(4, .buy, price: 100.15, instrument: InstrumentID(2)), book: book2, now: 0) == .send)
        #expect(c.submit(newOrder(5, .buy, price: 100.16, instrument: InstrumentID(2)), book: book2, now: 0)
                == .riskRejected(.priceCollar))
    }

    @Test func statusAndMarketDataTimesShareTheLineWithoutDisturbingLimits() {
        var limits = RiskLimits(instrumentDefaults: InstrumentLimits(maxOrderQuantity: 300))
        limits.lane.staleMarketData = 1_000
        var c = core(limits)
        let book = normalBook()
        c.risk.setTradingState(inst, .halted)
        let state = c.risk.tradingState(inst)
        #expect(state == .halted)
        #expect(c.submit(newOrder(1), book: book, now: 0) == .riskRejected(.tradingHalted))
        c.risk.setTradingState(inst, .trading)
        c.risk.marketDataUpdated(inst, now: 5_000)
        #expect(c.submit(newOrder(2, qty: 301), book: book, now: 5_500) == .riskRejected(.maxOrderQuantity))
        #expect(c.submit(newOrder(3, qty: 300), book: book, now: 5_500) == .send)
        #expect(c.submit(newOrder(4, qty: 300), book: book, now: 6_001) == .riskRejected(.staleMarketData))
    }
}
