/// How a price conversion that loses precision rounds.
@frozen
public enum PriceRounding: Sendable, Hashable, BitwiseCopyable {
    /// Truncate (ITCH and most venues quote on a grid, so a loss usually means bad input).
    case towardZero
    /// Toward negative infinity (floor): the conservative side for a buy limit.
    case down
    /// Toward positive infinity (ceiling): the conservative side for a sell limit.
    case up
    /// To the nearest, ties away from zero (schoolbook rounding).
    case toNearestOrAwayFromZero
}

extension Price {
    /// The same price at another scale, or `nil` if it cannot be represented exactly
    /// (precision would be lost, or the value overflows `Int64`). Never traps.
    @inlinable
    public init?<Other: PriceScale>(exactly other: Price<Other>) {
        let r = other.converted(to: Scale.self, rounding: .towardZero)
        if r.inexact || r.overflow { return nil }
        self = r.partialValue
    }

    /// The same price at scale `To`, rounding as asked when `To` has fewer decimals.
    ///
    /// - Returns: `inexact` is true when digits were dropped (the value was rounded);
    ///   `overflow` is true when the result does not fit in `Int64` (then `partialValue` is
    ///   meaningless). Never traps. Cost: one multiply, or one divide when narrowing.
    @inlinable
    public func converted<To: PriceScale>(
        to: To.Type, rounding: PriceRounding = .towardZero
    ) -> (partialValue: Price<To>, inexact: Bool, overflow: Bool) {
        let from = Scale.decimals
        let target = To.decimals
        if target >= from {
            let (raw, overflow) = rawValue.multipliedReportingOverflow(by: _powerOfTen(target - from))
            return (Price<To>(rawValue: raw), false, overflow)
        }
        let divisor = _powerOfTen(from - target)
        var quotient = rawValue / divisor  // truncates toward zero; cannot overflow (divisor > 1)
        let remainder = rawValue % divisor  // same sign as rawValue
        if remainder == 0 { return (Price<To>(rawValue: quotient), false, false) }
        switch rounding {
        case .towardZero:
            break
        case .down:
            if remainder < 0 { quotient -= 1 }
        case .up:
            if remainder > 0 { quotient += 1 }
        case .toNearestOrAwayFromZero:
            // |remainder| * 2 >= divisor, written so it cannot overflow.
            if remainder.magnitude >= divisor.magnitude - remainder.magnitude {
                quotient += remainder > 0 ? 1 : -1
            }
        }
        // |quotient| <= Int64.max / 10 + 1, so the ±1 above cannot overflow.
        return (Price<To>(rawValue: quotient), true, false)
    }
}
