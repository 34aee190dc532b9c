/// What the pre-trade check reads of one instrument, in one 64-byte cache line: the instrument's
/// limits as the lane's current limits version states them, its trading status and when its
/// market data last moved.
///
/// ``RiskEngine`` keeps one per instrument in a 64-byte-aligned table, so a check touches a single
/// line for everything it needs to know about the instrument (the limits table, the status table
/// and the market-data table used to be three, the limits alone straddling two lines). The limit
/// fields are a copy of ``RiskLimitsLaneEnd/instrument(_:)`` taken when the record is first used
/// under a new limits version (``limitsVersion`` differs from the lane end's): exact, since
/// limits only change between events, and O(1) per instrument at first use rather than a sweep
/// of every instrument when limits change.
@frozen @usableFromInline
struct InstrumentRiskState: BitwiseCopyable {
    /// The limits version the fields below were copied under; `UInt64.max` before the first copy.
    @usableFromInline var limitsVersion: UInt64
    /// Lane time (ns) the instrument's market data was last current.
    @usableFromInline var lastMarketData: UInt64
    @usableFromInline var maxOrderQuantity: UInt64
    @usableFromInline var maxOrderNotional: Int64
    @usableFromInline var maxLong: Int64
    @usableFromInline var maxShort: Int64
    @usableFromInline var maxGross: Int64
    /// The collar in force: the instrument's override, else the lane's (`UInt32.max`: off).
    @usableFromInline var collarBasisPoints: UInt32
    @usableFromInline var restricted: Bool
    /// ITCH trading-state byte ('H', 'P', 'Q', 'T').
    @usableFromInline var tradingState: UInt8

    @inlinable
    init(tradingState: UInt8, lastMarketData: UInt64) {
        limitsVersion = .max
        self.lastMarketData = lastMarketData
        maxOrderQuantity = 0
        maxOrderNotional = 0
        maxLong = 0
        maxShort = 0
        maxGross = 0
        collarBasisPoints = 0
        restricted = false
        self.tradingState = tradingState
    }

    /// Copies `limits` (and the lane's collar when the instrument has no override) under `version`.
    @inlinable @inline(__always)
    mutating func load(_ limits: InstrumentLimits, laneCollar: UInt32, version: UInt64) {
        maxOrderQuantity = limits.maxOrderQuantity
        maxOrderNotional = limits.maxOrderNotional
        maxLong = limits.maxLong
        maxShort = limits.maxShort
        maxGross = limits.maxGross
        var bps = laneCollar
        if case .some(let override) = limits.collarBasisPoints { bps = override }
        collarBasisPoints = bps
        restricted = limits.restricted
        limitsVersion = version
    }
}

/// Read access to the lane's per-instrument market-data times by instrument number, as a table
/// (``TradingCore`` reads it when it looks for stale instruments).
@frozen @usableFromInline
struct LastMarketDataTable {
    @usableFromInline let states: UnsafeMutablePointer<InstrumentRiskState>

    @inlinable init(states: UnsafeMutablePointer<InstrumentRiskState>) { self.states = states }

    @inlinable
    subscript(i: Int) -> UInt64 { states[i].lastMarketData }
}
