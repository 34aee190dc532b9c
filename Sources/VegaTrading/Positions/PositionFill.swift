import VegaCore

/// A fill as positions need it: who, what, which way, how much, at what price, and its fee.
@frozen
public struct PositionFill: Sendable, Equatable, BitwiseCopyable {
    public var instrument: InstrumentID
    public var account: AccountID
    public var strategy: StrategyID
    public var side: Side
    public var quantity: Quantity
    public var price: Price4
    /// Fee paid (positive) or rebate received (negative).
    public var fee: Money4

    @inlinable
    public init(instrument: InstrumentID, account: AccountID, strategy: StrategyID, side: Side,
                quantity: Quantity, price: Price4, fee: Money4 = .zero) {
        self.instrument = instrument
        self.account = account
        self.strategy = strategy
        self.side = side
        self.quantity = quantity
        self.price = price
        self.fee = fee
    }

    /// The fill an OMS order received from `report`.
    @inlinable
    public init(order: ManagedOrder, report: ExecutionReport) {
        self.init(instrument: order.instrument, account: order.account, strategy: order.strategy, side: order.side,
                  quantity: report.lastQuantity, price: report.lastPrice, fee: report.fee)
    }
}

/// Why ``PositionBook`` could not apply a fill (the book is unchanged).
@frozen
public enum PositionReject: UInt8, Sendable, BitwiseCopyable, CaseIterable {
    /// Instrument, account or strategy beyond the configured capacity.
    case unknownIdentifier = 1
    /// All position records are in use (`TradingCapacity.positionRecords` too small).
    case recordCapacity
    /// A result would overflow `Int64`.
    case overflow
}
