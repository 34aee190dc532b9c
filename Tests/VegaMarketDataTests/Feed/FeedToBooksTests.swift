import Testing
import VegaCore
import VegaHardware
import VegaHardwareSim
@testable import VegaMarketData

/// The whole market-data path on HardwareSim: a generated ITCH 5.0 session as MoldUDP64 packets,
/// on two impaired lines (A and B) plus a re-request server, through the feed handler, the
/// decoder and the books — which must end identical to books built from the same session's file.
@Suite("Feed → ITCH → books, end to end")
struct FeedToBooksTests {
    static let configuration = BookConfiguration(maxInstruments: 8_192, maxOrders: 1 << 18, maxLevels: 1 << 18)

    @Test("A/B lines with loss, reordering and duplication, plus recovery: the books end identical to the books built from the session file")
    func impairedLinesBuildTheSameBooks() throws {
        let generator = try ITCHGenerator(ITCHGeneratorConfiguration(seed: 77, messages: 60_000, symbols: 300))
        var packets = try MoldUDP64Packetizer(output: MoldUDP64MemorySink(), session: "VEGAGEN001", maximumPacketSize: 1200)
        var file = ITCHMemorySink()
        var both = ITCHTeeSink(packets, file)
        _ = try generator.generate(into: &both, progress: { _ in })
        try both.finish()
        packets = both.first
        file = both.second
        let wire = packets.output.packets
        #expect(wire.count > 1_000)

        // Reference: the same messages straight from the file framing.
        var expected = ITCHHandler(sink: OrderBooks(configuration: Self.configuration))
        try file.bytes.withUnsafeBytes { raw throws in
            var reader = ITCHFileReader(unsafeBytes: raw)
            let stamps = EventTimes(exchange: Timestamp(nanoseconds: 0))
            while case .message(let m) = reader.next() { _ = expected.handle(m, stamps: stamps) }
        }

        let clock = SimClock()
        let phc = SimPHC(clock: clock, .init(driftPPB: 50))
        let impaired = SimImpairments(lossProbability: 0.03, duplicationProbability: 0.02, reorderProbability: 0.04,
                                      maxReorderDisplacement: 3, delayNanoseconds: 4_000, jitterNanoseconds: 1_000)
        func line(_ id: UInt16, _ seed: UInt64, _ imp: SimImpairments) -> SimFrameQueue {
            SimFrameQueue(clock: clock, phc: phc, .init(capacity: 8192, slotSize: 1500, impairments: imp, seed: seed,
                                                        softwareStampLatencyNanoseconds: 600, queueID: id))
        }
        let sessionID = try #require(MoldUDP64SessionID("VEGAGEN001"))
        var feed = try FeedHandler(
            session: MoldUDP64SessionConfiguration(session: sessionID, reorderCapacity: 8192, reorderSlotBytes: 64,
                                                   requestDelayNanoseconds: 20_000, requestTimeoutNanoseconds: 200_000,
                                                   maxRetries: 8, maxMessagesPerRequest: 200),
            lineA: line(0, 1, impaired), lineB: line(1, 2, impaired), recovery: line(2, 3, SimImpairments(delayNanoseconds: 2_000)),
            consumer: ITCHHandler(sink: OrderBooks(configuration: Self.configuration)))
        var serverQueue = SimFrameQueue(clock: clock, .init(capacity: 1024, slotSize: 1500, seed: 9, txCapacity: 1024))
        var server = MoldUDP64RequestServer(session: sessionID, capacity: 1 << 17, slotBytes: 64, maxPayload: 1200)
        var serverBatch = try RxBatch(capacity: 16, slotSize: 1500)
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
        defer { scratch.deallocate() }

        func step() throws {
            clock.advance(by: 1_000)
            _ = feed.poll(now: clock.now.nanoseconds)
            while let request = feed.recovery!.readOutbound() { serverQueue.inject(request) }
            _ = try server.serve(on: &serverQueue, batch: &serverBatch, scratch: scratch)
            while let answer = serverQueue.readOutbound() { feed.recovery!.inject(answer) }
        }
        for p in wire {
            // The server keeps what was published; both lines carry every packet.
            p.withUnsafeBytes { raw in
                if case .packet(let parsed) = MoldUDP64Packet.parse(raw) { server.record(packet: parsed) }
            }
            feed.lineA.inject(p)
            feed.lineB!.inject(p)
            try step()
        }
        var rounds = 0
        while !feed.session.hasEnded && rounds < 200_000 {
            try step()
            rounds += 1
        }
        for _ in 0..<1_000 { try step() }   // drain anything still in flight

        let c = feed.session.counters
        let ended = feed.session.hasEnded
        #expect(ended)
        #expect(c.giveUps == 0 && c.lostMessages == 0)
        #expect(c.delivered == UInt64(file.messageCount), "every message delivered once")
        #expect(c.retransmission.firstCopies > 0, "some losses hit both lines and were recovered")
        let decodeRejects = feed.output.consumer.decoder.counters.totalRejects
        let bookRejects = feed.output.consumer.bookRejects.total
        #expect(decodeRejects == 0)
        #expect(bookRejects == 0)
        let got = TopOfBookCSV.rows(feed.output.consumer.sink), want = TopOfBookCSV.rows(expected.sink)
        #expect(got.count == 301)
        #expect(got == want, "first difference: \(zip(got, want).first { $0 != $1 }.map { "\($0)" } ?? "count")")
        let gotOrders = feed.output.consumer.sink.orderCount, wantOrders = expected.sink.orderCount
        #expect(gotOrders == wantOrders)
    }
}

