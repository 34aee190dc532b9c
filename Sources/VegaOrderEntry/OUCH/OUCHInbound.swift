import VegaCore

// OUCH 5.0 inbound messages (client → venue), section 2 of the specification (OUCHSpecification.swift).
// Each message is a value type with an `encode(into:)` that writes the wire bytes into a caller's
// buffer (no allocation), and a zero-copy view that reads them in place. A view is made only by
// `OUCHDecoder` after it checked length, enums and appendage; its bytes belong to the caller and
// must outlive it.

// MARK: - Enter Order 'O' (2.1)

/// Enter Order ('O', 47 bytes + appendage).
@frozen
public struct OUCHEnterOrder: Sendable, Hashable, BitwiseCopyable {
    @inlinable public static var type: UInt8 { 0x4F }
    @inlinable public static var fixedLength: Int { 47 }

    public var userRefNum: UInt32
    public var side: OUCHSide
    public var quantity: UInt32
    public var symbol: OUCHSymbol
    public var price: Price4
    public var timeInForce: OUCHTimeInForce
    public var display: OUCHDisplay
    public var capacity: OUCHCapacity
    public var intermarketSweep: OUCHIntermarketSweep
    public var crossType: OUCHCrossType
    public var clOrdID: OUCHClOrdID

    @inlinable
    public init(userRefNum: UInt32, side: OUCHSide, quantity: UInt32, symbol: OUCHSymbol, price: Price4,
                timeInForce: OUCHTimeInForce = .day, display: OUCHDisplay = .visible,
                capacity: OUCHCapacity = .agency, intermarketSweep: OUCHIntermarketSweep = .notEligible,
                crossType: OUCHCrossType = .continuous, clOrdID: OUCHClOrdID = .blank) {
        self.userRefNum = userRefNum; self.side = side; self.quantity = quantity; self.symbol = symbol
        self.price = price; self.timeInForce = timeInForce; self.display = display; self.capacity = capacity
        self.intermarketSweep = intermarketSweep; self.crossType = crossType; self.clOrdID = clOrdID
    }

    /// Writes the message (and `appendage`, TagValue elements) at the start of `buffer`; returns its
    /// length, or 0 if it does not fit. No allocation, no locks.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer, appendage: UnsafeRawBufferPointer = ouchNoAppendage) -> Int {
        guard let p = _ouchBegin(buffer, fixed: Self.fixedLength, appendage: appendage.count) else { return 0 }
        p._ouchPut8(0, Self.type)
        p._ouchPut32(1, userRefNum)
        p._ouchPut8(5, side.rawValue)
        p._ouchPut32(6, quantity)
        p._ouchPut64(10, symbol.rawValue)
        p._ouchPutPrice(18, price)
        p._ouchPut8(26, timeInForce.rawValue)
        p._ouchPut8(27, display.rawValue)
        p._ouchPut8(28, capacity.rawValue)
        p._ouchPut8(29, intermarketSweep.rawValue)
        p._ouchPut8(30, crossType.rawValue)
        p._ouchPutClOrdID(31, clOrdID)
        return _ouchFinish(p, fixed: Self.fixedLength, appendage: appendage)
    }
}

/// Zero-copy view of a decoded Enter Order.
@frozen
public struct OUCHEnterOrderView: BitwiseCopyable {
    public let base: UnsafeRawPointer
    public let count: Int
    @inlinable public init(unchecked base: UnsafeRawPointer, count: Int) { self.base = base; self.count = count }

