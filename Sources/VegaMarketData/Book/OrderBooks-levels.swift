import VegaCore

// The machinery under the sink methods: ladders (sorted level arrays), level and order slots,
// and publishing. All internal, all O(1) or O(levels moved), none allocating.

extension OrderBooks where Output: ~Copyable {
    /// Ladder key of a price on a side: ascending keys run worst → best on both sides.
    @inlinable @inline(__always)
    static func ladderKey(_ price: Int64, _ side: Side) -> UInt32 {
        let p = UInt32(truncatingIfNeeded: price)
        return isBuy(side) ? p : ~p
    }

    /// First ladder entry of side `side` of instrument slot `slot`.
    @inlinable @inline(__always)
    func ladder(_ slot: Int, _ side: Side) -> UnsafeMutablePointer<UInt64> {
        ladders + (slot &* 2 &+ (isBuy(side) ? 0 : 1)) &* ladderLength
    }

    @inlinable @inline(__always)
    func levelCount(slot: Int, side: Side) -> Int {
        Int(isBuy(side) ? instruments[slot].bidLevels : instruments[slot].askLevels)
    }

    @inlinable @inline(__always)
    func setLevelCount(slot: Int, side: Side, _ n: Int) {
        if isBuy(side) { instruments[slot].bidLevels = UInt32(truncatingIfNeeded: n) }
        else { instruments[slot].askLevels = UInt32(truncatingIfNeeded: n) }
    }

    /// Where `key` is in a ladder of `count` entries: its index if present, else the index it
    /// would be inserted at. Scans the 8 best entries (most lookups end there: activity
    /// clusters at the touch), then binary-searches the rest.
    @inlinable
    static func search(_ entries: UnsafeMutablePointer<UInt64>, count: Int, key: UInt32) -> (position: Int, found: Bool) {
        var i = count &- 1
        let stop = count > 8 ? count &- 8 : 0
        while i >= stop {
            let k = UInt32(truncatingIfNeeded: entries[i] &>> 32)
            if k == key { return (i, true) }
            if k < key { return (i &+ 1, false) }
            i &-= 1
        }
        // Every entry in stop..<count is above key: the answer lies in 0...stop.
        var lo = 0
        var hi = stop
        while lo < hi {
            let mid = (lo &+ hi) &>> 1
            if UInt32(truncatingIfNeeded: entries[mid] &>> 32) < key { lo = mid &+ 1 } else { hi = mid }
        }
        let found = lo < stop && UInt32(truncatingIfNeeded: entries[lo] &>> 32) == key
        return (lo, found)
    }

    /// The level of `price` on `side` of instrument slot `slot`, creating it if absent.
    ///
    /// - Returns: the level and its depth (0 = best), whether it is new; `nil` when a new level
    ///   is needed and the side's ladder or the level pool is full.
    @inlinable
    mutating func findOrCreateLevel(slot: Int, side: Side, price: Int64) -> (level: UInt32, depth: Int, added: Bool)? {
        let entries = ladder(slot, side)
        let count = levelCount(slot: slot, side: side)
        let key = Self.ladderKey(price, side)
        let (position, found) = Self.search(entries, count: count, key: key)
        if found {
            return (UInt32(truncatingIfNeeded: entries[position]), count &- 1 &- position, false)
        }
        let level = freeLevel
        guard count < ladderLength, level != noSlot else { return nil }
        freeLevel = levels[Int(level)].head
        liveLevels &+= 1
        levels[Int(level)] = LevelSlot(price: price, shares: 0, orders: 0, head: noSlot, tail: noSlot)
        // Shift the better levels up by one: near the touch this moves a few entries.
        let moving = count &- position
        if moving > 0 { moveEntries(to: entries + (position &+ 1), from: entries + position, count: moving) }
        entries[position] = UInt64(key) &<< 32 | UInt64(level)
        setLevelCount(slot: slot, side: side, count &+ 1)
        return (level, count &- position, true)
    }

