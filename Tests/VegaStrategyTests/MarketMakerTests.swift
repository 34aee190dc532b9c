import Testing
import VegaCore
import VegaMarketData
import VegaStrategy
import VegaTrading

/// Book used throughout: bid 100.00 × 500, ask 100.10 × 300 (mid 100.05), tick 0.01.
@Suite struct MarketMakerTests {
    let base = MarketMakerParameters(halfSpread: px(300), quoteSize: qty(100), maxPosition: qty(1_000))

    func rig(_ p: MarketMakerParameters) throws -> MarketMakerRig {
        var r = try MarketMakerRig(p)
        r.add(.buy, 500, 1_000_000)
        r.add(.sell, 300, 1_001_000)
        return r
    }

    @Test func oneSidedBookIsNotQuotedThenBothSidesQuoteAroundTheMid() throws {
        var r = try MarketMakerRig(base)
        r.add(.buy, 500, 1_000_000)
        #expect(r.intents.isEmpty)
        r.add(.sell, 300, 1_001_000)
        // mid 1_000_500 ∓ 300 → 1_000_200 / 1_000_800, already on the 0.01 grid.
        #expect(r.intents == [quote(.buy, 1_000_200, 100, oid(1)), quote(.sell, 1_000_800, 100, oid(2))])
    }

    @Test func micropriceLeansTowardTheThinnerSide() throws {
        var p = base
        p.fairPrice = .microprice
        let r = try rig(p)
        // (1_000_000 × 300 + 1_001_000 × 500) / 800 = 1_000_625; −300 → floor to 1_000_300;
        // +300 = 1_000_925 → ceil to 1_001_000.
        #expect(r.intents == [quote(.buy, 1_000_300, 100, oid(1)), quote(.sell, 1_001_000, 100, oid(2))])
    }

    @Test func quotesRoundBidsDownAndAsksUpToTheTick() throws {
        var p = base
        p.halfSpread = px(250)
        let r = try rig(p)
        // 1_000_500 − 250 = 1_000_250 → 1_000_200; + 250 = 1_000_750 → 1_000_800.
        #expect(r.intents == [quote(.buy, 1_000_200, 100, oid(1)), quote(.sell, 1_000_800, 100, oid(2))])
    }

    @Test func quotesStayPassiveInsideATightBook() throws {
        var r = try MarketMakerRig(base)
        r.add(.buy, 100, 1_000_000)
        r.add(.sell, 100, 1_000_100)
        // mid 1_000_050: 999_750 → 999_700; 1_000_350 → 1_000_400. Widen the check: zero spread.
        #expect(r.intents == [quote(.buy, 999_700, 100, oid(1)), quote(.sell, 1_000_400, 100, oid(2))])
        var p = base
        p.halfSpread = .zero
        var z = try MarketMakerRig(p)
        z.add(.buy, 100, 1_000_000)
        z.add(.sell, 100, 1_000_100)
        // mid 1_000_050 → bid 1_000_000, ask 1_000_100: at the touch, never through it.
        #expect(z.intents == [quote(.buy, 1_000_000, 100, oid(1)), quote(.sell, 1_000_100, 100, oid(2))])
    }

    @Test func inventorySkewShiftsBothQuotesAgainstThePosition() throws {
        var p = base
        p.quoteSize = qty(200)
        p.inventorySkew = px(2)
        var r = try rig(p)
        #expect(r.intents == [quote(.buy, 1_000_200, 200, oid(1)), quote(.sell, 1_000_800, 200, oid(2))])
        r.ack(oid(1))
        r.ack(oid(2))
        r.fill(oid(1), 200, 1_000_200, leaves: 0)
        // Long 200 × 2 = 400 lower: bid 1_000_500 − 300 − 400 = 999_800; ask 1_000_400.
        #expect(r.intents == [quote(.buy, 999_800, 200, oid(3)), requote(.sell, oid(2), to: 1_000_400, 200, newID: oid(4))])
        #expect(r.host[position: mmInstrument].net == 200)
    }

