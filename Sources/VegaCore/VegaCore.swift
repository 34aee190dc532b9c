// VegaCore: value types and the lane's fixed-capacity containers.
// TEMPORARY minimal Timestamp so VegaHardware can build while VegaCore is written in parallel;
// replaced by the full Timestamp<Scale> when the core branch lands.
public protocol Timescale: Sendable {}
public enum UTC: Timescale {}
public enum TAI: Timescale {}
public enum Monotonic: Timescale {}
@frozen public struct Timestamp<Scale: Timescale>: Hashable, Comparable, Sendable, BitwiseCopyable {
    public var nanoseconds: UInt64
    @inlinable public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }
    @inlinable public static func < (a: Self, b: Self) -> Bool { a.nanoseconds < b.nanoseconds }
}
