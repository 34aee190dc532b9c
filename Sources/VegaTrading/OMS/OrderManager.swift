import VegaCore

/// The lane's order management system: every order we sent, its FIX state, fills and leaves.
///
/// Requests (``register(_:now:)``, ``requestCancel(_:now:)``, ``requestReplace(_:newID:price:quantity:now:)``)
/// come from the lane after pre-trade risk; venue messages (``apply(_:now:)``) drive the state
/// machine. Illegal transitions are refused with an ``OMSReject`` and counted; repeats of a
/// message already applied (same venue execution ID, a second ack or cancel ack) are recognised
/// and ignored, so a session that replays after a reconnect cannot double-count a fill.
///
/// Alongside the orders it keeps the working exposure per instrument, per account and for the
/// lane (``WorkingExposure``) and, per instrument and side, a list of working orders and the
/// most aggressive price among them (``restingBestPrice(instrument:side:)``): the self-match
/// check compares against that price first and walks the list only when an order could cross.
///
/// ## Contract
/// All storage is allocated and pre-faulted in `init` from ``TradingCapacity``; no method used
/// on the lane allocates, locks, retains or traps on venue input. Costs: `register`, `apply`,
/// `request…` are O(1) expected (one or two hash probes), plus a walk of the order's instrument
/// side when the order leaving it (finished, or replaced away) held that side's best price;
/// ``firstSelfMatch(instrument:venue:side:price:excluding:)`` is O(1) when the price crosses none
/// of our resting orders, else O(our working orders on that instrument's opposite side); ``cancelIntents(for:into:)``
/// and ``reconcile(venue:statuses:into:)`` are O(capacity).
/// `~Copyable`: the lane owns it.
public struct OrderManager: ~Copyable {
    public let capacity: TradingCapacity
    @usableFromInline let orders: UnsafeMutablePointer<ManagedOrder>
    @usableFromInline let inUse: UnsafeMutablePointer<Bool>
    @usableFromInline let next: UnsafeMutablePointer<Int32>
    @usableFromInline let prev: UnsafeMutablePointer<Int32>
    /// Per instrument × side (index `instrument * 2 + (sell ? 1 : 0)`): first working order slot, or -1.
    @usableFromInline let heads: UnsafeMutablePointer<Int32>
    /// Per instrument × side (indexed as `heads`): the most aggressive price of the orders on that
    /// list (highest buy, lowest sell), `Int64.min` / `Int64.max` when the list is empty. Exact
    /// after every method returns; an upper bound of what could be crossed, so a price that does
    /// not cross it crosses none of the list.
    @usableFromInline let ownBest: UnsafeMutablePointer<Int64>
    @usableFromInline let freeSlots: UnsafeMutablePointer<Int32>
    @usableFromInline var freeCount: Int
    /// Order ID (and a pending replacement's ID) → slot.
    @usableFromInline var index: FixedMap<Int32>
    /// Recently finished order ID → final state, forgotten oldest first.
    @usableFromInline var finished: FixedMap<OrderState>
    @usableFromInline let finishedRing: UnsafeMutablePointer<UInt64>
    @usableFromInline var finishedNext: Int
    /// Applied (venue, execution ID) keys, forgotten oldest first.
    @usableFromInline var execSeen: FixedMap<Bool>
    @usableFromInline let execRing: UnsafeMutablePointer<UInt64>
    @usableFromInline var execNext: Int
    @usableFromInline let instrumentWorking: UnsafeMutablePointer<WorkingExposure>
    @usableFromInline let accountWorking: UnsafeMutablePointer<WorkingExposure>
    /// Scratch for reconciliation: which slots a venue's status list mentioned.
    @usableFromInline let seen: UnsafeMutablePointer<Bool>
    /// Everything live on the lane.
    @usableFromInline var _total: WorkingExposure
    @inlinable public var total: WorkingExposure { _total }
    /// Refusals per reason (index: ``OMSReject`` raw value).
    @usableFromInline var _rejectCounts: InlineArray<16, UInt64>
    @inlinable public var rejectCounts: InlineArray<16, UInt64> { _rejectCounts }
    /// Venue messages recognised as repeats and ignored.
    @usableFromInline var _duplicates: UInt64
    @inlinable public var duplicates: UInt64 { _duplicates }
    @usableFromInline var _lateAnswers: UInt64
    /// Venue rejects of a cancel or replace that arrived after the order had finished
    /// (``OMSResult/late``).
    @inlinable public var lateAnswers: UInt64 { _lateAnswers }
    /// Fills applied.
    @usableFromInline var _fills: UInt64
    @inlinable public var fills: UInt64 { _fills }

