import CVegaFPGA
import VegaCore
import VegaHardware

// The read side: what a strategy on the lane asks between messages. All O(1) (queue position
// and snapshots are O(what they return)), no allocation, no lock.

extension OrderBooks: BookView where Output: ~Copyable {
    /// Best bid and offer; zeros for an empty side or an unknown instrument. Two loads per side.
    /// Always inlined: called out of line through a view into the lane's books (a strategy's
    /// requote), the 456-byte books value was copied for each call.
    @inlinable @inline(__always)
    public func topOfBook(locate: UInt16) -> TopOfBook {
        guard let slot = slot(of: locate) else { return TopOfBook(bid: .empty, ask: .empty) }
        return TopOfBook(bid: bookLevel(slot: slot, side: .buy, depth: 0) ?? .empty,
                         ask: bookLevel(slot: slot, side: .sell, depth: 0) ?? .empty)
    }

    /// The `index`-th level of `side` (0 = best), or `nil`. O(1): one ladder load, one level load.
    /// Always inlined: the risk check's collar reads the best level's price and shares only,
    /// and inlined, only those are loaded.
    @inlinable @inline(__always)
    public func level(locate: UInt16, side: Side, index: Int) -> BookLevel? {
        guard let slot = slot(of: locate) else { return nil }
        return bookLevel(slot: slot, side: side, depth: index)
    }

    /// Number of price levels on `side`.
    @inlinable
    public func levelCount(locate: UInt16, side: Side) -> Int {
        guard let slot = slot(of: locate) else { return 0 }
        return levelCount(slot: slot, side: side)
    }
}

extension OrderBooks where Output: ~Copyable {
    /// Copies the best `buffer.count` levels of `side` (best first) into `buffer` and returns
    /// how many there were. O(levels copied).
    @inlinable
    public func depth(locate: UInt16, side: Side, into buffer: UnsafeMutableBufferPointer<BookLevel>) -> Int {
        guard let slot = slot(of: locate) else { return 0 }
        let n = min(buffer.count, levelCount(slot: slot, side: side))
        for i in 0..<n { buffer[i] = bookLevel(slot: slot, side: side, depth: i)! }
        return n
    }

    /// Where a live order stands in its level's FIFO queue: the shares and orders ahead of it,
    /// and its level's depth (0 = best). `nil` for an unknown reference.
    /// Cost: one index probe plus a walk over the orders ahead (O(ordersAhead)).
    @inlinable
    public func queuePosition(reference: UInt64) -> (sharesAhead: UInt64, ordersAhead: UInt32, levelIndex: Int)? {
        guard let o = index.get(reference, orders: orders) else { return nil }
        var sharesAhead: UInt64 = 0
        var ordersAhead: UInt32 = 0
        var p = orders[Int(o)].prev
        while p != noSlot {
            sharesAhead &+= UInt64(orders[Int(p)].shares)
            ordersAhead &+= 1
            p = orders[Int(p)].prev
        }
        let order = orders[Int(o)]
        return (sharesAhead, ordersAhead, depth(ofLevel: order.level, slot: Int(order.instrument), side: order.side))
    }

    /// A live order's remaining shares, price and side; `nil` for an unknown reference.
    @inlinable
    public func order(reference: UInt64) -> (locate: UInt16, side: Side, shares: UInt32, price: Price4)? {
        guard let o = index.get(reference, orders: orders) else { return nil }
        let order = orders[Int(o)]
        return (order.locate, order.side, order.shares, Price4(rawValue: levels[Int(order.level)].price))
    }

    /// Whether an instrument is defined at `locate`.
    @inlinable
    public func isDefined(locate: UInt16) -> Bool { slot(of: locate) != nil }

    /// The instrument's symbol; `nil` if undefined.
    @inlinable
    public func symbol(locate: UInt16) -> Symbol? {
        guard let slot = slot(of: locate) else { return nil }
        return instruments[slot].symbol
    }

    /// The instrument's trading state ('H' trading action); `nil` if undefined.
    @inlinable
    public func tradingState(locate: UInt16) -> TradingState? {
        guard let slot = slot(of: locate) else { return nil }
        return instruments[slot].state
    }

    /// Whether the instrument's book was marked stale and not rebuilt since.
    @inlinable
    public func isStale(locate: UInt16) -> Bool {
        guard let slot = slot(of: locate) else { return false }
        return instruments[slot].stale
    }

    /// The last trade printed (E, printable C, P, Q); `nil` if undefined or none yet.
    @inlinable
    public func lastTrade(locate: UInt16) -> LastTrade? {
        guard let slot = slot(of: locate), instruments[slot].lastTrade.shares != 0 else { return nil }
        return instruments[slot].lastTrade
    }

