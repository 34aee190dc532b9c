import VegaCore

/// A price-time priority matching engine for many instruments: the heart of the venue simulator.
///
/// Orders match against the opposite side at the resting order's price, best price first and,
/// within a price, in arrival order. Limit orders rest what they do not fill (DAY) or cancel it
/// (IOC); FOK orders fill completely at once or not at all; market orders are immediate only;
/// post-only orders are refused when they would take liquidity; self-match prevention groups by
/// firm. Every order on the book is displayed (no hidden or reserve quantity).
///
/// Each call appends what happened to `events`, in order; the venue turns them into OUCH/FIX
/// replies and ITCH messages. Single-threaded: the venue runs it on one thread.
///
/// - Cost: O(log levels) to find a price level, O(1) per execution and per cancel of a known
///   order; storage grows with the book (this is the simulator, not the lane), reserved up front
///   from `expectedOrders`.
public struct MatchingEngine {
    struct Order {
        var reference: UInt64
        var token: UInt64
        var firm: UInt32
        var locate: UInt16
        var side: Side
        var price: Price4
        var quantity: UInt32
        var selfMatch: SelfMatchPolicy
        var previous: Int32 = -1
        var next: Int32 = -1
    }

    struct Level {
        var price: Price4
        var head: Int32
        var tail: Int32
        var quantity: UInt64
        var orders: UInt32
    }

    struct Instrument {
        /// Sorted so the best price is last: bids ascending, asks descending.
        var bids: [Level] = []
        var asks: [Level] = []
        var halted = false
    }

    struct FirmToken: Hashable { var firm: UInt32; var token: UInt64 }

    private var instruments: [UInt16: Instrument] = [:]
    private var orders: [Order] = []
    private var free: [Int32] = []
    private var byReference: [UInt64: Int32] = [:]
    private var byToken: [FirmToken: UInt64] = [:]
    private var nextReference: UInt64
    private var nextMatch: UInt64

    /// Counters, for the venue's metrics.
    public private(set) var accepted: UInt64 = 0
    public private(set) var rejected: UInt64 = 0
    public private(set) var executions: UInt64 = 0
    public private(set) var executedQuantity: UInt64 = 0

    /// - Parameters:
    ///   - firstReference: the first order reference number the venue hands out (ITCH's order
    ///     reference numbers are unique per day).
    ///   - expectedOrders: resting orders to reserve room for.
    public init(firstReference: UInt64 = 1, firstMatchNumber: UInt64 = 1, expectedOrders: Int = 1 << 16) {
        nextReference = firstReference
        nextMatch = firstMatchNumber
        orders.reserveCapacity(expectedOrders)
        byReference.reserveCapacity(expectedOrders)
        byToken.reserveCapacity(expectedOrders)
    }

    /// Lists `locate` as tradable (once, before orders arrive for it).
    public mutating func addInstrument(_ locate: UInt16) {
        if instruments[locate] == nil { instruments[locate] = Instrument() }
    }

    public func hasInstrument(_ locate: UInt16) -> Bool { instruments[locate] != nil }

    /// The instruments listed, in locate order.
    public var locates: [UInt16] { instruments.keys.sorted() }

    // MARK: Orders

    /// Enters an order: accept or reject, match, then rest / cancel the remainder per its time in force.
    public mutating func submit(_ request: VenueOrderRequest, into events: inout [VenueEvent]) {
        if let reason = check(request) {
            rejected += 1
            events.append(.rejected(token: request.token, firm: request.firm, locate: request.locate, reason: reason))
            return
        }
        let reference = nextReference
        nextReference += 1
        accepted += 1
        events.append(.accepted(reference: reference, request: request))
        execute(request, reference: reference, into: &events)
    }

