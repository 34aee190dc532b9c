/// The generator's model of the market: every live order, in FIFO queues at price levels, per
/// instrument. It decides each flow message from its own book so the message can never break a
/// book invariant (see `ITCHGenerator`), then encodes it.
///
/// Layout is for speed at tens of millions of messages: orders live in one slot array (with a
/// free list) threaded into per-level doubly linked FIFO queues; each instrument's levels are a
/// fixed window of `window` ticks in one flat array; each instrument keeps an array of its live
/// slots for O(1) uniform picks (swap-remove). No hashing anywhere: the generator always knows
/// the slot of the order it acts on.
struct FlowEngine {
    /// Price levels per instrument. Prices stay inside the window by construction: the mid
    /// anchor walks in [window/4, 3·window/4] and new orders sit at most `maxOffset` ticks from
    /// it (or from the opposite best), so neither side can run off either end.
    static let window = 256
    static let maxOffset = 12 + 40

    struct Order {
        var reference: UInt64
        var shares: UInt32
        var instrument: Int32
        var prev: Int32
        var next: Int32
        var listPosition: Int32
        var level: Int16
        /// 0 bid, 1 ask.
        var side: UInt8
    }

    struct LevelQueue {
        var head: Int32 = -1
        var tail: Int32 = -1
    }

    struct Book {
        var baseTicks: Int64
        var tick: Int64
        var mid: Int
        var bestBid: Int  // -1: no bids
        var bestAsk: Int  // window: no asks
        var halted = false
        var haltDue: UInt64 = 0
        var live: [Int32] = []
    }

    enum Kind: Int {
        case add, addAttributed, delete, replace, execute, executeWithPrice, cancel, trade, intradayCross, halt,
             brokenTrade
    }

    var random: GeneratorRandom
    private let instruments: [GeneratedInstrument]
    private var books: [Book]
    /// FIFO queue ends per (instrument, level), head and tail side by side: one cache line
    /// touched per level visit instead of two.
    private var levels: [LevelQueue]
    private var orders: [Order] = []
    private var freeSlots: [Int32] = []
    /// Cumulative activity thresholds by rank (out of 2^63) and the instrument at each rank.
    private let cumulative: [UInt64]
    private let instrumentAtRank: [Int]
    /// Cumulative mix thresholds (ppm) in `Kind` order.
    private let mixCumulative: [UInt32]
    private let maxLivePerInstrument: Int
    private var nextReference: UInt64 = 1
    private var nextMatch: UInt64 = 1
    /// Recent executions (match number, instrument) that a broken trade may name.
    private var recentMatches: [(match: UInt64, instrument: Int)] = []
    private var recentMatchCursor = 0
    /// Halted instruments in order of their resume time.
    private var haltQueue: [Int] = []
    private var messageIndex: UInt64 = 0
    private let haltLength: UInt64
    private let flowCount: UInt64
    private(set) var liveOrders = 0
    private(set) var peakLiveOrders = 0
    private(set) var halts = 0

