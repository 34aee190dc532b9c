import CVegaSys
import VegaCore
import VegaMarketData
import VegaOrderEntry
import VegaStrategy
import VegaTrading

/// How much of each tick-to-trade path a lane stamps (each TSC read costs ~50 ns on these VMs).
@frozen
public enum LaneProfiling: UInt8, Sendable {
    case off = 0
    /// Lane receive and TX handed only.
    case endpoints = 1
    /// Every stage.
    case full = 2
}

/// A lane's counters (plain integers: copied off the lane for metrics and reports).
@frozen
public struct LaneCounters: Sendable, Equatable {
    public var frames: UInt64 = 0
    public var messages: UInt64 = 0
    public var bookEvents: UInt64 = 0
    public var tradeEvents: UInt64 = 0
    public var strategyCalls: UInt64 = 0
    public var intents: UInt64 = 0
    public var ordersSent: UInt64 = 0
    public var cancelsSent: UInt64 = 0
    public var replacesSent: UInt64 = 0
    public var riskRejects: UInt64 = 0
    public var omsRejects: UInt64 = 0
    /// Accepted by risk and the OMS, but the session could not take it (outbox full).
    public var sendFailures: UInt64 = 0
    /// Refused before risk: the venue's session is not logged in.
    public var sessionDown: UInt64 = 0
    public var executionReports: UInt64 = 0
    public var fills: UInt64 = 0
    public var filledShares: UInt64 = 0
    public var venueRejects: UInt64 = 0
    /// Venue messages the OMS refused (unknown order, illegal transition) or saw twice.
    public var omsRefused: UInt64 = 0
    /// Venue rejects of a cancel or replace that crossed the fill or cancel finishing the order.
    public var lateAnswers: UInt64 = 0
    public var duplicates: UInt64 = 0
    /// Intents dropped because the lane's work queue was full (a strategy in a loop).
    public var workQueueDrops: UInt64 = 0
    public var killCancels: UInt64 = 0
    public var timers: UInt64 = 0
    public var staleMarks: UInt64 = 0
    public var sessionDisconnects: UInt64 = 0
    public var logins: UInt64 = 0
    public init() {}
}

/// The deterministic heart of a lane: books, strategies, risk, OMS, positions and order-entry
/// sessions, driven by three kinds of input — a market-data message (through the feed's
/// MoldUDP64 session, for which it is the output), bytes from a venue's order-entry connection,
/// and a timer — each with the `now` the lane read. Given the same setup and the same inputs
/// with the same `now`s it makes the same decisions and writes the same bytes: journal replay
/// depends on it.
///
/// Outbound bytes accumulate in each venue session's outbox; the ``Lane`` driver hands them to
/// the venue's queue after each input. Decisions and outbound messages are reported to `Tap`.
///
/// Sized once in `init`; no input allocates, locks or traps on venue or feed bytes.
public struct LaneCore<Tap: LaneTap & ~Copyable>: ~Copyable {
    public let venueCount: Int
    public var books: LaneBooks
    public var trading: TradingCore
    public var tap: Tap
    public var counters: LaneCounters
    public var profiling: LaneProfiling
    /// The stamps of the path being built (the first order caused by the current frame).
    public var stamps: LaneStamps
    @usableFromInline var stampsTaken: Bool
    /// Order-entry bytes were written since the driver last flushed: the driver hands them to
    /// the queue after the message that caused them, not at the end of the datagram.
    public var outboundWritten: Bool
    /// While true, market data still builds the books and risk's references, but no strategy
    /// hears of it: a live lane's late join replays the day's start, nothing to trade on.
    public var strategiesMuted = false

