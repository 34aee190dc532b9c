import VegaCore

// Views of the add and modify order messages (spec §1.3, §1.4): the ones that change the book.

/// 'A' Add Order (no MPID attribution), 36 bytes.
@frozen
public struct ITCHAddOrder: ITCHMessageView {
    public let base: UnsafeRawPointer
    @inlinable public static var messageType: ITCHMessageType { .addOrder }
    @inlinable @inline(__always) public init(unchecked base: UnsafeRawPointer) { self.base = base }

    /// Order Reference Number (11, 8): day-unique.
    @inlinable public var orderReference: UInt64 { base._itchU64(11) }
    /// Buy/Sell Indicator (19, 1), raw.
    @inlinable public var sideCode: UInt8 { base._itchU8(19) }
    /// Buy/Sell Indicator; nil for a byte other than 'B'/'S' (the decoder refuses those).
    @inlinable public var side: Side? { base._itchSide(19) }
    /// Shares (20, 4).
    @inlinable public var shares: UInt32 { base._itchU32(20) }
    /// Stock (24, 8).
    @inlinable public var stock: Symbol { base._itchSymbol(24) }
    /// Price (32, 4), Price(4): the display price.
    @inlinable public var price: Price4 { base._itchPrice4(32) }
}

/// 'F' Add Order with MPID attribution, 40 bytes: 'A' plus Attribution.
@frozen
public struct ITCHAddOrderMPID: ITCHMessageView {
    public let base: UnsafeRawPointer
    @inlinable public static var messageType: ITCHMessageType { .addOrderMPID }
    @inlinable @inline(__always) public init(unchecked base: UnsafeRawPointer) { self.base = base }

    /// Order Reference Number (11, 8).
    @inlinable public var orderReference: UInt64 { base._itchU64(11) }
    /// Buy/Sell Indicator (19, 1), raw.
    @inlinable public var sideCode: UInt8 { base._itchU8(19) }
    /// Buy/Sell Indicator; nil for a byte other than 'B'/'S'.
    @inlinable public var side: Side? { base._itchSide(19) }
    /// Shares (20, 4).
    @inlinable public var shares: UInt32 { base._itchU32(20) }
    /// Stock (24, 8).
    @inlinable public var stock: Symbol { base._itchSymbol(24) }
    /// Price (32, 4), Price(4).
    @inlinable public var price: Price4 { base._itchPrice4(32) }
    /// Attribution (36, 4), Alpha: the market participant's MPID.
    @inlinable public var attribution: ITCHAlpha4 { base._itchU32(36) }
}

/// 'E' Order Executed, 31 bytes: an execution at the order's own display price.
@frozen
public struct ITCHOrderExecuted: ITCHMessageView {
    public let base: UnsafeRawPointer
    @inlinable public static var messageType: ITCHMessageType { .orderExecuted }
    @inlinable @inline(__always) public init(unchecked base: UnsafeRawPointer) { self.base = base }

    /// Order Reference Number (11, 8).
    @inlinable public var orderReference: UInt64 { base._itchU64(11) }
    /// Executed Shares (19, 4).
    @inlinable public var executedShares: UInt32 { base._itchU32(19) }
    /// Match Number (23, 8): day-unique, referenced by 'B'.
    @inlinable public var matchNumber: UInt64 { base._itchU64(23) }
}

/// 'C' Order Executed With Price, 36 bytes: an execution at a price other than the display price.
@frozen
public struct ITCHOrderExecutedWithPrice: ITCHMessageView {
    public let base: UnsafeRawPointer
    @inlinable public static var messageType: ITCHMessageType { .orderExecutedWithPrice }
    @inlinable @inline(__always) public init(unchecked base: UnsafeRawPointer) { self.base = base }

    /// Order Reference Number (11, 8).
    @inlinable public var orderReference: UInt64 { base._itchU64(11) }
    /// Executed Shares (19, 4).
    @inlinable public var executedShares: UInt32 { base._itchU32(19) }
    /// Match Number (23, 8).
    @inlinable public var matchNumber: UInt64 { base._itchU64(23) }
    /// Printable (31, 1), raw: 'Y' / 'N'.
    @inlinable public var printableCode: UInt8 { base._itchU8(31) }
    /// True for 'Y': the execution counts in time-and-sales and volume ('N': a later bulk print,
    /// e.g. a cross, will report it, so counting it too would double count).
    @inlinable public var printable: Bool { printableCode == 0x59 }
    /// Execution Price (32, 4), Price(4).
    @inlinable public var executionPrice: Price4 { base._itchPrice4(32) }
}

/// 'X' Order Cancel, 23 bytes: a partial cancel.
@frozen
public struct ITCHOrderCancel: ITCHMessageView {
    public let base: UnsafeRawPointer
    @inlinable public static var messageType: ITCHMessageType { .orderCancel }
    @inlinable @inline(__always) public init(unchecked base: UnsafeRawPointer) { self.base = base }

    /// Order Reference Number (11, 8).
    @inlinable public var orderReference: UInt64 { base._itchU64(11) }
    /// Cancelled Shares (19, 4).
    @inlinable public var cancelledShares: UInt32 { base._itchU32(19) }
}

/// 'D' Order Delete, 19 bytes.
@frozen
public struct ITCHOrderDelete: ITCHMessageView {
    public let base: UnsafeRawPointer
    @inlinable public static var messageType: ITCHMessageType { .orderDelete }
    @inlinable @inline(__always) public init(unchecked base: UnsafeRawPointer) { self.base = base }

    /// Order Reference Number (11, 8).
    @inlinable public var orderReference: UInt64 { base._itchU64(11) }
}

/// 'U' Order Replace, 35 bytes: the original leaves the book; side, stock and attribution carry
/// over to the new reference (they are not in the message).
@frozen
public struct ITCHOrderReplace: ITCHMessageView {
    public let base: UnsafeRawPointer
    @inlinable public static var messageType: ITCHMessageType { .orderReplace }
    @inlinable @inline(__always) public init(unchecked base: UnsafeRawPointer) { self.base = base }

    /// Original Order Reference Number (11, 8).
    @inlinable public var originalOrderReference: UInt64 { base._itchU64(11) }
    /// New Order Reference Number (19, 8).
    @inlinable public var newOrderReference: UInt64 { base._itchU64(19) }
    /// Shares (27, 4): the new total displayed quantity.
    @inlinable public var shares: UInt32 { base._itchU32(27) }
    /// Price (31, 4), Price(4): the new display price.
    @inlinable public var price: Price4 { base._itchPrice4(31) }
}
