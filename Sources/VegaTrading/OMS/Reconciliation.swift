import VegaCore

/// One order as a venue reports it in an order status list (FIX 35=8 150=I mass status, or an
/// OUCH session's account query), decoded by the order-entry session.
@frozen
public struct VenueOrderStatus: Sendable, Equatable, BitwiseCopyable {
    public var orderID: OrderID
    public var state: OrderState
    public var cumulativeQuantity: Quantity
    public var leavesQuantity: Quantity

    @inlinable
    public init(orderID: OrderID, state: OrderState, cumulativeQuantity: Quantity, leavesQuantity: Quantity) {
        self.orderID = orderID
        self.state = state
        self.cumulativeQuantity = cumulativeQuantity
        self.leavesQuantity = leavesQuantity
    }
}

/// One difference between the OMS and a venue's order status list.
@frozen
public struct Discrepancy: Sendable, Equatable, BitwiseCopyable, CustomStringConvertible {
    @frozen
    public enum Kind: UInt8, Sendable, BitwiseCopyable, CaseIterable {
        /// The OMS has a working order at this venue that the venue did not list.
        case missingAtVenue
        /// The venue lists a working order the OMS does not have working.
        case missingHere
        /// Both have it; states differ (beyond a pending request the venue has not seen yet).
        case stateMismatch
        /// Both have it; filled quantities differ.
        case cumulativeMismatch
        /// Both have it; leaves differ.
        case leavesMismatch
    }

    public var kind: Kind
    public var orderID: OrderID
    /// The OMS's view (state nil when the OMS does not have the order working).
    public var localState: OrderState?
    public var localCumulative: Quantity
    public var localLeaves: Quantity
    /// The venue's view (state nil when it did not list the order).
    public var venueState: OrderState?
    public var venueCumulative: Quantity
    public var venueLeaves: Quantity

    public var description: String {
        "\(kind) \(orderID): here \(localState.map { "\($0)" } ?? "-") cum \(localCumulative) leaves \(localLeaves), "
            + "venue \(venueState.map { "\($0)" } ?? "-") cum \(venueCumulative) leaves \(venueLeaves)"
    }
}

extension OrderManager {
    /// Compares the OMS's live orders at `venue` with the venue's status list and writes each
    /// difference into `buffer`; returns how many were found (may exceed `buffer.count`: the
    /// rest were counted, not written).
    ///
    /// A pending request the venue has not seen is not a difference: PendingNew matches New,
    /// PendingCancel and PendingReplace match New/PartiallyFilled. A finished order the venue
    /// still lists as working is `missingHere`; a listed finished order the OMS also finished
    /// is not a difference.
    /// - Cost: O(statuses + open-order capacity); no allocation (a scratch table from `init`).
    public func reconcile(venue: VenueID, statuses: UnsafeBufferPointer<VenueOrderStatus>,
                          into buffer: UnsafeMutableBufferPointer<Discrepancy>) -> Int {
        var n = 0
        func report(_ d: Discrepancy) {
            if n < buffer.count { buffer[n] = d }
            n += 1
        }
        for v in statuses {
            guard let slot = index.get(v.orderID.rawValue), orders[Int(slot)].venue == venue,
                  orders[Int(slot)].id == v.orderID
            else {
                if v.state.isLive {
                    report(Discrepancy(kind: .missingHere, orderID: v.orderID, localState: finished.get(v.orderID.rawValue),
                                       localCumulative: .zero, localLeaves: .zero, venueState: v.state,
                                       venueCumulative: v.cumulativeQuantity, venueLeaves: v.leavesQuantity))
                }
                continue
            }
            seen[Int(slot)] = true
            let o = orders[Int(slot)]
            let d = Discrepancy(kind: .stateMismatch, orderID: o.id, localState: o.state, localCumulative: o.cumulativeQuantity,
                                localLeaves: o.leavesQuantity, venueState: v.state, venueCumulative: v.cumulativeQuantity,
                                venueLeaves: v.leavesQuantity)
            if !Self.compatible(local: o.state, venue: v.state) {
                report(d)
            } else if o.cumulativeQuantity != v.cumulativeQuantity {
                var c = d
                c.kind = .cumulativeMismatch
                report(c)
            } else if o.leavesQuantity != v.leavesQuantity {
                var c = d
                c.kind = .leavesMismatch
                report(c)
            }
        }
        for slot in 0..<capacity.openOrders where inUse[slot] {
            if seen[slot] {
                seen[slot] = false
                continue
            }
            let o = orders[slot]
            guard o.venue == venue else { continue }
            report(Discrepancy(kind: .missingAtVenue, orderID: o.id, localState: o.state, localCumulative: o.cumulativeQuantity,
                               localLeaves: o.leavesQuantity, venueState: nil, venueCumulative: .zero, venueLeaves: .zero))
        }
        return n
    }

    static func compatible(local: OrderState, venue: OrderState) -> Bool {
        if local == venue { return true }
        switch local {
        case .pendingNew: return venue == .new || venue == .pendingNew
        case .pendingCancel, .pendingReplace: return venue == .new || venue == .partiallyFilled
        default: return false
        }
    }
}
