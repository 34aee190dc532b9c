import PropertyBased
import Testing
import VegaCore
import VegaTrading

/// Random valid and invalid venue-message and request sequences over a few orders: the
/// invariants hold after every step.
@Suite("OMS invariants under random event sequences")
struct OrderManagerPropertyTests {
    /// One step: `code` picks the action and the order, `amount` the quantity/price.
    static let steps = Gen.int(in: 0...(13 * 4 - 1)).array(of: 1...80)
    static let amounts = Gen.int(in: 0...120).array(of: 80...80)

    @Test func invariantsHoldForAnySequence() async {
        await propertyCheck(count: 300, input: Self.steps, Self.amounts) { steps, amounts in
            var oms = OrderManager(capacity: smallCapacity)
            var finalStates: [UInt64: OrderState] = [:]
            var nextExec: UInt64 = 1
            var nextID: UInt64 = 100
            for (n, code) in steps.enumerated() {
                let amount = UInt64(amounts[n % amounts.count])
                let id = UInt64(code % 4 + 1)
                let action = code / 4
                let before = oms.order(OrderID(id))
                var report: ExecutionReport?
                var result: OMSResult?
                switch action {
                case 0: result = oms.register(newOrder(id, qty: amount), now: UInt64(n))
                case 1: report = ack(id)
                case 2: report = ExecutionReport(kind: .reject, orderID: OrderID(id))
                case 3:
                    report = fill(id, exec: nextExec, qty: amount % 60, price: 100 + Double(amount % 5))
                    nextExec += 1
                case 4: report = fill(id, exec: max(1, nextExec - 1), qty: amount % 60, price: 100)  // often a duplicate
                case 5: report = ExecutionReport(kind: .cancelAck, orderID: OrderID(id))
                case 6: report = ExecutionReport(kind: .cancelReject, orderID: OrderID(id))
                case 7: report = ExecutionReport(kind: .replaceAck, orderID: OrderID(id))
                case 8: report = ExecutionReport(kind: .replaceReject, orderID: OrderID(id))
                case 9: report = ExecutionReport(kind: [.expire, .doneForDay][Int(amount % 2)], orderID: OrderID(id))
                case 10: result = oms.requestCancel(OrderID(id), now: UInt64(n))
                case 11:
                    result = oms.requestReplace(OrderID(id), newID: OrderID(nextID), price: px(101), quantity: Quantity(amount),
                                                now: UInt64(n))
                    nextID += 1
                default: result = oms.requestCancel(OrderID(id &+ 1_000), now: UInt64(n))
                }
                if let report { result = oms.apply(report, now: UInt64(n)) }
                // No state leaves a terminal state: a finished ID never has an applied change.
                if let final = finalStates[id], case .applied = result! {
                    Issue.record("order \(id) left terminal state \(final) via action \(action)")
                }
                if case .applied(_, let to) = result!, report?.kind == .fill, let b = before {
                    #expect(to == .filled || to == b.state || to == .partiallyFilled)
                }
                if let f = oms.finishedState(OrderID(id)), oms.order(OrderID(id)) == nil { finalStates[id] = f }
                Self.checkInvariants(oms)
            }
        }
    }

    /// cum + leaves = order quantity for every live order; working exposure equals a recomputation.
    static func checkInvariants(_ oms: borrowing OrderManager) {
        var total = WorkingExposure()
        var ids: Set<UInt64> = []
        for id in UInt64(1)...UInt64(200) {
            guard let o = oms.order(OrderID(id)), o.id == OrderID(id), ids.insert(id).inserted else { continue }
            #expect(o.state.isLive)
            #expect(o.cumulativeQuantity + o.leavesQuantity == o.orderQuantity)
            #expect(!o.leavesQuantity.isZero)
            if o.cumulativeQuantity.isZero { #expect(o.cumulativeNotional == .zero) }
            total.orders += 1
            total.buyQuantity += o.leavesQuantity.rawValue
            total.buyNotional += o.price.rawValue * Int64(o.leavesQuantity.rawValue)
        }
        #expect(oms.openOrderCount == Int(total.orders))
        #expect(oms.total.orders == total.orders)
        #expect(oms.total.buyQuantity == total.buyQuantity)
        #expect(oms.total.buyNotional == total.buyNotional)
        #expect(oms.working(instrument: inst) == oms.total)
    }
}