    /// Allocates every table for `capacity` (validate it first; a bad capacity traps here, at start).
    public init(capacity: TradingCapacity) {
        precondition((try? capacity.validate()) != nil, "OrderManager: invalid capacity \(capacity)")
        self.capacity = capacity
        let n = capacity.openOrders
        orders = .allocate(capacity: n)
        inUse = .allocate(capacity: n)
        inUse.initialize(repeating: false, count: n)
        next = .allocate(capacity: n)
        next.initialize(repeating: -1, count: n)
        prev = .allocate(capacity: n)
        prev.initialize(repeating: -1, count: n)
        heads = .allocate(capacity: capacity.instruments * 2)
        heads.initialize(repeating: -1, count: capacity.instruments * 2)
        ownBest = .allocate(capacity: capacity.instruments * 2)
        for i in 0..<capacity.instruments {
            (ownBest + 2 * i).initialize(to: Self.noBuy)
            (ownBest + 2 * i + 1).initialize(to: Self.noSell)
        }
        freeSlots = .allocate(capacity: n)
        // Lowest slots first, so a quiet lane touches few cache lines.
        for i in 0..<n { freeSlots[i] = Int32(n - 1 - i) }
        freeCount = n
        index = FixedMap(capacity: n * 2)
        finished = FixedMap(capacity: capacity.finishedOrderHistory)
        finishedRing = .allocate(capacity: capacity.finishedOrderHistory)
        finishedRing.initialize(repeating: 0, count: capacity.finishedOrderHistory)
        finishedNext = 0
        execSeen = FixedMap(capacity: capacity.execIDHistory)
        execRing = .allocate(capacity: capacity.execIDHistory)
        execRing.initialize(repeating: 0, count: capacity.execIDHistory)
        execNext = 0
        instrumentWorking = .allocate(capacity: capacity.instruments)
        instrumentWorking.initialize(repeating: WorkingExposure(), count: capacity.instruments)
        accountWorking = .allocate(capacity: capacity.accounts)
        accountWorking.initialize(repeating: WorkingExposure(), count: capacity.accounts)
        seen = .allocate(capacity: n)
        seen.initialize(repeating: false, count: n)
        _total = WorkingExposure()
        _rejectCounts = InlineArray(repeating: 0)
        _duplicates = 0
        _lateAnswers = 0
        _fills = 0
        // Fault the order table in now rather than on the first orders of the day.
        let empty = ManagedOrder(intent: OrderIntent(kind: .new, side: .buy, venue: VenueID(0), account: AccountID(0),
                                                     strategy: StrategyID(0), instrument: InstrumentID(0), price: .zero,
                                                     quantity: .zero, orderID: OrderID(0)), now: 0)
        orders.initialize(repeating: empty, count: n)
    }

    deinit {
        orders.deallocate()
        inUse.deallocate()
        next.deallocate()
        prev.deallocate()
        heads.deallocate()
        ownBest.deallocate()
        freeSlots.deallocate()
        finishedRing.deallocate()
        execRing.deallocate()
        instrumentWorking.deallocate()
        accountWorking.deallocate()
        seen.deallocate()
    }
}

// MARK: - Reads

extension OrderManager {
    /// Live orders.
    @inlinable public var openOrderCount: Int { capacity.openOrders - freeCount }

