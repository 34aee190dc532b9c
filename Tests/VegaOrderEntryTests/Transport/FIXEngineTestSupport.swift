import Logging
import NIOCore
import NIOPosix
import Synchronization
import VegaCore
@testable import VegaOrderEntry

/// Collects an engine's events from its stream, for tests that wait on conditions.
final class EventRecorder: Sendable {
    final class Box: Sendable { let events = Mutex<[FIXEngineEvent]>([]) }
    let box = Box()
    let task: Task<Void, Never>

    init(_ engine: FIXEngine) {
        let box = self.box
        task = Task {
            for await e in engine.events { box.events.withLock { $0.append(e) } }
        }
    }

    var all: [FIXEngineEvent] { box.events.withLock { $0 } }

    func messages(_ id: FIXSessionID? = nil) -> [FIXMessage] {
        all.compactMap { if case .message(let s, let m) = $0, id == nil || s == id { m } else { nil } }
    }

    func count(where predicate: (FIXEngineEvent) -> Bool) -> Int { all.filter(predicate).count }
}

extension FIXEngineEvent {
    var isLoggedOn: Bool { if case .loggedOn = self { true } else { false } }
    var isDisconnected: Bool { if case .disconnected = self { true } else { false } }
    var disconnectReason: String? { if case .disconnected(_, let r) = self { r } else { nil } }
    var refusal: String? { if case .connectionRefused(_, let r) = self { r } else { nil } }
}

/// Waits until `condition` holds, checking every 10 ms, for at most `seconds` (generous: the
/// condition, not the clock, decides when the test goes on).
func eventually(_ seconds: Double = 60, _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}

/// Settings parsed from `.cfg` text (so every live test also exercises the parser).
func settings(_ text: String) throws -> [FIXSessionSettings] {
    try FIXConfiguration(text: "[DEFAULT]\nBeginString=FIX.4.4\n" + text, environment: ["VEGA_TEST_PW": "pw"]).sessions
}

func quietLogger() -> Logger {
    var l = Logger(label: "test.fix")
    l.logLevel = .critical
    return l
}

/// A raw TCP client that can write arbitrary bytes and stop reading, for misbehaving peers.
final class RawClient: @unchecked Sendable {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    var channel: (any Channel)!
    let received = Mutex<[UInt8]>([])
    let closed = Mutex(false)

    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let owner: RawClient
        init(_ o: RawClient) { owner = o }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let b = unwrapInboundIn(data)
            owner.received.withLock { $0 += b.readableBytesView }
        }
        func channelInactive(context: ChannelHandlerContext) { owner.closed.withLock { $0 = true } }
    }

    init(port: Int, autoRead: Bool = true) async throws {
        channel = try await ClientBootstrap(group: group)
            .channelOption(.autoRead, value: autoRead)
            .channelOption(.socketOption(.so_rcvbuf), value: 4096)
            .channelInitializer { [self] ch in ch.eventLoop.makeCompletedFuture { try ch.pipeline.syncOperations.addHandler(Handler(self)) } }
            .connect(host: "127.0.0.1", port: port).get()
    }

    func write(_ bytes: [UInt8]) async throws {
        var b = channel.allocator.buffer(capacity: bytes.count)
        b.writeBytes(bytes)
        try await channel.writeAndFlush(b).get()
    }

    var isClosed: Bool { closed.withLock { $0 } }
    var text: String { String(decoding: received.withLock { $0 }.map { $0 == 1 ? UInt8(ascii: "|") : $0 }, as: UTF8.self) }

    func close() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}

/// A FIX message from `body` (`|` for SOH) stamped with the current time.
func liveMessage(_ type: String, seq: Int, sender: String, target: String, body: String = "") -> [UInt8] {
    fixBytes("35=\(type)|49=\(sender)|56=\(target)|34=\(seq)|52=\(FIXTimestampFormat.string(.now()))|" + body)
}
