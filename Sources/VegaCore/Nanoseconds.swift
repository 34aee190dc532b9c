/// A signed interval in nanoseconds: the difference of two ``Timestamp``s on one timescale.
///
/// `Int64` nanoseconds span ±292 years. Cheaper than `Swift.Duration` (128-bit attoseconds)
/// on the lane; convert with ``duration`` off it.
@frozen
public struct Nanoseconds: Sendable, Hashable, Comparable, BitwiseCopyable, CustomStringConvertible {
    public var rawValue: Int64

    @inlinable @inline(__always)
    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    @inlinable @inline(__always)
    public init(rawValue: Int64) { self.rawValue = rawValue }

    @inlinable public static var zero: Nanoseconds { Nanoseconds(0) }

    @inlinable public static func nanoseconds(_ n: Int64) -> Nanoseconds { Nanoseconds(n) }
    @inlinable public static func microseconds(_ n: Int64) -> Nanoseconds { Nanoseconds(n * 1_000) }
    @inlinable public static func milliseconds(_ n: Int64) -> Nanoseconds { Nanoseconds(n * 1_000_000) }
    @inlinable public static func seconds(_ n: Int64) -> Nanoseconds { Nanoseconds(n * 1_000_000_000) }

    @inlinable @inline(__always)
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    @inlinable @inline(__always)
    public static func + (lhs: Self, rhs: Self) -> Self { Self(lhs.rawValue + rhs.rawValue) }

    @inlinable @inline(__always)
    public static func - (lhs: Self, rhs: Self) -> Self { Self(lhs.rawValue - rhs.rawValue) }

    @inlinable @inline(__always)
    public static prefix func - (operand: Self) -> Self { Self(-operand.rawValue) }

    /// The same interval as a standard-library `Duration` (off the lane: 128-bit).
    @inlinable
    public var duration: Duration { .nanoseconds(rawValue) }

    public var description: String { "\(rawValue) ns" }
}