@Suite("Capture → replay → books")
struct ReplayToBooksTests {
    @Test("a pcap of a generated session replays through the feed handler into books identical to the file's")
    func replayBuildsTheSameBooks() throws {
        let generator = try ITCHGenerator(ITCHGeneratorConfiguration(seed: 5, messages: 40_000, symbols: 200))
        var both = ITCHTeeSink(try MoldUDP64Packetizer(output: MoldUDP64MemorySink(), session: "VEGAGEN001"), ITCHMemorySink())
        _ = try generator.generate(into: &both, progress: { _ in })
        try both.finish()
        let directory = try TemporaryDirectory()
        let path = directory.path + "/feed.pcap"
        let group = try IPv4Endpoint("239.198.18.9:26400")
        var writer = try PcapWriter(path: path, .init(destination: group))
        for (i, packet) in both.first.output.packets.enumerated() {
            packet.withUnsafeBytes { raw in
                writer.writeUDP(payload: raw, timestampNanoseconds: 1_700_000_000_000_000_000 + UInt64(i) * 1_000,
                                source: try! IPv4Endpoint("198.18.0.1:5000"), timestampSource: .software)
            }
        }
        try writer.close()

        var replay = try PcapBooks(path: path, filter: CaptureFilter(destinationPort: 26400),
                                   configuration: FeedToBooksTests.configuration)
        replay.run()
        let c = replay.feed.session.counters
        #expect(c.delivered == UInt64(both.second.messageCount))
        #expect(c.gaps == 0 && c.giveUps == 0)

        var expected = ITCHHandler(sink: OrderBooks(configuration: FeedToBooksTests.configuration))
        both.second.bytes.withUnsafeBytes { raw in
            var reader = ITCHFileReader(unsafeBytes: raw)
            while case .message(let m) = reader.next() { _ = expected.handle(m, stamps: EventTimes(exchange: Timestamp(nanoseconds: 0))) }
        }
        let got = TopOfBookCSV.rows(replay.feed.output.consumer.sink), want = TopOfBookCSV.rows(expected.sink)
        #expect(got.count == 201)
        #expect(got == want)
    }
}

@Suite("Book events carry all three clocks")
struct BookEventTimesTests {
    @Test("every book update from a feed carries the exchange time of its message and the NIC and kernel stamps of its frame")
    func updatesCarryExchangeNICAndKernelTimes() throws {
        let generator = try ITCHGenerator(ITCHGeneratorConfiguration(seed: 3, messages: 3_000, symbols: 20))
        var packets = try MoldUDP64Packetizer(output: MoldUDP64MemorySink(), session: "VEGAGEN001")
        _ = try generator.generate(into: &packets, progress: { _ in })
        try packets.finish()
        let clock = SimClock()
        let phc = SimPHC(clock: clock, .init(initialOffsetNanoseconds: 37_000_000_000))
        var feed = try FeedHandler(
            session: MoldUDP64SessionConfiguration(),
            lineA: SimFrameQueue(clock: clock, phc: phc, .init(capacity: 4096, slotSize: 1500)), lineB: nil as SimFrameQueue?,
            recovery: nil as SimFrameQueue?,
            consumer: ITCHHandler(sink: OrderBooks(configuration: BookConfiguration(maxInstruments: 64, maxOrders: 1 << 14, maxLevels: 1 << 14),
                                                   output: BookUpdateBuffer(capacity: 1 << 16))))
        var seen = 0, complete = 0
        for p in packets.output.packets {
            feed.lineA.inject(p)
            clock.advance(by: 10_000)
            _ = feed.poll(now: clock.now.nanoseconds)
            feed.output.consumer.sink.output.withUpdates { updates in
                for u in updates where u.kind == .level {
                    seen += 1
                    if u.times.hasNIC && u.times.hasKernel && u.times.exchange.nanoseconds > 0
                        && u.times.nicNanoseconds > u.times.kernelNanoseconds {   // PHC runs TAI, 37 s ahead
                        complete += 1
                    }
                }
            }
            feed.output.consumer.sink.output.removeAll()
        }
        #expect(seen > 1_000)
        #expect(complete == seen)
    }
}
