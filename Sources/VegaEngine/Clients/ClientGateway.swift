import Synchronization
import Logging
import NIOCore
import NIOPosix
import VegaCore
import VegaOrderEntry
import VegaTrading

/// What the gateway counted (read with ``ClientGateway/statistics()``).
public struct ClientGatewayStatistics: Sendable, Equatable {
    /// Application messages received from clients.
    public var received = 0
    /// Requests pushed into a lane's inbound ring.
    public var forwarded = 0
    /// Requests answered off the lane (validation failed: unknown symbol, bad field, unknown or
    /// closed order, duplicate ClOrdID, unsupported message), by ExecutionReport Rejected,
    /// OrderCancelReject or BusinessMessageReject.
    public var refusedOffLane = 0
    /// Requests refused because the lane's inbound ring was full.
    public var inboundRingFull = 0
    /// ExecutionReports and OrderCancelRejects sent to clients (lane events and off-lane answers).
    public var sentToClients = 0
    /// ExecutionReports handed to the drop-copy session.
    public var dropCopies = 0
    /// Lane events for orders the gateway does not know (logged).
    public var unmatchedEvents = 0
    /// Lane events lost to a full outbound ring (seen as gaps in the lane's event sequence).
    public var missedEvents = 0
    /// Finished orders forgotten (oldest first) beyond `[clients] retain_finished_orders`.
    public var forgottenOrders = 0
    /// Orders the gateway holds (open, and finished ones not yet forgotten).
    public var retainedOrders = 0
    public init() {}
}

/// The client-facing side of the engine: FIX 4.4 acceptor sessions (``FIXEngine``) whose
/// NewOrderSingle / OrderCancelRequest / OrderCancelReplaceRequest are validated here, off the
/// lane, turned into ``ClientOrderRequest``s and pushed into the owning lane's inbound ring;
/// and the drain of every lane's outbound ring into ExecutionReports / OrderCancelRejects to the
/// right client, each replicated to the drop-copy session with the lanes' venue reports.
///
/// Threading: one event loop (one thread) runs both FIX engines, the message handler and the
/// drain (every millisecond), so it is the single producer of every lane's inbound ring and the
/// single consumer of every outbound ring, and the drop copy sees reports in the order they
/// were sent. Everything mutable is touched on that loop only.
///
/// Identifiers: the ClOrdIDs of a session map to lane order IDs (`strategy << 48 | n`, `n`
/// counting per lane from 1); OrderID (37) is `<run>-<lane>-<n>` of the order's first lane ID
/// (kept across replaces); ExecID (17) is `<run>-<lane>-<event sequence>` — `<run>` is the
/// gateway's start time in ms, base 36, so IDs are unique across restarts too.
///
/// Lifecycle: ``start()`` (after the lanes are up), ``stopClients()`` (clients logged out,
/// first at a stop), ``finish()`` (after the lanes stopped: drains their last events, then
/// logs the drop copy out).
public final class ClientGateway: @unchecked Sendable {
    typealias Order = ClientOrderTable.Order

    public let plan: ClientFlowPlan
    let links: [LaneClientLink]
    let logger: Logger
    let group: MultiThreadedEventLoopGroup
    /// The loop both FIX engines, the handler and the drain run on.
    public let loop: any EventLoop
    public private(set) var clientEngine: FIXEngine!
    public let dropEngine: FIXEngine?
    let dropCopy: FIXDropCopy?
    let sessions: [FIXSessionID: ClientsConfiguration.Session]
    let instruments: [String: ClientFlowPlan.Instrument]
    let symbolOf: [UInt32: String]
    let run: String
    // On the loop only:
    var table: ClientOrderTable
    var nextNumber: [UInt64]
    var lastSequence: [UInt64]
    var stats = ClientGatewayStatistics()
    /// The counters with the order table's (on the loop).
    var currentStatistics: ClientGatewayStatistics {
        var s = stats
        s.forgottenOrders = table.forgotten
        s.retainedOrders = table.count
        return s
    }
    var clientsOpen = true
    var drainTask: RepeatedTask?
    var eventTasks: [Task<Void, Never>] = []
    /// The counters as ``finish()`` left them (any thread).
    let finalStatistics = Mutex<ClientGatewayStatistics?>(nil)

