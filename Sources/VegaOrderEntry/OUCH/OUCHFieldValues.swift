import VegaCore

// The enumerated Alpha fields of OUCH 5.0, each with exactly the values the specification lists
// (section and appendix cited per type). A byte outside the list is a decode failure
// (`OUCHDecodeError.badEnumValue`), so a view's enum accessors can unwrap without checking.

/// Side (2.1): B buy, S sell, T sell short, E sell short exempt.
@frozen
public enum OUCHSide: UInt8, Sendable, BitwiseCopyable, CaseIterable {
    case buy = 0x42, sell = 0x53, sellShort = 0x54, sellShortExempt = 0x45

    /// The economic side: every kind of sale is a sell.
    @inlinable public var side: Side { self == .buy ? .buy : .sell }
}

/// Time In Force (2.1): 0 day, 3 IOC, 5 GTX (extended hours), 6 GTT (needs ExpireTime), E after hours.
@frozen
public enum OUCHTimeInForce: UInt8, Sendable, BitwiseCopyable, CaseIterable {
    case day = 0x30, immediateOrCancel = 0x33, goodTillExtended = 0x35, goodTillTime = 0x36, afterHours = 0x45
}

/// Display (2.1, 3.2): Y visible, N hidden, A attributable, Z conformant (outbound only).
@frozen
public enum OUCHDisplay: UInt8, Sendable, BitwiseCopyable, CaseIterable {
    case visible = 0x59, hidden = 0x4E, attributable = 0x41, conformant = 0x5A
}

/// Capacity (2.1): A agency, P principal, R riskless, O other.
@frozen
public enum OUCHCapacity: UInt8, Sendable, BitwiseCopyable, CaseIterable {
    case agency = 0x41, principal = 0x50, riskless = 0x52, other = 0x4F
}

/// InterMarket Sweep Eligibility (2.1): Y eligible, N not eligible.
@frozen
public enum OUCHIntermarketSweep: UInt8, Sendable, BitwiseCopyable, CaseIterable {
    case eligible = 0x59, notEligible = 0x4E
}

/// CrossType (2.1): N continuous, O opening, C closing, H halt/IPO, S supplemental, R retail,
/// E extended life, A after-hours close.
@frozen
public enum OUCHCrossType: UInt8, Sendable, BitwiseCopyable, CaseIterable {
    case continuous = 0x4E, opening = 0x4F, closing = 0x43, haltIPO = 0x48, supplemental = 0x53
    case retail = 0x52, extendedLife = 0x45, afterHoursClose = 0x41
}

/// Order State (3.2): L live, D dead (accepted and at once canceled).
@frozen
public enum OUCHOrderState: UInt8, Sendable, BitwiseCopyable, CaseIterable {
    case live = 0x4C, dead = 0x44
}

/// System Event code (3.1): S start of day, E end of day.
@frozen
public enum OUCHEventCode: UInt8, Sendable, BitwiseCopyable, CaseIterable {
    case startOfDay = 0x53, endOfDay = 0x45
}

/// Order Cancel Reason (Appendix C).
@frozen
public enum OUCHCancelReason: UInt8, Sendable, BitwiseCopyable, CaseIterable {
    case regulatoryRestriction = 0x44  // 'D'
    case closed = 0x45  // 'E'
    case postOnlyNMS = 0x46  // 'F'
    case postOnlyContra = 0x47  // 'G'
    case halted = 0x48  // 'H'
    case immediateOrCancel = 0x49  // 'I'
    case marketCollars = 0x4B  // 'K'
    case selfMatchPrevention = 0x51  // 'Q' (also every AIQ Canceled)
    case supervisory = 0x53  // 'S'
    case timeout = 0x54  // 'T'
    case userRequested = 0x55  // 'U'
    case openProtection = 0x58  // 'X'
    case system = 0x5A  // 'Z'
    case directListingExceeded = 0x65  // 'e'
}

/// Broken Trade reason (3.7): E erroneous, C consent, S supervisory, X external.
@frozen
public enum OUCHBrokenTradeReason: UInt8, Sendable, BitwiseCopyable, CaseIterable {
    case erroneous = 0x45, consent = 0x43, supervisory = 0x53, external = 0x58
}

/// Order Restated reason (3.13): R refresh of display, P update of displayed price.
@frozen
public enum OUCHRestatedReason: UInt8, Sendable, BitwiseCopyable, CaseIterable {
    case refreshOfDisplay = 0x52, priceUpdate = 0x50
}

/// Liquidity Flag (Appendix E): the flag byte, named by the appendix's meaning.
@frozen
public enum OUCHLiquidityFlag: UInt8, Sendable, BitwiseCopyable, CaseIterable {
    case added = 0x41  // A
    case closingCross = 0x43  // C
    case retailAddedDisplayed = 0x65  // e
    case haltIPOCross = 0x48  // H
    case afterHoursClosingCross = 0x69  // i
    case nonDisplayedAdded = 0x4A  // J
    case rpiProvides = 0x6A  // j
    case midpointAdded = 0x6B  // k
    case haltCross = 0x4B  // K
    case closingCrossImbalance = 0x4C  // L
    case openingCrossImbalance = 0x4D  // M
    case midpointRemoved = 0x6D  // m
    case passiveMidpoint = 0x4E  // N
    case midpointExtendedLife = 0x6E  // n
    case openingCross = 0x4F  // O
    case priceImprovingNonDisplayedRemoved = 0x70  // p
    case rmoRemovesMidpoint = 0x71  // q
    case removed = 0x52  // R
    case retailRemovesRPI = 0x72  // r
    case retailRemovesNonDisplayed = 0x74  // t
    case reserveAdded = 0x75  // u
    case supplemental = 0x30  // 0
    case improvesNBBO = 0x37  // 7
    case setsQBBO = 0x38  // 8
    case rpiNoRPII = 0x31  // 1
}

/// Order Reject Reason (Appendix D): a 2-byte code, 0x0001 (Quote Unavailable) … 0x002A (Risk:
/// Duplicate Message Rate Restriction). Kept as the number: the appendix is a lookup table, and the
/// decoder refuses codes outside it.
@frozen
public struct OUCHRejectReason: Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
    public var rawValue: UInt16

    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Whether Appendix D lists the code.
    @inlinable public var isKnown: Bool { rawValue >= 0x0001 && rawValue <= 0x002A }

    public static let quoteUnavailable = OUCHRejectReason(rawValue: 0x0001)
    public static let halted = OUCHRejectReason(rawValue: 0x0007)
    public static let invalidSide = OUCHRejectReason(rawValue: 0x0009)
    public static let other = OUCHRejectReason(rawValue: 0x000F)
    public static let invalidQuantity = OUCHRejectReason(rawValue: 0x0013)
    public static let invalidSymbol = OUCHRejectReason(rawValue: 0x0017)
    public static let invalidPrice = OUCHRejectReason(rawValue: 0x001D)

    public var description: String { "0x" + String(rawValue, radix: 16) }
}
