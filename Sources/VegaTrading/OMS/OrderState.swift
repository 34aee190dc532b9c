/// An order's state with FIX 4.4 OrdStatus (39) semantics; the raw value is the FIX character.
///
/// Terminal states (``isTerminal``) never change again: `filled`, `canceled`, `replaced`,
/// `rejected`, `expired` and `doneForDay` (Vega's orders are day orders: a done-for-day order is
/// not re-instated).
@frozen
public enum OrderState: UInt8, Sendable, Hashable, BitwiseCopyable, CaseIterable, CustomStringConvertible {
    case pendingNew = 0x41  // 'A'
    case new = 0x30  // '0'
    case partiallyFilled = 0x31  // '1'
    case filled = 0x32  // '2'
    case pendingCancel = 0x36  // '6'
    case canceled = 0x34  // '4'
    case pendingReplace = 0x45  // 'E'
    case replaced = 0x35  // '5'
    case rejected = 0x38  // '8'
    case expired = 0x43  // 'C'
    case doneForDay = 0x33  // '3'

    /// No further transition is legal.
    @inlinable
    public var isTerminal: Bool {
        switch self {
        case .filled, .canceled, .replaced, .rejected, .expired, .doneForDay: true
        case .pendingNew, .new, .partiallyFilled, .pendingCancel, .pendingReplace: false
        }
    }

    /// The order may still trade (it has leaves at the venue, or may have once acknowledged).
    @inlinable
    public var isLive: Bool { !isTerminal }

    public var description: String {
        switch self {
        case .pendingNew: "PendingNew"
        case .new: "New"
        case .partiallyFilled: "PartiallyFilled"
        case .filled: "Filled"
        case .pendingCancel: "PendingCancel"
        case .canceled: "Canceled"
        case .pendingReplace: "PendingReplace"
        case .replaced: "Replaced"
        case .rejected: "Rejected"
        case .expired: "Expired"
        case .doneForDay: "DoneForDay"
        }
    }
}
