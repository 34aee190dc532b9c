#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Timestamp where Scale == UTC {
    /// The system's wall clock (`CLOCK_REALTIME`).
    ///
    /// Cost: a vDSO `clock_gettime`, 70–120 ns on the project's VMs: one per stage at most on
    /// the lane (prefer the NIC's hardware stamp where there is one). No allocation, no lock.
    /// The clock can step (NTP/PTP corrections): never use it to measure intervals.
    @inlinable
    public static func now() -> Self {
        Self(nanoseconds: _clockNanoseconds(_clockRealtime))
    }
}

extension Timestamp where Scale == Monotonic {
    /// `CLOCK_MONOTONIC`: never steps, slews with NTP/PTP frequency corrections. For
    /// intervals within one machine. Same cost and guarantees as `Timestamp<UTC>.now()`.
    @inlinable
    public static func now() -> Self {
        Self(nanoseconds: _clockNanoseconds(_clockMonotonic))
    }
}

// There is deliberately no `Timestamp<TAI>.now()`: CLOCK_TAI is CLOCK_REALTIME plus the
// kernel's TAI offset, which stays 0 unless ptp4l/chrony set it, so it silently reads UTC on
// most hosts. TAI comes from a PHC (VegaHardware) or from `tai(taiOffset:)`.

// The clock ids as literals: Glibc's CLOCK_* macros import as getters in the Glibc module,
// which inlinable code cannot see through — the performance checker rejects them, and they
// would cost a call. Values are the kernel ABI (uapi/linux/time.h) and Darwin's <time.h>.
#if os(Linux)
@inlinable var _clockRealtime: clockid_t { 0 }
@inlinable var _clockMonotonic: clockid_t { 1 }
#else
@inlinable var _clockRealtime: clockid_t { _CLOCK_REALTIME }
@inlinable var _clockMonotonic: clockid_t { _CLOCK_MONOTONIC }
#endif

@inlinable @inline(__always) @_noLocks
internal func _clockNanoseconds(_ clock: clockid_t) -> UInt64 {
    var ts = timespec()
    // clock_gettime is a vDSO call: no allocation, no lock, cannot fail for these two clock
    // ids; the checker cannot see into C, hence the exemption.
    _ = _unsafePerformance { clock_gettime(clock, &ts) }
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}
