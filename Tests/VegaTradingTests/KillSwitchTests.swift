import Logging
import Synchronization
import Testing
import VegaCore
import VegaMarketData
import VegaTrading

@Suite("Kill switches and circuit breakers")
struct KillSwitchTests {
    /// Three working orders: instrument 1 (account 0, strategy 0), instrument 2 (account 1,
    /// strategy 1), instrument 1 (account 1, strategy 2).
    func threeWorking() -> TradingCore {
        var c = core(RiskLimits(lane: LaneLimits(selfMatchPrevention: false)))
        let book = normalBook()
        _ = c.submit(newOrder(1), book: book, now: 0)
        _ = c.submit(newOrder(2, instrument: InstrumentID(2), account: AccountID(1), strategy: StrategyID(1)), book: book, now: 0)
        _ = c.submit(newOrder(3, .sell, price: 100.5, account: AccountID(1), strategy: StrategyID(2)), book: book, now: 0)
        for id in 1...3 { _ = c.venue(ack(UInt64(id))) }
        return c
    }

    func cancelIDs(_ c: inout TradingCore, _ scope: KillScope) -> [UInt64] {
        withCancels { buf in
            let n = c.kill(scope, now: 5, into: buf)
            return buf[0..<n].map { $0.orderID.rawValue }.sorted()
        }
    }

    @Test func globalKillStopsNewOrdersAndCancelsEverythingWorking() {
        var c = threeWorking()
        #expect(cancelIDs(&c, .global) == [1, 2, 3])
        #expect(c.submit(newOrder(9), book: normalBook(), now: 6) == .riskRejected(.killSwitchGlobal))
        // Cancels still go.
        #expect(c.submit(cancel(newOrder(1)), book: normalBook(), now: 6) == .send)
        #expect(killCause(c, .global) == .manual)
        c.reset(.global)
        #expect(c.submit(newOrder(9), book: normalBook(), now: 7) == .send)
    }

