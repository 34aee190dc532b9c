import Logging
import VegaCore
import VegaMarketData
import VegaOrderEntry

/// One simulated venue, transport-agnostic and single-threaded: matching engine, ITCH publisher,
/// MoldUDP64 feed with re-request store, background flow, one SoupBinTCP+OUCH server session per
/// connected firm. Bytes in, bytes out through closures; `now` is passed in (monotonic ns).
///
/// The transport (``VenueSimHost``, the socket service, a test) owns the I/O and the thread:
/// - market data: every MoldUDP64 packet (data, heartbeat, end of session) goes to
///   ``marketDataOutput`` as it is sent; re-request datagrams come in through
///   ``answerRequest(_:reply:)``;
/// - order entry: ``connect(send:closed:)`` for each accepted TCP connection, then its bytes
///   through ``receive(_:on:now:)``; what the venue sends on it goes to `send` (the transport
///   must take all of it: it buffers what the socket does not accept at once);
/// - time: ``step(now:)`` often (every loop turn, at least every millisecond for the configured
///   flow rate to be smooth); ``open(now:)`` first and ``close(now:)`` at the end.
///
/// Each firm has its own sequenced SoupBinTCP stream (its OUCH replies for the day), kept in a
/// fixed-size store, so a firm that reconnects and logs in with the next sequence number it
/// expects gets what it missed. Several connections of one firm all see its stream.
///
/// Not thread-safe; closures are called synchronously from the calling thread and must not call
/// back into the node. Off the lane: it allocates (event arrays, maps, copies of inbound OUCH
/// messages) and logs. Errors in the input (malformed OUCH, bad logins, bad re-requests) are
/// answered the way the protocol says, counted in ``statistics`` and logged; they never trap.
public final class VenueNode {
    public let configuration: VenueNodeConfiguration
    /// Where MoldUDP64 packets go (UDP multicast, a frame ring, a test's array). Set it before
    /// ``open(now:)``; called synchronously, the bytes valid during the call.
    public var marketDataOutput: (UnsafeRawBufferPointer) -> Void {
        get { output.send }
        set { output.send = newValue }
    }

    /// Called for every matching-engine event after it is published and routed to the OUCH
    /// ports, with the `now` it happened at: lets a FIX acceptor built on the node answer its
    /// own orders (see ``apply(now:_:)``).
    public var eventObserver: ((VenueEvent, UInt64) -> Void)?

    /// The `now` passed to ``open(now:)``; `nil` before.
    public private(set) var openedAt: UInt64?
    public private(set) var isClosed = false

    final class Output {
        var send: (UnsafeRawBufferPointer) -> Void = { _ in }
        var lastSentAt: UInt64 = 0
        var now: UInt64 = 0
    }

    final class FirmPort {
        let index: Int
        let firm: UInt32
        let username: String
        var gateway: VenueOUCHGateway
        var store: SoupBinTCPMessageStore
        var hasNewReplies = false

        init(index: Int, firm: VenueNodeConfiguration.Firm, symbols: [UInt16: Symbol], maxMessages: Int, maxBytes: Int) {
            self.index = index
            self.firm = firm.firm
            username = firm.username
            gateway = VenueOUCHGateway(firm: firm.firm, symbols: symbols)
            store = SoupBinTCPMessageStore(maxMessages: maxMessages, maxBytes: maxBytes)
        }
    }

    final class Connection {
        let id: VenueConnectionID
        var session: SoupBinTCPServerSession
        let send: (UnsafeRawBufferPointer) -> Void
        let closed: (SoupBinTCPDisconnectReason) -> Void
        /// The firm, once its Login Request was seen (the store the session serves from).
        var port: Int?
        /// Bytes before the Login Request is complete (the username picks the firm's store).
        var preLogin: [UInt8] = []
        /// OUCH messages received during one `session.receive`, applied after it returns.
        var inbound: [[UInt8]] = []
        var loggedIn = false
        /// Its login is in `statistics`.
        var counted = false
        var disconnect: SoupBinTCPDisconnectReason?

        init(id: VenueConnectionID, session: consuming SoupBinTCPServerSession,
             send: @escaping (UnsafeRawBufferPointer) -> Void, closed: @escaping (SoupBinTCPDisconnectReason) -> Void) {
            self.id = id
            self.session = session
            self.send = send
            self.closed = closed
        }
    }