    /// Builds the sessions of `plan` (opening their stores) for `links[i]`, the link of lane `i`.
    public init(plan: ClientFlowPlan, links: [LaneClientLink], logger: Logger = Logger(label: "vega.clients")) throws {
        precondition(links.count == plan.laneNames.count, "one client link per lane")
        self.plan = plan
        self.links = links
        self.logger = logger
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        loop = group.next()
        if let d = plan.dropCopySession {
            let e = try FIXEngine(settings: [d], logger: logger, loop: loop)
            dropEngine = e
            dropCopy = FIXDropCopy(engine: e, target: d.configuration.sessionID)
        } else {
            dropEngine = nil
            dropCopy = nil
        }
        sessions = Dictionary(uniqueKeysWithValues: plan.configuration.sessions.map { ($0.sessionID, $0) })
        instruments = Dictionary(plan.instruments.map { ($0.symbol, $0) }, uniquingKeysWith: { a, _ in a })
        symbolOf = Dictionary(plan.instruments.map { ($0.id.rawValue, $0.symbol) }, uniquingKeysWith: { a, _ in a })
        run = String(UInt64(Timestamp<UTC>.now().nanoseconds / 1_000_000), radix: 36).uppercased()
        table = ClientOrderTable(lanes: links.count, retainFinished: plan.configuration.retainFinishedOrders)
        nextNumber = Array(repeating: 0, count: links.count)
        lastSequence = Array(repeating: 0, count: links.count)
        clientEngine = try FIXEngine(settings: plan.clientSessions, logger: logger, loop: loop) { [unowned self] id, message in
            self.handle(message, from: id)
        }
    }

    /// Starts listening for clients and connecting the drop copy, and the drain of the lanes'
    /// outbound rings. Returns the acceptor ports.
    @discardableResult
    public func start() async throws -> [Int] {
        if let dropEngine {
            try await dropEngine.start()
            eventTasks.append(log(dropEngine, role: "drop copy"))
        }
        try await clientEngine.start()
        eventTasks.append(log(clientEngine, role: "client"))
        try await loop.submit {
            self.drainTask = self.loop.scheduleRepeatedTask(initialDelay: .milliseconds(1), delay: .milliseconds(1)) { _ in
                self.drain()
            }
        }.get()
        let ports = await clientEngine.acceptorPorts()
        logger.info("client FIX sessions listening", metadata: ["ports": "\(ports)", "sessions": "\(plan.clientSessions.count)",
                                                                "dropCopy": "\(plan.dropCopySession.map { "\($0.configuration.sessionID)" } ?? "none")"])
        return ports
    }

    func log(_ engine: FIXEngine, role: String) -> Task<Void, Never> {
        let logger = self.logger
        return Task {
            for await event in engine.events {
                switch event {
                case .loggedOn(let id): logger.info("\(role) session logged on", metadata: ["session": "\(id)"])
                case .disconnected(let id, let reason): logger.info("\(role) session disconnected", metadata: ["session": "\(id)", "reason": "\(reason)"])
                case .connectionRefused(let peer, let reason): logger.notice("\(role) connection refused", metadata: ["peer": "\(peer)", "reason": "\(reason)"])
                default: break
                }
            }
        }
    }

    /// Logs every client session out and stops accepting (the first step of a stop). Lane
    /// events still reach the drop copy until ``finish()``.
    public func stopClients() async {
        _ = try? await loop.submit { self.clientsOpen = false }.get()
        await clientEngine.stop()
    }

    /// After the lanes have stopped: drains their last events (to the drop copy), then logs
    /// the drop copy out and shuts the loop down.
    public func finish() async {
        _ = try? await loop.submit {
            self.drainTask?.cancel()
            self.drain()
        }.get()
        if let dropEngine { await dropEngine.stop() }
        let stillOpen = (try? await loop.submit { self.clientsOpen }.get()) ?? false
        if stillOpen { await clientEngine.stop() }
        for t in eventTasks { await t.value }
        let last = (try? await loop.submit { self.currentStatistics }.get()) ?? ClientGatewayStatistics()
        finalStatistics.withLock { $0 = last }
        try? await group.shutdownGracefully()
    }

    /// The counters so far (read on the loop; after ``finish()``, the last ones — the loop is
    /// gone then, and a task submitted to it would never run).
    public func statistics() async -> ClientGatewayStatistics {
        if let last = finalStatistics.withLock({ $0 }) { return last }
        return (try? await loop.submit { self.currentStatistics }.get()) ?? ClientGatewayStatistics()
    }

