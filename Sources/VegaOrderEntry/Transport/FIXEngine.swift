import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization
import VegaCore

/// Runs FIX sessions over TCP (optionally TLS) with SwiftNIO: acceptors (many client sessions
/// on one port, routed by CompIDs) and initiators (reconnecting every ReconnectInterval).
///
/// Threading: every session and every connection of an engine lives on one event loop, so a
/// session's state is never shared between threads and inbound bytes are processed as they are
/// read — a flood cannot pile up in queues. Off the lane by design (client sessions and drop
/// copy, see ARCHITECTURE.md). Reads never wait for writes: NIO writes are non-blocking, each
/// session tracks its unsent bytes, reports back-pressure as ``FIXEngineEvent/writability(_:writable:)``
/// and disconnects a peer whose unsent bytes exceed MaxOutboundBytes.
///
/// Drop copy: every ExecutionReport sent or received on any other session of the engine is
/// copied, in order, to each initiator session configured with `DropCopy=Y` (see
/// ``FIXDropCopy`` for reports that originate elsewhere).
///
/// Application messages reach the application either through ``events`` (an `AsyncStream`: one
/// hop from the event loop to the consuming task, and the replies' ``send(_:to:)`` one hop
/// back), or — with `onMessage` given to ``init(settings:logger:loop:onMessage:)`` — by a
/// handler called on the event loop as each message is processed, whose replies are written
/// at once and flushed together at the end of the read burst: no hop, no queue in between.
///
/// Back-pressure: ``trySend(_:to:)`` refuses (``FIXSendResult/wouldExceedBound(pendingBytes:limit:)``)
/// a message that would take the session's unsent bytes past MaxOutboundBytes, instead of
/// queueing it; ``send(_:to:)`` always queues (and a peer whose unsent bytes pass the bound is
/// then disconnected as stalled).
///
/// API: ``start()``, ``events``, ``send(_:to:)``, ``trySend(_:to:)``, ``logout(_:reason:)``,
/// ``stop()``. All methods are thread-safe.
public final class FIXEngine: @unchecked Sendable {
    /// The engine's single event loop; every mutable runtime is touched only on it.
    public let loop: any EventLoop
    let group: MultiThreadedEventLoopGroup?
    let logger: Logger
    let runtimes: [FIXSessionID: FIXSessionRuntime]
    var servers: [any Channel] = []
    var ticker: RepeatedTask?
    var running = false
    /// Application events, in order per session. One consumer.
    public let events: AsyncStream<FIXEngineEvent>
    let continuation: AsyncStream<FIXEngineEvent>.Continuation

    /// Application logic called on the engine's event loop for every application message a
    /// session delivers (in order, validated, never a duplicate). The messages it returns are
    /// sent on the same session at once (numbered, stored, written; flushed with the rest of
    /// the read burst). It must not block: it runs on the thread that reads every session.
    public typealias MessageHandler = @Sendable (FIXSessionID, FIXMessage) -> [FIXOutgoingMessage]
    /// The handler given at init; `nil`: messages go to ``events`` as ``FIXEngineEvent/message(_:_:)``.
    let messageHandler: MessageHandler?

    /// Builds the sessions of `settings` (opening their file stores). `loop`: run on an existing
    /// event loop instead of a private one-thread group. `onMessage`: handle application
    /// messages on the event loop (see ``MessageHandler``) instead of receiving them in ``events``.
    public init(settings: [FIXSessionSettings], logger: Logger = Logger(label: "vega.fix"), loop: (any EventLoop)? = nil,
                onMessage: MessageHandler? = nil) throws {
        self.messageHandler = onMessage
        if let loop {
            self.loop = loop
            self.group = nil
        } else {
            let g = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            self.group = g
            self.loop = g.next()
        }
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(of: FIXEngineEvent.self, bufferingPolicy: .unbounded)
        var runtimes: [FIXSessionID: FIXSessionRuntime] = [:]
        for s in settings {
            let store: any FIXMessageStore
            if let path = s.fileStorePath {
                store = try FIXFileStore(directory: path, session: s.configuration.sessionID, syncPolicy: s.fileStoreSync)
            } else {
                store = FIXMemoryStore()
            }
            let tls = try s.tls.map { try FIXEngine.makeTLSContext($0, role: s.configuration.role) }
            runtimes[s.configuration.sessionID] = FIXSessionRuntime(
                settings: s, session: FIXSession(configuration: s.configuration, store: store), tls: tls)
        }
        self.runtimes = runtimes
        for r in runtimes.values { r.engine = self }
    }

