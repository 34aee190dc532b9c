import Testing
@testable import VegaOrderEntry

let second: UInt64 = 1_000_000_000

enum ClientEvent: Equatable {
    case accepted(String, UInt64)
    case sequenced(UInt64, [UInt8])
    case unsequenced([UInt8])
    case debug(String)
    case endOfSession
    case disconnect(SoupBinTCPDisconnectReason)

    init(_ e: SoupBinTCPClientEvent) {
        switch e {
        case .loginAccepted(let s, let q): self = .accepted(s.description, q)
        case .sequencedData(let q, let p): self = .sequenced(q, Array(p))
        case .unsequencedData(let p): self = .unsequenced(Array(p))
        case .debug(let t): self = .debug(String(decoding: t, as: UTF8.self))
        case .endOfSession: self = .endOfSession
        case .disconnect(let r): self = .disconnect(r)
        }
    }
}

enum ServerEvent: Equatable {
    case loggedIn(String, UInt64)
    case unsequenced([UInt8])
    case debug(String)
    case disconnect(SoupBinTCPDisconnectReason)

    init(_ e: SoupBinTCPServerEvent) {
        switch e {
        case .loggedIn(let u, let q): self = .loggedIn(u.description, q)
        case .unsequencedData(let p): self = .unsequenced(Array(p))
        case .debug(let t): self = .debug(String(decoding: t, as: UTF8.self))
        case .disconnect(let r): self = .disconnect(r)
        }
    }
}

/// One packet's bytes: length, type, payload.
func packet(_ type: UInt8, _ payload: [UInt8] = []) -> [UInt8] {
    let n = payload.count + 1
    return [UInt8(n >> 8), UInt8(n & 0xFF), type] + payload
}

func loginPayload(user: String, password: String, session: String = "", sequence: String = "1") -> [UInt8] {
    func pad(_ s: String, _ w: Int, left: Bool = false) -> [UInt8] {
        let b = Array(s.utf8)
        let sp = [UInt8](repeating: 0x20, count: max(0, w - b.count))
        return left ? sp + b : b + sp
    }
    return pad(user, 6) + pad(password, 10) + pad(session, 10, left: true) + pad(sequence, 20, left: true)
}

func serverConfig() -> SoupBinTCPServerConfiguration {
    SoupBinTCPServerConfiguration(session: "SESSION1", username: "VEGA", password: "SECRET")!
}

func clientConfig(password: String = "secret") -> SoupBinTCPClientConfiguration {
    SoupBinTCPClientConfiguration(username: "vega", password: password)!
}

/// A client session and a server session wired back to back in memory, with a hand-driven clock:
/// the sans-IO state machines exactly as a transport drives them, with no socket and no real time.
final class SessionPair {
    var server: SoupBinTCPServerSession
    var client: SoupBinTCPClientSession
    var store: SoupBinTCPMessageStore
    var now: UInt64 = 1_000 * second
    var clientEvents: [ClientEvent] = []
    var serverEvents: [ServerEvent] = []
    let serverConfiguration: SoupBinTCPServerConfiguration
    let clientConfiguration: SoupBinTCPClientConfiguration

    init(server: SoupBinTCPServerConfiguration = serverConfig(), client: SoupBinTCPClientConfiguration = clientConfig(),
         checkpoint: SoupBinTCPCheckpoint = .start, storeMessages: Int = 10_000) {
        serverConfiguration = server
        clientConfiguration = client
        store = SoupBinTCPMessageStore(maxMessages: storeMessages, maxBytes: storeMessages * 64)
        self.server = SoupBinTCPServerSession(configuration: server, now: now)
        self.client = SoupBinTCPClientSession(configuration: client, checkpoint: checkpoint, now: now)
    }

    /// A new connection (both sides), keeping the server's stream.
    func reconnect(checkpoint: SoupBinTCPCheckpoint) {
        server = SoupBinTCPServerSession(configuration: serverConfiguration, now: now)
        client = SoupBinTCPClientSession(configuration: clientConfiguration, checkpoint: checkpoint, now: now)
        clientEvents = []
        serverEvents = []
    }

    func toServer(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { server.receive($0, now: now, store: store) { self.serverEvents.append(ServerEvent($0)) } }
    }

    func toClient(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { client.receive($0, now: now) { self.clientEvents.append(ClientEvent($0)) } }
    }

    func pollBoth() {
        server.poll(now: now, store: store) { self.serverEvents.append(ServerEvent($0)) }
        client.poll(now: now) { self.clientEvents.append(ClientEvent($0)) }
    }

    /// Moves bytes both ways until neither side has anything to send.
    func pump() {
        for _ in 0..<10_000 {
            var moved = false
            if !client.outbox.isEmpty {
                let b = Array(client.outbox.pending); client.outbox.consume(b.count); toServer(b); moved = true
            }
            server.poll(now: now, store: store) { self.serverEvents.append(ServerEvent($0)) }
            if !server.outbox.isEmpty {
                let b = Array(server.outbox.pending); server.outbox.consume(b.count); toClient(b); moved = true
            }
            client.poll(now: now) { self.clientEvents.append(ClientEvent($0)) }
            if !moved { return }
        }
    }

    func append(_ text: String) {
        let b = Array(text.utf8)
        #expect(b.withUnsafeBytes { store.append($0) } != nil)
    }

    var serverClosed: Bool { server.isClosed }
    var clientClosed: Bool { client.isClosed }
    var serverOutboxEmpty: Bool { server.outbox.isEmpty }
    var clientOutboxEmpty: Bool { client.outbox.isEmpty }

    var sequenced: [UInt64] { clientEvents.compactMap { if case .sequenced(let q, _) = $0 { return q } else { return nil } } }
}
