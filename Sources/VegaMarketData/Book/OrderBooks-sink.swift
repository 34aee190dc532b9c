import VegaCore

// OrderBookSink: what the ITCH handler calls, one method per message type. Each is a lane
// call — O(1) apart from the ladder shift when a level appears or vanishes (a few entries
// near the touch) — with no allocation, no lock and no trap on bad input: a refusal returns
// and counts a BookReject and leaves every accepted order as it was.

extension OrderBooks: OrderBookSink where Output: ~Copyable {
    /// 'R': defines (or redefines: symbol and round lot are updated, the book kept) the
    /// instrument at `locate`. `.unknownInstrument` when all `maxInstruments` slots are taken.
    @inlinable
    public mutating func defineInstrument(locate: UInt16, symbol: Symbol, roundLot: UInt32, times: EventTimes) -> BookReject? {
        var s = locateSlots[Int(locate)]
        if s == noSlot {
            guard definedInstruments < configuration.maxInstruments else {
                counters.record(.unknownInstrument)
                return .unknownInstrument
            }
            s = UInt32(truncatingIfNeeded: definedInstruments)
            definedInstruments &+= 1
            locateSlots[Int(locate)] = s
            instruments[Int(s)] = InstrumentRecord()
            instruments[Int(s)].locate = locate
        }
        instruments[Int(s)].symbol = symbol
        instruments[Int(s)].roundLot = roundLot
        instruments[Int(s)].lastTimes = times
        counters.instrumentsDefined &+= 1
        return nil
    }

    /// 'A' / 'F': the order joins the back of its price level's queue (creating the level).
    /// Refusals: `unknownInstrument`, `invalidQuantity` (0 shares), `invalidPrice` (outside
    /// 1…2^32−1, ITCH's `Price(4)` field), `duplicateOrder`, `orderCapacity`, `levelCapacity`.
    /// Cost: one index probe, one ladder search (top 8 entries, then binary), O(1) linking.
    @inlinable
    public mutating func addOrder(locate: UInt16, reference: UInt64, side: Side, shares: UInt32, price: Price4,
                                  attribution: UInt32, times: EventTimes) -> BookReject? {
        guard let slot = slot(of: locate) else { return reject(.unknownInstrument) }
        if shares == 0 { return reject(.invalidQuantity) }
        if price.rawValue <= 0 || price.rawValue > Int64(UInt32.max) { return reject(.invalidPrice) }
        if let r = insertOrder(slot: slot, locate: locate, reference: reference, side: side, shares: shares,
                               price: price.rawValue, times: times) {
            return reject(r)
        }
        counters.adds &+= 1
        return nil
    }

    /// 'E' (price nil: at the order's price) and 'C' (at `price`; prints only if `printable`).
    /// Both take the shares off the order (at its own level, whatever the execution price);
    /// an order reaching zero leaves the book. Executing more than the order has removes it and
    /// returns `overExecution` (excess counted in `counters.excessShares`).
    /// Cost: one index probe, O(1) unlinking, a ladder search for the level's depth.
    @inlinable
    public mutating func executeOrder(locate: UInt16, reference: UInt64, shares: UInt32, matchNumber: UInt64,
                                      price: Price4?, printable: Bool, times: EventTimes) -> BookReject? {
        guard let o = index.get(reference, orders: orders) else { return reject(.unknownOrder) }
        let order = orders[Int(o)]
        if order.locate != locate { return reject(.instrumentMismatch) }
        if shares == 0 { return reject(.invalidQuantity) }
        counters.executions &+= 1
        // `if let`, not `??` or `min`: both are generic calls the no-locks checker refuses at -Onone.
        var tradePrice = Price4(rawValue: levels[Int(order.level)].price)
        var prints = true
        if let price {
            tradePrice = price
            prints = printable
        }
        if prints {
            recordTrade(slot: Int(order.instrument), side: order.side,
                        shares: UInt64(shares < order.shares ? shares : order.shares),
                        price: tradePrice, matchNumber: matchNumber, flags: .none, times: times)
        }
        return reduce(o, by: shares, times: times)
    }

    /// 'X': takes `shares` off the order, which keeps its queue position; at zero it leaves
    /// the book. Over-cancelling removes it and returns `overExecution`.
    @inlinable
    public mutating func cancelOrder(locate: UInt16, reference: UInt64, shares: UInt32, times: EventTimes) -> BookReject? {
        guard let o = index.get(reference, orders: orders) else { return reject(.unknownOrder) }
        if orders[Int(o)].locate != locate { return reject(.instrumentMismatch) }
        if shares == 0 { return reject(.invalidQuantity) }
        counters.cancels &+= 1
        return reduce(o, by: shares, times: times)
    }