    /// The memory a request naming a new order `id` reads first: its home slots in the ID index
    /// and in the finished-order history (the duplicate-ID checks, then the index insert). A
    /// caller that knows the next ID prefetches both, as the lane does after each send: hashed,
    /// a new ID's slots are on cold lines of tables of 0.5 MB and more.
    @inlinable @inline(__always)
    public func slotAddresses(forNewOrder id: OrderID) -> (index: UnsafeRawPointer, finished: UnsafeRawPointer) {
        (index.slotAddress(id.rawValue), finished.slotAddress(id.rawValue))
    }

    /// The live order `id` (also found by a pending replacement's new ID), or `nil`.
    /// Always inlined: called out of line from a mutating context, the whole 520-byte manager
    /// was copied for the call (objdump: a `memcpy` per call on the lane).
    @inlinable @inline(__always)
    public func order(_ id: OrderID) -> ManagedOrder? {
        guard let slot = index.get(id.rawValue) else { return nil }
        return orders[Int(slot)]
    }

    /// The final state of a recently finished order, or `nil` (live, unknown or forgotten).
    @inlinable
    public func finishedState(_ id: OrderID) -> OrderState? { finished.get(id.rawValue) }

    /// Working exposure of `instrument` (zeros when out of range).
    @inlinable
    public func working(instrument: InstrumentID) -> WorkingExposure {
        Int(instrument.rawValue) < capacity.instruments ? instrumentWorking[Int(instrument.rawValue)] : WorkingExposure()
    }

    /// Working exposure of `account` (zeros when out of range).
    @inlinable
    public func working(account: AccountID) -> WorkingExposure {
        Int(account.rawValue) < capacity.accounts ? accountWorking[Int(account.rawValue)] : WorkingExposure()
    }

    /// Refusals for `reason`.
    @inlinable
    public func rejectCount(_ reason: OMSReject) -> UInt64 { _rejectCounts[Int(reason.rawValue)] }

    /// The most aggressive price among our live orders on `instrument`'s `side` (highest buy,
    /// lowest sell, every venue), or `nil` when there are none (or `instrument` is out of range).
    /// Live: PendingNew through PendingCancel/PendingReplace, at the price the venue has (a
    /// pending replace's new price counts once it is acknowledged).
    ///
    /// Cost: one load; no allocation.
    @inlinable
    public func restingBestPrice(instrument: InstrumentID, side: Side) -> Price4? {
        let i = Int(instrument.rawValue)
        guard i < capacity.instruments else { return nil }
        let h = i &* 2 &+ (side == .sell ? 1 : 0)
        return heads[h] < 0 ? nil : Price4(rawValue: ownBest[h])
    }
}

// MARK: - Requests from the lane

extension OrderManager {
    /// Starts tracking a new order (PendingNew) for an intent risk accepted.
    ///
    /// - Returns: `.applied(from: .pendingNew, to: .pendingNew)`, or `.refused` for a zero
    ///   quantity, a non-positive price, an ID already in use or no free slot.
    @inlinable
    public mutating func register(_ intent: OrderIntent, now: UInt64) -> OMSResult {
        if intent.quantity.isZero { return refuse(.zeroQuantity, nil) }
        if intent.price.rawValue <= 0 { return refuse(.invalidPrice, nil) }
        if Int(intent.instrument.rawValue) >= capacity.instruments || Int(intent.account.rawValue) >= capacity.accounts {
            return refuse(.unknownOrder, nil)
        }
        if intent.quantity.rawValue > UInt64(Int64.max)
            || intent.price.notionalReportingOverflow(quantity: intent.quantity).overflow {
            return refuse(.overflow, nil)
        }
        if index.contains(intent.orderID.rawValue) || finished.contains(intent.orderID.rawValue) {
            return refuse(.duplicateOrderID, nil)
        }
        guard freeCount > 0 else { return refuse(.orderCapacity, nil) }
        freeCount &-= 1
        let slot = freeSlots[freeCount]
        let order = ManagedOrder(intent: intent, now: now)
        orders[Int(slot)] = order
        inUse[Int(slot)] = true
        _ = index.insert(slot, forKey: intent.orderID.rawValue)
        link(slot)
        addExposure(order, sign: 1)
        return .applied(from: .pendingNew, to: .pendingNew)
    }

