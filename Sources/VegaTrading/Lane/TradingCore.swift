import VegaCore
import VegaMarketData

/// What happened to an intent the lane submitted.
@frozen
public enum SubmitResult: Sendable, Equatable, BitwiseCopyable {
    /// Accepted by risk and recorded by the OMS: send it.
    case send
    /// Refused by pre-trade risk.
    case riskRejected(RiskReject)
    /// Accepted by risk but refused by the OMS (e.g. a duplicate order ID).
    case omsRejected(OMSReject)
}

/// The lane's trading state machine: pre-trade risk, kill switches and breakers, OMS and
/// positions, wired together the one way they must be.
///
/// Intents from strategies go through ``submit(_:book:now:)``; venue messages through
/// ``onExecution(_:now:)``; book updates through ``onMarketData(_:book:now:)``; a timer calls
/// ``onTimer(now:)``. Kill switches (manual or tripped by a breaker) stop new orders and
/// produce cancel intents for what works under them, which the lane sends like any other.
///
/// ## Contract
/// Sized once from ``TradingCapacity``; every method here is allocation-free, lock-free and
/// never traps on venue or strategy input. Time is passed in (ns, one monotonic timescale).
public struct TradingCore: ~Copyable {
    public var risk: RiskEngine
    public var orders: OrderManager
    public var positions: PositionBook

    public init(channel: RiskLimitsChannel, tripLog: TripLog = TripLog(), now: UInt64) {
        risk = RiskEngine(channel: channel, tripLog: tripLog, now: now)
        orders = OrderManager(capacity: channel.capacity)
        positions = PositionBook(capacity: channel.capacity)
    }

    /// Checks `intent` and, when accepted, records it in the OMS (PendingNew, PendingCancel or
    /// PendingReplace) and counts it for the message-rate breaker (a trip there throws the
    /// global switch; the message that tripped it still goes, later ones are refused).
    @inlinable
    public mutating func submit<Book: BookView & ~Copyable>(_ intent: OrderIntent, book: borrowing Book,
                                                            now: UInt64) -> SubmitResult {
        let verdict = risk.check(intent, book: book, orders: orders, positions: positions, now: now)
        if case .reject(let r) = verdict { return .riskRejected(r) }
        let result: OMSResult
        switch intent.kind {
        case .new: result = orders.register(intent, now: now)
        case .cancel: result = orders.requestCancel(intent.orderID, now: now)
        case .replace:
            result = orders.requestReplace(intent.orderID, newID: intent.newOrderID, price: intent.price,
                                           quantity: intent.quantity, now: now)
        }
        if case .refused(let r, _) = result { return .omsRejected(r) }
        if let t = risk.recordMessage(now: now) { _ = risk.trip(t) }
        return .send
    }

    /// Applies a venue message: the OMS state machine, then positions for a fill, then the
    /// breakers it can trip (reject rate on a reject; position breach and loss limits on a fill).
    /// Cancels a trip calls for — and the cancel of an order acknowledged after a kill switch
    /// covering it was thrown — are written into `cancels`; their count is returned beside the
    /// OMS's result.
    @inlinable
    public mutating func onExecution(_ report: ExecutionReport, now: UInt64,
                                     cancels: UnsafeMutableBufferPointer<OrderIntent>) -> (result: OMSResult, cancels: Int) {
        let before = orders.order(report.orderID)
        let result = orders.apply(report, now: now)
        guard case .applied(_, let to) = result, let o = before else { return (result, 0) }
        var n = 0
        if report.kind == .fill {
            _ = positions.apply(PositionFill(order: o, report: report))
            if let t = risk.checkPositionBreach(o.instrument, position: positions.position(o.instrument).quantity, now: now) {
                n &+= kill(t, into: UnsafeMutableBufferPointer(rebasing: cancels[n...]))
            }
            if let t = risk.checkLoss(account: o.account, strategy: o.strategy, positions: positions, now: now) {
                n &+= kill(t, into: UnsafeMutableBufferPointer(rebasing: cancels[n...]))
            }
        } else if report.kind == .ack || report.kind == .replaceAck || report.kind == .replaceReject {
            // Answered after a kill switch covering it was thrown (it was PendingNew or
            // PendingReplace then, not cancelable): cancel what now works rather than let it.
            // The switches are checked first (the order's account, strategy and instrument do not
            // change with a replace): the order lookup is paid only under a thrown switch.
            if case .some = risk.killSwitches.blocking(account: Int(o.account.rawValue), strategy: Int(o.strategy.rawValue),
                                                       instrument: Int(o.instrument.rawValue)) {
                n = cancelIfWorking(report.kind == .replaceAck ? o.pendingID : o.id, into: cancels)
            }
        } else if to == .rejected {
            if let t = risk.recordVenueReject(strategy: o.strategy, now: now) {
                n &+= kill(t, into: UnsafeMutableBufferPointer(rebasing: cancels[n...]))
            }
        }
        return (result, n)
    }

