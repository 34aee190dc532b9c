import VegaCore

/// Who an order belongs to, for risk limits, kill switches and P&L. Small integers assigned by
/// configuration; they never leave the process (a venue sees the account's FIX/OUCH fields).
@frozen
public struct AccountID: Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
    public var rawValue: UInt16
    @inlinable @inline(__always) public init(_ rawValue: UInt16) { self.rawValue = rawValue }
    public var description: String { "account#\(rawValue)" }
}

/// A strategy instance on a lane (two market makers with different parameters are two IDs).
@frozen
public struct StrategyID: Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
    public var rawValue: UInt16
    @inlinable @inline(__always) public init(_ rawValue: UInt16) { self.rawValue = rawValue }
    public var description: String { "strategy#\(rawValue)" }
}

/// A venue in the router's table (index into it).
@frozen
public struct VenueID: Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
    public var rawValue: UInt8
    @inlinable @inline(__always) public init(_ rawValue: UInt8) { self.rawValue = rawValue }
    public var description: String { "venue#\(rawValue)" }
}

/// How long an order may work. Maps onto FIX TimeInForce (59) and OUCH's time-in-force field.
@frozen
public enum TimeInForce: UInt8, Sendable, BitwiseCopyable {
    case day = 0
    case immediateOrCancel = 3
    case fillOrKill = 4
}

/// What a strategy asks for: the lane's currency between strategy, risk, OMS and router.
///
/// A plain 64-byte value, no references: strategies write intents into an ``IntentBuffer`` the
/// lane owns; risk checks each one; the OMS turns the accepted ones into orders. `orderID` is the
/// lane's client order ID: for `.new` a fresh one the strategy took from its context, for
/// `.cancel`/`.replace` the working order it refers to (and `newOrderID` the replacement's).
@frozen
public struct OrderIntent: Sendable, Equatable, BitwiseCopyable {
    @frozen
    public enum Kind: UInt8, Sendable, BitwiseCopyable { case new, cancel, replace }

    public var kind: Kind
    public var side: Side
    public var timeInForce: TimeInForce
    /// Post-only: refuse rather than take liquidity (a market maker's quotes).
    public var postOnly: Bool
    public var venue: VenueID
    public var account: AccountID
    public var strategy: StrategyID
    public var instrument: InstrumentID
    public var price: Price4
    public var quantity: Quantity
    public var orderID: OrderID
    public var newOrderID: OrderID

    @inlinable
    public init(
        kind: Kind, side: Side, timeInForce: TimeInForce = .day, postOnly: Bool = false,
        venue: VenueID, account: AccountID, strategy: StrategyID, instrument: InstrumentID,
        price: Price4, quantity: Quantity, orderID: OrderID, newOrderID: OrderID = OrderID(0)
    ) {
        self.kind = kind
        self.side = side
        self.timeInForce = timeInForce
        self.postOnly = postOnly
        self.venue = venue
        self.account = account
        self.strategy = strategy
        self.instrument = instrument
        self.price = price
        self.quantity = quantity
        self.orderID = orderID
        self.newOrderID = newOrderID
    }
}

extension OrderIntent {
    /// Bytes ``storeCanonical(to:)`` writes: the intent's memory layout (48 bytes).
    @inlinable public static var canonicalSize: Int { MemoryLayout<OrderIntent>.size }

    /// Writes the intent in its memory layout with the three padding bytes (offsets 5, 10, 11)
    /// zeroed. Copying the value (`storeBytes(of:)`) copies whatever its padding held, and
    /// Swift leaves padding unset, so two equal intents could differ in bytes: the journal
    /// recorded stack garbage, and replay's hash over raw intents mismatched now and then on an
    /// identical run. The offsets are checked against `MemoryLayout.offset(of:)` by
    /// `OrderIntentLayoutTests`. No allocation; for the lane's journal tap.
    @inlinable
    public func storeCanonical(to p: UnsafeMutableRawPointer) {
        // Each field as its own type: an enum's byte in memory is its case index, not its raw
        // value (Side.buy is stored as 0, not 'B'), and replay loads the record as the struct.
        p.storeBytes(of: kind, toByteOffset: 0, as: Kind.self)
        p.storeBytes(of: side, toByteOffset: 1, as: Side.self)
        p.storeBytes(of: timeInForce, toByteOffset: 2, as: TimeInForce.self)
        p.storeBytes(of: postOnly, toByteOffset: 3, as: Bool.self)
        p.storeBytes(of: venue, toByteOffset: 4, as: VenueID.self)
        p.storeBytes(of: 0, toByteOffset: 5, as: UInt8.self)
        p.storeBytes(of: account, toByteOffset: 6, as: AccountID.self)
        p.storeBytes(of: strategy, toByteOffset: 8, as: StrategyID.self)
        p.storeBytes(of: 0, toByteOffset: 10, as: UInt16.self)
        p.storeBytes(of: instrument, toByteOffset: 12, as: InstrumentID.self)
        p.storeBytes(of: price, toByteOffset: 16, as: Price4.self)
        p.storeBytes(of: quantity, toByteOffset: 24, as: Quantity.self)
        p.storeBytes(of: orderID, toByteOffset: 32, as: OrderID.self)
        p.storeBytes(of: newOrderID, toByteOffset: 40, as: OrderID.self)
    }
}
