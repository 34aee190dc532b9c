import CVegaTime
import VegaCore

/// How an offset between a hardware clock and the system clock was measured.
public enum ClockOffsetMethod: String, Sendable, Codable {
    /// PTP_SYS_OFFSET_PRECISE: the NIC cross-timestamps against the system clock.
    case precise
    /// PTP_SYS_OFFSET_EXTENDED: system time read just before and after each PHC read.
    case extended
    /// PTP_SYS_OFFSET: interleaved system/PHC reads.
    case basic
    /// HardwareSim's clock: exact by construction.
    case simulated
}

/// `clock − CLOCK_REALTIME`, with how sure we are of it.
public struct ClockOffset: Sendable, Equatable {
    /// Hardware clock minus system clock, in ns. A PTP-disciplined PHC runs TAI, so this is about
    /// +37 s plus the servo's residual error when phc2sys is not running.
    public var offsetNanoseconds: Int64
    /// Half the narrowest read window: the true offset lies within ± this.
    public var uncertaintyNanoseconds: UInt64
    public var method: ClockOffsetMethod
    /// The hardware clock's reading the offset was taken at.
    public var clockTime: Timestamp<TAI>
    /// The system time matched with it.
    public var systemTime: Timestamp<UTC>

    public init(
        offsetNanoseconds: Int64, uncertaintyNanoseconds: UInt64, method: ClockOffsetMethod,
        clockTime: Timestamp<TAI>, systemTime: Timestamp<UTC>
    ) {
        self.offsetNanoseconds = offsetNanoseconds
        self.uncertaintyNanoseconds = uncertaintyNanoseconds
        self.method = method
        self.clockTime = clockTime
        self.systemTime = systemTime
    }
}

/// What a hardware clock can do (PTP_CLOCK_GETCAPS).
public struct ClockCapabilities: Sendable, Equatable, Codable {
    public var maxFrequencyAdjustmentPPB: Int
    public var alarms: Int
    public var externalTimestampChannels: Int
    public var periodicOutputs: Int
    public var pps: Bool
    public var pins: Int
    /// PTP_SYS_OFFSET_PRECISE is supported.
    public var crossTimestamping: Bool
    public var adjustPhase: Bool

    public init(
        maxFrequencyAdjustmentPPB: Int, alarms: Int, externalTimestampChannels: Int, periodicOutputs: Int,
        pps: Bool, pins: Int, crossTimestamping: Bool, adjustPhase: Bool
    ) {
        self.maxFrequencyAdjustmentPPB = maxFrequencyAdjustmentPPB
        self.alarms = alarms
        self.externalTimestampChannels = externalTimestampChannels
        self.periodicOutputs = periodicOutputs
        self.pps = pps
        self.pins = pins
        self.crossTimestamping = crossTimestamping
        self.adjustPhase = adjustPhase
    }
}

/// A hardware clock: a NIC's PTP hardware clock (/dev/ptpN), or HardwareSim's simulated one.
///
/// `now()` is cheap enough for the lane on a PHC (one clock_gettime on a dynamic clock id);
/// `offsetToSystem` issues ioctls and belongs off the lane (a servo or monitor thread).
public protocol HardwareClock: ~Copyable {
    /// e.g. "/dev/ptp0 (mlx5_ptp)".
    var name: String { get }
    func capabilities() throws(HardwareError) -> ClockCapabilities
    /// The clock's current time (TAI when PTP-disciplined).
    func now() throws(HardwareError) -> Timestamp<TAI>
    /// Measures clock − CLOCK_REALTIME with the best method available, keeping the best of
    /// `samples` reads.
    func offsetToSystem(samples: Int) throws(HardwareError) -> ClockOffset
}

/// Any clock by id (CLOCK_TAI, a PHC's dynamic id, …) as nanoseconds, 0 if it cannot be read.
/// For UTC and monotonic time use `Timestamp<UTC>.now()` / `Timestamp<Monotonic>.now()`.
public enum SystemClock {
    @inlinable
    public static func read(_ id: clockid_t) -> UInt64 {
        var ns: UInt64 = 0
        _ = vega_clock_ns(id, &ns)
        return ns
    }
}
