import VegaCore

/// One order as the OMS tracks it: what was asked, where it stands, and what has traded.
///
/// Quantities are exact integers: while the order is live `cumulativeQuantity + leavesQuantity
/// == orderQuantity`. The average price is kept exact as `cumulativeNotional / cumulativeQuantity`
/// (``Money4`` over shares); ``averagePrice`` rounds it toward zero only when read.
@frozen
public struct ManagedOrder: Sendable, Equatable, BitwiseCopyable {
    public var id: OrderID
    public var side: Side
    public var timeInForce: TimeInForce
    public var postOnly: Bool
    public var state: OrderState
    public var venue: VenueID
    public var account: AccountID
    public var strategy: StrategyID
    public var instrument: InstrumentID
    public var price: Price4
    public var orderQuantity: Quantity
    public var cumulativeQuantity: Quantity
    public var leavesQuantity: Quantity
    /// Σ fill quantity × fill price, in ``Money4``.
    public var cumulativeNotional: Money4
    /// A pending replace's new ID, price and quantity (meaningful in `pendingReplace`).
    public var pendingID: OrderID
    public var pendingPrice: Price4
    public var pendingQuantity: Quantity
    /// The order this one replaced (zero if none).
    public var replacesID: OrderID
    /// Lane time of the last change, ns (whatever timescale the lane passes in).
    public var updatedAt: UInt64

    @inlinable
    public init(intent: OrderIntent, now: UInt64) {
        id = intent.orderID
        side = intent.side
        timeInForce = intent.timeInForce
        postOnly = intent.postOnly
        state = .pendingNew
        venue = intent.venue
        account = intent.account
        strategy = intent.strategy
        instrument = intent.instrument
        price = intent.price
        orderQuantity = intent.quantity
        cumulativeQuantity = .zero
        leavesQuantity = intent.quantity
        cumulativeNotional = .zero
        pendingID = OrderID(0)
        pendingPrice = .zero
        pendingQuantity = .zero
        replacesID = OrderID(0)
        updatedAt = now
    }

    /// Average fill price rounded toward zero; zero before the first fill.
    @inlinable
    public var averagePrice: Price4 {
        cumulativeQuantity.isZero ? .zero
            : Price4(rawValue: cumulativeNotional.rawValue / Int64(truncatingIfNeeded: cumulativeQuantity.rawValue))
    }

    /// The state a working order with these fills is in, absent any pending request.
    @inlinable
    var workingState: OrderState { cumulativeQuantity.isZero ? .new : .partiallyFilled }

    /// Leaves × price: the notional still working at the venue.
    @inlinable
    var leavesNotional: Int64 {
        price.rawValue &* Int64(truncatingIfNeeded: leavesQuantity.rawValue)
    }

    /// Acknowledged and open with no request in flight (New or PartiallyFilled): the states a
    /// cancel or replace may be sent from.
    @inlinable
    public var isCancelable: Bool { state == .new || state == .partiallyFilled }

    /// The intent that cancels this order (its leaves, at its venue, under its account and
    /// strategy): what a kill switch, a graceful stop and a client's cancel send.
    @inlinable
    public var cancelIntent: OrderIntent {
        OrderIntent(kind: .cancel, side: side, timeInForce: timeInForce, postOnly: postOnly, venue: venue,
                    account: account, strategy: strategy, instrument: instrument, price: price,
                    quantity: leavesQuantity, orderID: id)
    }
}