    // MARK: inbound (on the loop)

    func handle(_ m: FIXMessage, from id: FIXSessionID) -> [FIXOutgoingMessage] {
        stats.received += 1
        guard let session = sessions[id] else {
            return refuse([businessReject(m, reason: "4", text: "session \(id) takes no orders")])
        }
        let now = Timestamp<UTC>.now()
        switch m.msgType {
        case .newOrderSingle: return newOrder(m, session: session, now: now)
        case .orderCancelRequest: return cancelOrReplace(m, session: session, replace: false, now: now)
        case .orderCancelReplaceRequest: return cancelOrReplace(m, session: session, replace: true, now: now)
        case .orderStatusRequest: return status(m, session: session, now: now)
        default:
            return refuse([businessReject(m, reason: "3", text: "unsupported message type")])
        }
    }

    /// Replies made off the lane: counted, replicated to the drop copy (ExecutionReports).
    func refuse(_ replies: [FIXOutgoingMessage]) -> [FIXOutgoingMessage] {
        stats.refusedOffLane += 1
        for r in replies where r.msgType != .businessMessageReject { stats.sentToClients += 1 }
        for r in replies { replicate(r) }
        return replies
    }

    func businessReject(_ m: FIXMessage, reason: String, text: String) -> FIXOutgoingMessage {
        logger.notice("business reject", metadata: ["text": "\(text)", "message": "\(m)"])
        return FIXOutgoingMessage(.businessMessageReject, [(45, String(m.seqNum)), (372, m[35] ?? "?"), (380, reason), (58, text)])
    }

    /// An ExecutionReport Rejected for a NewOrderSingle refused here.
    func rejectNew(_ m: FIXMessage, reason: String, text: String, now: Timestamp<UTC>) -> [FIXOutgoingMessage] {
        logger.notice("order refused off the lane", metadata: ["text": "\(text)", "ClOrdID": "\(m[11] ?? "")"])
        var f: [(UInt32, String)] = [(37, "NONE"), (11, m[11] ?? ""), (17, "\(run)-R\(stats.refusedOffLane + 1)"), (150, "8"), (39, "8"),
                                     (103, reason)]
        if let a = m[1] { f.append((1, a)) }
        f += [(55, m[55] ?? ""), (54, m[54] ?? "1")]
        if let q = m[38] { f.append((38, q)) }
        if let t = m[40] { f.append((40, t)) }
        f += [(151, "0"), (14, "0"), (6, "0"), (60, FIXTimestampFormat.string(now)), (58, text)]
        return refuse([FIXOutgoingMessage(.executionReport, f)])
    }

    func cancelReject(_ m: FIXMessage, replace: Bool, reason: String, orderID: String, status: String, text: String) -> [FIXOutgoingMessage] {
        logger.notice("cancel/replace refused off the lane", metadata: ["text": "\(text)", "ClOrdID": "\(m[11] ?? "")"])
        return refuse([FIXOutgoingMessage(.orderCancelReject, [(37, orderID), (11, m[11] ?? ""), (41, m[41] ?? ""), (39, status),
                                                              (434, replace ? "2" : "1"), (102, reason), (58, text)])])
    }

    /// Side (54) → lane side: 1 buy; 2 sell, 5 sell short, 6 sell short exempt (sold).
    static func side(_ s: String?) -> Side? {
        switch s {
        case "1": .buy
        case "2", "5", "6": .sell
        default: nil
        }
    }

    static func timeInForce(_ s: String?) -> TimeInForce? {
        switch s {
        case nil, "0": .day
        case "3": .immediateOrCancel
        case "4": .fillOrKill
        default: nil
        }
    }

    enum PriceCheck {
        case success(Price4)
        case failure(String)
    }

    /// A limit price: positive, on the instrument's tick; or why not.
    static func limitPrice(_ text: String?, tick: Price4) -> PriceCheck {
        guard let text, let p = try? Price4(parsing: text) else { return .failure("limit order without a valid Price (44)") }
        guard p.rawValue > 0 else { return .failure("Price (44) must be positive") }
        guard p.rawValue <= 1 << 40 else { return .failure("Price (44) \(text) is out of range") }
        if tick.rawValue > 0 && p.rawValue % tick.rawValue != 0 {
            return .failure("Price (44) \(text) is not a multiple of the tick \(Self.text(tick))")
        }
        return .success(p)
    }

