import VegaCore

// The enumerated Alpha fields of OUCH 5.0, each with exactly the values the specification lists
// (section and appendix cited per type). A byte outside the list is a decode failure
// (`OUCHDecodeError.badEnumValue`).
//
// Structs over the byte rather than Swift enums: a public enum's synthesised `init(rawValue:)` is not
// inlinable across modules, so `@_noLocks` lane code could not call it (SWIFT-PERFORMANCE.md); here
// construction, `rawValue` and `isValid` are all inlinable.

/// Side (2.1): B buy, S sell, T sell short, E sell short exempt.
@frozen
public struct OUCHSide: RawRepresentable, Sendable, Hashable, BitwiseCopyable {
    public var rawValue: UInt8

    @inlinable @inline(__always)
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    @inlinable public static var buy: Self { Self(rawValue: 0x42) }
    @inlinable public static var sell: Self { Self(rawValue: 0x53) }
    @inlinable public static var sellShort: Self { Self(rawValue: 0x54) }
    @inlinable public static var sellShortExempt: Self { Self(rawValue: 0x45) }

    /// Whether the specification lists this value.
    @inlinable
    public var isValid: Bool {
        switch rawValue {
        case 0x42, 0x53, 0x54, 0x45: return true
        default: return false
        }
    }

    /// Every listed value.
    public static var allCases: [Self] { [.buy, .sell, .sellShort, .sellShortExempt] }

    /// The economic side: every kind of sale is a sell.
    @inlinable public var side: Side { rawValue == 0x42 ? .buy : .sell }
}

/// Time In Force (2.1): 0 day, 3 IOC, 5 GTX (extended hours), 6 GTT (needs ExpireTime), E after hours.
@frozen
public struct OUCHTimeInForce: RawRepresentable, Sendable, Hashable, BitwiseCopyable {
    public var rawValue: UInt8

    @inlinable @inline(__always)
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    @inlinable public static var day: Self { Self(rawValue: 0x30) }
    @inlinable public static var immediateOrCancel: Self { Self(rawValue: 0x33) }
    @inlinable public static var goodTillExtended: Self { Self(rawValue: 0x35) }
    @inlinable public static var goodTillTime: Self { Self(rawValue: 0x36) }
    @inlinable public static var afterHours: Self { Self(rawValue: 0x45) }

    /// Whether the specification lists this value.
    @inlinable
    public var isValid: Bool {
        switch rawValue {
        case 0x30, 0x33, 0x35, 0x36, 0x45: return true
        default: return false
        }
    }

    /// Every listed value.
    public static var allCases: [Self] { [.day, .immediateOrCancel, .goodTillExtended, .goodTillTime, .afterHours] }
}

/// Display (2.1, 3.2): Y visible, N hidden, A attributable, Z conformant (outbound only).
@frozen
public struct OUCHDisplay: RawRepresentable, Sendable, Hashable, BitwiseCopyable {
    public var rawValue: UInt8

    @inlinable @inline(__always)
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    @inlinable public static var visible: Self { Self(rawValue: 0x59) }
    @inlinable public static var hidden: Self { Self(rawValue: 0x4E) }
    @inlinable public static var attributable: Self { Self(rawValue: 0x41) }
    @inlinable public static var conformant: Self { Self(rawValue: 0x5A) }

    /// Whether the specification lists this value.
    @inlinable
    public var isValid: Bool {
        switch rawValue {
        case 0x59, 0x4E, 0x41, 0x5A: return true
        default: return false
        }
    }

    /// Every listed value.
    public static var allCases: [Self] { [.visible, .hidden, .attributable, .conformant] }
}

/// Capacity (2.1): A agency, P principal, R riskless, O other.
@frozen
public struct OUCHCapacity: RawRepresentable, Sendable, Hashable, BitwiseCopyable {
    public var rawValue: UInt8

    @inlinable @inline(__always)
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    @inlinable public static var agency: Self { Self(rawValue: 0x41) }
    @inlinable public static var principal: Self { Self(rawValue: 0x50) }
    @inlinable public static var riskless: Self { Self(rawValue: 0x52) }
    @inlinable public static var other: Self { Self(rawValue: 0x4F) }