    @inlinable public var userRefNum: UInt32 { base._ouchU32(1) }
    @inlinable public var side: OUCHSide { OUCHSide(rawValue: base._ouchU8(5)) }
    @inlinable public var quantity: UInt32 { base._ouchU32(6) }
    @inlinable public var symbol: OUCHSymbol { OUCHSymbol(rawValue: base._ouchU64(10)) }
    @inlinable public var price: Price4 { base._ouchPrice(18) }
    @inlinable public var timeInForce: OUCHTimeInForce { OUCHTimeInForce(rawValue: base._ouchU8(26)) }
    @inlinable public var display: OUCHDisplay { OUCHDisplay(rawValue: base._ouchU8(27)) }
    @inlinable public var capacity: OUCHCapacity { OUCHCapacity(rawValue: base._ouchU8(28)) }
    @inlinable public var intermarketSweep: OUCHIntermarketSweep { OUCHIntermarketSweep(rawValue: base._ouchU8(29)) }
    @inlinable public var crossType: OUCHCrossType { OUCHCrossType(rawValue: base._ouchU8(30)) }
    @inlinable public var clOrdID: OUCHClOrdID { base._ouchClOrdID(31) }
    @inlinable public var appendage: OUCHAppendage {
        OUCHAppendage(unchecked: base + OUCHEnterOrder.fixedLength, count: count - OUCHEnterOrder.fixedLength)
    }

    /// The fields as a value.
    @inlinable public var message: OUCHEnterOrder {
        OUCHEnterOrder(userRefNum: userRefNum, side: side, quantity: quantity, symbol: symbol, price: price,
                       timeInForce: timeInForce, display: display, capacity: capacity,
                       intermarketSweep: intermarketSweep, crossType: crossType, clOrdID: clOrdID)
    }

    @inlinable static func _check(_ p: UnsafeRawPointer) -> Bool {
        OUCHSide(rawValue: p._ouchU8(5)).isValid && OUCHTimeInForce(rawValue: p._ouchU8(26)).isValid
            && OUCHDisplay(rawValue: p._ouchU8(27)).isValid && OUCHCapacity(rawValue: p._ouchU8(28)).isValid
            && OUCHIntermarketSweep(rawValue: p._ouchU8(29)).isValid && OUCHCrossType(rawValue: p._ouchU8(30)).isValid
    }
}

// MARK: - Replace Order 'U' (2.2)

/// Replace Order Request ('U', 40 bytes + appendage).
@frozen
public struct OUCHReplaceOrder: Sendable, Hashable, BitwiseCopyable {
    @inlinable public static var type: UInt8 { 0x55 }
    @inlinable public static var fixedLength: Int { 40 }

    public var origUserRefNum: UInt32
    public var userRefNum: UInt32
    public var quantity: UInt32
    public var price: Price4
    public var timeInForce: OUCHTimeInForce
    public var display: OUCHDisplay
    public var intermarketSweep: OUCHIntermarketSweep
    public var clOrdID: OUCHClOrdID

    @inlinable
    public init(origUserRefNum: UInt32, userRefNum: UInt32, quantity: UInt32, price: Price4,
                timeInForce: OUCHTimeInForce = .day, display: OUCHDisplay = .visible,
                intermarketSweep: OUCHIntermarketSweep = .notEligible, clOrdID: OUCHClOrdID = .blank) {
        self.origUserRefNum = origUserRefNum; self.userRefNum = userRefNum; self.quantity = quantity
        self.price = price; self.timeInForce = timeInForce; self.display = display
        self.intermarketSweep = intermarketSweep; self.clOrdID = clOrdID
    }

    /// Writes the message into `buffer`; returns its length, or 0 if it does not fit. No allocation.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer, appendage: UnsafeRawBufferPointer = ouchNoAppendage) -> Int {
        guard let p = _ouchBegin(buffer, fixed: Self.fixedLength, appendage: appendage.count) else { return 0 }
        p._ouchPut8(0, Self.type)
        p._ouchPut32(1, origUserRefNum)
        p._ouchPut32(5, userRefNum)
        p._ouchPut32(9, quantity)
        p._ouchPutPrice(13, price)
        p._ouchPut8(21, timeInForce.rawValue)
        p._ouchPut8(22, display.rawValue)
        p._ouchPut8(23, intermarketSweep.rawValue)
        p._ouchPutClOrdID(24, clOrdID)
        return _ouchFinish(p, fixed: Self.fixedLength, appendage: appendage)
    }
}