    @usableFromInline let sessions: UnsafeMutablePointer<LaneOUCHSession>
    @usableFromInline let makers: UnsafeMutablePointer<StrategyHost<MarketMaker>>
    @usableFromInline let makerCount: Int
    @usableFromInline let arbs: UnsafeMutablePointer<StrategyHost<CrossVenueArbitrage>>
    @usableFromInline let arbCount: Int
    /// [lane locate] → bit set of strategy slots (makers first, then arbitrages).
    @usableFromInline let subscribers: UnsafeMutablePointer<UInt64>
    /// [lane locate] → instrument / venue.
    @usableFromInline let instrumentOfLocate: UnsafeMutablePointer<InstrumentID>
    @usableFromInline let locateCount: Int
    /// [strategy ID] → slot + 1 (0: not on this lane).
    @usableFromInline let slotOfStrategy: UnsafeMutablePointer<UInt8>
    /// Intents waiting for risk, FIFO (strategies may answer a reject with new intents).
    @usableFromInline let work: UnsafeMutablePointer<OrderIntent>
    /// The work queue's size: a power of two known to the compiler, so a slot is `index & mask`.
    /// (A stored capacity made each enqueue and dequeue a 32-bit `div`, ~23 cycles here, on the
    /// tick's path.)
    @inlinable static var workCapacity: Int { 1_024 }
    @usableFromInline var workHead: Int
    @usableFromInline var workTail: Int
    @usableFromInline let cancels: UnsafeMutableBufferPointer<OrderIntent>
    /// Payloads of the order-entry bytes being handled (copied out of the SoupBinTCP session).
    @usableFromInline let inbox: UnsafeMutablePointer<LaneInbox>
    /// Per venue: a MoldUDP64 re-request to send (the driver sends it after the input).
    @usableFromInline let requests: UnsafeMutablePointer<LaneMoldRequest>
    @usableFromInline var currentVenue: Int
    @usableFromInline var now: UInt64
    @usableFromInline var currentTimes: EventTimes
    /// The client link's lane side (``attachClients(_:)``); `nil`: no client flow.
    @usableFromInline var clients: UnsafeMutablePointer<LaneClientState>? = nil

