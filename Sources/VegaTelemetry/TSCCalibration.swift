#if canImport(Glibc)
import Glibc
#endif
import CVegaSys
import CVegaTime

/// Converts the lane's TSC ticks (``laneTicks()``) to nanoseconds: a rate measured against
/// `CLOCK_MONOTONIC_RAW`, and an anchor to `CLOCK_REALTIME` (plus, when a PTP hardware clock is
/// given, its offset from `CLOCK_REALTIME`) so lane stamps can be compared with the kernel's and
/// the NIC's.
///
/// Measure it once per run off the lane (``measure(interval:source:)``) and hand the value to
/// the profiler; it is stored in profile files so a profile can be re-read anywhere. On the
/// project's VMs the TSC is invariant, so one calibration holds for the run.
public struct TSCCalibration: Sendable, Equatable, CustomStringConvertible {
    /// TSC ticks per second (e.g. 2.995e9 for a 2.995 GHz invariant TSC).
    public var ticksPerSecond: Double
    /// A tick reading taken at ``anchorRealtimeNanoseconds``.
    public var anchorTicks: UInt64
    /// `CLOCK_REALTIME` nanoseconds at ``anchorTicks``.
    public var anchorRealtimeNanoseconds: UInt64
    /// PHC − `CLOCK_REALTIME` in nanoseconds when a PTP hardware clock was measured (≈ +37 s
    /// when the PHC runs TAI), `nil` when there is none.
    public var phcMinusRealtimeNanoseconds: Int64?
    /// How long the rate was measured over (0: the rate was given, not measured).
    public var measuredOverNanoseconds: UInt64

    /// A calibration with a known rate and anchor (tests, replays, a file's header).
    public init(ticksPerSecond: Double, anchorTicks: UInt64 = 0, anchorRealtimeNanoseconds: UInt64 = 0,
                phcMinusRealtimeNanoseconds: Int64? = nil, measuredOverNanoseconds: UInt64 = 0) {
        self.ticksPerSecond = ticksPerSecond
        self.anchorTicks = anchorTicks
        self.anchorRealtimeNanoseconds = anchorRealtimeNanoseconds
        self.phcMinusRealtimeNanoseconds = phcMinusRealtimeNanoseconds
        self.measuredOverNanoseconds = measuredOverNanoseconds
    }

    /// Nanoseconds per tick.
    public var nanosecondsPerTick: Double { 1e9 / ticksPerSecond }

    /// The duration of `ticks` TSC ticks in nanoseconds, rounded to the nearest. No allocation.
    public func nanoseconds(ticks: UInt64) -> UInt64 {
        let ns = (Double(ticks) * nanosecondsPerTick).rounded()
        return ns >= 1.8e19 ? .max : UInt64(ns)
    }

    /// The `CLOCK_REALTIME` time, in nanoseconds, at which the TSC read `ticks`. No allocation.
    public func realtimeNanoseconds(atTicks ticks: UInt64) -> UInt64 {
        let deltaTicks = Int64(bitPattern: ticks &- anchorTicks)
        let deltaNs = Int64((Double(deltaTicks) * nanosecondsPerTick).rounded())
        return UInt64(bitPattern: Int64(bitPattern: anchorRealtimeNanoseconds) &+ deltaNs)
    }

    /// The PHC time at which the TSC read `ticks`, or `nil` without a PHC offset.
    public func phcNanoseconds(atTicks ticks: UInt64) -> UInt64? {
        guard let offset = phcMinusRealtimeNanoseconds else { return nil }
        return UInt64(bitPattern: Int64(bitPattern: realtimeNanoseconds(atTicks: ticks)) &+ offset)
    }

    /// `nanoseconds`, a PHC time, as `CLOCK_REALTIME` (unchanged without a PHC offset).
    public func realtime(fromPHC nanoseconds: UInt64) -> UInt64 {
        guard let offset = phcMinusRealtimeNanoseconds else { return nanoseconds }
        return UInt64(bitPattern: Int64(bitPattern: nanoseconds) &- offset)
    }

