import VegaCore

// OUCH 5.0 outbound messages (venue → client) about the order's life: System Event, Accepted,
// Replaced, Canceled, AIQ Canceled (section 3.1–3.5). Same shape as OUCHInbound.swift: a value type
// with `encode(into:)`, and a zero-copy view that only OUCHDecoder makes.

/// Timestamp type of every outbound message: nanoseconds since midnight (spec 3.x, 8 bytes).
public typealias OUCHTimestamp = Timestamp<SinceMidnight>

// MARK: - System Event 'S' (3.1)

/// System Event ('S', 10 bytes).
@frozen
public struct OUCHSystemEvent: Sendable, Hashable, BitwiseCopyable {
    @inlinable public static var type: UInt8 { 0x53 }
    @inlinable public static var length: Int { 10 }
    public var timestamp: OUCHTimestamp
    public var eventCode: OUCHEventCode

    @inlinable public init(timestamp: OUCHTimestamp, eventCode: OUCHEventCode) {
        self.timestamp = timestamp; self.eventCode = eventCode
    }

    /// Writes the message into `buffer`; returns 10, or 0 if it does not fit. No allocation.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let p = buffer.baseAddress, buffer.count >= Self.length else { return 0 }
        p._ouchPut8(0, Self.type); p._ouchPut64(1, timestamp.nanoseconds); p._ouchPut8(9, eventCode.rawValue)
        return Self.length
    }
}

@frozen
public struct OUCHSystemEventView: BitwiseCopyable {
    public let base: UnsafeRawPointer
    @inlinable public init(unchecked base: UnsafeRawPointer) { self.base = base }
    @inlinable public var timestamp: OUCHTimestamp { OUCHTimestamp(nanoseconds: base._ouchU64(1)) }
    @inlinable public var eventCode: OUCHEventCode { OUCHEventCode(rawValue: base._ouchU8(9)) }
    @inlinable public var message: OUCHSystemEvent { OUCHSystemEvent(timestamp: timestamp, eventCode: eventCode) }
}

// MARK: - Order Accepted 'A' (3.2)

/// Order Accepted ('A', 64 bytes + appendage): the Enter Order echoed with the accepted values and
/// NASDAQ's Order Reference Number.
@frozen
public struct OUCHOrderAccepted: Sendable, Hashable, BitwiseCopyable {
    @inlinable public static var type: UInt8 { 0x41 }
    @inlinable public static var fixedLength: Int { 64 }

    public var timestamp: OUCHTimestamp
    public var userRefNum: UInt32
    public var side: OUCHSide
    public var quantity: UInt32
    public var symbol: OUCHSymbol
    public var price: Price4
    public var timeInForce: OUCHTimeInForce
    public var display: OUCHDisplay
    public var orderReferenceNumber: UInt64
    public var capacity: OUCHCapacity
    public var intermarketSweep: OUCHIntermarketSweep
    public var crossType: OUCHCrossType
    public var orderState: OUCHOrderState
    public var clOrdID: OUCHClOrdID

    @inlinable
    public init(timestamp: OUCHTimestamp, userRefNum: UInt32, side: OUCHSide, quantity: UInt32, symbol: OUCHSymbol,
                price: Price4, timeInForce: OUCHTimeInForce, display: OUCHDisplay, orderReferenceNumber: UInt64,
                capacity: OUCHCapacity, intermarketSweep: OUCHIntermarketSweep, crossType: OUCHCrossType,
                orderState: OUCHOrderState, clOrdID: OUCHClOrdID) {
        self.timestamp = timestamp; self.userRefNum = userRefNum; self.side = side; self.quantity = quantity
        self.symbol = symbol; self.price = price; self.timeInForce = timeInForce; self.display = display
        self.orderReferenceNumber = orderReferenceNumber; self.capacity = capacity
        self.intermarketSweep = intermarketSweep; self.crossType = crossType; self.orderState = orderState
        self.clOrdID = clOrdID
    }

