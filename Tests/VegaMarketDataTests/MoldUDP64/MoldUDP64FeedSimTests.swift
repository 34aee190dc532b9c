import Testing
import VegaCore
import VegaHardware
import VegaHardwareSim
import VegaMarketData
import VegaTestSupport

/// Every frame a feed handler received, in the order it received them, with the stamps the
/// queue gave it: the ground truth for "each message carries its own frame's stamps".
final class FrameLog {
    struct Entry {
        var first: UInt64
        var count: Int
        var times: EventTimes
    }
    var entries: [Entry] = []
}

/// A `SimFrameQueue` that logs what it hands out (tests only: it allocates).
struct LoggedQueue: PacketQueue, ~Copyable {
    var inner: SimFrameQueue
    let log: FrameLog

    mutating func receive(into batch: inout RxBatch) throws(HardwareError) -> Int {
        let n = try inner.receive(into: &batch)
        for i in 0..<n {
            let f = batch[i]
            if case .packet(let p) = MoldUDP64Packet.parse(f.bytes, truncated: f.isTruncated), p.kind == .data {
                log.entries.append(.init(first: p.sequence, count: p.messageCount,
                                         times: FeedHandler<LoggedQueue, LoggedQueue, RecordingConsumer>.times(of: f)))
            }
        }
        return n
    }

    mutating func transmit(_ frame: UnsafeRawBufferPointer) throws(HardwareError) -> UInt32 { try inner.transmit(frame) }
    mutating func drainTxTimestamps(into stamps: UnsafeMutableBufferPointer<TxTimestamp>) throws(HardwareError) -> Int {
        try inner.drainTxTimestamps(into: stamps)
    }
    var info: PacketQueueInfo { inner.info }
}

@Suite struct MoldUDP64FeedSimTests {
    static let impaired = SimImpairments(
        lossProbability: 0.04, duplicationProbability: 0.02, reorderProbability: 0.05, maxReorderDisplacement: 3,
        delayNanoseconds: 5_000, jitterNanoseconds: 2_000)