    public var description: String {
        let ghz = ticksPerSecond / 1e9
        var s = "TSC \(Self.format(ghz, digits: 6)) GHz (\(Self.format(nanosecondsPerTick, digits: 4)) ns/tick)"
        if measuredOverNanoseconds > 0 {
            s += ", measured over \(Self.format(Double(measuredOverNanoseconds) / 1e6, digits: 1)) ms against CLOCK_MONOTONIC_RAW"
        } else {
            s += ", given (not measured)"
        }
        s += "; anchored to CLOCK_REALTIME at \(anchorRealtimeNanoseconds) ns"
        if let offset = phcMinusRealtimeNanoseconds {
            s += "; PHC − CLOCK_REALTIME = \(offset) ns"
        } else {
            s += "; no PTP hardware clock"
        }
        return s
    }

    static func format(_ x: Double, digits: Int) -> String {
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        let r = (x * p).rounded() / p
        var text = "\(r)"
        if let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) - 1 > digits {
            text = String(text[..<text.index(dot, offsetBy: digits + 1)])
        }
        return text
    }
}

/// Why a calibration could not be measured.
public enum TSCCalibrationError: Error, Equatable, CustomStringConvertible {
    /// `clock_gettime` on `clock` failed with `errno`.
    case clockReadFailed(clock: String, errno: Int32)
    /// `clock` did not advance during the measurement (a broken or fake clock).
    case clockDidNotAdvance(clock: String)
    /// The TSC did not advance while `CLOCK_MONOTONIC_RAW` did.
    case ticksDidNotAdvance
    /// The measured rate is outside 1 MHz…100 GHz: not a TSC.
    case implausibleRate(ticksPerSecond: Double)
    /// The interval asked for is shorter than 1 ms: too short to measure a rate to 1 ppm-ish.
    case intervalTooShort(nanoseconds: UInt64)
    /// The PTP hardware clock at `path` could not be opened or read (`errno`).
    case phcUnavailable(path: String, errno: Int32)

    public var description: String {
        switch self {
        case .clockReadFailed(let clock, let e): "TSC calibration: reading \(clock) failed: \(String(cString: strerror(e))) (errno \(e))"
        case .clockDidNotAdvance(let clock): "TSC calibration: \(clock) did not advance during the measurement"
        case .ticksDidNotAdvance: "TSC calibration: the TSC did not advance while CLOCK_MONOTONIC_RAW did"
        case .implausibleRate(let r): "TSC calibration: measured \(r) ticks/s, outside 1 MHz…100 GHz: not a usable TSC"
        case .intervalTooShort(let ns): "TSC calibration: an interval of \(ns) ns is too short; use at least 1 ms"
        case .phcUnavailable(let path, let e): "TSC calibration: PTP hardware clock \(path): \(String(cString: strerror(e))) (errno \(e))"
        }
    }
}

/// Where a calibration reads its clocks: the live system (``SystemCalibrationSource``) or, in
/// tests, a fake with known rates and offsets.
public protocol TSCCalibrationSource {
    /// The tick counter being calibrated.
    mutating func readTicks() -> UInt64
    /// `CLOCK_MONOTONIC_RAW` nanoseconds (the rate reference: never slewed).
    mutating func monotonicRawNanoseconds() throws(TSCCalibrationError) -> UInt64
    /// `CLOCK_REALTIME` nanoseconds (the anchor).
    mutating func realtimeNanoseconds() throws(TSCCalibrationError) -> UInt64
    /// PHC − `CLOCK_REALTIME` in nanoseconds, or `nil` when the source has no PTP hardware clock.
    mutating func phcMinusRealtimeNanoseconds() throws(TSCCalibrationError) -> Int64?
    /// Lets about `nanoseconds` of `CLOCK_MONOTONIC_RAW` time pass.
    mutating func wait(nanoseconds: UInt64)
}

/// The live clocks: `rdtsc`, `clock_gettime`, and optionally a PTP hardware clock (`/dev/ptpN`)
/// whose offset to `CLOCK_REALTIME` is measured the way phc2sys does (CVegaTime).
public struct SystemCalibrationSource: TSCCalibrationSource {
    /// The PHC device, e.g. `/dev/ptp0`; `nil` for none.
    public var phcPath: String?

    public init(phcPath: String? = nil) { self.phcPath = phcPath }

    public mutating func readTicks() -> UInt64 { laneTicks() }

