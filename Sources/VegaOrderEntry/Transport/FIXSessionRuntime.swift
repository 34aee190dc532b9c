import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization
import VegaCore

/// One session bound to at most one connection at a time: applies the session's actions to
/// the channel and reconnects initiators. Touched only on the engine's event loop (hence
/// `@unchecked Sendable`).
final class FIXSessionRuntime: @unchecked Sendable {
    let settings: FIXSessionSettings
    let session: FIXSession
    let tls: NIOSSLContext?
    weak var engine: FIXEngine?
    var channel: (any Channel)?
    var pendingOutboundBytes = 0
    /// Bytes written to the channel and not yet handed to the kernel, plus the estimates of
    /// ``FIXEngine/trySend(_:to:)`` calls accepted but not yet run on the loop: what
    /// `trySend` compares with MaxOutboundBytes. Updated from any thread.
    let outboundBytes = Atomic<Int>(0)
    var reconnectTask: Scheduled<Void>?
    var connecting = false
    /// Nesting of work whose writes are flushed together later (a read burst, a batch of
    /// replies): writes in it are flushed once, by ``flushIfNeeded()``.
    var batching = 0
    var needsFlush = false

    init(settings: FIXSessionSettings, session: FIXSession, tls: NIOSSLContext?) {
        self.settings = settings
        self.session = session
        self.tls = tls
    }

    var id: FIXSessionID { settings.configuration.sessionID }

    /// A connection is now this session's.
    func attach(_ channel: any Channel) {
        self.channel = channel
        pendingOutboundBytes = 0
        engine?.logger.info("FIX connected", metadata: ["session": "\(id)", "peer": "\(channel.remoteAddress.map { "\($0)" } ?? "?")"])
        apply(session.connected(now: .now()))
    }

    /// The connection closed (either side).
    func detach(_ channel: any Channel, reason: String) {
        guard self.channel === channel else { return }
        self.channel = nil
        apply(session.disconnected(now: .now()))
        engine?.emit(.disconnected(id, reason: reason))
        engine?.logger.info("FIX disconnected", metadata: ["session": "\(id)", "reason": "\(reason)"])
        scheduleReconnect()
    }

    /// Bytes read from the connection, handled here on the event loop. Writes they cause are
    /// flushed once at the end of the read burst (``flushIfNeeded()`` from channelReadComplete).
    func received(_ buffer: ByteBuffer) {
        let actions = buffer.withUnsafeReadableBytes { session.receive($0, now: .now()) }
        batching += 1
        apply(actions)
        batching -= 1
    }

    /// Flushes the writes of a finished batch.
    func flushIfNeeded() {
        guard needsFlush, batching == 0 else { return }
        needsFlush = false
        channel?.flush()
    }

    func send(_ message: FIXOutgoingMessage) {
        apply(session.send(message, now: .now()))
        if message.msgType == .executionReport && !settings.isDropCopy { engine?.replicate(message) }
    }

    func tick(now: Timestamp<UTC>) {
        if channel != nil { apply(session.tick(now: now)) }
    }

