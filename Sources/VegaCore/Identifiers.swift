/// A dense per-lane instrument number (the book index), not a venue symbol: ITCH stock locate
/// codes (`UInt16`) and other venues' ids map into it at session start.
@frozen
public struct InstrumentID: Sendable, Hashable, Comparable, BitwiseCopyable, CustomStringConvertible {
    public var rawValue: UInt32

    @inlinable @inline(__always)
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    @inlinable @inline(__always)
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    @inlinable @inline(__always)
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "instrument#\(rawValue)" }
}

/// An order reference: ITCH 5.0 `Order Reference Number` (8 bytes) on the market-data side, our
/// own order number on the order-entry side. Which one a field holds is stated by the field.
@frozen
public struct OrderID: Sendable, Hashable, Comparable, BitwiseCopyable, CustomStringConvertible {
    public var rawValue: UInt64

    @inlinable @inline(__always)
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }

    @inlinable @inline(__always)
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    @inlinable @inline(__always)
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "order#\(rawValue)" }
}
