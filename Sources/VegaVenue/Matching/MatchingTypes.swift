import VegaCore

/// How long an order entered at the venue may rest.
@frozen
public enum VenueTimeInForce: UInt8, Sendable, BitwiseCopyable, CustomStringConvertible {
    /// Rests until canceled or the end of the day.
    case day
    /// Executes what it can at once; the rest is canceled.
    case immediateOrCancel
    /// Executes in full at once, or not at all.
    case fillOrKill

    public var description: String {
        switch self {
        case .day: "DAY"
        case .immediateOrCancel: "IOC"
        case .fillOrKill: "FOK"
        }
    }
}

/// What a venue does when an incoming order would trade with a resting order of the same firm.
@frozen
public enum SelfMatchPolicy: UInt8, Sendable, BitwiseCopyable {
    /// Cancel the incoming order's remaining quantity (NASDAQ's default "cancel newest").
    case cancelNewest
    /// Cancel the resting order and keep matching.
    case cancelOldest
    /// Cancel both.
    case cancelBoth
    /// Allow it (a firm that trades with itself on purpose, e.g. across accounts it permits).
    case allow
}

/// An order arriving at the venue.
public struct VenueOrderRequest: Sendable, Equatable {
    /// The entering firm's own reference (OUCH UserRefNum / FIX ClOrdID mapped to a number).
    public var token: UInt64
    /// The entering firm (self-match prevention groups by it).
    public var firm: UInt32
    /// The instrument (its ITCH stock locate).
    public var locate: UInt16
    public var side: Side
    /// `nil` for a market order.
    public var price: Price4?
    public var quantity: UInt32
    public var timeInForce: VenueTimeInForce
    /// Refuse rather than take liquidity.
    public var postOnly: Bool
    public var selfMatch: SelfMatchPolicy

    public init(
        token: UInt64, firm: UInt32, locate: UInt16, side: Side, price: Price4?, quantity: UInt32,
        timeInForce: VenueTimeInForce = .day, postOnly: Bool = false, selfMatch: SelfMatchPolicy = .cancelNewest
    ) {
        self.token = token
        self.firm = firm
        self.locate = locate
        self.side = side
        self.price = price
        self.quantity = quantity
        self.timeInForce = timeInForce
        self.postOnly = postOnly
        self.selfMatch = selfMatch
    }
}

/// Why the venue refused an order, a cancel or a replace.
@frozen
public enum VenueReject: UInt8, Sendable, BitwiseCopyable, CaseIterable, CustomStringConvertible {
    case unknownInstrument
    case halted
    case invalidQuantity
    case invalidPrice
    case marketOrderMustBeImmediate
    /// A post-only order that would have taken liquidity.
    case wouldTakeLiquidity
    /// Cancel / replace of an order that is not resting (filled, canceled or never existed).
    case unknownOrder
    /// Replace that changes the side or the instrument.
    case invalidReplace
    case duplicateToken

    public var description: String {
        switch self {
        case .unknownInstrument: "unknown instrument"
        case .halted: "instrument halted"
        case .invalidQuantity: "invalid quantity"
        case .invalidPrice: "invalid price"
        case .marketOrderMustBeImmediate: "market order must be IOC or FOK"
        case .wouldTakeLiquidity: "post-only order would take liquidity"
        case .unknownOrder: "unknown order (too late to cancel?)"
        case .invalidReplace: "invalid replace"
        case .duplicateToken: "duplicate token"
        }
    }
}

/// Why quantity left the book without trading.
@frozen
public enum VenueCancelReason: UInt8, Sendable, BitwiseCopyable, CustomStringConvertible {
    case userRequested
    /// The unexecuted rest of an IOC or market order, or a FOK that could not fill.
    case immediateOrCancel
    case selfMatchPrevention
    case endOfDay
    case halt

    public var description: String {
        switch self {
        case .userRequested: "user"
        case .immediateOrCancel: "ioc"
        case .selfMatchPrevention: "self-match"
        case .endOfDay: "end-of-day"
        case .halt: "halt"
        }
    }
}

/// One party to an execution.
public struct VenueParty: Sendable, Equatable {
    public var reference: UInt64
    public var token: UInt64
    public var firm: UInt32
    public var side: Side
    /// Quantity still open after this execution.
    public var leaves: UInt32
}

/// What the matching engine did, in order. Each event carries what both an order-entry
/// acceptor (OUCH/FIX replies to the owning firm) and the market-data publisher (ITCH) need.
public enum VenueEvent: Sendable, Equatable {
    /// An order was accepted and given `reference` (OUCH Accepted; nothing on ITCH yet).
    case accepted(reference: UInt64, request: VenueOrderRequest)
    /// An order, cancel or replace was refused.
    case rejected(token: UInt64, firm: UInt32, locate: UInt16, reason: VenueReject)
    /// The remaining quantity of an accepted order now rests on the book (ITCH Add Order).
    case rested(reference: UInt64, locate: UInt16, side: Side, price: Price4, quantity: UInt32)
    /// A trade: `resting` was on the book (ITCH Order Executed on its reference), `aggressor`
    /// came in. Price is the resting order's.
    case executed(locate: UInt16, price: Price4, quantity: UInt32, matchNumber: UInt64, resting: VenueParty, aggressor: VenueParty)
    /// Quantity left without trading. `wasResting` says whether ITCH must show it (Order
    /// Cancel when `leaves` > 0, Order Delete when 0).
    case canceled(reference: UInt64, token: UInt64, firm: UInt32, locate: UInt16, side: Side, quantity: UInt32, leaves: UInt32, wasResting: Bool, reason: VenueCancelReason)
    /// A resting order was replaced. `keptPriority`: same price, smaller size (ITCH Order Cancel
    /// of the difference on the old reference); otherwise a new reference at the back of the
    /// queue (ITCH Order Replace old → new).
    case replaced(oldReference: UInt64, newReference: UInt64, token: UInt64, previousToken: UInt64, firm: UInt32, locate: UInt16, side: Side, price: Price4, quantity: UInt32, previousQuantity: UInt32, keptPriority: Bool)
    /// Trading in an instrument stopped or resumed (ITCH Trading Action).
    case tradingStatus(locate: UInt16, halted: Bool)
}
