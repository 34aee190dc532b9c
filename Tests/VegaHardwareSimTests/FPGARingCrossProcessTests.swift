import CVegaFPGA
import Glibc
import Testing
import VegaCore
import VegaHardware
import VegaHardwareSim

/// The FPGA ring between two processes: a child (Swift Testing's exit test, a fresh process of
/// this test binary) runs `FPGASimulator.run` — the code `vega sim fpga` calls — while this
/// process reads with the live `MappedEventRing`, regenerating every event from the seed to
/// prove each one arrived whole.
@Suite struct FPGARingCrossProcessTests {
    struct Tally: Sendable {
        var read: UInt64 = 0
        var lost: UInt64 = 0
        var skippedAtOpen: UInt64 = 0
        var torn: UInt64 = 0
        var laps: UInt64 = 0
        var gapMismatches: UInt64 = 0
        var opened = false
        var complete = false
        var heartbeatSeen = false
    }

    static func sameBytes(_ a: FPGAEvent, _ b: FPGAEvent) -> Bool {
        withUnsafeBytes(of: a) { x in withUnsafeBytes(of: b) { y in x.elementsEqual(y) } }
    }

    /// Reads the ring at `path` until all `options.events` are accounted for (read or reported
    /// lost). `slowDown` makes the reader wait, after each batch, until the writer is two laps
    /// ahead — a reader that stalled — unless the writer has finished. Runs on a dedicated
    /// thread (see `onDedicatedThread`), so it records nothing itself: the tally says it all.
    static func read(_ options: FPGASimulator.Options, slowDown: Bool) -> Tally {
        var t = Tally()
        var ring: MappedEventRing? = nil
        // The child creates and formats the file; until its magic is visible, opening fails.
        t.opened = waitUntil {
            ring = try? MappedEventRing(source: .file(path: options.ringPath), fromStart: true)
            return ring != nil
        }
        guard t.opened else { return t }
        var r = ring.take()!
        var expected = FPGASimulator.ExpectedEvents(options)
        var nextNumber: UInt64 = 1
        // Opening late means starting at the oldest event still held.
        while nextNumber < r.cursor {
            _ = expected.next()
            nextNumber += 1
            t.skippedAtOpen += 1
        }
        let buffer = UnsafeMutableBufferPointer<FPGAEvent>.allocate(capacity: 64)
        defer { buffer.deallocate() }
        t.complete = waitUntil(seconds: 300) {
            let p = r.poll(into: buffer)
            if p.lost > 0 {
                t.lost += p.lost
                t.laps += 1
                for _ in 0..<p.lost { _ = expected.next() }
                nextNumber += p.lost
            }
            for i in 0..<p.count {
                let e = expected.next()
                if buffer[i].feed_seq != nextNumber { t.gapMismatches += 1 }
                if !sameBytes(buffer[i], e) { t.torn += 1 }
                nextNumber += 1
            }
            t.read += UInt64(p.count)
            if slowDown, p.count > 0 {
                let target = r.cursor + 2 * r.slotCount
                _ = waitUntil { r.writeSequence >= target || r.writeSequence >= options.events }
            }
            return t.read + t.lost + t.skippedAtOpen >= options.events
        }
        t.heartbeatSeen = r.writerHeartbeat.nanoseconds > 0
        return t
    }

