import VegaCore
import VegaTrading

/// What a strategy knows about itself: its open orders and its position per instrument, kept
/// up to date by the lane from the strategy's own requests and the venue's answers.
///
/// This is the strategy's own view (its fills, not the account's); VegaTrading keeps the
/// authoritative positions, P&L and fees per account. Strategies read it through
/// ``StrategyContext/state``; only the lane (``StrategyHost``) and the context's `submit…`
/// methods change it.
///
/// Identifiers are compared by `rawValue` throughout this module's lane code: VegaCore's
/// types get a compiler-derived `==` that is not inlinable, i.e. an opaque call.
///
/// Fixed capacity, allocated in `init`: `orderCapacity` open orders and `instrumentCapacity`
/// instruments, found by a linear scan (a strategy has a handful of each; a scan of a few
/// cache lines beats hashing at that size). Nothing here allocates, locks or traps on what a
/// venue sends: an update for an unknown order is counted (``unknownOrderUpdates``) and
/// otherwise ignored — a fill names only the order, so one for an order the strategy never
/// sent cannot be placed in a position; VegaTrading's positions, keyed by the venue's
/// execution, still carry it.
public struct StrategyState: ~Copyable {
    @usableFromInline let orders: UnsafeMutablePointer<WorkingOrder>
    @usableFromInline let positions: UnsafeMutablePointer<StrategyPosition>
    public let orderCapacity: Int
    public let instrumentCapacity: Int
    @usableFromInline var _orderCount: Int
    @usableFromInline var _instrumentCount: Int
    @usableFromInline var _unknownOrderUpdates: UInt64
    @usableFromInline var _overfills: UInt64
    @usableFromInline var _untrackedFills: UInt64

    /// Order updates (ack, fill, cancel, reject) for an order ID the strategy does not hold.
    @inlinable public var unknownOrderUpdates: UInt64 { _unknownOrderUpdates }
    /// Fills for more shares than the order had open (the excess still moves the position).
    @inlinable public var overfills: UInt64 { _overfills }
    /// Fills for an instrument beyond `instrumentCapacity` (not reflected in any position).
    @inlinable public var untrackedFills: UInt64 { _untrackedFills }

    /// - Precondition: both capacities at least 1.
    public init(orderCapacity: Int = 64, instrumentCapacity: Int = 8) {
        precondition(orderCapacity >= 1 && instrumentCapacity >= 1,
                     "StrategyState capacities must be at least 1, got \(orderCapacity), \(instrumentCapacity)")
        self.orderCapacity = orderCapacity
        self.instrumentCapacity = instrumentCapacity
        orders = .allocate(capacity: orderCapacity)
        positions = .allocate(capacity: instrumentCapacity)
        _orderCount = 0
        _instrumentCount = 0
        _unknownOrderUpdates = 0
        _overfills = 0
        _untrackedFills = 0
    }

    deinit {
        orders.deallocate()
        positions.deallocate()
    }

    // MARK: Reading

    /// Open orders (any status).
    @inlinable public var workingOrderCount: Int { _orderCount }

    /// The `index`-th open order, in no particular order. - Precondition: `index < workingOrderCount`.
    @inlinable
    public func workingOrder(at index: Int) -> WorkingOrder {
        precondition(index >= 0 && index < _orderCount, "StrategyState order index out of range")
        return orders[index]
    }

    /// The open order with this ID (the original's ID while a replace is pending), or `nil`.
    @inlinable
    public func workingOrder(_ id: OrderID) -> WorkingOrder? {
        guard let i = indexOfOrder(id) else { return nil }
        return orders[i]
    }

    /// Whether the order with this ID is open (under this ID: a pending replacement's ID is not).
    @inlinable
    public func isOpen(_ id: OrderID) -> Bool { indexOfOrder(id) != nil }

    /// Open orders on `side` of `instrument`, and their open shares.
    @inlinable
    public func working(instrument: InstrumentID, side: Side) -> (orders: Int, shares: Quantity) {
        var n = 0
        var shares: UInt64 = 0
        for i in 0..<_orderCount where orders[i].instrument.rawValue == instrument.rawValue && orders[i].side == side {
            n &+= 1
            shares &+= orders[i].leaves.rawValue
        }
        return (n, Quantity(shares))
    }

    /// The position in `instrument` (flat if the strategy never traded it).
    @inlinable
    public func position(_ instrument: InstrumentID) -> StrategyPosition {
        for i in 0..<_instrumentCount where positions[i].instrument.rawValue == instrument.rawValue { return positions[i] }
        return StrategyPosition(instrument: instrument)
    }

    /// Realized P&L over every instrument, Price4 raw × shares.
    @inlinable
    public var realizedPnL: Int64 {
        var sum: Int64 = 0
        for i in 0..<_instrumentCount { sum &+= positions[i].realizedPnL }
        return sum
    }

