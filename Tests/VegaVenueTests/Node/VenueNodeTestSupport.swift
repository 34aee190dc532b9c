import Testing
import VegaCore
import VegaMarketData
import VegaOrderEntry
import VegaVenue

/// A small venue: two instruments, firms ALPHA (1) and BRAVO (2), optional background flow.
func vntConfiguration(flow: VenueNodeConfiguration.BackgroundFlow? = nil) -> VenueNodeConfiguration {
    VenueNodeConfiguration(
        name: "TESTV", marketDataSession: "TESTV00001", orderEntrySession: "TESTOE0001",
        instruments: [
            .init(locate: 1, symbol: Symbol("ZVZZT")!, referencePrice: Price4(rawValue: 100_000)),
            .init(locate: 2, symbol: Symbol("ZXZZT")!, referencePrice: Price4(rawValue: 2_500_000), tick: 100),
        ],
        firms: [
            .init(username: "ALPHA", password: "alphapass", firm: 1),
            .init(username: "BRAVO", password: "bravopass", firm: 2),
        ],
        backgroundFlow: flow)
}

/// Bytes the venue sent on one connection, and how it ended.
final class VNTPipe {
    var bytes: [UInt8] = []
    var closed: SoupBinTCPDisconnectReason?
}

/// Everything the venue published on its MoldUDP64 feed.
final class VNTPackets {
    var packets: [[UInt8]] = []
}

/// What a client session reported.
enum VNTClientEvent: Equatable {
    case loginAccepted(sequence: UInt64)
    case sequenced(sequence: UInt64, reply: VNTReply)
    case endOfSession
    case disconnect(SoupBinTCPDisconnectReason)
}

/// An OUCH reply, reduced to what the tests compare.
enum VNTReply: Equatable {
    case accepted(ref: UInt32, qty: UInt32, price: Int64, orderRef: UInt64)
    case executed(ref: UInt32, qty: UInt32, price: Int64, added: Bool)
    case canceled(ref: UInt32, qty: UInt32, reason: UInt8)
    case replaced(orig: UInt32, ref: UInt32, qty: UInt32, price: Int64, orderRef: UInt64)
    case rejected(ref: UInt32, reason: UInt16)
    case other

    init(_ raw: UnsafeRawBufferPointer) {
        guard let m = try? OUCHDecoder.parseOutbound(raw) else { self = .other; return }
        switch m {
        case .orderAccepted(let v): self = .accepted(ref: v.userRefNum, qty: v.quantity, price: v.price.rawValue, orderRef: v.orderReferenceNumber)
        case .orderExecuted(let v): self = .executed(ref: v.userRefNum, qty: v.quantity, price: v.price.rawValue, added: v.liquidityFlag == .added)
        case .orderCanceled(let v): self = .canceled(ref: v.userRefNum, qty: v.quantity, reason: v.reason.rawValue)
        case .orderReplaced(let v):
            self = .replaced(orig: v.origUserRefNum, ref: v.userRefNum, qty: v.quantity, price: v.price.rawValue, orderRef: v.orderReferenceNumber)
        case .orderRejected(let v): self = .rejected(ref: v.userRefNum, reason: v.reason.rawValue)
        default: self = .other
        }
    }
}

/// A firm's side of one connection to a `VenueNode`: Vega's own SoupBinTCP client session, the
/// bytes carried synchronously both ways by `exchange`.
struct VNTClient: ~Copyable {
    var session: SoupBinTCPClientSession
    let pipe: VNTPipe
    let id: VenueConnectionID
    var events: [VNTClientEvent] = []
    /// Sequence numbers of every Sequenced Data received, in order.
    var sequences: [UInt64] = []

    init(_ node: VenueNode, username: String, password: String, checkpoint: SoupBinTCPCheckpoint = .start, now: UInt64) {
        session = SoupBinTCPClientSession(configuration: SoupBinTCPClientConfiguration(username: username, password: password)!,
                                          checkpoint: checkpoint, now: now)
        let pipe = VNTPipe()
        self.pipe = pipe
        id = node.connect(send: { pipe.bytes += Array($0) }, closed: { pipe.closed = $0 })
    }

    /// Client → venue (what the client queued, split in two calls to exercise reassembly), then
    /// venue → client.
    mutating func exchange(_ node: VenueNode, now: UInt64) {
        let pending = Array(session.outbox.pending)
        session.outbox.consume(pending.count)
        if !pending.isEmpty {
            let cut = pending.count / 2
            pending[0..<cut].withUnsafeBytes { node.receive($0, on: id, now: now) }
            pending[cut...].withUnsafeBytes { node.receive($0, on: id, now: now) }
        }
        readReplies(now: now)
    }

