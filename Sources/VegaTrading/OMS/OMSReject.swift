/// Why the OMS refused a request or a venue message. Each is counted
/// (``OrderManager/rejectCounts``); the order is left as it was.
@frozen
public enum OMSReject: UInt8, Sendable, Hashable, BitwiseCopyable, CaseIterable, CustomStringConvertible {
    /// A venue message or request for an order ID the OMS does not know (never sent, or long finished).
    case unknownOrder = 1
    /// The message is not legal in the order's current state (e.g. a fill on a canceled order,
    /// an ack for an order already replaced); the state is named in the result.
    case illegalTransition
    /// A fill for more than the order's leaves quantity.
    case overfill
    /// A new order, replace or fill with zero quantity.
    case zeroQuantity
    /// A new order or replace with a zero or negative price, or a fill at a non-positive price.
    case invalidPrice
    /// A new order whose ID is already in use (live or recently finished).
    case duplicateOrderID
    /// Every order slot is in use (`TradingCapacity.openOrders` too small).
    case orderCapacity
    /// A replace whose new quantity does not exceed what has already filled.
    case replaceBelowFilled
    /// A cancel or replace while another cancel or replace is pending.
    case requestPending
    /// Notional arithmetic would overflow `Int64`.
    case overflow

    public var description: String {
        switch self {
        case .unknownOrder: "unknown order"
        case .illegalTransition: "illegal transition"
        case .overfill: "fill exceeds leaves quantity"
        case .zeroQuantity: "zero quantity"
        case .invalidPrice: "invalid price"
        case .duplicateOrderID: "duplicate order ID"
        case .orderCapacity: "order capacity exhausted"
        case .replaceBelowFilled: "replace quantity not above filled quantity"
        case .requestPending: "cancel or replace already pending"
        case .overflow: "arithmetic overflow"
        }
    }
}

/// What the OMS did with a request or venue message.
@frozen
public enum OMSResult: Sendable, Equatable, BitwiseCopyable {
    /// Applied: the order moved from `from` to `to` (they may be equal, e.g. a partial fill of a
    /// partially filled order).
    case applied(from: OrderState, to: OrderState)
    /// A repeat of a message already applied (same execution ID, second ack or cancel ack):
    /// ignored, counted.
    case duplicate
    /// A venue's reject of a cancel or replace for an order that has finished since the request
    /// went out (the request crossed the fill or cancel that ended the order: "too late to
    /// cancel/replace"). Nothing to apply; counted (`OrderManager.lateAnswers`), not refused.
    case late
    /// Refused; `state` is the order's state at the time (nil for an unknown order).
    case refused(OMSReject, state: OrderState?)

    @inlinable
    public var isApplied: Bool { if case .applied = self { true } else { false } }
}