    @Test func accountStrategyAndInstrumentKillsCoverOnlyTheirOrders() {
        var c = threeWorking()
        #expect(cancelIDs(&c, .account(AccountID(1))) == [2, 3])
        #expect(c.submit(newOrder(10, account: AccountID(1), strategy: StrategyID(3)), book: normalBook(), now: 6)
                == .riskRejected(.killSwitchAccount))
        var d = threeWorking()
        #expect(cancelIDs(&d, .strategy(StrategyID(2))) == [3])
        #expect(d.submit(newOrder(11, strategy: StrategyID(2)), book: normalBook(), now: 6) == .riskRejected(.killSwitchStrategy))
        #expect(d.submit(newOrder(12, strategy: StrategyID(0)), book: normalBook(), now: 6) == .send)
        var e = threeWorking()
        #expect(cancelIDs(&e, .instrument(inst)) == [1, 3])
        #expect(e.submit(newOrder(13), book: normalBook(), now: 6) == .riskRejected(.killSwitchInstrument))
        #expect(e.submit(newOrder(14, instrument: InstrumentID(2)), book: normalBook(), now: 6) == .send)
        // Killing again produces nothing more.
        #expect(cancelIDs(&e, .instrument(inst)) == [])
    }

    /// The switches keep a count of those thrown, so that a check reads one field while none
    /// is: after every step of a seeded run of throws and resets of every scope (the same switch
    /// thrown twice, reset twice, reset while not thrown), an order is refused for a switch
    /// exactly when one covering it is thrown, and the first covering scope is the reason.
    @Test func checksSeeExactlyTheThrownSwitchesThroughThrowsAndResets() {
        var limits = RiskLimits(lane: LaneLimits(selfMatchPrevention: false))
        limits.lane.collar = CollarPolicy(basisPoints: .max)
        limits.accountDefaults.orderRate = .unlimited
        var c = core(limits)
        let book = normalBook()
        let scopes: [KillScope] = [.global, .account(AccountID(0)), .account(AccountID(1)), .strategy(StrategyID(0)),
                                   .strategy(StrategyID(1)), .instrument(InstrumentID(1)), .instrument(InstrumentID(2))]
        var thrown = Set<Int>()
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return seed >> 33
        }
        var refusals = 0, accepts = 0
        for step in 0..<600 {
            let k = Int(next() % UInt64(scopes.count))
            let throwIt = next() % 3 == 0  // resets twice as often: every outcome is frequent
            let done = c.risk.killSwitches.set(scopes[k], cause: throwIt ? .manual : nil)
            #expect(done)
            if throwIt { thrown.insert(k) } else { thrown.remove(k) }
            for a in 0..<2 {
                for s in 0..<2 {
                    for i in 1...2 {
                        let intent = newOrder(1_000, instrument: InstrumentID(UInt32(i)), account: AccountID(UInt16(a)),
                                              strategy: StrategyID(UInt16(s)))
                        let expected: RiskVerdict =
                            thrown.contains(0) ? .reject(.killSwitchGlobal)
                            : thrown.contains(1 + a) ? .reject(.killSwitchAccount)
                            : thrown.contains(3 + s) ? .reject(.killSwitchStrategy)
                            : thrown.contains(4 + i) ? .reject(.killSwitchInstrument) : .accept
                        let verdict = c.risk.check(intent, book: book, orders: c.orders, positions: c.positions, now: UInt64(step))
                        #expect(verdict == expected, "step \(step): account \(a) strategy \(s) instrument \(i), thrown \(thrown.sorted())")
                        if verdict.isAccepted { accepts += 1 } else { refusals += 1 }
                    }
                }
            }
        }
        // The run visits both outcomes many times (the seed is fixed; this guards the test itself).
        #expect(accepts > 300 && refusals > 300, "accepts \(accepts), refusals \(refusals)")
    }

    @Test func lossLimitBreakerTripsTheAccountOnAFill() {
        var limits = RiskLimits(accountDefaults: AccountLimits(lossLimit: 500_000))  // 50.00
        limits.lane.selfMatchPrevention = false
        var c = core(limits)
        let book = normalBook()
        _ = c.submit(newOrder(1, qty: 100), book: book, now: 0)
        _ = c.submit(newOrder(2, .sell, price: 99.40, qty: 100), book: book, now: 0)
        _ = c.submit(newOrder(3, .buy, price: 99, qty: 10), book: book, now: 0)
        for id in 1...3 { _ = c.venue(ack(UInt64(id))) }
        _ = c.venue(fill(1, exec: 1, qty: 100, price: 100))
        #expect(killCause(c, .account(acct)) == nil)
        // Sell 100 at 99.40: −60.00 realized, beyond the 50.00 limit.
        let (result, n) = withCancels { buf in
            let r = c.onExecution(fill(2, exec: 2, qty: 100, price: 99.40), now: 9, cancels: buf)
            return (r.result, Array(buf[0..<r.cancels]))
        }
        #expect(result.isApplied)
        #expect(n.map(\.orderID) == [OrderID(3)])
        #expect(killCause(c, .account(acct)) == .lossLimit)
        #expect(c.risk.tripCount(.lossLimit) == 1)
        let trips = c.risk.tripLog.drainRecords()
        #expect(trips.count == 1 && trips[0].observed == -600_000 && trips[0].limit == -500_000 && trips[0].cancels == 1)
    }

    @Test func strategyLossLimitTripsTheStrategy() {
        var c = core(RiskLimits(lane: LaneLimits(selfMatchPrevention: false, strategyLossLimit: 10_000)))
        let book = normalBook()
        _ = c.submit(newOrder(1, qty: 10), book: book, now: 0)
        _ = c.submit(newOrder(2, .sell, price: 99.90, qty: 10), book: book, now: 0)
        _ = c.venue(fill(1, exec: 1, qty: 10, price: 100))
        _ = c.venue(fill(2, exec: 2, qty: 10, price: 99.91))
        #expect(killCause(c, .strategy(strat)) == nil)  // −0.90 so far
        _ = c.submit(newOrder(3, qty: 10), book: book, now: 0)
        _ = c.venue(fill(3, exec: 3, qty: 10, price: 100))
        _ = c.submit(newOrder(4, .sell, price: 99.90, qty: 10), book: book, now: 0)
        _ = c.venue(fill(4, exec: 4, qty: 10, price: 99.99))  // −0.10 more: −1.00, the limit
        #expect(killCause(c, .strategy(strat)) == .lossLimit)
    }

    @Test func rejectRateBreakerTripsTheStrategy() {
        var c = core(RiskLimits(lane: LaneLimits(maxRejects: 2, rejectWindow: 1_000)))
        let book = normalBook()
        for id in 1...4 { _ = c.submit(newOrder(UInt64(id)), book: book, now: 0) }
        _ = c.venue(ExecutionReport(kind: .reject, orderID: OrderID(1)), now: 10)
        _ = c.venue(ExecutionReport(kind: .reject, orderID: OrderID(2)), now: 20)
        #expect(killCause(c, .strategy(strat)) == nil)
        let n = withCancels { c.onExecution(ExecutionReport(kind: .reject, orderID: OrderID(3)), now: 30, cancels: $0).cancels }
        #expect(killCause(c, .strategy(strat)) == .rejectRate)
        #expect(n == 0)  // order 4 is still PendingNew: nothing cancelable yet
        // Outside the window the count starts again.
        var d = core(RiskLimits(lane: LaneLimits(maxRejects: 2, rejectWindow: 1_000)))
        for id in 1...3 { _ = d.submit(newOrder(UInt64(id)), book: book, now: 0) }
        _ = d.venue(ExecutionReport(kind: .reject, orderID: OrderID(1)), now: 10)
        _ = d.venue(ExecutionReport(kind: .reject, orderID: OrderID(2)), now: 20)
        _ = d.venue(ExecutionReport(kind: .reject, orderID: OrderID(3)), now: 2_000)
        #expect(killCause(d, .strategy(strat)) == nil)
    }

    @Test func messageRateBreakerTripsTheGlobalSwitch() {
        var c = core(RiskLimits(lane: LaneLimits(maxMessagesPerSecond: 3)))
        let book = normalBook()
        for id in 1...3 { #expect(c.submit(newOrder(UInt64(id), qty: 1), book: book, now: 100) == .send) }
        #expect(killCause(c, .global) == nil)
        #expect(c.submit(newOrder(4, qty: 1), book: book, now: 200) == .send)  // the fourth trips it
        #expect(killCause(c, .global) == .messageRate)
        #expect(c.submit(newOrder(5, qty: 1), book: book, now: 300) == .riskRejected(.killSwitchGlobal))
    }

    @Test func positionBreachTripsTheInstrument() {
        var c = core(RiskLimits(instrumentDefaults: InstrumentLimits(maxLong: 100)))
        let book = normalBook()
        _ = c.submit(newOrder(1, qty: 100), book: book, now: 0)
        // Limits tighten while the order works; its fill now breaches.
        try! c.risk.channel.publish(RiskLimits(instrumentDefaults: InstrumentLimits(maxLong: 50)))
        _ = c.risk.pollLimits()
        _ = c.venue(fill(1, exec: 1, qty: 60, price: 100))
        #expect(killCause(c, .instrument(inst)) == .positionBreach)
    }

    @Test func staleMarketDataTripsInstrumentsWithWorkingOrdersOnTheTimer() {
        var c = core(RiskLimits(lane: LaneLimits(staleMarketData: 1_000)))
        let book = normalBook()
        _ = c.submit(newOrder(1), book: book, now: 0)
        _ = c.venue(ack(1))
        c.onMarketData(InstrumentID(2), book: book, now: 5_000)
        let n = withCancels { c.onTimer(now: 5_000, cancels: $0) }
        #expect(n == 1)
        #expect(killCause(c, .instrument(inst)) == .staleMarketData)
        // Instrument 2 (fresh) and the rest (no working orders) are untouched.
        #expect(killCause(c, .instrument(InstrumentID(2))) == nil)
        #expect(killCause(c, .instrument(InstrumentID(3))) == nil)
    }

    @Test func everyTripIsLoggedWithItsCause() {
        let collected = Collected()
        let logger = Logger(label: "test") { _ in CollectingHandler(collected) }
        var c = threeWorking()
        _ = withCancels { c.kill(.strategy(StrategyID(1)), now: 42, into: $0) }
        _ = withCancels { c.kill(KillTrip(scope: .instrument(inst), cause: .staleMarketData, observed: 9, limit: 5, time: 43), into: $0) }
        #expect(c.risk.tripLog.drain(to: logger) == 2)
        let lines = collected.lines.withLock { $0 }
        #expect(lines.count == 2)
        #expect(lines[0].contains("cause=manual") && lines[0].contains("scope=strategy#1") && lines[0].contains("cancels=1"))
        #expect(lines[1].contains("cause=stale market data") && lines[1].contains("observed=9") && lines[1].contains("limit=5"))
    }
}