    private func check(_ r: VenueOrderRequest) -> VenueReject? {
        guard let instrument = instruments[r.locate] else { return .unknownInstrument }
        if instrument.halted { return .halted }
        if r.quantity == 0 { return .invalidQuantity }
        if let p = r.price, p.rawValue <= 0 { return .invalidPrice }
        if r.price == nil && r.timeInForce == .day { return .marketOrderMustBeImmediate }
        if r.price == nil && r.postOnly { return .wouldTakeLiquidity }
        if byToken[FirmToken(firm: r.firm, token: r.token)] != nil { return .duplicateToken }
        if r.postOnly, let p = r.price, let best = bestPrice(r.locate, side: r.side.opposite), crosses(r.side, p, best) {
            return .wouldTakeLiquidity
        }
        return nil
    }

    @inline(__always)
    private func crosses(_ side: Side, _ limit: Price4, _ resting: Price4) -> Bool {
        side == .buy ? resting <= limit : resting >= limit
    }

    /// Matches `request` (already accepted as `reference`) and rests or cancels what is left.
    private mutating func execute(_ request: VenueOrderRequest, reference: UInt64, into events: inout [VenueEvent]) {
        var remaining = request.quantity
        if request.timeInForce == .fillOrKill && fillableQuantity(request) < request.quantity {
            events.append(.canceled(reference: reference, token: request.token, firm: request.firm, locate: request.locate,
                                    side: request.side, quantity: remaining, leaves: 0, wasResting: false, reason: .immediateOrCancel))
            return
        }
        let opposite = request.side.opposite
        matching: while remaining > 0 {
            guard let levelIndex = bestLevelIndex(request.locate, side: opposite) else { break }
            let level = instruments[request.locate]![keyPath: sideKey(opposite)][levelIndex]
            if let limit = request.price, !crosses(request.side, limit, level.price) { break }
            var i = level.head
            while i >= 0 && remaining > 0 {
                let resting = orders[Int(i)]
                let nextIndex = resting.next
                if resting.firm == request.firm && request.selfMatch != .allow {
                    switch request.selfMatch {
                    case .cancelNewest:
                        break matching
                    case .cancelOldest:
                        cancelResting(at: i, reason: .selfMatchPrevention, into: &events)
                        i = nextIndex
                        continue
                    case .cancelBoth:
                        cancelResting(at: i, reason: .selfMatchPrevention, into: &events)
                        events.append(.canceled(reference: reference, token: request.token, firm: request.firm, locate: request.locate,
                                                side: request.side, quantity: remaining, leaves: 0, wasResting: false, reason: .selfMatchPrevention))
                        return
                    case .allow:
                        break
                    }
                }
                let quantity = min(remaining, resting.quantity)
                remaining -= quantity
                let leaves = resting.quantity - quantity
                let match = nextMatch
                nextMatch += 1
                executions += 1
                executedQuantity += UInt64(quantity)
                events.append(.executed(
                    locate: request.locate, price: resting.price, quantity: quantity, matchNumber: match,
                    resting: VenueParty(reference: resting.reference, token: resting.token, firm: resting.firm, side: resting.side, leaves: leaves),
                    aggressor: VenueParty(reference: reference, token: request.token, firm: request.firm, side: request.side, leaves: remaining)))
                if leaves == 0 {
                    unlink(at: i)
                } else {
                    reduce(at: i, by: quantity)
                }
                i = nextIndex
            }
        }
        guard remaining > 0 else { return }
        if request.timeInForce != .day || request.price == nil || wouldSelfMatchStop(request) {
            let reason: VenueCancelReason = request.timeInForce == .day && request.price != nil ? .selfMatchPrevention : .immediateOrCancel
            events.append(.canceled(reference: reference, token: request.token, firm: request.firm, locate: request.locate,
                                    side: request.side, quantity: remaining, leaves: 0, wasResting: false, reason: reason))
            return
        }
        rest(Order(reference: reference, token: request.token, firm: request.firm, locate: request.locate, side: request.side,
                   price: request.price!, quantity: remaining, selfMatch: request.selfMatch))
        events.append(.rested(reference: reference, locate: request.locate, side: request.side, price: request.price!, quantity: remaining))
    }

    /// A DAY limit order that stopped matching because of its own firm's resting order on the
    /// other side (cancel-newest) must not rest crossed against it.
    private func wouldSelfMatchStop(_ request: VenueOrderRequest) -> Bool {
        guard let limit = request.price, let best = bestPrice(request.locate, side: request.side.opposite) else { return false }
        return crosses(request.side, limit, best)
    }

