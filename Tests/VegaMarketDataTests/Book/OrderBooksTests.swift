import CVegaFPGA
import Testing
import VegaCore
import VegaHardware
import VegaMarketData

@Suite("Order books: hand-built ITCH sequences")
struct OrderBooksTests {
    @Test func addsAggregateIntoLevelsBestFirstOnBothSides() {
        var b = makeBooks()
        b.add(1, .buy, 100, 100_000)
        b.add(2, .buy, 200, 100_000)
        b.add(3, .buy, 300, 99_900)
        b.add(4, .sell, 50, 100_200)
        b.add(5, .sell, 70, 100_100)
        #expect(b.levels(.buy) == [lvl(100_000, 300, 2), lvl(99_900, 300, 1)])
        #expect(b.levels(.sell) == [lvl(100_100, 70, 1), lvl(100_200, 50, 1)])
        #expect(b.top() == TopOfBook(bid: lvl(100_000, 300, 2), ask: lvl(100_100, 70, 1)))
        #expect(b.orderCount == 5 && b.levelCountTotal == 4 && b.counters.adds == 5)
    }

    @Test func emptySidesAndUnknownInstrumentsReadAsZeros() {
        let b = makeBooks()
        #expect(b.top() == TopOfBook(bid: .empty, ask: .empty))
        #expect(b.top(1234) == TopOfBook(bid: .empty, ask: .empty))
        #expect(b.level(locate: aaplLocate, side: .buy, index: 0) == nil)
    }

    @Test func partialExecutionsReduceTheOrderAndItsLevelUntilItLeaves() {
        var b = makeBooks()
        b.add(1, .buy, 300, 100_000)
        b.add(2, .buy, 100, 100_000)
        #expect(b.executeOrder(locate: aaplLocate, reference: 1, shares: 100, matchNumber: 1, price: nil, printable: true, times: bookTimes(2)) == nil)
        #expect(b.top().bid == lvl(100_000, 300, 2))
        #expect(b.order(reference: 1)?.shares == 200)
        #expect(b.executeOrder(locate: aaplLocate, reference: 1, shares: 200, matchNumber: 2, price: nil, printable: true, times: bookTimes(3)) == nil)
        #expect(b.top().bid == lvl(100_000, 100, 1))
        #expect(b.order(reference: 1) == nil)
        #expect(b.lastTrade(locate: aaplLocate) == LastTrade(price: px(100_000), shares: 200, matchNumber: 2, exchange: .init(nanoseconds: 3)))
        #expect(b.counters.executions == 2)
    }

    @Test func executeWithPriceTakesSharesAtTheOrdersLevelAndPrintsOnlyIfPrintable() {
        var b = makeBooks()
        b.add(1, .sell, 500, 101_000)
        #expect(b.executeOrder(locate: aaplLocate, reference: 1, shares: 100, matchNumber: 7, price: px(100_500), printable: false, times: bookTimes(2)) == nil)
        #expect(b.top().ask == lvl(101_000, 400, 1), "the level keeps the order's own price")
        #expect(b.lastTrade(locate: aaplLocate) == nil, "a non-printable C does not print")
        #expect(b.executeOrder(locate: aaplLocate, reference: 1, shares: 100, matchNumber: 8, price: px(100_600), printable: true, times: bookTimes(3)) == nil)
        #expect(b.lastTrade(locate: aaplLocate)?.price == px(100_600))
        #expect(b.top().ask == lvl(101_000, 300, 1))
    }

    @Test func cancelsReduceSharesAndKeepQueuePosition() {
        var b = makeBooks()
        b.add(1, .buy, 100, 100_000)
        b.add(2, .buy, 200, 100_000)
        b.add(3, .buy, 300, 100_000)
        #expect(b.cancelOrder(locate: aaplLocate, reference: 2, shares: 150, times: bookTimes(2)) == nil)
        #expect(b.queuePosition(reference: 3)! == (sharesAhead: 150, ordersAhead: 2, levelIndex: 0))
        #expect(b.queuePosition(reference: 2)! == (sharesAhead: 100, ordersAhead: 1, levelIndex: 0))
        #expect(b.top().bid == lvl(100_000, 450, 3))
    }

