import VegaCore
@testable import VegaOrderEntry

/// Two sessions wired to each other in memory: every `send` of one is fed to the other, in
/// order, until nothing is in flight. `drop` can lose messages in flight to make gaps.
final class SessionPair {
    let client: FIXSession
    let exec: FIXSession
    var now = at(0)
    var delivered: [String: [FIXMessage]] = ["client": [], "exec": []]
    var events: [String: [FIXSessionEvent]] = ["client": [], "exec": []]
    var wire: [String: [FIXMessage]] = ["client": [], "exec": []]  // what each side wrote
    var disconnects: [String: [String]] = ["client": [], "exec": []]
    var drop: (String, FIXMessage) -> Bool = { _, _ in false }
    var linked = true

    init(clientConfig: FIXSessionConfiguration? = nil, execConfig: FIXSessionConfiguration? = nil,
         clientStore: any FIXMessageStore = FIXMemoryStore(now: at(0)), execStore: any FIXMessageStore = FIXMemoryStore(now: at(0))) {
        client = FIXSession(configuration: clientConfig ?? SessionPair.config(.initiator), store: clientStore)
        exec = FIXSession(configuration: execConfig ?? SessionPair.config(.acceptor), store: execStore)
    }

    static func config(_ role: FIXSessionConfiguration.Role, hb: Int = 30) -> FIXSessionConfiguration {
        var c = FIXSessionConfiguration(
            sessionID: role == .initiator
                ? FIXSessionID(senderCompID: "CLIENT", targetCompID: "EXEC") : FIXSessionID(senderCompID: "EXEC", targetCompID: "CLIENT"),
            role: role)
        c.heartbeatInterval = hb
        return c
    }

    func session(_ name: String) -> FIXSession { name == "client" ? client : exec }

    /// Applies `actions` produced by `from`, delivering sends to the peer until quiet.
    func run(_ from: String, _ actions: [FIXSessionAction]) {
        var queue: [(String, [FIXSessionAction])] = [(from, actions)]
        while !queue.isEmpty {
            let (side, acts) = queue.removeFirst()
            let peer = side == "client" ? "exec" : "client"
            for a in acts {
                switch a {
                case .send(let bytes):
                    let m = FIXMessage(bytes: bytes)!
                    wire[side]!.append(m)
                    if linked && !drop(side, m) { queue.append((peer, session(peer).receive(bytes, now: now))) }
                case .deliver(let m): delivered[side]!.append(m)
                case .event(let e): events[side]!.append(e)
                case .disconnect(let r):
                    disconnects[side]!.append(r)
                    if linked {
                        linked = false
                        queue.append((peer, session(peer).disconnected(now: now)))
                    }
                }
            }
        }
    }

    func connect() {
        linked = true
        run("exec", exec.connected(now: now))
        run("client", client.connected(now: now))
    }

    func disconnectBoth() {
        linked = false
        run("client", client.disconnected(now: now))
        run("exec", exec.disconnected(now: now))
    }

    func send(_ side: String, _ m: FIXOutgoingMessage) { run(side, session(side).send(m, now: now)) }
    func tick(_ side: String) { run(side, session(side).tick(now: now)) }

    static func order(_ id: String) -> FIXOutgoingMessage {
        FIXOutgoingMessage(.newOrderSingle, [(11, id), (55, "VGA"), (54, "1"), (60, "20261122-10:00:00"), (38, "100"), (40, "1")])
    }
}

/// An acceptor fed hand-written byte streams; collects what it writes.
final class AcceptorProbe {
    let session: FIXSession
    var now = at(0)
    var written: [FIXMessage] = []
    var delivered: [FIXMessage] = []
    var events: [FIXSessionEvent] = []
    var disconnect: String? = nil

    init(config: FIXSessionConfiguration = SessionPair.config(.acceptor), store: any FIXMessageStore = FIXMemoryStore(now: at(0))) {
        session = FIXSession(configuration: config, store: store)
        apply(session.connected(now: now))
    }

    func apply(_ actions: [FIXSessionAction]) {
        for a in actions {
            switch a {
            case .send(let b): written.append(FIXMessage(bytes: b)!)
            case .deliver(let m): delivered.append(m)
            case .event(let e): events.append(e)
            case .disconnect(let r): disconnect = r
            }
        }
    }

    func feed(_ bytes: [UInt8]) { apply(session.receive(bytes, now: now)) }
    func feed(_ body: String) { feed(fixBytes(body)) }
    func logon(seq: Int = 1, extra: String = "") { feed(header("A", seq: seq) + "98=0|108=30|" + extra) }
    var last: FIXMessage? { written.last }
}
