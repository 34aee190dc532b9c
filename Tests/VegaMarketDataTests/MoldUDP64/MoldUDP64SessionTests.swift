import Testing
import VegaCore
import VegaMarketData
import VegaTestSupport

/// Frame stamps that name the frame: kernel stamp `k`, NIC stamp `k + 1_000_000`.
func frame(_ k: UInt64) -> EventTimes {
    EventTimes(exchange: Timestamp(nanoseconds: 0), nicNanoseconds: k + 1_000_000, kernelNanoseconds: k,
               hasNIC: true, hasKernel: true)
}

func messages(_ range: ClosedRange<UInt64>) -> [[UInt8]] { range.map { Synthetic.message($0) } }

@Suite struct MoldUDP64SessionTests {
    static let config = MoldUDP64SessionConfiguration(
        session: nil, initialSequence: 1, reorderCapacity: 64, reorderSlotBytes: 64, requestDelayNanoseconds: 1_000,
        requestTimeoutNanoseconds: 10_000, maxRetries: 2, maxMessagesPerRequest: 100)

    @Test("in-order packets are delivered in order with their sequence numbers, bytes and frame times")
    func inOrder() {
        var s = MoldUDP64Session(Self.config)
        var out = Recorder()
        s.feed(Wire.packet(1, messages(1...2)), now: 0, times: frame(10), into: &out)
        s.feed(Wire.packet(3, messages(3...5)), now: 1, times: frame(20), into: &out)
        #expect(out.sequences == [1, 2, 3, 4, 5])
        #expect(out.delivered.map(\.bytes) == messages(1...5))
        #expect(out.delivered.map(\.times) == [frame(10), frame(10), frame(20), frame(20), frame(20)])
        #expect(out.events == [.sessionChanged(from: nil, to: testSession)])
        #expect(out.requests.isEmpty)
        #expect(s.counters.delivered == 5 && s.counters.gaps == 0 && s.counters.duplicates == 0)
        #expect(s.counters.lineA.packets == 2 && s.counters.lineA.messages == 5 && s.counters.lineA.firstCopies == 5)
        #expect(s.nextSequence == 6)
    }

    @Test("a gap is detected on the packet that reveals it, requested after the delay, and filled by retransmission")
    func gapFilledByRetransmission() {
        var s = MoldUDP64Session(Self.config)
        var out = Recorder()
        s.feed(Wire.packet(1, messages(1...2)), now: 0, times: frame(1), into: &out)
        s.feed(Wire.packet(5, messages(5...6)), now: 10, times: frame(2), into: &out)
        #expect(out.events.last == .gapDetected(first: 3, count: 2, line: .a))
        #expect(out.sequences == [1, 2])
        #expect(out.requests.isEmpty)  // the other line gets requestDelay to fill it for free
        s.poll(now: 1_009, output: &out)
        #expect(out.requests.isEmpty)
        s.poll(now: 1_010, output: &out)
        #expect(out.requests == [Wire.request(3, 2)])
        s.feed(Wire.packet(3, messages(3...4)), line: .retransmission, now: 1_500, times: frame(3), into: &out)
        #expect(out.sequences == [1, 2, 3, 4, 5, 6])
        #expect(out.delivered.map(\.times) == [frame(1), frame(1), frame(3), frame(3), frame(2), frame(2)])
        #expect(out.events.last == .recovered(nextSequence: 7))
        let c = s.counters
        #expect(c.gaps == 1 && c.gapMessages == 2 && c.recoveredMessages == 2 && c.gapsRecovered == 1)
        #expect(c.requests == 1 && c.requestedMessages == 2 && c.requestRetries == 0 && c.giveUps == 0)
        #expect(c.retransmission.firstCopies == 2 && c.lineA.firstCopies == 4 && c.buffered == 2)
        #expect(s.bufferedNow == 0 && s.outstandingRequest == nil)
        s.poll(now: 1_000_000, output: &out)
        #expect(out.requests.count == 1)
    }

    @Test("duplicate packets and overlapping packets deliver each sequence once and count the copies")
    func duplicates() {
        var s = MoldUDP64Session(Self.config)
        var out = Recorder()
        s.feed(Wire.packet(1, messages(1...2)), into: &out)
        s.feed(Wire.packet(1, messages(1...2)), into: &out)
        s.feed(Wire.packet(2, messages(2...4)), line: .b, into: &out)
        // A copy of a buffered (not yet delivered) message is a duplicate too.
        s.feed(Wire.packet(7, messages(7...7)), into: &out)
        s.feed(Wire.packet(7, messages(7...7)), line: .b, into: &out)
        #expect(out.sequences == [1, 2, 3, 4])
        #expect(s.counters.duplicates == 4)
        #expect(s.counters.lineA.duplicates == 2 && s.counters.lineB.duplicates == 2)
        #expect(s.counters.lineA.firstCopies == 3 && s.counters.lineB.firstCopies == 2)
    }