    @Test func eventsCrossProcessesWholeUnderLoad() async throws {
        let options = FPGASimulator.Options(ringPath: shmPath("fpga-load"), events: 300_000, rate: 0, seed: 7, slotCount: 65_536)
        unlink(options.ringPath)
        defer { unlink(options.ringPath) }
        let child = Task {
            _ = await #expect(processExitsWith: .success) {
                try FPGASimulator.run(.init(ringPath: shmPath("fpga-load", pid: getppid()), events: 300_000, rate: 0, seed: 7,
                                            slotCount: 65_536))
            }
        }
        let t = await onDedicatedThread { Self.read(options, slowDown: false) }
        await child.value
        #expect(t.opened && t.complete && t.heartbeatSeen, "\(t)")
        #expect(t.torn == 0)
        #expect(t.gapMismatches == 0)
        #expect(t.read + t.lost + t.skippedAtOpen == options.events)
        #expect(t.read > 0)
    }

    @Test func aStalledReaderIsLappedAndToldExactlyHowManyEventsItLost() async throws {
        let options = FPGASimulator.Options(ringPath: shmPath("fpga-lap"), events: 200_000, rate: 200_000, seed: 8, slotCount: 1_024)
        unlink(options.ringPath)
        defer { unlink(options.ringPath) }
        let child = Task {
            _ = await #expect(processExitsWith: .success) {
                try FPGASimulator.run(.init(ringPath: shmPath("fpga-lap", pid: getppid()), events: 200_000, rate: 200_000,
                                            seed: 8, slotCount: 1_024))
            }
        }
        let t = await onDedicatedThread { Self.read(options, slowDown: true) }
        await child.value
        #expect(t.opened && t.complete && t.heartbeatSeen, "\(t)")
        // Paced at 200k events/s (1 s in all), so the reader is in place before the end and each
        // stall of two laps must be reported as a lap of at least a ring's worth of events (the
        // last stall may end early, when the writer finishes). How many stalls fit depends on
        // how fast the child starts, so only "some" is asserted.
        #expect(t.laps > 0, "a reader two laps behind must be told it was lapped: \(t)")
        #expect(t.laps == 0 || t.lost >= (t.laps - 1) * 1_024)
        // Exact: after each lap the next event read is the one `lost` further on (no gaps
        // beyond the reported loss), and everything adds up to what the writer wrote.
        #expect(t.gapMismatches == 0)
        #expect(t.torn == 0)
        #expect(t.read + t.lost + t.skippedAtOpen == options.events)
    }

    @Test func simulatorWritesTheRequestedEventsWithHeartbeatsAndPlausibleContent() throws {
        let path = shmPath("fpga-inproc")
        defer { unlink(path) }
        let summary = try FPGASimulator.run(.init(ringPath: path, events: 5_000, rate: 0, seed: 3, slotCount: 8_192))
        #expect(summary.eventsWritten == 5_000 && summary.heartbeats >= 1)
        var ring = try MappedEventRing(source: .file(path: path), fromStart: true)
        #expect(ring.writerPID == UInt64(getpid()) && ring.writeSequence == 5_000)
        let buffer = UnsafeMutableBufferPointer<FPGAEvent>.allocate(capacity: 8_192)
        defer { buffer.deallocate() }
        let p = ring.poll(into: buffer)
        #expect(p.count == 5_000 && p.lost == 0)
        var kinds: [FPGAEvent.Kind: Int] = [:]
        var lastHW: UInt64 = 0
        for e in buffer[0..<p.count] {
            let kind = try #require(e.kind)
            kinds[kind, default: 0] += 1
            #expect(e.hw_timestamp_ns > lastHW)
            lastHW = e.hw_timestamp_ns
            #expect(e.exchange_timestamp_ns < 86_400_000_000_000)
            if kind == .levelSet || kind == .trade {
                #expect(e.quantity > 0 && (1...8).contains(e.instrument))
                #expect(abs(e.price - 1_000_000) < 500_000)
            }
        }
        for k in [FPGAEvent.Kind.levelSet, .levelDelete, .trade, .heartbeat] { #expect(kinds[k, default: 0] > 0, "\(k)") }
        #expect(kinds[.levelSet, default: 0] > kinds[.trade, default: 0])
    }

    @Test func unusableOptionsAreRefusedWithTheReason() {
        #expect(throws: HardwareSetupError.self) {
            try FPGASimulator.run(.init(ringPath: shmPath("fpga-bad"), events: 1, slotCount: 1000))
        }
        #expect(FPGASimulator.Options(ringPath: "", events: 1).problem?.contains("--ring") == true)
    }
}
