#if canImport(Glibc)
import Glibc
#endif
import Logging

/// A SoupBinTCP client over a real TCP socket, driven by a `SoupBinTCPClientSession`.
///
/// Single-threaded and nonblocking: the owner calls `step` in its loop. With a checkpoint file, the
/// session and next expected sequence number are saved after every delivered Sequenced Data, so a
/// new client made from the same file after a disconnect (or a restart) rejoins where this one
/// stopped, with nothing lost and nothing delivered twice. Handlers must not call back into the
/// client; queue sends for after `step` returns.
public final class SoupBinTCPSocketClient {
    let fd: Int32
    var session: SoupBinTCPClientSession
    let checkpointFile: SoupBinTCPCheckpointFile?
    let readBuffer: UnsafeMutableRawBufferPointer
    var socketOpen = true
    public var logger: Logger

    /// Each Sequenced Data, in order, exactly once across reconnects sharing a checkpoint file.
    public var onSequenced: ((UInt64, UnsafeRawBufferPointer) -> Void)?
    /// Each Unsequenced Data.
    public var onUnsequenced: ((UnsafeRawBufferPointer) -> Void)?
    /// Session and first sequence number from Login Accepted.
    public private(set) var accepted: (session: SoupBinTCPSessionID, sequenceNumber: UInt64)?
    public private(set) var endOfSession = false
    /// Why the connection ended, once it has.
    public private(set) var disconnectReason: SoupBinTCPDisconnectReason?

    /// Connects to `host:port` and logs in from `checkpoint`, or from the checkpoint file's record
    /// (or the start of the current session when the file has none).
    public init(configuration: SoupBinTCPClientConfiguration, host: String = "127.0.0.1", port: UInt16,
                checkpoint: SoupBinTCPCheckpoint? = nil, checkpointFile: SoupBinTCPCheckpointFile? = nil,
                logger: Logger = Logger(label: "vega.soupbintcp.client")) throws(SoupBinTCPSocketError) {
        fd = try SoupBinTCPSocket.connect(host: host, port: port)
        self.checkpointFile = checkpointFile
        let start = checkpoint ?? checkpointFile?.load() ?? .start
        session = SoupBinTCPClientSession(configuration: configuration, checkpoint: start, now: soupBinTCPMonotonicNow())
        readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        self.logger = logger
    }

    deinit {
        if socketOpen { close(fd) }
        readBuffer.deallocate()
    }

    public var isLoggedIn: Bool { session.state == .loggedIn }
    public var isClosed: Bool { session.isClosed }
    /// Session and next expected sequence number.
    public var checkpoint: SoupBinTCPCheckpoint { session.checkpoint }
    public var duplicatesDropped: UInt64 { session.duplicatesDropped }

    /// Reads, runs the session's timers and writes, waiting at most `timeoutMilliseconds`.
    public func step(timeoutMilliseconds: Int32 = 1) {
        guard socketOpen else { return }
        var p = pollfd(fd: fd, events: Int16(POLLIN) | (session.outbox.isEmpty ? 0 : Int16(POLLOUT)), revents: 0)
        _ = poll(&p, 1, timeoutMilliseconds)
        if p.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
            for _ in 0..<16 where !session.isClosed {
                guard let n = SoupBinTCPSocket.read(fd, into: readBuffer) else {
                    session.terminate(.transportClosed) { self.event($0) }
                    break
                }
                if n == 0 { break }
                session.receive(UnsafeRawBufferPointer(rebasing: readBuffer[0..<n]), now: soupBinTCPMonotonicNow()) { self.event($0) }
            }
        }
        session.poll(now: soupBinTCPMonotonicNow()) { self.event($0) }
        flush()
        if session.isClosed { closeSocket() }
    }

    /// Sends an OUCH (or other) message as Unsequenced Data; `false` if not logged in or the outbox is
    /// full. Written to the socket on the next `step`.
    @discardableResult
    public func send(_ payload: UnsafeRawBufferPointer) -> Bool {
        session.sendUnsequenced(payload, now: soupBinTCPMonotonicNow())
    }

    /// Sends a message its encoder writes straight into the outbox.
    @discardableResult
    public func send(maxPayload: Int, _ encode: (UnsafeMutableRawBufferPointer) -> Int) -> Bool {
        session.sendUnsequenced(maxPayload: maxPayload, now: soupBinTCPMonotonicNow(), encode)
    }

    /// Logout Request, then close.
    public func logout() {
        session.logout(now: soupBinTCPMonotonicNow()) { self.event($0) }
        flush()
        closeSocket()
    }

    /// Drops the connection without a word, as a crash or a cable pull would (for failure tests and
    /// for a supervisor's forced reconnect).
    public func dropConnection() {
        session.terminate(.transportClosed) { self.event($0) }
        closeSocket()
    }

    func flush() {
        while !session.outbox.isEmpty {
            guard let n = SoupBinTCPSocket.write(fd, session.outbox.pending) else {
                session.outbox.consume(session.outbox.count)
                session.terminate(.transportClosed) { self.event($0) }
                return
            }
            if n == 0 { return }
            session.outbox.consume(n)
        }
    }

    func closeSocket() {
        guard socketOpen else { return }
        socketOpen = false
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    func event(_ e: SoupBinTCPClientEvent) {
        switch e {
        case .loginAccepted(let s, let q):
            accepted = (s, q)
            logger.info("soupbintcp: logged in to session \(s), next sequence \(q)")
        case .sequencedData(let sequence, let payload):
            onSequenced?(sequence, payload)
            if let file = checkpointFile, let s = accepted?.session {
                do { try file.save(SoupBinTCPCheckpoint(session: s, nextSequence: sequence + 1)) } catch {
                    logger.error("soupbintcp: checkpoint not saved: \(error)")
                }
            }
        case .unsequencedData(let payload):
            onUnsequenced?(payload)
        case .debug(let text):
            logger.debug("soupbintcp: debug: \(String(decoding: text, as: UTF8.self))")
        case .endOfSession:
            endOfSession = true
            if let file = checkpointFile { try? file.save(.init(session: .blank, nextSequence: 1)) }
        case .disconnect(let reason):
            disconnectReason = reason
            switch reason {
            case .logout, .endOfSession: logger.info("soupbintcp: closed: \(reason)")
            default: logger.warning("soupbintcp: closed: \(reason)")
            }
        }
    }
}
