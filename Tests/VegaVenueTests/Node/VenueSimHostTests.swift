import Glibc
import Testing
import VegaCore
import VegaHardware
import VegaHardwareSim
import VegaMarketData
import VegaOrderEntry
import VegaVenue

/// One ITCH message the engine side received, and when (CLOCK_MONOTONIC ns).
struct VNTArrival {
    var bytes: [UInt8]
    var arrival: UInt64
}

/// The engine's side of a `VenueSimHost`: the market-data ring and ALPHA's order-entry ring
/// opened with `SharedMemoryFrameQueue(path:)`, as the engine opens them, and Vega's SoupBinTCP
/// client over the order-entry ring.
struct VNTEngineSide: ~Copyable {
    var md: SharedMemoryFrameQueue
    var oe: SharedMemoryFrameQueue
    var batch: RxBatch
    var client: SoupBinTCPClientSession
    var messages: [VNTArrival] = []
    var marketDataEnded = false
    var replies: [(event: VNTClientEvent, arrival: UInt64)] = []
    /// The OUCH timestamp (ns since midnight) of each Sequenced Data, by sequence number.
    var replyTimes: [UInt64: UInt64] = [:]

    init(host: VenueSimHost) throws {
        let path = try #require(host.orderEntryPath(firm: "alpha"))
        let md = try SharedMemoryFrameQueue(path: host.marketDataPath)
        let oe = try SharedMemoryFrameQueue(path: path)
        let batch = try RxBatch(capacity: 64, slotSize: 2048)
        self.md = md
        self.oe = oe
        self.batch = batch
        client = SoupBinTCPClientSession(configuration: SoupBinTCPClientConfiguration(username: "ALPHA", password: "alphapass")!,
                                         checkpoint: .start, now: Timestamp<Monotonic>.now().nanoseconds)
    }

    /// Reads both rings once, hands order-entry bytes to the client, sends what it queued.
    mutating func pollOnce() throws {
        let n = try md.receive(into: &batch)
        var now = Timestamp<Monotonic>.now().nanoseconds
        for i in 0..<n {
            let packet = Array(batch[i].bytes)
            packet.withUnsafeBytes { raw in
                guard case .packet(let p) = MoldUDP64Packet.parse(raw) else { Issue.record("malformed MoldUDP64 packet"); return }
                if p.kind == .endOfSession { marketDataEnded = true }
                var it = p.messages
                while let m = it.next() { messages.append(VNTArrival(bytes: Array(m), arrival: now)) }
            }
        }
        let m = try oe.receive(into: &batch)
        now = Timestamp<Monotonic>.now().nanoseconds
        var got: [VNTClientEvent] = []
        for i in 0..<m {
            client.receive(batch[i].bytes, now: now) { event in
                switch event {
                case .loginAccepted(_, let sequence): got.append(.loginAccepted(sequence: sequence))
                case .sequencedData(let sequence, let payload):
                    got.append(.sequenced(sequence: sequence, reply: VNTReply(payload)))
                    // Every OUCH outbound message carries its timestamp at offset 1 (8 bytes).
                    if payload.count >= 9 { replyTimes[sequence] = (1..<9).reduce(UInt64(0)) { $0 << 8 | UInt64(payload[$1]) } }
                case .endOfSession: got.append(.endOfSession)
                case .disconnect(let reason): got.append(.disconnect(reason))
                case .unsequencedData, .debug: break
                }
            }
        }
        replies += got.map { ($0, now) }
        client.poll(now: now) { _ in }
        try flush()
    }

    /// Transmits the client's queued bytes, a slot at a time.
    mutating func flush() throws {
        while !client.outbox.isEmpty {
            let n = min(client.outbox.count, 2048)
            _ = try oe.transmit(UnsafeRawBufferPointer(rebasing: client.outbox.pending[0..<n]))
            client.outbox.consume(n)
        }
    }

    /// Polls until `condition` holds, for at most 20 s (a generous bound on a loaded machine;
    /// nothing is asserted about how long it took).
    mutating func wait(_ condition: (borrowing VNTEngineSide) -> Bool) throws -> Bool {
        let deadline = Timestamp<Monotonic>.now().nanoseconds + 20_000_000_000
        while !condition(self) {
            if Timestamp<Monotonic>.now().nanoseconds > deadline { return false }
            try pollOnce()
            var ts = timespec(tv_sec: 0, tv_nsec: 50_000)
            nanosleep(&ts, nil)
        }
        return true
    }
}

