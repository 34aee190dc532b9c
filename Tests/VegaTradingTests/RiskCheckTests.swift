import Testing
import VegaCore
import VegaMarketData
import VegaTrading

@Suite("Pre-trade risk: one test per check")
struct RiskCheckTests {
    @Test func acceptsAnOrderInsideEveryLimitAndCountsIt() {
        var c = core(RiskLimits(lane: LaneLimits(collar: CollarPolicy(basisPoints: 50))))
        let book = normalBook()
        #expect(c.submit(newOrder(1), book: book, now: 1) == .send)
        #expect(c.risk.checks == 1 && c.risk.accepted == 1)
        #expect(c.orders.order(OrderID(1))?.state == .pendingNew)
    }

    @Test func refusesIdentifiersBeyondCapacity() {
        var c = core()
        let book = normalBook()
        #expect(c.submit(newOrder(1, instrument: InstrumentID(8)), book: book, now: 0) == .riskRejected(.unknownInstrument))
        #expect(c.submit(newOrder(2, account: AccountID(4)), book: book, now: 0) == .riskRejected(.unknownAccount))
        #expect(c.submit(newOrder(3, strategy: StrategyID(4)), book: book, now: 0) == .riskRejected(.unknownStrategy))
    }

    @Test func refusesZeroQuantityAndNonPositivePrice() {
        var c = core()
        let book = normalBook()
        #expect(c.submit(newOrder(1, qty: 0), book: book, now: 0) == .riskRejected(.zeroQuantity))
        #expect(c.submit(newOrder(2, price: 0), book: book, now: 0) == .riskRejected(.invalidPrice))
        #expect(c.submit(newOrder(3, price: -1), book: book, now: 0) == .riskRejected(.invalidPrice))
        #expect(c.risk.rejectCount(.invalidPrice) == 2)
    }

    @Test func refusesOrdersAboveMaxQuantityAndMaxNotional() {
        var c = core(RiskLimits(instrumentDefaults: InstrumentLimits(maxOrderQuantity: 1_000, maxOrderNotional: 50_000 * 10_000)))
        let book = normalBook()
        #expect(c.submit(newOrder(1, qty: 1_001), book: book, now: 0) == .riskRejected(.maxOrderQuantity))
        #expect(c.submit(newOrder(2, price: 100, qty: 501), book: book, now: 0) == .riskRejected(.maxOrderNotional))
        #expect(c.submit(newOrder(3, price: 100, qty: 500), book: book, now: 0) == .send)  // exactly at the notional limit
        #expect(c.risk.rejectCount(.maxOrderQuantity) == 1 && c.risk.rejectCount(.maxOrderNotional) == 1)
    }

    @Test func collarAgainstTheTouchRefusesFatFingersBothWays() {
        // 100 bps from the touch: buys up to 101.0101 against a 100.01 ask, sells down to 98.9901 against a 99.99 bid.
        // Self-match off: the test's own buys and sells would otherwise cross each other.
        var c = core(RiskLimits(lane: LaneLimits(collar: CollarPolicy(basisPoints: 100, reference: .touch),
                                                 selfMatchPrevention: false)))
        let book = normalBook()
        #expect(c.submit(newOrder(1, .buy, price: 101.01), book: book, now: 0) == .send)
        #expect(c.submit(newOrder(2, .buy, price: 101.02), book: book, now: 0) == .riskRejected(.priceCollar))
        #expect(c.submit(newOrder(3, .sell, price: 98.9901), book: book, now: 0) == .send)
        #expect(c.submit(newOrder(4, .sell, price: 98.98), book: book, now: 0) == .riskRejected(.priceCollar))
        // A passive order far from the market is no fat finger.
        #expect(c.submit(newOrder(5, .buy, price: 50), book: book, now: 0) == .send)
    }