    static func quantity(_ m: FIXMessage) -> Int64? {
        guard let q = m.int(38), q > 0, q <= 1_000_000_000 else { return nil }
        return q
    }

    func newOrder(_ m: FIXMessage, session: ClientsConfiguration.Session, now: Timestamp<UTC>) -> [FIXOutgoingMessage] {
        let id = session.sessionID
        let clOrdID = m[11] ?? ""
        if table.contains(clOrdID, session: id) { return rejectNew(m, reason: "6", text: "duplicate ClOrdID \(clOrdID)", now: now) }
        guard let symbol = m[55], let instrument = instruments[symbol] else {
            return rejectNew(m, reason: "1", text: "unknown symbol \(m[55] ?? "")", now: now)
        }
        if let a = m[1], a != session.accountName {
            return rejectNew(m, reason: "99", text: "Account (1) \(a) is not this session's account \(session.accountName)", now: now)
        }
        guard let side = Self.side(m[54]) else { return rejectNew(m, reason: "99", text: "unsupported Side (54) \(m[54] ?? "")", now: now) }
        guard m[40] == "2" else {
            return rejectNew(m, reason: "99", text: "unsupported OrdType (40) \(m[40] ?? ""): limit orders (2) only", now: now)
        }
        let price: Price4
        switch Self.limitPrice(m[44], tick: instrument.tick) {
        case .success(let p): price = p
        case .failure(let why): return rejectNew(m, reason: "99", text: why, now: now)
        }
        guard let quantity = Self.quantity(m) else {
            return rejectNew(m, reason: "99", text: "OrderQty (38) must be an integer 1...1000000000", now: now)
        }
        guard let tif = Self.timeInForce(m[59]) else {
            return rejectNew(m, reason: "99", text: "unsupported TimeInForce (59) \(m[59] ?? ""): 0 day, 3 IOC, 4 FOK", now: now)
        }
        var venue = ClientOrderRequest.smartRoute
        if let v = session.venue {
            guard instrument.venues.contains(v) else {
                return rejectNew(m, reason: "99", text: "\(symbol) does not trade on this session's venue \(plan.venueNames[Int(v.rawValue)])", now: now)
            }
            venue = v.rawValue
        }
        let lane = instrument.lane
        let laneID = nextID(lane)
        let request = ClientOrderRequest(kind: .new, side: side, timeInForce: tif, venue: venue, account: session.account,
                                         strategy: plan.configuration.strategy, instrument: instrument.id, price: price,
                                         quantity: Quantity(UInt64(quantity)), orderID: OrderID(laneID))
        guard links[lane].push(request) else {
            stats.inboundRingFull += 1
            return rejectNew(m, reason: "99", text: "lane \(plan.laneNames[lane]) is busy (inbound ring full); retry", now: now)
        }
        stats.forwarded += 1
        table.insert(Order(session: id, lane: lane, clOrdID: clOrdID, fixOrderID: "\(run)-\(plan.laneNames[lane])-\(laneID & 0xFFFF_FFFF_FFFF)",
                           symbol: symbol, side: m[54] ?? "1", timeInForce: m[59], price: price, quantity: quantity,
                           laneID: laneID))
        return []
    }

    func nextID(_ lane: Int) -> UInt64 {
        nextNumber[lane] += 1
        return UInt64(plan.configuration.strategy.rawValue) << 48 | nextNumber[lane]
    }

