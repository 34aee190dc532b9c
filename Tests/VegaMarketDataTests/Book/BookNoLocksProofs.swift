import CVegaFPGA
import Testing
import VegaCore
import VegaHardware
import VegaMarketData

// Compile-time proofs that the books' event paths and reads never allocate, lock,
// retain/release or call anything opaque: each wrapper is `@_noLocks` over concrete types, so
// if any path did, this file would not compile (the checker rejects generic code, hence the
// concrete outputs). The test below only checks that the wrappers behave.

typealias BufferedBooks = OrderBooks<BookUpdateBuffer>
typealias SilentBooks = OrderBooks<NoBookOutput>
typealias RingBooks = OrderBooks<SPSCRing<BookUpdate>>

@_noLocks @inline(never)
func proofDefine(_ b: inout BufferedBooks, _ locate: UInt16, _ t: EventTimes) -> BookReject? {
    b.defineInstrument(locate: locate, symbol: Symbol(raw: 0x4141_2020_2020_2020), roundLot: 100, times: t)
}

@_noLocks @inline(never)
func proofAdd(_ b: inout BufferedBooks, _ ref: UInt64, _ side: Side, _ shares: UInt32, _ price: Price4, _ t: EventTimes) -> BookReject? {
    b.addOrder(locate: 1, reference: ref, side: side, shares: shares, price: price, attribution: 0, times: t)
}

@_noLocks @inline(never)
func proofExecute(_ b: inout BufferedBooks, _ ref: UInt64, _ shares: UInt32, _ price: Price4?, _ t: EventTimes) -> BookReject? {
    b.executeOrder(locate: 1, reference: ref, shares: shares, matchNumber: 1, price: price, printable: true, times: t)
}

@_noLocks @inline(never)
func proofCancel(_ b: inout BufferedBooks, _ ref: UInt64, _ shares: UInt32, _ t: EventTimes) -> BookReject? {
    b.cancelOrder(locate: 1, reference: ref, shares: shares, times: t)
}

@_noLocks @inline(never)
func proofDelete(_ b: inout BufferedBooks, _ ref: UInt64, _ t: EventTimes) -> BookReject? {
    b.deleteOrder(locate: 1, reference: ref, times: t)
}

@_noLocks @inline(never)
func proofReplace(_ b: inout BufferedBooks, _ old: UInt64, _ new: UInt64, _ shares: UInt32, _ price: Price4, _ t: EventTimes) -> BookReject? {
    b.replaceOrder(locate: 1, original: old, replacement: new, shares: shares, price: price, times: t)
}

@_noLocks @inline(never)
func proofStateTradesStale(_ b: inout BufferedBooks, _ t: EventTimes) {
    b.setTradingState(locate: 1, state: .halted, times: t)
    b.trade(locate: 1, kind: .nonCross(side: .buy), shares: 10, price: Price4(rawValue: 1), matchNumber: 2, times: t)
    b.trade(locate: 1, kind: .cross(crossType: 0x4F), shares: 10, price: Price4(rawValue: 1), matchNumber: 3, times: t)
    b.brokenTrade(locate: 1, matchNumber: 2, times: t)
    b.markStale(locate: 1)
    b.markStale(locate: nil)
}

@_noLocks @inline(never)
func proofReads(_ b: borrowing BufferedBooks, _ ref: UInt64) -> (TopOfBook, BookLevel?, UInt32) {
    let top = b.topOfBook(locate: 1)
    let second = b.level(locate: 1, side: .sell, index: 1)
    let position = b.queuePosition(reference: ref)
    return (top, second, position?.ordersAhead ?? 0)
}

@_noLocks @inline(never)
func proofSnapshot(_ b: borrowing BufferedBooks, _ out: UnsafeMutableBufferPointer<FPGAEvent>) -> Int {
    b.snapshotL2(locate: 1, levels: 30, into: out)
}

@_noLocks @inline(never)
func proofDepth(_ b: borrowing BufferedBooks, _ out: UnsafeMutableBufferPointer<BookLevel>) -> Int {
    b.depth(locate: 1, side: .buy, into: out)
}

@_noLocks @inline(never)
func proofSilentAddDelete(_ b: inout SilentBooks, _ ref: UInt64, _ t: EventTimes) -> BookReject? {
    _ = b.addOrder(locate: 1, reference: ref, side: .buy, shares: 1, price: Price4(rawValue: 1), attribution: 0, times: t)
    return b.deleteOrder(locate: 1, reference: ref, times: t)
}

