import Testing
import VegaCore
import VegaMarketData
import VegaStrategy
import VegaTrading

let arbInstrument = InstrumentID(4)
let venueA = VenueID(1)
let venueB = VenueID(2)
let locateA: UInt16 = 1
let locateB: UInt16 = 2
let arbStrategy = StrategyID(1)
let arbAccount = AccountID(5)

/// Two venues' books of one instrument in the lane's books (one locate per venue), fees
/// 0.0030 on A and 0.0020 on B.
struct ArbitrageRig: ~Copyable {
    var books: Books
    var host: StrategyHost<CrossVenueArbitrage>
    let channel: ParameterChannel<CrossVenueArbitrageParameters>
    var nextReference: UInt64 = 1

    init(_ parameters: CrossVenueArbitrageParameters) throws {
        books = makeBooks([locateA, locateB])
        channel = try ParameterChannel(parameters)
        let configuration = CrossVenueArbitrageConfiguration(
            instrument: arbInstrument,
            first: ArbitrageVenue(venue: venueA, locate: locateA, feePerShare: px(30)),
            second: ArbitrageVenue(venue: venueB, locate: locateB, feePerShare: px(20)))
        host = StrategyHost(strategy: CrossVenueArbitrage(configuration: configuration, parameters: parameters),
                            context: StrategyContext(strategyID: arbStrategy, account: arbAccount, intentCapacity: 4),
                            parameters: channel)
    }

    var intents: [OrderIntent] { host.intents }
    var phase: CrossVenueArbitrage.Phase { host.strategy.phase }
    var counters: ArbitrageCounters { host.strategy.counters }

    @discardableResult
    mutating func add(_ locate: UInt16, _ side: Side, _ shares: UInt32, _ price: Int64) -> UInt64 {
        let ref = nextReference
        nextReference += 1
        books.add(ref, side, shares, price, locate: locate)
        host.onBookUpdate(BookUpdateEvent(locate: locate, venue: locate == locateA ? venueA : venueB, times: times()),
                          books: books)
        return ref
    }

    mutating func delete(_ locate: UInt16, _ ref: UInt64) {
        books.delete(ref, locate: locate)
        host.onBookUpdate(BookUpdateEvent(locate: locate, times: times()), books: books)
    }

    mutating func fill(_ id: OrderID, _ q: UInt64, _ price: Int64, leaves: UInt64) {
        host.onFill(OrderFilled(orderID: id, quantity: qty(q), price: px(price), leaves: qty(leaves), now: now()), books: books)
    }
    mutating func canceled(_ id: OrderID) { host.onCanceled(OrderCanceled(orderID: id, now: now()), books: books) }
    mutating func reject(_ id: OrderID, at t: UInt64 = 1) {
        host.onReject(OrderRejected(orderID: id, request: .new, source: .risk, now: now(t)), books: books)
    }
    /// Delivers the strategy's timer at `t` as the lane does: only when it asked for one by then.
    mutating func timer(at t: UInt64) {
        if let d = host.context.timerDeadline, d.nanoseconds <= t { host.onTimer(now: now(t), books: books) }
    }
}

/// A small OMS standing for the lane's (whose live orders the arbitrage is shown).
func arbLaneOMS() -> OrderManager {
    OrderManager(capacity: TradingCapacity(instruments: 8, accounts: 8, strategies: 4, venues: 4, openOrders: 16,
                                           execIDHistory: 64, finishedOrderHistory: 64, positionRecords: 64))
}

/// An order of another strategy (a market maker's quote) resting in the lane's OMS.
func arbOwnQuote(_ oms: inout OrderManager, _ n: UInt64, _ side: Side, _ venue: VenueID, _ price: Int64) {
    let intent = OrderIntent(kind: .new, side: side, venue: venue, account: arbAccount, strategy: StrategyID(2),
                             instrument: arbInstrument, price: px(price), quantity: qty(100),
                             orderID: OrderID(2 << 48 | n))
    _ = oms.register(intent, now: 1)
}

