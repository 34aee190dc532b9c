import VegaCore

/// An amount of money in 10^-4 currency units (the ITCH `Price(4)` scale): notionals, P&L and fees.
///
/// Price × quantity of a ``Price4`` is already at this scale, so notional needs no conversion;
/// a separate name keeps "a price" and "an amount" apart in signatures. `Int64` holds ±9.2 × 10^14
/// currency units at this scale.
public typealias Money4 = Price<PriceScale4>

extension InstrumentID {
    /// The instrument's locate in the lane's books (``BookView``): the lane numbers instruments
    /// by book index, so this is the raw value; `nil` above 65,535 (no book can hold it).
    @inlinable @inline(__always)
    public var bookLocate: UInt16? {
        rawValue <= UInt32(UInt16.max) ? UInt16(truncatingIfNeeded: rawValue) : nil
    }
}