@Suite struct VenueSimHostTests {
    static func directory() -> String {
        "/tmp/vega-venuesimhost-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    }

    static func remove(_ host: VenueSimHost) {
        unlink(host.marketDataPath)
        for firm in host.configuration.firms { if let p = host.orderEntryPath(firm: firm.username) { unlink(p) } }
        rmdir(host.directory)
    }

    @Test func anEngineLogsInEntersAnOrderAndSeesItOnTheFeedEachWayNoSoonerThanTheWireLatency() throws {
        let latency: UInt64 = 120_000
        let host = try VenueSimHost(configuration: vntConfiguration(), directory: Self.directory(), wireLatencyNanoseconds: latency)
        defer { Self.remove(host) }
        var engine = try VNTEngineSide(host: host)
        host.start()
        let openedAt = try #require(host.openedAt)

        // The start of day reaches the engine on the market-data ring.
        let waited1 = try engine.wait { $0.messages.contains { $0.bytes.first == UInt8(ascii: "S") && $0.bytes[11] == UInt8(ascii: "Q") } }
        #expect(waited1)
        let directory = engine.messages.filter { $0.bytes.first == UInt8(ascii: "R") }
        #expect(directory.count == 2)
        let firstArrival = try #require(engine.messages.first?.arrival)
        #expect(firstArrival >= openedAt + latency)

        // Login over the order-entry ring.
        try engine.flush()
        let waited2 = try engine.wait { $0.replies.contains { $0.event == .loginAccepted(sequence: 1) } }
        #expect(waited2)

        // One order: the venue stamps its Accepted when it processes the order; that is at least
        // the latency after the engine sent it, and the Accepted reaches the engine at least the
        // latency after that.
        let symbol = OUCHSymbol("ZVZZT")!
        let queued = engine.client.sendUnsequenced(maxPayload: 128, now: Timestamp<Monotonic>.now().nanoseconds) {
            OUCHEnterOrder(userRefNum: 1, side: .buy, quantity: 100, symbol: symbol, price: Price4(rawValue: 99_000)).encode(into: $0)
        }
        #expect(queued)
        let sentAt = Timestamp<Monotonic>.now().nanoseconds
        try engine.flush()
        let waited3 = try engine.wait { $0.replies.contains { if case .sequenced = $0.event { true } else { false } } }
        #expect(waited3)
        let accepted = try #require(engine.replies.first { if case .sequenced = $0.event { true } else { false } })
        guard case .sequenced(1, .accepted(1, 100, 99_000, let orderReference)) = accepted.event else {
            Issue.record("expected Accepted, got \(accepted.event)")
            return
        }
        // The OUCH timestamp of the Accepted, as read from the wire.
        let acceptedStamp = try #require(engine.replyTimes[1])
        let venueTime = try #require(host.monotonicTime(ofTimeOfDay: acceptedStamp))
        #expect(venueTime >= sentAt + latency, "engine → venue")
        #expect(accepted.arrival >= venueTime + latency, "venue → engine (order entry)")

        // The order on the feed: an Add Order with the same reference, stamped when it rested.
        let waited4 = try engine.wait { $0.messages.contains { $0.bytes.first == UInt8(ascii: "A") && itchReference($0.bytes) == orderReference } }
        #expect(waited4)
        let add = try #require(engine.messages.first { $0.bytes.first == UInt8(ascii: "A") && itchReference($0.bytes) == orderReference })
        let published = try #require(host.monotonicTime(ofTimeOfDay: itchTimestamp(add.bytes)))
        #expect(published == venueTime)
        #expect(add.arrival >= published + latency, "venue → engine (market data)")

        // Stop: the session ends on both rings and the thread is joined.
        let statistics = host.stop()
        #expect(statistics.logins == 1)
        #expect(statistics.ordersAccepted == 1)
        #expect(statistics.ouchMessages == 1)
        let waited5 = try engine.wait { $0.marketDataEnded && $0.replies.contains { $0.event == .endOfSession } }
        #expect(waited5)
        #expect(engine.replies.contains { $0.event == .sequenced(sequence: 2, reply: .canceled(ref: 1, qty: 100, reason: OUCHCancelReason.closed.rawValue)) })
        let systemEvents = engine.messages.filter { $0.bytes.first == UInt8(ascii: "S") }.map { $0.bytes[11] }
        #expect(systemEvents == Array("OSQMEC".utf8))
        #expect(host.stop() == statistics, "a second stop returns the same figures")
    }

    @Test func aLostMarketDataPacketIsReRequestedOnTheMarketDataRingAndAnswered() throws {
        var c = vntConfiguration(flow: .init(seed: 3, messagesPerSecond: 2_000))
        c.firms = []
        let host = try VenueSimHost(configuration: c, directory: Self.directory(), wireLatencyNanoseconds: 50_000)
        defer { Self.remove(host) }
        var md = try SharedMemoryFrameQueue(path: host.marketDataPath)
        var batch = try RxBatch(capacity: 64, slotSize: 2048)
        host.start()
        // Take packets until one carries messages from sequence 10 on; ask for 1…5 again.
        var request = [UInt8](repeating: 0, count: 20)
        let n = request.withUnsafeMutableBytes { MoldUDP64Encoder.request(into: $0, session: MoldUDP64SessionID("TESTV00001")!, sequence: 1, count: 5) }
        _ = try request[0..<n].withUnsafeBytes { try md.transmit($0) }
        var answer: [[UInt8]] = []
        let deadline = Timestamp<Monotonic>.now().nanoseconds + 20_000_000_000
        var first: [[UInt8]] = []
        while answer.isEmpty && Timestamp<Monotonic>.now().nanoseconds < deadline {
            let got = try md.receive(into: &batch)
            for i in 0..<got {
                let bytes = Array(batch[i].bytes)
                bytes.withUnsafeBytes { raw in
                    guard case .packet(let p) = MoldUDP64Packet.parse(raw) else { return }
                    var it = p.messages
                    var messages: [[UInt8]] = []
                    while let m = it.next() { messages.append(Array(m)) }
                    if p.sequence == 1 && first.isEmpty { first = messages } else if p.sequence == 1 { answer = messages }
                }
            }
            var ts = timespec(tv_sec: 0, tv_nsec: 50_000)
            nanosleep(&ts, nil)
        }
        let statistics = host.stop()
        #expect(statistics.reRequestsAnswered == 1)
        #expect(answer.count == 5)
        #expect(answer == Array(first.prefix(5)))
    }
}

/// The order reference of an ITCH Add Order (offset 11, 8 bytes).
func itchReference(_ m: [UInt8]) -> UInt64 { m[11..<19].reduce(0) { $0 << 8 | UInt64($1) } }

/// An ITCH message's timestamp (offset 5, 6 bytes).
func itchTimestamp(_ m: [UInt8]) -> UInt64 { m[5..<11].reduce(0) { $0 << 8 | UInt64($1) } }