    public init(setup: LaneSetup, limits channel: RiskLimitsChannel, tap: consuming Tap, now: UInt64,
                profiling: LaneProfiling = .full) throws(LaneSetupError) {
        try setup.validate()
        // Everything that can fail first, before any stored property is set.
        var makerChannels: [ParameterChannel<MarketMakerParameters>] = []
        for (n, m) in setup.marketMakers.enumerated() {
            do { makerChannels.append(try ParameterChannel(m.parameters)) } catch {
                throw LaneSetupError(field: "marketMakers[\(n)].parameters", problem: error.description)
            }
        }
        var arbChannels: [ParameterChannel<CrossVenueArbitrageParameters>] = []
        for (n, a) in setup.arbitrages.enumerated() {
            do { arbChannels.append(try ParameterChannel(a.parameters)) } catch {
                throw LaneSetupError(field: "arbitrages[\(n)].parameters", problem: error.description)
            }
        }
        let madeSessions = UnsafeMutablePointer<LaneOUCHSession>.allocate(capacity: setup.venues.count)
        var made = 0
        do {
            for v in setup.venues {
                (madeSessions + made).initialize(to: try LaneOUCHSession(venue: v, instruments: setup.instruments,
                                                                         instrumentCapacity: setup.capacity.instruments, now: now))
                made += 1
            }
        } catch {
            madeSessions.deinitialize(count: made)
            madeSessions.deallocate()
            throw error
        }
        sessions = madeSessions
        venueCount = setup.venues.count
        books = LaneBooks(setup: setup)
        trading = TradingCore(channel: channel, now: now)
        self.tap = tap
        counters = LaneCounters()
        self.profiling = profiling
        stamps = LaneStamps()
        stampsTaken = false
        outboundWritten = false
        currentVenue = 0
        self.now = now
        currentTimes = EventTimes(exchange: Timestamp(nanoseconds: 0))

        let keys = setup.bookKeys
        locateCount = keys.count + 1
        subscribers = .allocate(capacity: locateCount)
        subscribers.initialize(repeating: 0, count: locateCount)
        instrumentOfLocate = .allocate(capacity: locateCount)
        instrumentOfLocate.initialize(repeating: InstrumentID(0), count: locateCount)
        for k in keys { instrumentOfLocate[Int(k.locate)] = k.instrument }
        slotOfStrategy = .allocate(capacity: 65_536)
        slotOfStrategy.initialize(repeating: 0, count: 65_536)

        // Every strategy may ask whether an order would cross one of the lane's own (risk refuses it).
        let ownOrders = trading.orders.ownOrders
        makerCount = setup.marketMakers.count
        makers = .allocate(capacity: max(makerCount, 1))
        for (n, m) in setup.marketMakers.enumerated() {
            let locate = setup.laneLocate(instrument: m.instrument, venue: m.venue)!
            let configuration = MarketMakerConfiguration(instrument: m.instrument, locate: locate, venue: m.venue,
                                                         tickSize: m.tickSize, vpinBucketVolume: m.vpinBucketVolume,
                                                         vpinBucketCount: m.vpinBucketCount)
            let channel = makerChannels[n]
            (makers + n).initialize(to: StrategyHost(
                strategy: MarketMaker(configuration: configuration, parameters: m.parameters),
                context: StrategyContext(strategyID: m.strategy, account: m.account, intentCapacity: setup.intentCapacity,
                                         orderCapacity: setup.strategyOrderCapacity, instrumentCapacity: 8),
                parameters: channel))
            makers[n].context.ownOrders = ownOrders
            subscribers[Int(locate)] |= 1 << UInt64(n)
            slotOfStrategy[Int(m.strategy.rawValue)] = UInt8(n + 1)
        }
        arbCount = setup.arbitrages.count
        arbs = .allocate(capacity: max(arbCount, 1))
        for (n, a) in setup.arbitrages.enumerated() {
            let first = setup.laneLocate(instrument: a.instrument, venue: a.first)!
            let second = setup.laneLocate(instrument: a.instrument, venue: a.second)!
            let configuration = CrossVenueArbitrageConfiguration(
                instrument: a.instrument,
                first: ArbitrageVenue(venue: a.first, locate: first, feePerShare: setup.venues[Int(a.first.rawValue)].takeFeePerShare),
                second: ArbitrageVenue(venue: a.second, locate: second, feePerShare: setup.venues[Int(a.second.rawValue)].takeFeePerShare))
            let channel = arbChannels[n]
            (arbs + n).initialize(to: StrategyHost(
                strategy: CrossVenueArbitrage(configuration: configuration, parameters: a.parameters),
                context: StrategyContext(strategyID: a.strategy, account: a.account, intentCapacity: setup.intentCapacity,
                                         orderCapacity: setup.strategyOrderCapacity, instrumentCapacity: 8),
                parameters: channel))
            arbs[n].context.ownOrders = ownOrders
            let slot = makerCount + n
            subscribers[Int(first)] |= 1 << UInt64(slot)
            subscribers[Int(second)] |= 1 << UInt64(slot)
            slotOfStrategy[Int(a.strategy.rawValue)] = UInt8(slot + 1)
        }

        work = .allocate(capacity: Self.workCapacity)
        workHead = 0
        workTail = 0
        cancels = .allocate(capacity: setup.capacity.openOrders)
        inbox = .allocate(capacity: 1)
        inbox.initialize(to: LaneInbox())
        requests = .allocate(capacity: venueCount)
        requests.initialize(repeating: LaneMoldRequest(), count: venueCount)
    }

    deinit {
        sessions.deinitialize(count: venueCount)
        sessions.deallocate()
        makers.deinitialize(count: makerCount)
        makers.deallocate()
        arbs.deinitialize(count: arbCount)
        arbs.deallocate()
        subscribers.deallocate()
        instrumentOfLocate.deallocate()
        slotOfStrategy.deallocate()
        work.deallocate()
        cancels.deallocate()
        inbox.pointee.storage.deallocate()
        inbox.deinitialize(count: 1)
        inbox.deallocate()
        requests.deallocate()
    }

    // MARK: reading

    /// A venue's order-entry session (its counters, state, outbox).
    @inlinable
    public func withSession<R>(_ venue: Int, _ body: (borrowing LaneOUCHSession) -> R) -> R { body(sessions[venue]) }

    /// The market makers' and arbitrages' counters and positions, for reports (off the lane).
    @inlinable
    public func withMarketMaker<R>(_ n: Int, _ body: (borrowing StrategyHost<MarketMaker>) -> R) -> R { body(makers[n]) }
    @inlinable
    public func withArbitrage<R>(_ n: Int, _ body: (borrowing StrategyHost<CrossVenueArbitrage>) -> R) -> R { body(arbs[n]) }
    public var marketMakerCount: Int { makerCount }
    public var arbitrageCount: Int { arbCount }