    /// Whether a new level could be created on `side` of `slot` right now.
    @inlinable @inline(__always)
    func hasRoomForLevel(slot: Int, side: Side) -> Bool {
        freeLevel != noSlot && levelCount(slot: slot, side: side) < ladderLength
    }

    /// Depth (0 = best) of a live level, by searching its ladder for its price.
    @inlinable
    func depth(ofLevel level: UInt32, slot: Int, side: Side) -> Int {
        let count = levelCount(slot: slot, side: side)
        let key = Self.ladderKey(levels[Int(level)].price, side)
        let (position, _) = Self.search(ladder(slot, side), count: count, key: key)
        return count &- 1 &- position
    }

    /// Removes an empty level from its ladder and frees its slot.
    @inlinable
    mutating func removeLevel(_ level: UInt32, slot: Int, side: Side, depth: Int) {
        let entries = ladder(slot, side)
        let count = levelCount(slot: slot, side: side)
        let position = count &- 1 &- depth
        let moving = count &- 1 &- position
        if moving > 0 { moveEntries(to: entries + position, from: entries + (position &+ 1), count: moving) }
        setLevelCount(slot: slot, side: side, count &- 1)
        levels[Int(level)].head = freeLevel
        levels[Int(level)].tail = noSlot
        levels[Int(level)].orders = 0
        levels[Int(level)].shares = 0
        freeLevel = level
        liveLevels &-= 1
    }

    /// Appends order slot `o` to the back of `level`'s FIFO queue and adds its shares.
    @inlinable @inline(__always)
    mutating func enqueue(_ o: UInt32, level: UInt32) {
        let tail = levels[Int(level)].tail
        orders[Int(o)].prev = tail
        orders[Int(o)].next = noSlot
        if tail == noSlot { levels[Int(level)].head = o } else { orders[Int(tail)].next = o }
        levels[Int(level)].tail = o
        levels[Int(level)].orders &+= 1
        levels[Int(level)].shares &+= UInt64(orders[Int(o)].shares)
    }

    /// Unlinks order slot `o` from its level's queue, takes its remaining shares off the level,
    /// frees the slot and drops its reference from the index (unless already dropped), and
    /// removes the level if it is now empty. Publishes the level change.
    @inlinable
    mutating func removeOrder(_ o: UInt32, alreadyUnindexed: Bool, times: EventTimes) {
        let order = orders[Int(o)]
        let level = order.level
        let slot = Int(order.instrument)
        if order.prev == noSlot { levels[Int(level)].head = order.next } else { orders[Int(order.prev)].next = order.next }
        if order.next == noSlot { levels[Int(level)].tail = order.prev } else { orders[Int(order.next)].prev = order.prev }
        levels[Int(level)].orders &-= 1
        levels[Int(level)].shares &-= UInt64(order.shares)
        if !alreadyUnindexed { _ = index.remove(order.reference, orders: orders) }
        orders[Int(o)].next = freeOrder
        orders[Int(o)].level = noSlot
        freeOrder = o
        liveOrders &-= 1
        instruments[slot].orders &-= 1

        let after = levels[Int(level)]
        if after.orders == 0 {
            let depth = depth(ofLevel: level, slot: slot, side: order.side)
            removeLevel(level, slot: slot, side: order.side, depth: depth)
            publishLevel(slot: slot, side: order.side, price: after.price, shares: 0, orders: 0, depth: depth,
                         flags: .levelRemoved, times: times)
        } else {
            levelChanged(level, slot: slot, side: order.side, times: times)
        }
    }

    /// A level changed and still stands (shares or orders taken off it): publishes it with its
    /// depth. For an output that takes no updates, records only what the publish records besides
    /// the update (``recordLevelChange(slot:atBest:times:)``), without the ladder search for the
    /// depth: whether the level is the best is one load, the ladder's last entry.
    @inlinable @inline(__always)
    mutating func levelChanged(_ level: UInt32, slot: Int, side: Side, times: EventTimes) {
        guard Output.takesUpdates else {
            let count = levelCount(slot: slot, side: side)
            let atBest = count > 0 && UInt32(truncatingIfNeeded: ladder(slot, side)[count &- 1]) == level
            _ = recordLevelChange(slot: slot, atBest: atBest, times: times)
            return
        }
        let l = levels[Int(level)]
        publishLevel(slot: slot, side: side, price: l.price, shares: l.shares, orders: l.orders,
                     depth: depth(ofLevel: level, slot: slot, side: side), flags: .none, times: times)
    }

