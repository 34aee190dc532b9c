import Testing
import VegaCore
import VegaMarketData
import VegaStrategy
import VegaTrading

/// The lane's bookkeeping of a strategy's own orders, driven through a host with a strategy
/// that does nothing by itself (so every intent in these tests comes from the test's requests).
@Suite struct StrategyContextTests {
    struct Idle: Strategy {
        struct Parameters: StrategyParameters {
            var x: Int64 = 0
            func validate() throws(ParameterError) {}
        }
        mutating func apply(parameters: Parameters) {}
        mutating func onBookUpdate<B: BookView & ~Copyable>(_ e: BookUpdateEvent, books: borrowing B,
                                                             context: inout StrategyContext) {}
    }

    let aapl = InstrumentID(1)
    let venue = VenueID(2)

    func host(intentCapacity: Int = 4, orderCapacity: Int = 4) throws(ParameterError) -> StrategyHost<Idle> {
        StrategyHost(strategy: Idle(),
                     context: StrategyContext(strategyID: StrategyID(3), account: AccountID(9),
                                              intentCapacity: intentCapacity, orderCapacity: orderCapacity),
                     parameters: try ParameterChannel(Idle.Parameters()))
    }

    @Test func newOrderIDsAreFreshAndCarryTheStrategyRange() throws {
        var h = try host()
        let a = h.context.newOrderID()
        let b = h.context.newOrderID()
        #expect(a != b)
        #expect(a.rawValue >> 48 == 3 && b.rawValue >> 48 == 3)
    }

