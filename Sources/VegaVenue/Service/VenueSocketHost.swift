import CVegaNet
import Glibc
import Logging
import Synchronization
import VegaCore
import VegaHardware
import VegaMarketData
import VegaOrderEntry

/// Runs one ``VenueNode`` on its own thread over kernel sockets: MoldUDP64 packets to a UDP
/// multicast group, a MoldUDP64 re-request server on UDP, OUCH/SoupBinTCP on a TCP port, and the
/// FIX acceptor sessions of a ``FIXEngine`` (whose SwiftNIO thread hands application messages
/// over through a locked inbox and a wake-up pipe).
///
/// Everything the venue sends (packets, re-request answers, OUCH bytes, FIX replies, the closing
/// of a connection) goes through a ``VenueReleaseQueue`` and leaves at `now + wireLatency`; the
/// thread waits in `poll` at most until the next release (and at most 1 ms, so the background
/// flow stays smooth), so latency never blocks it. Nonblocking sockets throughout; a peer that
/// does not read has its bytes buffered (it is the venue's job to keep answering the others).
///
/// Not thread-safe except where stated: `start`, `requestStop`, `join`, `enqueueFIX`,
/// `statistics` may be called from any thread.
final class VenueSocketHost: @unchecked Sendable {
    enum Output {
        case marketData([UInt8])
        case tcp(Connection, [UInt8])
        case tcpClose(Connection)
        case reRequestAnswer(sockaddr_in, [UInt8])
        case fix(FIXSessionID, FIXOutgoingMessage)
    }

    final class Connection {
        let fd: Int32
        var id: VenueConnectionID?
        var pending: [UInt8] = []
        var pendingHead = 0
        /// The venue ended the connection: close once `pending` is written (or at `closeDeadline`).
        var closing = false
        var closeDeadline: UInt64 = .max
        var closed = false
        init(fd: Int32) { self.fd = fd }
        var hasPending: Bool { pendingHead < pending.count }
    }

    let settings: VenueServiceConfiguration.Venue
    let node: VenueNode
    let latency: UInt64
    let statisticsInterval: UInt64
    let logger: Logger
    private var feed: UDPSocketQueue
    private let reRequestFD: Int32
    private let listenFD: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    let endpointsBase: VenueServiceEndpoints
    private var connections: [Connection] = []
    private var release = VenueReleaseQueue<Output>()
    private var now: UInt64 = 0
    private var counters: VenueServiceStatistics

    // FIX
    let fixEngine: FIXEngine?
    private var gateways: [FIXSessionID: VenueFIXGateway] = [:]
    /// The sessions in a fixed order (iterating `gateways.keys` while updating values would copy the dictionary).
    private var gatewayIDs: [FIXSessionID] = []
    private let inbox = Mutex<[(FIXSessionID, FIXMessage)]>([])
    private let fixLoggedOn = Atomic<Int>(0)

    private let snapshot: Mutex<VenueServiceStatistics>
    private let stopRequested = Atomic<Bool>(false)
    private var thread: pthread_t?
    private var lastStatistics: UInt64 = 0