    /// How much of `request` could execute right now (for FOK), skipping its own firm's orders
    /// when self-match prevention would stop at them.
    private func fillableQuantity(_ request: VenueOrderRequest) -> UInt32 {
        guard let instrument = instruments[request.locate] else { return 0 }
        let levels = request.side == .buy ? instrument.asks : instrument.bids
        var total: UInt64 = 0
        for level in levels.reversed() {
            if let limit = request.price, !crosses(request.side, limit, level.price) { break }
            var i = level.head
            while i >= 0 {
                let o = orders[Int(i)]
                let ownOrder = o.firm == request.firm
                if ownOrder && (request.selfMatch == .cancelNewest || request.selfMatch == .cancelBoth) {
                    return UInt32(min(total, UInt64(UInt32.max)))
                }
                if !(ownOrder && request.selfMatch == .cancelOldest) { total += UInt64(o.quantity) }
                if total >= UInt64(request.quantity) { return request.quantity }
                i = o.next
            }
        }
        return UInt32(min(total, UInt64(UInt32.max)))
    }

    // MARK: Cancel and replace

    /// Cancels the resting order `reference` of `firm` down to `leaves` shares (0 = all).
    public mutating func cancel(reference: UInt64, firm: UInt32, leaves: UInt32 = 0, into events: inout [VenueEvent]) {
        guard let i = byReference[reference], orders[Int(i)].firm == firm else {
            rejected += 1
            events.append(.rejected(token: 0, firm: firm, locate: 0, reason: .unknownOrder))
            return
        }
        let o = orders[Int(i)]
        guard leaves < o.quantity else { return }  // nothing to cancel: a no-op, as OUCH treats it
        if leaves == 0 {
            cancelResting(at: i, reason: .userRequested, into: &events)
        } else {
            reduce(at: i, by: o.quantity - leaves)
            events.append(.canceled(reference: reference, token: o.token, firm: firm, locate: o.locate, side: o.side,
                                    quantity: o.quantity - leaves, leaves: leaves, wasResting: true, reason: .userRequested))
        }
    }

    /// Cancels by the firm's own token (OUCH cancels name the UserRefNum).
    public mutating func cancel(token: UInt64, firm: UInt32, leaves: UInt32 = 0, into events: inout [VenueEvent]) {
        guard let reference = byToken[FirmToken(firm: firm, token: token)] else {
            rejected += 1
            events.append(.rejected(token: token, firm: firm, locate: 0, reason: .unknownOrder))
            return
        }
        cancel(reference: reference, firm: firm, leaves: leaves, into: &events)
    }

