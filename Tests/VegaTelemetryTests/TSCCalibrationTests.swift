import Testing
@testable import VegaTelemetry

@Suite("TSC calibration against fake and live clocks")
struct TSCCalibrationTests {
    @Test("the measured rate matches the fake TSC's to within a bracket over the interval", arguments: [2.995e9, 1e9, 3.7e9])
    func measuresKnownRate(rate: Double) throws {
        let clocks = TelemetryFakeClocks(rate: rate)
        let c = try TSCCalibration.measure(interval: .milliseconds(50), source: clocks)
        // Each clock read is bracketed by two 20 ns steps: the error is ~40 ns over 50 ms (< 1 ppm).
        #expect(abs(c.ticksPerSecond - rate) / rate < 2e-6, "\(c.ticksPerSecond) vs \(rate)")
        #expect(c.measuredOverNanoseconds >= 50_000_000)
        #expect(c.phcMinusRealtimeNanoseconds == nil)
        // 1 ms of ticks converts to 1 ms.
        let oneMs = UInt64(rate / 1000)
        #expect(abs(Int64(c.nanoseconds(ticks: oneMs)) - 1_000_000) <= 2)
    }

    @Test("the anchor maps a tick reading to CLOCK_REALTIME within the calibration's error")
    func anchorsToRealtime() throws {
        let clocks = TelemetryFakeClocks(rate: 2.5e9)
        let c = try TSCCalibration.measure(interval: .milliseconds(20), source: clocks)
        // A moment 3 ms after the fake's origin of true time + measurement.
        let t = 80_000_000.0
        let ticks = clocks.ticks(atTrueTime: t)
        let expected = Int64(clocks.realtime(atTrueTime: t))
        // Bracket error (~20 ns) plus the rate's error (~2 ppm over 20 ms) over the ~60 ms from the anchor.
        #expect(abs(Int64(c.realtimeNanoseconds(atTicks: ticks)) - expected) <= 400)
        #expect(c.phcNanoseconds(atTicks: ticks) == nil)
        #expect(c.realtime(fromPHC: 12345) == 12345, "without a PHC, hardware stamps are taken as CLOCK_REALTIME")
    }

    @Test("with a PHC, the offset is kept and PHC times convert both ways")
    func phcBranch() throws {
        var clocks = TelemetryFakeClocks(rate: 3e9)
        clocks.phcOffset = 37_000_000_123
        let c = try TSCCalibration.measure(interval: .milliseconds(10), source: clocks)
        #expect(c.phcMinusRealtimeNanoseconds == 37_000_000_123)
        let ticks = clocks.ticks(atTrueTime: 50_000_000)
        let rt = c.realtimeNanoseconds(atTicks: ticks)
        #expect(c.phcNanoseconds(atTicks: ticks) == rt + 37_000_000_123)
        #expect(c.realtime(fromPHC: rt + 37_000_000_123) == rt)
        #expect(c.description.contains("PHC − CLOCK_REALTIME = 37000000123 ns"))
    }

    @Test("a clock that does not advance, a stuck TSC, a failing clock and a short interval are specific errors")
    func errors() {
        var frozen = TelemetryFakeClocks(rate: 3e9)
        frozen.monotonicFrozen = true
        #expect(throws: TSCCalibrationError.clockDidNotAdvance(clock: "CLOCK_MONOTONIC_RAW")) {
            try TSCCalibration.measure(interval: .milliseconds(5), source: frozen)
        }
        var stuck = TelemetryFakeClocks(rate: 3e9)
        stuck.ticksFrozen = true
        #expect(throws: TSCCalibrationError.ticksDidNotAdvance) {
            try TSCCalibration.measure(interval: .milliseconds(5), source: stuck)
        }
        var failing = TelemetryFakeClocks(rate: 3e9)
        failing.failRealtime = 22
        #expect(throws: TSCCalibrationError.clockReadFailed(clock: "CLOCK_REALTIME", errno: 22)) {
            try TSCCalibration.measure(interval: .milliseconds(5), source: failing)
        }
        #expect(throws: TSCCalibrationError.intervalTooShort(nanoseconds: 500_000)) {
            try TSCCalibration.measure(interval: .microseconds(500), source: TelemetryFakeClocks(rate: 3e9))
        }
        var slow = TelemetryFakeClocks(rate: 1e5)
        slow.step = 1
        let e = #expect(throws: TSCCalibrationError.self) {
            try TSCCalibration.measure(interval: .milliseconds(10), source: slow)
        }
        guard case .implausibleRate(let r)? = e else {
            Issue.record("expected implausibleRate, got \(String(describing: e))")
            return
        }
        #expect(abs(r - 1e5) < 1e3)
    }

    @Test("a missing PHC device is reported with its path")
    func missingPHC() {
        #expect(throws: TSCCalibrationError.phcUnavailable(path: "/dev/ptp-vega-none", errno: 2)) {
            try TSCCalibration.measure(interval: .milliseconds(2), source: SystemCalibrationSource(phcPath: "/dev/ptp-vega-none"))
        }
    }

    @Test("the live TSC calibrates to a plausible rate (this host's clocks, no timing asserted)")
    func liveCalibration() throws {
        let c = try TSCCalibration.measure(interval: .milliseconds(20))
        #expect(c.ticksPerSecond > 1e8 && c.ticksPerSecond < 1e11)
        #expect(c.anchorRealtimeNanoseconds > 1_600_000_000_000_000_000)
        #expect(c.description.hasPrefix("TSC "))
    }
}