func ioc(_ side: Side, _ venue: VenueID, _ price: Int64, _ q: UInt64, _ id: OrderID) -> OrderIntent {
    OrderIntent(kind: .new, side: side, timeInForce: .immediateOrCancel, venue: venue, account: arbAccount,
                strategy: arbStrategy, instrument: arbInstrument, price: px(price), quantity: qty(q), orderID: id)
}

@Suite struct CrossVenueArbitrageTests {
    /// Edge 0.0100 per share after fees (A 0.0030 + B 0.0020 = 0.0050): B's bid must be at least
    /// A's ask + 0.0150.
    let base = CrossVenueArbitrageParameters(edge: px(100), maxClip: qty(1_000))

    @Test func firesExactlyWhenTheEdgeAfterFeesIsMetAndNotOneTickBelow() throws {
        var below = try ArbitrageRig(base)
        below.add(locateA, .sell, 300, 1_000_000)
        below.add(locateB, .buy, 500, 1_000_149)  // 149 − 50 fees = 99 < 100
        #expect(below.intents.isEmpty)
        #expect(below.phase == .idle)

        var at = try ArbitrageRig(base)
        at.add(locateA, .sell, 300, 1_000_000)
        at.add(locateB, .buy, 500, 1_000_150)  // 150 − 50 = 100: met
        #expect(at.intents == [ioc(.buy, venueA, 1_000_000, 300, oid(1)), ioc(.sell, venueB, 1_000_150, 300, oid(2))])
        #expect(at.phase == .legsWorking)
    }

    @Test func feesOfBothVenuesAreCharged() throws {
        // Without fees 149 would clear an edge of 100 twice over; with them it does not.
        var r = try ArbitrageRig(CrossVenueArbitrageParameters(edge: px(99), maxClip: qty(1_000)))
        r.add(locateA, .sell, 300, 1_000_000)
        r.add(locateB, .buy, 500, 1_000_148)  // 148 − 50 = 98 < 99
        #expect(r.intents.isEmpty)
        let o = r.host.strategy.opportunity(books: r.books)
        #expect(o == nil)
    }

    @Test func sizesToTheSmallerDisplayedQuantityAndTheClip() throws {
        var r = try ArbitrageRig(base)
        r.add(locateB, .buy, 250, 1_000_200)
        r.add(locateA, .sell, 400, 1_000_000)
        #expect(r.intents == [ioc(.buy, venueA, 1_000_000, 250, oid(1)), ioc(.sell, venueB, 1_000_200, 250, oid(2))])

        var clipped = try ArbitrageRig(CrossVenueArbitrageParameters(edge: px(100), maxClip: qty(100)))
        clipped.add(locateB, .buy, 250, 1_000_200)
        clipped.add(locateA, .sell, 400, 1_000_000)
        #expect(clipped.intents == [ioc(.buy, venueA, 1_000_000, 100, oid(1)), ioc(.sell, venueB, 1_000_200, 100, oid(2))])
    }

    @Test func tradesTheOtherDirectionWhenTheFirstVenueIsRich() throws {
        var r = try ArbitrageRig(base)
        r.add(locateB, .sell, 200, 2_000_000)
        r.add(locateA, .buy, 300, 2_000_200)
        #expect(r.intents == [ioc(.buy, venueB, 2_000_000, 200, oid(1)), ioc(.sell, venueA, 2_000_200, 200, oid(2))])
        let found = r.host.strategy.opportunity(books: r.books)
        let o = try #require(found)
        #expect(o.profitPerShare == px(150))
    }

    @Test func doesNotFireAgainWhileLegsAreWorkingThenCompletesFlat() throws {
        var r = try ArbitrageRig(base)
        r.add(locateA, .sell, 300, 1_000_000)
        r.add(locateB, .buy, 500, 1_000_200)
        #expect(r.intents.count == 2)
        r.add(locateB, .buy, 500, 1_000_500)  // even richer: still waiting for the legs
        #expect(r.intents.isEmpty)
        r.fill(oid(1), 300, 1_000_000, leaves: 0)
        #expect(r.intents.isEmpty)
        #expect(r.phase == .legsWorking)
        r.fill(oid(2), 300, 1_000_500, leaves: 0)
        #expect(r.phase == .idle)
        #expect(r.counters.completed == 1)
        #expect(r.host[position: arbInstrument].net == 0)
        #expect(r.host[position: arbInstrument].realizedPnL == 300 * 500)
    }

