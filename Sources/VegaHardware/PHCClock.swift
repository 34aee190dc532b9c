import CVegaTime
import Glibc
import VegaCore

/// A PTP hardware clock, /dev/ptpN: the live `HardwareClock`.
///
/// Owns the descriptor (closed on deinit). Reading it is a clock_gettime on the dynamic clock id
/// `FD_TO_CLOCKID(fd)`; offsets to the system clock use PTP_SYS_OFFSET_PRECISE, then _EXTENDED,
/// then the basic ioctl, as linuxptp does.
public struct PHCClock: HardwareClock, ~Copyable {
    public let path: String
    public let fd: Int32
    public let clockID: clockid_t
    public let name: String

    /// Opens `path` (e.g. "/dev/ptp0"); `writable` to steer it.
    public init(path: String, writable: Bool = false) throws(HardwareSetupError) {
        let fd = vega_phc_open(path, writable ? 1 : 0)
        guard fd >= 0 else { throw .system("open \(path)", negativeErrno: fd) }
        self.path = path
        self.fd = fd
        self.clockID = vega_fd_to_clockid(fd)
        let base = path.split(separator: "/").last.map(String.init) ?? path
        let clockName = Sysfs.read("/sys/class/ptp/\(base)/clock_name") ?? "?"
        self.name = "\(path) (\(clockName))"
    }

    deinit { close(fd) }

    public func capabilities() throws(HardwareError) -> ClockCapabilities {
        var c = vega_phc_caps()
        let rc = vega_phc_get_caps(fd, &c)
        guard rc == 0 else { throw HardwareError("PTP_CLOCK_GETCAPS", negativeErrno: rc) }
        return ClockCapabilities(
            maxFrequencyAdjustmentPPB: Int(c.max_adj_ppb), alarms: Int(c.n_alarm),
            externalTimestampChannels: Int(c.n_ext_ts), periodicOutputs: Int(c.n_per_out), pps: c.pps != 0,
            pins: Int(c.n_pins), crossTimestamping: c.cross_timestamping != 0, adjustPhase: c.adjust_phase != 0)
    }

    public func now() throws(HardwareError) -> Timestamp<TAI> {
        var ns: UInt64 = 0
        let rc = vega_clock_ns(clockID, &ns)
        guard rc == 0 else { throw HardwareError("clock_gettime(PHC)", negativeErrno: rc) }
        return Timestamp(nanoseconds: ns)
    }

    public func offsetToSystem(samples: Int = 9) throws(HardwareError) -> ClockOffset {
        var o = vega_phc_offset()
        let rc = vega_phc_measure_offset(fd, Int32(clamping: samples), &o)
        guard rc == 0 else { throw HardwareError("PTP_SYS_OFFSET", negativeErrno: rc) }
        let method: ClockOffsetMethod =
            switch Int(o.method) {
            case Int(VEGA_PHC_METHOD_PRECISE): .precise
            case Int(VEGA_PHC_METHOD_EXTENDED): .extended
            default: .basic
            }
        return ClockOffset(
            offsetNanoseconds: o.offset_ns, uncertaintyNanoseconds: o.uncertainty_ns, method: method,
            clockTime: Timestamp(nanoseconds: o.phc_ns), systemTime: Timestamp(nanoseconds: o.sys_ns))
    }

    /// Steers the clock's frequency (needs `writable`), in parts per billion.
    public func adjustFrequency(ppb: Double) throws(HardwareError) {
        let rc = vega_phc_adjust_frequency(fd, ppb)
        guard rc == 0 else { throw HardwareError("clock_adjtime(ADJ_FREQUENCY)", negativeErrno: rc) }
    }

    /// The PTP clocks this host exposes, from /sys/class/ptp.
    public static func devices() -> [String] {
        Sysfs.list("/sys/class/ptp").filter { $0.hasPrefix("ptp") }.sorted { a, b in
            (Int(a.dropFirst(3)) ?? 0) < (Int(b.dropFirst(3)) ?? 0)
        }.map { "/dev/\($0)" }
    }
}