    private var engine: MatchingEngine
    private let feed: VenueMoldFeed
    private let publisher: VenueITCHPublisher<VenueMoldFeed>
    private let output: Output
    private var flow: VenueBackgroundFlow?
    private var flowDone: UInt64 = 0
    private let ports: [FirmPort]
    private let portByFirm: [UInt32: Int]
    private let serverConfiguration: SoupBinTCPServerConfiguration
    /// Serves logins whose username names no firm (they are refused; nothing is ever stored).
    private let noStore = SoupBinTCPMessageStore(maxMessages: 1, maxBytes: 1)
    private var connections: [VenueConnectionID: Connection] = [:]
    private var nextConnection: UInt64 = 1
    private var events: [VenueEvent] = []
    private var counters = VenueNodeStatistics()
    private let logger: Logger

    /// Builds the venue: lists the instruments, allocates the feed's packet buffers and
    /// re-request store (`retainedMessages`) and each firm's reply store. Nothing is sent before
    /// ``open(now:)``.
    /// - Throws: `.invalidConfiguration` naming the first bad field (see
    ///   ``VenueNodeConfiguration/validate()``).
    public init(configuration: VenueNodeConfiguration,
                marketData: @escaping (UnsafeRawBufferPointer) -> Void = { _ in }) throws(VenueNodeError) {
        try configuration.validate()
        self.configuration = configuration
        logger = Logger(label: "vega.venue.\(configuration.name)")
        var symbols: [UInt16: Symbol] = [:]
        engine = MatchingEngine()
        for i in configuration.instruments {
            engine.addInstrument(i.locate)
            symbols[i.locate] = i.symbol
        }
        let output = Output()
        output.send = marketData
        self.output = output
        feed = VenueMoldFeed(session: MoldUDP64SessionID(configuration.marketDataSession)!,
                             maximumPacket: configuration.maximumPacketSize, retained: configuration.retainedMessages) { bytes in
            output.lastSentAt = output.now
            output.send(bytes)
        }
        publisher = VenueITCHPublisher(sink: feed, symbols: symbols)
        if let f = configuration.backgroundFlow {
            var c = VenueBackgroundFlow.Configuration(seed: f.seed)
            c.firstFirm = f.firstFirm
            c.participants = f.participants
            c.maxRestingPerInstrument = f.maxRestingPerInstrument
            c.depthTicks = f.depthTicks
            c.maxOrderSize = f.maxOrderSize
            for i in configuration.instruments {
                c.startPrices[i.locate] = i.referencePrice
                c.ticks[i.locate] = i.tick
                c.referenceKeys[i.locate] = i.symbol.raw
            }
            c.reference = f.reference
            flow = VenueBackgroundFlow(configuration: c, locates: configuration.instruments.map(\.locate))
        }
        var ports: [FirmPort] = []
        var byFirm: [UInt32: Int] = [:]
        for (i, firm) in configuration.firms.enumerated() {
            ports.append(FirmPort(index: i, firm: firm, symbols: symbols,
                                  maxMessages: configuration.repliesPerFirm, maxBytes: configuration.replyBytesPerFirm))
            byFirm[firm.firm] = i
        }
        self.ports = ports
        portByFirm = byFirm
        // validate() checked every field SoupBinTCPServerConfiguration needs.
        var server = SoupBinTCPServerConfiguration(session: configuration.orderEntrySession, username: "X", password: "")!
        server.credentials = configuration.firms.map {
            (SoupBinTCPCredential($0.username, width: 6)!, SoupBinTCPCredential($0.password, width: 10)!)
        }
        server.heartbeatInterval = configuration.orderEntryHeartbeatInterval
        server.idleTimeout = configuration.orderEntryIdleTimeout
        server.loginTimeout = configuration.orderEntryLoginTimeout
        serverConfiguration = server
        events.reserveCapacity(64)
    }

    // MARK: Time

    /// The ITCH/OUCH timestamp (ns since midnight) of monotonic `now`:
    /// `timeOfDayAtOpen + (now − openedAt)`, modulo a day. Before ``open(now:)``, `timeOfDayAtOpen`.
    public func timeOfDay(_ now: UInt64) -> UInt64 {
        let elapsed = openedAt.map { now >= $0 ? now - $0 : 0 } ?? 0
        return (configuration.timeOfDayAtOpen &+ elapsed) % 86_400_000_000_000
    }