    @Test func oneLegUnfilledIsFlattenedAtTheBestPriceAcrossVenues() throws {
        var r = try ArbitrageRig(CrossVenueArbitrageParameters(edge: px(100), maxClip: qty(1_000), flattenSlippage: px(100)))
        r.add(locateA, .buy, 400, 999_800)  // A's bid, the better of the two below
        r.add(locateB, .buy, 100, 999_700)
        r.add(locateA, .sell, 300, 1_000_000)
        let richBid = r.add(locateB, .buy, 500, 1_000_200)
        #expect(r.intents == [ioc(.buy, venueA, 1_000_000, 300, oid(1)), ioc(.sell, venueB, 1_000_200, 300, oid(2))])
        r.fill(oid(1), 300, 1_000_000, leaves: 0)
        r.delete(locateB, richBid)  // the rich bid vanishes before our sell arrives
        r.canceled(oid(2))  // IOC expired unfilled
        // Long 300 unhedged: sell IOC at A's bid 999_800 less 0.0100 slippage.
        #expect(r.counters.legImbalances == 1)
        #expect(r.counters.lastImbalance == 300)
        #expect(r.intents == [ioc(.sell, venueA, 999_700, 300, oid(3))])
        #expect(r.phase == .flattening)
        r.fill(oid(3), 200, 999_800, leaves: 100)
        r.canceled(oid(3))
        // 100 still long: flattened again at the next book event.
        #expect(r.phase == .unhedged)
        r.add(locateA, .sell, 100, 1_000_100)
        #expect(r.intents == [ioc(.sell, venueA, 999_700, 100, oid(4))])
        r.fill(oid(4), 100, 999_800, leaves: 0)
        #expect(r.phase == .idle)
        #expect(r.host[position: arbInstrument].net == 0)
    }

    @Test func reportModeHoldsTheImbalanceUntilFlatteningIsTurnedOn() throws {
        var p = base
        p.flattenImbalance = false
        var r = try ArbitrageRig(p)
        r.add(locateA, .buy, 100, 999_000)
        r.add(locateA, .sell, 300, 1_000_000)
        r.add(locateB, .buy, 500, 1_000_200)
        r.reject(oid(1))  // buy leg refused by risk
        r.fill(oid(2), 300, 1_000_200, leaves: 0)
        #expect(r.phase == .unhedged)
        let unhedged = r.host.strategy.unhedgedShares(r.host.context.state)
        #expect(unhedged == -300)
        #expect(r.counters.lastImbalance == -300)
        #expect(r.intents.isEmpty)
        r.add(locateB, .buy, 500, 1_000_300)  // a bigger opportunity: halted, so nothing
        #expect(r.intents.isEmpty)
        p.flattenImbalance = true
        try r.channel.publish(p)
        r.add(locateB, .sell, 50, 1_000_100)
        // Short 300: buy at the lower ask (A 1_000_000 vs B 1_000_100).
        #expect(r.intents == [ioc(.buy, venueA, 1_000_000, 300, oid(3))])
    }

    @Test func disabledStrategyDoesNotFire() throws {
        var p = base
        p.enabled = false
        var r = try ArbitrageRig(p)
        r.add(locateA, .sell, 300, 1_000_000)
        r.add(locateB, .buy, 500, 1_000_500)
        #expect(r.intents.isEmpty)
    }