    /// Synthetic MPIDs for attributed ('F') adds.
    private static let mpids: [UInt32] = ["GENA", "GENB", "GENC", "GEND", "GENE", "GENF", "GENG", "GENH"].map {
        $0.utf8.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    init(configuration: ITCHGeneratorConfiguration, instruments: [GeneratedInstrument]) {
        random = GeneratorRandom(seed: configuration.seed).fork(stream: 2)
        self.instruments = instruments
        let w = Self.window
        books = instruments.map { inst in
            Book(baseTicks: inst.openingMid / inst.tickSize - Int64(w / 2), tick: inst.tickSize, mid: w / 2,
                 bestBid: -1, bestAsk: w)
        }
        levels = Array(repeating: LevelQueue(), count: instruments.count * w)
        var atRank = Array(repeating: 0, count: instruments.count)
        for (i, inst) in instruments.enumerated() { atRank[inst.activityRank] = i }
        instrumentAtRank = atRank
        var running = 0.0
        cumulative = atRank.map { i in
            running += instruments[i].activityShare
            return UInt64(min(running, 1.0) * 0x1p63)
        }
        var mixRunning: UInt32 = 0
        mixCumulative = configuration.mix.weights.map { mixRunning += $0; return mixRunning }
        maxLivePerInstrument = configuration.maxLiveOrdersPerSymbol
        // A halt lasts ~0.2 % of the flow (≈ 50 s of a 6.5 h day), at least 1,000 messages.
        flowCount = configuration.messages - configuration.sessionMessages
        haltLength = max(1_000, flowCount / 500)
        recentMatches.reserveCapacity(1_024)
    }

    // MARK: - Drawing

    @inline(__always)
    private mutating func pickInstrument() -> Int {
        let u = random.next() >> 1
        var lo = 0
        var hi = cumulative.count - 1
        while lo < hi {
            let m = (lo + hi) >> 1
            if cumulative[m] > u { hi = m } else { lo = m + 1 }
        }
        return instrumentAtRank[lo]
    }

    @inline(__always)
    private mutating func pickKind() -> Kind {
        let r = UInt32(random.below(UInt64(1_000_000)))
        var i = 0
        while r >= mixCumulative[i] { i += 1 }
        return Kind(rawValue: i)!
    }

    /// An index into an instrument's live list for a delete, cancel or replace: three times in
    /// four one of the 16 most recently added (the list's tail), otherwise any. Real order
    /// lifetimes are like that — most orders are pulled within moments of being placed, a few
    /// rest for hours — and it keeps the generator's working set in cache.
    @inline(__always)
    private mutating func pickLive(_ count: Int) -> Int {
        if random.below(4) != 0 { return count - 1 - random.below(min(count, 16)) }
        return random.below(count)
    }

    /// Order sizes: mostly round lots of 100–1,000 (geometric), some odd lots, a few blocks.
    @inline(__always)
    private mutating func drawShares() -> UInt32 {
        let r = random.below(100)
        if r < 8 { return 1 + UInt32(random.below(UInt64(99))) }
        if r < 95 { return 100 * UInt32(1 + min(random.next().trailingZeroBitCount, 9)) }
        return 100 * UInt32(10 + random.below(UInt64(90)))
    }

    /// Distance from the touch in ticks: half at the touch, geometric tail, a fifth further out.
    @inline(__always)
    private mutating func drawOffset() -> Int {
        var d = min(random.next().trailingZeroBitCount, 12)
        if random.below(5) == 0 { d += random.below(40) }
        return d
    }

    /// A new order's level on `side`, never crossing the opposite best.
    @inline(__always)
    private mutating func drawLevel(_ s: Int, side: UInt8) -> Int {
        let w = Self.window
        let d = drawOffset()
        if side == 0 {
            var level = max(1, min(w - 2, books[s].mid - d))
            if books[s].bestAsk < w { level = min(level, books[s].bestAsk - 1) }
            return level
        } else {
            var level = max(1, min(w - 2, books[s].mid + 1 + d))
            if books[s].bestBid >= 0 { level = max(level, books[s].bestBid + 1) }
            return level
        }
    }

    @inline(__always)
    private func price(_ s: Int, level: Int) -> Int64 {
        (books[s].baseTicks + Int64(level)) * books[s].tick
    }

    // MARK: - Book maintenance

    private mutating func insert(_ s: Int, side: UInt8, level: Int, shares: UInt32) -> Int32 {
        let slot: Int32
        let order = Order(reference: nextReference, shares: shares, instrument: Int32(s), prev: -1, next: -1,
                          listPosition: Int32(books[s].live.count), level: Int16(level), side: side)
        nextReference += 1
        if let free = freeSlots.popLast() {
            slot = free
            orders[Int(slot)] = order
        } else {
            slot = Int32(orders.count)
            orders.append(order)
        }
        let key = s * Self.window + level
        let tail = levels[key].tail
        if tail < 0 {
            levels[key].head = slot
        } else {
            orders[Int(tail)].next = slot
            orders[Int(slot)].prev = tail
        }
        levels[key].tail = slot
        books[s].live.append(slot)
        if side == 0 { books[s].bestBid = max(books[s].bestBid, level) }
        else { books[s].bestAsk = min(books[s].bestAsk, level) }
        liveOrders += 1
        peakLiveOrders = max(peakLiveOrders, liveOrders)
        return slot
    }

    private mutating func remove(_ slot: Int32) {
        let order = orders[Int(slot)]
        let s = Int(order.instrument)
        let level = Int(order.level)
        let key = s * Self.window + level
        if order.prev >= 0 { orders[Int(order.prev)].next = order.next } else { levels[key].head = order.next }
        if order.next >= 0 { orders[Int(order.next)].prev = order.prev } else { levels[key].tail = order.prev }
        if levels[key].head < 0 {
            // The level emptied: if it was the touch, walk away from the spread to the next one.
            // Levels beyond a side's best hold only that side's orders (bids < asks always).
            let base = s * Self.window
            if order.side == 0, level == books[s].bestBid {
                var l = level - 1
                while l >= 0, levels[base + l].head < 0 { l -= 1 }
                books[s].bestBid = l
            } else if order.side == 1, level == books[s].bestAsk {
                var l = level + 1
                while l < Self.window, levels[base + l].head < 0 { l += 1 }
                books[s].bestAsk = l
            }
        }
        let position = Int(order.listPosition)
        let last = books[s].live.removeLast()
        if position < books[s].live.count {
            books[s].live[position] = last
            orders[Int(last)].listPosition = Int32(position)
        }
        freeSlots.append(slot)
        liveOrders -= 1
    }

    private mutating func recordMatch(_ s: Int) -> UInt64 {
        let match = nextMatch
        nextMatch += 1
        if recentMatches.count < 1_024 {
            recentMatches.append((match, s))
        } else {
            recentMatches[recentMatchCursor] = (match, s)
            recentMatchCursor = (recentMatchCursor + 1) & 1_023
        }
        return match
    }

    // MARK: - Messages

    /// Decides, applies and encodes the next flow message; returns its length.
    mutating func next(_ p: UnsafeMutableRawPointer, timestamp: UInt64) -> Int {
        messageIndex += 1
        if let first = haltQueue.first, books[first].haltDue <= messageIndex {
            haltQueue.removeFirst()
            books[first].halted = false
            let inst = instruments[first]
            return GeneratorITCHEncoder.tradingAction(p, locate: inst.locate, timestamp: timestamp, symbol: inst.symbol,
                                             state: UInt8(ascii: "T"), reason: ITCHGenerator.blankReason)
        }
        let kind = pickKind()
        let s = pickInstrument()
        // Read fields, never copy the `Book`: a copy would share `live`'s buffer and make the next
        // append copy the whole array (thousands of slots) to keep value semantics.
        let halted = books[s].halted
        let liveCount = books[s].live.count
        let empty = liveCount == 0
        switch kind {
        case .add, .addAttributed:
            return addOrDelete(p, s, timestamp: timestamp, attributed: kind == .addAttributed)
        case .delete:
            if empty { return addOrDelete(p, s, timestamp: timestamp, attributed: false) }
            return delete(p, s, slot: books[s].live[pickLive(liveCount)], timestamp: timestamp)
        case .cancel:
            if empty { return addOrDelete(p, s, timestamp: timestamp, attributed: false) }
            let slot = books[s].live[pickLive(liveCount)]
            let shares = orders[Int(slot)].shares
            // A cancel of everything is a delete in practice; keep X partial.
            if shares < 2 { return delete(p, s, slot: slot, timestamp: timestamp) }
            let cancelled = 1 + UInt32(random.below(UInt64(shares - 1)))
            orders[Int(slot)].shares -= cancelled
            return GeneratorITCHEncoder.orderCancel(p, locate: instruments[s].locate, timestamp: timestamp,
                                           reference: orders[Int(slot)].reference, shares: cancelled)
        case .replace:
            if empty { return addOrDelete(p, s, timestamp: timestamp, attributed: false) }
            let slot = books[s].live[pickLive(liveCount)]
            let old = orders[Int(slot)]
            remove(slot)
            let level = drawLevel(s, side: old.side)
            let shares = random.below(3) == 0 ? old.shares : drawShares()
            let new = insert(s, side: old.side, level: level, shares: shares)
            return GeneratorITCHEncoder.orderReplace(p, locate: instruments[s].locate, timestamp: timestamp,
                                            original: old.reference, replacement: orders[Int(new)].reference,
                                            shares: shares, price: price(s, level: level))
        case .execute, .executeWithPrice:
            if halted || empty { return addOrDelete(p, s, timestamp: timestamp, attributed: false) }
            return execute(p, s, withPrice: kind == .executeWithPrice, timestamp: timestamp)
        case .trade:
            if halted { return addOrDelete(p, s, timestamp: timestamp, attributed: false) }
            let side = random.below(2) == 0 ? UInt8(ascii: "B") : UInt8(ascii: "S")
            return GeneratorITCHEncoder.trade(p, locate: instruments[s].locate, timestamp: timestamp, side: side,
                                     shares: drawShares(), symbol: instruments[s].symbol,
                                     price: price(s, level: insideLevel(s)), matchNumber: recordMatch(s))
        case .intradayCross:
            if halted { return addOrDelete(p, s, timestamp: timestamp, attributed: false) }
            return crossMessage(p, s, crossType: UInt8(ascii: "I"), timestamp: timestamp)
        case .halt:
            // Every halt must resume within the flow, so the closing cross never meets a halted
            // book: resumes go out one per message, so leave room for those already queued too.
            if halted || messageIndex + 2 * haltLength + UInt64(haltQueue.count) + 1 > flowCount {
                return addOrDelete(p, s, timestamp: timestamp, attributed: false)
            }
            books[s].halted = true
            books[s].haltDue = messageIndex + haltLength + random.below(haltLength)
            // Keep the queue ordered by resume time (halts are rare: a linear insert is fine).
            let due = books[s].haltDue
            let at = haltQueue.firstIndex { books[$0].haltDue > due } ?? haltQueue.count
            haltQueue.insert(s, at: at)
            halts += 1
            let reason = UInt32(UInt8(ascii: "T")) << 24 | UInt32(UInt8(ascii: "1")) << 16 | 0x2020
            return GeneratorITCHEncoder.tradingAction(p, locate: instruments[s].locate, timestamp: timestamp,
                                             symbol: instruments[s].symbol, state: UInt8(ascii: "H"), reason: reason)
        case .brokenTrade:
            if recentMatches.isEmpty { return addOrDelete(p, s, timestamp: timestamp, attributed: false) }
            let broken = recentMatches[random.below(recentMatches.count)]
            return GeneratorITCHEncoder.brokenTrade(p, locate: instruments[broken.instrument].locate, timestamp: timestamp,
                                           matchNumber: broken.match)
        }
    }

    /// An add, or a delete when the instrument's book is at its cap.
    private mutating func addOrDelete(_ p: UnsafeMutableRawPointer, _ s: Int, timestamp: UInt64,
                                      attributed: Bool) -> Int {
        if books[s].live.count >= maxLivePerInstrument {
            return delete(p, s, slot: books[s].live[pickLive(books[s].live.count)], timestamp: timestamp)
        }
        // Occasionally move the anchor a tick, so books drift over the day as prices do.
        if random.below(32) == 0 {
            let w = Self.window
            books[s].mid = max(w / 4, min(3 * w / 4, books[s].mid + (random.below(2) == 0 ? -1 : 1)))
        }
        let side: UInt8 = random.below(2) == 0 ? 0 : 1
        let level = drawLevel(s, side: side)
        let shares = drawShares()
        let slot = insert(s, side: side, level: level, shares: shares)
        let mpid: UInt32? = attributed ? Self.mpids[random.below(Self.mpids.count)] : nil
        return GeneratorITCHEncoder.addOrder(p, locate: instruments[s].locate, timestamp: timestamp,
                                    reference: orders[Int(slot)].reference,
                                    side: side == 0 ? UInt8(ascii: "B") : UInt8(ascii: "S"), shares: shares,
                                    symbol: instruments[s].symbol, price: price(s, level: level), attribution: mpid)
    }

    private mutating func delete(_ p: UnsafeMutableRawPointer, _ s: Int, slot: Int32, timestamp: UInt64) -> Int {
        let reference = orders[Int(slot)].reference
        remove(slot)
        return GeneratorITCHEncoder.orderDelete(p, locate: instruments[s].locate, timestamp: timestamp, reference: reference)
    }

    /// Executes against the oldest order at the best price of a random non-empty side: all of
    /// it about half the time (the order leaves the book), part of it otherwise.
    private mutating func execute(_ p: UnsafeMutableRawPointer, _ s: Int, withPrice: Bool,
                                  timestamp: UInt64) -> Int {
        let bestBid = books[s].bestBid
        let bestAsk = books[s].bestAsk
        var side: UInt8 = random.below(2) == 0 ? 0 : 1
        if side == 0, bestBid < 0 { side = 1 }
        if side == 1, bestAsk >= Self.window { side = 0 }
        let level = side == 0 ? bestBid : bestAsk
        let slot = levels[s * Self.window + level].head
        let order = orders[Int(slot)]
        let executed = order.shares < 2 || random.below(2) == 0
            ? order.shares : 1 + UInt32(random.below(UInt64(order.shares - 1)))
        if executed == order.shares { remove(slot) } else { orders[Int(slot)].shares -= executed }
        let match = recordMatch(s)
        if withPrice {
            let printable = random.below(20) == 0 ? UInt8(ascii: "N") : UInt8(ascii: "Y")
            return GeneratorITCHEncoder.orderExecutedWithPrice(p, locate: instruments[s].locate, timestamp: timestamp,
                                                      reference: order.reference, shares: executed,
                                                      matchNumber: match, printable: printable,
                                                      price: price(s, level: level))
        }
        return GeneratorITCHEncoder.orderExecuted(p, locate: instruments[s].locate, timestamp: timestamp,
                                         reference: order.reference, shares: executed, matchNumber: match)
    }

    /// A level at or inside the spread (the anchor when a side is empty): where a hidden order
    /// or a cross prints.
    private mutating func insideLevel(_ s: Int) -> Int {
        let bestBid = books[s].bestBid
        let bestAsk = books[s].bestAsk
        if bestBid >= 0, bestAsk < Self.window { return bestBid + random.below(bestAsk - bestBid + 1) }
        return books[s].mid
    }

    private mutating func crossMessage(_ p: UnsafeMutableRawPointer, _ s: Int, crossType: UInt8,
                                       timestamp: UInt64) -> Int {
        let shares = UInt64(drawShares()) * UInt64(1 + random.below(UInt64(200)))
        return GeneratorITCHEncoder.crossTrade(p, locate: instruments[s].locate, timestamp: timestamp, shares: shares,
                                      symbol: instruments[s].symbol, price: price(s, level: insideLevel(s)),
                                      matchNumber: recordMatch(s), crossType: crossType)
    }

    /// The opening or closing cross of the instrument of activity rank `rank`.
    mutating func cross(_ p: UnsafeMutableRawPointer, rank: Int, crossType: UInt8, timestamp: UInt64) -> Int {
        crossMessage(p, instrumentAtRank[rank], crossType: crossType, timestamp: timestamp)
    }
}