    /// Replaces the resting order `previousToken` of `firm` with `newToken` at `price` for
    /// `quantity`. Same price and a smaller size keeps its place in the queue; anything else goes
    /// to the back (a new reference) and may execute at once if it now crosses.
    public mutating func replace(previousToken: UInt64, firm: UInt32, newToken: UInt64, price: Price4, quantity: UInt32,
                                 into events: inout [VenueEvent]) {
        guard let reference = byToken[FirmToken(firm: firm, token: previousToken)], let i = byReference[reference] else {
            rejected += 1
            events.append(.rejected(token: newToken, firm: firm, locate: 0, reason: .unknownOrder))
            return
        }
        let o = orders[Int(i)]
        if instruments[o.locate]!.halted {
            rejected += 1
            events.append(.rejected(token: newToken, firm: firm, locate: o.locate, reason: .halted))
            return
        }
        if newToken != previousToken && byToken[FirmToken(firm: firm, token: newToken)] != nil {
            rejected += 1
            events.append(.rejected(token: newToken, firm: firm, locate: o.locate, reason: .duplicateToken))
            return
        }
        guard price.rawValue > 0 else {
            rejected += 1
            events.append(.rejected(token: newToken, firm: firm, locate: o.locate, reason: .invalidPrice))
            return
        }
        if quantity == 0 {  // a replace to zero is a cancel
            cancelResting(at: i, reason: .userRequested, into: &events)
            return
        }
        if price == o.price && quantity <= o.quantity {
            if quantity < o.quantity { reduce(at: i, by: o.quantity - quantity) }
            byToken[FirmToken(firm: firm, token: previousToken)] = nil
            byToken[FirmToken(firm: firm, token: newToken)] = reference
            orders[Int(i)].token = newToken
            events.append(.replaced(oldReference: reference, newReference: reference, token: newToken, previousToken: previousToken,
                                    firm: firm, locate: o.locate, side: o.side, price: price, quantity: quantity, previousQuantity: o.quantity, keptPriority: true))
            return
        }
        unlink(at: i)
        let newReference = nextReference
        nextReference += 1
        events.append(.replaced(oldReference: reference, newReference: newReference, token: newToken, previousToken: previousToken,
                                firm: firm, locate: o.locate, side: o.side, price: price, quantity: quantity, previousQuantity: o.quantity, keptPriority: false))
        let request = VenueOrderRequest(token: newToken, firm: firm, locate: o.locate, side: o.side, price: price,
                                        quantity: quantity, timeInForce: .day, postOnly: false, selfMatch: o.selfMatch)
        execute(request, reference: newReference, into: &events)
    }

    /// Halts or resumes `locate`. Resting orders stay; new orders and replaces are refused
    /// while halted; cancels are allowed.
    public mutating func setHalted(_ locate: UInt16, _ halted: Bool, into events: inout [VenueEvent]) {
        guard instruments[locate] != nil, instruments[locate]!.halted != halted else { return }
        instruments[locate]!.halted = halted
        events.append(.tradingStatus(locate: locate, halted: halted))
    }

    /// Cancels every resting order (the end of the trading day).
    public mutating func endOfDay(into events: inout [VenueEvent]) {
        for locate in locates {
            for side in [Side.buy, .sell] {
                while let li = bestLevelIndex(locate, side: side) {
                    let head = instruments[locate]![keyPath: sideKey(side)][li].head
                    cancelResting(at: head, reason: .endOfDay, into: &events)
                }
            }
        }
    }

    // MARK: Reading the book

    /// Aggregated levels of one side, best first: (price, shares, orders).
    public func depth(_ locate: UInt16, side: Side, levels: Int = .max) -> [(price: Price4, quantity: UInt64, orders: UInt32)] {
        guard let instrument = instruments[locate] else { return [] }
        let list = side == .buy ? instrument.bids : instrument.asks
        return list.reversed().prefix(levels).map { ($0.price, $0.quantity, $0.orders) }
    }

    public func bestPrice(_ locate: UInt16, side: Side) -> Price4? {
        guard let instrument = instruments[locate] else { return nil }
        return (side == .buy ? instrument.bids : instrument.asks).last?.price
    }

    public func isHalted(_ locate: UInt16) -> Bool { instruments[locate]?.halted ?? false }

    /// The resting orders of one side in priority order: (reference, firm, token, price, quantity).
    public func queue(_ locate: UInt16, side: Side) -> [(reference: UInt64, firm: UInt32, token: UInt64, price: Price4, quantity: UInt32)] {
        guard let instrument = instruments[locate] else { return [] }
        var out: [(UInt64, UInt32, UInt64, Price4, UInt32)] = []
        for level in (side == .buy ? instrument.bids : instrument.asks).reversed() {
            var i = level.head
            while i >= 0 {
                let o = orders[Int(i)]
                out.append((o.reference, o.firm, o.token, o.price, o.quantity))
                i = o.next
            }
        }
        return out
    }

    /// The resting order with `reference`, if it is on the book.
    public func restingOrder(_ reference: UInt64) -> (locate: UInt16, side: Side, price: Price4, quantity: UInt32, firm: UInt32, token: UInt64)? {
        guard let i = byReference[reference] else { return nil }
        let o = orders[Int(i)]
        return (o.locate, o.side, o.price, o.quantity, o.firm, o.token)
    }

