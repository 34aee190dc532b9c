import VegaCore

// OUCH 5.0 outbound messages that update a live order or answer account and mass requests: Priority
// Update, Order Modified, Order Restated, Account Query Response (spec 3.11–3.14), Mass Cancel
// Response (2024 revision, see OUCHSpecification.swift).

// MARK: - Order Priority Update 'T' (3.11)

/// Order Priority Update ('T', 30 bytes): a new Order Reference Number after a priority change.
@frozen
public struct OUCHPriorityUpdate: Sendable, Hashable, BitwiseCopyable {
    @inlinable public static var type: UInt8 { 0x54 }
    @inlinable public static var length: Int { 30 }
    public var timestamp: OUCHTimestamp
    public var userRefNum: UInt32
    public var price: Price4
    public var display: OUCHDisplay
    public var orderReferenceNumber: UInt64

    @inlinable
    public init(timestamp: OUCHTimestamp, userRefNum: UInt32, price: Price4, display: OUCHDisplay, orderReferenceNumber: UInt64) {
        self.timestamp = timestamp; self.userRefNum = userRefNum; self.price = price; self.display = display
        self.orderReferenceNumber = orderReferenceNumber
    }

    /// Writes the message into `buffer`; returns 30, or 0 if it does not fit. No allocation.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let p = buffer.baseAddress, buffer.count >= Self.length else { return 0 }
        p._ouchPut8(0, Self.type); p._ouchPut64(1, timestamp.nanoseconds); p._ouchPut32(9, userRefNum)
        p._ouchPutPrice(13, price); p._ouchPut8(21, display.rawValue); p._ouchPut64(22, orderReferenceNumber)
        return Self.length
    }
}

@frozen
public struct OUCHPriorityUpdateView: BitwiseCopyable {
    public let base: UnsafeRawPointer
    @inlinable public init(unchecked base: UnsafeRawPointer) { self.base = base }
    @inlinable public var timestamp: OUCHTimestamp { OUCHTimestamp(nanoseconds: base._ouchU64(1)) }
    @inlinable public var userRefNum: UInt32 { base._ouchU32(9) }
    @inlinable public var price: Price4 { base._ouchPrice(13) }
    @inlinable public var display: OUCHDisplay { OUCHDisplay(rawValue: base._ouchU8(21)) }
    @inlinable public var orderReferenceNumber: UInt64 { base._ouchU64(22) }
    @inlinable public var message: OUCHPriorityUpdate {
        OUCHPriorityUpdate(timestamp: timestamp, userRefNum: userRefNum, price: price, display: display,
                           orderReferenceNumber: orderReferenceNumber)
    }
}

// MARK: - Order Modified 'M' (3.12)

/// Order Modified ('M', 18 bytes): the answer to a Modify Order Request.
@frozen
public struct OUCHOrderModified: Sendable, Hashable, BitwiseCopyable {
    @inlinable public static var type: UInt8 { 0x4D }
    @inlinable public static var length: Int { 18 }
    public var timestamp: OUCHTimestamp
    public var userRefNum: UInt32
    public var side: OUCHSide
    public var quantity: UInt32

    @inlinable public init(timestamp: OUCHTimestamp, userRefNum: UInt32, side: OUCHSide, quantity: UInt32) {
        self.timestamp = timestamp; self.userRefNum = userRefNum; self.side = side; self.quantity = quantity
    }

    /// Writes the message into `buffer`; returns 18, or 0 if it does not fit. No allocation.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let p = buffer.baseAddress, buffer.count >= Self.length else { return 0 }
        p._ouchPut8(0, Self.type); p._ouchPut64(1, timestamp.nanoseconds); p._ouchPut32(9, userRefNum)
        p._ouchPut8(13, side.rawValue); p._ouchPut32(14, quantity)
        return Self.length
    }
}

@frozen
public struct OUCHOrderModifiedView: BitwiseCopyable {
    public let base: UnsafeRawPointer
    @inlinable public init(unchecked base: UnsafeRawPointer) { self.base = base }
    @inlinable public var timestamp: OUCHTimestamp { OUCHTimestamp(nanoseconds: base._ouchU64(1)) }
    @inlinable public var userRefNum: UInt32 { base._ouchU32(9) }
    @inlinable public var side: OUCHSide { OUCHSide(rawValue: base._ouchU8(13)) }
    @inlinable public var quantity: UInt32 { base._ouchU32(14) }
    @inlinable public var message: OUCHOrderModified {
        OUCHOrderModified(timestamp: timestamp, userRefNum: userRefNum, side: side, quantity: quantity)
    }
}

// MARK: - Order Restated 'R' (3.13)

/// Order Restated ('R', 16 bytes + appendage carrying Display Quantity / Display Price /
/// SecondaryOrdRefNum).
@frozen
public struct OUCHOrderRestated: Sendable, Hashable, BitwiseCopyable {
    @inlinable public static var type: UInt8 { 0x52 }
    @inlinable public static var fixedLength: Int { 16 }
    public var timestamp: OUCHTimestamp
    public var userRefNum: UInt32
    public var reason: OUCHRestatedReason

    @inlinable public init(timestamp: OUCHTimestamp, userRefNum: UInt32, reason: OUCHRestatedReason) {
        self.timestamp = timestamp; self.userRefNum = userRefNum; self.reason = reason
    }

