import VegaCore

/// The clock that paces a replay: monotonic nanoseconds from any origin (only differences are
/// used). A protocol, and `PcapReplayQueue` generic over it, so the real clock is a direct,
/// inlined call and a test can drive a paced replay on a simulated clock deterministically.
public protocol ReplayClock {
    /// Now, in nanoseconds; must never go backwards.
    func monotonicNanoseconds() -> UInt64
}

/// CLOCK_MONOTONIC: the default pacing clock (it never steps, unlike CLOCK_REALTIME).
public struct MonotonicReplayClock: ReplayClock, Sendable {
    public init() {}

    @inlinable
    public func monotonicNanoseconds() -> UInt64 { Timestamp<Monotonic>.now().nanoseconds }
}

/// Pacing from a closure, for callers whose clock is not a type of their own.
public struct ClosureReplayClock: ReplayClock {
    public let read: () -> UInt64

    public init(_ read: @escaping () -> UInt64) { self.read = read }

    @inlinable
    public func monotonicNanoseconds() -> UInt64 { read() }
}