    @inlinable @inline(__always)
    func ticks() -> UInt64 { vega_rdtsc() }

    // MARK: strategies

    /// Queues the intents the strategy in `slot` just wrote.
    @inlinable
    mutating func collect(slot: Int) {
        if slot < makerCount {
            let n = makers[slot].context.intents.count
            for i in 0..<n { enqueue(makers[slot].context.intents[i]) }
        } else {
            let n = arbs[slot &- makerCount].context.intents.count
            for i in 0..<n { enqueue(arbs[slot &- makerCount].context.intents[i]) }
        }
    }

    @inlinable @inline(__always)
    mutating func enqueue(_ intent: OrderIntent) {
        guard workTail &- workHead < Self.workCapacity else {
            counters.workQueueDrops &+= 1
            return
        }
        work[workTail & (Self.workCapacity &- 1)] = intent
        workTail &+= 1
    }

    /// The strategy slot that owns an order (strategies number orders `strategyID << 48 | n`).
    @inlinable @inline(__always)
    func slot(ofOrder id: OrderID) -> Int? {
        let s = Int(slotOfStrategy[Int(truncatingIfNeeded: id.rawValue >> 48) & 0xFFFF])
        return s == 0 ? nil : s &- 1
    }

    @inlinable
    mutating func deliver(_ event: StrategyEvent, slot: Int) {
        counters.strategyCalls &+= 1
        let view = books.view
        let time = Timestamp<Monotonic>(nanoseconds: now)
        if slot < makerCount {
            makers[slot].context.now = time
            makers[slot].handle(event, books: view)
        } else {
            arbs[slot &- makerCount].context.now = time
            arbs[slot &- makerCount].handle(event, books: view)
        }
        collect(slot: slot)
    }

    @inlinable
    mutating func deliverToSubscribers(_ event: StrategyEvent, locate: UInt16) {
        if strategiesMuted { return }
        var mask = subscribers[Int(locate)]
        while mask != 0 {
            let slot = mask.trailingZeroBitCount
            mask &= mask &- 1
            deliver(event, slot: slot)
        }
    }

    /// Runs every queued intent through risk and the OMS and into its venue's session; answers
    /// refusals to the strategy (which may queue more).
    @inlinable
    mutating func drainWork() {
        while workHead != workTail {
            let intent = work[workHead & (Self.workCapacity &- 1)]
            workHead &+= 1
            submit(intent)
        }
        workHead = 0
        workTail = 0
    }

    /// Warms the table slots the next new order ID after `id` will need (OMS index, finished
    /// history, the session's reference map). Strategies number their orders with a counter
    /// (``StrategyContext``: strategy << 48 | n), so a strategy that just sent `id` sends `id + 1`
    /// next. Those slots are hashed across tables of 0.5–2 MB: callgrind's cache model put 1.4
    /// last-level misses per order tick in `OrderManager.requestReplace` (its two duplicate-ID
    /// lookups). `lane-profile orders`, 24 rounds alternating with the build before: tick-to-order
    /// p50 best round 435 → 362 ns, median round 733 → 696 ns (Benchmarks/README, "The lane's
    /// next order ID"). A wrong guess (an ID from elsewhere) costs three prefetches, nothing else.
    @inlinable @inline(__always)
    func prefetchSlots(after id: OrderID, venue: Int) {
        let next = OrderID(id.rawValue &+ 1)
        let (index, finished) = trading.orders.slotAddresses(forNewOrder: next)
        vega_prefetch(index)
        vega_prefetch(finished)
        vega_prefetch(sessions[venue].referenceSlotAddress(forNewOrder: next))
    }

