/// A fixed-point price: an `Int64` count of 10^-`Scale.decimals` currency units.
///
/// The scale is part of the type, so a `Price4` (ITCH `Price(4)`) can never be added to a
/// `Price8` without an explicit conversion. Prices are signed: spreads, P&L and some
/// instruments' prices are negative.
///
/// Arithmetic is exact. `+` and `-` trap on overflow like `Int` does (a programming error);
/// code handling untrusted input uses the `…ReportingOverflow` variants, which never trap.
/// No operation here allocates, locks or touches floating point.
@frozen
public struct Price<Scale: PriceScale>: Sendable, Hashable, Comparable, BitwiseCopyable {
    /// The value in units of 10^-`Scale.decimals`: `Price4(rawValue: 1_234_500)` is 123.45.
    public var rawValue: Int64

    @inlinable @inline(__always)
    public init(rawValue: Int64) { self.rawValue = rawValue }

    /// Zero at this scale.
    @inlinable public static var zero: Self { Self(rawValue: 0) }

    /// The price of `units` whole currency units, or `nil` if it does not fit in `Int64`.
    @inlinable
    public init?(units: Int64) {
        let (raw, overflow) = units.multipliedReportingOverflow(by: Scale.unit)
        if overflow { return nil }
        self.rawValue = raw
    }

    @inlinable @inline(__always)
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

// MARK: - Arithmetic

extension Price {
    /// Exact sum; traps on overflow.
    @inlinable @inline(__always)
    public static func + (lhs: Self, rhs: Self) -> Self { Self(rawValue: lhs.rawValue + rhs.rawValue) }

    /// Exact difference; traps on overflow.
    @inlinable @inline(__always)
    public static func - (lhs: Self, rhs: Self) -> Self { Self(rawValue: lhs.rawValue - rhs.rawValue) }

    /// Negation; traps for `Int64.min`.
    @inlinable @inline(__always)
    public static prefix func - (operand: Self) -> Self { Self(rawValue: -operand.rawValue) }

    @inlinable @inline(__always)
    public static func += (lhs: inout Self, rhs: Self) { lhs = lhs + rhs }

    @inlinable @inline(__always)
    public static func -= (lhs: inout Self, rhs: Self) { lhs = lhs - rhs }

    /// Sum that never traps: `overflow` is true when the result wrapped.
    @inlinable @inline(__always)
    public func addingReportingOverflow(_ other: Self) -> (partialValue: Self, overflow: Bool) {
        let (raw, overflow) = rawValue.addingReportingOverflow(other.rawValue)
        return (Self(rawValue: raw), overflow)
    }

    /// Difference that never traps: `overflow` is true when the result wrapped.
    @inlinable @inline(__always)
    public func subtractingReportingOverflow(_ other: Self) -> (partialValue: Self, overflow: Bool) {
        let (raw, overflow) = rawValue.subtractingReportingOverflow(other.rawValue)
        return (Self(rawValue: raw), overflow)
    }

    /// Price × quantity at this price's scale (e.g. a `Price4` notional is in 10^-4 units),
    /// or `nil` if the exact product does not fit in `Int64`. Never traps.
    @inlinable @inline(__always)
    public func notional(quantity: Quantity) -> Self? {
        let r = notionalReportingOverflow(quantity: quantity)
        return r.overflow ? nil : r.partialValue
    }

    /// Price × quantity; `overflow` is true when the exact product does not fit in `Int64`
    /// (then `partialValue` is meaningless). Never traps.
    @inlinable @inline(__always)
    public func notionalReportingOverflow(quantity: Quantity) -> (partialValue: Self, overflow: Bool) {
        // Quantities above Int64.max cannot produce a representable notional unless the
        // price is 0, and the signed multiply below needs a signed operand.
        guard quantity.rawValue <= UInt64(Int64.max) else {
            return (.zero, rawValue != 0)
        }
        let (raw, overflow) = rawValue.multipliedReportingOverflow(by: Int64(quantity.rawValue))
        return (Self(rawValue: raw), overflow)
    }
}
