import VegaCore
import VegaMarketData
import VegaTrading

/// Client order flow on the lane (input 4): requests from the client FIX sessions, taken from
/// the link's inbound ring by the ``Lane`` driver, run through the same risk, OMS and venue
/// sessions as strategy intents; every resulting state change of a client order — and, with a
/// drop copy, every venue message applied — is written into the link's outbound ring.
///
/// Lane calls: no allocation, no lock, no reference counting (the link is reached through a
/// raw pointer); a full outbound ring drops the event and counts it.
extension LaneCore where Tap: ~Copyable {
    /// Connects the lane to a client link (before the lane runs). The link must outlive the lane.
    public mutating func attachClients(_ link: LaneClientLink) { clients = link.state }

    /// Whether `id` is a client order of this lane.
    @inlinable @inline(__always)
    func isClientOrder(_ id: OrderID) -> Bool {
        guard let c = clients else { return false }
        return UInt16(truncatingIfNeeded: id.rawValue >> 48) == c.pointee.strategy.rawValue
    }

    /// Writes `event` (stamped with the next sequence number and the lane's time) into the
    /// outbound ring, or counts it as dropped when the ring is full.
    @inlinable
    mutating func emit(_ event: ClientExecutionEvent) {
        guard let c = clients else { return }
        var e = event
        c.pointee.sequence &+= 1
        e.sequence = c.pointee.sequence
        e.laneTime = now
        if c.pointee.outbound.pointee.tryPush(e) {
            c.pointee.counters.events &+= 1
        } else {
            c.pointee.counters.eventDrops &+= 1
        }
    }

    /// An event describing `order` (its identity and quantities as they stand).
    @inlinable
    func clientEvent(_ kind: ClientExecutionEvent.Kind, order o: ManagedOrder) -> ClientExecutionEvent {
        var e = ClientExecutionEvent(kind: kind, orderID: o.id)
        e.side = o.side
        e.venue = o.venue
        e.account = o.account
        e.strategy = o.strategy
        e.instrument = o.instrument
        e.price = o.price
        e.orderQuantity = o.orderQuantity
        e.cumulativeQuantity = o.cumulativeQuantity
        e.leavesQuantity = o.leavesQuantity
        e.cumulativeNotional = o.cumulativeNotional
        return e
    }

    /// One client request (the driver journals it first): builds the intent — routing a new
    /// order, taking a cancel's or replace's order from the OMS — and submits it like a
    /// strategy's. Refusals come back through ``refuse(_:source:code:)``.
    @inlinable
    public mutating func handleClientRequest(_ r: ClientOrderRequest, now: UInt64) {
        self.now = now
        stamps.laneReceive = 0
        stampsTaken = false
        clients?.pointee.counters.requests &+= 1
        switch r.kind {
        case .new:
            var venue = Int(r.venue)
            if r.venue == ClientOrderRequest.smartRoute { venue = route(r) }
            guard venue >= 0, venue < venueCount, trades(r.instrument, at: venue) else {
                clients?.pointee.counters.noRoute &+= 1
                var e = ClientExecutionEvent(kind: .rejected, orderID: r.orderID)
                e.side = r.side
                e.account = r.account
                e.strategy = r.strategy
                e.instrument = r.instrument
                e.price = r.price
                e.orderQuantity = r.quantity
                e.rejectSource = .lane
                e.rejectCode = ClientExecutionEvent.laneNoRoute
                emit(e)
                return
            }
            submit(OrderIntent(kind: .new, side: r.side, timeInForce: r.timeInForce, venue: VenueID(UInt8(venue)),
                               account: r.account, strategy: r.strategy, instrument: r.instrument, price: r.price,
                               quantity: r.quantity, orderID: r.orderID))
        case .cancel, .replace:
            guard let o = trading.orders.order(r.orderID), o.id == r.orderID else {
                clients?.pointee.counters.unknownOrders &+= 1
                var e = ClientExecutionEvent(kind: r.kind == .cancel ? .cancelReject : .replaceReject, orderID: r.orderID)
                e.newOrderID = r.newOrderID
                e.instrument = r.instrument
                e.side = r.side
                e.rejectSource = .lane
                e.rejectCode = ClientExecutionEvent.laneUnknownOrder
                emit(e)
                return
            }
            if r.kind == .cancel {
                submit(o.cancelIntent)
            } else {
                submit(OrderIntent(kind: .replace, side: o.side, timeInForce: o.timeInForce, postOnly: o.postOnly, venue: o.venue,
                                   account: o.account, strategy: o.strategy, instrument: o.instrument, price: r.price,
                                   quantity: r.quantity, orderID: o.id, newOrderID: r.newOrderID))
            }
        }
        drainWork()
    }

