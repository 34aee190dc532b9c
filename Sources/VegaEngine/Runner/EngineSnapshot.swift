import Foundation
import VegaCore
import VegaMarketData
import VegaStrategy
import VegaTelemetry
import VegaTrading

/// One strategy's standing, copied off its lane.
public struct StrategySnapshot: Sendable {
    public var id: StrategyID
    public var kind: String
    public var instrument: InstrumentID
    public var symbol: String
    public var position: Int64
    public var totals: PnLTotals
    /// An arbitrage's cycle counters (fired, completed, imbalances, skips, refusals); `nil` for
    /// other kinds.
    public var arbitrage: ArbitrageCounters? = nil
    /// A market maker's counters (quotes, replaces, cancels, hold-backs); `nil` for other kinds.
    public var marketMaker: MarketMakerCounters? = nil
}

/// What a lane reports when asked (about once a second) and when it stops.
public struct LaneSnapshot: Sendable {
    public var name: String
    public var counters = LaneCounters()
    public var driver = LaneDriverCounters()
    public var strategies: [StrategySnapshot] = []
    public var lane = PnLTotals()
    public var workingOrders: Int64 = 0
    public var feedGaps: UInt64 = 0
    public var feedDelivered: UInt64 = 0
    /// Feed messages recovered by re-request, and given up (each range given up marks books stale).
    public var feedRecovered: UInt64 = 0
    public var feedLost: UInt64 = 0
    public var sessionsLoggedIn = 0
    public var journalOverflows: UInt64 = 0
    public var latencyDropped: UInt64 = 0
    public var ouchUnknownReferences: UInt64 = 0
    public var ouchMalformed: UInt64 = 0
    /// Live backend: tick-to-trade paths recorded with the kernel's TX stamp of their order's
    /// segment, and without one (none came within the wait, or too many were waiting).
    public var transmitStampsMatched: UInt64 = 0
    public var transmitStampsMissed: UInt64 = 0
    /// Risk rejections by reason (those that happened).
    public var riskRejects: [(reason: String, count: UInt64)] = []
    /// OMS refusals by reason.
    public var omsRejects: [(reason: String, count: UInt64)] = []
    /// The snapshot request this answers (`.max`: the lane's final state).
    public var answered: UInt64 = 0
    public init(name: String) { self.name = name }
}

/// The engine at one moment: every lane, the latency so far.
public struct EngineSnapshot: Sendable {
    public var elapsedNanoseconds: UInt64
    public var lanes: [LaneSnapshot]
    public var latency: LatencyReport?

    public var orders: UInt64 { lanes.reduce(0) { $0 + $1.counters.ordersSent } }
    public var fills: UInt64 { lanes.reduce(0) { $0 + $1.counters.fills } }
}

extension LatencyReport {
    /// The row of `series`, if the report has it.
    public func row(for series: LatencySeries) -> Row? { rows.first { $0.series == series } }
}

/// Money4 (1/10,000 dollar) as "$1,234.5678"-style text with 2 decimals, sign first.
public func formatDollars(_ money4: Int64) -> String {
    let negative = money4 < 0
    let cents = (abs(money4) + 50) / 100
    let s = "\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100)"
    return (negative ? "-$" : "$") + s
}

/// Nanoseconds as "850 ns", "12.3 µs", "4.56 ms".
public func formatNanoseconds(_ ns: UInt64) -> String {
    if ns < 10_000 { return "\(ns) ns" }
    if ns < 10_000_000 { return String(format: "%.1f µs", Double(ns) / 1_000) }
    return String(format: "%.2f ms", Double(ns) / 1_000_000)
}