    func cancelOrReplace(_ m: FIXMessage, session: ClientsConfiguration.Session, replace: Bool, now: Timestamp<UTC>) -> [FIXOutgoingMessage] {
        let id = session.sessionID
        let clOrdID = m[11] ?? ""
        let orig = m[41] ?? ""
        guard let o = table.order(clOrdID: orig, session: id)?.order else {
            return cancelReject(m, replace: replace, reason: "1", orderID: "NONE", status: "8", text: "unknown order \(orig)")
        }
        let lane = o.lane
        if table.contains(clOrdID, session: id) {
            return cancelReject(m, replace: replace, reason: "6", orderID: o.fixOrderID, status: o.status, text: "duplicate ClOrdID \(clOrdID)")
        }
        guard o.open else {
            return cancelReject(m, replace: replace, reason: "0", orderID: o.fixOrderID, status: o.status, text: "too late: order is no longer open")
        }
        guard o.pendingCancel == nil && o.pendingReplace == nil else {
            return cancelReject(m, replace: replace, reason: "3", orderID: o.fixOrderID, status: o.status, text: "a cancel or replace is already pending")
        }
        if let s = m[55], s != o.symbol {
            return cancelReject(m, replace: replace, reason: "99", orderID: o.fixOrderID, status: o.status, text: "Symbol (55) \(s) is not the order's \(o.symbol)")
        }
        guard let instrument = instruments[o.symbol] else {
            return cancelReject(m, replace: replace, reason: "99", orderID: o.fixOrderID, status: o.status, text: "unknown symbol \(o.symbol)")
        }
        var request = ClientOrderRequest(kind: replace ? .replace : .cancel, side: Self.side(o.side) ?? .buy, account: session.account,
                                         strategy: plan.configuration.strategy, instrument: instrument.id, orderID: OrderID(o.laneID))
        var pending: (clOrdID: String, newID: UInt64, price: Price4, quantity: Int64)?
        if replace {
            if let t = m[40], t != "2" {
                return cancelReject(m, replace: true, reason: "99", orderID: o.fixOrderID, status: o.status,
                                    text: "unsupported OrdType (40) \(t): limit orders (2) only")
            }
            let price: Price4
            switch Self.limitPrice(m[44], tick: instrument.tick) {
            case .success(let p): price = p
            case .failure(let why): return cancelReject(m, replace: true, reason: "99", orderID: o.fixOrderID, status: o.status, text: why)
            }
            guard let quantity = Self.quantity(m) else {
                return cancelReject(m, replace: true, reason: "99", orderID: o.fixOrderID, status: o.status,
                                    text: "OrderQty (38) must be an integer 1...1000000000")
            }
            let newID = nextID(lane)
            request.price = price
            request.quantity = Quantity(UInt64(quantity))
            request.newOrderID = OrderID(newID)
            pending = (clOrdID, newID, price, quantity)
        }
        guard links[lane].push(request) else {
            stats.inboundRingFull += 1
            return cancelReject(m, replace: replace, reason: "99", orderID: o.fixOrderID, status: o.status,
                                text: "lane \(plan.laneNames[lane]) is busy (inbound ring full); retry")
        }
        stats.forwarded += 1
        var asked = o
        if let pending { asked.pendingReplace = pending } else { asked.pendingCancel = clOrdID }
        table.request(clOrdID, of: asked)
        return []
    }

    func status(_ m: FIXMessage, session: ClientsConfiguration.Session, now: Timestamp<UTC>) -> [FIXOutgoingMessage] {
        let clOrdID = m[11] ?? ""
        guard let o = table.order(clOrdID: clOrdID, session: session.sessionID)?.order else {
            return refuse([FIXOutgoingMessage(.executionReport, [
                (37, "NONE"), (11, clOrdID), (17, "\(run)-S\(stats.received)"), (150, "I"), (39, "8"), (55, m[55] ?? ""), (54, m[54] ?? "1"),
                (151, "0"), (14, "0"), (6, "0"), (60, FIXTimestampFormat.string(now)), (58, "unknown order"),
            ])])
        }
        // Quantities as last reported (the gateway keeps what the lane told it).
        let r = FIXOutgoingMessage(.executionReport, [
            (37, o.fixOrderID), (11, o.clOrdID), (17, "\(run)-S\(stats.received)"), (150, "I"), (39, o.status == "A" ? "A" : o.status),
            (55, o.symbol), (54, o.side), (38, String(o.quantity)), (40, "2"), (44, Self.text(o.price)),
            (151, String(o.open ? o.quantity - o.cumulative : 0)), (14, String(o.cumulative)), (6, Self.text(o.averagePrice)),
            (60, FIXTimestampFormat.string(now)),
        ])
        stats.sentToClients += 1
        replicate(r)
        return [r]
    }

    // MARK: outbound (on the loop)

    /// Drains every lane's outbound ring: client events become ExecutionReports /
    /// OrderCancelRejects to their session, every report goes to the drop copy too.
    func drain() {
        for lane in links.indices {
            _ = links[lane].drain { event in self.deliver(event, lane: lane) }
        }
    }

