import VegaCore
import VegaTrading

/// One client request as it crosses from the FIX event loop to a lane: a NewOrderSingle,
/// OrderCancelRequest or OrderCancelReplaceRequest already validated off the lane, with every
/// string replaced by an integer (the ClOrdID is mapped to a lane ``VegaCore/OrderID`` by the
/// ``ClientGateway``, which remembers the mapping). A plain 48-byte value: it travels through a
/// ``VegaCore/SPSCRing`` and is journaled in its layout with the padding zeroed
/// (``storeCanonical(to:)``, ``LaneJournalCodec/clientRequest``).
///
/// - `.new`: `orderID` is the new order's lane ID (`strategy << 48 | n`, made by the gateway);
///   `venue` a venue index or ``smartRoute`` (the lane picks the venue from its books).
/// - `.cancel`: `orderID` is the working order's current lane ID; side, venue, price and
///   quantity are taken from the lane's OMS.
/// - `.replace`: `orderID` as for a cancel, `newOrderID` the replacement's ID, `price` and
///   `quantity` the replacement's (total order quantity, FIX 38 semantics).
@frozen
public struct ClientOrderRequest: Sendable, Equatable, BitwiseCopyable {
    /// ``venue`` value asking the lane to route (best displayed price within the limit, then the
    /// lowest take fee, among the instrument's venues whose sessions are logged in).
    public static let smartRoute: UInt8 = 0xFF

    public var kind: OrderIntent.Kind
    public var side: Side
    public var timeInForce: TimeInForce
    public var venue: UInt8
    public var account: AccountID
    public var strategy: StrategyID
    public var instrument: InstrumentID
    public var price: Price4
    public var quantity: Quantity
    public var orderID: OrderID
    public var newOrderID: OrderID

    @inlinable
    public init(kind: OrderIntent.Kind, side: Side = .buy, timeInForce: TimeInForce = .day, venue: UInt8 = ClientOrderRequest.smartRoute,
                account: AccountID = AccountID(0), strategy: StrategyID = StrategyID(0), instrument: InstrumentID = InstrumentID(0),
                price: Price4 = .zero, quantity: Quantity = .zero, orderID: OrderID, newOrderID: OrderID = OrderID(0)) {
        self.kind = kind
        self.side = side
        self.timeInForce = timeInForce
        self.venue = venue
        self.account = account
        self.strategy = strategy
        self.instrument = instrument
        self.price = price
        self.quantity = quantity
        self.orderID = orderID
        self.newOrderID = newOrderID
    }

    /// Bytes ``storeCanonical(to:)`` writes: the memory layout's size (48).
    @inlinable public static var canonicalSize: Int { MemoryLayout<ClientOrderRequest>.size }

    /// Writes the request in its memory layout with the four padding bytes (offsets 12…15)
    /// zeroed, as ``VegaTrading/OrderIntent/storeCanonical(to:)`` does for intents: a copy of
    /// the value (`storeBytes(of:)`) carries whatever its padding held, so the journal of two
    /// identical runs differed in those bytes. Replay loads the record back as the struct. The
    /// offsets are checked against `MemoryLayout.offset(of:)` by `ClientOrderRequestLayoutTests`.
    /// No allocation; the lane journals client requests with it.
    @inlinable
    public func storeCanonical(to p: UnsafeMutableRawPointer) {
        // Each field as its own type: an enum's byte in memory is its case index.
        p.storeBytes(of: kind, toByteOffset: 0, as: OrderIntent.Kind.self)
        p.storeBytes(of: side, toByteOffset: 1, as: Side.self)
        p.storeBytes(of: timeInForce, toByteOffset: 2, as: TimeInForce.self)
        p.storeBytes(of: venue, toByteOffset: 3, as: UInt8.self)
        p.storeBytes(of: account, toByteOffset: 4, as: AccountID.self)
        p.storeBytes(of: strategy, toByteOffset: 6, as: StrategyID.self)
        p.storeBytes(of: instrument, toByteOffset: 8, as: InstrumentID.self)
        p.storeBytes(of: 0, toByteOffset: 12, as: UInt32.self)
        p.storeBytes(of: price, toByteOffset: 16, as: Price4.self)
        p.storeBytes(of: quantity, toByteOffset: 24, as: Quantity.self)
        p.storeBytes(of: orderID, toByteOffset: 32, as: OrderID.self)
        p.storeBytes(of: newOrderID, toByteOffset: 40, as: OrderID.self)
    }
}