    /// Writes the message into `buffer`; returns its length, or 0 if it does not fit. No allocation.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer, appendage: UnsafeRawBufferPointer = ouchNoAppendage) -> Int {
        guard let p = _ouchBegin(buffer, fixed: Self.fixedLength, appendage: appendage.count) else { return 0 }
        p._ouchPut8(0, Self.type); p._ouchPut64(1, timestamp.nanoseconds); p._ouchPut32(9, userRefNum)
        p._ouchPut8(13, reason.rawValue)
        return _ouchFinish(p, fixed: Self.fixedLength, appendage: appendage)
    }
}

@frozen
public struct OUCHOrderRestatedView: BitwiseCopyable {
    public let base: UnsafeRawPointer
    public let count: Int
    @inlinable public init(unchecked base: UnsafeRawPointer, count: Int) { self.base = base; self.count = count }
    @inlinable public var timestamp: OUCHTimestamp { OUCHTimestamp(nanoseconds: base._ouchU64(1)) }
    @inlinable public var userRefNum: UInt32 { base._ouchU32(9) }
    @inlinable public var reason: OUCHRestatedReason { OUCHRestatedReason(rawValue: base._ouchU8(13)) }
    @inlinable public var appendage: OUCHAppendage {
        OUCHAppendage(unchecked: base + OUCHOrderRestated.fixedLength, count: count - OUCHOrderRestated.fixedLength)
    }
    @inlinable public var message: OUCHOrderRestated {
        OUCHOrderRestated(timestamp: timestamp, userRefNum: userRefNum, reason: reason)
    }
}

// MARK: - Account Query Response 'Q' (3.14)

/// Account Query Response ('Q', 13 bytes): the next UserRefNum the account may use.
@frozen
public struct OUCHAccountQueryResponse: Sendable, Hashable, BitwiseCopyable {
    @inlinable public static var type: UInt8 { 0x51 }
    @inlinable public static var length: Int { 13 }
    public var timestamp: OUCHTimestamp
    public var nextUserRefNum: UInt32

    @inlinable public init(timestamp: OUCHTimestamp, nextUserRefNum: UInt32) {
        self.timestamp = timestamp; self.nextUserRefNum = nextUserRefNum
    }

    /// Writes the message into `buffer`; returns 13, or 0 if it does not fit. No allocation.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let p = buffer.baseAddress, buffer.count >= Self.length else { return 0 }
        p._ouchPut8(0, Self.type); p._ouchPut64(1, timestamp.nanoseconds); p._ouchPut32(9, nextUserRefNum)
        return Self.length
    }
}

@frozen
public struct OUCHAccountQueryResponseView: BitwiseCopyable {
    public let base: UnsafeRawPointer
    @inlinable public init(unchecked base: UnsafeRawPointer) { self.base = base }
    @inlinable public var timestamp: OUCHTimestamp { OUCHTimestamp(nanoseconds: base._ouchU64(1)) }
    @inlinable public var nextUserRefNum: UInt32 { base._ouchU32(9) }
    @inlinable public var message: OUCHAccountQueryResponse {
        OUCHAccountQueryResponse(timestamp: timestamp, nextUserRefNum: nextUserRefNum)
    }
}

// MARK: - Mass Cancel Response 'X' (2024 revision)

/// Mass Cancel Response ('X', 27 bytes + appendage): the Mass Cancel Request echoed.
@frozen
public struct OUCHMassCancelResponse: Sendable, Hashable, BitwiseCopyable {
    @inlinable public static var type: UInt8 { 0x58 }
    @inlinable public static var fixedLength: Int { 27 }
    public var timestamp: OUCHTimestamp
    public var userRefNum: UInt32
    public var firm: OUCHFirm
    public var symbol: OUCHSymbol

    @inlinable public init(timestamp: OUCHTimestamp, userRefNum: UInt32, firm: OUCHFirm, symbol: OUCHSymbol) {
        self.timestamp = timestamp; self.userRefNum = userRefNum; self.firm = firm; self.symbol = symbol
    }

    /// Writes the message into `buffer`; returns its length, or 0 if it does not fit. No allocation.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer, appendage: UnsafeRawBufferPointer = ouchNoAppendage) -> Int {
        guard let p = _ouchBegin(buffer, fixed: Self.fixedLength, appendage: appendage.count) else { return 0 }
        p._ouchPut8(0, Self.type); p._ouchPut64(1, timestamp.nanoseconds); p._ouchPut32(9, userRefNum)
        p._ouchPut32(13, firm.rawValue); p._ouchPut64(17, symbol.rawValue)
        return _ouchFinish(p, fixed: Self.fixedLength, appendage: appendage)
    }
}

@frozen
public struct OUCHMassCancelResponseView: BitwiseCopyable {
    public let base: UnsafeRawPointer
    public let count: Int
    @inlinable public init(unchecked base: UnsafeRawPointer, count: Int) { self.base = base; self.count = count }
    @inlinable public var timestamp: OUCHTimestamp { OUCHTimestamp(nanoseconds: base._ouchU64(1)) }
    @inlinable public var userRefNum: UInt32 { base._ouchU32(9) }
    @inlinable public var firm: OUCHFirm { OUCHFirm(rawValue: base._ouchU32(13)) }
    @inlinable public var symbol: OUCHSymbol { OUCHSymbol(rawValue: base._ouchU64(17)) }
    @inlinable public var appendage: OUCHAppendage {
        OUCHAppendage(unchecked: base + OUCHMassCancelResponse.fixedLength, count: count - OUCHMassCancelResponse.fixedLength)
    }
    @inlinable public var message: OUCHMassCancelResponse {
        OUCHMassCancelResponse(timestamp: timestamp, userRefNum: userRefNum, firm: firm, symbol: symbol)
    }
}