    /// 'D': the order leaves the book (its level too, if it was the last there).
    /// Cost: one index probe (remove), O(1) unlinking, a ladder search.
    @inlinable
    public mutating func deleteOrder(locate: UInt16, reference: UInt64, times: EventTimes) -> BookReject? {
        guard let o = index.remove(reference, orders: orders) else { return reject(.unknownOrder) }
        if orders[Int(o)].locate != locate {
            // Rare (a corrupt message): put it back rather than probe twice on every delete.
            _ = index.insert(o, forKey: reference, orders: orders)
            return reject(.instrumentMismatch)
        }
        counters.deletes &+= 1
        removeOrder(o, alreadyUnindexed: true, times: times)
        return nil
    }

    /// 'U': the original leaves the book and the replacement joins the back of its level
    /// (same side and instrument; new reference, shares, price — priority lost).
    /// Checked before anything changes, so a refused replace keeps the original:
    /// `unknownOrder`, `instrumentMismatch`, `invalidQuantity`, `invalidPrice`,
    /// `duplicateOrder` (the new reference is live), `levelCapacity` (the new price needs a
    /// level and none is free even after the original's level empties).
    @inlinable
    public mutating func replaceOrder(locate: UInt16, original: UInt64, replacement: UInt64, shares: UInt32, price: Price4,
                                      times: EventTimes) -> BookReject? {
        guard let o = index.get(original, orders: orders) else { return reject(.unknownOrder) }
        let order = orders[Int(o)]
        if order.locate != locate { return reject(.instrumentMismatch) }
        if shares == 0 { return reject(.invalidQuantity) }
        if price.rawValue <= 0 || price.rawValue > Int64(UInt32.max) { return reject(.invalidPrice) }
        if replacement != original && index.get(replacement, orders: orders) != nil { return reject(.duplicateOrder) }
        let slot = Int(order.instrument)
        if !hasRoomForLevel(slot: slot, side: order.side) && levels[Int(order.level)].orders > 1 {
            let found = Self.search(ladder(slot, order.side), count: levelCount(slot: slot, side: order.side),
                                    key: Self.ladderKey(price.rawValue, order.side)).found
            if !found { return reject(.levelCapacity) }
        }
        removeOrder(o, alreadyUnindexed: false, times: times)
        // Cannot fail: the removal freed an order slot and an index entry, and the check above
        // guarantees a level. Handled anyway rather than trusted.
        if let r = insertOrder(slot: slot, locate: locate, reference: replacement, side: order.side, shares: shares,
                               price: price.rawValue, times: times) {
            return reject(r)
        }
        counters.replaces &+= 1
        return nil
    }

    /// 'H': records the instrument's trading state (the book is kept through halts, as ITCH
    /// keeps it) and publishes a `.tradingState` update.
    @inlinable
    public mutating func setTradingState(locate: UInt16, state: TradingState, times: EventTimes) {
        guard let slot = slot(of: locate) else { counters.record(.unknownInstrument); return }
        instruments[slot].state = state
        instruments[slot].lastTimes = times
        counters.tradingStateChanges &+= 1
        publish(BookUpdate(kind: .tradingState, locate: locate, side: .buy, price: .zero, shares: 0,
                           orders: UInt32(tradingStateByte(state)), depth: 0, flags: .none, times: times))
    }

    /// 'P' / 'Q': records the last trade and publishes it; the displayed book is unchanged.
    @inlinable
    public mutating func trade(locate: UInt16, kind: TradeKind, shares: UInt64, price: Price4, matchNumber: UInt64,
                               times: EventTimes) {
        guard let slot = slot(of: locate) else { counters.record(.unknownInstrument); return }
        switch kind {
        case .nonCross(let side):
            recordTrade(slot: slot, side: side, shares: shares, price: price, matchNumber: matchNumber, flags: .none, times: times)
        case .cross:
            recordTrade(slot: slot, side: .buy, shares: shares, price: price, matchNumber: matchNumber, flags: .cross,
                        times: times)
        }
    }

