/// The padding unit between data written by different threads.
///
/// 128 bytes, not 64: Intel's adjacent-line (spatial) prefetcher pulls cache lines in 128-byte
/// pairs, so two indices 64 bytes apart still ping-pong between cores.
public let ringFalseSharingRange: Int = 128

/// Why a ring could not be created over, or attached to, a memory region.
public enum RingLayoutError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Capacities must be powers of two ≥ 2 so an index maps to a slot with a mask.
    case capacityNotPowerOfTwo(Int)
    /// The region must start on a 128-byte boundary (mmap and memfd regions always do).
    case misalignedRegion(address: UInt)
    /// No ring header at the region (wrong file, or the creator has not initialised it yet).
    case notInitialized(foundMagic: UInt64)
    /// The region holds a ring with a different shape than the attacher expects.
    case shapeMismatch(field: String, expected: UInt64, found: UInt64)
    /// The element type's alignment exceeds what the ring's slots are aligned to.
    case elementAlignmentTooLarge(alignment: Int, limit: Int)

    public var description: String {
        switch self {
        case .capacityNotPowerOfTwo(let c):
            return "ring capacity \(c) is not a power of two ≥ 2"
        case .misalignedRegion(let a):
            return "ring region at 0x\(String(a, radix: 16)) is not 128-byte aligned"
        case .notInitialized(let m):
            return "no ring header in region (magic 0x\(String(m, radix: 16))): initialise it before attaching"
        case .shapeMismatch(let field, let expected, let found):
            return "ring \(field) mismatch: region has \(found), attacher expects \(expected)"
        case .elementAlignmentTooLarge(let a, let limit):
            return "element alignment \(a) exceeds the ring's \(limit)-byte slot alignment"
        }
    }
}

@inlinable @inline(__always)
internal func _isValidRingCapacity(_ capacity: Int) -> Bool {
    capacity >= 2 && capacity & (capacity &- 1) == 0
}

@inlinable @inline(__always)
internal func _roundUp(_ value: Int, toMultipleOf alignment: Int) -> Int {
    (value + alignment - 1) & ~(alignment - 1)
}
