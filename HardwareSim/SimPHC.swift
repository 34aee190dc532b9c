import Glibc
import VegaCore
import VegaHardware

/// A simulated PTP hardware clock: a `HardwareClock` whose time is an exact function of a
/// `SimClock`, with a configurable offset, an oscillator frequency error (drift), scheduled
/// steps, and the steering calls a phc2sys-like servo makes (`adjustFrequency`, `adjustPhase`).
///
/// Model: the PHC runs piecewise linearly against the simulated system time `t`. Within a
/// segment that starts at system time `t0` with PHC time `p0` and a rate error of `r` parts per
/// trillion (drift plus the servo's adjustment), `phc(t) = p0 + (t − t0) + (t − t0)·r / 10¹²`,
/// the correction rounded toward zero. A new segment starts at every step and every steering
/// call, so a past instant is evaluated with the rate in force at that instant — frame stamps
/// taken after a servo acted are still exact. The last `historyCapacity` segments are kept (a
/// fixed buffer allocated at init); older instants extrapolate from the oldest kept segment.
///
/// Deterministic: integer arithmetic (128-bit intermediates) and a seeded generator for the
/// optional read noise. Not `Sendable`, like the `SimClock` it reads.
public final class SimPHC: HardwareClock {
    public struct Configuration: Sendable {
        /// e.g. "/dev/ptp0 (sim)": what logs and `vega diag` print.
        public var name: String
        /// PHC − system time at the clock's creation, ns. A PHC disciplined by ptp4l runs TAI, so
        /// the default is the current TAI − UTC of 37 s.
        public var initialOffsetNanoseconds: Int64
        /// The oscillator's own frequency error, parts per billion (positive: the PHC runs fast).
        public var driftPPB: Double
        /// What `capabilities()` reports, and the bound `adjustFrequency` enforces (ERANGE past it).
        public var capabilities: ClockCapabilities
        /// Width of the simulated system-clock read window around a PHC read, ns. 0 makes
        /// `offsetToSystem` exact; otherwise it reports ±half of it as uncertainty and adds
        /// seeded noise within that bound.
        public var readWindowNanoseconds: UInt64
        public var seed: UInt64
        /// Steering segments kept for evaluating past instants exactly.
        public var historyCapacity: Int

        /// Capabilities of a typical NIC PHC (mlx5-like: ±32.77 ms/s of adjustment, cross
        /// timestamping, phase adjustment).
        public static let nicLikeCapabilities = ClockCapabilities(
            maxFrequencyAdjustmentPPB: 32_767_999, alarms: 0, externalTimestampChannels: 2, periodicOutputs: 2,
            pps: true, pins: 2, crossTimestamping: true, adjustPhase: true)

        public init(
            name: String = "/dev/ptp0 (sim)", initialOffsetNanoseconds: Int64 = 37_000_000_000, driftPPB: Double = 0,
            capabilities: ClockCapabilities = nicLikeCapabilities, readWindowNanoseconds: UInt64 = 0, seed: UInt64 = 0,
            historyCapacity: Int = 256
        ) {
            self.name = name
            self.initialOffsetNanoseconds = initialOffsetNanoseconds
            self.driftPPB = driftPPB
            self.capabilities = capabilities
            self.readWindowNanoseconds = readWindowNanoseconds
            self.seed = seed
            self.historyCapacity = historyCapacity
        }
    }

    @usableFromInline
    struct Segment {
        var systemStart: UInt64
        var phcStart: UInt64
        /// Rate error in parts per trillion: drift + servo adjustment.
        var ratePPT: Int64
    }

    public let name: String
    public let configuration: Configuration
    public let clock: SimClock
    /// The servo's current frequency adjustment, ppb (what ADJ_FREQUENCY last set).
    public private(set) var frequencyAdjustmentPPB: Double = 0
    /// Steps applied so far (scheduled ones once their time has passed, and `adjustPhase`).
    public private(set) var stepsApplied: Int = 0

    @usableFromInline let segments: UnsafeMutablePointer<Segment>
    @usableFromInline let capacity: Int
    /// Index of the newest segment; `count` segments are valid, ending at `newest`.
    @usableFromInline var newest: Int = 0
    @usableFromInline var count: Int = 1
    /// Scheduled steps not yet reached, sorted by time (scheduling is off the hot path).
    var pendingSteps: [(at: UInt64, by: Int64)] = []
    var random: SimRandom

    public init(clock: SimClock, _ configuration: Configuration = .init()) {
        precondition(configuration.historyCapacity >= 1, "SimPHC needs room for at least one segment")
        self.configuration = configuration
        self.name = configuration.name
        self.clock = clock
        capacity = configuration.historyCapacity
        segments = .allocate(capacity: capacity)
        let t = clock.now.nanoseconds
        segments.initialize(
            to: Segment(
                systemStart: t, phcStart: t &+ UInt64(bitPattern: configuration.initialOffsetNanoseconds),
                ratePPT: Self.ppt(configuration.driftPPB)))
        random = SimRandom(seed: configuration.seed)
    }

    deinit { segments.deallocate() }

    static func ppt(_ ppb: Double) -> Int64 { Int64((ppb * 1000).rounded()) }

    /// The oscillator's rate error plus the servo's adjustment, ppb, as the clock runs now.
    public var effectiveFrequencyPPB: Double { Double(segments[newest].ratePPT) / 1000 }

    // MARK: reading

