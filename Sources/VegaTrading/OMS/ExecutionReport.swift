import VegaCore

/// What a venue said about one of our orders, decoded by the order-entry session (FIX 35=8/9,
/// OUCH accepted/executed/canceled/replaced/rejected) into one 48-byte value.
///
/// `orderID` is the lane's client order ID the message refers to (for a replace ack or reject:
/// the original order's). Fields a kind does not use are ignored.
@frozen
public struct ExecutionReport: Sendable, Equatable, BitwiseCopyable {
    @frozen
    public enum Kind: UInt8, Sendable, BitwiseCopyable, CaseIterable {
        /// The venue accepted a new order (FIX 150=0).
        case ack
        /// The venue refused a new order (150=8).
        case reject
        /// An execution: `execID`, `lastQuantity` at `lastPrice` (150=F).
        case fill
        /// The order is canceled: our cancel request, or unsolicited (IOC remainder, venue action).
        case cancelAck
        /// The venue refused our cancel request (35=9, 434=1).
        case cancelReject
        /// The venue accepted our cancel/replace: the original is replaced by the pending new ID (150=5).
        case replaceAck
        /// The venue refused our cancel/replace (35=9, 434=2).
        case replaceReject
        /// The order expired (150=C).
        case expire
        /// The order is done for the day (150=3).
        case doneForDay
    }

    public var kind: Kind
    /// The venue that sent it (for execution-ID de-duplication and reconciliation).
    public var venue: VenueID
    public var orderID: OrderID
    /// The venue's execution ID (FIX 17, OUCH match number), unique per venue; fills only.
    public var execID: UInt64
    public var lastQuantity: Quantity
    public var lastPrice: Price4
    /// The fill's fee (positive) or rebate (negative) in ``Money4``; fills only.
    public var fee: Money4
    /// replaceAck only, from venues whose replace sets the replacement's open shares (OUCH): the
    /// open quantity the venue gave it. Fills of the original that crossed the replace in flight
    /// are not taken off it, so the order's total becomes filled + this. Zero: not reported (FIX
    /// semantics: the requested total stands).
    public var venueOpenQuantity: Quantity = .zero

    @inlinable
    public init(kind: Kind, venue: VenueID = VenueID(0), orderID: OrderID, execID: UInt64 = 0,
                lastQuantity: Quantity = .zero, lastPrice: Price4 = .zero, fee: Money4 = .zero) {
        self.kind = kind
        self.venue = venue
        self.orderID = orderID
        self.execID = execID
        self.lastQuantity = lastQuantity
        self.lastPrice = lastPrice
        self.fee = fee
    }
}