    /// Live orders of one instrument.
    @inlinable
    public func orderCount(locate: UInt16) -> Int {
        guard let slot = slot(of: locate) else { return 0 }
        return Int(instruments[slot].orders)
    }

    /// Whether the instrument's best bid is at or above its best ask (both present).
    @inlinable
    public func isCrossed(locate: UInt16) -> Bool {
        guard let slot = slot(of: locate) else { return false }
        return isCrossed(slot: slot)
    }

    /// Removes every order of `locate`'s book and clears its stale flag: the first step of a
    /// rebuild (from a snapshot or a new session). Cost: O(orders + levels of that book);
    /// no allocation. Publishes one `.cleared` update.
    public mutating func clearBook(locate: UInt16) {
        guard let slot = slot(of: locate) else { return }
        for sideIndex in 0..<2 {  // not `for side in [.buy, .sell]`: an array literal allocates
            let side: Side = sideIndex == 0 ? .buy : .sell
            let entries = ladder(slot, side)
            for i in 0..<levelCount(slot: slot, side: side) {
                let level = UInt32(truncatingIfNeeded: entries[i])
                var o = levels[Int(level)].head
                while o != noSlot {
                    let next = orders[Int(o)].next
                    _ = index.remove(orders[Int(o)].reference, orders: orders)
                    orders[Int(o)].next = freeOrder
                    orders[Int(o)].level = noSlot
                    freeOrder = o
                    liveOrders &-= 1
                    o = next
                }
                levels[Int(level)] = LevelSlot.free(next: freeLevel)
                freeLevel = level
                liveLevels &-= 1
            }
            setLevelCount(slot: slot, side: side, 0)
        }
        instruments[slot].orders = 0
        instruments[slot].stale = false
        publish(BookUpdate(kind: .cleared, locate: locate, side: .buy, price: .zero, shares: 0, orders: 0, depth: 0,
                           flags: .none, times: instruments[slot].lastTimes))
    }

    /// Writes an L2 snapshot of `locate`'s book in the FPGA ring's event format: one `CLEAR`
    /// (side 0: the whole book), then `LEVEL_SET` for the best `levels` bid levels (level 0 =
    /// best, in order), then the same for asks — what an ``L2Book`` (or any FPGA-event
    /// consumer) applies to hold the same top `levels` as this book.
    ///
    /// Events carry the instrument's last event times (`hw_timestamp_ns` is the NIC stamp);
    /// `feed_seq` is 0. Level sizes above `UInt32.max` shares are clamped to it (the event's
    /// field is 32-bit). If `buffer` holds fewer than `1 + 2 × levels` events, fewer levels
    /// per side are written, the same number for both sides.
    ///
    /// - Returns: events written (0 for an unknown instrument or an empty buffer).
    /// - Cost: O(levels written); no allocation.
    @inlinable
    public func snapshotL2(locate: UInt16, levels: Int = 30, into buffer: UnsafeMutableBufferPointer<FPGAEvent>) -> Int {
        guard let slot = slot(of: locate), buffer.count > 0 else { return 0 }
        let perSide = max(0, min(levels, (buffer.count - 1) / 2))
        let times = instruments[slot].lastTimes
        var ev = FPGAEvent()
        ev.hw_timestamp_ns = times.hasNIC ? times.nicNanoseconds : 0
        ev.exchange_timestamp_ns = times.exchange.nanoseconds
        ev.instrument = UInt32(locate)
        ev.type = UInt8(VEGA_FPGA_EV_CLEAR)
        ev.side = 0
        buffer[0] = ev
        var n = 1
        for sideIndex in 0..<2 {  // not `for side in [.buy, .sell]`: an array literal allocates
            let side: Side = sideIndex == 0 ? .buy : .sell
            ev.type = UInt8(VEGA_FPGA_EV_LEVEL_SET)
            ev.side = isBuy(side) ? 0x42 : 0x53  // 'B' / 'S', as VEGA_FPGA_SIDE_BID / _ASK
            for depth in 0..<min(perSide, levelCount(slot: slot, side: side)) {
                let l = bookLevel(slot: slot, side: side, depth: depth)!
                ev.level = UInt16(truncatingIfNeeded: depth)
                ev.price = l.price.rawValue
                ev.quantity = UInt32(clamping: l.shares)
                ev.order_count = l.orders
                buffer[n] = ev
                n &+= 1
            }
        }
        return n
    }
}