    /// Makes the node and binds every socket (so a port in use fails here, before anything runs).
    init(_ settings: VenueServiceConfiguration.Venue, statisticsInterval: Double, logger: Logger) throws(VenueServiceError) {
        let name = settings.node.name
        self.settings = settings
        self.latency = settings.wireLatencyNanoseconds
        self.statisticsInterval = UInt64(statisticsInterval * 1e9)
        self.logger = logger
        do {
            node = try VenueNode(configuration: settings.node)
        } catch {
            throw VenueServiceError(venue: name, operation: "configuration", reason: "\(error)")
        }
        // Multicast sender: IP_MULTICAST_IF / SO_BINDTODEVICE on the interface, loop, then the TTL.
        let md = settings.marketData
        let sender: UDPSocketQueue
        do throws(HardwareSetupError) {
            let bind = md.interface == "lo" ? try IPv4Endpoint("127.0.0.1:0") : IPv4Endpoint.any
            sender = try UDPSocketQueue(.init(bind: bind, interface: md.interface, destination: md.group, timestamping: .none,
                                              multicastLoop: md.loop))
        } catch {
            throw VenueServiceError(venue: name, operation: "open the market-data sender to \(md.group)\(md.interface.map { " on \($0)" } ?? "")",
                                    reason: "\(error)")
        }
        var ttl = md.ttl
        guard setsockopt(sender.fd, Int32(IPPROTO_IP), IP_MULTICAST_TTL, &ttl, socklen_t(1)) == 0 else {
            throw VenueServiceError(venue: name, operation: "set IP_MULTICAST_TTL \(md.ttl)", reason: VenueSockets.errorText(errno))
        }
        feed = sender
        var reRequestEndpoint: IPv4Endpoint? = nil
        var ouchEndpoint: IPv4Endpoint? = nil
        var fds: [Int32] = []
        do throws(VenueServiceError) {
            if let r = settings.reRequest {
                let (fd, port) = try VenueSockets.bind(r, tcp: false, what: "MoldUDP64 re-request server", venue: name)
                fds.append(fd)
                reRequestEndpoint = IPv4Endpoint(addressBE: r.address, port: port)
            }
            if let o = settings.ouch {
                let (fd, port) = try VenueSockets.bind(o, tcp: true, what: "OUCH/SoupBinTCP port", venue: name)
                fds.append(fd)
                ouchEndpoint = IPv4Endpoint(addressBE: o.address, port: port)
            }
        } catch {
            for fd in fds { close(fd) }
            throw error
        }
        reRequestFD = settings.reRequest != nil ? fds[0] : -1
        listenFD = settings.ouch != nil ? fds[fds.count - 1] : -1
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0, VenueSockets.setNonBlocking(pipeFDs[0]), VenueSockets.setNonBlocking(pipeFDs[1]) else {
            for fd in fds { close(fd) }
            throw VenueServiceError(venue: name, operation: "create the wake-up pipe", reason: VenueSockets.errorText(errno))
        }
        wakeRead = pipeFDs[0]
        wakeWrite = pipeFDs[1]
        // FIX acceptor sessions: one engine (one NIO thread) per venue; a gateway per session.
        if let fix = settings.fix {
            do {
                fixEngine = try FIXEngine(settings: fix.sessions, logger: Logger(label: "vega.venue.\(name).fix"))
            } catch {
                for fd in fds + [wakeRead, wakeWrite] { close(fd) }
                throw VenueServiceError(venue: name, operation: "open the FIX sessions of \(fix.path)", reason: "\(error)")
            }
            var symbols: [UInt16: String] = [:]
            var ticks: [UInt16: Price4] = [:]
            for i in settings.node.instruments {
                symbols[i.locate] = i.symbol.description
                ticks[i.locate] = Price4(rawValue: i.tick)
            }
            for s in fix.sessions {
                let id = s.configuration.sessionID
                gateways[id] = VenueFIXGateway(firm: fix.firms[id.targetCompID]!, symbols: symbols, ticks: ticks)
            }
            gatewayIDs = gateways.keys.sorted { $0.description < $1.description }
        } else {
            fixEngine = nil
        }
        counters = VenueServiceStatistics(venue: name)
        snapshot = Mutex(VenueServiceStatistics(venue: name))
        endpointsBase = VenueServiceEndpoints(venue: name, marketData: md.group, reRequest: reRequestEndpoint, ouch: ouchEndpoint, fixPorts: [])
        node.marketDataOutput = { [unowned self] bytes in
            self.release.push(.marketData(Array(bytes)), at: self.now &+ self.latency)
        }
        node.eventObserver = { [unowned self] event, _ in
            guard !self.gatewayIDs.isEmpty else { return }
            let utc = Timestamp<UTC>.now()
            for id in self.gatewayIDs {
                for reply in self.gateways[id]!.replies(to: event, now: utc) {
                    self.release.push(.fix(id, reply), at: self.now &+ self.latency)
                }
            }
        }
    }

