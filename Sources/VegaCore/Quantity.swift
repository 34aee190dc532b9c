/// A number of shares, contracts or lots: an unsigned 64-bit count.
///
/// ITCH carries `UInt32` shares; 64 bits leave room for aggregated levels and positions in
/// small-unit instruments. Arithmetic traps on overflow/underflow like `UInt64` (programming
/// error); lane code on untrusted input uses the `…ReportingOverflow` variants.
@frozen
public struct Quantity: Sendable, Hashable, Comparable, BitwiseCopyable, CustomStringConvertible {
    public var rawValue: UInt64

    @inlinable @inline(__always)
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }

    @inlinable @inline(__always)
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    @inlinable public static var zero: Quantity { Quantity(0) }

    @inlinable @inline(__always)
    public var isZero: Bool { rawValue == 0 }

    @inlinable @inline(__always)
    public static func < (lhs: Quantity, rhs: Quantity) -> Bool { lhs.rawValue < rhs.rawValue }

    @inlinable @inline(__always)
    public static func + (lhs: Quantity, rhs: Quantity) -> Quantity { Quantity(lhs.rawValue + rhs.rawValue) }

    @inlinable @inline(__always)
    public static func - (lhs: Quantity, rhs: Quantity) -> Quantity { Quantity(lhs.rawValue - rhs.rawValue) }

    @inlinable @inline(__always)
    public static func += (lhs: inout Quantity, rhs: Quantity) { lhs = lhs + rhs }

    @inlinable @inline(__always)
    public static func -= (lhs: inout Quantity, rhs: Quantity) { lhs = lhs - rhs }

    /// Sum that never traps.
    @inlinable @inline(__always) @_noLocks
    public func addingReportingOverflow(_ other: Quantity) -> (partialValue: Quantity, overflow: Bool) {
        let (v, o) = rawValue.addingReportingOverflow(other.rawValue)
        return (Quantity(v), o)
    }

    /// Difference that never traps; `overflow` means `other` was larger (e.g. an execution
    /// for more shares than an order has left — a venue or book inconsistency to report).
    @inlinable @inline(__always) @_noLocks
    public func subtractingReportingOverflow(_ other: Quantity) -> (partialValue: Quantity, overflow: Bool) {
        let (v, o) = rawValue.subtractingReportingOverflow(other.rawValue)
        return (Quantity(v), o)
    }

    public var description: String { String(rawValue) }
}