    func deliver(_ e: ClientExecutionEvent, lane: Int) {
        if e.sequence != lastSequence[lane] &+ 1 {
            let missed = Int(e.sequence &- lastSequence[lane] &- 1)
            stats.missedEvents += missed
            logger.error("lane \(plan.laneNames[lane]): \(missed) client events lost (outbound ring full)")
        }
        lastSequence[lane] = e.sequence
        let now = Timestamp<UTC>.now()
        let execID = "\(run)-\(plan.laneNames[lane])-\(e.sequence)"
        if e.kind == .venueReport {
            venueReport(e, lane: lane, execID: execID, now: now)
            return
        }
        guard var o = table.order(lane: lane, id: e.orderID.rawValue) else {
            stats.unmatchedEvents += 1
            logger.warning("lane event for an order the gateway does not know", metadata: ["lane": "\(plan.laneNames[lane])", "event": "\(e.kind)",
                                                                                       "orderID": "\(e.orderID.rawValue)"])
            return
        }
        var f: [(UInt32, String)]
        var clOrdID = o.clOrdID
        var orig: String?
        switch e.kind {
        case .new:
            o.status = "0"
        case .rejected:
            o.status = "8"
        case .fill:
            o.status = e.leavesQuantity.isZero ? "2" : "1"
        case .canceled:
            o.status = "4"
            if let c = o.pendingCancel {
                orig = o.clOrdID
                clOrdID = c
                o.clOrdID = c
            }
            o.pendingCancel = nil
        case .expired:
            o.status = e.leavesQuantity.isZero && !e.cumulativeQuantity.isZero && e.cumulativeQuantity == e.orderQuantity ? "2" : "C"
        case .replaced:
            o.status = e.leavesQuantity.isZero ? "2" : (e.cumulativeQuantity.isZero ? "0" : "1")
            if let p = o.pendingReplace {
                orig = o.clOrdID
                clOrdID = p.clOrdID
                o.clOrdID = p.clOrdID
                o.laneID = p.newID
                o.price = p.price
                o.quantity = p.quantity
            }
            o.pendingReplace = nil
        case .cancelReject, .replaceReject:
            let replace = e.kind == .replaceReject
            let requested = replace ? o.pendingReplace?.clOrdID : o.pendingCancel
            if replace {
                if let p = o.pendingReplace { table.dropReplacement(lane: lane, id: p.newID) }
                o.pendingReplace = nil
            } else {
                o.pendingCancel = nil
            }
            // Too late (0) when the lane no longer holds the order or the venue refused it.
            let reason = e.rejectSource == .venue || (e.rejectSource == .lane && e.rejectCode == ClientExecutionEvent.laneUnknownOrder)
                ? "0" : "99"
            let r = FIXOutgoingMessage(.orderCancelReject, [
                (37, o.fixOrderID), (11, requested ?? o.clOrdID), (41, o.clOrdID), (39, o.status == "A" ? "A" : o.status),
                (434, replace ? "2" : "1"), (102, reason), (58, Self.reason(e)),
            ])
            table.store(o)
            send(r, to: o.session)
            return
        case .venueReport:
            return
        }
        o.cumulative = Int64(e.cumulativeQuantity.rawValue)
        o.averagePrice = e.averagePrice
        f = [(37, o.fixOrderID), (11, clOrdID)]
        if let orig { f.append((41, orig)) }
        let execType = switch e.kind {
        case .new: "0"
        case .rejected: "8"
        case .fill: "F"
        case .canceled: "4"
        case .replaced: "5"
        default: o.status == "2" ? "F" : "C"
        }
        f += [(17, execID), (150, execType), (39, o.status)]
        if e.kind == .rejected { f.append((103, e.rejectSource == .risk ? "3" : "99")) }
        f += [(1, sessions[o.session]?.accountName ?? "\(e.account.rawValue)"), (55, o.symbol), (54, o.side),
              (38, String(e.kind == .replaced || e.kind == .fill || e.kind == .new ? e.orderQuantity.rawValue : UInt64(o.quantity))),
              (40, "2"), (44, Self.text(e.kind == .rejected ? o.price : e.price))]
        if let t = o.timeInForce { f.append((59, t)) }
        if e.kind == .fill {
            f += [(32, String(e.lastQuantity.rawValue)), (31, Self.text(e.lastPrice)),
                  (30, Int(e.venue.rawValue) < plan.venueNames.count ? plan.venueNames[Int(e.venue.rawValue)] : "\(e.venue.rawValue)")]
        }
        f += [(151, String(e.leavesQuantity.rawValue)), (14, String(e.cumulativeQuantity.rawValue)), (6, Self.text(e.averagePrice)),
              (60, FIXTimestampFormat.string(now))]
        if e.kind == .rejected { f.append((58, Self.reason(e))) }
        table.store(o)
        send(FIXOutgoingMessage(.executionReport, f), to: o.session)
    }