    public mutating func monotonicRawNanoseconds() throws(TSCCalibrationError) -> UInt64 {
        try Self.read(CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW")
    }

    public mutating func realtimeNanoseconds() throws(TSCCalibrationError) -> UInt64 {
        try Self.read(CLOCK_REALTIME, "CLOCK_REALTIME")
    }

    public mutating func phcMinusRealtimeNanoseconds() throws(TSCCalibrationError) -> Int64? {
        guard let path = phcPath else { return nil }
        let fd = vega_phc_open(path, 0)
        guard fd >= 0 else { throw .phcUnavailable(path: path, errno: -fd) }
        defer { close(fd) }
        var offset = vega_phc_offset()
        let rc = vega_phc_measure_offset(fd, 9, &offset)
        guard rc == 0 else { throw .phcUnavailable(path: path, errno: -rc) }
        return offset.offset_ns
    }

    public mutating func wait(nanoseconds: UInt64) {
        var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }

    static func read(_ clock: clockid_t, _ name: String) throws(TSCCalibrationError) -> UInt64 {
        var ns: UInt64 = 0
        let rc = vega_clock_ns(clock, &ns)
        guard rc == 0 else { throw .clockReadFailed(clock: name, errno: -rc) }
        return ns
    }
}

extension TSCCalibration {
    /// Measures the tick rate against `CLOCK_MONOTONIC_RAW` over `interval`, anchors ticks to
    /// `CLOCK_REALTIME`, and reads the PHC offset when `source` has a PHC.
    ///
    /// Each clock read is bracketed by two tick reads and the narrowest of several brackets is
    /// kept, so the error is about one bracket (≈100–200 ns on the VMs) over the interval: with
    /// the default 50 ms, a few ppm. Blocks the calling thread for `interval`; never on the lane.
    /// - Throws: ``TSCCalibrationError`` naming the clock that failed or misbehaved.
    public static func measure(
        interval: Duration = .milliseconds(50), source: some TSCCalibrationSource = SystemCalibrationSource()
    ) throws(TSCCalibrationError) -> TSCCalibration {
        var source = source
        let (seconds, attos) = interval.components
        let intervalNs = UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attos) / 1_000_000_000)
        guard intervalNs >= 1_000_000 else { throw .intervalTooShort(nanoseconds: intervalNs) }

        let (t0, m0) = try bracket(&source) { (s: inout _) throws(TSCCalibrationError) in try s.monotonicRawNanoseconds() }
        source.wait(nanoseconds: intervalNs)
        var (t1, m1) = try bracket(&source) { (s: inout _) throws(TSCCalibrationError) in try s.monotonicRawNanoseconds() }
        // A wait that returned early (or a coarse fake) is topped up until the interval has passed.
        var spins = 0
        while m1 &- m0 < intervalNs && m1 > m0 && spins < 1_000_000 {
            source.wait(nanoseconds: intervalNs - (m1 - m0))
            (t1, m1) = try bracket(&source) { (s: inout _) throws(TSCCalibrationError) in try s.monotonicRawNanoseconds() }
            spins += 1
        }
        guard m1 > m0 else { throw .clockDidNotAdvance(clock: "CLOCK_MONOTONIC_RAW") }
        guard t1 > t0 else { throw .ticksDidNotAdvance }
        let rate = Double(t1 - t0) / (Double(m1 - m0) / 1e9)
        guard rate >= 1e6 && rate <= 1e11 else { throw .implausibleRate(ticksPerSecond: rate) }

        let (ta, ra) = try bracket(&source) { (s: inout _) throws(TSCCalibrationError) in try s.realtimeNanoseconds() }
        let phc = try source.phcMinusRealtimeNanoseconds()
        return TSCCalibration(ticksPerSecond: rate, anchorTicks: ta, anchorRealtimeNanoseconds: ra,
                              phcMinusRealtimeNanoseconds: phc, measuredOverNanoseconds: m1 - m0)
    }

    /// Reads `clock` between two tick reads, five times; returns the midpoint tick of the
    /// narrowest bracket with its clock reading.
    static func bracket<S: TSCCalibrationSource>(
        _ source: inout S, _ clock: (inout S) throws(TSCCalibrationError) -> UInt64
    ) throws(TSCCalibrationError) -> (ticks: UInt64, nanoseconds: UInt64) {
        var best: (width: UInt64, ticks: UInt64, ns: UInt64) = (.max, 0, 0)
        for _ in 0..<5 {
            let before = source.readTicks()
            let ns = try clock(&source)
            let after = source.readTicks()
            let width = after &- before
            if width < best.width { best = (width, before &+ width / 2, ns) }
        }
        return (best.ticks, best.ns)
    }
}
