import Glibc
import Testing
import VegaCore
import VegaHardware
import VegaHardwareSim

@Suite struct SharedMemoryFrameQueueTests {
    static let frames = 50_000
    static let spacing: UInt64 = 1_000

    /// The child: writes `frames` frames one µs of simulated time apart, never dropping (it
    /// pumps until the reader has made room), then waits for the reader's "done" frame.
    static func writeFrames(path: String) throws {
        let clock = SimClock()
        let phc = SimPHC(clock: clock, .init(driftPPB: 40, seed: 1))
        var w = try SharedMemoryFrameWriter(path: path, clock: clock, phc: phc, .init(slotCount: 256, slotSize: 64))
        for i in 0..<frames {
            w.inject(TestFrame.make(UInt64(i)))
            clock.advance(by: spacing)
            while true {
                w.pump()
                if w.inFlight == 0 { break }
                sched_yield()
            }
        }
        guard waitUntil(seconds: 300, { w.readOutbound() == Array("done".utf8) }) else { exit(3) }
        guard w.counters.delivered == UInt64(frames), w.counters.overflowed == 0 else { exit(4) }
    }

    @Test func framesCrossProcessesInOrderWithExactStamps() async throws {
        let path = shmPath("shmq")
        unlink(path)
        defer { unlink(path) }
        let child = Task {
            _ = await #expect(processExitsWith: .success) {
                try SharedMemoryFrameQueueTests.writeFrames(path: shmPath("shmq", pid: getppid()))
            }
        }
        var opened: SharedMemoryFrameQueue? = nil
        try #require(await waitUntilAsync { opened = try? SharedMemoryFrameQueue(path: path); return opened != nil })
        var q = opened.take()!
        #expect(q.info.hardwareRxTimestamps && q.info.softwareRxTimestamps)
        // The same simulated PHC as the child's, to predict its stamps.
        let clock = SimClock()
        let start = clock.now.nanoseconds
        let phc = SimPHC(clock: clock, .init(driftPPB: 40, seed: 1))
        var batch = try RxBatch(capacity: 32, slotSize: 64)
        var next: UInt64 = 0
        var wrong = 0
        let deadline = Timestamp<Monotonic>.now().nanoseconds + 120_000_000_000
        var all = false
        while !all, Timestamp<Monotonic>.now().nanoseconds < deadline {
            let n = try q.receive(into: &batch)
            if n == 0 { try? await Task.sleep(nanoseconds: 20_000) }
            for i in 0..<n {
                let f = batch[i]
                let sent = start + next * Self.spacing
                if TestFrame.index(of: f.bytes) != next || f.softwareTimestamp?.nanoseconds != sent
                    || f.hardwareTimestamp != phc.time(atSystemTime: Timestamp(nanoseconds: sent))
                {
                    wrong += 1
                }
                next += 1
            }
            all = next >= UInt64(Self.frames)
        }
        #expect(all && next == UInt64(Self.frames))
        #expect(wrong == 0)
        // TX: the reader's frame reaches the writer, stamped with the writer's simulated time.
        let id = try Array("done".utf8).withUnsafeBytes { try q.transmit($0) }
        #expect(id == 0)
        let stamps = UnsafeMutableBufferPointer<TxTimestamp>.allocate(capacity: 4)
        defer { stamps.deallocate() }
        #expect(try q.drainTxTimestamps(into: stamps) == 2)
        #expect(stamps[0] == TxTimestamp(id: 0, kind: .sent, isHardware: false, nanoseconds: q.writerTime.nanoseconds))
        #expect(stamps[1].isHardware)
        await child.value
    }

    /// The writer's impairments are the same machinery as `SimFrameQueue`'s: same seed, same
    /// calls, same frames, order and stamps.
    @Test func impairedWriterDeliversExactlyWhatSimFrameQueueDoes() throws {
        let imp = SimImpairments(lossProbability: 0.02, duplicationProbability: 0.01, reorderProbability: 0.05,
                                 maxReorderDisplacement: 3, delayNanoseconds: 2_000, jitterNanoseconds: 300)
        let path = shmPath("shmq-inproc")
        defer { unlink(path) }
        let c1 = SimClock(), c2 = SimClock()
        let p1 = SimPHC(clock: c1, .init(driftPPB: 7)), p2 = SimPHC(clock: c2, .init(driftPPB: 7))
        var sim = SimFrameQueue(clock: c1, phc: p1, .init(capacity: 4096, slotSize: 64, impairments: imp, seed: 77))
        var w = try SharedMemoryFrameWriter(path: path, clock: c2, phc: p2,
                                            .init(slotCount: 4096, slotSize: 64, wireCapacity: 4096, impairments: imp, seed: 77))
        var q = try SharedMemoryFrameQueue(path: path)
        var batch = try RxBatch(capacity: 64, slotSize: 64)
        var a: [Delivered] = [], b: [Delivered] = []
        for i in 0..<5_000 {
            sim.inject(TestFrame.make(UInt64(i)))
            w.inject(TestFrame.make(UInt64(i)))
            c1.advance(by: 150)
            c2.advance(by: 150)
            if i % 8 == 7 {
                while try sim.receive(into: &batch) > 0 { batch.collect(into: &a) }
                w.pump()
                while try q.receive(into: &batch) > 0 { batch.collect(into: &b) }
            }
        }
        c1.advance(by: 1_000_000)
        c2.advance(by: 1_000_000)
        while try sim.receive(into: &batch) > 0 { batch.collect(into: &a) }
        w.pump()
        while try q.receive(into: &batch) > 0 { batch.collect(into: &b) }
        #expect(a.count > 4_800)
        #expect(a == b)
        #expect(sim.counters == w.counters)
    }

    @Test func aFullRingHoldsFramesOnTheWireAndNothingIsLost() throws {
        let path = shmPath("shmq-full")
        defer { unlink(path) }
        let clock = SimClock()
        var w = try SharedMemoryFrameWriter(path: path, clock: clock, .init(slotCount: 4, slotSize: 32, wireCapacity: 16))
        var q = try SharedMemoryFrameQueue(path: path)
        for i in 0..<10 { w.inject(TestFrame.make(UInt64(i), length: 16)) }
        #expect(w.pump() == 4)
        #expect(w.ringFullStalls == 1 && w.inFlight == 6 && w.unread == 4)
        var batch = try RxBatch(capacity: 16, slotSize: 32)
        var got: [Delivered] = []
        while true {
            w.pump()
            guard try q.receive(into: &batch) > 0 else { break }
            batch.collect(into: &got)
        }
        #expect(got.map(\.index) == Array(0..<10))
    }

    @Test func openingSomethingThatIsNotARingSaysWhy() throws {
        let path = shmPath("shmq-garbage")
        defer { unlink(path) }
        let fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0o600)
        #expect(ftruncate(fd, 8192) == 0)
        close(fd)
        do {
            _ = try SharedMemoryFrameQueue(path: path)
            Issue.record("a zeroed file must not open as a ring")
        } catch {
            #expect(error.kind == .invalid && error.reason.contains("magic"))
        }
    }
}