    /// Marks a working order PendingCancel (the cancel request is going out).
    ///
    /// Refused for an unknown order, an order still PendingNew or already finished, and while
    /// another cancel or replace is pending.
    @inlinable
    public mutating func requestCancel(_ id: OrderID, now: UInt64) -> OMSResult {
        guard let slot = index.get(id.rawValue) else { return refuse(.unknownOrder, finished.get(id.rawValue)) }
        let o = orders[Int(slot)]
        switch o.state {
        case .new, .partiallyFilled:
            orders[Int(slot)].state = .pendingCancel
            orders[Int(slot)].updatedAt = now
            return .applied(from: o.state, to: .pendingCancel)
        case .pendingCancel, .pendingReplace:
            return refuse(.requestPending, o.state)
        default:
            return refuse(.illegalTransition, o.state)
        }
    }

    /// Marks a working order PendingReplace with the replacement's new ID, price and quantity
    /// (total order quantity, FIX 38 semantics: it must exceed what has filled).
    ///
    /// The new ID is reserved now, so venue messages that name it find the order. Exposure
    /// stays the original's until the venue acknowledges.
    @inlinable
    public mutating func requestReplace(_ id: OrderID, newID: OrderID, price: Price4, quantity: Quantity,
                                        now: UInt64) -> OMSResult {
        guard let slot = index.get(id.rawValue) else { return refuse(.unknownOrder, finished.get(id.rawValue)) }
        let o = orders[Int(slot)]
        switch o.state {
        case .new, .partiallyFilled: break
        case .pendingCancel, .pendingReplace: return refuse(.requestPending, o.state)
        default: return refuse(.illegalTransition, o.state)
        }
        if quantity.isZero { return refuse(.zeroQuantity, o.state) }
        if price.rawValue <= 0 { return refuse(.invalidPrice, o.state) }
        if quantity <= o.cumulativeQuantity { return refuse(.replaceBelowFilled, o.state) }
        if quantity.rawValue > UInt64(Int64.max) || price.notionalReportingOverflow(quantity: quantity).overflow {
            return refuse(.overflow, o.state)
        }
        if newID.rawValue == id.rawValue || index.contains(newID.rawValue) || finished.contains(newID.rawValue) {
            return refuse(.duplicateOrderID, o.state)
        }
        _ = index.insert(slot, forKey: newID.rawValue)
        orders[Int(slot)].state = .pendingReplace
        orders[Int(slot)].pendingID = newID
        orders[Int(slot)].pendingPrice = price
        orders[Int(slot)].pendingQuantity = quantity
        orders[Int(slot)].updatedAt = now
        return .applied(from: o.state, to: .pendingReplace)
    }
}

// MARK: - Venue messages

