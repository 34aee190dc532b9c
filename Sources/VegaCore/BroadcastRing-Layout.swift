import Synchronization

extension BroadcastRing {
    /// The ring's memory layout, for a reader in another process or a C peer. Offsets in
    /// bytes from the region start, native-endian.
    ///
    /// | offset | content | written by |
    /// |---|---|---|
    /// | 0 | magic `u64` (published last), version `u32`, slot stride `u32`, capacity `u64` | creator, once |
    /// | 128 | published count: sequence number of the next element (atomic `u64`) | writer |
    /// | 256 | `capacity` slots of `slotStride` bytes: sequence word (atomic `u64`: 0 never written, `2n+1` writing `n`, `2n+2` holds `n`), element at +``payloadOffset`` | writer |
    public enum Layout {
        /// `"VEGABCST"` in ASCII, read as a little-endian `UInt64`.
        @inlinable public static var magic: UInt64 { 0x5453_4342_4147_4556 }
        @inlinable public static var version: UInt32 { 1 }
        @inlinable public static var publishedOffset: Int { 128 }
        @inlinable public static var slotsOffset: Int { 256 }

        /// Where the element starts in a slot: after the sequence word, at its own alignment.
        @inlinable public static var payloadOffset: Int { _roundUp(8, toMultipleOf: max(8, MemoryLayout<Element>.alignment)) }

        /// Slot size: sequence word plus element, rounded up to whole 64-byte lines.
        @inlinable public static var slotStride: Int { _roundUp(payloadOffset + MemoryLayout<Element>.size, toMultipleOf: 64) }

        /// Bytes a region needs for a ring of `capacity` slots.
        @inlinable public static func byteCount(capacity: Int) -> Int { slotsOffset + capacity * slotStride }

        static func writeHeader(
            _ region: UnsafeMutableRawPointer, capacity: Int,
            published: UnsafeMutablePointer<Atomic<UInt64>>, slots: UnsafeMutableRawPointer, slotStride: Int
        ) {
            let magicWord = region.bindMemory(to: Atomic<UInt64>.self, capacity: 1)
            magicWord.initialize(to: Atomic(0))
            (region + 8).storeBytes(of: version, as: UInt32.self)
            (region + 12).storeBytes(of: UInt32(slotStride), as: UInt32.self)
            (region + 16).storeBytes(of: UInt64(capacity), as: UInt64.self)
            published.initialize(to: Atomic(0))
            for i in 0..<capacity {
                (slots + i * slotStride).bindMemory(to: Atomic<UInt64>.self, capacity: 1).initialize(to: Atomic(0))
            }
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
            guard stride == slotStride else {
                throw .shapeMismatch(field: "slot stride", expected: UInt64(slotStride), found: UInt64(stride))
            }
            let foundCapacity = (region + 16).load(as: UInt64.self)
            guard foundCapacity == UInt64(capacity) else {
                throw .shapeMismatch(field: "capacity", expected: UInt64(capacity), found: foundCapacity)
            }
            // Slot sequence words were initialised by the creator before it published the magic.
            for i in 0..<capacity {
                _ = (region + slotsOffset + i * slotStride).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
            }
        }
    }
}
