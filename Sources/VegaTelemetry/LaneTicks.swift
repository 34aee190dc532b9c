import CVegaSys

/// Reads the CPU's time-stamp counter: the clock of the lane's stage stamps.
///
/// `rdtsc` (not `rdtscp`): it does not wait for earlier instructions, so a stamp may be taken a
/// few cycles early — fine for stages hundreds of nanoseconds apart, and half the cost. On
/// non-x86 hosts it reads `CLOCK_MONOTONIC_RAW` in nanoseconds (calibration then measures a
/// rate of 10⁹/s).
///
/// - Cost: one `rdtsc`: 13 ns per read p50 back to back (TelemetryBenchmarks `lane-ticks`,
///   2026-11-22; HARDWARE-NOTES gives ≈51 ns from an earlier measurement on these VMs — budget
///   for the higher figure). No allocation, no lock, no system call.
/// - Returns: ticks since an arbitrary origin; convert differences with
///   ``TSCCalibration/nanoseconds(ticks:)`` off the lane.
@inlinable @inline(__always)
public func laneTicks() -> UInt64 {
    // The checker cannot see into C; vega_rdtsc is one rdtsc instruction (static inline): no
    // allocation, no lock, no call once inlined.
    _unsafePerformance { vega_rdtsc() }
}
