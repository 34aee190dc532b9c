import Foundation
import Testing
import VegaCore
import VegaHardware
import VegaMarketData
import VegaOrderEntry
import VegaVenue

/// Monotonic nanoseconds (the clock the sessions and the venue use).
func vstNow() -> UInt64 { Timestamp<Monotonic>.now().nanoseconds }

/// Polls `body` until it returns true or `seconds` pass (a generous bound on waiting, never a
/// timing assertion). Returns whether it became true.
@discardableResult
func vstWait(seconds: Double = 30, _ body: () -> Bool) -> Bool {
    let deadline = vstNow() + UInt64(seconds * 1e9)
    while !body() {
        if vstNow() > deadline { return body() }
        usleep(200)
    }
    return true
}

/// The async form, for tests that must let other tasks (the FIX engine's consumers) run.
func vstWaitAsync(seconds: Double = 30, _ body: () -> Bool) async -> Bool {
    let deadline = vstNow() + UInt64(seconds * 1e9)
    while !body() {
        if vstNow() > deadline { return body() }
        try? await Task.sleep(nanoseconds: 1_000_000)
    }
    return true
}

/// A multicast listener joined to a group on `lo` at a port the kernel picks (so parallel tests
/// never share one): the venue is then configured to publish to that port.
struct VSTMulticastPort {
    static func group(_ lastOctets: String) throws -> IPv4Endpoint { try IPv4Endpoint("239.198.\(lastOctets):0") }

    /// A receiving socket for `group` (port 0: any) joined on `lo`; its bound port is the feed's port.
    static func receiver(_ group: IPv4Endpoint, port: UInt16 = 0) throws -> UDPSocketQueue {
        try UDPSocketQueue(.init(bind: IPv4Endpoint(addressBE: 0, port: port),
                                 multicastGroup: IPv4Endpoint(addressBE: group.address, port: port),
                                 interface: "lo", timestamping: .none, receiveBufferBytes: 4 << 20))
    }
}

/// Every MoldUDP64 datagram a listener received, as (session, sequence, count, bytes).
struct VSTPacket: Equatable {
    var session: String
    var sequence: UInt64
    var count: UInt16
    var bytes: [UInt8]
}

/// Reads raw datagrams from a ``UDPSocketQueue`` (no session logic): what went over the wire.
final class VSTRawListener {
    var queue: UDPSocketQueue
    var batch: RxBatch
    var packets: [VSTPacket] = []

    init(_ queue: consuming UDPSocketQueue) throws {
        self.queue = queue
        batch = try RxBatch(capacity: 32, slotSize: 2048)
    }

    func poll() {
        while let n = try? queue.receive(into: &batch), n > 0 {
            for i in 0..<n {
                let f = batch[i]
                let bytes = Array(f.bytes)
                guard bytes.count >= 20 else { continue }
                let session = String(decoding: bytes[0..<10], as: UTF8.self)
                var seq: UInt64 = 0
                for b in bytes[10..<18] { seq = seq << 8 | UInt64(b) }
                let count = UInt16(bytes[18]) << 8 | UInt16(bytes[19])
                packets.append(VSTPacket(session: session, sequence: seq, count: count, bytes: bytes))
            }
        }
    }
}

/// One OUCH firm logged in over SoupBinTCP: sends OUCH messages, collects its replies decoded.
final class VSTOUCHFirm: @unchecked Sendable {
    private let client: SoupBinTCPSocketClient
    private let lock = NSLock()
    private var _replies: [VSTOUCHReply] = []
    private var _sequences: [UInt64] = []
    private var _replyLengths: [Int] = []
    private var pump: Thread?