    func send(_ r: FIXOutgoingMessage, to session: FIXSessionID) {
        if clientsOpen {
            clientEngine.send(r, to: session)
            stats.sentToClients += 1
        }
        replicate(r)
    }

    func replicate(_ r: FIXOutgoingMessage) {
        guard let dropCopy, r.msgType == .executionReport else { return }
        dropCopy.replicate(r)
        stats.dropCopies += 1
    }

    /// A venue message the lane applied, as an ExecutionReport for the drop copy.
    func venueReport(_ e: ClientExecutionEvent, lane: Int, execID: String, now: Timestamp<UTC>) {
        guard dropCopy != nil else { return }
        let (execType, status): (String, String)
        switch e.reportKind {
        case .ack: (execType, status) = ("0", "0")
        case .reject: (execType, status) = ("8", "8")
        case .fill: (execType, status) = ("F", e.leavesQuantity.isZero ? "2" : "1")
        case .cancelAck: (execType, status) = ("4", "4")
        case .replaceAck: (execType, status) = ("5", e.cumulativeQuantity.isZero ? "0" : "1")
        case .expire: (execType, status) = ("C", "C")
        case .doneForDay: (execType, status) = ("3", "3")
        case .cancelReject, .replaceReject: return  // not executions: the order is unchanged
        }
        let venue = Int(e.venue.rawValue) < plan.venueNames.count ? plan.venueNames[Int(e.venue.rawValue)] : "\(e.venue.rawValue)"
        var f: [(UInt32, String)] = [
            (37, "\(plan.laneNames[lane])-\(String(e.orderID.rawValue, radix: 16))"), (11, String(e.orderID.rawValue)),
            (17, execID), (150, execType), (39, status), (1, String(e.account.rawValue)),
            (55, symbolOf[e.instrument.rawValue] ?? "\(e.instrument.rawValue)"), (54, e.side == .buy ? "1" : "2"),
            (38, String(e.orderQuantity.rawValue)), (40, "2"), (44, Self.text(e.price)),
        ]
        if e.reportKind == .fill { f += [(32, String(e.lastQuantity.rawValue)), (31, Self.text(e.lastPrice))] }
        f += [(30, venue), (151, String(e.leavesQuantity.rawValue)), (14, String(e.cumulativeQuantity.rawValue)),
              (6, Self.text(e.averagePrice)), (60, FIXTimestampFormat.string(now)),
              (58, "venue report: strategy \(e.strategy.rawValue)" + (e.reportKind == .fill ? " exec \(e.venueExecID)" : ""))]
        replicate(FIXOutgoingMessage(.executionReport, f))
    }

    /// The Text (58) of a refusal: who refused and why.
    static func reason(_ e: ClientExecutionEvent) -> String {
        switch e.rejectSource {
        case .risk: "risk: " + (RiskReject(rawValue: UInt8(truncatingIfNeeded: e.rejectCode)).map { "\($0)" } ?? "reason \(e.rejectCode)")
        case .oms: "oms: " + (OMSReject(rawValue: UInt8(truncatingIfNeeded: e.rejectCode)).map { "\($0)" } ?? "reason \(e.rejectCode)")
        case .lane:
            switch e.rejectCode {
            case ClientExecutionEvent.laneUnknownOrder: "lane: order not working (unknown or already done)"
            case ClientExecutionEvent.laneSessionDown: "lane: the venue's order-entry session is down"
            case ClientExecutionEvent.laneSendFailed: "lane: the venue session could not take the message"
            case ClientExecutionEvent.laneNoRoute: "lane: no venue to route to"
            default: "lane: reason \(e.rejectCode)"
            }
        case .venue: e.kind == .rejected ? "venue rejected the order"
            : "venue refused the request (too late: the order has filled or been canceled, or is about to)"
        case .none: "rejected"
        }
    }

    /// Shortest exact decimal text of a price ("100", "99.5").
    static func text(_ p: Price4) -> String {
        var s = p.description
        guard s.contains(".") else { return s }
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
