import Testing
import VegaCore
import VegaMarketData
import VegaStrategy
import VegaTrading

// Compile-time proofs that a strategy's lane calls never allocate, lock, retain/release or call
// through an existential: the performance checker rejects `@_noLocks` on generic code, so each
// path is wrapped here for concrete types (the market maker and the arbitrage over the
// order-by-order books). If any of them did one of those things this file would not compile.

@_noLocks @inline(never)
func proofMarketMakerBook(_ host: inout StrategyHost<MarketMaker>, _ books: borrowing Books, _ e: BookUpdateEvent) {
    host.onBookUpdate(e, books: books)
}

@_noLocks @inline(never)
func proofMarketMakerTrade(_ host: inout StrategyHost<MarketMaker>, _ books: borrowing Books, _ e: TradeEvent) {
    host.onTrade(e, books: books)
}

@_noLocks @inline(never)
func proofMarketMakerFill(_ host: inout StrategyHost<MarketMaker>, _ books: borrowing Books, _ e: OrderFilled) {
    host.onFill(e, books: books)
}

@_noLocks @inline(never)
func proofMarketMakerAnyEvent(_ host: inout StrategyHost<MarketMaker>, _ books: borrowing Books, _ e: StrategyEvent) {
    host.handle(e, books: books)
}

@_noLocks @inline(never)
func proofArbitrageBook(_ host: inout StrategyHost<CrossVenueArbitrage>, _ books: borrowing Books, _ e: BookUpdateEvent) {
    host.onBookUpdate(e, books: books)
}

@_noLocks @inline(never)
func proofArbitrageAnyEvent(_ host: inout StrategyHost<CrossVenueArbitrage>, _ books: borrowing Books, _ e: StrategyEvent) {
    host.handle(e, books: books)
}

@_noLocks @inline(never)
func proofVPINAdd(_ v: inout VPIN, _ shares: UInt64, _ price: Price4) -> Side? {
    v.add(shares: shares, price: price)
}

@_noLocks @inline(never)
func proofParameterPoll(_ s: inout ParameterSubscription<MarketMakerParameters>) -> MarketMakerParameters? {
    s.poll()
}

@Suite struct NoLocksProofTests {
    @Test func provenMarketMakerPathStillQuotes() throws {
        var r = try MarketMakerRig(MarketMakerParameters(halfSpread: px(300), quoteSize: qty(100), maxPosition: qty(1_000)))
        r.books.add(1, .buy, 500, 1_000_000, locate: mmLocate)
        r.books.add(2, .sell, 300, 1_001_000, locate: mmLocate)
        proofMarketMakerBook(&r.host, r.books, BookUpdateEvent(locate: mmLocate, times: times()))
        #expect(r.intents == [quote(.buy, 1_000_200, 100, oid(1)), quote(.sell, 1_000_800, 100, oid(2))])
        proofMarketMakerAnyEvent(&r.host, r.books, .acknowledged(OrderAcknowledged(orderID: oid(1), now: now())))
        proofMarketMakerFill(&r.host, r.books, OrderFilled(orderID: oid(1), quantity: qty(100), price: px(1_000_200),
                                                           leaves: qty(0), now: now()))
        #expect(r.host[position: mmInstrument].net == 100)
        proofMarketMakerTrade(&r.host, r.books, TradeEvent(locate: mmLocate, price: px(1_000_000), shares: 10, times: times()))
    }

    @Test func provenVPINAndPollWork() throws {
        var v = VPIN(bucketVolume: 10, bucketCount: 1)
        #expect(proofVPINAdd(&v, 5, px(1)) == nil)
        #expect(proofVPINAdd(&v, 5, px(2)) == .buy)
        let channel = try ParameterChannel(MarketMakerParameters(halfSpread: px(1), quoteSize: qty(1), maxPosition: qty(1)))
        var s = ParameterSubscription(channel)
        #expect(proofParameterPoll(&s)?.halfSpread == px(1))
        #expect(proofParameterPoll(&s) == nil)
    }

    @Test func provenArbitragePathFires() throws {
        var r = try ArbitrageRig(CrossVenueArbitrageParameters(edge: px(100), maxClip: qty(1_000)))
        r.books.add(1, .sell, 300, 1_000_000, locate: locateA)
        r.books.add(2, .buy, 300, 1_000_200, locate: locateB)
        proofArbitrageBook(&r.host, r.books, BookUpdateEvent(locate: locateB, times: times()))
        #expect(r.intents.count == 2)
        proofArbitrageAnyEvent(&r.host, r.books, .canceled(OrderCanceled(orderID: oid(1), now: now())))
    }
}