    @Test func requotesOnlyWhenTheDesiredPriceMovesByMoreThanTheThreshold() throws {
        var p = base
        p.requoteThreshold = px(300)
        var r = try rig(p)
        r.ack(oid(1))
        r.ack(oid(2))
        #expect(r.intents.isEmpty)
        // Best bid 100.05: mid 1_000_750 → bid 1_000_400 (moved 200), ask 1_001_100 (moved 300: not more).
        let ref = r.add(.buy, 100, 1_000_500)
        #expect(r.intents.isEmpty)
        #expect(r.counters.requotesSuppressed == 2)
        r.delete(ref)
        // Best bid 100.08: mid 1_000_900 → bid 1_000_600 and ask 1_001_200, both moved 400.
        r.add(.buy, 100, 1_000_800)
        #expect(r.intents == [requote(.buy, oid(1), to: 1_000_600, 100, newID: oid(3)),
                              requote(.sell, oid(2), to: 1_001_200, 100, newID: oid(4))])
    }

    @Test func noSecondOrderForASideWhileItsRequestIsInFlight() throws {
        var r = try rig(base)
        #expect(r.intents.count == 2)
        // Book moves before any acknowledgement: nothing to do but wait.
        let ref = r.add(.buy, 100, 1_000_800)
        #expect(r.intents.isEmpty)
        r.ack(oid(1))
        // The bid is now acknowledged: replaced to the new mid's bid (1_000_900 − 300 → 1_000_600).
        #expect(r.intents == [requote(.buy, oid(1), to: 1_000_600, 100, newID: oid(3))])
        r.delete(ref)
        #expect(r.intents.isEmpty)  // the bid's replace is in flight, the ask not acknowledged
        r.ack(oid(3))
        // Back to the first book: the replacement returns to 1_000_200.
        #expect(r.intents == [requote(.buy, oid(3), to: 1_000_200, 100, newID: oid(4))])
        #expect(r.host.openOrders == 2)
    }

    @Test func maxPositionStopsQuotingTheSideThatWouldGrowIt() throws {
        var p = base
        p.quoteSize = qty(200)
        p.maxPosition = qty(200)
        var r = try rig(p)
        r.ack(oid(1))
        r.ack(oid(2))
        r.fill(oid(1), 200, 1_000_200, leaves: 0)
        // Long 200 = max: no new bid; the ask stays as it is.
        #expect(r.intents.isEmpty)
        r.bookEvent()
        #expect(r.intents.isEmpty)
        r.fill(oid(2), 200, 1_000_800, leaves: 0)
        // Flat again: both sides quoted.
        #expect(r.intents == [quote(.buy, 1_000_200, 200, oid(3)), quote(.sell, 1_000_800, 200, oid(4))])
        #expect(r.host[position: mmInstrument].realizedPnL == 200 * 600)
    }

    @Test func maxWorkingOrdersCapsNewQuotes() throws {
        var p = base
        p.maxWorkingOrders = 1
        let r = try rig(p)
        #expect(r.intents == [quote(.buy, 1_000_200, 100, oid(1))])
        #expect(r.counters.limitedByWorkingOrders >= 1)
    }

    @Test func toxicFlowPullsQuotesAndTheyReturnWhenVPINFalls() throws {
        var p = base
        p.pullAtVPIN = 800_000
        var r = try rig(p)  // VPIN buckets of 100, window 2
        r.ack(oid(1))
        r.ack(oid(2))
        // 200 shares bought by aggressors: two all-buy buckets, VPIN 1.0 ≥ 0.8.
        r.trade(200, 1_001_000, aggressor: .buy)
        #expect(r.intents == [cancel(.buy, oid(1), price: 1_000_200, leaves: 100),
                              cancel(.sell, oid(2), price: 1_000_800, leaves: 100)])
        r.canceled(oid(1))
        r.canceled(oid(2))
        r.bookEvent()
        #expect(r.intents.isEmpty)
        #expect(r.host.openOrders == 0)
        // A balanced bucket: window (100 + 0) / 200 = 0.5 < 0.8, quotes return on that trade.
        r.trade(50, 1_001_000, aggressor: .buy)
        #expect(r.intents.isEmpty)
        r.trade(50, 1_000_000, aggressor: .sell)
        #expect(r.intents == [quote(.buy, 1_000_200, 100, oid(3)), quote(.sell, 1_000_800, 100, oid(4))])
    }

    @Test func toxicFlowWidensQuotesBelowThePullLevel() throws {
        var p = base
        p.widenAtVPIN = 500_000
        p.toxicWidening = px(200)
        var r = try rig(p)
        r.ack(oid(1))
        r.ack(oid(2))
        r.trade(200, 1_001_000, aggressor: .sell)
        // Half-spread 500: 1_000_000 / 1_001_000.
        #expect(r.intents == [requote(.buy, oid(1), to: 1_000_000, 100, newID: oid(3)),
                              requote(.sell, oid(2), to: 1_001_000, 100, newID: oid(4))])
    }

    @Test func rejectedQuoteIsResentOnlyAtTheNextBookEvent() throws {
        var r = try rig(base)
        r.reject(oid(1), .new)
        #expect(r.intents.isEmpty)
        #expect(r.host.openOrders == 1)
        r.bookEvent()
        #expect(r.intents == [quote(.buy, 1_000_200, 100, oid(3))])
    }

    @Test func fillOfTheOriginalDuringAReplaceLeavesNoOrphanAndNoDuplicate() throws {
        var r = try rig(base)
        r.ack(oid(1))
        r.ack(oid(2))
        let ref = r.add(.buy, 100, 1_000_800)  // bid replace to 1_000_600 (oid 3), ask to 1_001_200 (oid 4)
        #expect(r.intents.count == 2)
        // The original bid fills completely before the replace lands.
        r.fill(oid(1), 100, 1_000_200, leaves: 0)
        // Long 100 (no skew): a fresh bid for the current book, the ask's replace still in flight.
        #expect(r.intents == [quote(.buy, 1_000_600, 100, oid(5))])
        // The venue refuses the replace of the filled order: nothing changes.
        r.reject(oid(1), .replace, replacement: oid(3))
        #expect(r.host.openOrders == 2)
        r.delete(ref)
        #expect(r.intents.isEmpty)  // new bid and ask replace both pending
        let sides = r.host.orders.map(\.side).sorted { $0.rawValue < $1.rawValue }
        #expect(sides == [.buy, .sell])
    }

    @Test func rejectedCancelIsRetriedAtTheNextEventAndAFillEndsIt() throws {
        var p = base
        var r = try rig(p)
        r.ack(oid(1))
        r.ack(oid(2))
        p.quoting = false
        try r.channel.publish(p)
        r.bookEvent()
        #expect(r.intents == [cancel(.buy, oid(1), price: 1_000_200, leaves: 100),
                              cancel(.sell, oid(2), price: 1_000_800, leaves: 100)])
        r.reject(oid(1), .cancel)  // e.g. the venue was busy: the bid is still working
        #expect(r.intents.isEmpty)
        r.bookEvent()
        #expect(r.intents == [cancel(.buy, oid(1), price: 1_000_200, leaves: 100)])
        r.fill(oid(1), 100, 1_000_200, leaves: 0)
        r.canceled(oid(2))
        #expect(r.host.openOrders == 0)
        #expect(r.intents.isEmpty)
    }

    /// `orderRate` paces new quotes and replaces on the lane clock (``StrategyContext/now``):
    /// with a burst of 3 at 10 a second, the fourth order of the same instant waits, is counted,
    /// and a timer is asked for when the next token accrues (100 ms); at that timer the waiting
    /// side is requoted. Cancels go with the bucket empty.
    @Test func orderRatePacesQuotesAndReplacesAndItsTimerCatchesUp() throws {
        var p = base
        p.orderRate = RateLimit(perSecond: 10, burst: 3)
        var r = try MarketMakerRig(p)
        let t0: UInt64 = 5_000_000_000
        r.host.context.now = Timestamp(nanoseconds: t0)
        r.add(.buy, 500, 1_000_000)
        r.add(.sell, 300, 1_001_000)
        #expect(r.intents == [quote(.buy, 1_000_200, 100, oid(1)), quote(.sell, 1_000_800, 100, oid(2))])
        r.ack(oid(1))
        r.ack(oid(2))
        // Best bid 100.08: both sides want a replace, one token is left: the bid goes, the ask waits.
        let ref = r.add(.buy, 100, 1_000_800)
        #expect(r.intents == [requote(.buy, oid(1), to: 1_000_600, 100, newID: oid(3))])
        #expect(r.counters.limitedByRate == 1)
        #expect(r.host.context.timerDeadline == Timestamp(nanoseconds: t0 + 100_000_000))
        // 50 ms on, half a token: still waiting (and the timer asked again for the full wait).
        r.host.context.now = Timestamp(nanoseconds: t0 + 50_000_000)
        r.ack(oid(3))
        #expect(r.intents.isEmpty)
        #expect(r.counters.limitedByRate == 2)
        // At the timer a token has accrued: the ask is replaced to what is wanted then.
        r.host.context.now = Timestamp(nanoseconds: t0 + 100_000_000)
        r.host.onTimer(now: Timestamp(nanoseconds: t0 + 100_000_000), books: r.books)
        #expect(r.intents == [requote(.sell, oid(2), to: 1_001_200, 100, newID: oid(4))])
        r.ack(oid(4))
        // The bucket is empty; the book goes back and quoting is switched off: both cancels go.
        p.quoting = false
        try r.channel.publish(p)
        r.delete(ref)
        #expect(r.intents.map(\.kind) == [.cancel, .cancel])
        #expect(r.counters.replaces == 2 && r.counters.newQuotes == 2 && r.counters.cancels == 2)
    }

    /// A quote that would trade against one of the lane's own orders at the venue (here another
    /// strategy's buy in flight at the best ask) is not sent: risk would refuse it as a
    /// self-match. The other side quotes; the held side goes once our order is gone.
    @Test func aQuoteThatWouldCrossOurOwnOrderWaitsUntilItIsGone() throws {
        var oms = arbLaneOMS()
        let ours = OrderIntent(kind: .new, side: .buy, timeInForce: .immediateOrCancel, venue: mmVenue, account: mmAccount,
                               strategy: StrategyID(2), instrument: mmInstrument, price: px(1_000_800), quantity: qty(100),
                               orderID: OrderID(2 << 48 | 1))
        _ = oms.register(ours, now: 1)
        var r = try MarketMakerRig(base)
        r.host.context.ownOrders = oms.ownOrders
        r.add(.buy, 500, 1_000_000)
        r.add(.sell, 300, 1_001_000)
        // The ask would be 100.08: at our buy's price, so only the bid goes.
        #expect(r.intents == [quote(.buy, 1_000_200, 100, oid(1))])
        #expect(r.counters.heldBackSelfMatch == 1)
        r.host.context.ownOrders = .empty
        r.bookEvent()
        #expect(r.intents == [quote(.sell, 1_000_800, 100, oid(2))])
        #expect(r.counters.heldBackSelfMatch == 1)
    }

    /// Without `orderRate` (the default) every requote goes at once, however many in an instant.
    @Test func anUnpacedMakerNeverHoldsBackARequote() throws {
        var r = try rig(base)
        r.ack(oid(1))
        r.ack(oid(2))
        for _ in 0..<25 {
            let ref = r.add(.buy, 100, 1_000_800)
            #expect(r.intents.count == 2)
            for i in r.intents { r.ack(i.newOrderID) }
            r.delete(ref)
            #expect(r.intents.count == 2)
            for i in r.intents { r.ack(i.newOrderID) }
        }
        #expect(r.counters.replaces == 100)
        #expect(r.counters.limitedByRate == 0)
        #expect(r.host.context.timerDeadline == nil)
    }

    @Test func parametersPublishedMidRunTakeEffectAtTheNextEvent() throws {
        var r = try rig(base)
        r.ack(oid(1))
        r.ack(oid(2))
        var p = base
        p.halfSpread = px(500)
        try r.channel.publish(p)
        #expect(r.host.strategy.parameters.halfSpread == px(300))  // not before an event
        r.bookEvent()
        #expect(r.host.strategy.parameters.halfSpread == px(500))
        #expect(r.host.parameterVersion == 2)
        #expect(r.intents == [requote(.buy, oid(1), to: 1_000_000, 100, newID: oid(3)),
                              requote(.sell, oid(2), to: 1_001_000, 100, newID: oid(4))])
    }

    @Test func invalidParametersNeverReachTheLane() throws {
        var r = try rig(base)
        var p = base
        p.quoteSize = qty(0)
        #expect(throws: ParameterError.self) { try r.channel.publish(p) }
        r.bookEvent()
        #expect(r.host.strategy.parameters == base)
    }
}