    /// The acceptance of `order` as entered (what a venue or simulator sends back).
    @inlinable
    public init(accepting order: OUCHEnterOrder, timestamp: OUCHTimestamp, orderReferenceNumber: UInt64,
                orderState: OUCHOrderState = .live) {
        self.init(timestamp: timestamp, userRefNum: order.userRefNum, side: order.side, quantity: order.quantity,
                  symbol: order.symbol, price: order.price, timeInForce: order.timeInForce, display: order.display,
                  orderReferenceNumber: orderReferenceNumber, capacity: order.capacity,
                  intermarketSweep: order.intermarketSweep, crossType: order.crossType, orderState: orderState,
                  clOrdID: order.clOrdID)
    }

    /// Writes the message into `buffer`; returns its length, or 0 if it does not fit. No allocation.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer, appendage: UnsafeRawBufferPointer = ouchNoAppendage) -> Int {
        guard let p = _ouchBegin(buffer, fixed: Self.fixedLength, appendage: appendage.count) else { return 0 }
        p._ouchPut8(0, Self.type)
        p._ouchPut64(1, timestamp.nanoseconds)
        p._ouchPut32(9, userRefNum)
        p._ouchPut8(13, side.rawValue)
        p._ouchPut32(14, quantity)
        p._ouchPut64(18, symbol.rawValue)
        p._ouchPutPrice(26, price)
        p._ouchPut8(34, timeInForce.rawValue)
        p._ouchPut8(35, display.rawValue)
        p._ouchPut64(36, orderReferenceNumber)
        p._ouchPut8(44, capacity.rawValue)
        p._ouchPut8(45, intermarketSweep.rawValue)
        p._ouchPut8(46, crossType.rawValue)
        p._ouchPut8(47, orderState.rawValue)
        p._ouchPutClOrdID(48, clOrdID)
        return _ouchFinish(p, fixed: Self.fixedLength, appendage: appendage)
    }
}

@frozen
public struct OUCHOrderAcceptedView: BitwiseCopyable {
    public let base: UnsafeRawPointer
    public let count: Int
    @inlinable public init(unchecked base: UnsafeRawPointer, count: Int) { self.base = base; self.count = count }

    @inlinable public var timestamp: OUCHTimestamp { OUCHTimestamp(nanoseconds: base._ouchU64(1)) }
    @inlinable public var userRefNum: UInt32 { base._ouchU32(9) }
    @inlinable public var side: OUCHSide { OUCHSide(rawValue: base._ouchU8(13)) }
    @inlinable public var quantity: UInt32 { base._ouchU32(14) }
    @inlinable public var symbol: OUCHSymbol { OUCHSymbol(rawValue: base._ouchU64(18)) }
    @inlinable public var price: Price4 { base._ouchPrice(26) }
    @inlinable public var timeInForce: OUCHTimeInForce { OUCHTimeInForce(rawValue: base._ouchU8(34)) }
    @inlinable public var display: OUCHDisplay { OUCHDisplay(rawValue: base._ouchU8(35)) }
    @inlinable public var orderReferenceNumber: UInt64 { base._ouchU64(36) }
    @inlinable public var capacity: OUCHCapacity { OUCHCapacity(rawValue: base._ouchU8(44)) }
    @inlinable public var intermarketSweep: OUCHIntermarketSweep { OUCHIntermarketSweep(rawValue: base._ouchU8(45)) }
    @inlinable public var crossType: OUCHCrossType { OUCHCrossType(rawValue: base._ouchU8(46)) }
    @inlinable public var orderState: OUCHOrderState { OUCHOrderState(rawValue: base._ouchU8(47)) }
    @inlinable public var clOrdID: OUCHClOrdID { base._ouchClOrdID(48) }
    @inlinable public var appendage: OUCHAppendage {
        OUCHAppendage(unchecked: base + OUCHOrderAccepted.fixedLength, count: count - OUCHOrderAccepted.fixedLength)
    }

    @inlinable public var message: OUCHOrderAccepted {
        OUCHOrderAccepted(timestamp: timestamp, userRefNum: userRefNum, side: side, quantity: quantity, symbol: symbol,
                          price: price, timeInForce: timeInForce, display: display,
                          orderReferenceNumber: orderReferenceNumber, capacity: capacity,
                          intermarketSweep: intermarketSweep, crossType: crossType, orderState: orderState,
                          clOrdID: clOrdID)
    }

