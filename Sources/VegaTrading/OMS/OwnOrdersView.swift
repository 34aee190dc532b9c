import VegaCore

/// A read-only view of the lane's own live orders, for strategies: would an order cross one of
/// ours? Three pointers into an ``OrderManager``'s resting lists (its orders, list links, and
/// per instrument × side heads and most aggressive prices), valid while that manager lives and
/// read on its lane only — the lane hands it to the strategies it owns together with the manager.
///
/// The check is the one pre-trade risk's self-match prevention runs (``firstSelfMatch(instrument:venue:side:price:excluding:)``),
/// so a strategy that asks first never sends what risk would refuse as a self-match.
///
/// ``empty`` (no manager: every answer "no match") is what a strategy sees outside a lane.
/// Cost: O(1) when the price crosses none of our orders (one load, one compare), else O(our
/// working orders on that side). No allocation, no lock.
@frozen
public struct OwnOrdersView: @unchecked Sendable {
    @usableFromInline let orders: UnsafePointer<ManagedOrder>?
    @usableFromInline let next: UnsafePointer<Int32>?
    @usableFromInline let heads: UnsafePointer<Int32>?
    @usableFromInline let ownBest: UnsafePointer<Int64>?
    @usableFromInline let instruments: Int

    @inlinable
    init(orders: UnsafePointer<ManagedOrder>?, next: UnsafePointer<Int32>?, heads: UnsafePointer<Int32>?,
         ownBest: UnsafePointer<Int64>?, instruments: Int) {
        self.orders = orders
        self.next = next
        self.heads = heads
        self.ownBest = ownBest
        self.instruments = instruments
    }

    /// No orders at all: nothing ever matches.
    public static let empty = OwnOrdersView(orders: nil, next: nil, heads: nil, ownBest: nil, instruments: 0)

    /// The first of our working orders on `instrument` at `venue` on the side opposite `side`
    /// that an order at `price` would trade against (a buy at or above our resting sell, a sell at
    /// or below our resting buy), skipping `excluding` (the order a replace modifies); `nil` when
    /// none would.
    @inlinable
    public func firstSelfMatch(instrument: InstrumentID, venue: VenueID, side: Side, price: Price4,
                               excluding: OrderID = OrderID(0)) -> OrderID? {
        let i = Int(instrument.rawValue)
        guard i < instruments, let orders, let next, let heads, let ownBest else { return nil }
        let h = i &* 2 &+ (side == .buy ? 1 : 0)
        // Nothing on the opposite side is priced where this order would reach it.
        let best = ownBest[h]
        if side == .buy ? price.rawValue < best : price.rawValue > best { return nil }
        var s = heads[h]
        while s >= 0 {
            // Cheapest test first: most of our resting orders are not crossed.
            let slot = Int(s)
            let resting = orders[slot].price
            if side == .buy ? price >= resting : price <= resting,
               orders[slot].venue == venue,
               orders[slot].id.rawValue != excluding.rawValue,
               !orders[slot].leavesQuantity.isZero {
                return orders[slot].id
            }
            s = next[slot]
        }
        return nil
    }

    /// Whether an order at `price` would trade against one of our working orders (see
    /// ``firstSelfMatch(instrument:venue:side:price:excluding:)``).
    @inlinable
    public func wouldSelfMatch(instrument: InstrumentID, venue: VenueID, side: Side, price: Price4) -> Bool {
        // `case .some`, not `!= nil`: Optional's Equatable `!=` is an outlined generic call.
        if case .some = firstSelfMatch(instrument: instrument, venue: venue, side: side, price: price) { return true }
        return false
    }
}

extension OrderManager {
    /// This manager's live orders as a strategy reads them (see ``OwnOrdersView``): valid while
    /// the manager lives.
    @inlinable
    public var ownOrders: OwnOrdersView {
        OwnOrdersView(orders: UnsafePointer(orders), next: UnsafePointer(next), heads: UnsafePointer(heads),
                      ownBest: UnsafePointer(ownBest), instruments: capacity.instruments)
    }

    /// The first of our working orders that an order at `price` would trade against; see
    /// ``OwnOrdersView/firstSelfMatch(instrument:venue:side:price:excluding:)``.
    @inlinable
    public func firstSelfMatch(instrument: InstrumentID, venue: VenueID, side: Side, price: Price4,
                               excluding: OrderID = OrderID(0)) -> OrderID? {
        ownOrders.firstSelfMatch(instrument: instrument, venue: venue, side: side, price: price, excluding: excluding)
    }
}
