import Logging
import NIOCore
import VegaCore

/// The pipeline end of a FIX connection. An initiator's connection belongs to its session from
/// the start; an acceptor's is routed by the CompIDs of its first message, which must be a
/// Logon (anything else closes it). Before routing at most MaxMessageSize bytes are buffered.
final class FIXChannelHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    let engine: FIXEngine
    let acceptorPort: Int?
    var runtime: FIXSessionRuntime?
    var preLogon: ByteBuffer?
    var refused = false

    init(engine: FIXEngine, acceptorPort: Int?, runtime: FIXSessionRuntime?) {
        self.engine = engine
        self.acceptorPort = acceptorPort
        self.runtime = runtime
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if let runtime {
            if runtime.channel === context.channel { runtime.received(buffer) }
            return
        }
        if refused { return }
        var pending = preLogon ?? context.channel.allocator.buffer(capacity: buffer.readableBytes)
        var incoming = buffer
        pending.writeBuffer(&incoming)
        preLogon = pending
        route(context: context)
    }

    func route(context: ChannelHandlerContext) {
        guard var pending = preLogon, let port = acceptorPort else { return }
        let peer = context.channel.remoteAddress.map { "\($0)" } ?? "?"
        let maxSize = 65_536
        let frame = pending.withUnsafeReadableBytes { FIXFramer.next(in: $0, maxMessageSize: maxSize) }
        switch frame {
        case .needMore:
            if pending.readableBytes > maxSize { refuse(context, peer: peer, "no Logon within \(maxSize) bytes") }
        case .skip(_, let reason):
            refuse(context, peer: peer, "first bytes are not a FIX message (\(reason))")
        case .message(let length):
            var index = FIXFieldIndex(capacity: 256)
            let target: FIXSessionRuntime? = pending.withUnsafeReadableBytes { raw -> FIXSessionRuntime? in
                let frameBytes = UnsafeRawBufferPointer(rebasing: raw[..<length])
                guard index.parse(frameBytes) == nil, index.view.msgType == .logon else { return nil }
                return engine.route(index.view, port: port)
            }
            guard let target else {
                let what = pending.withUnsafeReadableBytes { raw -> String in
                    let frameBytes = UnsafeRawBufferPointer(rebasing: raw[..<length])
                    guard index.parse(frameBytes) == nil else { return "garbled first message" }
                    let v = index.view
                    return v.msgType != .logon ? "first message is not Logon"
                        : "unknown CompIDs \(v.string(49) ?? "?")->\(v.string(56) ?? "?")"
                }
                refuse(context, peer: peer, what)
                return
            }
            if target.channel != nil {
                refuse(context, peer: peer, "session \(target.id) is already connected")
                return
            }
            runtime = target
            preLogon = nil
            target.attach(context.channel)
            target.received(pending)
            pending.clear()
        }
    }

    func refuse(_ context: ChannelHandlerContext, peer: String, _ reason: String) {
        refused = true
        preLogon = nil
        engine.logger.warning("FIX connection refused", metadata: ["peer": "\(peer)", "reason": "\(reason)"])
        engine.emit(.connectionRefused(peer: peer, reason: reason))
        context.close(promise: nil)
    }

    /// The end of a read burst: the writes its messages caused leave in one flush.
    func channelReadComplete(context: ChannelHandlerContext) {
        if let runtime, runtime.channel === context.channel { runtime.flushIfNeeded() }
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        runtime?.detach(context.channel, reason: "connection closed")
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if let runtime, runtime.channel === context.channel {
            engine.emit(.writability(runtime.id, writable: context.channel.isWritable))
        }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        engine.logger.warning("FIX connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }
}