    deinit {
        for c in connections where !c.closed { close(c.fd) }
        if reRequestFD >= 0 { close(reRequestFD) }
        if listenFD >= 0 { close(listenFD) }
        close(wakeRead)
        close(wakeWrite)
    }

    // MARK: Any thread

    /// A FIX application message from the engine's thread, for the venue thread.
    func enqueueFIX(_ id: FIXSessionID, _ message: FIXMessage) {
        inbox.withLock { $0.append((id, message)) }
        var one: UInt8 = 1
        _ = Glibc.write(wakeWrite, &one, 1)
    }

    /// How many FIX sessions are logged on (the service counts them from the engine's events).
    func setFIXSessionsLoggedOn(_ n: Int) {
        fixLoggedOn.store(n, ordering: .relaxed)
    }

    /// The latest statistics (updated by the venue thread every turn).
    var statistics: VenueServiceStatistics { snapshot.withLock { $0 } }

    /// Opens the venue (start of day) and starts its thread.
    func start() -> Bool {
        now = Timestamp<Monotonic>.now().nanoseconds
        lastStatistics = now
        node.open(now: now)
        releaseDue()
        let box = Unmanaged.passRetained(self)
        var t = pthread_t()
        let rc = pthread_create(&t, nil, { raw in
            let host = Unmanaged<VenueSocketHost>.fromOpaque(raw!).takeRetainedValue()
            host.run()
            return nil
        }, box.toOpaque())
        if rc != 0 {
            box.release()
            logger.error("venue \(settings.node.name): cannot start the venue thread (pthread_create: \(rc))")
            return false
        }
        thread = t
        return true
    }

    /// Asks the thread to end the session (end of day, end-of-session packets, End of Session)
    /// and waits until it has sent everything (latency included) and closed its sockets.
    func stopAndJoin() -> VenueServiceStatistics {
        if let t = thread {
            stopRequested.store(true, ordering: .releasing)
            var one: UInt8 = 1
            _ = Glibc.write(wakeWrite, &one, 1)
            pthread_join(t, nil)
            thread = nil
        }
        return statistics
    }

    // MARK: The venue thread

