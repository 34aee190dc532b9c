/// An instant: unsigned nanoseconds on the timescale `Scale` (``UTC``, ``TAI``, ``Monotonic``,
/// ``SinceMidnight``).
///
/// 64-bit nanoseconds since 1970 last until 2554. Differences are ``Nanoseconds`` (signed).
/// Converting between timescales is explicit and takes what it needs (a TAI offset, a
/// midnight): nothing is hidden in a global. No operation allocates or locks.
@frozen
public struct Timestamp<Scale: Timescale>: Sendable, Hashable, Comparable, BitwiseCopyable {
    /// Nanoseconds since the timescale's origin.
    public var nanoseconds: UInt64

    @inlinable @inline(__always)
    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    /// `seconds` × 10^9 + `nanoseconds` (the `timespec` split); traps if it does not fit.
    @inlinable
    public init(seconds: UInt64, nanoseconds: UInt64) {
        self.nanoseconds = seconds * 1_000_000_000 + nanoseconds
    }

    @inlinable @inline(__always)
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// The signed interval `lhs − rhs`. Wraps rather than traps (two stamps from one clock are
    /// far closer than 292 years; a garbage stamp must not kill the lane).
    @inlinable @inline(__always)
    public static func - (lhs: Self, rhs: Self) -> Nanoseconds {
        Nanoseconds(Int64(bitPattern: lhs.nanoseconds &- rhs.nanoseconds))
    }

    /// The instant `interval` later (earlier if negative). Wraps rather than traps.
    @inlinable @inline(__always)
    public static func + (lhs: Self, rhs: Nanoseconds) -> Self {
        Self(nanoseconds: lhs.nanoseconds &+ UInt64(bitPattern: rhs.rawValue))
    }

    /// The instant `interval` earlier. Wraps rather than traps.
    @inlinable @inline(__always)
    public static func - (lhs: Self, rhs: Nanoseconds) -> Self {
        Self(nanoseconds: lhs.nanoseconds &- UInt64(bitPattern: rhs.rawValue))
    }
}

extension Timestamp: CustomStringConvertible {
    /// `"<seconds>.<9 digits> <timescale>"`. Allocates: not for the lane.
    public var description: String {
        let fraction = String(nanoseconds % 1_000_000_000)
        return "\(nanoseconds / 1_000_000_000).\(String(repeating: "0", count: 9 - fraction.count))\(fraction) \(Scale.name)"
    }
}

// MARK: - Timescale conversions

extension Timestamp where Scale == UTC {
    /// This instant on TAI. `taiOffset` is TAI − UTC in whole seconds (37 since 2017-01-01;
    /// take it from the PTP grandmaster's `currentUtcOffset` or the kernel's `adjtimex` TAI
    /// field, not from a constant, so a leap second does not silently skew every stamp).
    @inlinable @inline(__always) @_noLocks
    public func tai(taiOffset seconds: Int64) -> Timestamp<TAI> {
        Timestamp<TAI>(nanoseconds: nanoseconds &+ UInt64(bitPattern: seconds &* 1_000_000_000))
    }
}

extension Timestamp where Scale == TAI {
    /// This instant on UTC. `taiOffset` is TAI − UTC in whole seconds (37 since 2017-01-01).
    @inlinable @inline(__always) @_noLocks
    public func utc(taiOffset seconds: Int64) -> Timestamp<UTC> {
        Timestamp<UTC>(nanoseconds: nanoseconds &- UInt64(bitPattern: seconds &* 1_000_000_000))
    }
}

extension Timestamp where Scale == SinceMidnight {
    /// The UTC instant of an ITCH timestamp, given the UTC instant of the venue's local
    /// midnight for the session date (e.g. 2026-11-23 00:00 America/New_York is
    /// 2026-11-23 05:00 UTC). The caller owns the calendar; this is one addition.
    @inlinable @inline(__always) @_noLocks
    public func utc(midnight: Timestamp<UTC>) -> Timestamp<UTC> {
        Timestamp<UTC>(nanoseconds: midnight.nanoseconds &+ nanoseconds)
    }
}