    /// The session identities this engine runs.
    public var sessionIDs: [FIXSessionID] { Array(runtimes.keys) }

    /// Binds every acceptor port and starts every initiator; returns once listening.
    public func start() async throws {
        try await loop.submit { self.running = true }.get()
        var ports: [String: (host: String, port: Int, tls: NIOSSLContext?)] = [:]
        for r in runtimes.values where r.settings.configuration.role == .acceptor {
            let host = r.settings.socketAcceptHost ?? "0.0.0.0"
            let port = r.settings.socketAcceptPort ?? 0
            ports["\(host):\(port)"] = (host, port, r.tls)
        }
        for (_, p) in ports.sorted(by: { $0.key < $1.key }) {
            let tls = p.tls
            let requestedPort = p.port
            let channel = try await ServerBootstrap(group: loop)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelOption(.writeBufferWaterMark, value: .init(low: 64 << 10, high: 256 << 10))
                .childChannelInitializer { [self] channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                        try channel.pipeline.syncOperations.addHandler(
                            FIXChannelHandler(engine: self, acceptorPort: requestedPort, runtime: nil))
                    }
                }
                .bind(host: p.host, port: p.port).get()
            try await loop.submit { self.servers.append(channel) }.get()
            logger.info("FIX acceptor listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
        }
        try await loop.submit {
            self.ticker = self.loop.scheduleRepeatedTask(initialDelay: .milliseconds(200), delay: .milliseconds(200)) { _ in
                let now = Timestamp<UTC>.now()
                for r in self.runtimes.values { r.tick(now: now) }
            }
            for r in self.runtimes.values where r.settings.configuration.role == .initiator { r.connect() }
        }.get()
    }

    /// The ports the acceptors listen on (useful with SocketAcceptPort=0).
    public func acceptorPorts() async -> [Int] {
        (try? await loop.submit { self.servers.compactMap { $0.localAddress?.port } }.get()) ?? []
    }

    /// Sends an application message on a session (stored and numbered even when the session is
    /// not logged on; delivered by resend after the next Logon). Returns false for an unknown
    /// session.
    @discardableResult
    public func send(_ message: FIXOutgoingMessage, to sessionID: FIXSessionID) -> Bool {
        guard let r = runtimes[sessionID] else { return false }
        if loop.inEventLoop {
            r.send(message)
        } else {
            loop.execute { r.send(message) }
        }
        return true
    }

    /// Sends an application message unless it would take the session's unsent bytes (written
    /// and not yet taken by the kernel, plus accepted `trySend`s not yet run) past the session's
    /// MaxOutboundBytes: then nothing is sent, stored or numbered and the answer says so — the
    /// caller decides (retry later, drop, reroute). A message larger than the bound alone is
    /// accepted when nothing is pending, so that it cannot be refused forever.
    ///
    /// While the session is not connected nothing is unsent on the wire: messages are accepted,
    /// stored and numbered, and reach the peer by resend after the next Logon (as with
    /// ``send(_:to:)``). Thread-safe; the check is one atomic compare-and-exchange.
    public func trySend(_ message: FIXOutgoingMessage, to sessionID: FIXSessionID) -> FIXSendResult {
        guard let r = runtimes[sessionID] else { return .unknownSession }
        let estimate = FIXEngine.estimatedSize(message)
        let limit = r.settings.maxOutboundBytes
        var current = r.outboundBytes.load(ordering: .relaxed)
        while true {
            if current > 0 && current + estimate > limit {
                return .wouldExceedBound(pendingBytes: current, limit: limit)
            }
            let (exchanged, original) = r.outboundBytes.compareExchange(
                expected: current, desired: current + estimate, ordering: .relaxed)
            if exchanged { break }
            current = original
        }
        let run: @Sendable () -> Void = {
            r.send(message)
            // The bytes actually written are counted by the write itself from here on.
            r.outboundBytes.subtract(estimate, ordering: .relaxed)
        }
        if loop.inEventLoop { run() } else { loop.execute(run) }
        return .accepted
    }

    /// An upper estimate of a message's encoded size: the header Vega writes (BeginString,
    /// BodyLength, MsgType, CompIDs, MsgSeqNum, SendingTime, CheckSum) is below 128 bytes plus
    /// the CompIDs; each field is its tag, `=`, value and SOH.
    static func estimatedSize(_ message: FIXOutgoingMessage) -> Int {
        var n = 192
        for f in message.fields { n += 7 + f.value.utf8.count }
        return n
    }

