import VegaCore

/// The simulated system clock (CLOCK_REALTIME, UTC ns) that HardwareSim's queues and clocks read
/// instead of the wall clock. Time moves only when the test (or a simulator process) advances it,
/// as `EmbeddedEventLoop.advanceTime(by:)` does in swift-nio: a test that advances by 10 µs sees
/// exactly 10 µs pass, whatever the machine is doing.
///
/// A class because every component of one simulated host shares the same clock. It is not
/// `Sendable`: a simulated host belongs to one thread, like an embedded event loop. Reading and
/// advancing allocate nothing.
public final class SimClock {
    /// 2026-01-05T14:30:00Z: a fixed, ordinary trading-day instant, so runs are reproducible and
    /// times print as something a human recognises.
    public static let defaultStart = Timestamp<UTC>(nanoseconds: 1_767_623_400_000_000_000)

    @usableFromInline var _now: UInt64

    public init(start: Timestamp<UTC> = SimClock.defaultStart) {
        _now = start.nanoseconds
    }

    /// The simulated CLOCK_REALTIME.
    @inlinable
    public var now: Timestamp<UTC> { Timestamp(nanoseconds: _now) }

    /// Moves time forward by `nanoseconds`. Time never goes backwards: a simulated system clock
    /// that is stepped is modelled on the PHC (`SimPHC.scheduleStep`), not here.
    @inlinable
    public func advance(by nanoseconds: UInt64) { _now &+= nanoseconds }

    /// Moves time forward to `instant`; an instant in the past leaves the clock where it is.
    @inlinable
    public func advance(to instant: Timestamp<UTC>) {
        if instant.nanoseconds > _now { _now = instant.nanoseconds }
    }
}
