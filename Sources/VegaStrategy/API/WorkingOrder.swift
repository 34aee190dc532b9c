import VegaCore
import VegaTrading

/// Where one of the strategy's orders stands, as the strategy's own books keep it.
@frozen
public enum WorkingOrderStatus: UInt8, Sendable, BitwiseCopyable {
    /// Sent, not yet acknowledged (it may already fill).
    case pendingNew
    /// Acknowledged and open.
    case working
    /// A cancel was sent; the order may still fill until the venue confirms.
    case pendingCancel
    /// A replace was sent; the original may still fill until the replacement is acknowledged.
    case pendingReplace
}

/// One open order of the strategy: what it asked for, what is left, and any request in flight.
@frozen
public struct WorkingOrder: Sendable, Equatable, BitwiseCopyable {
    public var orderID: OrderID
    public var instrument: InstrumentID
    public var venue: VenueID
    public var side: Side
    public var status: WorkingOrderStatus
    public var timeInForce: TimeInForce
    /// Post-only (kept so a replace asks for the same).
    public var postOnly: Bool
    public var price: Price4
    /// The order's quantity as sent (or as replaced).
    public var quantity: Quantity
    /// Shares still open.
    public var leaves: Quantity
    /// Shares executed on this order ID.
    public var filled: Quantity
    /// Shares executed since the order was first sent, across its replaces (FIX CumQty): a
    /// replace's total is this plus the open quantity asked for.
    public var cumulative: Quantity
    /// While `.pendingReplace`: the replacement's ID, price and open quantity.
    public var replacementID: OrderID
    public var replacementPrice: Price4
    public var replacementQuantity: Quantity

    @inlinable
    public init(orderID: OrderID, instrument: InstrumentID, venue: VenueID, side: Side, timeInForce: TimeInForce,
                postOnly: Bool = false, price: Price4, quantity: Quantity) {
        self.orderID = orderID
        self.instrument = instrument
        self.venue = venue
        self.side = side
        self.status = .pendingNew
        self.timeInForce = timeInForce
        self.postOnly = postOnly
        self.price = price
        self.quantity = quantity
        self.leaves = quantity
        self.filled = .zero
        self.cumulative = .zero
        self.replacementID = OrderID(0)
        self.replacementPrice = .zero
        self.replacementQuantity = .zero
    }
}