    /// Starts the day: system events, stock directory, trading actions (published).
    public func open(now: UInt64) {
        guard openedAt == nil else { return }
        openedAt = now
        output.now = now
        output.lastSentAt = now
        let time = Timestamp<SinceMidnight>(nanoseconds: timeOfDay(now))
        do throws(ITCHGeneratorError) {
            try publisher.startOfDay(at: time)
        } catch {
            publishFailed(error)
        }
        feed.flush()
        logger.info("venue \(configuration.name) open: \(configuration.instruments.count) instruments, \(ports.count) firms")
    }

    /// Background flow due by `now` at the configured rate, MoldUDP64 heartbeats when idle,
    /// SoupBinTCP heartbeats/timeouts; publishes and flushes.
    public func step(now: UInt64) {
        guard let openedAt, !isClosed else { return }
        output.now = now
        if flow != nil, let rate = configuration.backgroundFlow?.messagesPerSecond, rate > 0 {
            let elapsed = Double(now >= openedAt ? now - openedAt : 0)
            let due = UInt64(elapsed * rate / 1e9)
            var budget = configuration.backgroundFlow!.maxActionsPerStep
            while flowDone < due && budget > 0 {
                flowDone += 1
                budget -= 1
                // Each action happens when it was due, so a run's bytes depend on the seed and
                // the step times only through packet boundaries.
                let at = openedAt + UInt64(Double(flowDone) * 1e9 / rate)
                flow!.step(&engine, into: &events, at: at)
                counters.backgroundActions += 1
                route(now: min(at, now))
            }
        }
        feed.flush()
        for c in Array(connections.values) { poll(c, now: now) }
        if now &- output.lastSentAt >= configuration.marketDataHeartbeatInterval {
            feed.heartbeat()
        }
    }

    /// End of day: cancels, end-of-day system events, MoldUDP64 end of session; every firm's
    /// stream ends (SoupBinTCP End of Session once a connection has it all).
    public func close(now: UInt64) {
        guard openedAt != nil, !isClosed else { return }
        output.now = now
        engine.endOfDay(into: &events)
        route(now: now)
        do throws(ITCHGeneratorError) {
            try publisher.endOfDay(at: Timestamp(nanoseconds: timeOfDay(now)))
            try publisher.finish()
        } catch {
            publishFailed(error)
        }
        isClosed = true
        for port in ports { port.store.endSession() }
        for c in Array(connections.values) { poll(c, now: now) }
        logger.info("venue \(configuration.name) closed: \(statistics)")
    }

    // MARK: Order entry

    /// A firm connection: returns an ID; bytes the venue sends on it go to `send`; `closed` is
    /// called once when the venue ends the connection (login refused, logout, timeout, protocol
    /// violation, end of session), after the last bytes went to `send`: the transport then
    /// closes the socket. Not called for ``disconnect(_:)``. The connection's login timer starts
    /// at the latest `now` the node was given (connect after ``open(now:)``).
    public func connect(send: @escaping (UnsafeRawBufferPointer) -> Void,
                        closed: @escaping (SoupBinTCPDisconnectReason) -> Void = { _ in }) -> VenueConnectionID {
        let id = VenueConnectionID(rawValue: nextConnection)
        nextConnection += 1
        let session = SoupBinTCPServerSession(configuration: serverConfiguration, now: output.now)
        connections[id] = Connection(id: id, session: session, send: send, closed: closed)
        counters.connections += 1
        return id
    }

    /// Bytes from that connection (SoupBinTCP stream: login with username/password checked against
    /// the configured firms, then OUCH 5.0 in unsequenced data; replies are sequenced data).
    /// Any split of the stream into calls is fine.
    public func receive(_ bytes: UnsafeRawBufferPointer, on id: VenueConnectionID, now: UInt64) {
        guard let c = connections[id] else {
            counters.bytesForUnknownConnection += UInt64(bytes.count)
            return
        }
        output.now = now
        if c.port == nil && !c.loggedIn {
            receiveBeforeLogin(bytes, c, now: now)
        } else {
            deliver(bytes, to: c, now: now)
        }
        applyInbound(c, now: now)
        finish(c)
    }