    @Test func submitNewWritesTheIntentAndRecordsAPendingOrder() throws {
        var h = try host()
        let idOpt = h.context.submitNew(instrument: aapl, venue: venue, side: .buy, price: px(1_000_000),
                                                  quantity: qty(100), postOnly: true)
        let id = try #require(idOpt)
        #expect(h.intents == [OrderIntent(kind: .new, side: .buy, postOnly: true, venue: venue, account: AccountID(9),
                                           strategy: StrategyID(3), instrument: aapl, price: px(1_000_000),
                                           quantity: qty(100), orderID: id)])
        let o = try #require(h[order: id])
        #expect(o.status == .pendingNew && o.leaves == qty(100))
    }

    @Test func ackFillAndLastFillMoveTheOrderAndThePosition() throws {
        var h = try host()
        let books = makeBooks()
        let idOpt = h.context.submitNew(instrument: aapl, venue: venue, side: .sell, price: px(10),
                                                  quantity: qty(100))
        let id = try #require(idOpt)
        h.onAcknowledged(OrderAcknowledged(orderID: id, now: now()), books: books)
        #expect(h[order: id]?.status == .working)
        h.onFill(OrderFilled(orderID: id, quantity: qty(30), price: px(10), leaves: qty(70), now: now()), books: books)
        #expect(h[order: id]?.leaves == qty(70))
        #expect(h[position: aapl].net == -30)
        h.onFill(OrderFilled(orderID: id, quantity: qty(70), price: px(12), leaves: qty(0), now: now()), books: books)
        #expect(h[order: id] == nil)
        #expect(h.openOrders == 0)
        #expect(h[position: aapl].net == -100)
        #expect(h[position: aapl].costBasis == -(30 * 10 + 70 * 12))
    }

    @Test func replaceIsPendingUntilAcknowledgedThenTheReplacementIsTheOrder() throws {
        var h = try host()
        let books = makeBooks()
        let idOpt = h.context.submitNew(instrument: aapl, venue: venue, side: .buy, price: px(100),
                                                  quantity: qty(10))
        let id = try #require(idOpt)
        // Not acknowledged yet: a replace is refused (nothing sent).
        let early = h.context.submitReplace(id, price: px(101), quantity: qty(10))
        #expect(early == nil)
        h.onAcknowledged(OrderAcknowledged(orderID: id, now: now()), books: books)
        let newIDOpt = h.context.submitReplace(id, price: px(101), quantity: qty(20))
        let newID = try #require(newIDOpt)
        #expect(h.intents.last?.kind == .replace && h.intents.last?.orderID == id && h.intents.last?.newOrderID == newID)
        #expect(h[order: id]?.status == .pendingReplace)
        // A second request while one is in flight is refused.
        let second = h.context.submitCancel(id)
        #expect(!second)
        h.onAcknowledged(OrderAcknowledged(orderID: newID, now: now()), books: books)
        #expect(h[order: id] == nil)
        let o = try #require(h[order: newID])
        #expect(o.status == .working && o.price == px(101) && o.quantity == qty(20) && o.leaves == qty(20))
    }

    /// The OMS, the risk check and FIX count a replace's quantity as the order's total; the
    /// strategy asks for open shares. Sending the open shares as the total made a replace after
    /// fills shrink the order (or be refused as zero quantity when the fills covered it).
    @Test func aReplaceAfterFillsCarriesTheExecutedSharesPlusTheOpenOnesAcrossReplaces() throws {
        var h = try host()
        let books = makeBooks()
        let idOpt = h.context.submitNew(instrument: aapl, venue: venue, side: .buy, price: px(100), quantity: qty(100))
        let id = try #require(idOpt)
        h.onAcknowledged(OrderAcknowledged(orderID: id, now: now()), books: books)
        h.onFill(OrderFilled(orderID: id, quantity: qty(40), price: px(100), leaves: qty(60), now: now()), books: books)
        let secondOpt = h.context.submitReplace(id, price: px(101), quantity: qty(30))
        let second = try #require(secondOpt)
        #expect(h.intents.last?.quantity == qty(70), "40 executed + 30 open")
        h.onAcknowledged(OrderAcknowledged(orderID: second, now: now()), books: books)
        let o = try #require(h[order: second])
        #expect(o.leaves == qty(30) && o.filled == .zero && o.cumulative == qty(40))
        h.onFill(OrderFilled(orderID: second, quantity: qty(10), price: px(101), leaves: qty(20), now: now()), books: books)
        let thirdOpt = h.context.submitReplace(second, price: px(102), quantity: qty(50))
        #expect(thirdOpt != nil)
        #expect(h.intents.last?.quantity == qty(100), "50 executed over both IDs + 50 open")
    }

    @Test func rejectedReplaceLeavesTheOriginalWorking() throws {
        var h = try host()
        let books = makeBooks()
        let idOpt = h.context.submitNew(instrument: aapl, venue: venue, side: .buy, price: px(100),
                                                  quantity: qty(10))
        let id = try #require(idOpt)
        h.onAcknowledged(OrderAcknowledged(orderID: id, now: now()), books: books)
        let newIDOpt = h.context.submitReplace(id, price: px(101), quantity: qty(10))
        let newID = try #require(newIDOpt)
        h.onReject(OrderRejected(orderID: id, replacementID: newID, request: .replace, source: .venue, now: now()),
                   books: books)
        let o = try #require(h[order: id])
        #expect(o.status == .working && o.price == px(100))
    }

    @Test func rejectedCancelLeavesTheOrderWorkingAndRejectedNewRemovesIt() throws {
        var h = try host()
        let books = makeBooks()
        let aOpt = h.context.submitNew(instrument: aapl, venue: venue, side: .buy, price: px(100), quantity: qty(10))
        let a = try #require(aOpt)
        let bOpt = h.context.submitNew(instrument: aapl, venue: venue, side: .sell, price: px(200), quantity: qty(10))
        let b = try #require(bOpt)
        h.onAcknowledged(OrderAcknowledged(orderID: a, now: now()), books: books)
        let sent = h.context.submitCancel(a)
        #expect(sent)
        h.onReject(OrderRejected(orderID: a, request: .cancel, source: .venue, now: now()), books: books)
        #expect(h[order: a]?.status == .working)
        h.onReject(OrderRejected(orderID: b, request: .new, source: .risk, code: 7, now: now()), books: books)
        #expect(h[order: b] == nil)
        #expect(h.openOrders == 1)
    }

    @Test func updatesForUnknownOrdersAreCountedAndChangeNothing() throws {
        var h = try host()
        let books = makeBooks()
        h.onAcknowledged(OrderAcknowledged(orderID: OrderID(42), now: now()), books: books)
        h.onCanceled(OrderCanceled(orderID: OrderID(43), now: now()), books: books)
        h.onFill(OrderFilled(orderID: OrderID(44), quantity: qty(5), price: px(10), leaves: qty(0), now: now()),
                 books: books)
        h.onReject(OrderRejected(orderID: OrderID(45), request: .new, source: .venue, now: now()), books: books)
        let unknown = h.context.state.unknownOrderUpdates
        #expect(unknown == 4)
        #expect(h.openOrders == 0)
        #expect(h[position: aapl] == StrategyPosition(instrument: aapl))
    }

    @Test func fullIntentBufferRefusesAndRecordsNothing() throws {
        var h = try host(intentCapacity: 1)
        let first = h.context.submitNew(instrument: aapl, venue: venue, side: .buy, price: px(1), quantity: qty(1))
        let refused = h.context.submitNew(instrument: aapl, venue: venue, side: .buy, price: px(1), quantity: qty(1))
        #expect(first != nil)
        #expect(refused == nil)
        #expect(h.openOrders == 1)
        #expect(h.intents.count == 1)
    }

    @Test func eachEventStartsWithAnEmptyIntentBuffer() throws {
        var h = try host()
        let books = makeBooks()
        _ = h.context.submitNew(instrument: aapl, venue: venue, side: .buy, price: px(1), quantity: qty(1))
        #expect(h.intents.count == 1)
        h.onTimer(now: now(5), books: books)
        #expect(h.intents.isEmpty)
    }

    @Test func handleRoutesEachEventKindLikeTheDirectCalls() throws {
        var h = try host()
        let books = makeBooks()
        let idOpt = h.context.submitNew(instrument: aapl, venue: venue, side: .buy, price: px(100), quantity: qty(10))
        let id = try #require(idOpt)
        h.handle(.acknowledged(OrderAcknowledged(orderID: id, now: now())), books: books)
        #expect(h[order: id]?.status == .working)
        h.handle(.filled(OrderFilled(orderID: id, quantity: qty(4), price: px(100), leaves: qty(6), now: now())),
                 books: books)
        #expect(h[order: id]?.leaves == qty(6))
        #expect(h[position: aapl].net == 4)
        let sent = h.context.submitCancel(id)
        #expect(sent)
        h.handle(.rejected(OrderRejected(orderID: id, request: .cancel, source: .venue, now: now())), books: books)
        #expect(h[order: id]?.status == .working)
        h.handle(.book(BookUpdateEvent(locate: 7, times: times())), books: books)
        h.handle(.trade(TradeEvent(locate: 7, price: px(100), shares: 5, times: times())), books: books)
        h.handle(.timer(now(9)), books: books)
        h.handle(.canceled(OrderCanceled(orderID: id, now: now())), books: books)
        #expect(h.openOrders == 0)
        #expect(h[position: aapl].net == 4)
    }

    @Test func timerRequestIsClearedWhenDeliveredAndCanBeReArmed() throws {
        var h = try host()
        let books = makeBooks()
        #expect(h.context.timerDeadline == nil)
        h.context.scheduleTimer(at: now(1_000))
        h.context.scheduleTimer(at: now(2_000))  // replaces
        #expect(h.context.timerDeadline == now(2_000))
        h.onBookUpdate(BookUpdateEvent(locate: 7, times: times()), books: books)
        #expect(h.context.timerDeadline == now(2_000))  // other events leave it
        h.onTimer(now: now(2_001), books: books)
        #expect(h.context.timerDeadline == nil)
        h.context.scheduleTimer(at: now(3_000))
        h.context.cancelTimer()
        #expect(h.context.timerDeadline == nil)
    }
}