/// Zero-copy view of a decoded Replace Order Request.
@frozen
public struct OUCHReplaceOrderView: BitwiseCopyable {
    public let base: UnsafeRawPointer
    public let count: Int
    @inlinable public init(unchecked base: UnsafeRawPointer, count: Int) { self.base = base; self.count = count }

    @inlinable public var origUserRefNum: UInt32 { base._ouchU32(1) }
    @inlinable public var userRefNum: UInt32 { base._ouchU32(5) }
    @inlinable public var quantity: UInt32 { base._ouchU32(9) }
    @inlinable public var price: Price4 { base._ouchPrice(13) }
    @inlinable public var timeInForce: OUCHTimeInForce { OUCHTimeInForce(rawValue: base._ouchU8(21)) }
    @inlinable public var display: OUCHDisplay { OUCHDisplay(rawValue: base._ouchU8(22)) }
    @inlinable public var intermarketSweep: OUCHIntermarketSweep { OUCHIntermarketSweep(rawValue: base._ouchU8(23)) }
    @inlinable public var clOrdID: OUCHClOrdID { base._ouchClOrdID(24) }
    @inlinable public var appendage: OUCHAppendage {
        OUCHAppendage(unchecked: base + OUCHReplaceOrder.fixedLength, count: count - OUCHReplaceOrder.fixedLength)
    }

    @inlinable public var message: OUCHReplaceOrder {
        OUCHReplaceOrder(origUserRefNum: origUserRefNum, userRefNum: userRefNum, quantity: quantity, price: price,
                         timeInForce: timeInForce, display: display, intermarketSweep: intermarketSweep, clOrdID: clOrdID)
    }

    @inlinable static func _check(_ p: UnsafeRawPointer) -> Bool {
        OUCHTimeInForce(rawValue: p._ouchU8(21)).isValid && OUCHDisplay(rawValue: p._ouchU8(22)).isValid
            && OUCHIntermarketSweep(rawValue: p._ouchU8(23)).isValid
    }
}

// MARK: - Cancel Order 'X' (2.3)

/// Cancel Order Request ('X', 9 bytes): `quantity` is the new intended order size (0 cancels all).
@frozen
public struct OUCHCancelOrder: Sendable, Hashable, BitwiseCopyable {
    @inlinable public static var type: UInt8 { 0x58 }
    @inlinable public static var length: Int { 9 }

    public var userRefNum: UInt32
    public var quantity: UInt32

    @inlinable public init(userRefNum: UInt32, quantity: UInt32) { self.userRefNum = userRefNum; self.quantity = quantity }

    /// Writes the message into `buffer`; returns 9, or 0 if it does not fit. No allocation.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let p = buffer.baseAddress, buffer.count >= Self.length else { return 0 }
        p._ouchPut8(0, Self.type)
        p._ouchPut32(1, userRefNum)
        p._ouchPut32(5, quantity)
        return Self.length
    }
}

/// Zero-copy view of a decoded Cancel Order Request.
@frozen
public struct OUCHCancelOrderView: BitwiseCopyable {
    public let base: UnsafeRawPointer
    @inlinable public init(unchecked base: UnsafeRawPointer) { self.base = base }
    @inlinable public var userRefNum: UInt32 { base._ouchU32(1) }
    @inlinable public var quantity: UInt32 { base._ouchU32(5) }
    @inlinable public var message: OUCHCancelOrder { OUCHCancelOrder(userRefNum: userRefNum, quantity: quantity) }
}

// MARK: - Modify Order 'M' (2.4)

/// Modify Order Request ('M', 10 bytes): a new side (S↔E↔T only) and intended size, keeping priority.
@frozen
public struct OUCHModifyOrder: Sendable, Hashable, BitwiseCopyable {
    @inlinable public static var type: UInt8 { 0x4D }
    @inlinable public static var length: Int { 10 }

    public var userRefNum: UInt32
    public var side: OUCHSide
    public var quantity: UInt32

    @inlinable public init(userRefNum: UInt32, side: OUCHSide, quantity: UInt32) {
        self.userRefNum = userRefNum; self.side = side; self.quantity = quantity
    }