    @inlinable
    func indexOfOrder(_ id: OrderID) -> Int? {
        for i in 0..<_orderCount where orders[i].orderID.rawValue == id.rawValue { return i }
        return nil
    }

    @inlinable
    func indexOfReplacement(_ id: OrderID) -> Int? {
        for i in 0..<_orderCount where orders[i].status == .pendingReplace && orders[i].replacementID.rawValue == id.rawValue { return i }
        return nil
    }

    // MARK: The strategy's requests (through StrategyContext)

    /// Records a new order as pending; `false` when `orderCapacity` orders are already open.
    @inlinable
    mutating func recordNew(_ order: WorkingOrder) -> Bool {
        guard _orderCount < orderCapacity else { return false }
        (orders + _orderCount).initialize(to: order)
        _orderCount &+= 1
        return true
    }

    @inlinable
    mutating func removeOrder(at i: Int) {
        _orderCount &-= 1
        if i != _orderCount { orders[i] = orders[_orderCount] }
    }

    // MARK: The venue's answers (through StrategyHost)

    /// Returns whether the ID was known.
    @inlinable @discardableResult
    mutating func applyAcknowledged(_ id: OrderID) -> Bool {
        if let i = indexOfOrder(id) {
            if orders[i].status == .pendingNew { orders[i].status = .working }
            return true
        }
        if let i = indexOfReplacement(id) {
            promoteReplacement(at: i)
            return true
        }
        _unknownOrderUpdates &+= 1
        return false
    }

    @inlinable
    mutating func promoteReplacement(at i: Int) {
        orders[i].orderID = orders[i].replacementID
        orders[i].price = orders[i].replacementPrice
        orders[i].quantity = orders[i].replacementQuantity
        orders[i].leaves = orders[i].replacementQuantity
        orders[i].filled = .zero
        orders[i].status = .working
        orders[i].replacementID = OrderID(0)
    }

    /// Moves the position, then the order. Returns the order as it was before the fill (with
    /// `leaves` after it), or `nil` for an unknown ID.
    @inlinable @discardableResult
    mutating func applyFill(_ fill: OrderFilled) -> WorkingOrder? {
        var i = indexOfOrder(fill.orderID)
        if i == nil, let r = indexOfReplacement(fill.orderID) {
            // A fill on the replacement is its acknowledgement.
            promoteReplacement(at: r)
            i = r
        }
        guard let i else {
            _unknownOrderUpdates &+= 1
            return nil
        }
        var order = orders[i]
        movePosition(instrument: order.instrument, side: order.side, shares: fill.quantity.rawValue, price: fill.price)
        if fill.quantity > order.leaves { _overfills &+= 1 }
        order.filled = order.filled.addingReportingOverflow(fill.quantity).partialValue
        order.cumulative = order.cumulative.addingReportingOverflow(fill.quantity).partialValue
        order.leaves = fill.leaves
        if order.status == .pendingNew { order.status = .working }
        if fill.leaves.isZero {
            removeOrder(at: i)
        } else {
            orders[i] = order
        }
        return order
    }

    /// Applies a fill that names an instrument directly (e.g. an order the state never held).
    @inlinable
    mutating func movePosition(instrument: InstrumentID, side: Side, shares: UInt64, price: Price4) {
        for p in 0..<_instrumentCount where positions[p].instrument.rawValue == instrument.rawValue {
            positions[p].apply(side: side, shares: shares, price: price)
            return
        }
        guard _instrumentCount < instrumentCapacity else {
            _untrackedFills &+= 1
            return
        }
        var position = StrategyPosition(instrument: instrument)
        position.apply(side: side, shares: shares, price: price)
        (positions + _instrumentCount).initialize(to: position)
        _instrumentCount &+= 1
    }

    /// The order is gone. Returns the order as it was, or `nil` for an unknown ID.
    @inlinable @discardableResult
    mutating func applyCanceled(_ id: OrderID) -> WorkingOrder? {
        guard let i = indexOfOrder(id) ?? indexOfReplacement(id) else {
            _unknownOrderUpdates &+= 1
            return nil
        }
        let order = orders[i]
        removeOrder(at: i)
        return order
    }

    /// Undoes the refused request. Returns whether the order was known.
    @inlinable @discardableResult
    mutating func applyRejected(_ reject: OrderRejected) -> Bool {
        guard let i = indexOfOrder(reject.orderID) else {
            _unknownOrderUpdates &+= 1
            return false
        }
        switch reject.request {
        case .new:
            removeOrder(at: i)
        case .cancel:
            if orders[i].status == .pendingCancel { orders[i].status = .working }
        case .replace:
            if orders[i].status == .pendingReplace && orders[i].replacementID.rawValue == reject.replacementID.rawValue {
                orders[i].status = .working
                orders[i].replacementID = OrderID(0)
            }
        }
        return true
    }
}