    @inlinable
    mutating func submit(_ intent: OrderIntent) {
        counters.intents &+= 1
        let venue = Int(intent.venue.rawValue)
        guard venue < venueCount else {
            // Not a venue of this lane: nothing to check it against, nowhere to send it.
            counters.omsRejects &+= 1
            refuse(intent, source: .lane, code: 0xFFFF)
            return
        }
        guard sessions[venue].isLoggedIn else {
            // No session to send on (not yet logged in, or lost): refused by the lane before risk
            // and the OMS, so nothing is recorded as working and no breaker counts it.
            counters.sessionDown &+= 1
            refuse(intent, source: .lane, code: 0xFFFE)
            return
        }
        let result = trading.submit(intent, book: books.venueView(venue), now: now)
        if profiling == .full && !stampsTaken && stamps.laneReceive != 0 { stamps.riskPassed = ticks() }
        tap.decision(intent, result: result, now: now)
        switch result {
        case .send:
            let before = sessions[venue].soup.outbox.count
            // OUCH's Replace Order carries the replacement's open shares, FIX's OrderQty (and the
            // intent) the order's total: take off what has filled, or the venue reopens it.
            var wire = intent
            if intent.kind == .replace, let o = trading.orders.order(intent.orderID),
               o.cumulativeQuantity.rawValue < intent.quantity.rawValue {
                wire.quantity = Quantity(intent.quantity.rawValue &- o.cumulativeQuantity.rawValue)
            }
            if sessions[venue].send(wire, now: now) {
                outboundWritten = true
                switch intent.kind {
                case .new: counters.ordersSent &+= 1
                case .cancel: counters.cancelsSent &+= 1
                case .replace: counters.replacesSent &+= 1
                }
                let pending = sessions[venue].soup.outbox.pending
                tap.outbound(venue: venue, bytes: UnsafeRawBufferPointer(rebasing: pending[before...]), now: now)
                // The ID the venue now knows the order by: the replacement's for a replace.
                let sentID = intent.kind == .replace ? intent.newOrderID : intent.orderID
                if intent.kind != .cancel { prefetchSlots(after: sentID, venue: venue) }
                if profiling != .off && !stampsTaken && stamps.laneReceive != 0 {
                    if profiling == .full { stamps.orderEncoded = ticks() }
                    stamps.orderID = sentID.rawValue
                    stampsTaken = true
                }
            } else {
                counters.sendFailures &+= 1
                // The OMS recorded the request; tell it (and the strategy) the request is dead.
                refuse(intent, source: .lane, code: 0)
                let kind: ExecutionReport.Kind = switch intent.kind {
                case .new: .reject
                case .cancel: .cancelReject
                case .replace: .replaceReject
                }
                _ = trading.onExecution(ExecutionReport(kind: kind, venue: intent.venue, orderID: intent.orderID), now: now,
                                        cancels: UnsafeMutableBufferPointer(start: cancels.baseAddress, count: 0))
            }
        case .riskRejected(let r):
            counters.riskRejects &+= 1
            refuse(intent, source: .risk, code: UInt16(r.rawValue))
        case .omsRejected(let r):
            counters.omsRejects &+= 1
            refuse(intent, source: .lane, code: UInt16(r.rawValue))
        }
    }

    @inlinable
    mutating func refuse(_ intent: OrderIntent, source: RejectSource, code: UInt16) {
        if clients != nil && isClientOrder(intent.orderID) {
            // Lane codes (see submit) are 0xFFFF no venue, 0xFFFE session down, 0 send failed;
            // other `.lane` codes are the OMS's.
            switch (source, code) {
            case (.risk, _): clientRefused(intent, source: .risk, code: code)
            case (_, 0xFFFF): clientRefused(intent, source: .lane, code: ClientExecutionEvent.laneNoRoute)
            case (_, 0xFFFE): clientRefused(intent, source: .lane, code: ClientExecutionEvent.laneSessionDown)
            case (_, 0): clientRefused(intent, source: .lane, code: ClientExecutionEvent.laneSendFailed)
            default: clientRefused(intent, source: .oms, code: code)
            }
            return
        }
        guard let slot = slot(ofOrder: intent.orderID) else { return }
        deliver(.rejected(OrderRejected(orderID: intent.orderID, replacementID: intent.newOrderID, request: intent.kind,
                                        source: source, code: code, now: Timestamp(nanoseconds: now))), slot: slot)
    }

    @inlinable
    mutating func queueCancels(_ n: Int) {
        counters.killCancels &+= UInt64(n)
        for i in 0..<n { enqueue(cancels[i]) }
    }

    // MARK: input 1 — market data (the feed session's output)