final class Collected: Sendable {
    let lines = Mutex<[String]>([])
    init() {}
}

struct CollectingHandler: LogHandler {
    let sink: Collected
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    init(_ sink: Collected) { self.sink = sink }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        let level = event.level, message = event.message
        let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        sink.lines.withLock { $0.append("\(level) \(message) \(fields)") }
    }
}

/// The cause of `scope`'s kill switch in `core` (nil when not thrown).
func killCause(_ core: borrowing TradingCore, _ scope: KillScope) -> KillCause? { core.risk.killSwitches.cause(scope) }

@Suite("Kill switch and orders in flight")
struct KillInFlightTests {
    @Test func anOrderAcknowledgedAfterTheKillIsCancelledOnItsAck() {
        var c = core()
        _ = c.submit(newOrder(1), book: normalBook(), now: 0)  // PendingNew: not cancelable yet
        let first = withCancels { c.kill(.global, now: 1, into: $0) }
        #expect(first == 0)
        let (result, cancels) = withCancels { buf in
            let r = c.onExecution(ack(1), now: 2, cancels: buf)
            return (r.result, Array(buf[0..<r.cancels]))
        }
        #expect(result == .applied(from: .pendingNew, to: .new))
        #expect(cancels.map(\.orderID) == [OrderID(1)] && cancels.map(\.kind) == [.cancel])
        #expect(c.submit(cancels[0], book: normalBook(), now: 3) == .send)
    }

