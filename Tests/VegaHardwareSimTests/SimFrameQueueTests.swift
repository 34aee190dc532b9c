import Glibc
import Testing
import VegaCore
import VegaHardware
import VegaHardwareSim

@Suite struct SimFrameQueueTests {
    static let heavy = SimImpairments(
        lossProbability: 0.03, duplicationProbability: 0.02, reorderProbability: 0.05, maxReorderDisplacement: 4,
        delayNanoseconds: 5_000, jitterNanoseconds: 2_000)

    /// Injects `count` frames 100 ns apart, receiving every 16 injections, then drains.
    static func run(seed: UInt64, count: Int = 20_000, impairments: SimImpairments = heavy) throws -> [Delivered] {
        let clock = SimClock()
        let phc = SimPHC(clock: clock, .init(driftPPB: 250))
        var q = SimFrameQueue(clock: clock, phc: phc, .init(capacity: 8192, slotSize: 64, impairments: impairments, seed: seed,
                                                            softwareStampLatencyNanoseconds: 700))
        var batch = try RxBatch(capacity: 32, slotSize: 64)
        var out: [Delivered] = []
        for i in 0..<count {
            q.inject(TestFrame.make(UInt64(i)))
            clock.advance(by: 100)
            if i % 16 == 15 {
                while try q.receive(into: &batch) > 0 { batch.collect(into: &out) }
            }
        }
        while let next = q.nextReceivableTime {
            clock.advance(to: next)
            while try q.receive(into: &batch) > 0 { batch.collect(into: &out) }
        }
        #expect(q.inFlight == 0)
        return out
    }

    @Test func sameSeedDeliversIdenticalSequencesAndDifferentSeedsDiffer() throws {
        let a = try Self.run(seed: 11), b = try Self.run(seed: 11), c = try Self.run(seed: 12)
        #expect(a.count > 19_000)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func lossAndDuplicationRatesMatchConfigurationOver100kFrames() throws {
        let n = 100_000
        let clock = SimClock()
        let imp = SimImpairments(lossProbability: 0.05, duplicationProbability: 0.02)
        var q = SimFrameQueue(clock: clock, .init(capacity: 2 * n, slotSize: 16, impairments: imp, seed: 2026))
        for i in 0..<n { q.inject(TestFrame.make(UInt64(i), length: 16)) }
        var batch = try RxBatch(capacity: 256, slotSize: 16)
        var seen = [Int](repeating: 0, count: n)
        var received = 0
        while try q.receive(into: &batch) > 0 {
            for i in 0..<batch.count {
                let index = try #require(TestFrame.index(of: batch[i].bytes))
                seen[Int(index)] += 1
                received += 1
            }
        }
        let c = q.counters
        // Binomial bounds at ±5σ: loss 5000 ± 345; duplication of the ~95000 kept, 1900 ± 216.
        #expect((4655...5345).contains(c.dropped))
        #expect((1684...2116).contains(c.duplicated))
        // The counters agree with what actually arrived, copy for copy.
        #expect(c.injected == UInt64(n))
        #expect(UInt64(seen.filter { $0 == 0 }.count) == c.dropped)
        #expect(UInt64(seen.filter { $0 == 2 }.count) == c.duplicated)
        #expect(seen.allSatisfy { $0 <= 2 })
        #expect(c.delivered == UInt64(received))
        #expect(c.delivered == c.injected - c.dropped + c.duplicated)
        #expect(c.reordered == 0 && c.overflowed == 0)
    }

    @Test func noFrameIsOvertakenByMoreThanTheConfiguredDisplacement() throws {
        let n = 50_000, maxDisplacement = 5
        let imp = SimImpairments(reorderProbability: 0.1, maxReorderDisplacement: maxDisplacement,
                                 delayNanoseconds: 3_000, jitterNanoseconds: 50)
        let out = try Self.run(seed: 99, count: n, impairments: imp)
        #expect(out.count == n)
        var counter = GreaterCounter(size: n)
        var worst = 0, displaced = 0
        for (position, frame) in out.enumerated() {
            let i = Int(frame.index)
            // Later injections delivered before this one.
            let overtakers = position - counter.countAtMost(i)
            worst = max(worst, overtakers)
            if overtakers > 0 { displaced += 1 }
            counter.add(i)
        }
        #expect(worst <= maxDisplacement)
        #expect(worst == maxDisplacement, "the bound should be reached in 50k frames, or reordering is not happening")
        #expect(displaced > n / 50)
        #expect(Set(out.map(\.index)).count == n)
        // Hardware stamps follow delivery order, as a NIC's do.
        #expect(zip(out, out.dropFirst()).allSatisfy { $0.hardware! <= $1.hardware! })
    }

    @Test func delayIsRespectedOnTheSimulatedClockAndStampsAreExact() throws {
        let clock = SimClock()
        let start = clock.now.nanoseconds
        let phc = SimPHC(clock: clock, .init(initialOffsetNanoseconds: 37_000_000_000, driftPPB: 100))
        var q = SimFrameQueue(clock: clock, phc: phc, .init(slotSize: 64, impairments: .init(delayNanoseconds: 10_000),
                                                            softwareStampLatencyNanoseconds: 1_500, queueID: 2))
        var batch = try RxBatch(capacity: 8, slotSize: 64)
        clock.advance(by: 1_000_000_000)
        let injected = clock.now.nanoseconds
        q.inject(TestFrame.make(7))
        clock.advance(by: 11_499)
        #expect(try q.receive(into: &batch) == 0)
        clock.advance(by: 1)
        #expect(try q.receive(into: &batch) == 1)
        let f = batch[0]
        let arrival = injected + 10_000
        #expect(f.softwareTimestamp?.nanoseconds == arrival + 1_500)
        // PHC = start + 37 s + elapsed + elapsed·100 ppb, elapsed since the PHC was created.
        let elapsed = arrival - start
        #expect(f.hardwareTimestamp?.nanoseconds == start + 37_000_000_000 + elapsed + elapsed * 100 / 1_000_000_000)
        #expect(f.queue == 2)
        #expect(TestFrame.index(of: f.bytes) == 7)
    }