    /// Whether the specification lists this value.
    @inlinable
    public var isValid: Bool {
        switch rawValue {
        case 0x41, 0x50, 0x52, 0x4F: return true
        default: return false
        }
    }

    /// Every listed value.
    public static var allCases: [Self] { [.agency, .principal, .riskless, .other] }
}

/// InterMarket Sweep Eligibility (2.1): Y eligible, N not eligible.
@frozen
public struct OUCHIntermarketSweep: RawRepresentable, Sendable, Hashable, BitwiseCopyable {
    public var rawValue: UInt8

    @inlinable @inline(__always)
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    @inlinable public static var eligible: Self { Self(rawValue: 0x59) }
    @inlinable public static var notEligible: Self { Self(rawValue: 0x4E) }

    /// Whether the specification lists this value.
    @inlinable
    public var isValid: Bool {
        switch rawValue {
        case 0x59, 0x4E: return true
        default: return false
        }
    }

    /// Every listed value.
    public static var allCases: [Self] { [.eligible, .notEligible] }
}

/// CrossType (2.1): N continuous, O opening, C closing, H halt/IPO, S supplemental, R retail,
/// E extended life, A after-hours close.
@frozen
public struct OUCHCrossType: RawRepresentable, Sendable, Hashable, BitwiseCopyable {
    public var rawValue: UInt8

    @inlinable @inline(__always)
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    @inlinable public static var continuous: Self { Self(rawValue: 0x4E) }
    @inlinable public static var opening: Self { Self(rawValue: 0x4F) }
    @inlinable public static var closing: Self { Self(rawValue: 0x43) }
    @inlinable public static var haltIPO: Self { Self(rawValue: 0x48) }
    @inlinable public static var supplemental: Self { Self(rawValue: 0x53) }
    @inlinable public static var retail: Self { Self(rawValue: 0x52) }
    @inlinable public static var extendedLife: Self { Self(rawValue: 0x45) }
    @inlinable public static var afterHoursClose: Self { Self(rawValue: 0x41) }

    /// Whether the specification lists this value.
    @inlinable
    public var isValid: Bool {
        switch rawValue {
        case 0x4E, 0x4F, 0x43, 0x48, 0x53, 0x52, 0x45, 0x41: return true
        default: return false
        }
    }

    /// Every listed value.
    public static var allCases: [Self] { [.continuous, .opening, .closing, .haltIPO, .supplemental, .retail, .extendedLife, .afterHoursClose] }
}

/// Order State (3.2): L live, D dead (accepted and at once canceled).
@frozen
public struct OUCHOrderState: RawRepresentable, Sendable, Hashable, BitwiseCopyable {
    public var rawValue: UInt8

    @inlinable @inline(__always)
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    @inlinable public static var live: Self { Self(rawValue: 0x4C) }
    @inlinable public static var dead: Self { Self(rawValue: 0x44) }

    /// Whether the specification lists this value.
    @inlinable
    public var isValid: Bool {
        switch rawValue {
        case 0x4C, 0x44: return true
        default: return false
        }
    }

    /// Every listed value.
    public static var allCases: [Self] { [.live, .dead] }
}

/// System Event code (3.1): S start of day, E end of day.
@frozen
public struct OUCHEventCode: RawRepresentable, Sendable, Hashable, BitwiseCopyable {
    public var rawValue: UInt8

    @inlinable @inline(__always)
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    @inlinable public static var startOfDay: Self { Self(rawValue: 0x53) }
    @inlinable public static var endOfDay: Self { Self(rawValue: 0x45) }

    /// Whether the specification lists this value.
    @inlinable
    public var isValid: Bool {
        switch rawValue {
        case 0x53, 0x45: return true
        default: return false
        }
    }

    /// Every listed value.
    public static var allCases: [Self] { [.startOfDay, .endOfDay] }
}

/// Order Cancel Reason (Appendix C).
@frozen
public struct OUCHCancelReason: RawRepresentable, Sendable, Hashable, BitwiseCopyable {
    public var rawValue: UInt8