    @inlinable static func _check(_ p: UnsafeRawPointer) -> Bool {
        OUCHSide(rawValue: p._ouchU8(13)).isValid && OUCHTimeInForce(rawValue: p._ouchU8(34)).isValid
            && OUCHDisplay(rawValue: p._ouchU8(35)).isValid && OUCHCapacity(rawValue: p._ouchU8(44)).isValid
            && OUCHIntermarketSweep(rawValue: p._ouchU8(45)).isValid && OUCHCrossType(rawValue: p._ouchU8(46)).isValid
            && OUCHOrderState(rawValue: p._ouchU8(47)).isValid
    }
}

// MARK: - Order Replaced 'U' (3.3)

/// Order Replaced ('U', 68 bytes + appendage).
@frozen
public struct OUCHOrderReplaced: Sendable, Hashable, BitwiseCopyable {
    @inlinable public static var type: UInt8 { 0x55 }
    @inlinable public static var fixedLength: Int { 68 }

    public var timestamp: OUCHTimestamp
    public var origUserRefNum: UInt32
    public var userRefNum: UInt32
    public var side: OUCHSide
    public var quantity: UInt32
    public var symbol: OUCHSymbol
    public var price: Price4
    public var timeInForce: OUCHTimeInForce
    public var display: OUCHDisplay
    public var orderReferenceNumber: UInt64
    public var capacity: OUCHCapacity
    public var intermarketSweep: OUCHIntermarketSweep
    public var crossType: OUCHCrossType
    public var orderState: OUCHOrderState
    public var clOrdID: OUCHClOrdID

    @inlinable
    public init(timestamp: OUCHTimestamp, origUserRefNum: UInt32, userRefNum: UInt32, side: OUCHSide, quantity: UInt32,
                symbol: OUCHSymbol, price: Price4, timeInForce: OUCHTimeInForce, display: OUCHDisplay,
                orderReferenceNumber: UInt64, capacity: OUCHCapacity, intermarketSweep: OUCHIntermarketSweep,
                crossType: OUCHCrossType, orderState: OUCHOrderState, clOrdID: OUCHClOrdID) {
        self.timestamp = timestamp; self.origUserRefNum = origUserRefNum; self.userRefNum = userRefNum
        self.side = side; self.quantity = quantity; self.symbol = symbol; self.price = price
        self.timeInForce = timeInForce; self.display = display; self.orderReferenceNumber = orderReferenceNumber
        self.capacity = capacity; self.intermarketSweep = intermarketSweep; self.crossType = crossType
        self.orderState = orderState; self.clOrdID = clOrdID
    }

    /// Writes the message into `buffer`; returns its length, or 0 if it does not fit. No allocation.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer, appendage: UnsafeRawBufferPointer = ouchNoAppendage) -> Int {
        guard let p = _ouchBegin(buffer, fixed: Self.fixedLength, appendage: appendage.count) else { return 0 }
        p._ouchPut8(0, Self.type)
        p._ouchPut64(1, timestamp.nanoseconds)
        p._ouchPut32(9, origUserRefNum)
        p._ouchPut32(13, userRefNum)
        p._ouchPut8(17, side.rawValue)
        p._ouchPut32(18, quantity)
        p._ouchPut64(22, symbol.rawValue)
        p._ouchPutPrice(30, price)
        p._ouchPut8(38, timeInForce.rawValue)
        p._ouchPut8(39, display.rawValue)
        p._ouchPut64(40, orderReferenceNumber)
        p._ouchPut8(48, capacity.rawValue)
        p._ouchPut8(49, intermarketSweep.rawValue)
        p._ouchPut8(50, crossType.rawValue)
        p._ouchPut8(51, orderState.rawValue)
        p._ouchPutClOrdID(52, clOrdID)
        return _ouchFinish(p, fixed: Self.fixedLength, appendage: appendage)
    }
}

@frozen
public struct OUCHOrderReplacedView: BitwiseCopyable {
    public let base: UnsafeRawPointer
    public let count: Int
    @inlinable public init(unchecked base: UnsafeRawPointer, count: Int) { self.base = base; self.count = count }