    public func reference(token: UInt64, firm: UInt32) -> UInt64? { byToken[FirmToken(firm: firm, token: token)] }

    public var restingOrderCount: Int { byReference.count }

    // MARK: Internals

    private func sideKey(_ side: Side) -> WritableKeyPath<Instrument, [Level]> { side == .buy ? \.bids : \.asks }

    private func bestLevelIndex(_ locate: UInt16, side: Side) -> Int? {
        guard let instrument = instruments[locate] else { return nil }
        let list = side == .buy ? instrument.bids : instrument.asks
        return list.isEmpty ? nil : list.count - 1
    }

    /// Where `price` is or would go in `list` (sorted best-last for `side`).
    private func levelPosition(_ list: [Level], side: Side, price: Price4) -> (index: Int, found: Bool) {
        // Bids ascending, asks descending: compare in "worse-first" order.
        var lo = 0
        var hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let p = list[mid].price
            let before = side == .buy ? p < price : p > price
            if before { lo = mid + 1 } else { hi = mid }
        }
        return (lo, lo < list.count && list[lo].price == price)
    }

    private mutating func rest(_ order: Order) {
        let index: Int32
        if let f = free.popLast() {
            index = f
            orders[Int(f)] = order
        } else {
            index = Int32(orders.count)
            orders.append(order)
        }
        byReference[order.reference] = index
        byToken[FirmToken(firm: order.firm, token: order.token)] = order.reference
        let key = sideKey(order.side)
        let (pos, found) = levelPosition(instruments[order.locate]![keyPath: key], side: order.side, price: order.price)
        if found {
            let tail = instruments[order.locate]![keyPath: key][pos].tail
            orders[Int(tail)].next = index
            orders[Int(index)].previous = tail
            instruments[order.locate]![keyPath: key][pos].tail = index
            instruments[order.locate]![keyPath: key][pos].quantity += UInt64(order.quantity)
            instruments[order.locate]![keyPath: key][pos].orders += 1
        } else {
            instruments[order.locate]![keyPath: key].insert(
                Level(price: order.price, head: index, tail: index, quantity: UInt64(order.quantity), orders: 1), at: pos)
        }
    }

    private mutating func reduce(at i: Int32, by quantity: UInt32) {
        let o = orders[Int(i)]
        orders[Int(i)].quantity -= quantity
        let key = sideKey(o.side)
        let (pos, _) = levelPosition(instruments[o.locate]![keyPath: key], side: o.side, price: o.price)
        instruments[o.locate]![keyPath: key][pos].quantity -= UInt64(quantity)
    }

    private mutating func cancelResting(at i: Int32, reason: VenueCancelReason, into events: inout [VenueEvent]) {
        let o = orders[Int(i)]
        unlink(at: i)
        events.append(.canceled(reference: o.reference, token: o.token, firm: o.firm, locate: o.locate, side: o.side,
                                quantity: o.quantity, leaves: 0, wasResting: true, reason: reason))
    }

    /// Takes order `i` off its level (removing the level when it empties) and frees its slot.
    private mutating func unlink(at i: Int32) {
        let o = orders[Int(i)]
        let key = sideKey(o.side)
        let (pos, _) = levelPosition(instruments[o.locate]![keyPath: key], side: o.side, price: o.price)
        if o.previous >= 0 { orders[Int(o.previous)].next = o.next }
        if o.next >= 0 { orders[Int(o.next)].previous = o.previous }
        var level = instruments[o.locate]![keyPath: key][pos]
        if level.head == i { level.head = o.next }
        if level.tail == i { level.tail = o.previous }
        level.quantity -= UInt64(o.quantity)
        level.orders -= 1
        if level.orders == 0 {
            instruments[o.locate]![keyPath: key].remove(at: pos)
        } else {
            instruments[o.locate]![keyPath: key][pos] = level
        }
        byReference[o.reference] = nil
        byToken[FirmToken(firm: o.firm, token: o.token)] = nil
        orders[Int(i)].previous = -1
        orders[Int(i)].next = -1
        free.append(i)
    }
}