    @inlinable @inline(__always)
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    @inlinable public static var regulatoryRestriction: Self { Self(rawValue: 0x44) }  // 'D'
    @inlinable public static var closed: Self { Self(rawValue: 0x45) }  // 'E'
    @inlinable public static var postOnlyNMS: Self { Self(rawValue: 0x46) }  // 'F'
    @inlinable public static var postOnlyContra: Self { Self(rawValue: 0x47) }  // 'G'
    @inlinable public static var halted: Self { Self(rawValue: 0x48) }  // 'H'
    @inlinable public static var immediateOrCancel: Self { Self(rawValue: 0x49) }  // 'I'
    @inlinable public static var marketCollars: Self { Self(rawValue: 0x4B) }  // 'K'
    @inlinable public static var selfMatchPrevention: Self { Self(rawValue: 0x51) }  // 'Q' (also every AIQ Canceled)
    @inlinable public static var supervisory: Self { Self(rawValue: 0x53) }  // 'S'
    @inlinable public static var timeout: Self { Self(rawValue: 0x54) }  // 'T'
    @inlinable public static var userRequested: Self { Self(rawValue: 0x55) }  // 'U'
    @inlinable public static var openProtection: Self { Self(rawValue: 0x58) }  // 'X'
    @inlinable public static var system: Self { Self(rawValue: 0x5A) }  // 'Z'
    @inlinable public static var directListingExceeded: Self { Self(rawValue: 0x65) }  // 'e'

    /// Whether the specification lists this value.
    @inlinable
    public var isValid: Bool {
        switch rawValue {
        case 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4B, 0x51, 0x53, 0x54, 0x55, 0x58, 0x5A, 0x65: return true
        default: return false
        }
    }

    /// Every listed value.
    public static var allCases: [Self] { [.regulatoryRestriction, .closed, .postOnlyNMS, .postOnlyContra, .halted, .immediateOrCancel, .marketCollars, .selfMatchPrevention, .supervisory, .timeout, .userRequested, .openProtection, .system, .directListingExceeded] }
}

/// Broken Trade reason (3.7): E erroneous, C consent, S supervisory, X external.
@frozen
public struct OUCHBrokenTradeReason: RawRepresentable, Sendable, Hashable, BitwiseCopyable {
    public var rawValue: UInt8

    @inlinable @inline(__always)
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    @inlinable public static var erroneous: Self { Self(rawValue: 0x45) }
    @inlinable public static var consent: Self { Self(rawValue: 0x43) }
    @inlinable public static var supervisory: Self { Self(rawValue: 0x53) }
    @inlinable public static var external: Self { Self(rawValue: 0x58) }

    /// Whether the specification lists this value.
    @inlinable
    public var isValid: Bool {
        switch rawValue {
        case 0x45, 0x43, 0x53, 0x58: return true
        default: return false
        }
    }

    /// Every listed value.
    public static var allCases: [Self] { [.erroneous, .consent, .supervisory, .external] }
}

/// Order Restated reason (3.13): R refresh of display, P update of displayed price.
@frozen
public struct OUCHRestatedReason: RawRepresentable, Sendable, Hashable, BitwiseCopyable {
    public var rawValue: UInt8

    @inlinable @inline(__always)
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    @inlinable public static var refreshOfDisplay: Self { Self(rawValue: 0x52) }
    @inlinable public static var priceUpdate: Self { Self(rawValue: 0x50) }

    /// Whether the specification lists this value.
    @inlinable
    public var isValid: Bool {
        switch rawValue {
        case 0x52, 0x50: return true
        default: return false
        }
    }

    /// Every listed value.
    public static var allCases: [Self] { [.refreshOfDisplay, .priceUpdate] }
}

/// Liquidity Flag (Appendix E): the flag byte, named by the appendix's meaning.
@frozen
public struct OUCHLiquidityFlag: RawRepresentable, Sendable, Hashable, BitwiseCopyable {
    public var rawValue: UInt8