    private func run() {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buffer.deallocate() }
        while !stopRequested.load(ordering: .acquiring) {
            turn(buffer, maxWait: 1_000_000)
        }
        shutDown(buffer)
    }

    /// One loop turn: wait for input or the next release, accept, read, answer re-requests, take
    /// FIX messages, step the node, send what is due.
    private func turn(_ buffer: UnsafeMutableRawBufferPointer, maxWait: UInt64) {
        now = Timestamp<Monotonic>.now().nanoseconds
        var fds: [pollfd] = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        if listenFD >= 0 { fds.append(pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)) }
        if reRequestFD >= 0 { fds.append(pollfd(fd: reRequestFD, events: Int16(POLLIN), revents: 0)) }
        let firstConnection = fds.count
        for c in connections {
            fds.append(pollfd(fd: c.fd, events: Int16(POLLIN) | (c.hasPending ? Int16(POLLOUT) : 0), revents: 0))
        }
        Self.wait(&fds, nanoseconds: waitTime(maxWait))
        now = Timestamp<Monotonic>.now().nanoseconds

        if fds[0].revents != 0 {
            var sink = [UInt8](repeating: 0, count: 64)
            while Glibc.read(wakeRead, &sink, sink.count) > 0 {}
        }
        var k = 1
        if listenFD >= 0 {
            if fds[k].revents & Int16(POLLIN) != 0 { acceptAll() }
            k += 1
        }
        if reRequestFD >= 0 {
            if fds[k].revents & Int16(POLLIN) != 0 { serveReRequests(buffer) }
            k += 1
        }
        let polled = connections
        for (i, c) in polled.enumerated() where firstConnection + i < fds.count {
            let revents = fds[firstConnection + i].revents
            if revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 { read(c, buffer) }
            if revents & Int16(POLLOUT) != 0 { flush(c) }
        }
        takeFIX()
        node.step(now: now)
        releaseDue()
        connections.removeAll { $0.closed }
        publishStatistics()
    }

    /// How long a turn may wait: until the next release, at most `maxWait`.
    private func waitTime(_ maxWait: UInt64) -> UInt64 {
        guard let next = release.nextRelease else { return maxWait }
        return next > now ? min(maxWait, next - now) : 0
    }

    /// Waits for `fds` up to `nanoseconds`. `poll` counts in milliseconds: a shorter wait (a
    /// release due in 120 µs) polls without waiting and then sleeps at most 20 µs, so the loop
    /// comes back in time without spinning a core flat out.
    static func wait(_ fds: inout [pollfd], nanoseconds: UInt64) {
        if nanoseconds >= 1_000_000 {
            _ = poll(&fds, nfds_t(fds.count), Int32(min(nanoseconds / 1_000_000, 1_000)))
            return
        }
        let ready = poll(&fds, nfds_t(fds.count), 0)
        if ready == 0 && nanoseconds > 0 {
            var ts = timespec(tv_sec: 0, tv_nsec: Int(min(nanoseconds, 20_000)))
            nanosleep(&ts, nil)
        }
    }

    private func acceptAll() {
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 { return }
            guard VenueSockets.setNonBlocking(fd) else {
                logger.error("venue \(settings.node.name): accepted OUCH connection dropped: cannot make it nonblocking: \(VenueSockets.errorText(errno))")
                close(fd)
                continue
            }
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let c = Connection(fd: fd)
            c.id = node.connect(send: { [unowned self, c] bytes in
                self.release.push(.tcp(c, Array(bytes)), at: self.now &+ self.latency)
            }, closed: { [unowned self, c] _ in
                self.release.push(.tcpClose(c), at: self.now &+ self.latency)
            })
            connections.append(c)
        }
    }

    private func read(_ c: Connection, _ buffer: UnsafeMutableRawBufferPointer) {
        // Bounded reads per turn, so one busy firm cannot starve the others.
        for _ in 0..<16 where !c.closed {
            guard let n = VenueSockets.read(c.fd, into: buffer) else {
                // The firm closed (or the connection broke): the session ends.
                if let id = c.id, !c.closing { node.disconnect(id) }
                closeConnection(c)
                return
            }
            if n == 0 { return }
            counters.tcpBytesIn += UInt64(n)
            if let id = c.id, !c.closing { node.receive(UnsafeRawBufferPointer(rebasing: buffer[0..<n]), on: id, now: now) }
        }
    }

    private func flush(_ c: Connection) {
        while c.hasPending && !c.closed {
            let written = c.pending.withUnsafeBytes { VenueSockets.write(c.fd, UnsafeRawBufferPointer(rebasing: $0[c.pendingHead...])) }
            guard let n = written else {
                if let id = c.id, !c.closing { node.disconnect(id) }
                closeConnection(c)
                return
            }
            if n == 0 { break }
            c.pendingHead += n
            counters.tcpBytesOut += UInt64(n)
        }
        if !c.hasPending {
            c.pending.removeAll(keepingCapacity: true)
            c.pendingHead = 0
            if c.closing { closeConnection(c) }
        } else if c.closing && now >= c.closeDeadline {
            closeConnection(c)
        }
    }

    private func closeConnection(_ c: Connection) {
        guard !c.closed else { return }
        c.closed = true
        shutdown(c.fd, Int32(SHUT_RDWR))
        close(c.fd)
    }

    private func serveReRequests(_ buffer: UnsafeMutableRawBufferPointer) {
        while true {
            var from = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let n = withUnsafeMutablePointer(to: &from) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(reRequestFD, buffer.baseAddress, buffer.count, 0, $0, &length) }
            }
            guard n >= 0 else { return }
            node.answerRequest(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) { reply in
                release.push(.reRequestAnswer(from, Array(reply)), at: now &+ latency)
            }
        }
    }

    private func takeFIX() {
        let messages = inbox.withLock { box -> [(FIXSessionID, FIXMessage)] in
            defer { box.removeAll(keepingCapacity: true) }
            return box
        }
        for (id, message) in messages {
            guard gateways[id] != nil else {
                logger.warning("venue \(settings.node.name): FIX message for session \(id), which has no gateway; dropped")
                continue
            }
            counters.fixMessagesIn += 1
            var direct: [FIXOutgoingMessage] = []
            node.apply(now: now) { engine, events in
                direct = gateways[id]!.handle(message, engine: &engine, events: &events, now: Timestamp<UTC>.now())
                // Replies the gateway decided itself go out before the engine's (apply routes events after this).
                for reply in direct { release.push(.fix(id, reply), at: now &+ latency) }
            }
        }
    }

    /// Sends every output whose release time has come.
    private func releaseDue() {
        while let item = release.popDue(now: now) {
            switch item {
            case .marketData(let bytes):
                bytes.withUnsafeBytes { raw in
                    do throws(HardwareError) {
                        _ = try feed.transmit(raw)
                    } catch {
                        counters.marketDataSendErrors += 1
                        // The first failures and then one in a thousand: a dead route must not flood the log.
                        if counters.marketDataSendErrors <= 5 || counters.marketDataSendErrors % 1_000 == 0 {
                            logger.warning("venue \(settings.node.name): MoldUDP64 packet not sent to \(settings.marketData.group): \(error) (\(counters.marketDataSendErrors) so far)")
                        }
                    }
                }
            case .tcp(let c, let bytes):
                guard !c.closed else { continue }
                c.pending += bytes
                flush(c)
            case .tcpClose(let c):
                guard !c.closed else { continue }
                c.closing = true
                c.closeDeadline = now &+ 1_000_000_000
                flush(c)
            case .reRequestAnswer(var to, let bytes):
                _ = bytes.withUnsafeBytes { raw in
                    withUnsafePointer(to: &to) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            sendto(reRequestFD, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                        }
                    }
                }
            case .fix(let id, let message):
                counters.fixMessagesOut += 1
                fixEngine?.send(message, to: id)
            }
        }
    }

    private func publishStatistics() {
        var s = counters
        s.node = node.statistics
        s.tcpConnectionsOpen = connections.reduce(0) { $0 + ($1.closed ? 0 : 1) }
        s.fixSessionsLoggedOn = fixLoggedOn.load(ordering: .relaxed)
        s.queued = release.count
        snapshot.withLock { $0 = s }
        if statisticsInterval > 0 && now &- lastStatistics >= statisticsInterval {
            lastStatistics = now
            logger.info("\(s)")
        }
    }

    /// End of the session: the node's close (end-of-day cancels, end-of-day system events,
    /// MoldUDP64 end of session, SoupBinTCP End of Session), then everything still held by the
    /// latency or unwritten is sent (for at most latency + 2 s), then the sockets close.
    private func shutDown(_ buffer: UnsafeMutableRawBufferPointer) {
        now = Timestamp<Monotonic>.now().nanoseconds
        takeFIX()
        node.close(now: now)
        let deadline = now &+ latency &+ 2_000_000_000
        while now < deadline {
            let busy = !release.isEmpty || connections.contains { !$0.closed && $0.hasPending }
            if !busy { break }
            turnWhileClosing(buffer)
        }
        for c in connections { closeConnection(c) }
        connections.removeAll()
        publishStatistics()
        logger.info("venue \(settings.node.name) stopped: \(statistics)")
    }

    /// A turn after the close: send what is due, write what is pending, read (and drop) input.
    private func turnWhileClosing(_ buffer: UnsafeMutableRawBufferPointer) {
        // Only writability: input after the close is not read (the session is over).
        var fds = connections.filter { !$0.closed && $0.hasPending }.map { pollfd(fd: $0.fd, events: Int16(POLLOUT), revents: 0) }
        Self.wait(&fds, nanoseconds: waitTime(1_000_000))
        now = Timestamp<Monotonic>.now().nanoseconds
        releaseDue()
        for c in connections where !c.closed && c.hasPending { flush(c) }
    }
}
