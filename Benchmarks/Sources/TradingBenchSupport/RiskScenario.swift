// The pre-trade risk check's benchmark scenario and measured loop, in a library so the
// package-benchmark target (`TradingBenchmarks`) and `risk-profile` (callgrind, perf) run
// exactly the same code.
import CITCHFraming
import VegaCore
import VegaMarketData
import VegaTrading

/// A lane with every check on and state to check against: limits on order size and notional,
/// a 100 bp collar against a real book, position limits with a position and working orders,
/// account notional/open-order/rate limits, stale-data limit, and self-match prevention with
/// eight of our own resting sells above the market.
public final class RiskScenario: @unchecked Sendable {
    public var core: TradingCore
    public let book: OrderBooks<NoBookOutput>
    /// The time of the next batch (each check advances it by 1 µs).
    public var now: UInt64 = 1_000_000_000
    /// An order every check passes, so every check runs: a buy inside the collar, below our sells.
    public let intent = OrderIntent(kind: .new, side: .buy, venue: VenueID(0), account: AccountID(0), strategy: StrategyID(0),
                                    instrument: InstrumentID(1), price: Price4(rawValue: 1_000_000), quantity: Quantity(100),
                                    orderID: OrderID(1_000))

    public init() {
        let capacity = TradingCapacity(instruments: 1_024, accounts: 16, strategies: 64, openOrders: 16_384)
        let limits = RiskLimits(
            instrumentDefaults: InstrumentLimits(maxOrderQuantity: 10_000, maxOrderNotional: 10_000_000 * 10_000,
                                                 maxLong: 1_000_000, maxShort: 1_000_000, maxGross: 2_000_000),
            accountDefaults: AccountLimits(maxOpenOrders: 10_000, maxOpenNotional: 1 << 50, maxLongNotional: 1 << 50,
                                           maxShortNotional: 1 << 50, maxGrossNotional: 1 << 51,
                                           orderRate: RateLimit(perSecond: 1_000_000_000, burst: 1_000_000),
                                           cancelRate: RateLimit(perSecond: 1_000_000_000, burst: 1_000_000), lossLimit: 1 << 50),
            lane: LaneLimits(maxOpenOrders: 10_000, maxOpenNotional: 1 << 52,
                             collar: CollarPolicy(basisPoints: 100, reference: .touch, noBook: .reject),
                             selfMatchPrevention: true, strategyLossLimit: 1 << 50, maxRejects: 100, maxMessagesPerSecond: 0,
                             staleMarketData: 60_000_000_000, positionBreach: true))
        core = TradingCore(channel: try! RiskLimitsChannel(capacity: capacity, limits: limits), now: now)
        var b = OrderBooks(configuration: BookConfiguration(maxInstruments: 8, maxOrders: 64, maxLevels: 64, maxLevelsPerSide: 16))
        let t = EventTimes(exchange: Timestamp(nanoseconds: 0))
        _ = b.defineInstrument(locate: 1, symbol: Symbol(raw: 0x4142_4344_2020_2020), roundLot: 100, times: t)
        _ = b.addOrder(locate: 1, reference: 1, side: .buy, shares: 500, price: Price4(rawValue: 999_900), attribution: 0, times: t)
        _ = b.addOrder(locate: 1, reference: 2, side: .sell, shares: 500, price: Price4(rawValue: 1_000_100), attribution: 0, times: t)
        book = b
        // Eight resting sells of ours above the market, a working buy, a position.
        for i in 0..<8 {
            let o = OrderIntent(kind: .new, side: .sell, venue: VenueID(0), account: AccountID(0), strategy: StrategyID(0),
                                instrument: InstrumentID(1), price: Price4(rawValue: 1_000_500 + Int64(i) * 100),
                                quantity: Quantity(100), orderID: OrderID(UInt64(i + 1)))
            precondition(core.submit(o, book: book, now: now) == .send)
        }
        let buy = OrderIntent(kind: .new, side: .buy, venue: VenueID(0), account: AccountID(0), strategy: StrategyID(0),
                              instrument: InstrumentID(1), price: Price4(rawValue: 999_800), quantity: Quantity(300),
                              orderID: OrderID(100))
        precondition(core.submit(buy, book: book, now: now) == .send)
        let cancels = UnsafeMutableBufferPointer<OrderIntent>.allocate(capacity: 64)
        for id in [UInt64(1), 2, 3, 4, 5, 6, 7, 8, 100] {
            _ = core.onExecution(ExecutionReport(kind: .ack, orderID: OrderID(id)), now: now, cancels: cancels)
        }
        _ = core.onExecution(ExecutionReport(kind: .fill, orderID: OrderID(100), execID: 1, lastQuantity: Quantity(200),
                                             lastPrice: Price4(rawValue: 999_800)), now: now, cancels: cancels)
        cancels.deallocate()
    }

    /// Marks the instrument's market data current at ``now`` (so the stale-data check passes):
    /// before each batch, outside the measured window.
    public func refresh() {
        core.onMarketData(InstrumentID(1), book: book, now: now)
    }

    /// `ticks.count` checks of ``intent``, each bracketed by TSC reads into `ticks`; advances
    /// ``now``. Traps if any check refuses. Call ``refresh()`` first.
    public func runBatch(_ ticks: UnsafeMutableBufferPointer<UInt64>) {
        let accepted = riskLoop(&core, book, intent, now, ticks)
        precondition(accepted == ticks.count, "risk refused \(ticks.count - accepted) of \(ticks.count)")
        now &+= UInt64(ticks.count) &* 1_000
    }
}

/// `ticks.count` full checks of an order every check passes (so every check runs), each timed.
@_noLocks @inline(never)
public func riskLoop(_ core: inout TradingCore, _ book: borrowing OrderBooks<NoBookOutput>, _ intent: OrderIntent,
                     _ now: UInt64, _ ticks: UnsafeMutableBufferPointer<UInt64>) -> Int {
    var accepted = 0
    var t = now
    for i in 0..<ticks.count {
        let a = _unsafePerformance { vega_tsc_start() }  // an inline rdtsc the checker cannot see into
        let v = core.risk.check(intent, book: book, orders: core.orders, positions: core.positions, now: t)
        let b = _unsafePerformance { vega_tsc_end() }
        ticks[i] = b &- a
        if case .accept = v { accepted &+= 1 }
        t &+= 1_000
    }
    return accepted
}
