import VegaCore

/// P&L summed over every position of a strategy or an account (``Money4`` raw units).
///
/// Kept incrementally by ``PositionBook`` on every fill and mark, so a loss-limit check reads it
/// in O(1).
@frozen
public struct PnLTotals: Sendable, Equatable, BitwiseCopyable {
    public var realized: Int64 = 0
    public var fees: Int64 = 0
    /// Σ quantity × mark of its positions.
    public var markedValue: Int64 = 0
    /// Σ signed cost basis of its positions.
    public var costBasis: Int64 = 0
    /// Σ |cost basis| of its long positions and of its short positions (for account notional limits).
    public var longCost: Int64 = 0
    public var shortCost: Int64 = 0

    @inlinable public init() {}

    @inlinable public var unrealized: Int64 { markedValue &- costBasis }
    /// Realized + unrealized − fees.
    @inlinable public var netPnL: Int64 { realized &+ unrealized &- fees }

    @inlinable @inline(__always)
    mutating func add(_ r: PositionRecord, sign: Int64) {
        realized &+= r.realized &* sign
        fees &+= r.fees &* sign
        markedValue &+= r.markedValue &* sign
        costBasis &+= r.costBasis &* sign
        if r.costBasis > 0 { longCost &+= r.costBasis &* sign } else { shortCost &-= r.costBasis &* sign }
    }
}