    /// Sets the venue and frame the next session call's messages come from.
    @inlinable
    public mutating func beginFrame(venue: Int, times: EventTimes, now: UInt64, receiveTicks: UInt64) {
        currentVenue = venue
        currentTimes = times
        self.now = now
        counters.frames &+= 1
        stampsTaken = false
        stamps = LaneStamps()
        if profiling != .off {
            stamps.laneReceive = receiveTicks
            stamps.venue = UInt8(truncatingIfNeeded: venue)
            stamps.nicNanoseconds = times.hasNIC ? times.nicNanoseconds : 0
            stamps.kernelNanoseconds = times.hasKernel ? times.kernelNanoseconds : 0
        }
    }

    /// Sets the venue whose feed session runs next without a frame (its timers: re-requests,
    /// give-ups), so requests and stale marks reach the right venue. Counts nothing.
    @inlinable
    public mutating func selectFeed(venue: Int, now: UInt64) {
        currentVenue = venue
        self.now = now
    }

    /// Whether the frame just handled caused an order (its stamps are in ``stamps``).
    @inlinable public var frameCausedOrder: Bool { stampsTaken }

    /// One ITCH message in sequence order from the current venue: books, then the strategies
    /// whose books' top changed or that see trades, then risk, OMS and the session.
    @inlinable
    public mutating func handleMessage(_ message: UnsafeRawBufferPointer, sequence: UInt64) {
        counters.messages &+= 1
        let v = currentVenue
        if message.count >= 19, let p = message.baseAddress, p.load(as: UInt8.self) == 0x52 {
            // Stock Directory: tie the venue's locate for this symbol to the lane's keys.
            let locate = UInt16(bigEndian: p.loadUnaligned(fromByteOffset: 1, as: UInt16.self))
            let symbol = UInt64(bigEndian: p.loadUnaligned(fromByteOffset: 11, as: UInt64.self))
            _ = books.define(venue: v, venueLocate: locate, symbol: symbol)
        }
        let times = currentTimes
        _ = books.withVenue(v) { $0.handle(message, stamps: times) }
        let updates = books.withVenue(v) { $0.sink.output.count }
        guard updates > 0 else { return }
        if profiling == .full && !stampsTaken && stamps.laneReceive != 0 {
            stamps.bookUpdated = ticks()
            stamps.sequence = sequence
        }
        var lastLocate: UInt16 = 0
        for i in 0..<updates {
            let u = books.withVenue(v) { $0.sink.output[i] }
            let lane = books.laneLocate(venue: v, venueLocate: u.locate)
            guard lane != 0 else { continue }
            let t = u.times
            if u.kind == .trade {
                counters.tradeEvents &+= 1
                let aggressor: Side = u.side == .buy ? .sell : .buy
                deliverToSubscribers(.trade(TradeEvent(locate: lane, venue: VenueID(UInt8(v)), price: u.price, shares: u.shares,
                                                       aggressor: aggressor, times: t)), locate: lane)
            } else if u.kind == .level && u.changedTopOfBook && lane != lastLocate {
                lastLocate = lane
                counters.bookEvents &+= 1
                let instrument = instrumentOfLocate[Int(lane)]
                trading.onMarketData(instrument, book: books.venueView(v), now: now)
                if profiling != .off { stamps.locate = lane }
                deliverToSubscribers(.book(BookUpdateEvent(locate: lane, venue: VenueID(UInt8(v)), times: t)), locate: lane)
            }
        }
        books.withVenue(v) { $0.sink.output.removeAll() }
        if workHead != workTail {
            if profiling == .full && !stampsTaken && stamps.laneReceive != 0 { stamps.strategyDecided = ticks() }
            drainWork()
        }
    }

    // MARK: input 2 — order entry

    /// Bytes from venue `venue`'s order-entry connection (a SoupBinTCP stream, any chunking).
    @inlinable
    public mutating func handleOrderEntry(venue: Int, bytes: UnsafeRawBufferPointer, now: UInt64) {
        self.now = now
        guard venue < venueCount else { return }
        stamps.laneReceive = 0
        stampsTaken = false
        let box = inbox
        box.pointee.count = 0
        box.pointee.used = 0
        var logins = 0, disconnects = 0
        sessions[venue].soup.receive(bytes, now: now) { event in
            switch event {
            case .sequencedData(_, let payload): box.pointee.append(payload)
            case .unsequencedData(let payload): box.pointee.append(payload)
            case .loginAccepted: logins += 1
            case .disconnect: disconnects += 1
            case .debug, .endOfSession: break
            }
        }
        counters.logins &+= UInt64(logins)
        counters.sessionDisconnects &+= UInt64(disconnects)
        for i in 0..<box.pointee.count {
            let payload = box.pointee.payload(i)
            guard let report = sessions[venue].decode(payload) else { continue }
            apply(report)
        }
        drainWork()
    }