extension OrderManager {
    /// Applies a venue message to the order it names.
    ///
    /// Transitions (anything else is refused as `.illegalTransition`):
    /// - ack: PendingNew → New. Repeated ack of an acknowledged order: duplicate.
    /// - reject: PendingNew → Rejected.
    /// - fill: PendingNew/New/PartiallyFilled/PendingCancel/PendingReplace → PartiallyFilled
    ///   (pending states keep their state) or Filled when leaves reach zero. A fill before the
    ///   ack implies the ack. Same (venue, execID) again: duplicate. More than leaves: overfill.
    /// - cancelAck: New/PartiallyFilled/PendingCancel/PendingReplace → Canceled (unsolicited
    ///   cancels, e.g. an IOC's remainder, included).
    /// - cancelReject: PendingCancel → New/PartiallyFilled.
    /// - replaceAck: PendingReplace → Replaced; the order continues under its new ID with the
    ///   new price and quantity, cumulative quantity carried (leaves = new quantity − filled).
    /// - replaceReject: PendingReplace → New/PartiallyFilled.
    /// - expire, doneForDay: any live state → Expired / DoneForDay.
    /// A message for a finished order that repeats its final state is a duplicate; a cancel or
    /// replace reject for a finished order is a late answer (``OMSResult/late``: the request
    /// crossed the fill or cancel that finished it).
    ///
    /// - Cost: O(1) expected; no allocation, no lock, no trap on any input.
    @inlinable
    public mutating func apply(_ report: ExecutionReport, now: UInt64) -> OMSResult {
        let execKey = report.execID ^ (UInt64(report.venue.rawValue) &<< 56)
        if report.kind == .fill && execSeen.contains(execKey) {
            _duplicates &+= 1
            return .duplicate
        }
        guard let slot32 = index.get(report.orderID.rawValue) else {
            if let final = finished.get(report.orderID.rawValue) {
                if Self.repeats(report.kind, final) {
                    _duplicates &+= 1
                    return .duplicate
                }
                if report.kind == .cancelReject || report.kind == .replaceReject {
                    _lateAnswers &+= 1
                    return .late
                }
                return refuse(.illegalTransition, final)
            }
            return refuse(.unknownOrder, nil)
        }
        let slot = Int(slot32)
        let o = orders[slot]
        let from = o.state
        switch report.kind {
        case .ack:
            switch from {
            case .pendingNew:
                orders[slot].state = .new
                orders[slot].updatedAt = now
                return .applied(from: from, to: .new)
            default:
                _duplicates &+= 1
                return .duplicate
            }
        case .reject:
            guard from == .pendingNew else { return refuse(.illegalTransition, from) }
            finish(slot: slot, state: .rejected, now: now)
            return .applied(from: from, to: .rejected)
        case .fill:
            return applyFill(slot: slot, report: report, execKey: execKey, now: now)
        case .cancelAck:
            guard from != .pendingNew else { return refuse(.illegalTransition, from) }
            finish(slot: slot, state: .canceled, now: now)
            return .applied(from: from, to: .canceled)
        case .cancelReject:
            guard from == .pendingCancel else { return refuse(.illegalTransition, from) }
            let to = o.workingState
            orders[slot].state = to
            orders[slot].updatedAt = now
            return .applied(from: from, to: to)
        case .replaceAck:
            guard from == .pendingReplace else { return refuse(.illegalTransition, from) }
            let to = completeReplace(slot: slot, venueOpen: report.venueOpenQuantity, now: now)
            return .applied(from: from, to: to)
        case .replaceReject:
            guard from == .pendingReplace else { return refuse(.illegalTransition, from) }
            _ = index.remove(o.pendingID.rawValue)
            let to = o.workingState
            orders[slot].state = to
            orders[slot].pendingID = OrderID(0)
            orders[slot].updatedAt = now
            return .applied(from: from, to: to)
        case .expire:
            finish(slot: slot, state: .expired, now: now)
            return .applied(from: from, to: .expired)
        case .doneForDay:
            finish(slot: slot, state: .doneForDay, now: now)
            return .applied(from: from, to: .doneForDay)
        }
    }

    @inlinable
    static func repeats(_ kind: ExecutionReport.Kind, _ final: OrderState) -> Bool {
        switch (kind, final) {
        case (.reject, .rejected), (.cancelAck, .canceled), (.replaceAck, .replaced), (.expire, .expired),
             (.doneForDay, .doneForDay), (.ack, _):
            true
        default:
            false
        }
    }

    @inlinable
    mutating func applyFill(slot: Int, report: ExecutionReport, execKey: UInt64, now: UInt64) -> OMSResult {
        let o = orders[slot]
        let from = o.state
        if report.lastQuantity.isZero { return refuse(.zeroQuantity, from) }
        if report.lastPrice.rawValue <= 0 { return refuse(.invalidPrice, from) }
        if report.lastQuantity > o.leavesQuantity { return refuse(.overfill, from) }
        let (fillNotional, o1) = report.lastPrice.notionalReportingOverflow(quantity: report.lastQuantity)
        let (cumNotional, o2) = o.cumulativeNotional.addingReportingOverflow(fillNotional)
        if o1 || o2 { return refuse(.overflow, from) }
        rememberExec(execKey)
        _fills &+= 1
        removeExposure(o)
        var u = o
        u.cumulativeQuantity = o.cumulativeQuantity + report.lastQuantity
        u.leavesQuantity = o.leavesQuantity - report.lastQuantity
        u.cumulativeNotional = cumNotional
        u.updatedAt = now
        if u.leavesQuantity.isZero {
            orders[slot] = u
            addExposure(u, sign: 1)  // zero leaves: keeps the order count balanced for finish
            finish(slot: slot, state: .filled, now: now)
            return .applied(from: from, to: .filled)
        }
        if from == .pendingNew || from == .new { u.state = .partiallyFilled }
        orders[slot] = u
        addExposure(u, sign: 1)
        return .applied(from: from, to: u.state)
    }

