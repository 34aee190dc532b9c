import Testing
import VegaCore
import VegaMarketData
import VegaTrading

// Compile-time proofs that the lane's trading paths never allocate, lock, retain/release or
// call anything opaque: each wrapper is `@_noLocks` over concrete types (the checker rejects
// unspecialised generics), so if any path did, this file would not compile. The test below
// runs them once so they are exercised as well as checked.

typealias SilentBooks = OrderBooks<NoBookOutput>

@_noLocks @inline(never)
func proofCheck(_ core: inout TradingCore, _ intent: OrderIntent, _ book: borrowing SilentBooks, _ now: UInt64) -> RiskVerdict {
    core.risk.check(intent, book: book, orders: core.orders, positions: core.positions, now: now)
}

@_noLocks @inline(never)
func proofRegister(_ oms: inout OrderManager, _ intent: OrderIntent, _ now: UInt64) -> OMSResult {
    oms.register(intent, now: now)
}

@_noLocks @inline(never)
func proofApply(_ oms: inout OrderManager, _ report: ExecutionReport, _ now: UInt64) -> OMSResult {
    oms.apply(report, now: now)
}

@_noLocks @inline(never)
func proofRequests(_ oms: inout OrderManager, _ id: OrderID, _ now: UInt64) -> (OMSResult, OMSResult) {
    (oms.requestCancel(id, now: now),
     oms.requestReplace(id, newID: OrderID(id.rawValue &+ 1_000), price: Price4(rawValue: 1), quantity: Quantity(1), now: now))
}

@_noLocks @inline(never)
func proofPositions(_ p: inout PositionBook, _ fill: PositionFill, _ book: borrowing SilentBooks) -> PositionReject? {
    let r = p.apply(fill)
    _ = p.mark(fill.instrument, from: book)
    return r
}

@_noLocks @inline(never)
func proofBreakers(_ risk: inout RiskEngine, _ positions: borrowing PositionBook, _ now: UInt64) -> Int {
    var n = 0
    if case .some = risk.recordMessage(now: now) { n += 1 }
    if case .some = risk.recordVenueReject(strategy: StrategyID(0), now: now) { n += 1 }
    if case .some = risk.checkPositionBreach(InstrumentID(1), position: 5, now: now) { n += 1 }
    if case .some = risk.checkLoss(account: AccountID(0), strategy: StrategyID(0), positions: positions, now: now) { n += 1 }
    _ = risk.pollLimits()
    return n
}

@_noLocks @inline(never)
func proofSubmit(_ core: inout TradingCore, _ intent: OrderIntent, _ book: borrowing SilentBooks, _ now: UInt64) -> SubmitResult {
    core.submit(intent, book: book, now: now)
}

@_noLocks @inline(never)
func proofExecution(_ core: inout TradingCore, _ report: ExecutionReport, _ now: UInt64,
                    _ cancels: UnsafeMutableBufferPointer<OrderIntent>) -> Int {
    core.onExecution(report, now: now, cancels: cancels).cancels
}

@_noLocks @inline(never)
func proofRoute(_ router: inout SmartOrderRouter, _ books: borrowing VenueBookSet<SilentBooks>,
                _ legs: UnsafeMutableBufferPointer<RouteLeg>) -> Int {
    let one = router.route(side: .buy, quantity: Quantity(100), limit: Price4(rawValue: 1_000_500), instrument: InstrumentID(1),
                           books: books)
    let split = router.split(side: .buy, quantity: Quantity(100), limit: Price4(rawValue: 1_000_500), instrument: InstrumentID(1),
                             books: books, into: legs)
    var routed = 0
    if case .some = one { routed = 1 }
    return routed + split.legs
}

@Suite("Lane paths proven allocation- and lock-free")
struct NoLocksProofTests {
    @Test func provenWrappersBehave() {
        var c = core(RiskLimits(lane: LaneLimits(collar: CollarPolicy(basisPoints: 100))))
        let book = normalBook()
        #expect(proofSubmit(&c, newOrder(1), book, 0) == .send)
        let cancels = UnsafeMutableBufferPointer<OrderIntent>.allocate(capacity: 8)
        defer { cancels.deallocate() }
        #expect(proofExecution(&c, ack(1), 1, cancels) == 0)
        #expect(proofExecution(&c, fill(1, exec: 1, qty: 10, price: 100), 2, cancels) == 0)
        #expect(proofCheck(&c, newOrder(2, qty: 0), book, 3) == .reject(.zeroQuantity))
        var oms = OrderManager(capacity: smallCapacity)
        #expect(proofRegister(&oms, newOrder(5), 0).isApplied)
        #expect(proofApply(&oms, ack(5), 0).isApplied)
        let (cancel, replace) = proofRequests(&oms, OrderID(5), 0)
        #expect(cancel.isApplied && replace == .refused(.requestPending, state: .pendingCancel))
        var p = PositionBook(capacity: smallCapacity)
        #expect(proofPositions(&p, PositionFill(instrument: inst, account: acct, strategy: strat, side: .buy,
                                                 quantity: Quantity(1), price: px(100)), book) == nil)
        #expect(proofBreakers(&c.risk, c.positions, 4) == 0)
        var r = SmartOrderRouter(venueCount: 1)
        r.setVenue(VenueID(0), VenueInfo())
        let books = VenueBookSet(count: 1) { _ in normalBook() }
        let legs = UnsafeMutableBufferPointer<RouteLeg>.allocate(capacity: 2)
        defer { legs.deallocate() }
        #expect(proofRoute(&r, books, legs) == 2)
        proofMarketData(&c, book)
        #expect(proofCancelIntents(c, cancels) == 1)  // order 1: 90 of 100 still working
        #expect(proofKillAndTimer(&c, cancels) == 0)
        #expect(killCause(c, .strategy(StrategyID(1))) == .manual)
    }
}

@_noLocks @inline(never)
func proofCancelIntents(_ core: borrowing TradingCore, _ buffer: UnsafeMutableBufferPointer<OrderIntent>) -> Int {
    core.cancelIntents(for: .account(AccountID(0)), into: buffer)
}

@_noLocks @inline(never)
func proofKillAndTimer(_ core: inout TradingCore, _ buffer: UnsafeMutableBufferPointer<OrderIntent>) -> Int {
    core.kill(.strategy(StrategyID(1)), now: 9, into: buffer) + core.onTimer(now: 10, cancels: buffer)
}

@_noLocks @inline(never)
func proofMarketData(_ core: inout TradingCore, _ book: borrowing SilentBooks) {
    core.onMarketData(InstrumentID(1), book: book, now: 11)
}