    @inlinable
    mutating func apply(_ report: ExecutionReport) {
        counters.executionReports &+= 1
        let before = trading.orders.order(report.orderID)
        let (result, n) = trading.onExecution(report, now: now, cancels: cancels)
        if n > 0 { queueCancels(n) }
        if clients != nil { clientReport(report, before: before, result: result) }
        switch result {
        case .applied: break
        case .duplicate:
            counters.duplicates &+= 1
            return
        case .late:
            counters.lateAnswers &+= 1
            return
        case .refused:
            counters.omsRefused &+= 1
            return
        }
        guard let slot = slot(ofOrder: report.orderID) else { return }
        let t = Timestamp<Monotonic>(nanoseconds: now)
        switch report.kind {
        case .ack:
            deliver(.acknowledged(OrderAcknowledged(orderID: report.orderID, now: t)), slot: slot)
        case .replaceAck:
            let newID = before?.pendingID ?? report.orderID
            deliver(.acknowledged(OrderAcknowledged(orderID: newID, now: t)), slot: slot)
        case .fill:
            counters.fills &+= 1
            counters.filledShares &+= report.lastQuantity.rawValue
            let leaves = trading.orders.order(report.orderID)?.leavesQuantity ?? .zero
            deliver(.filled(OrderFilled(orderID: report.orderID, quantity: report.lastQuantity, price: report.lastPrice,
                                        leaves: leaves, now: t)), slot: slot)
        case .reject:
            counters.venueRejects &+= 1
            deliver(.rejected(OrderRejected(orderID: report.orderID, request: .new, source: .venue, now: t)), slot: slot)
        case .replaceReject:
            counters.venueRejects &+= 1
            deliver(.rejected(OrderRejected(orderID: report.orderID, replacementID: before?.pendingID ?? OrderID(0),
                                            request: .replace, source: .venue, now: t)), slot: slot)
        case .cancelReject:
            counters.venueRejects &+= 1
            deliver(.rejected(OrderRejected(orderID: report.orderID, request: .cancel, source: .venue, now: t)), slot: slot)
        case .cancelAck, .expire, .doneForDay:
            deliver(.canceled(OrderCanceled(orderID: report.orderID, now: t)), slot: slot)
        }
    }

    // MARK: input 3 — timer

    /// Periodic work at `now`: order-entry heartbeats and timeouts, risk's published limits and
    /// stale-data trips, strategy timers that are due. (The feed sessions' timers are run by the
    /// driver, which owns them.)
    @inlinable
    public mutating func handleTimer(now: UInt64) {
        self.now = now
        counters.timers &+= 1
        stamps.laneReceive = 0
        stampsTaken = false
        var disconnects = 0
        for v in 0..<venueCount {
            sessions[v].soup.poll(now: now) { event in
                if case .disconnect = event { disconnects += 1 }
            }
        }
        counters.sessionDisconnects &+= UInt64(disconnects)
        let n = trading.onTimer(now: now, cancels: cancels)
        if n > 0 { queueCancels(n) }
        let t = Timestamp<Monotonic>(nanoseconds: now)
        for s in 0..<(makerCount + arbCount) {
            let deadline = s < makerCount ? makers[s].context.timerDeadline : arbs[s &- makerCount].context.timerDeadline
            if let d = deadline, d.nanoseconds <= now { deliver(.timer(t), slot: s) }
        }
        drainWork()
    }

    /// Throws a kill switch by hand (operator command) and sends the cancels it calls for.
    public mutating func kill(_ scope: KillScope, now: UInt64) -> Int {
        self.now = now
        let n = trading.kill(scope, now: now, into: cancels)
        queueCancels(n)
        drainWork()
        return n
    }

