import VegaCore
import VegaMarketData
import VegaTrading

// What the lane tells a strategy. Every event is a small trivial value (no references), so the
// lane passes it by value and a journal can record it as bytes for exact replay.

/// The book of `locate` changed (one ITCH message or one FPGA level event applied).
@frozen
public struct BookUpdateEvent: Sendable, Equatable, BitwiseCopyable {
    /// The book's key in the lane's ``VegaMarketData/BookView`` (ITCH stock locate).
    public var locate: UInt16
    /// The venue whose feed the book comes from.
    public var venue: VenueID
    public var times: EventTimes

    @inlinable
    public init(locate: UInt16, venue: VenueID = VenueID(0), times: EventTimes) {
        self.locate = locate
        self.venue = venue
        self.times = times
    }
}

/// A trade printed on `locate` (ITCH 'E'/'C' executions, 'P' non-cross trades, or an FPGA `TRADE`).
@frozen
public struct TradeEvent: Sendable, Equatable, BitwiseCopyable {
    public var locate: UInt16
    public var venue: VenueID
    public var price: Price4
    public var shares: UInt64
    /// The side that took liquidity, when the feed says (ITCH executions name the resting
    /// order's side: the aggressor is the opposite). `nil`: unknown, classify by tick rule.
    public var aggressor: Side?
    public var times: EventTimes

    @inlinable
    public init(locate: UInt16, venue: VenueID = VenueID(0), price: Price4, shares: UInt64, aggressor: Side? = nil,
                times: EventTimes) {
        self.locate = locate
        self.venue = venue
        self.price = price
        self.shares = shares
        self.aggressor = aggressor
        self.times = times
    }
}

/// The venue accepted a new order, or a replace (then `orderID` is the replacement's ID).
@frozen
public struct OrderAcknowledged: Sendable, Equatable, BitwiseCopyable {
    public var orderID: OrderID
    /// Lane monotonic time the acknowledgement was handled, ns.
    public var now: Timestamp<Monotonic>

    @inlinable
    public init(orderID: OrderID, now: Timestamp<Monotonic>) {
        self.orderID = orderID
        self.now = now
    }
}

/// An execution of one of the strategy's orders.
@frozen
public struct OrderFilled: Sendable, Equatable, BitwiseCopyable {
    public var orderID: OrderID
    /// Shares executed by this fill.
    public var quantity: Quantity
    public var price: Price4
    /// Shares still open on the order after this fill (0: the order is done).
    public var leaves: Quantity
    public var now: Timestamp<Monotonic>

    @inlinable
    public init(orderID: OrderID, quantity: Quantity, price: Price4, leaves: Quantity, now: Timestamp<Monotonic>) {
        self.orderID = orderID
        self.quantity = quantity
        self.price = price
        self.leaves = leaves
        self.now = now
    }
}

/// Who refused a request: the lane's pre-trade risk, the venue, or the lane itself (e.g. a
/// full queue). `code` is that source's own reason code (VegaTrading's risk reasons, the
/// venue's reject code), carried for logs and counters; strategies act on `request`.
@frozen
public enum RejectSource: UInt8, Sendable, BitwiseCopyable {
    case risk, venue, lane
}

/// A request the strategy made was refused.
///
/// - `.new`: the order never worked; `orderID` is its ID.
/// - `.cancel`: the order is still working (or already done, a fill or cancel says which);
///   `orderID` is the order the cancel targeted.
/// - `.replace`: the original order keeps working unchanged; `orderID` is the original,
///   `replacementID` the refused replacement's ID.
@frozen
public struct OrderRejected: Sendable, Equatable, BitwiseCopyable {
    public var orderID: OrderID
    public var replacementID: OrderID
    public var request: OrderIntent.Kind
    public var source: RejectSource
    public var code: UInt16
    public var now: Timestamp<Monotonic>

    @inlinable
    public init(orderID: OrderID, replacementID: OrderID = OrderID(0), request: OrderIntent.Kind,
                source: RejectSource, code: UInt16 = 0, now: Timestamp<Monotonic>) {
        self.orderID = orderID
        self.replacementID = replacementID
        self.request = request
        self.source = source
        self.code = code
        self.now = now
    }
}

/// An order is gone without (further) execution: our cancel took effect, an IOC's remainder
/// expired, or the venue cancelled it. Its open shares are zero from now on.
@frozen
public struct OrderCanceled: Sendable, Equatable, BitwiseCopyable {
    public var orderID: OrderID
    public var now: Timestamp<Monotonic>

    @inlinable
    public init(orderID: OrderID, now: Timestamp<Monotonic>) {
        self.orderID = orderID
        self.now = now
    }
}

/// Any of the above, for code that routes or journals events as one value.
@frozen
public enum StrategyEvent: Sendable, Equatable, BitwiseCopyable {
    case book(BookUpdateEvent)
    case trade(TradeEvent)
    case acknowledged(OrderAcknowledged)
    case filled(OrderFilled)
    case rejected(OrderRejected)
    case canceled(OrderCanceled)
    /// The strategy's timer: lane monotonic time, ns.
    case timer(Timestamp<Monotonic>)
}
