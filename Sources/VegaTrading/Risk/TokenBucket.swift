/// A token bucket in integer arithmetic: `perSecond` tokens a second, at most `burst` held.
///
/// The level is kept in token-nanoseconds (one token = 10^9), so refilling is `elapsed ×
/// perSecond` with no division and no rounding drift. Time is passed in (ns, any monotonic
/// timescale); a clock that goes backwards refills nothing.
@frozen
public struct TokenBucket: Sendable, Equatable, BitwiseCopyable {
    @usableFromInline var level: UInt64
    @usableFromInline var last: UInt64

    /// A full bucket for `limit` at time `now`.
    @inlinable
    public init(limit: RateLimit, now: UInt64) {
        level = UInt64(limit.burst) &* 1_000_000_000
        last = now
    }

    @inlinable @inline(__always)
    mutating func refill(_ limit: RateLimit, now: UInt64) {
        let cap = UInt64(limit.burst) &* 1_000_000_000
        if now > last {
            let elapsed = now &- last
            let (add, o) = elapsed.multipliedReportingOverflow(by: UInt64(limit.perSecond))
            let (sum, o2) = level.addingReportingOverflow(add)
            level = o || o2 || sum > cap ? cap : sum
            last = now
        } else if level > cap {
            level = cap
        }
    }

    /// Whether a token is available at `now` (refills first; takes nothing). Always inlined:
    /// every risk check asks it, and the call cost more than its body.
    @inlinable @inline(__always)
    public mutating func available(_ limit: RateLimit, now: UInt64) -> Bool {
        if limit == .unlimited { return true }
        refill(limit, now: now)
        return level >= 1_000_000_000
    }

    /// Takes one token (call after ``available(_:now:)`` said yes).
    @inlinable
    public mutating func take(_ limit: RateLimit) {
        if limit == .unlimited { return }
        level = level >= 1_000_000_000 ? level &- 1_000_000_000 : 0
    }
}