    /// Graceful stop: mutes the strategies to market data and throws the global kill switch with
    /// cause `shutdown` — nothing new goes out,
    /// every working order is canceled, and orders still PendingNew or PendingReplace are
    /// canceled when the venue answers them — and returns how many cancels were sent now.
    public mutating func cancelAll(now: UInt64) -> Int {
        self.now = now
        // Strategies hear no more market data: they would only ask for orders the switch refuses.
        strategiesMuted = true
        let trip = KillTrip(scope: .global, cause: .shutdown, observed: 0, limit: 0, time: now)
        let n = trading.kill(trip, into: cancels)
        queueCancels(n)
        drainWork()
        return n
    }

    /// Sends a Logout Request on every venue session (they close).
    public mutating func logout(now: UInt64) {
        self.now = now
        for v in 0..<venueCount { sessions[v].soup.logout(now: now) { _ in } }
    }

    // MARK: output for the driver

    /// The bytes waiting for venue `venue`'s connection.
    @inlinable
    public func pendingOutbound(_ venue: Int) -> UnsafeRawBufferPointer { sessions[venue].soup.outbox.pending }

    /// Marks `n` outbound bytes of venue `venue` as handed to its connection.
    @inlinable
    public mutating func consumeOutbound(_ venue: Int, _ n: Int) { sessions[venue].soup.outbox.consume(n) }

    /// A re-request the feed of `venue` wants sent, if any (cleared by reading).
    @inlinable
    public mutating func takeRequest(_ venue: Int) -> LaneMoldRequest? {
        guard requests[venue].pending else { return nil }
        let r = requests[venue]
        requests[venue].pending = false
        return r
    }
}

/// The feed's MoldUDP64 session delivers into the lane.
extension LaneCore: MoldUDP64SessionOutput where Tap: ~Copyable {
    @inlinable
    public mutating func deliver(message: UnsafeRawBufferPointer, sequence: UInt64, times: EventTimes) {
        handleMessage(message, sequence: sequence)
    }

    @inlinable
    public mutating func request(session: MoldUDP64SessionID, sequence: UInt64, count: UInt16) {
        requests[currentVenue] = LaneMoldRequest(pending: true, session: session, sequence: sequence, count: count)
    }

    @inlinable
    public mutating func event(_ event: MoldUDP64SessionEvent) {
        if case .gaveUp = event {
            counters.staleMarks &+= 1
            books.withVenue(currentVenue) { $0.markStale(locate: nil) }
        }
    }
}

/// A MoldUDP64 re-request a lane's feed wants sent.
@frozen
public struct LaneMoldRequest: Sendable, BitwiseCopyable {
    public var pending: Bool
    public var session: MoldUDP64SessionID
    public var sequence: UInt64
    public var count: UInt16
    @inlinable
    public init(pending: Bool = false, session: MoldUDP64SessionID = MoldUDP64SessionID(high: 0, low: 0), sequence: UInt64 = 0,
                count: UInt16 = 0) {
        self.pending = pending
        self.session = session
        self.sequence = sequence
        self.count = count
    }
}

/// The payloads of one order-entry read, copied out of the session's framer (64 KiB).
@usableFromInline
struct LaneInbox {
    @usableFromInline static var capacity: Int { 1 << 16 }
    @usableFromInline static var maxMessages: Int { 1_024 }
    @usableFromInline let storage: UnsafeMutableRawPointer
    @usableFromInline let offsets: UnsafeMutablePointer<UInt32>
    @usableFromInline var count: Int = 0
    @usableFromInline var used: Int = 0

    init() {
        storage = .allocate(byteCount: Self.capacity + Self.maxMessages * 8, alignment: 16)
        offsets = (storage + Self.capacity).bindMemory(to: UInt32.self, capacity: Self.maxMessages * 2)
    }

    @inlinable
    mutating func append(_ payload: UnsafeRawBufferPointer) {
        guard count < Self.maxMessages, used &+ payload.count <= Self.capacity else { return }
        if let base = payload.baseAddress, payload.count > 0 { (storage + used).copyMemory(from: base, byteCount: payload.count) }
        offsets[count &* 2] = UInt32(used)
        offsets[count &* 2 &+ 1] = UInt32(payload.count)
        used &+= payload.count
        count &+= 1
    }

    @inlinable
    func payload(_ i: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage + Int(offsets[i &* 2]), count: Int(offsets[i &* 2 &+ 1]))
    }
}