    @inlinable public var timestamp: OUCHTimestamp { OUCHTimestamp(nanoseconds: base._ouchU64(1)) }
    @inlinable public var origUserRefNum: UInt32 { base._ouchU32(9) }
    @inlinable public var userRefNum: UInt32 { base._ouchU32(13) }
    @inlinable public var side: OUCHSide { OUCHSide(rawValue: base._ouchU8(17)) }
    @inlinable public var quantity: UInt32 { base._ouchU32(18) }
    @inlinable public var symbol: OUCHSymbol { OUCHSymbol(rawValue: base._ouchU64(22)) }
    @inlinable public var price: Price4 { base._ouchPrice(30) }
    @inlinable public var timeInForce: OUCHTimeInForce { OUCHTimeInForce(rawValue: base._ouchU8(38)) }
    @inlinable public var display: OUCHDisplay { OUCHDisplay(rawValue: base._ouchU8(39)) }
    @inlinable public var orderReferenceNumber: UInt64 { base._ouchU64(40) }
    @inlinable public var capacity: OUCHCapacity { OUCHCapacity(rawValue: base._ouchU8(48)) }
    @inlinable public var intermarketSweep: OUCHIntermarketSweep { OUCHIntermarketSweep(rawValue: base._ouchU8(49)) }
    @inlinable public var crossType: OUCHCrossType { OUCHCrossType(rawValue: base._ouchU8(50)) }
    @inlinable public var orderState: OUCHOrderState { OUCHOrderState(rawValue: base._ouchU8(51)) }
    @inlinable public var clOrdID: OUCHClOrdID { base._ouchClOrdID(52) }
    @inlinable public var appendage: OUCHAppendage {
        OUCHAppendage(unchecked: base + OUCHOrderReplaced.fixedLength, count: count - OUCHOrderReplaced.fixedLength)
    }

    @inlinable public var message: OUCHOrderReplaced {
        OUCHOrderReplaced(timestamp: timestamp, origUserRefNum: origUserRefNum, userRefNum: userRefNum, side: side,
                          quantity: quantity, symbol: symbol, price: price, timeInForce: timeInForce, display: display,
                          orderReferenceNumber: orderReferenceNumber, capacity: capacity,
                          intermarketSweep: intermarketSweep, crossType: crossType, orderState: orderState,
                          clOrdID: clOrdID)
    }

    @inlinable static func _check(_ p: UnsafeRawPointer) -> Bool {
        OUCHSide(rawValue: p._ouchU8(17)).isValid && OUCHTimeInForce(rawValue: p._ouchU8(38)).isValid
            && OUCHDisplay(rawValue: p._ouchU8(39)).isValid && OUCHCapacity(rawValue: p._ouchU8(48)).isValid
            && OUCHIntermarketSweep(rawValue: p._ouchU8(49)).isValid && OUCHCrossType(rawValue: p._ouchU8(50)).isValid
            && OUCHOrderState(rawValue: p._ouchU8(51)).isValid
    }
}

// MARK: - Order Canceled 'C' (3.4)

/// Order Canceled ('C', 18 bytes): `quantity` shares decremented (incremental, not cumulative).
@frozen
public struct OUCHOrderCanceled: Sendable, Hashable, BitwiseCopyable {
    @inlinable public static var type: UInt8 { 0x43 }
    @inlinable public static var length: Int { 18 }
    public var timestamp: OUCHTimestamp
    public var userRefNum: UInt32
    public var quantity: UInt32
    public var reason: OUCHCancelReason

    @inlinable public init(timestamp: OUCHTimestamp, userRefNum: UInt32, quantity: UInt32, reason: OUCHCancelReason) {
        self.timestamp = timestamp; self.userRefNum = userRefNum; self.quantity = quantity; self.reason = reason
    }

    /// Writes the message into `buffer`; returns 18, or 0 if it does not fit. No allocation.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let p = buffer.baseAddress, buffer.count >= Self.length else { return 0 }
        p._ouchPut8(0, Self.type); p._ouchPut64(1, timestamp.nanoseconds); p._ouchPut32(9, userRefNum)
        p._ouchPut32(13, quantity); p._ouchPut8(17, reason.rawValue)
        return Self.length
    }
}

