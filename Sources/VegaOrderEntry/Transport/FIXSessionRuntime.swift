import Logging
import NIOCore
import NIOPosix
import NIOSSL
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
    var reconnectTask: Scheduled<Void>?
    var connecting = false

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

    func received(_ buffer: ByteBuffer) {
        let actions = buffer.withUnsafeReadableBytes { session.receive($0, now: .now()) }
        apply(actions)
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
        for action in actions {
            switch action {
            case .send(let bytes):
                guard let channel, closeReason == nil else { continue }
                var buffer = channel.allocator.buffer(capacity: bytes.count)
                buffer.writeBytes(bytes)
                pendingOutboundBytes += bytes.count
                let promise = channel.eventLoop.makePromise(of: Void.self)
                let n = bytes.count
                promise.futureResult.whenComplete { [self] _ in pendingOutboundBytes -= n }
                channel.write(buffer, promise: promise)
                wrote = true
            case .deliver(let message):
                engine.emit(.message(id, message))
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
        guard let channel else { return }
        if wrote { channel.flush() }
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