    @Test func collarAgainstTheMidAndInstrumentOverride() {
        let limits = RiskLimits(instruments: [InstrumentID(2): InstrumentLimits(collarBasisPoints: 10)],
                                lane: LaneLimits(collar: CollarPolicy(basisPoints: 1_000, reference: .mid)))
        var c = core(limits)
        let book = makeBook(bids: [(99, 100)], asks: [(101, 100)])  // mid 100
        #expect(c.submit(newOrder(1, .buy, price: 110), book: book, now: 0) == .send)
        #expect(c.submit(newOrder(2, .buy, price: 110.01), book: book, now: 0) == .riskRejected(.priceCollar))
        // Instrument 2 has a 10 bp override: its book (locate 2) has a 100 mid.
        let book2 = makeBook(locate: 2, bids: [(99.95, 100)], asks: [(100.05, 100)])
        #expect(c.submit(newOrder(3, .buy, price: 100.10, instrument: InstrumentID(2)), book: book2, now: 0) == .send)
        #expect(c.submit(newOrder(4, .buy, price: 100.11, instrument: InstrumentID(2)), book: book2, now: 0)
                == .riskRejected(.priceCollar))
    }

    @Test func collarWithNoBookFollowsThePolicy() {
        let empty = makeBook()
        var refusing = core(RiskLimits(lane: LaneLimits(collar: CollarPolicy(basisPoints: 100, noBook: .reject))))
        #expect(refusing.submit(newOrder(1), book: empty, now: 0) == .riskRejected(.noReferencePrice))
        var allowing = core(RiskLimits(lane: LaneLimits(collar: CollarPolicy(basisPoints: 100, noBook: .allow))))
        #expect(allowing.submit(newOrder(1), book: empty, now: 0) == .send)
        // One side only: a buy is collared against the bid when there is no ask.
        let bidOnly = makeBook(bids: [(100, 10)])
        #expect(refusing.submit(newOrder(2, .buy, price: 101.00), book: bidOnly, now: 0) == .send)
        #expect(refusing.submit(newOrder(3, .buy, price: 101.01), book: bidOnly, now: 0) == .riskRejected(.priceCollar))
    }

    @Test func positionLimitsCountWorkingOrdersAndFills() {
        var c = core(RiskLimits(instrumentDefaults: InstrumentLimits(maxLong: 300, maxShort: 200, maxGross: 450)))
        let book = normalBook()
        #expect(c.submit(newOrder(1, .buy, qty: 200), book: book, now: 0) == .send)
        // 200 working + 101 > 300 long.
        #expect(c.submit(newOrder(2, .buy, qty: 101), book: book, now: 0) == .riskRejected(.positionLong))
        #expect(c.submit(newOrder(3, .buy, qty: 100), book: book, now: 0) == .send)
        // Short: 200 working sells allowed, gross = 300 + 200 = 500 > 450.
        #expect(c.submit(newOrder(4, .sell, price: 100.5, qty: 200), book: book, now: 0) == .riskRejected(.positionGross))
        #expect(c.submit(newOrder(5, .sell, price: 100.5, qty: 150), book: book, now: 0) == .send)
        #expect(c.submit(newOrder(6, .sell, price: 100.5, qty: 51), book: book, now: 0) == .riskRejected(.positionShort))
        // Fills move potential into the position: it is the same exposure, so still full.
        _ = c.venue(ack(1))
        #expect(c.venue(fill(1, exec: 1, qty: 200, price: 100)).isApplied)
        #expect(c.positions.position(inst).quantity == 200)
        #expect(c.submit(newOrder(7, .buy, qty: 1), book: book, now: 0) == .riskRejected(.positionLong))
    }

    @Test func shortLimitAloneRefusesAnOversizedSell() {
        var c = core(RiskLimits(instrumentDefaults: InstrumentLimits(maxShort: 100)))
        let book = normalBook()
        #expect(c.submit(newOrder(1, .sell, price: 100.5, qty: 100), book: book, now: 0) == .send)
        #expect(c.submit(newOrder(2, .sell, price: 100.5, qty: 1), book: book, now: 0) == .riskRejected(.positionShort))
    }

    @Test func accountNotionalLimitsIncludePositionsAndWorkingOrders() {
        // 100 shares at 100.00 = 10,000.00 = 100_000_000 Money4 raw.
        let limits = RiskLimits(accountDefaults: AccountLimits(maxLongNotional: 150_000_000, maxShortNotional: 100_000_000,
                                                               maxGrossNotional: 220_000_000))
        var c = core(limits)
        let book = normalBook()
        #expect(c.submit(newOrder(1, .buy, qty: 100), book: book, now: 0) == .send)
        _ = c.venue(ack(1))
        _ = c.venue(fill(1, exec: 1, qty: 100, price: 100))
        #expect(c.positions.totals(account: acct).longCost == 100_000_000)
        #expect(c.submit(newOrder(2, .buy, qty: 51), book: book, now: 0) == .riskRejected(.accountLongNotional))
        #expect(c.submit(newOrder(3, .buy, qty: 50), book: book, now: 0) == .send)
        #expect(c.submit(newOrder(4, .sell, price: 100.5, qty: 100, instrument: InstrumentID(2)), book: makeBook(locate: 2),
                         now: 0) == .riskRejected(.accountShortNotional))
        #expect(c.submit(newOrder(5, .sell, price: 100, qty: 80, instrument: InstrumentID(2)), book: makeBook(locate: 2),
                         now: 0) == .riskRejected(.accountGrossNotional))
        #expect(c.submit(newOrder(6, .sell, price: 100, qty: 70, instrument: InstrumentID(2)), book: makeBook(locate: 2),
                         now: 0) == .send)
    }

    @Test func openOrderCountAndNotionalPerAccountAndLane() {
        let limits = RiskLimits(accountDefaults: AccountLimits(maxOpenOrders: 2, maxOpenNotional: 30_000_000),
                                lane: LaneLimits(maxOpenOrders: 3, maxOpenNotional: .max))
        var c = core(limits)
        let book = normalBook()
        #expect(c.submit(newOrder(1, qty: 10), book: book, now: 0) == .send)
        #expect(c.submit(newOrder(2, qty: 10), book: book, now: 0) == .send)
        #expect(c.submit(newOrder(3, qty: 10), book: book, now: 0) == .riskRejected(.accountOpenOrders))
        #expect(c.submit(newOrder(4, qty: 10, account: AccountID(1)), book: book, now: 0) == .send)
        #expect(c.submit(newOrder(5, qty: 10, account: AccountID(2)), book: book, now: 0) == .riskRejected(.laneOpenOrders))
        // Account 1 has 10 × 100 = 1,000.00 working; 3,000.00 is its cap.
        #expect(c.submit(newOrder(6, qty: 21, account: AccountID(1)), book: book, now: 0) == .riskRejected(.laneOpenOrders))
        var d = core(RiskLimits(accountDefaults: AccountLimits(maxOpenNotional: 30_000_000),
                                lane: LaneLimits(maxOpenNotional: 40_000_000)))
        #expect(d.submit(newOrder(1, qty: 20), book: book, now: 0) == .send)
        #expect(d.submit(newOrder(2, qty: 11), book: book, now: 0) == .riskRejected(.accountOpenNotional))
        #expect(d.submit(newOrder(3, qty: 20, account: AccountID(1)), book: book, now: 0) == .send)
        #expect(d.submit(newOrder(4, qty: 1, account: AccountID(2)), book: book, now: 0) == .riskRejected(.laneOpenNotional))
    }

    @Test func orderAndCancelRatesAreTokenBucketsRefilledByTime() {
        let limits = RiskLimits(accountDefaults: AccountLimits(orderRate: RateLimit(perSecond: 2, burst: 2),
                                                               cancelRate: RateLimit(perSecond: 1, burst: 1)))
        var c = core(limits)
        let book = normalBook()
        #expect(c.submit(newOrder(1, qty: 1), book: book, now: 0) == .send)
        #expect(c.submit(newOrder(2, qty: 1), book: book, now: 0) == .send)
        #expect(c.submit(newOrder(3, qty: 1), book: book, now: 0) == .riskRejected(.orderRate))
        // A refused order takes no token: half a second later exactly one is back.
        #expect(c.submit(newOrder(4, qty: 1), book: book, now: 500_000_000) == .send)
        #expect(c.submit(newOrder(5, qty: 1), book: book, now: 500_000_000) == .riskRejected(.orderRate))
        _ = c.venue(ack(1))
        _ = c.venue(ack(2))
        #expect(c.submit(cancel(newOrder(1)), book: book, now: 600_000_000) == .send)
        #expect(c.submit(cancel(newOrder(2)), book: book, now: 600_000_000) == .riskRejected(.cancelRate))
        #expect(c.submit(cancel(newOrder(2)), book: book, now: 1_600_000_000) == .send)
    }

    @Test func selfMatchPreventionRefusesCrossingOurOwnRestingOrderAtTheSameVenue() {
        var c = core()
        let book = normalBook()
        #expect(c.submit(newOrder(1, .sell, price: 100.05, qty: 10), book: book, now: 0) == .send)
        _ = c.venue(ack(1))
        #expect(c.submit(newOrder(2, .buy, price: 100.05, qty: 10), book: book, now: 0) == .riskRejected(.selfMatch))
        #expect(c.submit(newOrder(3, .buy, price: 100.04, qty: 10), book: book, now: 0) == .send)
        // Another venue: no self-match there.
        #expect(c.submit(newOrder(4, .buy, price: 100.06, qty: 10, venue: VenueID(1)), book: book, now: 0) == .send)
        // A replace of our own sell never matches itself.
        #expect(c.submit(replace(newOrder(1, .sell, price: 100.05, qty: 10), newID: 5, price: 100.04, qty: 10), book: book,
                         now: 0) == .riskRejected(.selfMatch))  // would cross our buy 3 at 100.04
        #expect(c.submit(replace(newOrder(1, .sell, price: 100.05, qty: 10), newID: 6, price: 100.06, qty: 10), book: book,
                         now: 0) == .send)
        var off = core(RiskLimits(lane: LaneLimits(selfMatchPrevention: false)))
        #expect(off.submit(newOrder(1, .sell, price: 100.05), book: book, now: 0) == .send)
        #expect(off.submit(newOrder(2, .buy, price: 100.05), book: book, now: 0) == .send)
    }

    @Test func restrictedInstrumentsAreRefusedButCancelsGo() {
        var c = core()
        let book = normalBook()
        #expect(c.submit(newOrder(1), book: book, now: 0) == .send)
        _ = c.venue(ack(1))
        var limits = RiskLimits(instruments: [inst: InstrumentLimits(restricted: true)])
        limits.lane = LaneLimits()
        try! c.risk.channel.publish(limits)
        let changed = c.risk.pollLimits()
        #expect(changed)
        #expect(c.submit(newOrder(2), book: book, now: 0) == .riskRejected(.restrictedInstrument))
        #expect(c.submit(cancel(newOrder(1)), book: book, now: 0) == .send)
    }

    @Test func haltedPausedAndQuotationOnlyStatuses() {
        var c = core()
        let book = normalBook()
        c.risk.setTradingState(inst, .halted)
        #expect(c.submit(newOrder(1), book: book, now: 0) == .riskRejected(.tradingHalted))
        c.risk.setTradingState(inst, .paused)
        #expect(c.submit(newOrder(2), book: book, now: 0) == .riskRejected(.tradingHalted))
        c.risk.setTradingState(inst, .quotationOnly)
        #expect(c.submit(newOrder(3), book: book, now: 0) == .riskRejected(.quotationOnly))
        #expect(c.submit(newOrder(4, postOnly: true), book: book, now: 0) == .send)
        c.risk.setTradingState(inst, .trading)
        #expect(c.submit(newOrder(5), book: book, now: 0) == .send)
    }

    @Test func staleMarketDataRefusesNewOrders() {
        var c = core(RiskLimits(lane: LaneLimits(staleMarketData: 1_000_000)))
        let book = normalBook()
        #expect(c.submit(newOrder(1), book: book, now: 1_000_000) == .send)
        #expect(c.submit(newOrder(2), book: book, now: 1_000_001) == .riskRejected(.staleMarketData))
        c.onMarketData(inst, book: book, now: 1_500_000)
        #expect(c.submit(newOrder(3), book: book, now: 2_000_000) == .send)
    }

    @Test func cancelAndReplaceOfAnOrderThatIsNotWorkingAreRefused() {
        var c = core()
        let book = normalBook()
        #expect(c.submit(cancel(newOrder(9)), book: book, now: 0) == .riskRejected(.orderNotWorking))
        #expect(c.submit(newOrder(1), book: book, now: 0) == .send)
        // Still PendingNew: the venue has not acknowledged it.
        #expect(c.submit(cancel(newOrder(1)), book: book, now: 0) == .riskRejected(.orderNotWorking))
        _ = c.venue(ack(1))
        #expect(c.submit(replace(newOrder(1), newID: 2, price: 100, qty: 200), book: book, now: 0) == .send)
        // A second request while the replace is pending.
        #expect(c.submit(cancel(newOrder(1)), book: book, now: 0) == .riskRejected(.orderNotWorking))
    }

    @Test func replaceIsCheckedWithItsNewLeavesInsteadOfTheOld() {
        var c = core(RiskLimits(instrumentDefaults: InstrumentLimits(maxLong: 300)))
        let book = normalBook()
        #expect(c.submit(newOrder(1, qty: 200), book: book, now: 0) == .send)
        _ = c.venue(ack(1))
        // 300 total is fine (the 200 are replaced, not added).
        #expect(c.submit(replace(newOrder(1, qty: 200), newID: 2, price: 100, qty: 300), book: book, now: 0) == .send)
        _ = c.venue(ExecutionReport(kind: .replaceAck, orderID: OrderID(1)))
        #expect(c.orders.order(OrderID(2))?.leavesQuantity == Quantity(300))
        #expect(c.submit(replace(newOrder(2, qty: 300), newID: 3, price: 100, qty: 301), book: book, now: 0)
                == .riskRejected(.positionLong))
    }

    @Test func everyReasonHasItsOwnCounter() {
        var c = core(RiskLimits(instrumentDefaults: InstrumentLimits(maxOrderQuantity: 10)))
        let book = normalBook()
        for id in 1...3 { _ = c.submit(newOrder(UInt64(id), qty: 11), book: book, now: 0) }
        _ = c.submit(newOrder(4, qty: 0), book: book, now: 0)
        #expect(c.risk.rejectCount(.maxOrderQuantity) == 3)
        #expect(c.risk.rejectCount(.zeroQuantity) == 1)
        #expect(c.risk.checks == 4 && c.risk.accepted == 0)
        #expect(Set(RiskReject.allCases.map(\.rawValue)).count == RiskReject.allCases.count)
        #expect(RiskReject.allCases.allSatisfy { $0.rawValue < 40 })
    }
}