    @Test func fifoPositionAdvancesAsOrdersAheadExecuteOrLeave() {
        var b = makeBooks()
        b.add(1, .sell, 100, 100_100)
        b.add(2, .sell, 100, 100_200)   // deeper level
        b.add(3, .sell, 200, 100_200)
        b.add(4, .sell, 300, 100_200)
        #expect(b.queuePosition(reference: 4)! == (sharesAhead: 300, ordersAhead: 2, levelIndex: 1))
        _ = b.executeOrder(locate: aaplLocate, reference: 2, shares: 40, matchNumber: 1, price: nil, printable: true, times: bookTimes(2))
        #expect(b.queuePosition(reference: 4)! == (sharesAhead: 260, ordersAhead: 2, levelIndex: 1))
        _ = b.cancelOrder(locate: aaplLocate, reference: 2, shares: 60, times: bookTimes(3))   // 2 leaves
        #expect(b.queuePosition(reference: 4)! == (sharesAhead: 200, ordersAhead: 1, levelIndex: 1))
        _ = b.deleteOrder(locate: aaplLocate, reference: 1, times: bookTimes(4))   // best level goes: 100_200 becomes best
        #expect(b.queuePosition(reference: 4)! == (sharesAhead: 200, ordersAhead: 1, levelIndex: 0))
        _ = b.deleteOrder(locate: aaplLocate, reference: 3, times: bookTimes(5))
        #expect(b.queuePosition(reference: 4)! == (sharesAhead: 0, ordersAhead: 0, levelIndex: 0))
        #expect(b.queuePosition(reference: 99) == nil)
    }

    @Test func deletingTheLastOrderAtALevelRemovesItAndTheNextBecomesBest() {
        var b = makeBooks()
        b.add(1, .buy, 100, 100_000)
        b.add(2, .buy, 200, 99_900)
        b.add(3, .buy, 300, 99_800)
        b.output.removeAll()
        #expect(b.deleteOrder(locate: aaplLocate, reference: 1, times: bookTimes(9)) == nil)
        #expect(b.top().bid == lvl(99_900, 200, 1))
        #expect(b.levels(.buy) == [lvl(99_900, 200, 1), lvl(99_800, 300, 1)])
        #expect(b.levelCountTotal == 2)
        let u = b.output.all
        #expect(u.count == 1)
        #expect(u[0].kind == .level && u[0].price == px(100_000) && u[0].shares == 0 && u[0].orders == 0)
        #expect(u[0].depth == 0 && u[0].flags.contains(.levelRemoved) && u[0].changedTopOfBook)
        #expect(u[0].times == bookTimes(9), "the message's three clocks travel with the update")
        // A middle level vanishing leaves its neighbours in order.
        b.add(4, .buy, 50, 99_850)
        _ = b.deleteOrder(locate: aaplLocate, reference: 4, times: bookTimes(10))
        #expect(b.levels(.buy) == [lvl(99_900, 200, 1), lvl(99_800, 300, 1)])
    }

    @Test func replaceChainMovesTheOrderToTheBackWithNewPriceAndShares() {
        var b = makeBooks()
        b.add(1, .buy, 100, 100_000)
        b.add(2, .buy, 100, 100_000)
        #expect(b.replaceOrder(locate: aaplLocate, original: 1, replacement: 10, shares: 150, price: px(100_000), times: bookTimes(2)) == nil)
        #expect(b.queuePosition(reference: 10)! == (sharesAhead: 100, ordersAhead: 1, levelIndex: 0), "a replace loses priority")
        #expect(b.order(reference: 1) == nil)
        #expect(b.replaceOrder(locate: aaplLocate, original: 10, replacement: 11, shares: 80, price: px(100_100), times: bookTimes(3)) == nil)
        #expect(b.levels(.buy) == [lvl(100_100, 80, 1), lvl(100_000, 100, 1)])
        #expect(b.executeOrder(locate: aaplLocate, reference: 11, shares: 30, matchNumber: 5, price: nil, printable: true, times: bookTimes(4)) == nil)
        #expect(b.order(reference: 11)! == (locate: aaplLocate, side: .buy, shares: 50, price: px(100_100)))
        #expect(b.top().bid == lvl(100_100, 50, 1))
        #expect(b.counters.replaces == 2 && b.orderCount == 2)
    }