    /// Before login the stream is fed one whole packet at a time, so the Login Request's username
    /// can choose the firm's store before the session reads it.
    private func receiveBeforeLogin(_ bytes: UnsafeRawBufferPointer, _ c: Connection, now: UInt64) {
        c.preLogin.append(contentsOf: bytes)
        var offset = 0
        while !c.loggedIn && !c.session.isClosed && c.preLogin.count - offset >= 2 {
            let length = Int(c.preLogin[offset]) << 8 | Int(c.preLogin[offset + 1])
            if length == 0 || length > serverConfiguration.maxInboundPacketLength {
                // Broken framing: let the session say so (it closes with the violation).
                c.preLogin[offset...].withUnsafeBytes { deliver($0, to: c, now: now) }
                offset = c.preLogin.count
                break
            }
            guard c.preLogin.count - offset >= 2 + length else { break }
            if c.port == nil, length == 1 + SoupBinTCPPacketType.loginRequestPayload,
               c.preLogin[offset + 2] == SoupBinTCPPacketType.loginRequest.byte {
                let user = c.preLogin.withUnsafeBytes { SoupBinTCPCredential(wire: $0.baseAddress! + offset + 3, width: 6) }
                c.port = ports.firstIndex { SoupBinTCPCredential($0.username, width: 6) == user }
            }
            c.preLogin[offset..<(offset + 2 + length)].withUnsafeBytes { deliver($0, to: c, now: now) }
            offset += 2 + length
        }
        let rest = Array(c.preLogin[offset...])
        c.preLogin = []
        if c.loggedIn && !rest.isEmpty {
            rest.withUnsafeBytes { deliver($0, to: c, now: now) }
        } else if !c.session.isClosed {
            c.preLogin = rest
        }
    }

    private func deliver(_ bytes: UnsafeRawBufferPointer, to c: Connection, now: UInt64) {
        let handler: (SoupBinTCPServerEvent) -> Void = { event in
            switch event {
            case .loggedIn: c.loggedIn = true
            case .unsequencedData(let payload): c.inbound.append(Array(payload))
            case .debug: break
            case .disconnect(let reason): c.disconnect = reason
            }
        }
        if let p = c.port {
            c.session.receive(bytes, now: now, store: ports[p].store, handler)
        } else {
            c.session.receive(bytes, now: now, store: noStore, handler)
        }
        if c.loggedIn && !c.counted, let p = c.port {
            c.counted = true
            counters.logins += 1
            logger.info("venue \(configuration.name): \(ports[p].username) logged in on \(c.id), next sequence \(c.session.nextSequence)")
        }
    }

    private func applyInbound(_ c: Connection, now: UInt64) {
        guard !c.inbound.isEmpty else { return }
        let messages = c.inbound
        c.inbound = []
        guard let p = c.port else { return }
        let port = ports[p]
        for m in messages {
            counters.ouchMessages += 1
            let error = m.withUnsafeBytes { port.gateway.handle($0, engine: &engine, events: &events) }
            if let error {
                counters.ouchMalformed += 1
                logger.warning("venue \(configuration.name): malformed OUCH from \(port.username) on \(c.id): \(error)")
            }
            route(now: now)
        }
        feed.flush()
        pumpFirms(now: now)
    }

    /// Bytes from a connection the transport lost (or closed on its own): the session ends.
    public func disconnect(_ id: VenueConnectionID) {
        guard let c = connections.removeValue(forKey: id) else { return }
        c.session.terminate(.transportClosed) { _ in }
        counters.disconnects += 1
    }

    /// Sends what `c`'s session queued, and ends `c` if its session closed.
    private func finish(_ c: Connection) {
        let n = c.session.outbox.count
        if n > 0 {
            c.send(c.session.outbox.pending)
            c.session.outbox.consume(n)
        }
        if c.session.isClosed, connections.removeValue(forKey: c.id) != nil {
            let reason = c.disconnect ?? c.session.closeReason ?? .transportClosed
            if case .loginRejected = reason { counters.loginsRejected += 1 }
            counters.disconnects += 1
            logger.info("venue \(configuration.name): \(c.id) ended: \(reason)")
            c.closed(reason)
        }
    }

    private func poll(_ c: Connection, now: UInt64) {
        let handler: (SoupBinTCPServerEvent) -> Void = { event in
            if case .disconnect(let reason) = event { c.disconnect = reason }
        }
        if let p = c.port {
            c.session.poll(now: now, store: ports[p].store, handler)
        } else {
            c.session.poll(now: now, store: noStore, handler)
        }
        finish(c)
    }

    /// Moves new replies to every logged-in connection of the firms that got some.
    private func pumpFirms(now: UInt64) {
        for port in ports where port.hasNewReplies {
            port.hasNewReplies = false
            for c in Array(connections.values) where c.port == port.index && c.loggedIn { poll(c, now: now) }
        }
    }

