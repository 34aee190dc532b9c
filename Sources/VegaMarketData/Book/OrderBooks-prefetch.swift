import CVegaSys
import VegaCore

extension OrderBooks where Output: ~Copyable {
    /// Look-ahead for ``OrderBookSink/prefetch(locate:reference:stage:)``: a book message's
    /// misses (index entry → order slot → level and queue neighbours; instrument record →
    /// ladder top) are chains of dependent loads, each a DRAM round trip on a big book. Warming
    /// one link per stage, the stages a few messages apart (``ITCHLookAhead``), overlaps them with
    /// the messages between:
    /// - stage 3: the reference's index window entry and the instrument record;
    /// - stage 2: the order slot that entry names, and the top of both ladders (from the
    ///   record's level counts: the lines the ladder search's scan of the 8 best entries reads);
    /// - stage 1: the order's level and its queue neighbours (from the order slot); for a
    ///   reference with no live order (an add), both sides' best levels (from the ladder tops);
    ///   for an add or a replace whose price is known
    ///   (``prefetch(locate:reference:price:sideByte:stage:)``), the level of that price
    ///   instead, found by scanning the 8 best entries of its side (warmed at stage 2).
    /// Each stage loads only what the stage before warmed. Reads only in-bounds memory (a masked
    /// window entry, the 65,536-entry locate table, slots named by live links) and prefetches
    /// never fault, so a wrong hint costs only bandwidth.
    @inlinable @inline(__always)
    public func prefetch(locate: UInt16, reference: UInt64, stage: Int) {
        let s = locateSlots[Int(locate)]
        if stage >= 3 {
            if index.hasWindow { vega_prefetch(index.entryAddress(reference)) }
            if s != noSlot { vega_prefetch(UnsafeRawPointer(instruments + Int(s))) }
            return
        }
        let o = index.hasWindow ? index.entry(reference).pointee : noSlot
        if stage == 2 {
            if o != noSlot { vega_prefetch(UnsafeRawPointer(orders + Int(o))) }
            if s != noSlot {
                let slot = Int(s)
                let bids = Int(instruments[slot].bidLevels)
                let asks = Int(instruments[slot].askLevels)
                // The top entry's line and the line where `search`'s 8-entry scan ends.
                let buy = ladder(slot, .buy), sell = ladder(slot, .sell)
                vega_prefetch(UnsafeRawPointer(buy + (bids > 0 ? bids &- 1 : 0)))
                vega_prefetch(UnsafeRawPointer(buy + (bids > 8 ? bids &- 8 : 0)))
                vega_prefetch(UnsafeRawPointer(sell + (asks > 0 ? asks &- 1 : 0)))
                vega_prefetch(UnsafeRawPointer(sell + (asks > 8 ? asks &- 8 : 0)))
            }
            return
        }
        guard o != noSlot else {
            // No live order: most likely an add, which joins a level near the touch of one
            // side. Warm both sides' best levels (ladder tops warmed at stage 2).
            if s != noSlot {
                let slot = Int(s)
                let bids = Int(instruments[slot].bidLevels)
                let asks = Int(instruments[slot].askLevels)
                if bids > 0 {
                    let level = Int(UInt32(truncatingIfNeeded: ladder(slot, .buy)[bids &- 1]))
                    vega_prefetch(UnsafeRawPointer(levels + level))
                }
                if asks > 0 {
                    let level = Int(UInt32(truncatingIfNeeded: ladder(slot, .sell)[asks &- 1]))
                    vega_prefetch(UnsafeRawPointer(levels + level))
                }
            }
            return
        }
        let order = orders[Int(o)]
        // A window entry may name an order of another reference (a collision): then this only
        // warms the wrong lines. `level` is noSlot for a freed slot, which a live entry never is.
        if order.level != noSlot { vega_prefetch(UnsafeRawPointer(levels + Int(order.level))) }
        if order.prev != noSlot { vega_prefetch(UnsafeRawPointer(orders + Int(order.prev))) }
        if order.next != noSlot { vega_prefetch(UnsafeRawPointer(orders + Int(order.next))) }
    }

    /// Stage 1 for a message that puts an order at `price` (an add, or a replace's
    /// new price): warms the level of that price when it is among the 8 best of its side — the
    /// level an add links into, whose FIFO tail it reads — instead of both sides' best levels.
    /// A replace also gets the original order's stage. Other stages: as the hint without a
    /// price. Reads only the ladder entries stage 2 warmed; a price deeper than 8
    /// levels (or a new level) warms nothing extra.
    @inlinable @inline(__always)
    public func prefetch(locate: UInt16, reference: UInt64, price: UInt32, sideByte: UInt8, stage: Int) {
        let s = locateSlots[Int(locate)]
        guard stage == 1, s != noSlot else {
            prefetch(locate: locate, reference: reference, stage: stage)
            return
        }
        let slot = Int(s)
        let side: Side
        if sideByte == Side.buy.rawValue { side = .buy }
        else if sideByte == Side.sell.rawValue { side = .sell }
        else {
            // A replace: the original's stage, then its side for the new price.
            prefetch(locate: locate, reference: reference, stage: 1)
            let o = index.hasWindow ? index.entry(reference).pointee : noSlot
            guard o != noSlot else { return }
            side = orders[Int(o)].side
        }
        let count = levelCount(slot: slot, side: side)
        let entries = ladder(slot, side)
        let key = Self.ladderKey(Int64(price), side)
        var i = count &- 1
        let stop = count > 8 ? count &- 8 : 0
        while i >= stop {
            let entry = entries[i]
            if UInt32(truncatingIfNeeded: entry &>> 32) == key {
                vega_prefetch(UnsafeRawPointer(levels + Int(UInt32(truncatingIfNeeded: entry))))
                return
            }
            i &-= 1
        }
    }
}
