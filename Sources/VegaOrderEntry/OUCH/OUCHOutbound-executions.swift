import VegaCore

// OUCH 5.0 outbound messages about trades and rejections: Executed, Broken Trade, Rejected, Cancel
// Pending, Cancel Reject (spec 3.6–3.10).

// MARK: - Order Executed 'E' (3.6)

/// Order Executed ('E', 36 bytes + appendage): `quantity` shares just executed at `price`.
@frozen
public struct OUCHOrderExecuted: Sendable, Hashable, BitwiseCopyable {
    @inlinable public static var type: UInt8 { 0x45 }
    @inlinable public static var fixedLength: Int { 36 }
    public var timestamp: OUCHTimestamp
    public var userRefNum: UInt32
    public var quantity: UInt32
    public var price: Price4
    public var liquidityFlag: OUCHLiquidityFlag
    public var matchNumber: UInt64

    @inlinable
    public init(timestamp: OUCHTimestamp, userRefNum: UInt32, quantity: UInt32, price: Price4,
                liquidityFlag: OUCHLiquidityFlag, matchNumber: UInt64) {
        self.timestamp = timestamp; self.userRefNum = userRefNum; self.quantity = quantity; self.price = price
        self.liquidityFlag = liquidityFlag; self.matchNumber = matchNumber
    }

    /// Writes the message into `buffer`; returns its length, or 0 if it does not fit. No allocation.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer, appendage: UnsafeRawBufferPointer = ouchNoAppendage) -> Int {
        guard let p = _ouchBegin(buffer, fixed: Self.fixedLength, appendage: appendage.count) else { return 0 }
        p._ouchPut8(0, Self.type); p._ouchPut64(1, timestamp.nanoseconds); p._ouchPut32(9, userRefNum)
        p._ouchPut32(13, quantity); p._ouchPutPrice(17, price); p._ouchPut8(25, liquidityFlag.rawValue)
        p._ouchPut64(26, matchNumber)
        return _ouchFinish(p, fixed: Self.fixedLength, appendage: appendage)
    }
}

@frozen
public struct OUCHOrderExecutedView: BitwiseCopyable {
    public let base: UnsafeRawPointer
    public let count: Int
    @inlinable public init(unchecked base: UnsafeRawPointer, count: Int) { self.base = base; self.count = count }
    @inlinable public var timestamp: OUCHTimestamp { OUCHTimestamp(nanoseconds: base._ouchU64(1)) }
    @inlinable public var userRefNum: UInt32 { base._ouchU32(9) }
    @inlinable public var quantity: UInt32 { base._ouchU32(13) }
    @inlinable public var price: Price4 { base._ouchPrice(17) }
    @inlinable public var liquidityFlag: OUCHLiquidityFlag { OUCHLiquidityFlag(rawValue: base._ouchU8(25)) }
    @inlinable public var matchNumber: UInt64 { base._ouchU64(26) }
    @inlinable public var appendage: OUCHAppendage {
        OUCHAppendage(unchecked: base + OUCHOrderExecuted.fixedLength, count: count - OUCHOrderExecuted.fixedLength)
    }
    @inlinable public var message: OUCHOrderExecuted {
        OUCHOrderExecuted(timestamp: timestamp, userRefNum: userRefNum, quantity: quantity, price: price,
                          liquidityFlag: liquidityFlag, matchNumber: matchNumber)
    }
}

// MARK: - Broken Trade 'B' (3.7)

/// Broken Trade ('B', 36 bytes).
@frozen
public struct OUCHBrokenTrade: Sendable, Hashable, BitwiseCopyable {
    @inlinable public static var type: UInt8 { 0x42 }
    @inlinable public static var length: Int { 36 }
    public var timestamp: OUCHTimestamp
    public var userRefNum: UInt32
    public var matchNumber: UInt64
    public var reason: OUCHBrokenTradeReason
    public var clOrdID: OUCHClOrdID

    @inlinable
    public init(timestamp: OUCHTimestamp, userRefNum: UInt32, matchNumber: UInt64, reason: OUCHBrokenTradeReason,
                clOrdID: OUCHClOrdID) {
        self.timestamp = timestamp; self.userRefNum = userRefNum; self.matchNumber = matchNumber
        self.reason = reason; self.clOrdID = clOrdID
    }

    /// Writes the message into `buffer`; returns 36, or 0 if it does not fit. No allocation.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let p = buffer.baseAddress, buffer.count >= Self.length else { return 0 }
        p._ouchPut8(0, Self.type); p._ouchPut64(1, timestamp.nanoseconds); p._ouchPut32(9, userRefNum)
        p._ouchPut64(13, matchNumber); p._ouchPut8(21, reason.rawValue); p._ouchPutClOrdID(22, clOrdID)
        return Self.length
    }
}