    @Test func refusedReplaceKeepsTheOriginal() {
        var b = makeBooks()
        b.add(1, .sell, 100, 100_000)
        b.add(2, .sell, 100, 100_100)
        #expect(b.replaceOrder(locate: aaplLocate, original: 1, replacement: 2, shares: 10, price: px(100_000), times: bookTimes()) == .duplicateOrder)
        #expect(b.replaceOrder(locate: aaplLocate, original: 1, replacement: 3, shares: 0, price: px(100_000), times: bookTimes()) == .invalidQuantity)
        #expect(b.replaceOrder(locate: aaplLocate, original: 1, replacement: 3, shares: 10, price: px(0), times: bookTimes()) == .invalidPrice)
        #expect(b.replaceOrder(locate: msft, original: 1, replacement: 3, shares: 10, price: px(1), times: bookTimes()) == .instrumentMismatch)
        #expect(b.replaceOrder(locate: aaplLocate, original: 42, replacement: 3, shares: 10, price: px(1), times: bookTimes()) == .unknownOrder)
        #expect(b.order(reference: 1)! == (locate: aaplLocate, side: .sell, shares: 100, price: px(100_000)))
        #expect(b.levels(.sell) == [lvl(100_000, 100, 1), lvl(100_100, 100, 1)])
        #expect(b.counters.replaces == 0 && b.counters.totalRejects == 5)
    }

    @Test func crossedInputIsKeptAndReported() {
        var b = makeBooks()
        b.add(1, .sell, 100, 100_000)
        b.output.removeAll()
        #expect(b.add(2, .buy, 100, 100_100) == nil)
        #expect(b.top() == TopOfBook(bid: lvl(100_100, 100, 1), ask: lvl(100_000, 100, 1)))
        #expect(b.top().isCrossed)
        #expect(b.isCrossed(locate: aaplLocate) == true)
        #expect(b.output.all.last!.flags.contains(.crossed))
        #expect(b.counters.crossedUpdates == 1)
        _ = b.deleteOrder(locate: aaplLocate, reference: 2, times: bookTimes())
        #expect(b.isCrossed(locate: aaplLocate) == false)
    }

    @Test func haltsAreRecordedAndTheBookIsKept() {
        var b = makeBooks()
        b.add(1, .buy, 100, 100_000)
        b.output.removeAll()
        b.setTradingState(locate: aaplLocate, state: .halted, times: bookTimes(5))
        #expect(b.tradingState(locate: aaplLocate) == .halted)
        #expect(b.top().bid == lvl(100_000, 100, 1))
        #expect(b.output.all.map(\.kind) == [.tradingState])
        #expect(b.output.all[0].orders == UInt32(TradingState.halted.rawValue))
        b.setTradingState(locate: aaplLocate, state: .trading, times: bookTimes(6))
        #expect(b.tradingState(locate: aaplLocate) == .trading && b.counters.tradingStateChanges == 2)
        b.setTradingState(locate: 3, state: .halted, times: bookTimes(6))
        #expect(b.counters[.unknownInstrument] == 1)
    }

    @Test func unknownAndDuplicateReferencesAreRefusedAndCounted() {
        var b = makeBooks(define: [aaplLocate, msft])
        b.add(1, .buy, 100, 100_000)
        #expect(b.add(1, .sell, 50, 100_500) == .duplicateOrder)
        #expect(b.add(1, .buy, 50, 100_000, locate: msft) == .duplicateOrder, "references are unique across instruments")
        #expect(b.executeOrder(locate: aaplLocate, reference: 2, shares: 1, matchNumber: 1, price: nil, printable: true, times: bookTimes()) == .unknownOrder)
        #expect(b.cancelOrder(locate: aaplLocate, reference: 2, shares: 1, times: bookTimes()) == .unknownOrder)
        #expect(b.deleteOrder(locate: aaplLocate, reference: 2, times: bookTimes()) == .unknownOrder)
        #expect(b.deleteOrder(locate: msft, reference: 1, times: bookTimes()) == .instrumentMismatch)
        #expect(b.add(5, .buy, 100, 100_000, locate: 2) == .unknownInstrument)
        #expect(b.add(5, .buy, 0, 100_000) == .invalidQuantity)
        #expect(b.add(5, .buy, 10, 0) == .invalidPrice)
        #expect(b.add(5, .buy, 10, Int64(UInt32.max) + 1) == .invalidPrice)
        #expect(b.top().bid == lvl(100_000, 100, 1), "nothing accepted is lost")
        #expect(b.order(reference: 1) != nil)
        #expect(b.counters[.duplicateOrder] == 2 && b.counters[.unknownOrder] == 3 && b.counters[.instrumentMismatch] == 1)
        #expect(b.counters[.unknownInstrument] == 1 && b.counters[.invalidQuantity] == 1 && b.counters[.invalidPrice] == 2)
    }

