#if canImport(Glibc)
import Glibc
#endif
import Logging

/// A SoupBinTCP server over real TCP sockets: one listening socket, any number of client
/// connections, each driven by its own `SoupBinTCPServerSession`, all sharing one sequenced stream.
///
/// Single-threaded and nonblocking: the owner calls `step` in its loop (it waits in `poll` for at
/// most the given timeout). A connection that misbehaves — garbage, a half-sent packet then silence,
/// a wrong password, a flood, or not reading — is closed with its reason logged and recorded in
/// `disconnects`; the other connections carry on, since no read or write ever blocks and every
/// buffer is bounded per connection. Off the lane: it allocates when connections come and go.
public final class SoupBinTCPSocketServer {
    final class Connection {
        let id: Int
        let fd: Int32
        var session: SoupBinTCPServerSession
        var lastWriteProgress: UInt64
        init(id: Int, fd: Int32, session: consuming SoupBinTCPServerSession, now: UInt64) {
            self.id = id; self.fd = fd; self.session = session; lastWriteProgress = now
        }
    }

    public let configuration: SoupBinTCPServerConfiguration
    public let port: UInt16
    let listener: Int32
    /// The session's sequenced stream (every connection replays from it).
    public var store: SoupBinTCPMessageStore
    var connections: [Connection] = []
    var nextID = 1
    let readBuffer: UnsafeMutableRawBufferPointer
    var inbound: [UInt8] = []
    var inboundEnds: [Int] = []
    public var logger: Logger

    /// Called with each Unsequenced Data payload (an OUCH inbound message) and its connection id,
    /// after the packet was processed; it may append to `store`.
    public var onUnsequenced: ((Int, UnsafeRawBufferPointer) -> Void)?
    /// Every connection that ended, with why, in order.
    public private(set) var disconnects: [(connection: Int, reason: SoupBinTCPDisconnectReason)] = []
    /// Every accepted login: connection id and the first sequence number it is sent.
    public private(set) var logins: [(connection: Int, nextSequence: UInt64)] = []

    /// Listens on `host:port` (0: any free port, see `port`) with a stream of at most `maxMessages`
    /// messages and `maxBytes` bytes.
    public init(configuration: SoupBinTCPServerConfiguration, host: String = "127.0.0.1", port: UInt16 = 0,
                maxMessages: Int = 1 << 20, maxBytes: Int = 64 << 20,
                logger: Logger = Logger(label: "vega.soupbintcp.server")) throws(SoupBinTCPSocketError) {
        self.configuration = configuration
        (listener, self.port) = try SoupBinTCPSocket.listen(host: host, port: port)
        store = SoupBinTCPMessageStore(maxMessages: maxMessages, maxBytes: maxBytes)
        readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        self.logger = logger
    }

    deinit {
        for c in connections { close(c.fd) }
        close(listener)
        readBuffer.deallocate()
    }

    /// Ids of the connections still open.
    public var openConnections: [Int] { connections.map(\.id) }

    /// Whether connection `id` is logged in.
    public func isLoggedIn(_ id: Int) -> Bool { connections.first { $0.id == id }?.session.state == .loggedIn }

    /// Appends a sequenced message written in place by `encode` (see `SoupBinTCPMessageStore`); the
    /// next `step` sends it to every logged-in client.
    @discardableResult
    public func appendSequenced(maxLength: Int, _ encode: (UnsafeMutableRawBufferPointer) -> Int) -> UInt64? {
        store.append(maxLength: maxLength, encode)
    }

    /// Ends the session: clients get every message, then End of Session, then are disconnected.
    public func endSession() { store.endSession() }