    /// 'B': counted and published; the book is unchanged (a broken trade does not restore
    /// shares on NASDAQ's book).
    @inlinable
    public mutating func brokenTrade(locate: UInt16, matchNumber: UInt64, times: EventTimes) {
        guard slot(of: locate) != nil else { counters.record(.unknownInstrument); return }
        counters.brokenTrades &+= 1
        publish(BookUpdate(kind: .brokenTrade, locate: locate, side: .buy, price: .zero, shares: 0, orders: 0,
                           depth: 0, flags: .none, times: times))
    }

    /// Marks the books of `locate` (nil: all) stale until ``clearBook(locate:)`` rebuilds
    /// them. The books keep applying events; strategies should read ``isStale(locate:)``.
    /// Cost: O(1) for one instrument, O(instruments) for all (one update either way).
    @inlinable
    public mutating func markStale(locate: UInt16?) {
        let zero = EventTimes(exchange: Timestamp(nanoseconds: 0))
        if let locate {
            guard let slot = slot(of: locate) else { counters.record(.unknownInstrument); return }
            instruments[slot].stale = true
            publish(BookUpdate(kind: .stale, locate: locate, side: .buy, price: .zero, shares: 0, orders: 0, depth: 0,
                               flags: .none, times: zero))
        } else {
            for s in 0..<definedInstruments { instruments[s].stale = true }
            publish(BookUpdate(kind: .stale, locate: 0, side: .buy, price: .zero, shares: 0, orders: 0, depth: 0,
                               flags: .allInstruments, times: zero))
        }
    }
}

extension OrderBooks where Output: ~Copyable {
    @inlinable @inline(__always)
    mutating func reject(_ reason: BookReject) -> BookReject {
        counters.record(reason)
        return reason
    }

    /// Adds a validated order: reserves a slot, indexes it, finds or creates its level,
    /// links it at the back of the queue. Returns the reason it could not, having changed nothing.
    @inlinable
    mutating func insertOrder(slot: Int, locate: UInt16, reference: UInt64, side: Side, shares: UInt32, price: Int64,
                              times: EventTimes) -> BookReject? {
        let o = freeOrder
        if o == noSlot { return .orderCapacity }
        // The index confirms window hits against the slot's reference: set it first (the slot
        // is free, so nothing else reads it), so a rollback below can find it again.
        orders[Int(o)].reference = reference
        switch index.insert(o, forKey: reference, orders: orders) {
        case .inserted: break
        case .alreadyPresent: return .duplicateOrder
        case .full: return .orderCapacity
        }
        guard let (level, depth, added) = findOrCreateLevel(slot: slot, side: side, price: price) else {
            _ = index.remove(reference, orders: orders)
            return .levelCapacity
        }
        freeOrder = orders[Int(o)].next
        orders[Int(o)] = OrderSlot(reference: reference, prev: noSlot, next: noSlot, level: level, shares: shares,
                                   locate: locate, instrument: UInt16(truncatingIfNeeded: slot), side: side)
        liveOrders &+= 1
        instruments[slot].orders &+= 1
        enqueue(o, level: level)
        let l = levels[Int(level)]
        publishLevel(slot: slot, side: side, price: price, shares: l.shares, orders: l.orders, depth: depth,
                     flags: added ? .levelAdded : .none, times: times)
        return nil
    }

    /// Takes `shares` off order slot `o` (execution or cancel); removes it at zero or below.
    @inlinable
    mutating func reduce(_ o: UInt32, by shares: UInt32, times: EventTimes) -> BookReject? {
        let remaining = orders[Int(o)].shares
        if shares >= remaining {
            removeOrder(o, alreadyUnindexed: false, times: times)
            if shares == remaining { return nil }
            counters.excessShares &+= UInt64(shares &- remaining)
            return reject(.overExecution)
        }
        orders[Int(o)].shares = remaining &- shares
        let level = orders[Int(o)].level
        levels[Int(level)].shares &-= UInt64(shares)
        levelChanged(level, slot: Int(orders[Int(o)].instrument), side: orders[Int(o)].side, times: times)
        return nil
    }

    @inlinable
    mutating func recordTrade(slot: Int, side: Side, shares: UInt64, price: Price4, matchNumber: UInt64,
                              flags: BookUpdate.Flags, times: EventTimes) {
        instruments[slot].lastTrade = LastTrade(price: price, shares: shares, matchNumber: matchNumber, exchange: times.exchange)
        instruments[slot].lastTimes = times
        counters.trades &+= 1
        publish(BookUpdate(kind: .trade, locate: instruments[slot].locate, side: side, price: price, shares: shares,
                           orders: 0, depth: 0, flags: flags, times: times))
    }
}
