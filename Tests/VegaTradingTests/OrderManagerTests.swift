import Testing
import VegaCore
import VegaTrading

@Suite("OMS: FIX order state machine")
struct OrderManagerTests {
    @Test func newAckPartialFillsThenFilledWithExactAveragePrice() {
        var oms = OrderManager(capacity: smallCapacity)
        #expect(oms.register(newOrder(1, qty: 300), now: 1) == .applied(from: .pendingNew, to: .pendingNew))
        #expect(oms.apply(ack(1), now: 2) == .applied(from: .pendingNew, to: .new))
        #expect(oms.apply(fill(1, exec: 10, qty: 100, price: 100.01), now: 3) == .applied(from: .new, to: .partiallyFilled))
        #expect(oms.apply(fill(1, exec: 11, qty: 100, price: 100.02), now: 4)
                == .applied(from: .partiallyFilled, to: .partiallyFilled))
        let o = oms.order(OrderID(1))!
        #expect(o.cumulativeQuantity == Quantity(200) && o.leavesQuantity == Quantity(100))
        #expect(o.cumulativeNotional.rawValue == 100 * 1_000_100 + 100 * 1_000_200)
        #expect(o.averagePrice == px(100.015))
        #expect(oms.apply(fill(1, exec: 12, qty: 100, price: 100.03), now: 5) == .applied(from: .partiallyFilled, to: .filled))
        #expect(oms.order(OrderID(1)) == nil)
        #expect(oms.finishedState(OrderID(1)) == .filled)
        #expect(oms.openOrderCount == 0 && oms.total == WorkingExposure())
    }

    @Test func duplicateExecIDsAndRepeatedAcksAreIgnored() {
        var oms = OrderManager(capacity: smallCapacity)
        _ = oms.register(newOrder(1, qty: 300), now: 0)
        _ = oms.apply(ack(1), now: 0)
        #expect(oms.apply(ack(1), now: 0) == .duplicate)
        #expect(oms.apply(fill(1, exec: 7, qty: 100, price: 100), now: 0).isApplied)
        #expect(oms.apply(fill(1, exec: 7, qty: 100, price: 100), now: 0) == .duplicate)
        #expect(oms.order(OrderID(1))?.cumulativeQuantity == Quantity(100))
        // The same exec ID from another venue is another execution.
        #expect(oms.apply(fill(1, exec: 7, qty: 50, price: 100, venue: VenueID(1)), now: 0).isApplied)
        _ = oms.requestCancel(OrderID(1), now: 0)
        #expect(oms.apply(ExecutionReport(kind: .cancelAck, orderID: OrderID(1)), now: 0) == .applied(from: .pendingCancel, to: .canceled))
        #expect(oms.apply(ExecutionReport(kind: .cancelAck, orderID: OrderID(1)), now: 0) == .duplicate)
        #expect(oms.duplicates == 3)
    }

    @Test func illegalTransitionsAreRefusedWithTheStateNamed() {
        var oms = OrderManager(capacity: smallCapacity)
        _ = oms.register(newOrder(1, qty: 100), now: 0)
        #expect(oms.apply(ExecutionReport(kind: .cancelReject, orderID: OrderID(1)), now: 0) == .refused(.illegalTransition, state: .pendingNew))
        #expect(oms.apply(ExecutionReport(kind: .replaceAck, orderID: OrderID(1)), now: 0) == .refused(.illegalTransition, state: .pendingNew))
        #expect(oms.apply(ExecutionReport(kind: .cancelAck, orderID: OrderID(1)), now: 0) == .refused(.illegalTransition, state: .pendingNew))
        _ = oms.apply(ack(1), now: 0)
        #expect(oms.apply(ExecutionReport(kind: .reject, orderID: OrderID(1)), now: 0) == .refused(.illegalTransition, state: .new))
        #expect(oms.apply(fill(1, exec: 1, qty: 101, price: 100), now: 0) == .refused(.overfill, state: .new))
        #expect(oms.apply(fill(1, exec: 2, qty: 0, price: 100), now: 0) == .refused(.zeroQuantity, state: .new))
        #expect(oms.apply(fill(1, exec: 3, qty: 1, price: 0), now: 0) == .refused(.invalidPrice, state: .new))
        _ = oms.apply(ExecutionReport(kind: .expire, orderID: OrderID(1)), now: 0)
        #expect(oms.apply(fill(1, exec: 4, qty: 1, price: 100), now: 0) == .refused(.illegalTransition, state: .expired))
        #expect(oms.apply(ack(99), now: 0) == .refused(.unknownOrder, state: nil))
        #expect(oms.rejectCount(.illegalTransition) == 5 && oms.rejectCount(.overfill) == 1)
    }

    @Test func rejectedNewOrderIsTerminal() {
        var oms = OrderManager(capacity: smallCapacity)
        _ = oms.register(newOrder(1), now: 0)
        #expect(oms.apply(ExecutionReport(kind: .reject, orderID: OrderID(1)), now: 0) == .applied(from: .pendingNew, to: .rejected))
        #expect(oms.apply(ExecutionReport(kind: .reject, orderID: OrderID(1)), now: 0) == .duplicate)
        #expect(oms.register(newOrder(1), now: 0) == .refused(.duplicateOrderID, state: nil))
    }

    @Test func cancelRejectRestoresTheWorkingStateAndFillsDuringPendingCancelCount() {
        var oms = OrderManager(capacity: smallCapacity)
        _ = oms.register(newOrder(1, qty: 100), now: 0)
        _ = oms.apply(ack(1), now: 0)
        #expect(oms.requestCancel(OrderID(1), now: 0) == .applied(from: .new, to: .pendingCancel))
        #expect(oms.requestCancel(OrderID(1), now: 0) == .refused(.requestPending, state: .pendingCancel))
        #expect(oms.apply(fill(1, exec: 1, qty: 40, price: 100), now: 0) == .applied(from: .pendingCancel, to: .pendingCancel))
        #expect(oms.apply(ExecutionReport(kind: .cancelReject, orderID: OrderID(1)), now: 0)
                == .applied(from: .pendingCancel, to: .partiallyFilled))
        // A fill completing an order with a cancel pending: Filled wins.
        _ = oms.requestCancel(OrderID(1), now: 0)
        #expect(oms.apply(fill(1, exec: 2, qty: 60, price: 100), now: 0) == .applied(from: .pendingCancel, to: .filled))
        // The venue's "too late to cancel" then arrives: a late answer, not an illegal transition.
        #expect(oms.apply(ExecutionReport(kind: .cancelReject, orderID: OrderID(1)), now: 0) == .late)
        #expect(oms.lateAnswers == 1 && oms.rejectCount(.illegalTransition) == 0)
        // A cancel ack for the filled order is not a late answer: the venue contradicts the fill.
        #expect(oms.apply(ExecutionReport(kind: .cancelAck, orderID: OrderID(1)), now: 0) == .refused(.illegalTransition, state: .filled))
    }

    /// OUCH: the venue opens the replacement's shares as sent, whatever filled on the original
    /// while the replace was in flight; the Replaced message says how many, and the OMS follows it.
    @Test func aVenueReportedOpenQuantityOnReplaceSetsLeaves() {
        var oms = OrderManager(capacity: smallCapacity)
        _ = oms.register(newOrder(1, price: 100, qty: 100), now: 0)
        _ = oms.apply(ack(1), now: 0)
        _ = oms.apply(fill(1, exec: 1, qty: 40, price: 100), now: 0)
        #expect(oms.requestReplace(OrderID(1), newID: OrderID(2), price: px(100), quantity: Quantity(150), now: 0)
                == .applied(from: .partiallyFilled, to: .pendingReplace))
        // 20 more fill on the original in flight; the venue then opens the 110 it was sent.
        _ = oms.apply(fill(1, exec: 2, qty: 20, price: 100), now: 0)
        var replaced = ExecutionReport(kind: .replaceAck, orderID: OrderID(1))
        replaced.venueOpenQuantity = Quantity(110)
        #expect(oms.apply(replaced, now: 0) == .applied(from: .pendingReplace, to: .replaced))
        let n = oms.order(OrderID(2))!
        #expect(n.cumulativeQuantity == Quantity(60) && n.leavesQuantity == Quantity(110) && n.orderQuantity == Quantity(170))
        #expect(oms.apply(fill(2, exec: 3, qty: 110, price: 100), now: 0) == .applied(from: .partiallyFilled, to: .filled))
        #expect(oms.rejectCount(.overfill) == 0)
    }

    /// Seen in `vega demo`: a replace crossing the fill that completes the original; the venue
    /// then rejects the replace of an order it no longer has.
    @Test func aReplaceRejectAfterTheOriginalFilledIsALateAnswer() {
        var oms = OrderManager(capacity: smallCapacity)
        _ = oms.register(newOrder(1, price: 100, qty: 100), now: 0)
        _ = oms.apply(ack(1), now: 0)
        #expect(oms.requestReplace(OrderID(1), newID: OrderID(2), price: px(100.5), quantity: Quantity(100), now: 0)
                == .applied(from: .new, to: .pendingReplace))
        #expect(oms.apply(fill(1, exec: 1, qty: 100, price: 100), now: 0) == .applied(from: .pendingReplace, to: .filled))
        #expect(oms.apply(ExecutionReport(kind: .replaceReject, orderID: OrderID(1)), now: 0) == .late)
        #expect(oms.order(OrderID(2)) == nil && oms.openOrderCount == 0)
        #expect(oms.lateAnswers == 1 && oms.rejectCount(.illegalTransition) == 0)
        // A replace ack for it would contradict the fill: refused.
        #expect(oms.apply(ExecutionReport(kind: .replaceAck, orderID: OrderID(1)), now: 0) == .refused(.illegalTransition, state: .filled))
    }

    @Test func replaceCarriesCumulativeQuantityUnderTheNewID() {
        var oms = OrderManager(capacity: smallCapacity)
        _ = oms.register(newOrder(1, price: 100, qty: 100), now: 0)
        _ = oms.apply(ack(1), now: 0)
        _ = oms.apply(fill(1, exec: 1, qty: 30, price: 100), now: 0)
        #expect(oms.requestReplace(OrderID(1), newID: OrderID(2), price: px(100.5), quantity: Quantity(30), now: 0)
                == .refused(.replaceBelowFilled, state: .partiallyFilled))
        #expect(oms.requestReplace(OrderID(1), newID: OrderID(2), price: px(100.5), quantity: Quantity(200), now: 0)
                == .applied(from: .partiallyFilled, to: .pendingReplace))
        // A fill while the replace is pending applies to the original.
        #expect(oms.apply(fill(1, exec: 2, qty: 10, price: 100), now: 0) == .applied(from: .pendingReplace, to: .pendingReplace))
        #expect(oms.apply(ExecutionReport(kind: .replaceAck, orderID: OrderID(1)), now: 0) == .applied(from: .pendingReplace, to: .replaced))
        #expect(oms.finishedState(OrderID(1)) == .replaced)
        let n = oms.order(OrderID(2))!
        #expect(n.state == .partiallyFilled && n.price == px(100.5) && n.replacesID == OrderID(1))
        #expect(n.orderQuantity == Quantity(200) && n.cumulativeQuantity == Quantity(40) && n.leavesQuantity == Quantity(160))
        #expect(oms.total.buyQuantity == 160 && oms.total.buyNotional == 160 * 1_005_000)
        #expect(oms.apply(ExecutionReport(kind: .replaceAck, orderID: OrderID(1)), now: 0) == .duplicate)
    }

    /// Found by the property test in CI: fills during PendingReplace that reach the replacement's
    /// quantity used to trap (leaves = new quantity − cum underflowed) when the ack came.
    @Test func aReplaceOvertakenByFillsCompletesAsFilledInsteadOfTrapping() {
        var oms = OrderManager(capacity: smallCapacity)
        _ = oms.register(newOrder(1, price: 100, qty: 100), now: 0)
        _ = oms.apply(ack(1), now: 0)
        _ = oms.apply(fill(1, exec: 1, qty: 10, price: 100), now: 0)
        #expect(oms.requestReplace(OrderID(1), newID: OrderID(2), price: px(100), quantity: Quantity(40), now: 0)
                == .applied(from: .partiallyFilled, to: .pendingReplace))
        // The original keeps filling while the reduction is in flight: 60 filled in all.
        #expect(oms.apply(fill(1, exec: 2, qty: 50, price: 100), now: 0) == .applied(from: .pendingReplace, to: .pendingReplace))
        #expect(oms.apply(ExecutionReport(kind: .replaceAck, orderID: OrderID(1)), now: 0) == .applied(from: .pendingReplace, to: .filled))
        #expect(oms.finishedState(OrderID(2)) == .filled)
        #expect(oms.order(OrderID(2)) == nil)
        #expect(oms.total.buyQuantity == 0 && oms.total.orders == 0)
    }

    @Test func replaceRejectRestoresTheOriginalAndFreesTheNewID() {
        var oms = OrderManager(capacity: smallCapacity)
        _ = oms.register(newOrder(1, qty: 100), now: 0)
        _ = oms.apply(ack(1), now: 0)
        _ = oms.requestReplace(OrderID(1), newID: OrderID(2), price: px(99), quantity: Quantity(50), now: 0)
        #expect(oms.order(OrderID(2))?.id == OrderID(1))  // the reserved ID finds the order
        #expect(oms.apply(ExecutionReport(kind: .replaceReject, orderID: OrderID(1)), now: 0) == .applied(from: .pendingReplace, to: .new))
        #expect(oms.order(OrderID(2)) == nil)
        #expect(oms.order(OrderID(1))?.price == px(100))
        #expect(oms.register(newOrder(2), now: 0).isApplied)
    }

    @Test func expireAndDoneForDayEndLiveOrders() {
        var oms = OrderManager(capacity: smallCapacity)
        _ = oms.register(newOrder(1), now: 0)
        _ = oms.register(newOrder(2), now: 0)
        _ = oms.apply(ack(1), now: 0)
        _ = oms.apply(ack(2), now: 0)
        #expect(oms.apply(ExecutionReport(kind: .expire, orderID: OrderID(1)), now: 0) == .applied(from: .new, to: .expired))
        #expect(oms.apply(ExecutionReport(kind: .doneForDay, orderID: OrderID(2)), now: 0) == .applied(from: .new, to: .doneForDay))
        #expect(oms.apply(ExecutionReport(kind: .doneForDay, orderID: OrderID(2)), now: 0) == .duplicate)
        #expect(oms.openOrderCount == 0)
    }

    @Test func capacityExhaustionIsReportedNotTrapped() {
        let cap = TradingCapacity(instruments: 4, accounts: 2, strategies: 2, venues: 2, openOrders: 2, execIDHistory: 2,
                                  finishedOrderHistory: 2, positionRecords: 8)
        var oms = OrderManager(capacity: cap)
        #expect(oms.register(newOrder(1), now: 0).isApplied)
        #expect(oms.register(newOrder(2), now: 0).isApplied)
        #expect(oms.register(newOrder(3), now: 0) == .refused(.orderCapacity, state: nil))
        _ = oms.apply(ExecutionReport(kind: .reject, orderID: OrderID(1)), now: 0)
        #expect(oms.register(newOrder(3), now: 0).isApplied)
    }

    @Test func fillBeforeAckImpliesTheAck() {
        var oms = OrderManager(capacity: smallCapacity)
        _ = oms.register(newOrder(1, qty: 100), now: 0)
        #expect(oms.apply(fill(1, exec: 1, qty: 10, price: 100), now: 0) == .applied(from: .pendingNew, to: .partiallyFilled))
        #expect(oms.apply(ack(1), now: 0) == .duplicate)
    }
}