    /// Moves the order to its replacement. Fills that arrived while the replace was pending may
    /// already cover the new quantity: then the replacement is born filled (order quantity = the
    /// quantity filled, nothing left), as a venue treats a reduction to or below CumQty.
    /// - Returns: the replacement's state (`.filled` in that case, else `.replaced` is reported
    ///   for the original and the replacement carries on in the working state).
    @inlinable
    mutating func completeReplace(slot: Int, venueOpen: Quantity = .zero, now: UInt64) -> OrderState {
        var o = orders[slot]
        if !venueOpen.isZero {
            // The venue opened `venueOpen` shares on the replacement whatever filled meanwhile:
            // its total is what has filled plus that.
            o.pendingQuantity = Quantity(o.cumulativeQuantity.rawValue &+ venueOpen.rawValue)
        }
        removeExposure(o)
        _ = index.remove(o.id.rawValue)
        remember(finishedID: o.id.rawValue, state: .replaced)
        var u = o
        u.replacesID = o.id
        u.id = o.pendingID
        u.price = o.pendingPrice
        let filledAlready = o.pendingQuantity <= o.cumulativeQuantity
        u.orderQuantity = filledAlready ? o.cumulativeQuantity : o.pendingQuantity
        u.leavesQuantity = filledAlready ? .zero : o.pendingQuantity - o.cumulativeQuantity
        u.pendingID = OrderID(0)
        u.pendingQuantity = .zero
        u.pendingPrice = .zero
        u.state = o.workingState
        u.updatedAt = now
        orders[slot] = u
        if u.price.rawValue != o.price.rawValue { repriced(slot: Int32(slot), from: o.price.rawValue) }
        addExposure(u, sign: 1)  // zero leaves too: keeps the order count balanced for finish
        if filledAlready {
            finish(slot: slot, state: .filled, now: now)
            return .filled
        }
        return .replaced
    }
}

// MARK: - Bookkeeping

extension OrderManager {
    @inlinable @inline(__always)
    mutating func refuse(_ reason: OMSReject, _ state: OrderState?) -> OMSResult {
        _rejectCounts[Int(reason.rawValue)] &+= 1
        return .refused(reason, state: state)
    }

    @inlinable @inline(__always)
    mutating func addExposure(_ o: ManagedOrder, sign: Int64) {
        instrumentWorking[Int(o.instrument.rawValue)].add(o, sign: sign)
        accountWorking[Int(o.account.rawValue)].add(o, sign: sign)
        _total.add(o, sign: sign)
        let c: Int64 = sign
        instrumentWorking[Int(o.instrument.rawValue)].orders &+= c
        accountWorking[Int(o.account.rawValue)].orders &+= c
        _total.orders &+= c
    }

    @inlinable @inline(__always)
    mutating func removeExposure(_ o: ManagedOrder) { addExposure(o, sign: -1) }

    @inlinable
    mutating func finish(slot: Int, state: OrderState, now: UInt64) {
        let o = orders[slot]
        removeExposure(o)
        unlink(Int32(slot))
        _ = index.remove(o.id.rawValue)
        if o.state == .pendingReplace { _ = index.remove(o.pendingID.rawValue) }
        orders[slot].state = state
        orders[slot].leavesQuantity = .zero
        orders[slot].updatedAt = now
        inUse[slot] = false
        remember(finishedID: o.id.rawValue, state: state)
        freeSlots[freeCount] = Int32(slot)
        freeCount &+= 1
    }