/// Who refused a client request (``ClientExecutionEvent/rejectSource``).
@frozen
public enum ClientRejectSource: UInt8, Sendable, BitwiseCopyable {
    case none = 0
    /// Pre-trade risk: `rejectCode` is a ``VegaTrading/RiskReject`` raw value.
    case risk = 1
    /// The OMS: `rejectCode` is an ``VegaTrading/OMSReject`` raw value.
    case oms = 2
    /// The lane: `rejectCode` is one of ``ClientExecutionEvent`` `lane…` codes.
    case lane = 3
    /// The venue refused it.
    case venue = 4
}

/// One state change of an order, written by a lane into its outbound ring for the FIX event
/// loop: for client orders the ExecutionReport / OrderCancelReject the client gets; for every
/// venue message the lane applied (``Kind/venueReport``), what the drop copy replicates.
///
/// Quantities and the cumulative notional are the OMS's after the change (AvgPx =
/// `cumulativeNotional / cumulativeQuantity`, computed off the lane). `sequence` numbers the
/// lane's events from 1 (the basis of ExecIDs: unique per lane and run).
@frozen
public struct ClientExecutionEvent: Sendable, Equatable, BitwiseCopyable {
    @frozen
    public enum Kind: UInt8, Sendable, BitwiseCopyable {
        /// The venue accepted the order (ExecType 0).
        case new = 0
        /// Refused by risk, the OMS, the lane or the venue (ExecType 8).
        case rejected = 1
        /// A fill: `lastQuantity` at `lastPrice` (ExecType F).
        case fill = 2
        /// Canceled: by request, unsolicited (IOC remainder, kill switch) (ExecType 4).
        case canceled = 3
        /// Replaced: `orderID` was the original, `newOrderID` is the order now (ExecType 5).
        case replaced = 4
        /// A cancel request was refused (OrderCancelReject, 434=1); the order works on.
        case cancelReject = 5
        /// A replace request was refused (OrderCancelReject, 434=2); the original works on.
        case replaceReject = 6
        /// Expired or done for the day (ExecType C / 3).
        case expired = 7
        /// A venue message the lane applied, for any order (client or strategy): drop copy only.
        case venueReport = 8
    }

    /// `rejectCode` with ``ClientRejectSource/lane``: the order is not on the lane (unknown,
    /// already finished, or forgotten).
    public static let laneUnknownOrder: UInt16 = 1
    /// … the venue's order-entry session is not logged in.
    public static let laneSessionDown: UInt16 = 2
    /// … the session could not take the message (outbox full).
    public static let laneSendFailed: UInt16 = 3
    /// … no venue to route to (none trades the instrument with a session up, or a venue index
    /// out of range).
    public static let laneNoRoute: UInt16 = 4

    public var kind: Kind
    /// For ``Kind/venueReport``: the venue message's kind.
    public var reportKind: ExecutionReport.Kind
    public var rejectSource: ClientRejectSource
    public var side: Side
    public var venue: VenueID
    public var rejectCode: UInt16
    public var account: AccountID
    public var strategy: StrategyID
    public var instrument: InstrumentID
    public var orderID: OrderID
    public var newOrderID: OrderID
    public var price: Price4
    public var orderQuantity: Quantity
    public var lastQuantity: Quantity
    public var lastPrice: Price4
    public var cumulativeQuantity: Quantity
    public var leavesQuantity: Quantity
    public var cumulativeNotional: Money4
    /// The venue's execution ID of a fill (venue reports and client fills).
    public var venueExecID: UInt64
    public var sequence: UInt64
    /// Lane time (monotonic ns) of the input that caused it.
    public var laneTime: UInt64

    @inlinable
    public init(kind: Kind, orderID: OrderID) {
        self.kind = kind
        reportKind = .ack
        rejectSource = .none
        side = .buy
        venue = VenueID(0)
        rejectCode = 0
        account = AccountID(0)
        strategy = StrategyID(0)
        instrument = InstrumentID(0)
        self.orderID = orderID
        newOrderID = OrderID(0)
        price = .zero
        orderQuantity = .zero
        lastQuantity = .zero
        lastPrice = .zero
        cumulativeQuantity = .zero
        leavesQuantity = .zero
        cumulativeNotional = .zero
        venueExecID = 0
        sequence = 0
        laneTime = 0
    }

    /// Average fill price rounded toward zero; zero before the first fill.
    public var averagePrice: Price4 {
        cumulativeQuantity.isZero ? .zero
            : Price4(rawValue: cumulativeNotional.rawValue / Int64(truncatingIfNeeded: cumulativeQuantity.rawValue))
    }
}
