import VegaCore

/// What the books did and refused, counted since start (or the last reset). Plain integers,
/// updated on the lane; read them from the lane (or copy them out) for metrics.
@frozen
public struct BookCounters: Sendable, Equatable, BitwiseCopyable {
    /// Per ``BookReject`` reason, indexed by `rawValue`.
    @usableFromInline var rejectCounts: InlineArray<16, UInt64>
    /// Events applied, by kind.
    public var instrumentsDefined: UInt64 = 0
    public var adds: UInt64 = 0
    public var executions: UInt64 = 0
    public var cancels: UInt64 = 0
    public var deletes: UInt64 = 0
    public var replaces: UInt64 = 0
    public var trades: UInt64 = 0
    public var brokenTrades: UInt64 = 0
    public var tradingStateChanges: UInt64 = 0
    /// Shares executed or cancelled beyond what the order had (over-executions), summed.
    public var excessShares: UInt64 = 0
    /// Changes that left an instrument's book crossed (bid ≥ ask).
    public var crossedUpdates: UInt64 = 0
    /// Updates the output refused (a full ring or buffer).
    public var updatesDropped: UInt64 = 0

    @inlinable
    public init() { rejectCounts = InlineArray(repeating: 0) }

    /// How many events were refused for `reason`.
    @inlinable
    public subscript(reason: BookReject) -> UInt64 {
        get { rejectCounts[rejectIndex(reason)] }
        set { rejectCounts[rejectIndex(reason)] = newValue }
    }

    /// All refusals, every reason.
    public var totalRejects: UInt64 {
        var total: UInt64 = 0
        for r in BookReject.allCases { total &+= self[r] }
        return total
    }

    public static func == (a: BookCounters, b: BookCounters) -> Bool {
        BookReject.allCases.allSatisfy { a[$0] == b[$0] }
            && a.instrumentsDefined == b.instrumentsDefined && a.adds == b.adds && a.executions == b.executions
            && a.cancels == b.cancels && a.deletes == b.deletes && a.replaces == b.replaces && a.trades == b.trades
            && a.brokenTrades == b.brokenTrades && a.tradingStateChanges == b.tradingStateChanges
            && a.excessShares == b.excessShares && a.crossedUpdates == b.crossedUpdates
            && a.updatesDropped == b.updatesDropped
    }

    @inlinable @inline(__always)
    mutating func record(_ reason: BookReject) { rejectCounts[rejectIndex(reason)] &+= 1 }
}

// Pattern matches instead of synthesized `rawValue` / `==` / `init(rawValue:)`: those
// synthesized members have no inlinable body, so a lane function calling them could not be
// proven allocation- and lock-free from another module (`@_noLocks` rejects "called function
// is not available in this module").

/// Counter slot of a reject reason.
@inlinable @inline(__always)
func rejectIndex(_ reason: BookReject) -> Int {
    switch reason {
    case .unknownOrder: 0
    case .duplicateOrder: 1
    case .unknownInstrument: 2
    case .instrumentMismatch: 3
    case .overExecution: 4
    case .invalidQuantity: 5
    case .invalidPrice: 6
    case .orderCapacity: 7
    case .levelCapacity: 8
    }
}

@inlinable @inline(__always)
func isBuy(_ side: Side) -> Bool {
    if case .buy = side { return true }
    return false
}

/// 'B' / 'S' as a ``Side``; nil for any other byte.
@inlinable @inline(__always)
func sideFromByte(_ byte: UInt8) -> Side? {
    byte == 0x42 ? .buy : byte == 0x53 ? .sell : nil
}

/// The ITCH byte of a trading state.
@inlinable @inline(__always)
func tradingStateByte(_ state: TradingState) -> UInt8 {
    switch state {
    case .halted: 0x48
    case .paused: 0x50
    case .quotationOnly: 0x51
    case .trading: 0x54
    }
}