    /// Delivers what the venue sent to the client session.
    mutating func readReplies(now: UInt64) {
        let bytes = pipe.bytes
        pipe.bytes = []
        var got: [VNTClientEvent] = []
        bytes.withUnsafeBytes { raw in
            session.receive(raw, now: now) { event in
                switch event {
                case .loginAccepted(_, let sequence): got.append(.loginAccepted(sequence: sequence))
                case .sequencedData(let sequence, let payload): got.append(.sequenced(sequence: sequence, reply: VNTReply(payload)))
                case .endOfSession: got.append(.endOfSession)
                case .disconnect(let reason): got.append(.disconnect(reason))
                case .unsequencedData, .debug: break
                }
            }
        }
        for case .sequenced(let sequence, _) in got { sequences.append(sequence) }
        events += got
    }

    /// Sends one OUCH message and exchanges.
    mutating func send(_ node: VenueNode, now: UInt64, _ encode: (UnsafeMutableRawBufferPointer) -> Int) {
        let queued = session.sendUnsequenced(maxPayload: 256, now: now, encode)
        #expect(queued)
        exchange(node, now: now)
    }

    /// The OUCH replies received since the last call.
    mutating func takeReplies() -> [VNTReply] {
        defer { events.removeAll { if case .sequenced = $0 { return true } else { return false } } }
        return events.compactMap { if case .sequenced(_, let r) = $0 { return r } else { return nil } }
    }
}

/// Vega's own market-data path: MoldUDP64 session → ITCH handler → order books.
struct VNTRecorder: MoldUDP64SessionOutput {
    var messages: [[UInt8]] = []
    var requests: [[UInt8]] = []
    var events: [MoldUDP64SessionEvent] = []

    mutating func deliver(message: UnsafeRawBufferPointer, sequence: UInt64, times: EventTimes) { messages.append(Array(message)) }

    mutating func request(session: MoldUDP64SessionID, sequence: UInt64, count: UInt16) {
        var bytes = [UInt8](repeating: 0, count: 20)
        let n = bytes.withUnsafeMutableBytes { MoldUDP64Encoder.request(into: $0, session: session, sequence: sequence, count: count) }
        requests.append(Array(bytes[0..<n]))
    }

    mutating func event(_ event: MoldUDP64SessionEvent) { events.append(event) }
}

/// Feeds ITCH messages to Vega's own handler and books, and expects the books to equal the
/// venue's engine level by level (price, shares, orders), with no decode or book rejects.
func vntExpectBooksRebuilt(from messages: [[UInt8]], equal engine: MatchingEngine, locates: [UInt16],
                           sourceLocation: SourceLocation = #_sourceLocation) {
    let books = OrderBooks(configuration: BookConfiguration(maxInstruments: 8, maxOrders: 1 << 16, maxLevels: 1 << 12, maxLevelsPerSide: 256),
                           output: NoBookOutput())
    var handler = ITCHHandler(sink: books)
    for m in messages {
        m.withUnsafeBytes { _ = handler.handle($0, stamps: EventTimes(exchange: Timestamp(nanoseconds: 0))) }
    }
    #expect(handler.decoder.counters.totalRejects == 0, sourceLocation: sourceLocation)
    #expect(handler.bookRejects.total == 0, sourceLocation: sourceLocation)
    let rebuilt = handler.takeSink()
    for l in locates {
        for side in [Side.buy, .sell] {
            let venue = engine.depth(l, side: side)
            let vega = (0..<rebuilt.levelCount(locate: l, side: side)).map { rebuilt.level(locate: l, side: side, index: $0)! }
            #expect(vega.map(\.price) == venue.map(\.price), "locate \(l) \(side)", sourceLocation: sourceLocation)
            #expect(vega.map(\.shares) == venue.map(\.quantity), "locate \(l) \(side)", sourceLocation: sourceLocation)
            #expect(vega.map(\.orders) == venue.map(\.orders), "locate \(l) \(side)", sourceLocation: sourceLocation)
        }
    }
}

/// The ITCH messages carried by MoldUDP64 packets, in order, without a session (no gap handling):
/// for tests that do not lose packets.
func vntMessages(in packets: [[UInt8]]) -> [[UInt8]] {
    var out: [[UInt8]] = []
    for p in packets {
        p.withUnsafeBytes { raw in
            guard case .packet(let packet) = MoldUDP64Packet.parse(raw) else { return }
            var it = packet.messages
            while let m = it.next() { out.append(Array(m)) }
        }
    }
    return out
}
