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
        get { rejectCounts[Int(reason.rawValue)] }
        set { rejectCounts[Int(reason.rawValue)] = newValue }
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
    mutating func record(_ reason: BookReject) { rejectCounts[Int(reason.rawValue)] &+= 1 }
}