@frozen
public struct OUCHBrokenTradeView: BitwiseCopyable {
    public let base: UnsafeRawPointer
    @inlinable public init(unchecked base: UnsafeRawPointer) { self.base = base }
    @inlinable public var timestamp: OUCHTimestamp { OUCHTimestamp(nanoseconds: base._ouchU64(1)) }
    @inlinable public var userRefNum: UInt32 { base._ouchU32(9) }
    @inlinable public var matchNumber: UInt64 { base._ouchU64(13) }
    @inlinable public var reason: OUCHBrokenTradeReason { OUCHBrokenTradeReason(rawValue: base._ouchU8(21)) }
    @inlinable public var clOrdID: OUCHClOrdID { base._ouchClOrdID(22) }
    @inlinable public var message: OUCHBrokenTrade {
        OUCHBrokenTrade(timestamp: timestamp, userRefNum: userRefNum, matchNumber: matchNumber, reason: reason, clOrdID: clOrdID)
    }
}

// MARK: - Rejected 'J' (3.8)

/// Order Rejected ('J', 29 bytes); the UserRefNum is consumed.
@frozen
public struct OUCHOrderRejected: Sendable, Hashable, BitwiseCopyable {
    @inlinable public static var type: UInt8 { 0x4A }
    @inlinable public static var length: Int { 29 }
    public var timestamp: OUCHTimestamp
    public var userRefNum: UInt32
    public var reason: OUCHRejectReason
    public var clOrdID: OUCHClOrdID

    @inlinable
    public init(timestamp: OUCHTimestamp, userRefNum: UInt32, reason: OUCHRejectReason, clOrdID: OUCHClOrdID) {
        self.timestamp = timestamp; self.userRefNum = userRefNum; self.reason = reason; self.clOrdID = clOrdID
    }

    /// Writes the message into `buffer`; returns 29, or 0 if it does not fit. No allocation.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let p = buffer.baseAddress, buffer.count >= Self.length else { return 0 }
        p._ouchPut8(0, Self.type); p._ouchPut64(1, timestamp.nanoseconds); p._ouchPut32(9, userRefNum)
        p._ouchPut16(13, reason.rawValue); p._ouchPutClOrdID(15, clOrdID)
        return Self.length
    }
}

@frozen
public struct OUCHOrderRejectedView: BitwiseCopyable {
    public let base: UnsafeRawPointer
    @inlinable public init(unchecked base: UnsafeRawPointer) { self.base = base }
    @inlinable public var timestamp: OUCHTimestamp { OUCHTimestamp(nanoseconds: base._ouchU64(1)) }
    @inlinable public var userRefNum: UInt32 { base._ouchU32(9) }
    @inlinable public var reason: OUCHRejectReason { OUCHRejectReason(rawValue: base._ouchU16(13)) }
    @inlinable public var clOrdID: OUCHClOrdID { base._ouchClOrdID(15) }
    @inlinable public var message: OUCHOrderRejected {
        OUCHOrderRejected(timestamp: timestamp, userRefNum: userRefNum, reason: reason, clOrdID: clOrdID)
    }
}

// MARK: - Cancel Pending 'P' (3.9) and Cancel Reject 'I' (3.10)

/// Cancel Pending ('P', 13 bytes) or Cancel Reject ('I', 13 bytes): the same layout, told apart by
/// `type`. Cancel Pending: the cross order will be canceled right after the cross; Cancel Reject: a
/// partial cancel of a cross order was refused.
@frozen
public struct OUCHCancelNotice: Sendable, Hashable, BitwiseCopyable {
    @inlinable public static var pendingType: UInt8 { 0x50 }
    @inlinable public static var rejectType: UInt8 { 0x49 }
    @inlinable public static var length: Int { 13 }
    /// `pendingType` ('P') or `rejectType` ('I').
    public var isReject: Bool
    public var timestamp: OUCHTimestamp
    public var userRefNum: UInt32

    @inlinable public init(isReject: Bool, timestamp: OUCHTimestamp, userRefNum: UInt32) {
        self.isReject = isReject; self.timestamp = timestamp; self.userRefNum = userRefNum
    }

    /// Writes the message into `buffer`; returns 13, or 0 if it does not fit. No allocation.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let p = buffer.baseAddress, buffer.count >= Self.length else { return 0 }
        p._ouchPut8(0, isReject ? Self.rejectType : Self.pendingType)
        p._ouchPut64(1, timestamp.nanoseconds); p._ouchPut32(9, userRefNum)
        return Self.length
    }
}

@frozen
public struct OUCHCancelNoticeView: BitwiseCopyable {
    public let base: UnsafeRawPointer
    @inlinable public init(unchecked base: UnsafeRawPointer) { self.base = base }
    @inlinable public var isReject: Bool { base._ouchU8(0) == OUCHCancelNotice.rejectType }
    @inlinable public var timestamp: OUCHTimestamp { OUCHTimestamp(nanoseconds: base._ouchU64(1)) }
    @inlinable public var userRefNum: UInt32 { base._ouchU32(9) }
    @inlinable public var message: OUCHCancelNotice {
        OUCHCancelNotice(isReject: isReject, timestamp: timestamp, userRefNum: userRefNum)
    }
}