    @inlinable @inline(__always)
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    @inlinable public static var added: Self { Self(rawValue: 0x41) }  // A
    @inlinable public static var closingCross: Self { Self(rawValue: 0x43) }  // C
    @inlinable public static var retailAddedDisplayed: Self { Self(rawValue: 0x65) }  // e
    @inlinable public static var haltIPOCross: Self { Self(rawValue: 0x48) }  // H
    @inlinable public static var afterHoursClosingCross: Self { Self(rawValue: 0x69) }  // i
    @inlinable public static var nonDisplayedAdded: Self { Self(rawValue: 0x4A) }  // J
    @inlinable public static var rpiProvides: Self { Self(rawValue: 0x6A) }  // j
    @inlinable public static var midpointAdded: Self { Self(rawValue: 0x6B) }  // k
    @inlinable public static var haltCross: Self { Self(rawValue: 0x4B) }  // K
    @inlinable public static var closingCrossImbalance: Self { Self(rawValue: 0x4C) }  // L
    @inlinable public static var openingCrossImbalance: Self { Self(rawValue: 0x4D) }  // M
    @inlinable public static var midpointRemoved: Self { Self(rawValue: 0x6D) }  // m
    @inlinable public static var passiveMidpoint: Self { Self(rawValue: 0x4E) }  // N
    @inlinable public static var midpointExtendedLife: Self { Self(rawValue: 0x6E) }  // n
    @inlinable public static var openingCross: Self { Self(rawValue: 0x4F) }  // O
    @inlinable public static var priceImprovingNonDisplayedRemoved: Self { Self(rawValue: 0x70) }  // p
    @inlinable public static var rmoRemovesMidpoint: Self { Self(rawValue: 0x71) }  // q
    @inlinable public static var removed: Self { Self(rawValue: 0x52) }  // R
    @inlinable public static var retailRemovesRPI: Self { Self(rawValue: 0x72) }  // r
    @inlinable public static var retailRemovesNonDisplayed: Self { Self(rawValue: 0x74) }  // t
    @inlinable public static var reserveAdded: Self { Self(rawValue: 0x75) }  // u
    @inlinable public static var supplemental: Self { Self(rawValue: 0x30) }  // 0
    @inlinable public static var improvesNBBO: Self { Self(rawValue: 0x37) }  // 7
    @inlinable public static var setsQBBO: Self { Self(rawValue: 0x38) }  // 8
    @inlinable public static var rpiNoRPII: Self { Self(rawValue: 0x31) }  // 1

    /// Whether Appendix E lists this flag: one bit test in a 128-bit table, with no branch on the
    /// flag (this check is on the Executed path, the message a trading lane decodes most).
    @inlinable
    public var isValid: Bool {
        let b = UInt64(rawValue)
        let word: UInt64 = b & 0x40 == 0 ? 0x0183_0000_0000_0000 : 0x0037_6E20_0004_FD0A
        return b < 0x80 && (word >> (b & 63)) & 1 == 1
    }

    /// Every listed value.
    public static var allCases: [Self] { [.added, .closingCross, .retailAddedDisplayed, .haltIPOCross, .afterHoursClosingCross, .nonDisplayedAdded, .rpiProvides, .midpointAdded, .haltCross, .closingCrossImbalance, .openingCrossImbalance, .midpointRemoved, .passiveMidpoint, .midpointExtendedLife, .openingCross, .priceImprovingNonDisplayedRemoved, .rmoRemovesMidpoint, .removed, .retailRemovesRPI, .retailRemovesNonDisplayed, .reserveAdded, .supplemental, .improvesNBBO, .setsQBBO, .rpiNoRPII] }
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

    @inlinable public static var quoteUnavailable: Self { Self(rawValue: 0x0001) }
    @inlinable public static var halted: Self { Self(rawValue: 0x0007) }
    @inlinable public static var invalidSide: Self { Self(rawValue: 0x0009) }
    @inlinable public static var other: Self { Self(rawValue: 0x000F) }
    @inlinable public static var invalidQuantity: Self { Self(rawValue: 0x0013) }
    @inlinable public static var invalidSymbol: Self { Self(rawValue: 0x0017) }
    @inlinable public static var invalidPrice: Self { Self(rawValue: 0x001D) }

    public var description: String { "0x" + String(rawValue, radix: 16) }
}