    /// Accepts, reads, runs the sessions' timers and writes, waiting at most `timeoutMilliseconds`
    /// for something to happen.
    public func step(timeoutMilliseconds: Int32 = 1) {
        var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
        for c in connections {
            fds.append(pollfd(fd: c.fd, events: Int16(POLLIN) | (c.session.outbox.isEmpty ? 0 : Int16(POLLOUT)), revents: 0))
        }
        _ = poll(&fds, nfds_t(fds.count), timeoutMilliseconds)
        var now = soupBinTCPMonotonicNow()
        if fds[0].revents & Int16(POLLIN) != 0 { acceptAll(now: now) }
        for (k, c) in connections.enumerated() where k + 1 < fds.count {
            let revents = fds[k + 1].revents
            if revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 { read(c) }
        }
        now = soupBinTCPMonotonicNow()
        for c in connections {
            c.session.poll(now: now, store: store) { self.event($0, c) }
            flush(c, now: now)
            if !c.session.isClosed && !c.session.outbox.isEmpty && now &- c.lastWriteProgress >= configuration.idleTimeout {
                c.session.terminate(.peerNotReading) { self.event($0, c) }
            }
        }
        connections.removeAll { c in
            guard c.session.isClosed else { return false }
            flush(c, now: now)  // last words (Login Rejected, End of Session), best effort
            shutdown(c.fd, Int32(SHUT_RDWR))
            close(c.fd)
            return true
        }
    }

    func acceptAll(now: UInt64) {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 { return }
            do { try SoupBinTCPSocket.setNonBlocking(fd) } catch {
                logger.error("soupbintcp: accepted socket dropped: \(error)")
                close(fd)
                continue
            }
            SoupBinTCPSocket.setNoDelay(fd)
            let c = Connection(id: nextID, fd: fd, session: SoupBinTCPServerSession(configuration: configuration, now: now), now: now)
            nextID += 1
            connections.append(c)
            logger.debug("soupbintcp: connection \(c.id) accepted")
        }
    }

    func read(_ c: Connection) {
        // Bounded reads per step, so one busy client cannot starve the others.
        for _ in 0..<16 where !c.session.isClosed {
            guard let n = SoupBinTCPSocket.read(c.fd, into: readBuffer) else {
                c.session.terminate(.transportClosed) { self.event($0, c) }
                return
            }
            if n == 0 { return }
            inbound.removeAll(keepingCapacity: true)
            inboundEnds.removeAll(keepingCapacity: true)
            c.session.receive(UnsafeRawBufferPointer(rebasing: readBuffer[0..<n]), now: soupBinTCPMonotonicNow(), store: store) {
                self.event($0, c)
            }
            // Delivered after the session returned, so the handler may append to the store.
            var start = 0
            for end in inboundEnds {
                inbound.withUnsafeBytes { onUnsequenced?(c.id, UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
                start = end
            }
        }
    }

    func flush(_ c: Connection, now: UInt64) {
        while !c.session.outbox.isEmpty {
            guard let n = SoupBinTCPSocket.write(c.fd, c.session.outbox.pending) else {
                c.session.outbox.consume(c.session.outbox.count)
                c.session.terminate(.transportClosed) { self.event($0, c) }
                return
            }
            if n == 0 { return }
            c.session.outbox.consume(n)
            c.lastWriteProgress = now
        }
        c.lastWriteProgress = now
    }

    func event(_ e: SoupBinTCPServerEvent, _ c: Connection) {
        switch e {
        case .loggedIn(let user, let next):
            logins.append((c.id, next))
            logger.info("soupbintcp: connection \(c.id) logged in as \(user), next sequence \(next)")
        case .unsequencedData(let payload):
            inbound.append(contentsOf: payload)
            inboundEnds.append(inbound.count)
        case .debug(let text):
            logger.debug("soupbintcp: connection \(c.id) debug: \(String(decoding: text, as: UTF8.self))")
        case .disconnect(let reason):
            disconnects.append((c.id, reason))
            switch reason {
            case .logout, .endOfSession: logger.info("soupbintcp: connection \(c.id) closed: \(reason)")
            default: logger.warning("soupbintcp: connection \(c.id) closed: \(reason)")
            }
        }
    }
}