@_noLocks @inline(never)
func proofRingAdd(_ b: inout RingBooks, _ ref: UInt64, _ t: EventTimes) -> BookReject? {
    b.addOrder(locate: 1, reference: ref, side: .sell, shares: 1, price: Price4(rawValue: 2), attribution: 0, times: t)
}

@_noLocks @inline(never)
func proofL2Apply(_ l2: inout L2Book, _ e: FPGAEvent) -> (L2Reject?, TopOfBook) {
    let r = l2.apply(e)
    return (r, l2.topOfBook(locate: UInt16(truncatingIfNeeded: e.instrument)))
}

@_noLocks @inline(never)
func proofDrainUpdates(_ out: inout BookUpdateBuffer) -> UInt64 {
    var sum: UInt64 = 0
    out.withUpdates { for u in $0 { sum &+= u.shares } }
    out.removeAll()
    return sum
}

@Suite("Book no-locks wrappers")
struct BookNoLocksProofTests {
    @Test func wrappersBehaveLikeTheOperationsTheyProve() {
        let t = bookTimes(1)
        var b = BufferedBooks(configuration: BookConfiguration(maxInstruments: 2, maxOrders: 8, maxLevels: 8, maxLevelsPerSide: 4),
                              output: BookUpdateBuffer(capacity: 64))
        #expect(proofDefine(&b, 1, t) == nil)
        #expect(proofAdd(&b, 1, .sell, 100, Price4(rawValue: 10), t) == nil)
        #expect(proofAdd(&b, 2, .sell, 100, Price4(rawValue: 11), t) == nil)
        #expect(proofAdd(&b, 3, .sell, 100, Price4(rawValue: 11), t) == nil)
        #expect(proofExecute(&b, 1, 10, nil, t) == nil)
        #expect(proofExecute(&b, 1, 10, Price4(rawValue: 9), t) == nil)
        #expect(proofCancel(&b, 1, 10, t) == nil)
        #expect(proofReplace(&b, 1, 4, 50, Price4(rawValue: 12), t) == nil)
        let (top, second, ahead) = proofReads(b, 3)
        #expect(top.ask == BookLevel(price: Price4(rawValue: 11), shares: 200, orders: 2))
        #expect(second == BookLevel(price: Price4(rawValue: 12), shares: 50, orders: 1) && ahead == 1)
        var events = [FPGAEvent](repeating: FPGAEvent(), count: 61)
        #expect(events.withUnsafeMutableBufferPointer { proofSnapshot(b, $0) } == 3)
        var depth = [BookLevel](repeating: .empty, count: 4)
        #expect(depth.withUnsafeMutableBufferPointer { proofDepth(b, $0) } == 0)
        #expect(proofDelete(&b, 4, t) == nil)
        proofStateTradesStale(&b, t)
        #expect(b.isStale(locate: 1) == true)
        #expect(b.tradingState(locate: 1) == .halted)
        #expect(proofDrainUpdates(&b.output) > 0 && b.output.count == 0)

        var silent = SilentBooks(configuration: BookConfiguration(maxInstruments: 1, maxOrders: 2, maxLevels: 2, maxLevelsPerSide: 2))
        _ = silent.defineInstrument(locate: 1, symbol: Symbol(raw: 0), roundLot: 1, times: t)
        #expect(proofSilentAddDelete(&silent, 9, t) == nil && silent.orderCount == 0)

        var ringBooks = RingBooks(configuration: BookConfiguration(maxInstruments: 1, maxOrders: 2, maxLevels: 2, maxLevelsPerSide: 2),
                                  output: SPSCRing<BookUpdate>(capacity: 4))
        _ = ringBooks.defineInstrument(locate: 1, symbol: Symbol(raw: 0), roundLot: 1, times: t)
        #expect(proofRingAdd(&ringBooks, 1, t) == nil)
        #expect(ringBooks.output.tryPop()?.price == Price4(rawValue: 2))

        var l2 = L2Book(maxInstruments: 1, depth: 2)
        var e = FPGAEvent()
        e.type = UInt8(VEGA_FPGA_EV_LEVEL_SET)
        e.instrument = 1
        e.side = UInt8(VEGA_FPGA_SIDE_BID)
        e.price = 5
        e.quantity = 7
        e.order_count = 1
        let (r, l2top) = proofL2Apply(&l2, e)
        #expect(r == nil && l2top.bid == BookLevel(price: Price4(rawValue: 5), shares: 7, orders: 1))
    }
}
