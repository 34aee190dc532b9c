import Testing
import VegaCore
import VegaMarketData
import VegaVenue

@Suite struct VenueMoldFeedTests {
    /// Runs background flow through the publisher into both a memory sink (the truth) and a
    /// MoldUDP64 feed, and returns the truth's messages, the packets and the feed.
    func runVenue(steps: Int) throws -> (truth: [[UInt8]], packets: [[UInt8]], feed: VenueMoldFeed) {
        var engine = MatchingEngine()
        for l: UInt16 in [1, 2, 3] { engine.addInstrument(l) }
        var packets: [[UInt8]] = []
        let feed = VenueMoldFeed(session: MoldUDP64SessionID("VENUE00001")!, transmit: { packets.append(Array($0)) })
        let truth = VenueITCHPublisher(sink: ITCHMemorySink(), symbols: [1: Symbol("AAA")!, 2: Symbol("BBB")!, 3: Symbol("CCC")!])
        let wire = VenueITCHPublisher(sink: feed, symbols: truth.symbols)
        try truth.startOfDay(at: Timestamp(nanoseconds: 1))
        try wire.startOfDay(at: Timestamp(nanoseconds: 1))
        feed.flush()
        var flow = VenueBackgroundFlow(configuration: .init(seed: 3), locates: [1, 2, 3])
        for i in 0..<steps {
            var events: [VenueEvent] = []
            flow.step(&engine, into: &events)
            for e in events {
                try truth.publish(e, at: Timestamp(nanoseconds: UInt64(i) * 100))
                try wire.publish(e, at: Timestamp(nanoseconds: UInt64(i) * 100))
            }
            if i % 7 == 0 { feed.flush() }
            if i % 1000 == 999 { feed.heartbeat() }
        }
        try truth.endOfDay(at: Timestamp(nanoseconds: UInt64(steps) * 100))
        try wire.endOfDay(at: Timestamp(nanoseconds: UInt64(steps) * 100))
        try wire.finish()
        var messages: [[UInt8]] = []
        let bytes = truth.sink.bytes
        var o = 0
        while o + 2 <= bytes.count {
            let n = Int(bytes[o]) << 8 | Int(bytes[o + 1])
            messages.append(Array(bytes[(o + 2)..<(o + 2 + n)]))
            o += 2 + n
        }
        return (messages, packets, feed)
    }

    @Test func packetsCarryEveryMessageInOrderWithContiguousSequenceNumbers() throws {
        let (truth, packets, feed) = try runVenue(steps: 5_000)
        var next: UInt64 = 1
        var carried: [[UInt8]] = []
        var heartbeats = 0
        var ended = false
        for p in packets {
            #expect(p.count <= 1400)
            p.withUnsafeBytes { raw in
                guard case .packet(let packet) = MoldUDP64Packet.parse(raw) else { Issue.record("malformed packet"); return }
                #expect(packet.session == feed.session)
                #expect(!ended, "nothing after the end of session")
                switch packet.kind {
                case .heartbeat:
                    heartbeats += 1
                    #expect(packet.sequence == next)
                case .endOfSession:
                    ended = true
                    #expect(packet.sequence == next)
                default:
                    #expect(packet.sequence == next)
                    var it = packet.messages
                    while let m = it.next() { carried.append(Array(m)) }
                    next = packet.nextSequence
                }
            }
        }
        #expect(ended)
        #expect(heartbeats == 5)
        #expect(carried == truth)
        #expect(feed.nextSequence == UInt64(truth.count) + 1)
    }

    @Test func aLostPacketIsRecoveredFromTheRequestServerByteForByte() throws {
        let (truth, packets, feed) = try runVenue(steps: 2_000)
        // Pretend the 10th data packet was lost: ask for its messages.
        let lost = try #require(packets.dropFirst(10).first)
        let (sequence, count): (UInt64, UInt16) = lost.withUnsafeBytes { raw in
            guard case .packet(let p) = MoldUDP64Packet.parse(raw) else { return (0, 0) }
            return (p.sequence, p.count)
        }
        #expect(count > 0)
        let request = UnsafeMutableRawBufferPointer.allocate(byteCount: 20, alignment: 8)
        defer { request.deallocate() }
        _ = MoldUDP64Encoder.request(into: request, session: feed.session, sequence: sequence, count: count)
        var replies: [[UInt8]] = []
        let answer = feed.answer(request: UnsafeRawBufferPointer(request)) { replies.append(Array($0)) }
        guard case .packet(_, let first, let n) = answer else { Issue.record("no answer: \(answer)"); return }
        #expect(first == sequence)
        #expect(n == Int(count))
        var recovered: [[UInt8]] = []
        replies[0].withUnsafeBytes { raw in
            if case .packet(let p) = MoldUDP64Packet.parse(raw) {
                var it = p.messages
                while let m = it.next() { recovered.append(Array(m)) }
            }
        }
        #expect(recovered == Array(truth[Int(sequence - 1)..<Int(sequence - 1) + Int(count)]))
    }
}