@frozen
public struct OUCHOrderCanceledView: BitwiseCopyable {
    public let base: UnsafeRawPointer
    @inlinable public init(unchecked base: UnsafeRawPointer) { self.base = base }
    @inlinable public var timestamp: OUCHTimestamp { OUCHTimestamp(nanoseconds: base._ouchU64(1)) }
    @inlinable public var userRefNum: UInt32 { base._ouchU32(9) }
    @inlinable public var quantity: UInt32 { base._ouchU32(13) }
    @inlinable public var reason: OUCHCancelReason { OUCHCancelReason(rawValue: base._ouchU8(17)) }
    @inlinable public var message: OUCHOrderCanceled {
        OUCHOrderCanceled(timestamp: timestamp, userRefNum: userRefNum, quantity: quantity, reason: reason)
    }
}

// MARK: - AIQ Canceled 'D' (3.5)

/// AIQ Canceled ('D', 32 bytes): a self-match-prevention decrement, with what would have traded.
@frozen
public struct OUCHAIQCanceled: Sendable, Hashable, BitwiseCopyable {
    @inlinable public static var type: UInt8 { 0x44 }
    @inlinable public static var length: Int { 32 }
    public var timestamp: OUCHTimestamp
    public var userRefNum: UInt32
    public var decrementShares: UInt32
    /// Always `.selfMatchPrevention` ('Q') per the spec; the decoder enforces it.
    public var reason: OUCHCancelReason
    public var quantityPreventedFromTrading: UInt32
    public var executionPrice: Price4
    public var liquidityFlag: OUCHLiquidityFlag
    /// AIQ strategy (Alpha 1; the spec lists no values).
    public var aiqStrategy: UInt8

    @inlinable
    public init(timestamp: OUCHTimestamp, userRefNum: UInt32, decrementShares: UInt32,
                reason: OUCHCancelReason = .selfMatchPrevention, quantityPreventedFromTrading: UInt32,
                executionPrice: Price4, liquidityFlag: OUCHLiquidityFlag, aiqStrategy: UInt8) {
        self.timestamp = timestamp; self.userRefNum = userRefNum; self.decrementShares = decrementShares
        self.reason = reason; self.quantityPreventedFromTrading = quantityPreventedFromTrading
        self.executionPrice = executionPrice; self.liquidityFlag = liquidityFlag; self.aiqStrategy = aiqStrategy
    }

    /// Writes the message into `buffer`; returns 32, or 0 if it does not fit. No allocation.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let p = buffer.baseAddress, buffer.count >= Self.length else { return 0 }
        p._ouchPut8(0, Self.type); p._ouchPut64(1, timestamp.nanoseconds); p._ouchPut32(9, userRefNum)
        p._ouchPut32(13, decrementShares); p._ouchPut8(17, reason.rawValue)
        p._ouchPut32(18, quantityPreventedFromTrading); p._ouchPutPrice(22, executionPrice)
        p._ouchPut8(30, liquidityFlag.rawValue); p._ouchPut8(31, aiqStrategy)
        return Self.length
    }
}

@frozen
public struct OUCHAIQCanceledView: BitwiseCopyable {
    public let base: UnsafeRawPointer
    @inlinable public init(unchecked base: UnsafeRawPointer) { self.base = base }
    @inlinable public var timestamp: OUCHTimestamp { OUCHTimestamp(nanoseconds: base._ouchU64(1)) }
    @inlinable public var userRefNum: UInt32 { base._ouchU32(9) }
    @inlinable public var decrementShares: UInt32 { base._ouchU32(13) }
    @inlinable public var reason: OUCHCancelReason { OUCHCancelReason(rawValue: base._ouchU8(17)) }
    @inlinable public var quantityPreventedFromTrading: UInt32 { base._ouchU32(18) }
    @inlinable public var executionPrice: Price4 { base._ouchPrice(22) }
    @inlinable public var liquidityFlag: OUCHLiquidityFlag { OUCHLiquidityFlag(rawValue: base._ouchU8(30)) }
    @inlinable public var aiqStrategy: UInt8 { base._ouchU8(31) }
    @inlinable public var message: OUCHAIQCanceled {
        OUCHAIQCanceled(timestamp: timestamp, userRefNum: userRefNum, decrementShares: decrementShares, reason: reason,
                        quantityPreventedFromTrading: quantityPreventedFromTrading, executionPrice: executionPrice,
                        liquidityFlag: liquidityFlag, aiqStrategy: aiqStrategy)
    }
}