    @Test func aLegThatWouldTradeAgainstOurOwnRestingOrderIsNotSent() throws {
        var oms = arbLaneOMS()
        // Our market maker's sell is A's best ask: buying it is a self-match.
        arbOwnQuote(&oms, 1, .sell, venueA, 1_000_000)
        var r = try ArbitrageRig(base)
        r.host.context.ownOrders = oms.ownOrders
        r.add(locateA, .sell, 300, 1_000_000)
        r.add(locateB, .buy, 500, 1_000_200)
        #expect(r.intents.isEmpty)
        #expect(r.phase == .idle)
        #expect(r.counters.skippedSelfMatch == 1)
        #expect(r.counters.fired == 0)

        // The same on the rich side: our buy is B's best bid.
        var oms2 = arbLaneOMS()
        arbOwnQuote(&oms2, 1, .buy, venueB, 1_000_200)
        var rich = try ArbitrageRig(base)
        rich.host.context.ownOrders = oms2.ownOrders
        rich.add(locateA, .sell, 300, 1_000_000)
        rich.add(locateB, .buy, 500, 1_000_200)
        #expect(rich.intents.isEmpty)
        #expect(rich.counters.skippedSelfMatch == 1)

        // Our orders priced away from the legs (a sell above the buy's limit, a buy on the other
        // venue) do not stop it.
        var oms3 = arbLaneOMS()
        arbOwnQuote(&oms3, 1, .sell, venueA, 1_000_001)
        arbOwnQuote(&oms3, 2, .buy, venueA, 1_000_200)
        var clear = try ArbitrageRig(base)
        clear.host.context.ownOrders = oms3.ownOrders
        clear.add(locateA, .sell, 300, 1_000_000)
        clear.add(locateB, .buy, 500, 1_000_200)
        #expect(clear.intents == [ioc(.buy, venueA, 1_000_000, 300, oid(1)), ioc(.sell, venueB, 1_000_200, 300, oid(2))])
        #expect(clear.counters.skippedSelfMatch == 0)
        #expect(oms.total.orders + oms2.total.orders + oms3.total.orders == 4)
    }

    @Test func flatteningAvoidsTheVenueWhereItWouldTradeAgainstOurOwnOrder() throws {
        var oms = arbLaneOMS()
        var r = try ArbitrageRig(base)
        r.host.context.ownOrders = oms.ownOrders
        r.add(locateA, .buy, 400, 999_800)  // A's bid is the better one, but it is ours (below)
        r.add(locateB, .buy, 100, 999_700)
        r.add(locateA, .sell, 300, 1_000_000)
        let richBid = r.add(locateB, .buy, 500, 1_000_200)
        #expect(r.intents.count == 2)
        arbOwnQuote(&oms, 1, .buy, venueA, 999_800)
        r.fill(oid(1), 300, 1_000_000, leaves: 0)
        r.delete(locateB, richBid)
        r.canceled(oid(2))
        // Long 300: A's bid would be our own buy, so B's bid.
        #expect(r.intents == [ioc(.sell, venueB, 999_700, 300, oid(3))])
        #expect(oms.total.orders == 1)
    }

    @Test func aRefusedCycleBacksOffDoublingUntilACycleGoesThroughUnrefused() throws {
        var p = base
        p.refusalBackoff = 1_000
        p.maxRefusalBackoff = 3_000
        var r = try ArbitrageRig(p)
        r.add(locateA, .sell, 300, 1_000_000)
        r.add(locateB, .buy, 500, 1_000_200)
        #expect(r.intents.count == 2)
        // Both legs refused (say the order rate is spent) at t = 10_000.
        r.reject(oid(1), at: 10_000)
        r.reject(oid(2), at: 10_000)
        #expect(r.phase == .backingOff)
        #expect(r.host.strategy.backoffDeadline == now(11_000))
        #expect(r.host.context.timerDeadline == now(11_000))
        #expect(r.counters.backoffs == 1)
        // The opportunity persists, but book events do not fire while backing off ...
        r.add(locateB, .buy, 100, 1_000_300)
        #expect(r.intents.isEmpty)
        r.timer(at: 10_999)
        #expect(r.phase == .backingOff)
        // ... the timer does: it looks again at once.
        r.timer(at: 11_000)
        #expect(r.intents == [ioc(.buy, venueA, 1_000_000, 100, oid(3)), ioc(.sell, venueB, 1_000_300, 100, oid(4))])
        // Refused again: twice the wait, then capped at maxRefusalBackoff.
        r.reject(oid(3), at: 20_000)
        r.reject(oid(4), at: 20_000)
        #expect(r.host.strategy.backoffDeadline == now(22_000))
        r.timer(at: 22_000)
        #expect(r.intents.count == 2)
        r.reject(oid(5), at: 30_000)
        r.reject(oid(6), at: 30_000)
        #expect(r.host.strategy.backoffDeadline == now(33_000))
        r.timer(at: 33_000)
        r.reject(oid(7), at: 40_000)
        r.reject(oid(8), at: 40_000)
        #expect(r.host.strategy.backoffDeadline == now(43_000))
        #expect(r.counters.backoffs == 4)
        // A cycle that goes through (both IOCs expire unfilled) resets the wait.
        r.timer(at: 43_000)
        #expect(r.intents.count == 2)
        r.canceled(oid(9))
        r.canceled(oid(10))
        #expect(r.phase == .idle)
        r.add(locateA, .sell, 100, 1_000_000)
        #expect(r.intents.count == 2)
        r.reject(oid(11), at: 50_000)
        r.reject(oid(12), at: 50_000)
        #expect(r.host.strategy.backoffDeadline == now(51_000))
        #expect(r.counters.fired == 6)
        #expect(r.counters.rejects == 10)
    }

