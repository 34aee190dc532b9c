import VegaCore

/// One position: a signed quantity, its cost, what it has realized, fees, and its last mark.
///
/// Units: quantities in shares (signed: long > 0); every money field in ``Money4`` raw units
/// (10^-4 currency). Exact integer bookkeeping with one invariant, kept by ``apply(side:quantity:price:fee:mark:)``:
/// `realized − costBasis == cash`, where `cash = −Σ signed fill quantity × fill price`. So
/// `realized + unrealized == cash + quantity × mark` exactly, whatever rounding the average cost
/// needs when a position is partly closed (the rounding only moves units between realized and
/// cost basis, never loses them).
@frozen
public struct PositionRecord: Sendable, Equatable, BitwiseCopyable {
    /// Signed shares: long > 0, short < 0.
    public var quantity: Int64 = 0
    /// Signed cost of the open quantity: Σ q × price of what is still open (long > 0, short < 0).
    public var costBasis: Int64 = 0
    /// Realized P&L before fees.
    public var realized: Int64 = 0
    /// Fees paid (positive) net of rebates (negative).
    public var fees: Int64 = 0
    /// `quantity × mark` at the last mark or fill.
    public var markedValue: Int64 = 0
    /// Shares bought and sold (for turnover and reconciliation).
    public var bought: UInt64 = 0
    public var sold: UInt64 = 0

    @inlinable public init() {}

    /// Unrealized P&L at the last mark: `quantity × mark − costBasis`.
    @inlinable public var unrealized: Int64 { markedValue &- costBasis }

    /// Realized + unrealized − fees.
    @inlinable public var netPnL: Int64 { realized &+ unrealized &- fees }

    /// Average cost of the open quantity rounded toward zero; zero when flat.
    @inlinable
    public var averageCost: Price4 {
        quantity == 0 ? .zero : Price4(rawValue: costBasis / quantity)
    }

    /// Applies one fill and re-marks at `mark`. Returns `false` (record unchanged) when any
    /// result would overflow `Int64`. Never traps; no allocation.
    @inlinable
    public mutating func apply(side: Side, quantity qty: Quantity, price: Price4, fee: Money4, mark: Price4) -> Bool {
        guard qty.rawValue <= UInt64(Int64.max) else { return false }
        let q = Int64(qty.rawValue) &* side.sign
        var r = self
        let (fillValue, o1) = q.multipliedReportingOverflow(by: price.rawValue)  // signed q × px
        if o1 { return false }
        if r.quantity == 0 || (r.quantity > 0) == (q > 0) {
            // Opening or adding: cost grows by q × px.
            let (b, o) = r.costBasis.addingReportingOverflow(fillValue)
            let (nq, o2) = r.quantity.addingReportingOverflow(q)
            if o || o2 { return false }
            r.costBasis = b
            r.quantity = nq
        } else {
            let open = r.quantity.magnitude
            guard open <= UInt64(Int64.max) else { return false }
            let closing = min(q.magnitude, open)
            // Cost of the closed part: basis × closing / open, truncated; exact when closing == open.
            let removed: Int64
            if closing == open {
                removed = r.costBasis
            } else {
                let product = r.costBasis.multipliedFullWidth(by: Int64(closing))
                removed = Int64(open).dividingFullWidth(product).quotient
            }
            // Cash of the closing part: −(signed closing quantity) × px.
            let closingSigned = q > 0 ? Int64(closing) : -Int64(closing)
            let (closeCash, o3) = (0 &- closingSigned).multipliedReportingOverflow(by: price.rawValue)
            let (gain, o4) = closeCash.subtractingReportingOverflow(removed)
            let (realized, o5) = r.realized.addingReportingOverflow(gain)
            if o3 || o4 || o5 { return false }
            r.realized = realized
            r.costBasis = r.costBasis &- removed
            r.quantity = r.quantity &+ closingSigned
            let rest = q &- closingSigned
            if rest != 0 {
                // Flipped through flat: the remainder opens at the fill price.
                let (restValue, o6) = rest.multipliedReportingOverflow(by: price.rawValue)
                if o6 { return false }
                let b = r.costBasis &+ restValue  // the basis is zero here: the old position closed fully
                r.costBasis = b
                r.quantity = rest
            }
        }
        let (fees, o7) = r.fees.addingReportingOverflow(fee.rawValue)
        let (mv, o8) = r.quantity.multipliedReportingOverflow(by: mark.rawValue)
        if o7 || o8 { return false }
        r.fees = fees
        r.markedValue = mv
        if q > 0 { r.bought &+= qty.rawValue } else { r.sold &+= qty.rawValue }
        self = r
        return true
    }
}