    /// Connects and logs in; from then on a thread of its own reads the connection and sends the
    /// firm's heartbeats, as a real firm's process would. Tests run on a cooperative pool as wide
    /// as the machine's cores (2 in CI): a firm stepped only by the test's task can fall silent
    /// for longer than the venue's idle timeout while other tests hold those threads, and be
    /// disconnected for it.
    init(port: UInt16, username: String, password: String) throws {
        client = try SoupBinTCPSocketClient(configuration: SoupBinTCPClientConfiguration(username: username, password: password)!, port: port)
        client.onSequenced = { [unowned self] seq, payload in
            // Called inside step(), with the lock held.
            _sequences.append(seq)
            _replyLengths.append(payload.count)
            _replies.append(VSTOUCHReply(payload))
        }
        let thread = Thread { [weak self] in
            while let firm = self, !Thread.current.isCancelled {
                firm.locked { firm.client.step(timeoutMilliseconds: 0) }
                usleep(200)
            }
        }
        thread.name = "firm \(username)"
        pump = thread
        thread.start()
    }

    deinit { pump?.cancel() }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    var replies: [VSTOUCHReply] { locked { _replies } }
    var sequences: [UInt64] { locked { _sequences } }
    /// Each reply's length in bytes (the SoupBinTCP Sequenced Data payload).
    var replyLengths: [Int] { locked { _replyLengths } }
    var isLoggedIn: Bool { locked { client.isLoggedIn } }
    var endOfSession: Bool { locked { client.endOfSession } }

    /// Reads and heartbeats now (the pump does it too).
    func step() { locked { client.step(timeoutMilliseconds: 0) } }

    @discardableResult
    func send(_ encode: (UnsafeMutableRawBufferPointer) -> Int) -> Bool { locked { client.send(maxPayload: 256, encode) } }
}

/// An OUCH 5.0 reply as the tests compare it.
enum VSTOUCHReply: Equatable {
    case accepted(ref: UInt32, qty: UInt32, price: Int64)
    case executed(ref: UInt32, qty: UInt32, price: Int64, added: Bool)
    case canceled(ref: UInt32, qty: UInt32, reason: UInt8)
    case rejected(ref: UInt32, reason: UInt16)
    case other(UInt8)

    init(_ raw: UnsafeRawBufferPointer) {
        guard let m = try? OUCHDecoder.parseOutbound(raw) else { self = .other(raw.first ?? 0); return }
        switch m {
        case .orderAccepted(let v): self = .accepted(ref: v.userRefNum, qty: v.quantity, price: v.price.rawValue)
        case .orderExecuted(let v): self = .executed(ref: v.userRefNum, qty: v.quantity, price: v.price.rawValue, added: v.liquidityFlag == .added)
        case .orderCanceled(let v): self = .canceled(ref: v.userRefNum, qty: v.quantity, reason: v.reason.rawValue)
        case .orderRejected(let v): self = .rejected(ref: v.userRefNum, reason: v.reason.rawValue)
        default: self = .other(raw.first ?? 0)
        }
    }
}

/// TOML for one test venue: instrument ZVZZT (locate 5) and VGA (locate 6), firms FIRM1/FIRM2
/// (firms 1 and 2, passwords from the environment given to the parser), market data to `group`,
/// re-requests and OUCH on ephemeral loopback ports.
func vstVenueTOML(name: String, session: String, group: IPv4Endpoint, latencyMicroseconds: Double = 0,
                  fix: String = "", extra: String = "") -> String {
    """
    stats_interval = 0
    [[venue]]
    name = "\(name)"
    market_data_session = "\(session)"
    wire_latency_us = \(latencyMicroseconds)
    heartbeat_ms = 50
    \(extra)
      [[venue.instrument]]
      locate = 5
      symbol = "ZVZZT"
      reference_price = "100.00"
      [[venue.instrument]]
      locate = 6
      symbol = "VGA"
      reference_price = "50.00"
      [venue.market_data]
      group = "\(group)"
      interface = "lo"
      ttl = 0
      [venue.rerequest]
      listen = "127.0.0.1:0"
      [venue.ouch]
      listen = "127.0.0.1:0"
      [[venue.firm]]
      firm = 1
      username = "FIRM1"
      password_env = "VST_FIRM1_PASSWORD"
      [[venue.firm]]
      firm = 2
      username = "FIRM2"
      password_env = "VST_FIRM2_PASSWORD"
    \(fix)

    """
}

let vstEnvironment = ["VST_FIRM1_PASSWORD": "one", "VST_FIRM2_PASSWORD": "two"]
