import Foundation
import Testing
import VegaCore
import VegaHardware
import VegaHardwareSim
import VegaMarketData

@Suite("paced replay on a simulated clock")
struct CaptureReplayPacingTests {
    /// Recorded stamps with uneven gaps (1 ns, 0 ns, µs, ms, a second).
    static let stamps: [UInt64] = {
        let t0: UInt64 = 1_795_000_000_000_000_000
        return [0, 1, 1, 1_000, 251_337, 5_000_000, 5_000_000, 1_000_000_000 + 5_000_000].map { t0 + $0 }
    }()

    static func capture(_ path: String, stamps: [UInt64] = stamps) throws {
        var w = try PcapWriter(path: path, .init(destination: try IPv4Endpoint("239.1.1.1:26400")))
        let frames = stamps.enumerated().map { TestFrame(payload: [UInt8(truncatingIfNeeded: $0.offset)], softwareNanoseconds: $0.element) }
        _ = try write(frames, to: &w)
        try w.close()
    }

    @Test("each frame is released exactly when its recorded inter-arrival time has elapsed, not a nanosecond earlier")
    func recordedPaceIsExact() throws {
        try withTemporaryCapture("paced") { path in
            try Self.capture(path)
            let clock = SimClock()
            var q = try PcapReplayQueue(path: path, .init(pace: .recorded), clock: SimReplayClock(clock: clock))
            var batch = try RxBatch(capacity: 16, slotSize: 64)
            let start = clock.now.nanoseconds
            #expect(q.nextReleaseNanoseconds() == nil, "nothing is anchored before the first receive")

            // The first frame goes at once and anchors the replay.
            var n = try q.receive(into: &batch)
            #expect(n == 1 && batch[0].bytes.first == 0)
            var released = 1
            var expectedByOffset = [UInt64: Int]()  // recorded offset → frames due then
            for s in Self.stamps.dropFirst() { expectedByOffset[s - Self.stamps[0], default: 0] += 1 }
            while released < Self.stamps.count {
                let next = q.nextReleaseNanoseconds()
                let due = try #require(next)
                let offset = due - start
                let expected = expectedByOffset[offset] ?? 0
                try #require(expected > 0, "next release at offset \(offset) ns matches a recorded gap")
                // One nanosecond early: nothing.
                clock.advance(to: Timestamp(nanoseconds: due - 1))
                #expect(clock.now.nanoseconds == due - 1)
                #expect(try q.receive(into: &batch) == 0, "nothing before offset \(offset) ns")
                // On time: exactly the frames recorded at that offset, in order.
                clock.advance(to: Timestamp(nanoseconds: due))
                n = try q.receive(into: &batch)
                #expect(n == expected, "at offset \(offset) ns: \(expected) frame(s)")
                for i in 0..<n { #expect(Int(batch[i].bytes.first!) == released + i) }
                released += n
                if n == 0 { break }
            }
            #expect(released == Self.stamps.count)
            #expect(q.isFinished == true)
            #expect(q.nonMonotonicTimestamps == 0)
        }
    }

    @Test("a late poll releases everything that has fallen due, in recorded order, in one batch")
    func latePollCatchesUp() throws {
        try withTemporaryCapture("paced-late") { path in
            try Self.capture(path)
            let clock = SimClock()
            var q = try PcapReplayQueue(path: path, .init(pace: .recorded), clock: SimReplayClock(clock: clock))
            var batch = try RxBatch(capacity: 16, slotSize: 64)
            #expect(try q.receive(into: &batch) == 1)
            clock.advance(by: 5_000_000)  // exactly the 5 ms mark: frames 1…6 are due
            #expect(try q.receive(into: &batch) == 6)
            #expect((0..<6).map { batch[$0].bytes.first! } == [1, 2, 3, 4, 5, 6])
            #expect(try q.receive(into: &batch) == 0, "the last frame is a second later")
            clock.advance(by: 1_000_000_000)
            #expect(try q.receive(into: &batch) == 1)
            #expect(q.isFinished == true)
        }
    }

    @Test("as fast as possible ignores pacing: everything is delivered without the clock moving")
    func asFastAsPossibleIgnoresPacing() throws {
        try withTemporaryCapture("fast") { path in
            try Self.capture(path)
            let clock = SimClock()
            var q = try PcapReplayQueue(path: path, .init(pace: .asFastAsPossible), clock: SimReplayClock(clock: clock))
            var batch = try RxBatch(capacity: 3, slotSize: 64)
            var got: [UInt8] = []
            for _ in 0..<10 where !q.isFinished {
                let n = try q.receive(into: &batch)
                #expect(n == min(3, Self.stamps.count - got.count), "each receive fills the batch")
                for i in 0..<n { got.append(batch[i].bytes.first!) }
            }
            #expect(got == (0..<UInt8(Self.stamps.count)).map { $0 })
            #expect(q.isFinished == true, "finished with the call that delivered the last frame, not one later")
            #expect(clock.now == SimClock.defaultStart, "the clock never had to move")
            #expect(q.nextReleaseNanoseconds() == nil)
        }
    }

    @Test("stamps that go backwards are released at once and counted, never stall the replay")
    func backwardsStampsDoNotStall() throws {
        try withTemporaryCapture("backwards") { path in
            let t0: UInt64 = 1_795_000_000_000_000_000
            try Self.capture(path, stamps: [t0, t0 + 1_000, t0 + 500, t0 - 7, t0 + 2_000])
            let clock = SimClock()
            var q = try PcapReplayQueue(path: path, .init(pace: .recorded), clock: SimReplayClock(clock: clock))
            var batch = try RxBatch(capacity: 16, slotSize: 64)
            #expect(try q.receive(into: &batch) == 1)
            clock.advance(by: 999)
            #expect(try q.receive(into: &batch) == 0)
            clock.advance(by: 1)
            #expect(try q.receive(into: &batch) == 3, "the 1 µs frame and the two late-stamped ones behind it")
            #expect(q.nonMonotonicTimestamps == 2)
            clock.advance(by: 1_000)
            #expect(try q.receive(into: &batch) == 1)
            #expect(q.isFinished == true)
        }
    }

    @Test("the default pacing clock is CLOCK_MONOTONIC, and a closure can stand in for a clock")
    func clockChoices() throws {
        try withTemporaryCapture("clocks") { path in
            try Self.capture(path, stamps: [1, 2])
            var real = try PcapReplayQueue(path: path)
            #expect(real.clock.monotonicNanoseconds() > 0)
            #expect(try drain(&real).count == 2)
            let clock = SimClock()
            var viaClosure = try PcapReplayQueue(
                path: path, .init(pace: .recorded), clock: ClosureReplayClock { clock.now.nanoseconds })
            var batch = try RxBatch(capacity: 4, slotSize: 64)
            #expect(try viaClosure.receive(into: &batch) == 1)
            #expect(try viaClosure.receive(into: &batch) == 0)
            clock.advance(by: 1)
            #expect(try viaClosure.receive(into: &batch) == 1)
        }
    }
}