    /// Order 1 working, then a replace to order 2 pending when the global switch is thrown.
    /// Returns how many cancels the throw wrote.
    func replacePendingAtKill(_ c: inout TradingCore) -> Int {
        _ = c.submit(newOrder(1), book: normalBook(), now: 0)
        _ = c.venue(ack(1))
        #expect(c.submit(replace(newOrder(1), newID: 2, price: 99.98, qty: 100), book: normalBook(), now: 1) == .send)
        return withCancels { c.kill(.global, now: 2, into: $0) }
    }

    @Test func aReplaceAcknowledgedAfterTheKillIsCancelledUnderItsNewID() {
        var c = core()
        #expect(replacePendingAtKill(&c) == 0, "PendingReplace is not cancelable: no cancel at the throw")
        let (result, cancels) = withCancels { buf in
            let r = c.onExecution(ExecutionReport(kind: .replaceAck, orderID: OrderID(1)), now: 3, cancels: buf)
            return (r.result, Array(buf[0..<r.cancels]))
        }
        #expect(result == .applied(from: .pendingReplace, to: .replaced))
        #expect(cancels.map(\.orderID) == [OrderID(2)] && cancels.map(\.kind) == [.cancel])
        #expect(c.submit(cancels[0], book: normalBook(), now: 4) == .send)
    }

    @Test func aReplaceRefusedAfterTheKillCancelsTheOriginal() {
        var c = core()
        _ = replacePendingAtKill(&c)
        let cancels = withCancels { buf in
            let r = c.onExecution(ExecutionReport(kind: .replaceReject, orderID: OrderID(1)), now: 3, cancels: buf)
            return Array(buf[0..<r.cancels])
        }
        #expect(cancels.map(\.orderID) == [OrderID(1)])
        #expect(c.submit(cancels[0], book: normalBook(), now: 4) == .send)
    }

    @Test func anAckWithNoKillThrownCancelsNothing() {
        var c = core()
        _ = c.submit(newOrder(1), book: normalBook(), now: 0)
        let n = withCancels { c.onExecution(ack(1), now: 1, cancels: $0).cancels }
        #expect(n == 0)
    }

    @Test func cancelsUnderAThrownKillSwitchAreNotHeldBackByTheCancelRate() {
        var c = core(RiskLimits(accountDefaults: AccountLimits(cancelRate: RateLimit(perSecond: 1, burst: 1))))
        for id in 1...3 {
            _ = c.submit(newOrder(UInt64(id), qty: 1), book: normalBook(), now: 0)
            _ = c.venue(ack(UInt64(id)))
        }
        #expect(c.submit(cancel(newOrder(1, qty: 1)), book: normalBook(), now: 0) == .send)
        #expect(c.submit(cancel(newOrder(2, qty: 1)), book: normalBook(), now: 0) == .riskRejected(.cancelRate))
        let cancels = withCancels { buf in Array(buf[0..<c.kill(KillTrip(scope: .global, cause: .shutdown, observed: 0,
                                                                          limit: 0, time: 0), into: buf)]) }
        #expect(cancels.map(\.orderID.rawValue).sorted() == [2, 3])
        for x in cancels { #expect(c.submit(x, book: normalBook(), now: 0) == .send) }
        #expect(killCause(c, .global) == .shutdown)
    }
}