    /// Unsent bytes of a session as ``trySend(_:to:)`` counts them (0 for an unknown session).
    public func pendingOutboundBytes(_ sessionID: FIXSessionID) -> Int {
        runtimes[sessionID]?.outboundBytes.load(ordering: .relaxed) ?? 0
    }

    /// Starts the Logout handshake of a session.
    public func logout(_ sessionID: FIXSessionID, reason: String = "") {
        guard let r = runtimes[sessionID] else { return }
        loop.execute { r.apply(r.session.logout(reason: reason, now: .now())) }
    }

    /// Closes a session's connection abruptly (no Logout), as a network failure would; an
    /// initiator reconnects after ReconnectInterval.
    public func dropConnection(_ sessionID: FIXSessionID) {
        guard let r = runtimes[sessionID] else { return }
        loop.execute { _ = r.channel?.close(mode: .all) }
    }

    /// A session's counters and state, read on the event loop.
    public func status(_ sessionID: FIXSessionID) async -> (state: FIXSessionState, counters: FIXSessionCounters, nextSender: Int, nextTarget: Int)? {
        guard let r = runtimes[sessionID] else { return nil }
        return try? await loop.submit {
            (r.session.state, r.session.counters, r.session.store.nextSenderSeqNum, r.session.store.nextTargetSeqNum)
        }.get()
    }

    /// Logs every logged-on session out (waiting up to `timeout` for the handshakes), closes
    /// everything and ends ``events``.
    public func stop(timeout: TimeAmount = .seconds(2)) async {
        _ = try? await loop.submit {
            self.running = false
            for r in self.runtimes.values { r.apply(r.session.logout(reason: "shutting down", now: .now())) }
        }.get()
        let deadline = NIODeadline.now() + timeout
        while NIODeadline.now() < deadline {
            let open = (try? await loop.submit { self.runtimes.values.contains { $0.channel != nil } }.get()) ?? false
            if !open { break }
            try? await loop.scheduleTask(in: .milliseconds(20)) {}.futureResult.get()
        }
        _ = try? await loop.submit {
            self.ticker?.cancel()
            for r in self.runtimes.values {
                r.reconnectTask?.cancel()
                _ = r.channel?.close(mode: .all)
            }
            for s in self.servers { s.close(promise: nil) }
            self.servers = []
        }.get()
        continuation.finish()
        try? await group?.shutdownGracefully()
    }

    /// Finds the acceptor session a Logon is addressed to (its 56 is our SenderCompID, its 49
    /// our TargetCompID) on `port`.
    func route(_ view: FIXView, port: Int) -> FIXSessionRuntime? {
        guard let sender = view.string(49), let target = view.string(56), let begin = view.string(8) else { return nil }
        let id = FIXSessionID(beginString: begin, senderCompID: target, targetCompID: sender)
        guard let r = runtimes[id], r.settings.configuration.role == .acceptor, (r.settings.socketAcceptPort ?? 0) == port else { return nil }
        return r
    }

    func emit(_ event: FIXEngineEvent) { continuation.yield(event) }

    /// Copies an ExecutionReport to every drop-copy session (on the loop, so in order with the
    /// original).
    func replicate(_ report: FIXOutgoingMessage) {
        for r in runtimes.values where r.settings.isDropCopy { r.send(report) }
    }

    static func makeTLSContext(_ t: FIXTLSSettings, role: FIXSessionConfiguration.Role) throws -> NIOSSLContext {
        var c: TLSConfiguration
        let chain = try t.certificateFile.map { try NIOSSLCertificate.fromPEMFile($0).map { NIOSSLCertificateSource.certificate($0) } } ?? []
        let key = try t.privateKeyFile.map { NIOSSLPrivateKeySource.privateKey(try NIOSSLPrivateKey(file: $0, format: .pem)) }
        if role == .acceptor {
            c = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: key!)
            c.certificateVerification = t.verifyPeer ? .fullVerification : .none
        } else {
            c = TLSConfiguration.makeClientConfiguration()
            c.certificateChain = chain
            c.privateKey = key
            c.certificateVerification = t.verifyPeer ? .fullVerification : .none
        }
        if let ca = t.caCertificateFile { c.trustRoots = .file(ca) }
        c.minimumTLSVersion = .tlsv12
        return try NIOSSLContext(configuration: c)
    }
}