    /// What every level change records in the books, update or not: the instrument's last stamps
    /// and, when the change is at the best level of a crossed book, the crossed count. Returns
    /// whether it counted one (the update's `crossed` flag).
    @inlinable @inline(__always)
    mutating func recordLevelChange(slot: Int, atBest: Bool, times: EventTimes) -> Bool {
        instruments[slot].lastTimes = times
        guard atBest && isCrossed(slot: slot) else { return false }
        counters.crossedUpdates &+= 1
        return true
    }

    /// Publishes a level change, marking top-of-book and crossed state.
    @inlinable @inline(__always)
    mutating func publishLevel(slot: Int, side: Side, price: Int64, shares: UInt64, orders: UInt32, depth: Int,
                               flags: BookUpdate.Flags, times: EventTimes) {
        var flags = flags
        if depth == 0 { flags.rawValue |= BookUpdate.Flags.topOfBook.rawValue }
        if recordLevelChange(slot: slot, atBest: depth == 0, times: times) {
            flags.rawValue |= BookUpdate.Flags.crossed.rawValue
        }
        let update = BookUpdate(kind: .level, locate: instruments[slot].locate, side: side, price: Price4(rawValue: price),
                                shares: shares, orders: orders, depth: UInt16(truncatingIfNeeded: depth),
                                flags: flags, times: times)
        if !output.publish(update) { counters.updatesDropped &+= 1 }
    }

    @inlinable @inline(__always)
    mutating func publish(_ update: BookUpdate) {
        if !output.publish(update) { counters.updatesDropped &+= 1 }
    }

    /// Best bid ≥ best ask, both present. O(1).
    @inlinable @inline(__always)
    func isCrossed(slot: Int) -> Bool {
        let bids = Int(instruments[slot].bidLevels)
        let asks = Int(instruments[slot].askLevels)
        guard bids > 0, asks > 0 else { return false }
        let bestBidKey = UInt32(truncatingIfNeeded: ladder(slot, .buy)[bids &- 1] &>> 32)
        let bestAskKey = UInt32(truncatingIfNeeded: ladder(slot, .sell)[asks &- 1] &>> 32)
        return bestBidKey >= ~bestAskKey
    }

    /// The instrument slot of `locate`, or `nil` when no instrument is defined there.
    @inlinable @inline(__always)
    func slot(of locate: UInt16) -> Int? {
        let s = locateSlots[Int(locate)]
        return s == noSlot ? nil : Int(s)
    }

    /// The level at `depth` of a side, as a ``BookLevel``.
    @inlinable @inline(__always)
    func bookLevel(slot: Int, side: Side, depth: Int) -> BookLevel? {
        let count = levelCount(slot: slot, side: side)
        guard depth >= 0, depth < count else { return nil }
        let level = Int(UInt32(truncatingIfNeeded: ladder(slot, side)[count &- 1 &- depth]))
        let l = levels[level]
        return BookLevel(price: Price4(rawValue: l.price), shares: l.shares, orders: l.orders)
    }
}

/// `memmove` of ladder entries (overlapping ranges allowed). Raw bytes, not
/// `UnsafeMutablePointer.update(from:count:)`, whose element-wise path the no-locks checker
/// cannot prove free of releases in debug builds.
@inlinable @inline(__always)
func moveEntries<T: BitwiseCopyable>(to destination: UnsafeMutablePointer<T>, from source: UnsafeMutablePointer<T>, count: Int) {
    UnsafeMutableRawPointer(destination).copyMemory(from: UnsafeRawPointer(source), byteCount: count &* MemoryLayout<T>.stride)
}