    /// The PHC's time at simulated system time `t`. Past and present instants are exact; a future
    /// instant is predicted from the clock as it runs now plus the steps scheduled before it
    /// (steering not yet made cannot be known). Applies steps the present has reached first. No
    /// allocation; cost is a short scan of recent segments.
    public func time(atSystemTime t: Timestamp<UTC>) -> Timestamp<TAI> {
        settle(upTo: clock.now.nanoseconds)
        var phc = evaluate(t.nanoseconds)
        for step in pendingSteps where step.at <= t.nanoseconds { phc &+= UInt64(bitPattern: step.by) }
        return Timestamp(nanoseconds: phc)
    }

    @usableFromInline
    func evaluate(_ t: UInt64) -> UInt64 {
        // Newest first: stamps are almost always taken in the latest segment.
        var i = newest
        var left = count
        while left > 1, segments[i].systemStart > t {
            i = i == 0 ? capacity - 1 : i - 1
            left -= 1
        }
        return Self.evaluate(segments[i], t)
    }

    @usableFromInline
    static func evaluate(_ s: Segment, _ t: UInt64) -> UInt64 {
        let dt = Int64(bitPattern: t &- s.systemStart)
        let correction = Int64(truncatingIfNeeded: Int128(dt) * Int128(s.ratePPT) / 1_000_000_000_000)
        return s.phcStart &+ UInt64(bitPattern: dt &+ correction)
    }

    func push(_ s: Segment) {
        newest = newest + 1 == capacity ? 0 : newest + 1
        segments[newest] = s
        count = Swift.min(count + 1, capacity)
    }

    /// Turns every scheduled step at or before `t` into a segment boundary.
    func settle(upTo t: UInt64) {
        while let step = pendingSteps.first, step.at <= t {
            pendingSteps.removeFirst()
            let before = evaluate(step.at)
            push(Segment(systemStart: step.at, phcStart: before &+ UInt64(bitPattern: step.by), ratePPT: segments[newest].ratePPT))
            stepsApplied += 1
        }
    }

    // MARK: HardwareClock

    public func capabilities() throws(HardwareError) -> ClockCapabilities { configuration.capabilities }

    public func now() throws(HardwareError) -> Timestamp<TAI> { time(atSystemTime: clock.now) }

    /// PHC − system time at the simulated now, method `.simulated`. With a read window
    /// configured, each of `samples` reads carries uniform noise within ±window/2 and the one
    /// nearest the truth is kept — what keeping the narrowest window achieves on real hardware —
    /// so the true offset always lies within the reported uncertainty.
    public func offsetToSystem(samples: Int = 9) throws(HardwareError) -> ClockOffset {
        guard samples >= 1 else { throw HardwareError("PTP_SYS_OFFSET", code: EINVAL) }
        let sys = clock.now.nanoseconds
        let phc = time(atSystemTime: Timestamp(nanoseconds: sys)).nanoseconds
        let exact = Int64(bitPattern: phc &- sys)
        let half = configuration.readWindowNanoseconds / 2
        var noise: Int64 = 0
        if half > 0 {
            let h = Int64(clamping: half)
            noise = random.next(in: -h...h)
            for _ in 1..<samples {
                let n = random.next(in: -h...h)
                if n.magnitude < noise.magnitude { noise = n }
            }
        }
        return ClockOffset(
            offsetNanoseconds: exact &+ noise, uncertaintyNanoseconds: half, method: .simulated,
            clockTime: Timestamp(nanoseconds: phc &+ UInt64(bitPattern: noise)), systemTime: Timestamp(nanoseconds: sys))
    }

    // MARK: schedule and steering

    /// Schedules a step of the PHC by `nanoseconds` (negative: backwards) at simulated system time
    /// `at`, as a grandmaster change or a ptp4l step would cause. A step scheduled in the past
    /// applies now: history already evaluated is never rewritten. Off the hot path (keeps a
    /// sorted array).
    public func scheduleStep(at: Timestamp<UTC>, by nanoseconds: Int64) {
        let when = Swift.max(at.nanoseconds, clock.now.nanoseconds, segments[newest].systemStart)
        let i = pendingSteps.firstIndex { $0.at > when } ?? pendingSteps.endIndex
        pendingSteps.insert((when, nanoseconds), at: i)
    }

    /// Sets the frequency adjustment to `ppb` from now on (absolute, as `clock_adjtime`
    /// ADJ_FREQUENCY does — not added to the previous adjustment). The clock's rate becomes
    /// drift + `ppb`. Beyond the capability's maximum it fails with ERANGE, as the kernel does.
    public func adjustFrequency(ppb: Double) throws(HardwareError) {
        guard ppb.isFinite, ppb.magnitude <= Double(configuration.capabilities.maxFrequencyAdjustmentPPB) else {
            throw HardwareError("clock_adjtime(ADJ_FREQUENCY)", code: ERANGE)
        }
        let t = clock.now.nanoseconds
        settle(upTo: t)
        push(Segment(systemStart: t, phcStart: evaluate(t), ratePPT: Self.ppt(configuration.driftPPB + ppb)))
        frequencyAdjustmentPPB = ppb
    }

    /// Shifts the clock's phase by `nanoseconds` now (ADJ_SETOFFSET / the adjphase call). Applied
    /// at once: real NICs may slew it over a few ms, which a servo test does not need to model
    /// to see its exact effect. Fails with EOPNOTSUPP when the capabilities say no phase control.
    public func adjustPhase(nanoseconds: Int64) throws(HardwareError) {
        guard configuration.capabilities.adjustPhase else { throw HardwareError("clock_adjtime(ADJ_OFFSET)", code: EOPNOTSUPP) }
        let t = clock.now.nanoseconds
        settle(upTo: t)
        push(Segment(systemStart: t, phcStart: evaluate(t) &+ UInt64(bitPattern: nanoseconds), ratePPT: segments[newest].ratePPT))
        stepsApplied += 1
    }
}
