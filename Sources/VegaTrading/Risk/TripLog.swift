import Logging
import VegaCore

/// Carries kill-switch trips from the lane to a logging thread: the lane records each trip into a
/// fixed SPSC ring (no allocation, no lock); ``drain(to:)`` — on any one other thread, or the
/// lane's owner between sessions — logs them through swift-log with their cause.
///
/// A full ring drops the record (counted in ``dropped``); the trip itself has already taken effect.
public final class TripLog: @unchecked Sendable {
    @usableFromInline let ring: SPSCRing<KillTrip>
    /// Records dropped because the ring was full (lane-written; read it as an estimate elsewhere).
    @usableFromInline var _dropped: UInt64 = 0

    /// A log holding up to `capacity` undrained trips (rounded up to a power of two).
    public init(capacity: Int = 1_024) {
        ring = SPSCRing(capacity: capacity)
    }

    /// Lane side: records a trip. No allocation, no lock.
    @inlinable
    public func record(_ trip: KillTrip) {
        if !ring.tryPush(trip) { _dropped &+= 1 }
    }

    public var dropped: UInt64 { _dropped }

    /// Logs every recorded trip at `.critical` with its scope, cause, observed value and limit;
    /// returns how many. Allocates (log messages): never call it on the lane.
    @discardableResult
    public func drain(to logger: Logger) -> Int {
        ring.drain { trip in
            logger.critical(
                "kill switch tripped",
                metadata: [
                    "scope": "\(trip.scope)", "cause": "\(trip.cause)", "observed": "\(trip.observed)",
                    "limit": "\(trip.limit)", "lane_time_ns": "\(trip.time)", "cancels": "\(trip.cancels)",
                ])
        }
    }

    /// Pops recorded trips without logging them (for a caller that reports them otherwise).
    public func drainRecords() -> [KillTrip] {
        var out: [KillTrip] = []
        _ = ring.drain { out.append($0) }
        return out
    }
}
