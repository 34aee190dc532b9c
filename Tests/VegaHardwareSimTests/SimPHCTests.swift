import Glibc
import Testing
import VegaCore
import VegaHardware
import VegaHardwareSim

@Suite struct SimPHCTests {
    static func offset(_ phc: SimPHC) throws -> Int64 { try phc.offsetToSystem(samples: 1).offsetNanoseconds }

    @Test func driftAccumulatesAsConfigured() throws {
        let clock = SimClock()
        let phc = SimPHC(clock: clock, .init(initialOffsetNanoseconds: 0, driftPPB: 500))
        #expect(try Self.offset(phc) == 0)
        clock.advance(by: 1_000_000_000)
        #expect(try Self.offset(phc) == 500)
        clock.advance(by: 2_000_000_000)
        #expect(try Self.offset(phc) == 1_500)
        let o = try phc.offsetToSystem(samples: 9)
        #expect(o.method == .simulated && o.uncertaintyNanoseconds == 0)
        #expect(Int64(bitPattern: o.clockTime.nanoseconds &- o.systemTime.nanoseconds) == 1_500)
        #expect(o.systemTime == clock.now)
    }

    @Test func negativeDriftRunsSlow() throws {
        let clock = SimClock()
        let phc = SimPHC(clock: clock, .init(initialOffsetNanoseconds: 37_000_000_000, driftPPB: -20))
        clock.advance(by: 10_000_000_000)
        #expect(try Self.offset(phc) == 37_000_000_000 - 200)
    }

    @Test func scheduledStepAppliesExactlyAtItsSimulatedTime() throws {
        let clock = SimClock()
        let start = clock.now
        let phc = SimPHC(clock: clock, .init(initialOffsetNanoseconds: 0))
        phc.scheduleStep(at: Timestamp(nanoseconds: start.nanoseconds + 5_000_000_000), by: -1_000_000)
        clock.advance(by: 4_999_999_999)
        #expect(try Self.offset(phc) == 0)
        #expect(phc.stepsApplied == 0)
        // Predicting across the step already accounts for it.
        #expect(phc.time(atSystemTime: Timestamp(nanoseconds: start.nanoseconds + 6_000_000_000)).nanoseconds
            == start.nanoseconds + 6_000_000_000 - 1_000_000)
        clock.advance(by: 1)
        #expect(try Self.offset(phc) == -1_000_000)
        #expect(phc.stepsApplied == 1)
        // The instant before the step still reads as it did.
        #expect(phc.time(atSystemTime: Timestamp(nanoseconds: start.nanoseconds + 4_999_999_999)).nanoseconds
            == start.nanoseconds + 4_999_999_999)
    }

    @Test func steeringFrequencyChangesTheRateAndLeavesThePastExact() throws {
        let clock = SimClock()
        let phc = SimPHC(clock: clock, .init(initialOffsetNanoseconds: 0, driftPPB: 1_000))
        clock.advance(by: 1_000_000_000)
        let before = clock.now
        #expect(try Self.offset(phc) == 1_000)
        // A servo cancels the drift: the offset stops growing.
        try phc.adjustFrequency(ppb: -1_000)
        #expect(phc.effectiveFrequencyPPB == 0 && phc.frequencyAdjustmentPPB == -1_000)
        clock.advance(by: 5_000_000_000)
        #expect(try Self.offset(phc) == 1_000)
        // Then overcorrects to pull it back at 200 ns/s.
        try phc.adjustFrequency(ppb: -1_200)
        clock.advance(by: 5_000_000_000)
        #expect(try Self.offset(phc) == 0)
        // Adjustments are absolute, not cumulative.
        try phc.adjustFrequency(ppb: 0)
        clock.advance(by: 1_000_000_000)
        #expect(try Self.offset(phc) == 1_000)
        #expect(Int64(bitPattern: phc.time(atSystemTime: before).nanoseconds &- before.nanoseconds) == 1_000)
    }

    @Test func phaseAdjustmentAndLimitsBehaveAsTheKernelDoes() throws {
        let clock = SimClock()
        let phc = SimPHC(clock: clock, .init(initialOffsetNanoseconds: 12_345))
        try phc.adjustPhase(nanoseconds: -12_345)
        #expect(try Self.offset(phc) == 0)
        let max = try phc.capabilities().maxFrequencyAdjustmentPPB
        #expect(throws: HardwareError("clock_adjtime(ADJ_FREQUENCY)", code: ERANGE)) { try phc.adjustFrequency(ppb: Double(max) + 1) }
        var caps = SimPHC.Configuration.nicLikeCapabilities
        caps.adjustPhase = false
        let fixed = SimPHC(clock: clock, .init(capabilities: caps))
        #expect(throws: HardwareError("clock_adjtime(ADJ_OFFSET)", code: EOPNOTSUPP)) { try fixed.adjustPhase(nanoseconds: 1) }
        #expect(try fixed.capabilities() == caps)
    }

    @Test func readWindowNoiseStaysWithinTheReportedUncertaintyAndIsSeeded() throws {
        func offsets(seed: UInt64) throws -> [Int64] {
            let clock = SimClock()
            let phc = SimPHC(clock: clock, .init(initialOffsetNanoseconds: 1_000, readWindowNanoseconds: 200, seed: seed))
            return try (0..<500).map { _ in
                clock.advance(by: 1_000)
                let o = try phc.offsetToSystem(samples: 3)
                #expect(o.uncertaintyNanoseconds == 100)
                return o.offsetNanoseconds
            }
        }
        let a = try offsets(seed: 1)
        #expect(a.allSatisfy { (900...1_100).contains($0) })
        #expect(Set(a).count > 20, "noise should vary")
        #expect(try offsets(seed: 1) == a)
        #expect(try offsets(seed: 2) != a)
    }
}