    @inlinable
    mutating func remember(finishedID: UInt64, state: OrderState) {
        let n = capacity.finishedOrderHistory
        if finished.count == n { _ = finished.remove(finishedRing[finishedNext]) }
        _ = finished.insert(state, forKey: finishedID)
        finishedRing[finishedNext] = finishedID
        finishedNext = finishedNext &+ 1 == n ? 0 : finishedNext &+ 1
    }

    @inlinable
    mutating func rememberExec(_ key: UInt64) {
        let n = capacity.execIDHistory
        if execSeen.count == n { _ = execSeen.remove(execRing[execNext]) }
        _ = execSeen.insert(true, forKey: key)
        execRing[execNext] = key
        execNext = execNext &+ 1 == n ? 0 : execNext &+ 1
    }

    @inlinable
    func link(_ slot: Int32) {
        let o = orders[Int(slot)]
        let sell = o.side == .sell
        let h = Int(o.instrument.rawValue) &* 2 &+ (sell ? 1 : 0)
        let head = heads[h]
        next[Int(slot)] = head
        prev[Int(slot)] = -1
        if head >= 0 { prev[Int(head)] = slot }
        heads[h] = slot
        let p = o.price.rawValue
        if sell ? p < ownBest[h] : p > ownBest[h] { ownBest[h] = p }
    }

    @inlinable
    func unlink(_ slot: Int32) {
        let o = orders[Int(slot)]
        let h = Int(o.instrument.rawValue) &* 2 &+ (o.side == .sell ? 1 : 0)
        let p = prev[Int(slot)], n = next[Int(slot)]
        if p >= 0 { next[Int(p)] = n } else { heads[h] = n }
        if n >= 0 { prev[Int(n)] = p }
        next[Int(slot)] = -1
        prev[Int(slot)] = -1
        // Only the order holding the best price moves it; others leave it exact.
        if o.price.rawValue == ownBest[h] { recomputeBest(h) }
    }

    /// A linked order's price changed from `old` (a replace acknowledged): keeps its side's best exact.
    /// Always inlined (see ``order(_:)``: an out-of-line call copied the manager).
    @inlinable @inline(__always)
    func repriced(slot: Int32, from old: Int64) {
        let o = orders[Int(slot)]
        let sell = o.side == .sell
        let h = Int(o.instrument.rawValue) &* 2 &+ (sell ? 1 : 0)
        let p = o.price.rawValue
        if sell ? p < ownBest[h] : p > ownBest[h] {
            ownBest[h] = p
        } else if old == ownBest[h] {
            recomputeBest(h)
        }
    }

    /// Sets list `h`'s best price from its orders. O(orders on the list).
    @inlinable @inline(__always)
    func recomputeBest(_ h: Int) {
        Self.recomputeBest(h, heads: heads, next: next, orders: orders, ownBest: ownBest)
    }

    /// ``recomputeBest(_:)`` on the tables themselves. Static, so a caller that inlines it has no
    /// reason to copy the manager (a call of the method from an inlined mutating path copied all
    /// 520 bytes on every replace, though the walk itself runs rarely).
    @inlinable @inline(never)
    static func recomputeBest(_ h: Int, heads: UnsafeMutablePointer<Int32>, next: UnsafeMutablePointer<Int32>,
                              orders: UnsafeMutablePointer<ManagedOrder>, ownBest: UnsafeMutablePointer<Int64>) {
        let sell = h & 1 == 1
        var best = sell ? Self.noSell : Self.noBuy
        var s = heads[h]
        while s >= 0 {
            let p = orders[Int(s)].price.rawValue
            if sell ? p < best : p > best { best = p }
            s = next[Int(s)]
        }
        ownBest[h] = best
    }

    /// ``ownBest`` of an empty buy list / sell list: no price crosses it.
    @inlinable static var noBuy: Int64 { .min }
    @inlinable static var noSell: Int64 { .max }
}
