import VegaCore

// Views of the trade messages (spec §1.5) and the auction/retail information messages (§1.6–1.8).
// None of them changes the displayed book.

/// 'P' Trade (non-cross), 44 bytes: a match against a non-displayed order.
@frozen
public struct ITCHTrade: ITCHMessageView {
    public let base: UnsafeRawPointer
    @inlinable public static var messageType: ITCHMessageType { .trade }
    @inlinable @inline(__always) public init(unchecked base: UnsafeRawPointer) { self.base = base }

    /// Order Reference Number (11, 8): zero since 2010-12-06 (the spec says so).
    @inlinable public var orderReference: UInt64 { base._itchU64(11) }
    /// Buy/Sell Indicator (19, 1), raw. Always 'B' since 2014-07-14, whatever the resting side.
    @inlinable public var sideCode: UInt8 { base._itchU8(19) }
    /// Buy/Sell Indicator; nil for a byte other than 'B'/'S'.
    @inlinable public var side: Side? { base._itchSide(19) }
    /// Shares (20, 4).
    @inlinable public var shares: UInt32 { base._itchU32(20) }
    /// Stock (24, 8).
    @inlinable public var stock: Symbol { base._itchSymbol(24) }
    /// Price (32, 4), Price(4): the match price.
    @inlinable public var price: Price4 { base._itchPrice4(32) }
    /// Match Number (36, 8).
    @inlinable public var matchNumber: UInt64 { base._itchU64(36) }
}

/// 'Q' Cross Trade, 40 bytes: the bulk print of an opening, closing, IPO/halt cross.
@frozen
public struct ITCHCrossTrade: ITCHMessageView {
    public let base: UnsafeRawPointer
    @inlinable public static var messageType: ITCHMessageType { .crossTrade }
    @inlinable @inline(__always) public init(unchecked base: UnsafeRawPointer) { self.base = base }

    /// Shares (11, 8): may be zero when interest was insufficient to cross.
    @inlinable public var shares: UInt64 { base._itchU64(11) }
    /// Stock (19, 8).
    @inlinable public var stock: Symbol { base._itchSymbol(19) }
    /// Cross Price (27, 4), Price(4).
    @inlinable public var crossPrice: Price4 { base._itchPrice4(27) }
    /// Match Number (31, 8).
    @inlinable public var matchNumber: UInt64 { base._itchU64(31) }
    /// Cross Type (39, 1): 'O' opening, 'C' closing, 'H' IPO/halted/paused (older 5.0 revisions
    /// also listed 'I' intraday); passed through raw.
    @inlinable public var crossType: UInt8 { base._itchU8(39) }
}

/// 'B' Broken Trade, 19 bytes.
@frozen
public struct ITCHBrokenTrade: ITCHMessageView {
    public let base: UnsafeRawPointer
    @inlinable public static var messageType: ITCHMessageType { .brokenTrade }
    @inlinable @inline(__always) public init(unchecked base: UnsafeRawPointer) { self.base = base }

    /// Match Number (11, 8) of the execution ('E', 'C' or 'P') that was broken.
    @inlinable public var matchNumber: UInt64 { base._itchU64(11) }
}

/// 'I' Net Order Imbalance Indicator, 50 bytes.
@frozen
public struct ITCHNOII: ITCHMessageView {
    public let base: UnsafeRawPointer
    @inlinable public static var messageType: ITCHMessageType { .noii }
    @inlinable @inline(__always) public init(unchecked base: UnsafeRawPointer) { self.base = base }

    /// Paired Shares (11, 8).
    @inlinable public var pairedShares: UInt64 { base._itchU64(11) }
    /// Imbalance Shares (19, 8).
    @inlinable public var imbalanceShares: UInt64 { base._itchU64(19) }
    /// Imbalance Direction (27, 1): 'B', 'S', 'N', 'O', 'P' (paused, 2023).
    @inlinable public var imbalanceDirection: UInt8 { base._itchU8(27) }
    /// Stock (28, 8).
    @inlinable public var stock: Symbol { base._itchSymbol(28) }
    /// Far Price (36, 4), Price(4).
    @inlinable public var farPrice: Price4 { base._itchPrice4(36) }
    /// Near Price (40, 4), Price(4).
    @inlinable public var nearPrice: Price4 { base._itchPrice4(40) }
    /// Current Reference Price (44, 4), Price(4).
    @inlinable public var currentReferencePrice: Price4 { base._itchPrice4(44) }
    /// Cross Type (48, 1): 'O', 'C', 'H', 'A' (extended trading close, 2022).
    @inlinable public var crossType: UInt8 { base._itchU8(48) }
    /// Price Variation Indicator (49, 1): 'L', '1'…'9', 'A', 'B', 'C', ' '.
    @inlinable public var priceVariationIndicator: UInt8 { base._itchU8(49) }
}

/// 'N' Retail Price Improvement Indicator, 20 bytes.
@frozen
public struct ITCHRPII: ITCHMessageView {
    public let base: UnsafeRawPointer
    @inlinable public static var messageType: ITCHMessageType { .rpii }
    @inlinable @inline(__always) public init(unchecked base: UnsafeRawPointer) { self.base = base }

    /// Stock (11, 8).
    @inlinable public var stock: Symbol { base._itchSymbol(11) }
    /// Interest Flag (19, 1): 'B', 'S', 'A' (both), 'N' (none).
    @inlinable public var interestFlag: UInt8 { base._itchU8(19) }
}

/// 'O' Direct Listing with Capital Raise Price Discovery, 48 bytes (added 2023-04-28).
@frozen
public struct ITCHDLCRPriceDiscovery: ITCHMessageView {
    public let base: UnsafeRawPointer
    @inlinable public static var messageType: ITCHMessageType { .dlcrPriceDiscovery }
    @inlinable @inline(__always) public init(unchecked base: UnsafeRawPointer) { self.base = base }

    /// Stock (11, 8).
    @inlinable public var stock: Symbol { base._itchSymbol(11) }
    /// Open Eligibility Status (19, 1): 'N' not eligible, 'Y' eligible.
    @inlinable public var openEligibilityStatus: UInt8 { base._itchU8(19) }
    /// Minimum Allowable Price (20, 4), Price(4).
    @inlinable public var minimumAllowablePrice: Price4 { base._itchPrice4(20) }
    /// Maximum Allowable Price (24, 4), Price(4).
    @inlinable public var maximumAllowablePrice: Price4 { base._itchPrice4(24) }
    /// Near Execution Price (28, 4), Price(4).
    @inlinable public var nearExecutionPrice: Price4 { base._itchPrice4(28) }
    /// Near Execution Time (32, 8): "the time at which the near execution price was set"; the
    /// spec gives no unit, so it is passed through raw.
    @inlinable public var nearExecutionTime: UInt64 { base._itchU64(32) }
    /// Lower Price Range Collar (40, 4), Price(4).
    @inlinable public var lowerPriceRangeCollar: Price4 { base._itchPrice4(40) }
    /// Upper Price Range Collar (44, 4), Price(4).
    @inlinable public var upperPriceRangeCollar: Price4 { base._itchPrice4(44) }
}
