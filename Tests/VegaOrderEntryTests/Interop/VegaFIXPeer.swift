import Foundation
import NIOCore
import VegaCore
import VegaOrderEntry

/// Vega's side of an interop test: a `FIXEngine` on real loopback sockets, configured from
/// QuickFIX `.cfg` text (so the same file format both engines read), recording every event; as an
/// acceptor it can run `FIXExecutorBook` (what `vega fix executor` runs) on what arrives.
///
/// The executor answers on the engine's event loop (the engine's `onMessage` handler), not from
/// a task reading `events`: the test process runs hundreds of tests on a cooperative pool as wide
/// as the machine's cores (2 in CI), and a task there can wait minutes behind tests that block
/// their thread (child processes, joins) — while QuickFIX, on its own clock, gives up. The loop
/// is this peer's own thread, as a real counterparty's would be.
final class VegaFIXPeer: @unchecked Sendable {
    let engine: FIXEngine
    let sessionID: FIXSessionID
    private let lock = NSLock()
    private var recorded: [FIXEngineEvent] = []
    private var consumer: Task<Void, Never>?

    private init(engine: FIXEngine, sessionID: FIXSessionID) {
        self.engine = engine
        self.sessionID = sessionID
    }

    /// An acceptor on an ephemeral port executing orders at `referencePrice`. `dropAfter`: cut
    /// the connection (no Logout) on receiving that many application messages, before answering
    /// the last, so its replies exist only in Vega's store until the peer asks for them.
    static func executor(config: String, referencePrice: Price4 = Price4(units: 100)!, dropAfter: Int = 0) async throws -> VegaFIXPeer {
        let executor = LoopExecutor(book: FIXExecutorBook(referencePrice: referencePrice), dropAfter: dropAfter)
        let peer = try make(config, onMessage: { id, m in executor.handle(id, m) })
        executor.peer = peer
        peer.consume()
        try await peer.engine.start()
        return peer
    }

    /// An initiator that connects to the port in `config` and reconnects after a drop.
    static func initiator(config: String) async throws -> VegaFIXPeer {
        let peer = try make(config, onMessage: nil)
        peer.consume()
        try await peer.engine.start()
        return peer
    }

    private static func make(_ config: String, onMessage: FIXEngine.MessageHandler?) throws -> VegaFIXPeer {
        let settings = try FIXConfiguration(text: config, file: "interop.cfg")
        guard settings.sessions.count == 1, let session = settings.sessions.first else {
            throw InteropError("expected one [SESSION] in the test's config, got \(settings.sessions.count)")
        }
        return VegaFIXPeer(engine: try FIXEngine(settings: settings.sessions, onMessage: onMessage),
                           sessionID: session.configuration.sessionID)
    }

    /// The executor's book, run on the engine's event loop (one thread: the lock only makes
    /// that visible to the compiler).
    private final class LoopExecutor: @unchecked Sendable {
        var book: FIXExecutorBook
        let dropAfter: Int
        var received = 0
        weak var peer: VegaFIXPeer?
        let lock = NSLock()

        init(book: FIXExecutorBook, dropAfter: Int) {
            self.book = book
            self.dropAfter = dropAfter
        }

        func handle(_ id: FIXSessionID, _ m: FIXMessage) -> [FIXOutgoingMessage] {
            guard let peer else { return [] }
            peer.locked { peer.recorded.append(.message(id, m)) }
            lock.lock()
            received += 1
            let replies = book.handle(m, now: .now())
            let n = received
            lock.unlock()
            guard dropAfter > 0 && n >= dropAfter else { return replies }
            // Cut first (queued on the loop), then send the replies (queued after it): they are
            // stored and numbered with no connection, and must be resent. Replies to the rest of
            // the read burst queue behind the cut too, in order.
            let engine = peer.engine
            if n == dropAfter { engine.dropConnection(id) }
            engine.loop.execute { for r in replies { engine.send(r, to: id) } }
            return []
        }
    }

    /// Records what the engine reports (application messages too, unless an executor handles
    /// them on the loop).
    private func consume() {
        let engine = self.engine
        consumer = Task { [self] in
            for await event in engine.events { locked { recorded.append(event) } }
        }
    }

    var events: [FIXEngineEvent] { locked { recorded } }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    /// Application messages delivered to Vega, in order.
    var messages: [FIXMessage] {
        events.compactMap { if case .message(_, let m) = $0 { m } else { nil } }
    }

    var logons: Int { events.filter { if case .loggedOn = $0 { true } else { false } }.count }

    var sessionEvents: [FIXSessionEvent] {
        events.compactMap { if case .session(_, let e) = $0 { e } else { nil } }
    }

    /// The port the acceptor listens on.
    func port() async throws -> Int {
        guard let p = await engine.acceptorPorts().first else { throw InteropError("Vega's acceptor is not listening") }
        return p
    }

    /// Waits (bounded, generous) until `condition` holds over this peer; returns whether it did.
    func wait(seconds: Double = 60, until condition: (VegaFIXPeer) -> Bool) async -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while !condition(self) {
            if Date() > deadline { return false }
            try? await Task.sleep(nanoseconds: 2_000_000)
        }
        return true
    }

    func send(_ line: String) { engine.send(ExecutorScenario.outgoing(line), to: sessionID) }

    /// Logs out, closes and waits for the event stream to end.
    func stop() async {
        await engine.stop()
        await consumer?.value
    }

    /// For failure messages.
    var transcript: String {
        "--- Vega \(sessionID) ---\n" + events.map { e -> String in
            switch e {
            case .message(_, let m): "message \(m)"
            default: "\(e)"
            }
        }.joined(separator: "\n")
    }
}

struct InteropError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