    @Test func overExecutionRemovesTheOrderAndCountsTheExcess() {
        var b = makeBooks()
        b.add(1, .buy, 100, 100_000)
        b.add(2, .buy, 100, 100_000)
        #expect(b.executeOrder(locate: aaplLocate, reference: 1, shares: 130, matchNumber: 1, price: nil, printable: true, times: bookTimes()) == .overExecution)
        #expect(b.order(reference: 1) == nil)
        #expect(b.top().bid == lvl(100_000, 100, 1))
        #expect(b.cancelOrder(locate: aaplLocate, reference: 2, shares: 120, times: bookTimes()) == .overExecution)
        #expect(b.top().bid == .empty && b.levelCountTotal == 0)
        #expect(b.counters[.overExecution] == 2 && b.counters.excessShares == 50)
    }

    @Test func orderCapacityExhaustionIsAClearRejectAndFreedSlotsAreReused() {
        var b = makeBooks(maxOrders: 3)
        for r in 1...3 { #expect(b.add(UInt64(r), .buy, 10, 100_000) == nil) }
        #expect(b.add(4, .buy, 10, 100_000) == .orderCapacity)
        #expect(b.counters[.orderCapacity] == 1 && b.top().bid == lvl(100_000, 30, 3))
        _ = b.deleteOrder(locate: aaplLocate, reference: 2, times: bookTimes())
        #expect(b.add(4, .buy, 10, 100_000) == nil)
        #expect(b.queuePosition(reference: 4)! == (sharesAhead: 20, ordersAhead: 2, levelIndex: 0))
    }

    @Test func levelCapacityExhaustionPerSideAndInTotalIsAClearReject() {
        var perSide = makeBooks(maxLevels: 64, maxLevelsPerSide: 2)
        #expect(perSide.add(1, .buy, 10, 100_000) == nil)
        #expect(perSide.add(2, .buy, 10, 99_000) == nil)
        #expect(perSide.add(3, .buy, 10, 98_000) == .levelCapacity)
        #expect(perSide.add(4, .buy, 10, 99_000) == nil, "an existing level still takes orders")
        #expect(perSide.add(5, .sell, 10, 101_000) == nil, "the other side has its own ladder")
        #expect(perSide.order(reference: 3) == nil && perSide.add(3, .buy, 10, 100_000) == nil, "a refused reference was not kept")

        var total = makeBooks(maxLevels: 2, maxLevelsPerSide: 16)
        #expect(total.add(1, .buy, 10, 100_000) == nil)
        #expect(total.add(2, .sell, 10, 101_000) == nil)
        #expect(total.add(3, .sell, 10, 102_000) == .levelCapacity)
        #expect(total.counters[.levelCapacity] == 1)
        // A replace that needs a level when none is free is refused and keeps the original…
        total.add(4, .buy, 10, 100_000)
        #expect(total.replaceOrder(locate: aaplLocate, original: 1, replacement: 5, shares: 10, price: px(99_000), times: bookTimes()) == .levelCapacity)
        #expect(total.order(reference: 1) != nil)
        // …but succeeds when the original's own level empties and frees one.
        #expect(total.replaceOrder(locate: aaplLocate, original: 2, replacement: 6, shares: 10, price: px(103_000), times: bookTimes()) == nil)
        #expect(total.top().ask == lvl(103_000, 10, 1))
    }

    @Test func instrumentCapacityExhaustionIsRefused() {
        var b = OrderBooks(configuration: BookConfiguration(maxInstruments: 1, maxOrders: 4, maxLevels: 4, maxLevelsPerSide: 4))
        #expect(b.defineInstrument(locate: 1, symbol: Symbol("A")!, roundLot: 100, times: bookTimes()) == nil)
        #expect(b.defineInstrument(locate: 1, symbol: Symbol("AA")!, roundLot: 100, times: bookTimes()) == nil, "a redefinition updates")
        #expect(b.symbol(locate: 1) == Symbol("AA"))
        #expect(b.defineInstrument(locate: 2, symbol: Symbol("B")!, roundLot: 100, times: bookTimes()) == .unknownInstrument)
        #expect(b.instrumentCount == 1)
    }

    @Test func staleFlagIsSetPerInstrumentOrForAllAndClearedByARebuild() {
        var b = makeBooks(define: [aaplLocate, msft])
        b.add(1, .buy, 10, 100_000)
        b.add(2, .sell, 10, 100_100)
        b.add(3, .buy, 10, 100_000, locate: msft)
        b.markStale(locate: aaplLocate)
        #expect(b.isStale(locate: aaplLocate) == true)
        #expect(b.isStale(locate: msft) == false)
        b.markStale(locate: nil)
        #expect(b.isStale(locate: msft) == true)
        b.clearBook(locate: aaplLocate)
        #expect(b.isStale(locate: aaplLocate) == false)
        #expect(b.top() == TopOfBook(bid: .empty, ask: .empty))
        #expect(b.orderCount == 1 && b.levelCountTotal == 1 && b.order(reference: 1) == nil)
        #expect(b.add(1, .buy, 10, 100_000) == nil, "cleared references are free again")
    }

    @Test func tradesAndBrokenTradesArePublishedWithoutChangingTheBook() {
        var b = makeBooks()
        b.add(1, .buy, 10, 100_000)
        b.output.removeAll()
        b.trade(locate: aaplLocate, kind: .nonCross(side: .sell), shares: 500, price: px(100_050), matchNumber: 3, times: bookTimes(4))
        b.trade(locate: aaplLocate, kind: .cross(crossType: UInt8(ascii: "O")), shares: 900, price: px(100_010), matchNumber: 4, times: bookTimes(5))
        b.brokenTrade(locate: aaplLocate, matchNumber: 3, times: bookTimes(6))
        #expect(b.output.all.map(\.kind) == [.trade, .trade, .brokenTrade])
        #expect(b.output.all[0].side == .sell && b.output.all[1].flags.contains(.cross))
        #expect(b.lastTrade(locate: aaplLocate)?.matchNumber == 4)
        #expect(b.top().bid == lvl(100_000, 10, 1))
        #expect(b.counters.brokenTrades == 1)
    }

    @Test func eachChangePublishesTheLevelsNewStateAndDepth() {
        var b = makeBooks()
        b.add(1, .sell, 100, 100_200, t: 1)
        b.add(2, .sell, 100, 100_100, t: 2)
        b.add(3, .sell, 50, 100_200, t: 3)
        _ = b.executeOrder(locate: aaplLocate, reference: 1, shares: 30, matchNumber: 1, price: nil, printable: true, times: bookTimes(4))
        let u = b.output.all
        #expect(u.count == 5)
        #expect(u[0].depth == 0 && u[0].flags == [.levelAdded, .topOfBook] && u[0].shares == 100)
        #expect(u[1].depth == 0 && u[1].flags == [.levelAdded, .topOfBook] && u[1].price == px(100_100))
        #expect(u[2].depth == 1 && u[2].flags == [] && u[2].shares == 150 && u[2].orders == 2)
        #expect(u[3].kind == .trade && u[3].shares == 30 && u[3].price == px(100_200))
        #expect(u[4].depth == 1 && u[4].shares == 120 && u[4].times.exchange.nanoseconds == 4)
        #expect(MemoryLayout<BookUpdate>.size <= 64)
    }

    @Test func aFullOutputDropsUpdatesAndCountsThemButTheBookIsApplied() {
        var b = OrderBooks(configuration: BookConfiguration(maxInstruments: 1, maxOrders: 8, maxLevels: 8, maxLevelsPerSide: 8),
                           output: BookUpdateBuffer(capacity: 1))
        _ = b.defineInstrument(locate: 1, symbol: Symbol("A")!, roundLot: 1, times: bookTimes())
        b.add(1, .buy, 10, 100, locate: 1)
        b.add(2, .buy, 10, 100, locate: 1)
        #expect(b.counters.updatesDropped == 1 && b.output.count == 1)
        #expect(b.top(1).bid == lvl(100, 20, 2))
    }

    @Test func depthCopiesTheBestLevelsInOrder() {
        var b = makeBooks()
        for i in 0..<6 { b.add(UInt64(i + 1), .buy, UInt32(10 * (i + 1)), 100_000 - Int64(i) * 100) }
        var out = [BookLevel](repeating: .empty, count: 4)
        let n = out.withUnsafeMutableBufferPointer { b.depth(locate: aaplLocate, side: .buy, into: $0) }
        #expect(n == 4)
        let want: [BookLevel] = [lvl(100_000, 10, 1), lvl(99_900, 20, 1), lvl(99_800, 30, 1), lvl(99_700, 40, 1)]
        #expect(out == want)
    }

    @Test func snapshotWritesClearThenTheTopLevelsPerSideInTheFPGAFormat() {
        var b = makeBooks()
        b.add(1, .buy, 100, 100_000, t: 50)
        b.add(2, .buy, 200, 99_900)
        b.add(3, .sell, 300, 100_100, t: 77)
        var events = [FPGAEvent](repeating: FPGAEvent(), count: 61)
        let n = events.withUnsafeMutableBufferPointer { b.snapshotL2(locate: aaplLocate, levels: 30, into: $0) }
        #expect(n == 4)
        #expect(events[0].type == UInt8(VEGA_FPGA_EV_CLEAR) && events[0].side == 0 && events[0].instrument == UInt32(aaplLocate))
        #expect(events[1].type == UInt8(VEGA_FPGA_EV_LEVEL_SET) && events[1].side == UInt8(VEGA_FPGA_SIDE_BID))
        #expect(events[1].level == 0 && events[1].price == 100_000 && events[1].quantity == 100 && events[1].order_count == 1)
        #expect(events[2].level == 1 && events[2].price == 99_900 && events[2].quantity == 200)
        #expect(events[3].side == UInt8(VEGA_FPGA_SIDE_ASK) && events[3].level == 0 && events[3].price == 100_100)
        #expect(events[3].exchange_timestamp_ns == 77 && events[3].hw_timestamp_ns == 1_077)
        // A small buffer takes the same number of levels from each side.
        var small = [FPGAEvent](repeating: FPGAEvent(), count: 3)
        #expect(small.withUnsafeMutableBufferPointer { b.snapshotL2(locate: aaplLocate, into: $0) } == 3)
        #expect(small[1].side == UInt8(VEGA_FPGA_SIDE_BID) && small[2].side == UInt8(VEGA_FPGA_SIDE_ASK))
    }

    @Test func estimatedBytesMatchesTheRealAllocationAndAMillionOrdersFitUnder300MiB() {
        let big = BookConfiguration(maxInstruments: 8_192, maxOrders: 1_000_000, maxLevels: 1 << 20, maxLevelsPerSide: 1_024)
        #expect(big.estimatedBytes < 300 << 20)
        let books = OrderBooks(configuration: big)
        #expect(books.allocatedBytes == big.estimatedBytes)
        let small = BookConfiguration(maxInstruments: 3, maxOrders: 5, maxLevels: 7, maxLevelsPerSide: 9)
        #expect(OrderBooks(configuration: small).allocatedBytes == small.estimatedBytes)
        // 32 B per order, 16 B per index slot at load ≤ 0.5, 32 B per level, 8 B per ladder entry.
        let instrumentBytes = small.estimatedBytes - (5 * 32 + 16 * 16 + 7 * 32 + 3 * 2 * 9 * 8 + 65_536 * 4)
        #expect(instrumentBytes % 3 == 0 && instrumentBytes / 3 <= 128, "per-instrument record: \(instrumentBytes / 3) B")
    }

    @Test func invalidConfigurationsNameTheField() {
        #expect(throws: BookConfiguration.Invalid(field: "maxOrders", value: 0, expected: "1..<4294967295")) {
            try BookConfiguration(maxOrders: 0).validate()
        }
        #expect(throws: BookConfiguration.Invalid.self) { try BookConfiguration(maxInstruments: 70_000).validate() }
    }
}
