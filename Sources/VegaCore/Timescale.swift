/// The clock a ``Timestamp`` counts on. Caseless enums: the timescale exists only in the type,
/// so a TAI hardware timestamp cannot be subtracted from a UTC one without an explicit,
/// offset-carrying conversion.
public protocol Timescale: Sendable {
    /// Short name for diagnostics (`"UTC"`, `"TAI"`, …).
    static var name: String { get }
}

/// UTC nanoseconds since the Unix epoch, as `CLOCK_REALTIME` reports (leap seconds not
/// counted; the kernel steps or smears across them).
public enum UTC: Timescale {
    public static var name: String { "UTC" }
}

/// TAI nanoseconds since the Unix epoch: what PTP hardware clocks (PHCs) and NIC hardware
/// timestamps count. TAI − UTC is 37 s since 2017-01-01 and changes only at a leap second.
public enum TAI: Timescale {
    public static var name: String { "TAI" }
}

/// `CLOCK_MONOTONIC` nanoseconds since an unspecified point (boot): for measuring intervals in
/// one process; meaningless across machines.
public enum Monotonic: Timescale {
    public static var name: String { "monotonic" }
}

/// Nanoseconds since the exchange's local midnight, as ITCH 5.0 timestamps (6 bytes) carry.
/// Turning it into an instant needs the session date and the venue's time zone: see
/// ``Timestamp/utc(midnight:)``.
public enum SinceMidnight: Timescale {
    public static var name: String { "since-midnight" }
}