    /// Performs the session's actions in order. Writes are flushed once per batch.
    func apply(_ actions: [FIXSessionAction]) {
        guard let engine else { return }
        var wrote = false
        var closeReason: String? = nil
        var replies: [FIXOutgoingMessage] = []
        for action in actions {
            switch action {
            case .send(let bytes):
                guard let channel, closeReason == nil else { continue }
                var buffer = channel.allocator.buffer(capacity: bytes.count)
                buffer.writeBytes(bytes)
                pendingOutboundBytes += bytes.count
                let n = bytes.count
                outboundBytes.add(n, ordering: .relaxed)
                let promise = channel.eventLoop.makePromise(of: Void.self)
                promise.futureResult.whenComplete { [self] _ in
                    pendingOutboundBytes -= n
                    outboundBytes.subtract(n, ordering: .relaxed)
                }
                channel.write(buffer, promise: promise)
                wrote = true
            case .deliver(let message):
                // The application's handler runs here, on the loop: no hop through `events`.
                if let handler = engine.messageHandler {
                    replies += handler(id, message)
                } else {
                    engine.emit(.message(id, message))
                }
                if message.msgType == .executionReport && !settings.isDropCopy {
                    engine.replicate(FIXOutgoingMessage(.executionReport, message.bodyFields))
                }
            case .disconnect(let reason):
                closeReason = reason
            case .event(let event):
                if case .loggedOn = event { engine.emit(.loggedOn(id)) }
                engine.emit(.session(id, event))
                switch event {
                case .garbled, .rejectSent, .businessRejectSent, .logonRefused, .storeFailed, .rejectReceived:
                    engine.logger.warning("\(event)", metadata: ["session": "\(id)"])
                default:
                    engine.logger.info("\(event)", metadata: ["session": "\(id)"])
                }
            }
        }
        // Replies are sent (stored and numbered) even when the session just went down: they
        // then reach the peer by resend after the next Logon.
        if !replies.isEmpty {
            batching += 1
            for reply in replies { send(reply) }
            batching -= 1
            if self.channel != nil { wrote = true }
        }
        guard let channel else { return }
        if wrote {
            needsFlush = true
            flushIfNeeded()
        }
        if let reason = closeReason {
            // Close after the last write (a Logout) has left, so the peer sees why.
            self.channel = nil
            let done = channel.eventLoop.makePromise(of: Void.self)
            channel.writeAndFlush(channel.allocator.buffer(capacity: 0), promise: done)
            done.futureResult.whenComplete { _ in channel.close(mode: .all, promise: nil) }
            engine.emit(.disconnected(id, reason: reason))
            engine.logger.info("FIX disconnecting", metadata: ["session": "\(id)", "reason": "\(reason)"])
            scheduleReconnect()
        } else if pendingOutboundBytes > settings.maxOutboundBytes {
            engine.logger.warning("peer stalled: closing", metadata: ["session": "\(id)", "unsent": "\(pendingOutboundBytes)"])
            self.channel = nil
            apply(session.disconnected(now: .now()))
            channel.close(mode: .all, promise: nil)
            engine.emit(.disconnected(id, reason: "peer stalled: \(pendingOutboundBytes) bytes unsent (MaxOutboundBytes \(settings.maxOutboundBytes))"))
            scheduleReconnect()
        }
    }

    // MARK: - Initiator

    func scheduleReconnect() {
        guard settings.configuration.role == .initiator, let engine, engine.running, reconnectTask == nil else { return }
        reconnectTask = engine.loop.scheduleTask(in: .seconds(Int64(settings.reconnectInterval))) { [self] in
            reconnectTask = nil
            connect()
        }
    }

    func connect() {
        guard let engine, engine.running, channel == nil, !connecting,
              let host = settings.socketConnectHost, let port = settings.socketConnectPort else { return }
        if let schedule = settings.configuration.schedule, !schedule.contains(.now()) {
            scheduleReconnect()
            return
        }
        connecting = true
        let tls = self.tls
        let serverName = settings.tls?.serverName ?? host
        ClientBootstrap(group: engine.loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.writeBufferWaterMark, value: .init(low: 64 << 10, high: 256 << 10))
            .connectTimeout(.seconds(10))
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        let name = serverName.first?.isNumber == true ? nil : serverName
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: name))
                    }
                    try channel.pipeline.syncOperations.addHandler(FIXChannelHandler(engine: engine, acceptorPort: nil, runtime: self))
                }
            }
            .connect(host: host, port: port)
            .whenComplete { [self] result in
                connecting = false
                switch result {
                case .success(let channel):
                    if engine.running { attach(channel) } else { channel.close(promise: nil) }
                case .failure(let error):
                    engine.logger.info("FIX connect failed", metadata: ["session": "\(id)", "error": "\(error)"])
                    scheduleReconnect()
                }
            }
    }
}
