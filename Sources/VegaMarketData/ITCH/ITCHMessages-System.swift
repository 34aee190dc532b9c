import VegaCore

// Views of the system and stock-related administrative messages (spec §1.1, §1.2). Offsets are
// the spec's; each accessor is one unaligned load. No accessor allocates, locks or traps.

/// 'S' System Event, 12 bytes. Event Code (11, 1).
@frozen
public struct ITCHSystemEvent: ITCHMessageView {
    public let base: UnsafeRawPointer
    @inlinable public static var messageType: ITCHMessageType { .systemEvent }
    @inlinable @inline(__always) public init(unchecked base: UnsafeRawPointer) { self.base = base }

    /// The raw event code byte ('O', 'S', 'Q', 'M', 'E', 'C').
    @inlinable public var eventCode: UInt8 { base._itchU8(11) }
    /// The event code, or nil for a code this build does not know.
    public var event: ITCHSystemEventCode? { ITCHSystemEventCode(rawValue: eventCode) }
}

/// System Event codes (spec §1.1).
@frozen
public enum ITCHSystemEventCode: UInt8, Sendable, BitwiseCopyable {
    /// 'O': first message of the day (outside time stamps).
    case startOfMessages = 0x4F
    /// 'S': NASDAQ is open and accepting orders.
    case startOfSystemHours = 0x53
    /// 'Q': market hours orders are available for execution.
    case startOfMarketHours = 0x51
    /// 'M': market hours orders are no longer available for execution.
    case endOfMarketHours = 0x4D
    /// 'E': NASDAQ is closed; Broken Trade and Order Delete messages may still follow.
    case endOfSystemHours = 0x45
    /// 'C': always the last message of the day.
    case endOfMessages = 0x43
}

/// 'R' Stock Directory, 39 bytes.
@frozen
public struct ITCHStockDirectory: ITCHMessageView {
    public let base: UnsafeRawPointer
    @inlinable public static var messageType: ITCHMessageType { .stockDirectory }
    @inlinable @inline(__always) public init(unchecked base: UnsafeRawPointer) { self.base = base }

    /// Stock (11, 8).
    @inlinable public var stock: Symbol { base._itchSymbol(11) }
    /// Market Category (19, 1): 'Q', 'G', 'S', 'N', 'A', 'P', 'Z', 'V', ' '.
    @inlinable public var marketCategory: UInt8 { base._itchU8(19) }
    /// Financial Status Indicator (20, 1).
    @inlinable public var financialStatusIndicator: UInt8 { base._itchU8(20) }
    /// Round Lot Size (21, 4).
    @inlinable public var roundLotSize: UInt32 { base._itchU32(21) }
    /// Round Lots Only (25, 1): 'Y' / 'N'.
    @inlinable public var roundLotsOnly: UInt8 { base._itchU8(25) }
    /// Issue Classification (26, 1).
    @inlinable public var issueClassification: UInt8 { base._itchU8(26) }
    /// Issue Sub-Type (27, 2), Alpha.
    @inlinable public var issueSubType: ITCHAlpha2 { base._itchU16(27) }
    /// Authenticity (29, 1): 'P' live, 'T' test.
    @inlinable public var authenticity: UInt8 { base._itchU8(29) }
    /// Short Sale Threshold Indicator (30, 1): 'Y', 'N', ' '.
    @inlinable public var shortSaleThresholdIndicator: UInt8 { base._itchU8(30) }
    /// IPO Flag (31, 1): 'Y', 'N', ' '.
    @inlinable public var ipoFlag: UInt8 { base._itchU8(31) }
    /// LULD Reference Price Tier (32, 1): '1', '2', ' '.
    @inlinable public var luldReferencePriceTier: UInt8 { base._itchU8(32) }
    /// ETP Flag (33, 1): 'Y', 'N', ' '.
    @inlinable public var etpFlag: UInt8 { base._itchU8(33) }
    /// ETP Leverage Factor (34, 4).
    @inlinable public var etpLeverageFactor: UInt32 { base._itchU32(34) }
    /// Inverse Indicator (38, 1): 'Y', 'N'.
    @inlinable public var inverseIndicator: UInt8 { base._itchU8(38) }
}

/// 'H' Stock Trading Action, 25 bytes.
@frozen
public struct ITCHStockTradingAction: ITCHMessageView {
    public let base: UnsafeRawPointer
    @inlinable public static var messageType: ITCHMessageType { .stockTradingAction }
    @inlinable @inline(__always) public init(unchecked base: UnsafeRawPointer) { self.base = base }

    /// Stock (11, 8).
    @inlinable public var stock: Symbol { base._itchSymbol(11) }
    /// Trading State (19, 1), raw.
    @inlinable public var tradingStateCode: UInt8 { base._itchU8(19) }
    /// Trading State, or nil for a byte other than 'H', 'P', 'Q', 'T' (the decoder refuses those).
    @inlinable public var tradingState: TradingState? { base._itchTradingState(19) }
    /// Reserved (20, 1).
    @inlinable public var reserved: UInt8 { base._itchU8(20) }
    /// Reason (21, 4), Alpha: Appendix C codes such as "T1  ", "LUDP".
    @inlinable public var reason: ITCHAlpha4 { base._itchU32(21) }
}

/// 'Y' Reg SHO Short Sale Price Test Restricted Indicator, 20 bytes.
@frozen
public struct ITCHRegSHORestriction: ITCHMessageView {
    public let base: UnsafeRawPointer
    @inlinable public static var messageType: ITCHMessageType { .regSHORestriction }
    @inlinable @inline(__always) public init(unchecked base: UnsafeRawPointer) { self.base = base }