    @Test("packets reordered within the buffer are delivered in sequence order without a request")
    func reorderWithinBuffer() {
        var s = MoldUDP64Session(Self.config)
        var out = Recorder()
        s.feed(Wire.packet(3, messages(3...3)), now: 0, times: frame(3), into: &out)
        s.feed(Wire.packet(2, messages(2...2)), now: 100, times: frame(2), into: &out)
        #expect(out.sequences.isEmpty && s.bufferedNow == 2)
        s.feed(Wire.packet(1, messages(1...1)), now: 200, times: frame(1), into: &out)
        #expect(out.sequences == [1, 2, 3])
        #expect(out.delivered.map(\.times) == [frame(1), frame(2), frame(3)])
        #expect(out.events == [.sessionChanged(from: nil, to: testSession), .gapDetected(first: 1, count: 2, line: .a),
                               .recovered(nextSequence: 4)])
        #expect(out.requests.isEmpty && s.bufferedNow == 0)
    }

    @Test("a heartbeat announcing a later next sequence reveals a gap at the tail and gets it requested")
    func heartbeatRevealsTailGap() {
        var s = MoldUDP64Session(Self.config)
        var out = Recorder()
        s.feed(Wire.packet(1, messages(1...1)), now: 0, into: &out)
        s.feed(Wire.heartbeat(next: 2), now: 5, into: &out)
        #expect(out.events.count == 1)  // a heartbeat at the expected sequence changes nothing
        s.feed(Wire.heartbeat(next: 4), now: 10, into: &out)
        #expect(out.events.last == .gapDetected(first: 2, count: 2, line: .a))
        #expect(s.knownEnd == 4 && s.counters.heartbeats == 2)
        s.poll(now: 1_010, output: &out)
        #expect(out.requests == [Wire.request(2, 2)])
    }

    @Test("an unanswered request is re-sent each timeout, then the range is given up and the books marked stale")
    func retryTimeoutGiveUp() {
        var s = MoldUDP64Session(Self.config)
        var out = FeedHandlerOutput(consumer: RecordingConsumer())
        Wire.packet(1, messages(1...1)).withUnsafeBytes { s.receive(datagram: $0, line: .a, frameTimes: frame(1), now: 0, output: &out) }
        Wire.packet(4, messages(4...5)).withUnsafeBytes { s.receive(datagram: $0, line: .b, frameTimes: frame(2), now: 0, output: &out) }
        var sent: [[UInt8]] = []
        func collect(_ out: inout FeedHandlerOutput<RecordingConsumer>, _ s: inout MoldUDP64Session, at now: UInt64) {
            s.poll(now: now, output: &out)
            if let r = s.outstandingRequest, r.attempts > sent.count {
                sent.append(Wire.request(r.sequence, UInt16(r.count)))
            }
        }
        for t: UInt64 in [999, 1_000, 10_999, 11_000, 20_999, 21_000, 30_999] { collect(&out, &s, at: t) }
        #expect(sent == [Wire.request(2, 2), Wire.request(2, 2), Wire.request(2, 2)])
        #expect(s.counters.requests == 3 && s.counters.requestRetries == 2)
        #expect(out.consumer.sequences == [1])
        s.poll(now: 31_000, output: &out)
        #expect(out.consumer.sequences == [1, 4, 5])
        #expect(out.consumer.staleMarks == [nil])
        #expect(out.recentEvents.suffix(1) == [.gaveUp(first: 2, count: 2)])
        #expect(s.counters.giveUps == 1 && s.counters.lostMessages == 2 && s.counters.staleMarks == 1)
        #expect(out.staleMarks == 1 && s.outstandingRequest == nil)
    }

    @Test("the exact request packets: first try and retries byte for byte, capped at maxMessagesPerRequest")
    func requestBytesAndCap() {
        var c = Self.config
        c.reorderCapacity = 256  // a request never reaches past the reorder window
        var s = MoldUDP64Session(c)
        var out = Recorder()
        s.feed(Wire.packet(1, messages(1...1)), now: 0, into: &out)
        s.feed(Wire.heartbeat(next: 252), now: 0, into: &out)  // 250 missing, cap 100
        for t: UInt64 in [1_000, 11_000, 21_000] { s.poll(now: t, output: &out) }
        let expected = Array("SESSION001".utf8) + [0, 0, 0, 0, 0, 0, 0, 2] + [0, 100]
        #expect(out.requests == [expected, expected, expected])
        s.poll(now: 31_000, output: &out)
        // Gave up 2…101; the rest of the hole is asked for at once.
        #expect(out.events.contains(.gaveUp(first: 2, count: 100)))
        #expect(out.requests.last == Wire.request(102, 100))
    }

    @Test("a retransmission answering part of a request triggers a request for the rest at once")
    func partialAnswerAsksForTheRest() {
        var s = MoldUDP64Session(Self.config)
        var out = Recorder()
        s.feed(Wire.packet(1, messages(1...1)), now: 0, into: &out)
        s.feed(Wire.heartbeat(next: 11), now: 0, into: &out)
        s.poll(now: 1_000, output: &out)
        #expect(out.requests == [Wire.request(2, 9)])
        s.feed(Wire.packet(2, messages(2...5)), line: .retransmission, now: 1_100, into: &out)
        #expect(out.requests == [Wire.request(2, 9), Wire.request(6, 5)])
        s.feed(Wire.packet(6, messages(6...10)), line: .retransmission, now: 1_200, into: &out)
        #expect(out.sequences == Array(1...10))
        #expect(out.events.last == .recovered(nextSequence: 11))
        #expect(s.counters.requestRetries == 0)
    }

    @Test("end of session is reported once, reveals a tail gap, and a new session then replaces the old one")
    func endOfSessionAndSessionChange() {
        var s = MoldUDP64Session(Self.config)
        var out = Recorder()
        s.feed(Wire.packet(1, messages(1...2)), now: 0, into: &out)
        s.feed(Wire.packet("SESSION002", 1, messages(1...1)), now: 1, into: &out)
        #expect(s.counters.wrongSession == 1 && out.sequences == [1, 2])  // ours has not ended: a stray
        s.feed(Wire.endOfSession(next: 3), now: 2, into: &out)
        s.feed(Wire.endOfSession(next: 3), line: .b, now: 3, into: &out)
        #expect(out.events.filter { if case .endOfSession = $0 { true } else { false } } == [.endOfSession(nextSequence: 3)])
        #expect(s.hasEnded && s.counters.endOfSessionPackets == 2)
        s.feed(Wire.endOfSession(next: 5), now: 4, into: &out)
        #expect(out.events.last == .gapDetected(first: 3, count: 2, line: .a))
        s.feed(Wire.packet("SESSION002", 1, messages(1...1)), now: 5, into: &out)
        #expect(out.events.suffix(2) == [.gaveUp(first: 3, count: 2),
                                          .sessionChanged(from: testSession, to: MoldUDP64SessionID("SESSION002")!)])
        #expect(out.sequences == [1, 2, 1])
        #expect(s.session == MoldUDP64SessionID("SESSION002") && !s.hasEnded && s.nextSequence == 2)
    }

    @Test("a message beyond the reorder window gives up the oldest hole and keeps going")
    func reorderOverflowGivesUpOldest() {
        var c = Self.config
        c.reorderCapacity = 4
        var s = MoldUDP64Session(c)
        var out = Recorder()
        s.feed(Wire.packet(1, messages(1...1)), into: &out)
        for q: UInt64 in 3...5 { s.feed(Wire.packet(q, messages(q...q)), into: &out) }
        #expect(out.sequences == [1] && s.bufferedNow == 3)
        s.feed(Wire.packet(6, messages(6...7)), into: &out)
        #expect(out.events.contains(.gaveUp(first: 2, count: 1)))
        #expect(out.sequences == [1, 3, 4, 5, 6, 7])
        #expect(s.counters.reorderOverflows == 1 && s.counters.lostMessages == 1 && s.bufferedNow == 0)
    }

    @Test("a message longer than a reorder slot is left missing and delivered when it comes again in order")
    func tooLargeToBuffer() {
        var c = Self.config
        c.reorderSlotBytes = 16
        var s = MoldUDP64Session(c)
        var out = Recorder()
        s.feed(Wire.packet(2, [Synthetic.message(2, length: 40)]), into: &out)
        #expect(s.counters.tooLargeToBuffer == 1 && s.bufferedNow == 0)
        s.feed(Wire.packet(1, messages(1...1)), into: &out)
        #expect(out.sequences == [1])
        s.feed(Wire.packet(2, [Synthetic.message(2, length: 40)]), line: .retransmission, into: &out)
        #expect(out.sequences == [1, 2])
    }

    @Test("malformed datagrams are counted per reason and per line, and change nothing")
    func malformedCounted() {
        var s = MoldUDP64Session(Self.config)
        var out = Recorder()
        s.feed([1, 2, 3], line: .b, into: &out)
        s.feed(Wire.header("SESSION001", 1, 2) + [0, 1, 7], into: &out)
        #expect(s.counters.malformed.shortHeader == 1 && s.counters.malformed.countExceedsBlocks == 1)
        #expect(s.counters.malformed.total == 2 && s.counters.lineA.malformed == 1 && s.counters.lineB.malformed == 1)
        #expect(out.events.isEmpty && s.session == nil)
    }

    @Test("A/B arbitration under seeded independent losses: every message once, in order; only double losses requested; counters exact",
          arguments: [1, 2, 3, 2026] as [UInt64])
    func abArbitration(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var s = MoldUDP64Session(Self.config)
        var out = Recorder()
        var server = MoldUDP64RequestServer(session: testSession, capacity: 1 << 16, slotBytes: 64, maxPayload: 1472)
        let total: UInt64 = 20_000
        var expectFirst: [MoldUDP64Line: UInt64] = [.a: 0, .b: 0, .retransmission: 0]
        var expectDup: [MoldUDP64Line: UInt64] = [.a: 0, .b: 0, .retransmission: 0]
        var bothLost = Set<UInt64>()
        var answer = [UInt8](repeating: 0, count: 1472)
        var handled = 0
        var next: UInt64 = 1, now: UInt64 = 0
        while next <= total {
            let n = min(UInt64.random(in: 1...5, using: &rng), total - next + 1)
            let packet = Wire.packet(next, messages(next...(next + n - 1)))
            for q in next..<(next + n) { Synthetic.message(q).withUnsafeBytes { _ = server.append($0) } }
            let onA = Double.random(in: 0..<1, using: &rng) >= 0.05
            let onB = Double.random(in: 0..<1, using: &rng) >= 0.05
            let order: [MoldUDP64Line] = Bool.random(using: &rng) ? [.a, .b] : [.b, .a]
            var first = true
            for line in order where (line == .a ? onA : onB) {
                s.feed(packet, line: line, now: now, times: frame(now), into: &out)
                if first { expectFirst[line]! += n } else { expectDup[line]! += n }
                first = false
            }
            if first { for q in next..<(next + n) { bothLost.insert(q) } }
            now += 1_000
            s.poll(now: now, output: &out)
            // The re-request server answers every request at once.
            while handled < out.requests.count {
                let req = out.requests[handled]
                handled += 1
                let a = req.withUnsafeBytes { r in answer.withUnsafeMutableBytes { server.answer(request: r, into: $0) } }
                guard case .packet(let length, let firstSeq, let count) = a else { Issue.record("server refused \(a)"); continue }
                expectFirst[.retransmission]! += UInt64(count)
                for q in firstSeq..<(firstSeq + UInt64(count)) { #expect(bothLost.contains(q), "requested \(q), which one line had") }
                s.feed(Array(answer[0..<length]), line: .retransmission, now: now, times: frame(now), into: &out)
            }
            next += n
        }
        // A double loss at the very end is revealed by the server's heartbeat.
        s.feed(Wire.heartbeat(next: total + 1), now: now, into: &out)
        now += 1_000
        s.poll(now: now, output: &out)
        while handled < out.requests.count {
            let req = out.requests[handled]
            handled += 1
            let a = req.withUnsafeBytes { r in answer.withUnsafeMutableBytes { server.answer(request: r, into: $0) } }
            guard case .packet(let length, _, let count) = a else { Issue.record("server refused \(a)"); continue }
            expectFirst[.retransmission]! += UInt64(count)
            s.feed(Array(answer[0..<length]), line: .retransmission, now: now, times: frame(now), into: &out)
        }
        #expect(out.sequences == Array(1...total))
        #expect(out.delivered.allSatisfy { $0.bytes.withUnsafeBytes { Synthetic.sequence(of: $0) } == $0.sequence })
        let c = s.counters
        #expect(c.delivered == total && c.lostMessages == 0 && c.giveUps == 0 && s.bufferedNow == 0)
        #expect(c.lineA.firstCopies == expectFirst[.a]! && c.lineB.firstCopies == expectFirst[.b]!)
        #expect(c.retransmission.firstCopies == expectFirst[.retransmission]! && expectFirst[.retransmission]! == UInt64(bothLost.count))
        #expect(c.lineA.duplicates == expectDup[.a]! && c.lineB.duplicates == expectDup[.b]!)
        #expect(c.duplicates == expectDup[.a]! + expectDup[.b]!)
        #expect(c.requestedMessages == UInt64(bothLost.count) && c.requestRetries == 0)
        #expect(c.recoveredMessages == UInt64(bothLost.count))
    }
}
