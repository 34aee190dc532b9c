import CVegaFPGA
import Testing
import VegaCore
import VegaHardware
import VegaMarketData
import VegaTestSupport

func fpga(_ type: Int, locate: UInt16, side: Int = 0, level: UInt16 = 0, price: Int64 = 0, quantity: UInt32 = 0,
          orders: UInt32 = 0, aux: UInt32 = 0) -> FPGAEvent {
    var e = FPGAEvent()
    e.type = UInt8(type)
    e.instrument = UInt32(locate)
    e.side = UInt8(side)
    e.level = level
    e.price = price
    e.quantity = quantity
    e.order_count = orders
    e.aux = aux
    return e
}

/// Reads any book through the one protocol strategies use.
func topLevels<B: BookView & ~Copyable>(_ book: borrowing B, locate: UInt16, side: Side, count: Int) -> [BookLevel] {
    (0..<min(count, book.levelCount(locate: locate, side: side))).map { book.level(locate: locate, side: side, index: $0)! }
}

@Suite("L2 book from FPGA events")
struct L2BookTests {
    @Test func levelSetInsertsOrUpdatesAndLevelDeleteShiftsUp() {
        var l2 = L2Book(maxInstruments: 4, depth: 3)
        let bid = VEGA_FPGA_SIDE_BID
        #expect(l2.apply(fpga(VEGA_FPGA_EV_LEVEL_SET, locate: 5, side: bid, level: 0, price: 100, quantity: 10, orders: 1)) == nil)
        #expect(l2.apply(fpga(VEGA_FPGA_EV_LEVEL_SET, locate: 5, side: bid, level: 1, price: 90, quantity: 20, orders: 2)) == nil)
        // A better price at level 0 inserts and pushes the others down.
        #expect(l2.apply(fpga(VEGA_FPGA_EV_LEVEL_SET, locate: 5, side: bid, level: 0, price: 110, quantity: 5, orders: 1)) == nil)
        #expect(topLevels(l2, locate: 5, side: .buy, count: 5) == [lvl(110, 5, 1), lvl(100, 10, 1), lvl(90, 20, 2)])
        // Same price at the same level: updated in place.
        _ = l2.apply(fpga(VEGA_FPGA_EV_LEVEL_SET, locate: 5, side: bid, level: 1, price: 100, quantity: 15, orders: 2))
        #expect(l2.level(locate: 5, side: .buy, index: 1) == lvl(100, 15, 2))
        // At full depth an insert drops the deepest level.
        _ = l2.apply(fpga(VEGA_FPGA_EV_LEVEL_SET, locate: 5, side: bid, level: 0, price: 120, quantity: 1, orders: 1))
        #expect(topLevels(l2, locate: 5, side: .buy, count: 5).map(\.price.rawValue) == [120, 110, 100])
        #expect(l2.apply(fpga(VEGA_FPGA_EV_LEVEL_DELETE, locate: 5, side: bid, level: 0)) == nil)
        #expect(l2.topOfBook(locate: 5).bid == lvl(110, 5, 1))
        #expect(l2.apply(fpga(VEGA_FPGA_EV_LEVEL_SET, locate: 5, side: bid, level: 9, price: 1, quantity: 1, orders: 1)) == nil)
        #expect(l2.counters.beyondDepth == 1)
    }

    @Test func clearStatusGapAndBadEventsAreHandledAndCounted() {
        var l2 = L2Book(maxInstruments: 1, depth: 4)
        _ = l2.apply(fpga(VEGA_FPGA_EV_LEVEL_SET, locate: 1, side: VEGA_FPGA_SIDE_ASK, level: 0, price: 100, quantity: 1, orders: 1))
        #expect(l2.apply(fpga(VEGA_FPGA_EV_LEVEL_SET, locate: 1, side: VEGA_FPGA_SIDE_ASK, level: 3, price: 9, quantity: 1, orders: 1)) == .levelGap)
        #expect(l2.apply(fpga(VEGA_FPGA_EV_LEVEL_DELETE, locate: 1, side: VEGA_FPGA_SIDE_ASK, level: 2)) == .levelGap)
        #expect(l2.apply(fpga(VEGA_FPGA_EV_LEVEL_SET, locate: 1, side: 0x58, level: 0, price: 9, quantity: 1, orders: 1)) == .invalidSide)
        #expect(l2.apply(fpga(VEGA_FPGA_EV_LEVEL_SET, locate: 2, side: VEGA_FPGA_SIDE_BID)) == .unknownInstrument)
        #expect(l2.apply(fpga(99, locate: 1)) == .unknownType)
        _ = l2.apply(fpga(VEGA_FPGA_EV_STATUS, locate: 1, aux: UInt32(UInt8(ascii: "H"))))
        #expect(l2.tradingStateByte(locate: 1) == UInt8(ascii: "H"))
        _ = l2.apply(fpga(VEGA_FPGA_EV_GAP, locate: 0))
        #expect(l2.isStale(locate: 1) == true)
        _ = l2.apply(fpga(VEGA_FPGA_EV_CLEAR, locate: 1))
        #expect(l2.isStale(locate: 1) == false)
        #expect(l2.topOfBook(locate: 1) == TopOfBook(bid: .empty, ask: .empty))
        #expect(l2.counters[.levelGap] == 2 && l2.counters[.invalidSide] == 1 && l2.counters[.unknownInstrument] == 1)
        #expect(l2.counters[.unknownType] == 1 && l2.counters.feedGaps == 1)
    }

    @Test func applyingAnOrderBookSnapshotGivesTheSameTop30() {
        var books = makeBooks(maxOrders: 4_096, maxLevels: 512, maxLevelsPerSide: 128)
        var rng = SplitMix64(seed: 42)
        var ref: UInt64 = 0
        for _ in 0..<2_000 {
            ref += 1
            let side: Side = rng.next(4) < 2 ? .buy : .sell
            let ticks = Int64(rng.next(60))
            let price = side == .buy ? 100_000 - ticks * 100 : 100_100 + ticks * 100
            books.add(ref, side, UInt32(1 + rng.next(500)), price)
        }
        var l2 = L2Book(maxInstruments: 8, depth: 30)
        // Stale levels from before the snapshot must disappear with the CLEAR.
        _ = l2.apply(fpga(VEGA_FPGA_EV_LEVEL_SET, locate: aaplLocate, side: VEGA_FPGA_SIDE_BID, level: 0, price: 1, quantity: 1, orders: 1))
        var events = [FPGAEvent](repeating: FPGAEvent(), count: 61)
        let n = events.withUnsafeMutableBufferPointer { books.snapshotL2(locate: aaplLocate, levels: 30, into: $0) }
        #expect(n == 61)
        for e in events[0..<n] { #expect(l2.apply(e) == nil) }
        for side in [Side.buy, .sell] {
            #expect(topLevels(l2, locate: aaplLocate, side: side, count: 30) == topLevels(books, locate: aaplLocate, side: side, count: 30))
        }
        #expect(l2.topOfBook(locate: aaplLocate) == books.topOfBook(locate: aaplLocate))
        #expect(l2.levelCount(locate: aaplLocate, side: .buy) == 30)
    }
}

extension SplitMix64 {
    /// In 0..<bound (modulo: a slight bias, immaterial here).
    mutating func next(_ bound: UInt64) -> UInt64 { next() % bound }
}
