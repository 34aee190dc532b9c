import VegaCore

/// What is working at venues for one instrument, one account or the whole lane: the potential
/// that pre-trade risk adds to positions. Every live order (PendingNew included) contributes its
/// leaves quantity and leaves × price.
@frozen
public struct WorkingExposure: Sendable, Equatable, BitwiseCopyable {
    public var buyQuantity: UInt64 = 0
    public var sellQuantity: UInt64 = 0
    /// Σ leaves × price of live buy orders, ``Money4`` raw units.
    public var buyNotional: Int64 = 0
    /// Σ leaves × price of live sell orders, ``Money4`` raw units.
    public var sellNotional: Int64 = 0
    /// Live orders.
    public var orders: Int64 = 0

    @inlinable public init() {}

    /// Buy plus sell notional.
    @inlinable public var notional: Int64 { buyNotional &+ sellNotional }

    @inlinable @inline(__always)
    mutating func add(_ order: ManagedOrder, sign: Int64) {
        let notional = order.leavesNotional &* sign
        let qty = order.leavesQuantity.rawValue
        if order.side == .buy {
            buyQuantity = sign > 0 ? buyQuantity &+ qty : buyQuantity &- qty
            buyNotional &+= notional
        } else {
            sellQuantity = sign > 0 ? sellQuantity &+ qty : sellQuantity &- qty
            sellNotional &+= notional
        }
    }
}