    /// Writes the message into `buffer`; returns 10, or 0 if it does not fit. No allocation.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let p = buffer.baseAddress, buffer.count >= Self.length else { return 0 }
        p._ouchPut8(0, Self.type)
        p._ouchPut32(1, userRefNum)
        p._ouchPut8(5, side.rawValue)
        p._ouchPut32(6, quantity)
        return Self.length
    }
}

/// Zero-copy view of a decoded Modify Order Request.
@frozen
public struct OUCHModifyOrderView: BitwiseCopyable {
    public let base: UnsafeRawPointer
    @inlinable public init(unchecked base: UnsafeRawPointer) { self.base = base }
    @inlinable public var userRefNum: UInt32 { base._ouchU32(1) }
    @inlinable public var side: OUCHSide { OUCHSide(rawValue: base._ouchU8(5)) }
    @inlinable public var quantity: UInt32 { base._ouchU32(6) }
    @inlinable public var message: OUCHModifyOrder { OUCHModifyOrder(userRefNum: userRefNum, side: side, quantity: quantity) }
}

// MARK: - Mass Cancel 'C' (2024 revision)

/// Mass Cancel Request ('C', 19 bytes + appendage): cancel every booked order of `firm` on the
/// account, in `symbol` unless it is blank; the appendage may narrow it further (side, group).
@frozen
public struct OUCHMassCancel: Sendable, Hashable, BitwiseCopyable {
    @inlinable public static var type: UInt8 { 0x43 }
    @inlinable public static var fixedLength: Int { 19 }

    public var userRefNum: UInt32
    public var firm: OUCHFirm
    public var symbol: OUCHSymbol

    @inlinable public init(userRefNum: UInt32, firm: OUCHFirm = .blank, symbol: OUCHSymbol = .blank) {
        self.userRefNum = userRefNum; self.firm = firm; self.symbol = symbol
    }

    /// Writes the message into `buffer`; returns its length, or 0 if it does not fit. No allocation.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer, appendage: UnsafeRawBufferPointer = ouchNoAppendage) -> Int {
        guard let p = _ouchBegin(buffer, fixed: Self.fixedLength, appendage: appendage.count) else { return 0 }
        p._ouchPut8(0, Self.type)
        p._ouchPut32(1, userRefNum)
        p._ouchPut32(5, firm.rawValue)
        p._ouchPut64(9, symbol.rawValue)
        return _ouchFinish(p, fixed: Self.fixedLength, appendage: appendage)
    }
}

/// Zero-copy view of a decoded Mass Cancel Request.
@frozen
public struct OUCHMassCancelView: BitwiseCopyable {
    public let base: UnsafeRawPointer
    public let count: Int
    @inlinable public init(unchecked base: UnsafeRawPointer, count: Int) { self.base = base; self.count = count }
    @inlinable public var userRefNum: UInt32 { base._ouchU32(1) }
    @inlinable public var firm: OUCHFirm { OUCHFirm(rawValue: base._ouchU32(5)) }
    @inlinable public var symbol: OUCHSymbol { OUCHSymbol(rawValue: base._ouchU64(9)) }
    @inlinable public var appendage: OUCHAppendage {
        OUCHAppendage(unchecked: base + OUCHMassCancel.fixedLength, count: count - OUCHMassCancel.fixedLength)
    }
    @inlinable public var message: OUCHMassCancel { OUCHMassCancel(userRefNum: userRefNum, firm: firm, symbol: symbol) }
}

// MARK: - Account Query Request 'Q' (2.5)

/// Account Query Request ('Q', 1 byte): asks for the next usable UserRefNum after a restart.
@frozen
public struct OUCHAccountQueryRequest: Sendable, Hashable, BitwiseCopyable {
    @inlinable public static var type: UInt8 { 0x51 }
    @inlinable public static var length: Int { 1 }

    @inlinable public init() {}

    /// Writes the message into `buffer`; returns 1, or 0 if it does not fit.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let p = buffer.baseAddress, buffer.count >= Self.length else { return 0 }
        p._ouchPut8(0, Self.type)
        return Self.length
    }
}
