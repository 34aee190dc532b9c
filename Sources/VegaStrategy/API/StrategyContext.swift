import VegaCore
import VegaTrading

/// What a strategy acts through: its identity, its own state (read-only to it), fresh client
/// order IDs, and the lane's ``IntentBuffer`` its requests go into.
///
/// The `submit…` methods write the intent and record the request in ``state`` together, so
/// the strategy sees its own pending orders at once (and cannot quote twice by accident); when
/// the buffer or the state is full they write nothing and return `nil`/`false`.
///
/// Order IDs: each strategy draws from its own range, `strategyID << 48 | n` with `n` counting
/// from 1, so IDs are unique across the strategies of a lane without coordination and a
/// replay hands out the same IDs. No method allocates or locks.
public struct StrategyContext: ~Copyable {
    public let strategyID: StrategyID
    public let account: AccountID
    /// The requests of the event being handled; the lane drains and clears it.
    public var intents: IntentBuffer
    @usableFromInline var _state: StrategyState
    @usableFromInline var _nextOrderNumber: UInt64
    /// Lane monotonic ns of the requested timer; 0: none.
    @usableFromInline var _timerDeadline: UInt64
    /// Every live order of the lane (all its strategies and clients, not only this one's), for
    /// asking whether an order would cross one of ours before sending it: risk refuses such an
    /// order as a self-match. The lane sets it when it hosts the strategy; ``OwnOrdersView/empty``
    /// (nothing ever crosses) until then.
    public var ownOrders: OwnOrdersView
    /// Lane monotonic time of the event being handled: the lane sets it before every call, so a
    /// strategy can pace itself (book and trade events carry only their feed's times). Replays
    /// see the same times. 0 until a host sets it (a test driving a strategy sets it itself).
    public var now: Timestamp<Monotonic>

    /// The strategy's open orders and positions.
    @inlinable public var state: StrategyState {
        _read { yield _state }
    }

    /// - Parameters:
    ///   - intentCapacity: intents one event may produce (a market maker requoting both sides
    ///     needs 2; cancelling everything needs `orderCapacity`).
    public init(strategyID: StrategyID, account: AccountID, intentCapacity: Int = 16, orderCapacity: Int = 64,
                instrumentCapacity: Int = 8) {
        self.strategyID = strategyID
        self.account = account
        intents = IntentBuffer(capacity: intentCapacity)
        _state = StrategyState(orderCapacity: orderCapacity, instrumentCapacity: instrumentCapacity)
        _nextOrderNumber = 1
        _timerDeadline = 0
        ownOrders = .empty
        now = Timestamp(nanoseconds: 0)
    }

    /// When the strategy wants its next ``Strategy/onTimer(now:books:context:)`` (lane
    /// monotonic time), or `nil`. The lane reads it after each event and calls the timer at or
    /// after it; delivering the timer clears it (a periodic strategy re-arms in `onTimer`).
    @inlinable
    public var timerDeadline: Timestamp<Monotonic>? {
        _timerDeadline == 0 ? nil : Timestamp(nanoseconds: _timerDeadline)
    }

    /// Asks for a timer at `deadline` (lane monotonic ns, > 0), replacing any earlier request.
    @inlinable
    public mutating func scheduleTimer(at deadline: Timestamp<Monotonic>) {
        _timerDeadline = Swift.max(deadline.nanoseconds, 1)
    }

    /// Withdraws the timer request.
    @inlinable
    public mutating func cancelTimer() { _timerDeadline = 0 }

    /// A client order ID no other request of this lane has used.
    @inlinable
    public mutating func newOrderID() -> OrderID {
        let id = OrderID(UInt64(strategyID.rawValue) << 48 | (_nextOrderNumber & 0xFFFF_FFFF_FFFF))
        _nextOrderNumber &+= 1
        return id
    }

    /// Requests a new order. Returns its ID, or `nil` (nothing sent) when the intent buffer or
    /// the order table is full.
    @inlinable
    public mutating func submitNew(instrument: InstrumentID, venue: VenueID, side: Side, price: Price4,
                                   quantity: Quantity, timeInForce: TimeInForce = .day,
                                   postOnly: Bool = false) -> OrderID? {
        guard !intents.isFull, _state.workingOrderCount < _state.orderCapacity else { return nil }
        let id = newOrderID()
        let intent = OrderIntent(kind: .new, side: side, timeInForce: timeInForce, postOnly: postOnly, venue: venue,
                                 account: account, strategy: strategyID, instrument: instrument, price: price,
                                 quantity: quantity, orderID: id, newOrderID: OrderID(0))
        _ = intents.append(intent)
        _ = _state.recordNew(WorkingOrder(orderID: id, instrument: instrument, venue: venue, side: side,
                                          timeInForce: timeInForce, postOnly: postOnly, price: price, quantity: quantity))
        return id
    }

    /// Requests the cancel of an open order. `false` (nothing sent) when the order is unknown,
    /// already has a cancel or replace in flight, or the intent buffer is full.
    @inlinable
    public mutating func submitCancel(_ id: OrderID) -> Bool {
        guard !intents.isFull, let i = _state.indexOfOrder(id) else { return false }
        let order = _state.orders[i]
        guard order.status == .pendingNew || order.status == .working else { return false }
        _ = intents.append(OrderIntent(kind: .cancel, side: order.side, timeInForce: order.timeInForce,
                                       postOnly: order.postOnly, venue: order.venue, account: account, strategy: strategyID,
                                       instrument: order.instrument, price: order.price, quantity: order.leaves,
                                       orderID: id, newOrderID: OrderID(0)))
        _state.orders[i].status = .pendingCancel
        return true
    }

    /// Requests that an acknowledged order be replaced by one at `price` for `quantity` open
    /// shares. The intent carries the replacement's total, as FIX's OrderQty and the OMS count
    /// it: the shares already executed on the order (``WorkingOrder/cumulative``) plus
    /// `quantity` (the lane sends OUCH's Replace the open part again). Returns the
    /// replacement's ID, or `nil` (nothing sent) when the order is unknown, not acknowledged,
    /// has a request in flight, or the intent buffer is full.
    @inlinable
    public mutating func submitReplace(_ id: OrderID, price: Price4, quantity: Quantity) -> OrderID? {
        guard !intents.isFull, let i = _state.indexOfOrder(id) else { return nil }
        let order = _state.orders[i]
        guard order.status == .working else { return nil }
        let newID = newOrderID()
        _ = intents.append(OrderIntent(kind: .replace, side: order.side, timeInForce: order.timeInForce,
                                       postOnly: order.postOnly, venue: order.venue, account: account, strategy: strategyID,
                                       instrument: order.instrument, price: price,
                                       quantity: order.cumulative.addingReportingOverflow(quantity).partialValue, orderID: id,
                                       newOrderID: newID))
        _state.orders[i].status = .pendingReplace
        _state.orders[i].replacementID = newID
        _state.orders[i].replacementPrice = price
        _state.orders[i].replacementQuantity = quantity
        return newID
    }

    /// Requests the cancel of every open order of `instrument` (all instruments when `nil`)
    /// that has no request in flight. Returns how many cancels were sent.
    @inlinable @discardableResult
    public mutating func cancelAll(instrument: InstrumentID? = nil) -> Int {
        var sent = 0
        var i = 0
        while i < _state.workingOrderCount {
            let order = _state.orders[i]
            if instrument == nil || order.instrument.rawValue == instrument!.rawValue,
               order.status == .pendingNew || order.status == .working
            {
                if submitCancel(order.orderID) { sent &+= 1 } else if intents.isFull { break }
            }
            i &+= 1
        }
        return sent
    }
}
