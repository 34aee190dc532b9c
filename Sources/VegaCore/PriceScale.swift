/// The number of decimal places of a fixed-point ``Price``, carried in the type.
///
/// A scale is a caseless enum: it exists only at compile time, so `Price<PriceScale4>` and
/// `Price<PriceScale8>` are different types and cannot be mixed by accident. Converting between
/// them is explicit (``Price/init(exactly:)``, ``Price/converted(to:rounding:)``).
public protocol PriceScale: Sendable {
    /// Decimal places; `0...18` (10^18 is the largest power of ten an `Int64` holds).
    static var decimals: Int { get }
}

extension PriceScale {
    /// 10^decimals: the raw value of one whole currency unit. Constant-folded once the
    /// generic is specialised.
    @inlinable @inline(__always)
    public static var unit: Int64 { _powerOfTen(decimals) }
}

/// ITCH 5.0 `Price(4)`: four implied decimal places (equities).
public enum PriceScale4: PriceScale {
    @inlinable public static var decimals: Int { 4 }
}

/// ITCH 5.0 `Price(8)`: eight implied decimal places (MWCB levels, sub-penny quotes).
public enum PriceScale8: PriceScale {
    @inlinable public static var decimals: Int { 8 }
}

/// Whole units, no decimals (e.g. notional in cents when prices are in cents).
public enum PriceScale0: PriceScale {
    @inlinable public static var decimals: Int { 0 }
}

/// A price with ITCH `Price(4)` precision.
public typealias Price4 = Price<PriceScale4>
/// A price with ITCH `Price(8)` precision.
public typealias Price8 = Price<PriceScale8>

/// 10^n for n in 0...18. A switch rather than a table so it folds to a constant and needs no
/// global (globals pay a lazy-initialisation check).
@inlinable @inline(__always)
@_noLocks
internal func _powerOfTen(_ n: Int) -> Int64 {
    switch n {
    case 0: 1
    case 1: 10
    case 2: 100
    case 3: 1_000
    case 4: 10_000
    case 5: 100_000
    case 6: 1_000_000
    case 7: 10_000_000
    case 8: 100_000_000
    case 9: 1_000_000_000
    case 10: 10_000_000_000
    case 11: 100_000_000_000
    case 12: 1_000_000_000_000
    case 13: 10_000_000_000_000
    case 14: 100_000_000_000_000
    case 15: 1_000_000_000_000_000
    case 16: 10_000_000_000_000_000
    case 17: 100_000_000_000_000_000
    case 18: 1_000_000_000_000_000_000
    default: _invalidScale(n)
    }
}

@usableFromInline
internal func _invalidScale(_ n: Int) -> Never {
    preconditionFailure("PriceScale.decimals must be in 0...18, got \(n)")
}