    /// The venue for a new order: among the instrument's venues whose sessions are logged in,
    /// the best displayed opposite price within the order's limit, then the lowest take fee,
    /// then the lowest index; when none shows liquidity within the limit, the first such venue
    /// (the order rests there). -1: none. O(venues).
    @inlinable
    func route(_ r: ClientOrderRequest) -> Int {
        guard let locate = r.instrument.bookLocate else { return -1 }
        var best = -1, bestPrice: Int64 = 0, bestFee: Int64 = 0, fallback = -1
        for v in 0..<venueCount where trades(r.instrument, at: v) && sessions[v].isLoggedIn {
            if fallback < 0 { fallback = v }
            let top = books.venueView(v).topOfBook(locate: locate)
            let level = r.side == .buy ? top.ask : top.bid
            guard level.shares != 0 else { continue }
            let p = level.price.rawValue
            guard r.side == .buy ? p <= r.price.rawValue : p >= r.price.rawValue else { continue }
            let fee = sessions[v].takeFee.rawValue
            if best < 0 || (r.side == .buy ? p < bestPrice : p > bestPrice) || (p == bestPrice && fee < bestFee) {
                (best, bestPrice, bestFee) = (v, p, fee)
            }
        }
        return best >= 0 ? best : fallback
    }

    /// Whether the lane's setup has `instrument` trading at venue `venue`.
    @inlinable
    func trades(_ instrument: InstrumentID, at venue: Int) -> Bool {
        let i = Int(instrument.rawValue)
        guard i < books.instrumentCapacity, venue >= 0, venue < venueCount else { return false }
        return books.laneLocateOfInstrument[venue &* books.instrumentCapacity &+ i] != 0
    }

    /// A client intent was refused before reaching the venue (risk, OMS, lane).
    @inlinable
    mutating func clientRefused(_ intent: OrderIntent, source: ClientRejectSource, code: UInt16) {
        let kind: ClientExecutionEvent.Kind = switch intent.kind {
        case .new: .rejected
        case .cancel: .cancelReject
        case .replace: .replaceReject
        }
        var e: ClientExecutionEvent
        if intent.kind != .new, let o = trading.orders.order(intent.orderID) {
            e = clientEvent(kind, order: o)
        } else {
            e = ClientExecutionEvent(kind: kind, orderID: intent.orderID)
            e.side = intent.side
            e.venue = intent.venue
            e.account = intent.account
            e.strategy = intent.strategy
            e.instrument = intent.instrument
            e.price = intent.price
            e.orderQuantity = intent.quantity
        }
        e.newOrderID = intent.newOrderID
        e.rejectSource = source
        e.rejectCode = code
        emit(e)
    }

    /// A venue message the OMS ruled on: the drop copy's venue report (when asked for), and
    /// the client's event when the order is a client's. `before`: the order before the message.
    @inlinable
    mutating func clientReport(_ report: ExecutionReport, before: ManagedOrder?, result: OMSResult) {
        if case .late = result, isClientOrder(report.orderID), report.kind == .cancelReject || report.kind == .replaceReject {
            // The client's cancel or replace crossed the fill or cancel that ended the order: its
            // answer is a reject (too late); the order's final report has gone already.
            var e = ClientExecutionEvent(kind: report.kind == .cancelReject ? .cancelReject : .replaceReject, orderID: report.orderID)
            e.venue = report.venue
            e.rejectSource = .venue
            emit(e)
            return
        }
        guard let c = clients, case .applied = result, let b = before else { return }
        // The order after the message, from the one before (a finished order leaves the OMS).
        var after = b
        if report.kind == .fill {
            after.cumulativeQuantity = b.cumulativeQuantity + report.lastQuantity
            after.leavesQuantity = b.leavesQuantity - report.lastQuantity
            after.cumulativeNotional = Money4(rawValue: b.cumulativeNotional.rawValue
                                              &+ report.lastPrice.rawValue &* Int64(truncatingIfNeeded: report.lastQuantity.rawValue))
        }
        if c.pointee.replicateVenueReports {
            var e = clientEvent(.venueReport, order: after)
            e.reportKind = report.kind
            e.venue = report.venue
            e.lastQuantity = report.lastQuantity
            e.lastPrice = report.lastPrice
            e.venueExecID = report.execID
            if report.kind == .replaceAck || report.kind == .replaceReject { e.newOrderID = b.pendingID }
            emit(e)
        }
        guard isClientOrder(b.id) else { return }
        switch report.kind {
        case .ack:
            emit(clientEvent(.new, order: after))
        case .reject:
            var e = clientEvent(.rejected, order: after)
            e.leavesQuantity = .zero
            e.rejectSource = .venue
            emit(e)
        case .fill:
            var e = clientEvent(.fill, order: after)
            e.lastQuantity = report.lastQuantity
            e.lastPrice = report.lastPrice
            e.venueExecID = report.execID
            emit(e)
        case .cancelAck:
            var e = clientEvent(.canceled, order: after)
            e.leavesQuantity = .zero
            emit(e)
        case .expire, .doneForDay:
            var e = clientEvent(.expired, order: after)
            e.leavesQuantity = .zero
            emit(e)
        case .cancelReject:
            emit(clientEvent(.cancelReject, order: after))
        case .replaceAck:
            // The order continues under its new ID; what the OMS holds now (or, born filled, nothing).
            var e: ClientExecutionEvent
            if let current = trading.orders.order(b.pendingID) {
                e = clientEvent(.replaced, order: current)
            } else {
                e = clientEvent(.replaced, order: after)
                e.price = b.pendingPrice
                e.orderQuantity = b.cumulativeQuantity
                e.leavesQuantity = .zero
            }
            e.orderID = b.id
            e.newOrderID = b.pendingID
            emit(e)
        case .replaceReject:
            var e = clientEvent(.replaceReject, order: after)
            e.newOrderID = b.pendingID
            e.rejectSource = .venue
            emit(e)
        }
    }
}