    /// Stock (11, 8).
    @inlinable public var stock: Symbol { base._itchSymbol(11) }
    /// Reg SHO Action (19, 1): '0', '1', '2'.
    @inlinable public var regSHOAction: UInt8 { base._itchU8(19) }
}

/// 'L' Market Participant Position, 26 bytes.
@frozen
public struct ITCHMarketParticipantPosition: ITCHMessageView {
    public let base: UnsafeRawPointer
    @inlinable public static var messageType: ITCHMessageType { .marketParticipantPosition }
    @inlinable @inline(__always) public init(unchecked base: UnsafeRawPointer) { self.base = base }

    /// MPID (11, 4), Alpha.
    @inlinable public var mpid: ITCHAlpha4 { base._itchU32(11) }
    /// Stock (15, 8): note the offset, after the MPID.
    @inlinable public var stock: Symbol { base._itchSymbol(15) }
    /// Primary Market Maker (23, 1): 'Y' / 'N'.
    @inlinable public var primaryMarketMaker: UInt8 { base._itchU8(23) }
    /// Market Maker Mode (24, 1): 'N', 'P', 'S', 'R', 'L'.
    @inlinable public var marketMakerMode: UInt8 { base._itchU8(24) }
    /// Market Participant State (25, 1): 'A', 'E', 'W', 'S', 'D'.
    @inlinable public var marketParticipantState: UInt8 { base._itchU8(25) }
}

/// 'V' MWCB Decline Level, 35 bytes: the day's three market-wide circuit breaker levels.
@frozen
public struct ITCHMWCBDeclineLevel: ITCHMessageView {
    public let base: UnsafeRawPointer
    @inlinable public static var messageType: ITCHMessageType { .mwcbDeclineLevel }
    @inlinable @inline(__always) public init(unchecked base: UnsafeRawPointer) { self.base = base }

    /// Level 1 (11, 8), Price(8).
    @inlinable public var level1: Price8 { base._itchPrice8(11) }
    /// Level 2 (19, 8), Price(8).
    @inlinable public var level2: Price8 { base._itchPrice8(19) }
    /// Level 3 (27, 8), Price(8).
    @inlinable public var level3: Price8 { base._itchPrice8(27) }
}

/// 'W' MWCB Status, 12 bytes.
@frozen
public struct ITCHMWCBStatus: ITCHMessageView {
    public let base: UnsafeRawPointer
    @inlinable public static var messageType: ITCHMessageType { .mwcbStatus }
    @inlinable @inline(__always) public init(unchecked base: UnsafeRawPointer) { self.base = base }

    /// Breached Level (11, 1): '1', '2', '3'.
    @inlinable public var breachedLevel: UInt8 { base._itchU8(11) }
}

/// 'K' IPO Quoting Period Update, 28 bytes.
@frozen
public struct ITCHIPOQuotingPeriodUpdate: ITCHMessageView {
    public let base: UnsafeRawPointer
    @inlinable public static var messageType: ITCHMessageType { .ipoQuotingPeriodUpdate }
    @inlinable @inline(__always) public init(unchecked base: UnsafeRawPointer) { self.base = base }

    /// Stock (11, 8).
    @inlinable public var stock: Symbol { base._itchSymbol(11) }
    /// IPO Quotation Release Time (19, 4): seconds since midnight; 0 when cancelled/postponed.
    @inlinable public var ipoQuotationReleaseTime: UInt32 { base._itchU32(19) }
    /// IPO Quotation Release Qualifier (23, 1): 'A' anticipated, 'C' cancelled/postponed.
    @inlinable public var ipoQuotationReleaseQualifier: UInt8 { base._itchU8(23) }
    /// IPO Price (24, 4), Price(4); 0 when cancelled/postponed.
    @inlinable public var ipoPrice: Price4 { base._itchPrice4(24) }
}

/// 'J' LULD Auction Collar, 35 bytes.
@frozen
public struct ITCHLULDAuctionCollar: ITCHMessageView {
    public let base: UnsafeRawPointer
    @inlinable public static var messageType: ITCHMessageType { .luldAuctionCollar }
    @inlinable @inline(__always) public init(unchecked base: UnsafeRawPointer) { self.base = base }

    /// Stock (11, 8).
    @inlinable public var stock: Symbol { base._itchSymbol(11) }
    /// Auction Collar Reference Price (19, 4), Price(4).
    @inlinable public var auctionCollarReferencePrice: Price4 { base._itchPrice4(19) }
    /// Upper Auction Collar Price (23, 4), Price(4).
    @inlinable public var upperAuctionCollarPrice: Price4 { base._itchPrice4(23) }
    /// Lower Auction Collar Price (27, 4), Price(4).
    @inlinable public var lowerAuctionCollarPrice: Price4 { base._itchPrice4(27) }
    /// Auction Collar Extension (31, 4): number of extensions to the reopening auction.
    @inlinable public var auctionCollarExtension: UInt32 { base._itchU32(31) }
}

/// 'h' Operational Halt, 21 bytes (halt on one NASDAQ market only, unlike 'H').
@frozen
public struct ITCHOperationalHalt: ITCHMessageView {
    public let base: UnsafeRawPointer
    @inlinable public static var messageType: ITCHMessageType { .operationalHalt }
    @inlinable @inline(__always) public init(unchecked base: UnsafeRawPointer) { self.base = base }

    /// Stock (11, 8).
    @inlinable public var stock: Symbol { base._itchSymbol(11) }
    /// Market Code (19, 1): 'Q' Nasdaq, 'B' BX, 'X' PSX.
    @inlinable public var marketCode: UInt8 { base._itchU8(19) }
    /// Operational Halt Action (20, 1): 'H' halted, 'T' resumed.
    @inlinable public var operationalHaltAction: UInt8 { base._itchU8(20) }
}
