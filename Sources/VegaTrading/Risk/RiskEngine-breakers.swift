import VegaCore

extension RiskEngine {
    /// Throws `trip.scope`'s kill switch for `trip.cause`, counts it and records it for the
    /// ``TripLog``. Returns false (nothing recorded) when that switch was already thrown.
    @inlinable
    @discardableResult
    public mutating func trip(_ trip: KillTrip) -> Bool {
        if killSwitches.isThrown(trip.scope) { return false }
        guard killSwitches.set(trip.scope, cause: trip.cause) else { return false }
        _tripCounts[Int(trip.cause.rawValue)] &+= 1
        tripSink._withUnsafeGuaranteedRef { $0.record(trip) }
        return true
    }

    /// Message-rate breaker: counts one outgoing message (new, cancel or replace) in the current
    /// one-second window; beyond the lane's `maxMessagesPerSecond` it trips the global switch.
    /// Returns the trip this message calls for (its switch not yet thrown): pass it to
    /// ``TradingCore/kill(_:into:)`` (throws it and cancels what works under it) or ``trip(_:)``.
    /// The other breakers answer the same way.
    @inlinable
    public mutating func recordMessage(now: UInt64) -> KillTrip? {
        if now &- messageWindowStart >= 1_000_000_000 || now < messageWindowStart {
            messageWindowStart = now
            messageCount = 0
        }
        messageCount &+= 1
        let max = limits.lane.maxMessagesPerSecond
        guard max != 0, messageCount > max else { return nil }
        let t = KillTrip(scope: .global, cause: .messageRate, observed: Int64(messageCount), limit: Int64(max), time: now)
        return killSwitches.isThrown(t.scope) ? nil : t
    }

    /// Reject-rate breaker: counts a venue reject of `strategy`'s order; more than `maxRejects`
    /// within `rejectWindow` trips the strategy's switch.
    @inlinable
    public mutating func recordVenueReject(strategy: StrategyID, now: UInt64) -> KillTrip? {
        let s = Int(strategy.rawValue)
        guard s < capacity.strategies else { return nil }
        let lane = limits.lane
        var w = rejectWindows[s]
        if now &- w.start >= lane.rejectWindow || now < w.start { w = (now, 0) }
        w.count &+= 1
        rejectWindows[s] = w
        guard lane.maxRejects != 0, w.count > lane.maxRejects else { return nil }
        let t = KillTrip(scope: .strategy(strategy), cause: .rejectRate, observed: Int64(w.count),
                         limit: Int64(lane.maxRejects), time: now)
        return killSwitches.isThrown(t.scope) ? nil : t
    }

    /// Position-breach breaker: after a fill, a lane position beyond the instrument's maxLong or
    /// maxShort (fills of orders in flight can take it there) trips the instrument's switch.
    @inlinable
    public mutating func checkPositionBreach(_ instrument: InstrumentID, position: Int64, now: UInt64) -> KillTrip? {
        let i = Int(instrument.rawValue)
        guard i < capacity.instruments, limits.lane.positionBreach else { return nil }
        let il = limits.instrument(i)
        let t: KillTrip
        if position > il.maxLong {
            t = KillTrip(scope: .instrument(instrument), cause: .positionBreach, observed: position, limit: il.maxLong, time: now)
        } else if position < 0 && (0 &- position) > il.maxShort {
            t = KillTrip(scope: .instrument(instrument), cause: .positionBreach, observed: position,
                         limit: 0 &- il.maxShort, time: now)
        } else {
            return nil
        }
        return killSwitches.isThrown(t.scope) ? nil : t
    }

    /// Loss-limit breaker: trips the account's switch when its net P&L is at or below −its
    /// `lossLimit`, and the strategy's when its net P&L is at or below −the lane's
    /// `strategyLossLimit`. Returns the first trip this call caused.
    @inlinable
    public mutating func checkLoss(account: AccountID, strategy: StrategyID, positions: borrowing PositionBook,
                                   now: UInt64) -> KillTrip? {
        var first: KillTrip?
        if Int(account.rawValue) < capacity.accounts {
            let limit = limits.account(Int(account.rawValue)).lossLimit
            let pnl = positions.totals(account: account).netPnL
            if limit != 0 && pnl <= 0 &- limit {
                let t = KillTrip(scope: .account(account), cause: .lossLimit, observed: pnl, limit: 0 &- limit, time: now)
                if !killSwitches.isThrown(t.scope) { first = t }
            }
        }
        let limit = limits.lane.strategyLossLimit
        let pnl = positions.totals(strategy: strategy).netPnL
        if limit != 0 && Int(strategy.rawValue) < capacity.strategies && pnl <= 0 &- limit {
            let t = KillTrip(scope: .strategy(strategy), cause: .lossLimit, observed: pnl, limit: 0 &- limit, time: now)
            if case .none = first, !killSwitches.isThrown(t.scope) { first = t }
        }
        return first
    }

    /// Stale-market-data breaker: trips the switch of every instrument with working orders
    /// whose market data is older than the lane's `staleMarketData` (thrown and recorded here;
    /// cancel their orders with ``TradingCore/cancelIntents(for:into:)``). Returns how many tripped.
    ///
    /// - Cost: O(instruments); call it on a timer, not per message.
    @inlinable
    public mutating func checkStaleMarketData(orders: borrowing OrderManager, now: UInt64) -> Int {
        let limit = limits.lane.staleMarketData
        guard limit != 0 else { return 0 }
        var tripped = 0
        for i in 0..<capacity.instruments where now > lastMarketData[i] && now &- lastMarketData[i] > limit {
            let id = InstrumentID(UInt32(i))
            guard orders.working(instrument: id).orders > 0 else { continue }
            let t = KillTrip(scope: .instrument(id), cause: .staleMarketData,
                             observed: Int64(bitPattern: now &- lastMarketData[i]), limit: Int64(bitPattern: limit), time: now)
            if trip(t) { tripped &+= 1 }  // several at once: thrown here, cancels are the caller's
        }
        return tripped
    }
}
