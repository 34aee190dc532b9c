import Testing
import VegaCore
import VegaTrading

@Suite("Reconciliation against a venue's order status")
struct ReconciliationTests {
    @Test func reportsEveryKindOfDifference() {
        var oms = OrderManager(capacity: smallCapacity)
        for id in 1...5 { _ = oms.register(newOrder(UInt64(id), qty: 100), now: 0) }
        _ = oms.register(newOrder(6, qty: 100, venue: VenueID(1)), now: 0)  // another venue: not compared
        for id in 1...5 { _ = oms.apply(ack(UInt64(id)), now: 0) }
        _ = oms.apply(fill(2, exec: 1, qty: 30, price: 100), now: 0)
        _ = oms.requestCancel(OrderID(5), now: 0)
        let statuses: [VenueOrderStatus] = [
            VenueOrderStatus(orderID: OrderID(1), state: .new, cumulativeQuantity: .zero, leavesQuantity: Quantity(100)),  // agrees
            VenueOrderStatus(orderID: OrderID(2), state: .partiallyFilled, cumulativeQuantity: Quantity(40),
                             leavesQuantity: Quantity(60)),  // a fill we missed
            VenueOrderStatus(orderID: OrderID(3), state: .canceled, cumulativeQuantity: .zero, leavesQuantity: .zero),  // state
            // 4 is missing at the venue
            VenueOrderStatus(orderID: OrderID(5), state: .new, cumulativeQuantity: .zero, leavesQuantity: Quantity(100)),  // pending cancel: fine
            VenueOrderStatus(orderID: OrderID(9), state: .new, cumulativeQuantity: .zero, leavesQuantity: Quantity(10)),  // unknown here
            VenueOrderStatus(orderID: OrderID(10), state: .filled, cumulativeQuantity: Quantity(5), leavesQuantity: .zero),  // finished, unknown: fine
        ]
        let out = UnsafeMutableBufferPointer<Discrepancy>.allocate(capacity: 8)
        defer { out.deallocate() }
        let n = statuses.withUnsafeBufferPointer { oms.reconcile(venue: VenueID(0), statuses: $0, into: out) }
        let found = Array(out[0..<n]).map { ($0.kind, $0.orderID.rawValue) }
        #expect(found.map(\.0) == [.cumulativeMismatch, .stateMismatch, .missingHere, .missingAtVenue])
        #expect(found.map(\.1) == [2, 3, 9, 4])
        #expect(out[0].localCumulative == Quantity(30) && out[0].venueCumulative == Quantity(40))
        // Running it again gives the same answer (the scratch is reset).
        let again = statuses.withUnsafeBufferPointer { oms.reconcile(venue: VenueID(0), statuses: $0, into: out) }
        #expect(again == n)
    }

    @Test func moreDifferencesThanRoomAreCounted() {
        var oms = OrderManager(capacity: smallCapacity)
        for id in 1...5 { _ = oms.register(newOrder(UInt64(id)), now: 0) }
        let out = UnsafeMutableBufferPointer<Discrepancy>.allocate(capacity: 2)
        defer { out.deallocate() }
        let none: [VenueOrderStatus] = []
        let n = none.withUnsafeBufferPointer { oms.reconcile(venue: VenueID(0), statuses: $0, into: out) }
        #expect(n == 5)
        #expect(out[0].kind == .missingAtVenue && out[1].kind == .missingAtVenue)
    }
}
