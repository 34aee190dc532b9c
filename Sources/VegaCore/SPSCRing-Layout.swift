import Synchronization

extension SPSCRing {
    /// The ring's memory layout: what a process attaching over shared memory, or the C
    /// baseline in Benchmarks/, must agree on. All offsets are bytes from the region start;
    /// every field is native-endian (both sides are on one host).
    ///
    /// | offset | line | written by |
    /// |---|---|---|
    /// | 0 | header: magic `u64` (published last, release), version `u32`, element stride `u32`, capacity `u64` | creator, once |
    /// | 128 | `tail`: count of elements ever pushed (atomic `u64`) | producer |
    /// | 256 | producer's cached copy of `head` (plain `u64`) | producer only |
    /// | 384 | `head`: count of elements ever popped (atomic `u64`) | consumer |
    /// | 512 | consumer's cached copy of `tail` (plain `u64`) | consumer only |
    /// | 640 | `capacity` slots of `MemoryLayout<Element>.stride` bytes; slot `i & (capacity − 1)` | producer, then consumer |
    ///
    /// Indices are free-running 64-bit counters (never wrap in practice: 2^64 elements at
    /// 10^9/s is 584 years), so full is `tail − head == capacity` and empty is `tail == head`.
    public enum Layout {
        /// `"VEGASPSC"` in ASCII, read as a little-endian `UInt64`.
        @inlinable public static var magic: UInt64 { 0x4353_5053_4147_4556 }
        @inlinable public static var version: UInt32 { 1 }
        @inlinable public static var tailOffset: Int { 128 }
        @inlinable public static var producerCacheOffset: Int { 256 }
        @inlinable public static var headOffset: Int { 384 }
        @inlinable public static var consumerCacheOffset: Int { 512 }
        @inlinable public static var slotsOffset: Int { 640 }

        /// Bytes a region needs for a ring of `capacity` elements (a multiple of 128).
        @inlinable public static func byteCount(capacity: Int) -> Int {
            _roundUp(slotsOffset + capacity * MemoryLayout<Element>.stride, toMultipleOf: ringFalseSharingRange)
        }

        static func writeHeader(
            _ region: UnsafeMutableRawPointer, capacity: Int,
            head: UnsafeMutablePointer<Atomic<UInt64>>, tail: UnsafeMutablePointer<Atomic<UInt64>>
        ) {
            let magicWord = region.bindMemory(to: Atomic<UInt64>.self, capacity: 1)
            magicWord.initialize(to: Atomic(0))
            (region + 8).storeBytes(of: version, as: UInt32.self)
            (region + 12).storeBytes(of: UInt32(MemoryLayout<Element>.stride), as: UInt32.self)
            (region + 16).storeBytes(of: UInt64(capacity), as: UInt64.self)
            tail.initialize(to: Atomic(0))
            head.initialize(to: Atomic(0))
            (region + producerCacheOffset).storeBytes(of: 0, as: UInt64.self)
            (region + consumerCacheOffset).storeBytes(of: 0, as: UInt64.self)
            // Release: an attacher that sees the magic sees the fields and zeroed indices above.
            magicWord.pointee.store(magic, ordering: .releasing)
        }

        static func validateHeader(_ region: UnsafeMutableRawPointer, capacity: Int) throws(RingLayoutError) {
            let found = region.bindMemory(to: Atomic<UInt64>.self, capacity: 1).pointee.load(ordering: .acquiring)
            guard found == magic else { throw .notInitialized(foundMagic: found) }
            let foundVersion = (region + 8).load(as: UInt32.self)
            guard foundVersion == version else {
                throw .shapeMismatch(field: "version", expected: UInt64(version), found: UInt64(foundVersion))
            }
            let stride = (region + 12).load(as: UInt32.self)
            guard stride == MemoryLayout<Element>.stride else {
                throw .shapeMismatch(field: "element stride", expected: UInt64(MemoryLayout<Element>.stride), found: UInt64(stride))
            }
            let foundCapacity = (region + 16).load(as: UInt64.self)
            guard foundCapacity == UInt64(capacity) else {
                throw .shapeMismatch(field: "capacity", expected: UInt64(capacity), found: foundCapacity)
            }
        }
    }
}