/// Quote arithmetic beyond 64 bits: the 128-bit path gives the exact answer.
@Suite struct MarketMakerArithmeticTests {
    @Test func micropriceWithHugeDisplayedSizesIsExact() throws {
        let p = MarketMakerParameters(fairPrice: .microprice, halfSpread: px(300), quoteSize: qty(100),
                                      maxPosition: qty(1_000))
        let mm = MarketMaker(configuration: MarketMakerConfiguration(instrument: mmInstrument, locate: mmLocate,
                                                                     venue: mmVenue, tickSize: px(100)),
                             parameters: p)
        // 10^13 shares × 10^6 price overflows Int64 (9.2 × 10^18) in bid × askSize.
        let bidSize: UInt64 = 10_000_000_000_000, askSize: UInt64 = 30_000_000_000_000
        let top = TopOfBook(bid: BookLevel(price: px(1_000_000), shares: bidSize, orders: 1),
                            ask: BookLevel(price: px(1_001_000), shares: askSize, orders: 1))
        let q = mm.desiredQuotes(top: top, position: 0)
        // Microprice = (1_000_000 × 3 + 1_001_000 × 1) / 4 = 1_000_250 exactly (sizes in ratio 1:3).
        // Bid 999_950 → floor 999_900; ask 1_000_550 → ceil 1_000_600.
        #expect(q.bid == Quote(price: px(999_900), quantity: qty(100)))
        #expect(q.ask == Quote(price: px(1_000_600), quantity: qty(100)))
        // The same book scaled down fits in 64 bits and must agree.
        let small = TopOfBook(bid: BookLevel(price: px(1_000_000), shares: 100, orders: 1),
                              ask: BookLevel(price: px(1_001_000), shares: 300, orders: 1))
        let s = mm.desiredQuotes(top: small, position: 0)
        #expect(s.bid == q.bid && s.ask == q.ask)
    }

    @Test func skewBeyondTheBookNeverQuotesANonPositivePrice() throws {
        let p = MarketMakerParameters(halfSpread: px(300), inventorySkew: px(1_000_000), quoteSize: qty(100),
                                      maxPosition: qty(1_000))
        let mm = MarketMaker(configuration: MarketMakerConfiguration(instrument: mmInstrument, locate: mmLocate,
                                                                     venue: mmVenue, tickSize: px(100)),
                             parameters: p)
        let top = TopOfBook(bid: BookLevel(price: px(1_000_000), shares: 100, orders: 1),
                            ask: BookLevel(price: px(1_001_000), shares: 100, orders: 1))
        // Long 500: skew 5 × 10^8 takes the bid below zero; the ask is clamped to the best bid + tick.
        let q = mm.desiredQuotes(top: top, position: 500)
        #expect(q.bid == nil)
        #expect(q.ask == Quote(price: px(1_000_100), quantity: qty(100)))
    }
}