    // MARK: Other order sources

    /// Runs `body` against the matching engine at `now` (a FIX acceptor's orders, a test's
    /// scripted flow, a halt); the events it appends are published, routed to the OUCH ports and
    /// observed like any other, and the feed is flushed.
    public func apply(now: UInt64, _ body: (inout MatchingEngine, inout [VenueEvent]) -> Void) {
        output.now = now
        body(&engine, &events)
        route(now: now)
        feed.flush()
        pumpFirms(now: now)
    }

    /// The matching engine, to read (books, resting orders).
    public var matchingEngine: MatchingEngine { engine }

    // MARK: Market data

    /// A MoldUDP64 re-request datagram; the answer (if any) to `reply`. Requests for another
    /// session, malformed ones and ones for messages not (or no longer) held get no answer
    /// (counted in `reRequestsRefused`).
    public func answerRequest(_ datagram: UnsafeRawBufferPointer, reply: (UnsafeRawBufferPointer) -> Void) {
        counters.reRequests += 1
        switch feed.answer(request: datagram, reply: reply) {
        case .packet: counters.reRequestsAnswered += 1
        case .rejected(let why):
            counters.reRequestsRefused += 1
            logger.debug("venue \(configuration.name): re-request refused: \(why)")
        }
    }

    // MARK: Routing

    /// Publishes `events` (ITCH into the feed's packet), turns each into the OUCH replies of the
    /// firms it concerns, and tells the observer; then empties `events`.
    private func route(now: UInt64) {
        guard !events.isEmpty else { return }
        let tod = timeOfDay(now)
        let time = Timestamp<SinceMidnight>(nanoseconds: tod)
        for event in events {
            do throws(ITCHGeneratorError) {
                try publisher.publish(event, at: time)
            } catch {
                publishFailed(error)
            }
            forEachFirm(of: event) { firm in
                guard let p = portByFirm[firm] else { return }
                let port = ports[p]
                port.gateway.replies(to: event, at: time) { bytes in
                    if port.store.append(bytes) != nil {
                        counters.ouchReplies += 1
                        port.hasNewReplies = true
                    } else {
                        counters.ouchRepliesDropped += 1
                        logger.error("venue \(configuration.name): reply store of \(port.username) is full (\(configuration.repliesPerFirm) messages / \(configuration.replyBytesPerFirm) bytes); reply lost")
                    }
                }
            }
            eventObserver?(event, now)
        }
        events.removeAll(keepingCapacity: true)
    }

    /// The firms an event concerns (each once).
    private func forEachFirm(of event: VenueEvent, _ body: (UInt32) -> Void) {
        switch event {
        case .accepted(_, let request): body(request.firm)
        case .rejected(_, let firm, _, _): body(firm)
        case .rested, .tradingStatus: return
        case .executed(_, _, _, _, let resting, let aggressor):
            body(resting.firm)
            if aggressor.firm != resting.firm { body(aggressor.firm) }
        case .canceled(_, _, let firm, _, _, _, _, _, _): body(firm)
        case .replaced(_, _, _, _, let firm, _, _, _, _, _, _): body(firm)
        }
    }

    private func publishFailed(_ error: ITCHGeneratorError) {
        counters.publishErrors += 1
        logger.error("venue \(configuration.name): ITCH publication failed: \(error)")
    }

    // MARK: Statistics

    /// Orders, executions, shares, messages, packets, re-requests, logins, rejects… so far.
    public var statistics: VenueNodeStatistics {
        var s = counters
        s.ordersAccepted = engine.accepted
        s.ordersRejected = engine.rejected
        s.executions = engine.executions
        s.executedShares = engine.executedQuantity
        s.restingOrders = engine.restingOrderCount
        s.itchMessages = publisher.messagesPublished
        s.marketDataPackets = feed.packetsSent
        s.marketDataHeartbeats = feed.heartbeatsSent
        return s
    }

    /// The MoldUDP64 sequence number the next ITCH message will carry.
    public var nextMarketDataSequence: UInt64 { feed.nextSequence }

    /// Sequenced messages (OUCH replies) in `username`'s stream so far; `nil` for an unknown firm.
    public func replyCount(firm username: String) -> UInt64? {
        ports.first { $0.username.uppercased() == username.uppercased() }.map { $0.store.count }
    }
}