    @Test func withoutBackoffARefusedCycleRetriesOnTheNextBookEvent() throws {
        var p = base
        p.refusalBackoff = 0
        p.maxRefusalBackoff = 0
        var r = try ArbitrageRig(p)
        r.add(locateA, .sell, 300, 1_000_000)
        r.add(locateB, .buy, 500, 1_000_200)
        r.reject(oid(1), at: 5)
        r.reject(oid(2), at: 5)
        #expect(r.phase == .idle)
        #expect(r.host.context.timerDeadline == nil)
        r.add(locateB, .buy, 100, 1_000_200)
        #expect(r.intents.count == 2)
        #expect(r.counters.backoffs == 0)
    }

    @Test func aRefusedFlatteningOrderBacksOffThenFlattensAgain() throws {
        var p = base
        p.refusalBackoff = 500
        var r = try ArbitrageRig(p)
        r.add(locateA, .buy, 400, 999_800)
        r.add(locateA, .sell, 300, 1_000_000)
        r.add(locateB, .buy, 500, 1_000_200)
        r.reject(oid(1), at: 100)  // buy leg refused ...
        r.fill(oid(2), 300, 1_000_200, leaves: 0)  // ... the sell filled: short 300
        // Flattened at once despite the refusal that caused it.
        #expect(r.intents == [ioc(.buy, venueA, 1_000_000, 300, oid(3))])
        r.reject(oid(3), at: 200)
        #expect(r.phase == .backingOff)
        #expect(r.host.strategy.backoffDeadline == now(700))
        r.add(locateA, .sell, 100, 1_000_000)
        #expect(r.intents.isEmpty)
        r.timer(at: 700)
        #expect(r.intents == [ioc(.buy, venueA, 1_000_000, 300, oid(4))])
        #expect(r.phase == .flattening)
    }

    @Test func backoffParametersAreChecked() {
        #expect(throws: ParameterError.self) {
            try CrossVenueArbitrageParameters(edge: px(1), maxClip: qty(100), refusalBackoff: 2_000,
                                              maxRefusalBackoff: 1_000).validate()
        }
        #expect(throws: ParameterError.self) {
            try CrossVenueArbitrageParameters(edge: px(1), maxClip: qty(100),
                                              refusalBackoff: CrossVenueArbitrageParameters.backoffLimit + 1,
                                              maxRefusalBackoff: CrossVenueArbitrageParameters.backoffLimit + 1).validate()
        }
        #expect((try? CrossVenueArbitrageParameters(edge: px(1), maxClip: qty(100)).validate()) != nil)
    }

    @Test func edgeMustExceedFeesSoZeroEdgeIsRefused() {
        #expect(throws: ParameterError.self) {
            try CrossVenueArbitrageParameters(edge: .zero, maxClip: qty(100)).validate()
        }
    }
}