    @Test("over HardwareSim A/B lines with loss, reorder and duplication plus a re-request server: every message once, in order, with its frame's NIC and kernel stamps",
          arguments: [7, 8] as [UInt64])
    func endToEnd(seed: UInt64) throws {
        let clock = SimClock()
        let phc = SimPHC(clock: clock, .init(driftPPB: 100))
        let log = FrameLog()
        func queue(_ id: UInt16, _ imp: SimImpairments, _ s: UInt64) -> SimFrameQueue {
            SimFrameQueue(clock: clock, phc: phc, .init(capacity: 8192, slotSize: 1500, impairments: imp, seed: s,
                                                        softwareStampLatencyNanoseconds: 700, queueID: id))
        }
        let config = MoldUDP64SessionConfiguration(
            session: testSession, reorderCapacity: 4096, reorderSlotBytes: 64, requestDelayNanoseconds: 20_000,
            requestTimeoutNanoseconds: 200_000, maxRetries: 5, maxMessagesPerRequest: 200)
        var handler = try FeedHandler(
            session: config,
            lineA: LoggedQueue(inner: queue(0, Self.impaired, seed), log: log),
            lineB: LoggedQueue(inner: queue(1, Self.impaired, seed &* 31 &+ 1), log: log),
            recovery: LoggedQueue(inner: queue(2, SimImpairments(delayNanoseconds: 3_000), seed &+ 99), log: log),
            consumer: RecordingConsumer())
        // The re-request server's side of the unicast path.
        var serverQueue = SimFrameQueue(clock: clock, .init(capacity: 1024, slotSize: 1500, seed: seed &+ 7, txCapacity: 1024))
        var server = MoldUDP64RequestServer(session: testSession, capacity: 1 << 16, slotBytes: 64, maxPayload: 1200)
        var serverBatch = try RxBatch(capacity: 16, slotSize: 1500)
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
        defer { scratch.deallocate() }
        var packet = [UInt8](repeating: 0, count: 1400)
        var rng = SplitMix64(seed: seed)

        func step() throws {
            clock.advance(by: 1_000)
            _ = handler.poll(now: clock.now.nanoseconds)
            while let request = handler.recovery!.inner.readOutbound() { serverQueue.inject(request) }
            _ = try server.serve(on: &serverQueue, batch: &serverBatch, scratch: scratch)
            while let answer = serverQueue.readOutbound() { handler.recovery!.inner.inject(answer) }
        }

        let total: UInt64 = 30_000
        var next: UInt64 = 1
        while next <= total {
            let n = min(UInt64.random(in: 1...8, using: &rng), total - next + 1)
            let length = packet.withUnsafeMutableBytes { out -> Int in
                var e = MoldUDP64Encoder(into: out, session: testSession, sequence: next)
                for q in next..<(next + n) {
                    let m = Synthetic.message(q, length: Int.random(in: 8...40, using: &rng))
                    m.withUnsafeBytes { _ = server.append($0); e.append($0) }
                }
                return e.finish()
            }
            let bytes = Array(packet[0..<length])
            handler.lineA.inner.inject(bytes)
            handler.lineB!.inner.inject(bytes)
            next += n
            try step()
        }
        let hb = packet.withUnsafeMutableBytes { MoldUDP64Encoder.endOfSession(into: $0, session: testSession, nextSequence: total + 1) }
        handler.lineA.inner.inject(Array(packet[0..<hb]))
        handler.lineB!.inner.inject(Array(packet[0..<hb]))
        var rounds = 0
        while (handler.output.consumer.sequences.count < Int(total) || !handler.session.hasEnded) && rounds < 100_000 {
            try step()
            rounds += 1
        }

        let consumer = handler.output.consumer
        #expect(consumer.sequences == Array(1...total))
        #expect(consumer.badPayloads == 0)
        #expect(consumer.staleMarks.isEmpty)
        // Each message carries the stamps of the first frame that brought it.
        var firstFrame = [EventTimes?](repeating: nil, count: Int(total) + 1)
        for e in log.entries {
            for q in e.first..<(e.first + UInt64(e.count)) where firstFrame[Int(q)] == nil { firstFrame[Int(q)] = e.times }
        }
        var mismatched = 0
        for (i, t) in consumer.times.enumerated() where firstFrame[i + 1] != t || !t.hasNIC || !t.hasKernel { mismatched += 1 }
        #expect(mismatched == 0)
        let c = handler.session.counters
        #expect(c.delivered == total && c.lostMessages == 0 && c.giveUps == 0)
        #expect(c.lineA.firstCopies + c.lineB.firstCopies + c.retransmission.firstCopies == total)
        #expect(c.lineA.messages + c.lineB.messages + c.retransmission.messages
                == total + c.duplicates + c.tooLargeToBuffer)
        #expect(c.endOfSessionPackets >= 1 && handler.session.hasEnded)
        #expect(handler.counters.requestsSent == c.requests)
        // Both lines lost some packets, and the server filled the double losses.
        #expect(handler.lineA.inner.counters.dropped > 0 && handler.lineB!.inner.counters.dropped > 0)
        #expect(c.retransmission.firstCopies > 0 && server.counters.answered > 0)
    }

    @Test("over HardwareSim with no server answering: the feed handler re-sends exact request packets, then gives up and marks the books stale")
    func giveUpMarksStale() throws {
        let clock = SimClock()
        let config = MoldUDP64SessionConfiguration(
            session: testSession, requestDelayNanoseconds: 0, requestTimeoutNanoseconds: 10_000, maxRetries: 1,
            maxMessagesPerRequest: 50)
        var handler = try FeedHandler(
            session: config, lineA: SimFrameQueue(clock: clock), lineB: nil as SimFrameQueue?,
            recovery: SimFrameQueue(clock: clock), consumer: RecordingConsumer())
        handler.lineA.inject(Wire.packet(1, messages(1...2)))
        handler.lineA.inject(Wire.packet(6, messages(6...6)))
        var sent: [[UInt8]] = []
        for _ in 0..<30 {
            _ = handler.poll(now: clock.now.nanoseconds)
            while let r = handler.recovery!.readOutbound() { sent.append(r) }
            clock.advance(by: 1_000)
        }
        #expect(sent == [Wire.request(3, 3), Wire.request(3, 3)])
        #expect(handler.output.consumer.sequences == [1, 2, 6])
        #expect(handler.output.consumer.staleMarks == [nil])
        #expect(handler.output.recentEvents.contains(.gaveUp(first: 3, count: 3)))
        #expect(handler.counters.requestsSent == 2 && handler.session.counters.staleMarks == 1)
    }
}