    /// Writes a cancel for order `id` into `cancels[0]` when it works (New or PartiallyFilled);
    /// returns 1 then, else 0.
    @inlinable
    func cancelIfWorking(_ id: OrderID, into cancels: UnsafeMutableBufferPointer<OrderIntent>) -> Int {
        guard cancels.count > 0, let o = orders.order(id), o.id.rawValue == id.rawValue,
              o.isCancelable
        else { return 0 }
        cancels[0] = o.cancelIntent
        return 1
    }

    /// A book changed: records the instrument's market data as fresh and marks its positions at
    /// the book's mid. Loss limits are not re-checked per tick (every account and strategy in
    /// the instrument would be walked); they are checked on fills and by
    /// ``checkLoss(account:strategy:now:cancels:)``.
    @inlinable
    public mutating func onMarketData<Book: BookView & ~Copyable>(_ instrument: InstrumentID, book: borrowing Book,
                                                                  now: UInt64) {
        risk.marketDataUpdated(instrument, now: now)
        positions.mark(instrument, from: book)
    }

    /// Throws `trip`'s kill switch (recording it with the number of cancels) and writes cancel
    /// intents for every working order under its scope into `buffer`. Returns how many.
    /// Returns 0 when that switch was already thrown.
    @inlinable
    public mutating func kill(_ trip: KillTrip, into buffer: UnsafeMutableBufferPointer<OrderIntent>) -> Int {
        guard !risk.killSwitches.isThrown(trip.scope) else { return 0 }
        let n = orders.cancelIntents(for: trip.scope, into: buffer)
        var t = trip
        t.cancels = UInt32(truncatingIfNeeded: n)
        _ = risk.trip(t)
        return n
    }

    /// Throws a kill switch by hand (an operator's command, drained from the control ring).
    @inlinable
    public mutating func kill(_ scope: KillScope, now: UInt64, into buffer: UnsafeMutableBufferPointer<OrderIntent>) -> Int {
        kill(KillTrip(scope: scope, cause: .manual, observed: 0, limit: 0, time: now), into: buffer)
    }

    /// Resets a kill switch (trading under it may resume).
    @inlinable
    public mutating func reset(_ scope: KillScope) { risk.killSwitches.set(scope, cause: nil) }

    /// Cancel intents for everything working under `scope` (e.g. after ``onTimer(now:cancels:)``
    /// tripped instruments for stale data).
    @inlinable
    public func cancelIntents(for scope: KillScope, into buffer: UnsafeMutableBufferPointer<OrderIntent>) -> Int {
        orders.cancelIntents(for: scope, into: buffer)
    }

    /// Checks one account's and one strategy's loss limits now (after marks moved).
    @inlinable
    public mutating func checkLoss(account: AccountID, strategy: StrategyID, now: UInt64,
                                   cancels: UnsafeMutableBufferPointer<OrderIntent>) -> Int {
        guard let t = risk.checkLoss(account: account, strategy: strategy, positions: positions, now: now) else { return 0 }
        return kill(t, into: cancels)
    }

    /// Periodic work: applies newly published limits, and trips instruments whose market data
    /// went stale while orders work, writing the cancels for them. Returns how many cancels.
    /// - Cost: O(instruments + open-order capacity) when something is stale; call on a timer.
    @inlinable
    public mutating func onTimer(now: UInt64, cancels: UnsafeMutableBufferPointer<OrderIntent>) -> Int {
        _ = risk.pollLimits()
        let limit = risk.limits.lane.staleMarketData
        guard limit != 0 else { return 0 }
        var n = 0
        for i in 0..<risk.capacity.instruments {
            let last = risk.lastMarketData[i]
            guard now > last, now &- last > limit else { continue }
            let id = InstrumentID(UInt32(i))
            guard orders.working(instrument: id).orders > 0, !risk.killSwitches.isThrown(.instrument(id)) else { continue }
            let t = KillTrip(scope: .instrument(id), cause: .staleMarketData, observed: Int64(bitPattern: now &- last),
                             limit: Int64(bitPattern: limit), time: now)
            n &+= kill(t, into: UnsafeMutableBufferPointer(rebasing: cancels[n...]))
        }
        return n
    }
}