    @Test func jitteredFramesNeverArriveEarlyOrLaterThanDelayPlusJitter() throws {
        let clock = SimClock()
        var q = SimFrameQueue(clock: clock, .init(slotSize: 64, impairments: .init(delayNanoseconds: 4_000, jitterNanoseconds: 900), seed: 5))
        var batch = try RxBatch(capacity: 8, slotSize: 64)
        var injectedAt: [UInt64] = []
        var out: [Delivered] = []
        for i in 0..<2_000 {
            injectedAt.append(clock.now.nanoseconds)
            q.inject(TestFrame.make(UInt64(i)))
            // Injections further apart than the jitter, so no frame waits behind its predecessor.
            for _ in 0..<10 {
                clock.advance(by: 100)
                while try q.receive(into: &batch) > 0 {
                    for k in 0..<batch.count {
                        let idx = Int(TestFrame.index(of: batch[k].bytes)!)
                        // Received no earlier than its software stamp, i.e. its arrival.
                        #expect(batch[k].softwareTimestamp!.nanoseconds <= clock.now.nanoseconds)
                        #expect(clock.now.nanoseconds - batch[k].softwareTimestamp!.nanoseconds < 100)
                        _ = idx
                    }
                    batch.collect(into: &out)
                }
            }
        }
        clock.advance(by: 10_000)
        while try q.receive(into: &batch) > 0 { batch.collect(into: &out) }
        #expect(out.count == 2_000)
        var jitters = Set<UInt64>()
        for d in out {
            let delay = d.software! - injectedAt[Int(d.index)]
            #expect((4_000...4_900).contains(delay))
            jitters.insert(delay)
        }
        #expect(jitters.count > 100, "jitter should spread arrivals")
    }

    @Test func transmitRecordsFramesAndProducesExactTxTimestamps() throws {
        let clock = SimClock()
        let phc = SimPHC(clock: clock, .init(initialOffsetNanoseconds: 5_000))
        var q = SimFrameQueue(clock: clock, phc: phc, .init(slotSize: 64, txCapacity: 2, txSoftwareStampLatencyNanoseconds: 300,
                                                            txWireLatencyNanoseconds: 900))
        let t0 = clock.now.nanoseconds
        let a = TestFrame.make(1), b = TestFrame.make(2)
        #expect(try a.withUnsafeBytes { try q.transmit($0) } == 0)
        clock.advance(by: 1_000)
        #expect(try b.withUnsafeBytes { try q.transmit($0) } == 1)
        // The record holds two frames: a third send fails as a full socket buffer does.
        #expect(throws: HardwareError("sendto", code: ENOBUFS)) { try a.withUnsafeBytes { try q.transmit($0) } }
        #expect(q.readOutbound() == a)
        #expect(q.readOutbound() == b)
        #expect(q.readOutbound() == nil)

        let stamps = UnsafeMutableBufferPointer<TxTimestamp>.allocate(capacity: 8)
        defer { stamps.deallocate() }
        let n = try q.drainTxTimestamps(into: stamps)
        #expect(n == 4)
        #expect(Array(stamps[0..<n]) == [
            TxTimestamp(id: 0, kind: .sent, isHardware: false, nanoseconds: t0 + 300),
            TxTimestamp(id: 0, kind: .sent, isHardware: true, nanoseconds: t0 + 900 + 5_000),
            TxTimestamp(id: 1, kind: .sent, isHardware: false, nanoseconds: t0 + 1_300),
            TxTimestamp(id: 1, kind: .sent, isHardware: true, nanoseconds: t0 + 1_900 + 5_000),
        ])
        #expect(try q.drainTxTimestamps(into: stamps) == 0)
    }

    @Test func aQueueWithoutPHCReportsAndDeliversNoHardwareStamps() throws {
        let clock = SimClock()
        var q = SimFrameQueue(clock: clock, .init(slotSize: 64))
        #expect(!q.info.hardwareRxTimestamps && q.info.softwareRxTimestamps)
        q.inject(TestFrame.make(3))
        var batch = try RxBatch(capacity: 4, slotSize: 64)
        #expect(try q.receive(into: &batch) == 1)
        #expect(batch[0].hardwareTimestamp == nil)
        #expect(batch[0].softwareTimestamp?.nanoseconds == clock.now.nanoseconds)
    }

    @Test func overflowAndTruncationAreCountedNotHidden() throws {
        let clock = SimClock()
        var q = SimFrameQueue(clock: clock, .init(capacity: 2, slotSize: 16))
        #expect(q.inject(TestFrame.make(1, length: 16)) == .queued(copies: 1))
        #expect(q.inject(TestFrame.make(2, length: 40)) == .queued(copies: 1))
        #expect(q.inject(TestFrame.make(3, length: 16)) == .overflowed)
        #expect(q.counters.overflowed == 1 && q.counters.truncated == 1)
        var batch = try RxBatch(capacity: 4, slotSize: 64)
        #expect(try q.receive(into: &batch) == 2)
        #expect(!batch[0].isTruncated && batch[1].isTruncated)
        #expect(batch[1].bytes.count == 16)
    }
}
