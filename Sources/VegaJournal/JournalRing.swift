import Synchronization

/// The lane's side of the journal: a single-producer / single-consumer ring of variable-length
/// records, drained by the journal's writer thread.
///
/// The lane appends a record by copying its bytes into the ring and publishing the new tail —
/// no system call, no allocation, no lock, no wait: the disk is the writer thread's problem.
/// When the ring is full the append fails and is counted (``overflows``); the caller decides
/// what that means (the engine treats it as a circuit-breaker condition, since an audit trail
/// with a hole is not acceptable).
///
/// ## Layout
/// `capacity` bytes (a power of two) of 8-byte-aligned entries, each a 16-byte header
/// (`UInt32` payload length, `UInt16` type, `UInt16` flags, `UInt64` timestamp) then the payload,
/// padded to 8 bytes. An entry never wraps: when one does not fit before the
/// end of the buffer the producer writes a wrap marker and starts again at offset 0. The
/// producer's and consumer's byte positions are monotonic `UInt64`s on their own 128-byte lines;
/// each side keeps a private copy of the other's and re-reads it only when it must.
///
/// ## Threads
/// `~Copyable` with `borrowing` operations: keep it as a `let` in a final class (``Journal``
/// does). One producer thread and one consumer thread at a time.
@frozen
public struct JournalRing: ~Copyable, @unchecked Sendable {
    // @unchecked Sendable: the pointers are immutable; the buffer is handed between the two
    // threads by the release store of `tail` (entries) and of `head` (space).

    @usableFromInline let region: UnsafeMutableRawPointer
    @usableFromInline let buffer: UnsafeMutableRawPointer
    @usableFromInline let mask: UInt64
    @usableFromInline let tail: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let producerCachedHead: UnsafeMutablePointer<UInt64>
    @usableFromInline let producerOverflows: UnsafeMutablePointer<UInt64>
    @usableFromInline let head: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let consumerCachedTail: UnsafeMutablePointer<UInt64>

    @usableFromInline static var entryHeaderSize: Int { 16 }
    @usableFromInline static var wrapMarker: UInt32 { 0xFFFF_FFFF }
    @usableFromInline static var line: Int { 128 }

    /// A ring of `capacity` bytes, allocated here once and pre-faulted.
    ///
    /// - Precondition: `capacity` is a power of two, at least 4 KiB.
    public init(capacity: Int) {
        precondition(capacity >= 4096 && capacity & (capacity - 1) == 0,
                     "JournalRing capacity \(capacity) must be a power of two ≥ 4096")
        let total = 4 * Self.line + capacity
        let region = UnsafeMutableRawPointer.allocate(byteCount: total, alignment: Self.line)
        region.initializeMemory(as: UInt8.self, repeating: 0, count: total)
        self.region = region
        self.tail = region.bindMemory(to: Atomic<UInt64>.self, capacity: 1)
        self.producerCachedHead = (region + 8).bindMemory(to: UInt64.self, capacity: 1)
        self.producerOverflows = (region + 16).bindMemory(to: UInt64.self, capacity: 1)
        self.head = (region + 2 * Self.line).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
        self.consumerCachedTail = (region + 2 * Self.line + 8).bindMemory(to: UInt64.self, capacity: 1)
        self.buffer = region + 4 * Self.line
        self.mask = UInt64(capacity - 1)
    }

    deinit { region.deallocate() }

    /// The ring's size in bytes.
    @inlinable public var capacity: Int { Int(mask) + 1 }

    /// The largest payload one record may carry: a quarter of the ring, so a record always fits
    /// once the writer has caught up.
    @inlinable public var maximumPayload: Int { capacity / 4 - Self.entryHeaderSize }

    /// Appends failed because the ring was full (or the payload too large). Producer's count.
    @inlinable public var overflows: UInt64 { producerOverflows.pointee }

    /// Bytes appended but not yet taken by the writer (approximate from any thread).
    public borrowing func pendingBytes() -> Int {
        Int(tail.pointee.load(ordering: .relaxed) &- head.pointee.load(ordering: .relaxed))
    }
}

// MARK: - Producer (the lane)

extension JournalRing {
    /// Appends one record whose payload `fill` writes in place. Producer side only.
    ///
    /// - Parameters:
    ///   - type: what the record is.
    ///   - timestamp: nanoseconds (the lane states the timescale per record type; the engine
    ///     uses its monotonic lane clock).
    ///   - payloadLength: exactly how many bytes `fill` writes.
    ///   - fill: writes the payload at the pointer it is given (`payloadLength` bytes, 8-aligned).
    /// - Returns: `false` if the ring is full or the payload too large (counted in ``overflows``).
    /// - Cost: no allocation, no lock, no system call; the payload copy plus a few loads and
    ///   one release store.
    @inlinable @inline(__always)
    public borrowing func tryAppend(
        type: JournalRecordType, flags: UInt16 = 0, timestamp: UInt64, payloadLength: Int,
        _ fill: (UnsafeMutableRawPointer) -> Void
    ) -> Bool {
        guard payloadLength >= 0, payloadLength <= maximumPayload else {
            producerOverflows.pointee &+= 1
            return false
        }
        let need = UInt64((Self.entryHeaderSize + payloadLength + 7) & ~7)
        var t = tail.pointee.load(ordering: .relaxed)
        let offset = t & mask
        let contiguous = UInt64(capacity) &- offset
        let required = need > contiguous ? contiguous &+ need : need
        if UInt64(capacity) &- (t &- producerCachedHead.pointee) < required {
            producerCachedHead.pointee = head.pointee.load(ordering: .acquiring)
            if UInt64(capacity) &- (t &- producerCachedHead.pointee) < required {
                producerOverflows.pointee &+= 1
                return false
            }
        }
        if need > contiguous {
            buffer.storeBytes(of: Self.wrapMarker, toByteOffset: Int(offset), as: UInt32.self)
            t &+= contiguous
        }
        let entry = buffer + Int(t & mask)
        entry.storeBytes(of: UInt32(truncatingIfNeeded: payloadLength), as: UInt32.self)
        entry.storeBytes(of: type.rawValue, toByteOffset: 4, as: UInt16.self)
        entry.storeBytes(of: flags, toByteOffset: 6, as: UInt16.self)
        entry.storeBytes(of: timestamp, toByteOffset: 8, as: UInt64.self)
        fill(entry + Self.entryHeaderSize)
        tail.pointee.store(t &+ need, ordering: .releasing)
        return true
    }

    /// Appends one record carrying `bytes`.
    @inlinable @inline(__always)
    public borrowing func tryAppend(
        type: JournalRecordType, flags: UInt16 = 0, timestamp: UInt64, bytes: UnsafeRawBufferPointer
    ) -> Bool {
        tryAppend(type: type, flags: flags, timestamp: timestamp, payloadLength: bytes.count) { p in
            if let base = bytes.baseAddress { p.copyMemory(from: base, byteCount: bytes.count) }
        }
    }

    /// Appends one record carrying a fixed prefix (e.g. ``JournalFrameHeader``) and then `bytes`.
    @inlinable @inline(__always)
    public borrowing func tryAppend<Prefix: BitwiseCopyable>(
        type: JournalRecordType, flags: UInt16 = 0, timestamp: UInt64, prefix: Prefix,
        bytes: UnsafeRawBufferPointer
    ) -> Bool {
        let prefixSize = MemoryLayout<Prefix>.size
        return tryAppend(type: type, flags: flags, timestamp: timestamp, payloadLength: prefixSize + bytes.count) { p in
            p.storeBytes(of: prefix, as: Prefix.self)
            if let base = bytes.baseAddress { (p + prefixSize).copyMemory(from: base, byteCount: bytes.count) }
        }
    }
}

// MARK: - Consumer (the writer thread)

/// One entry as the writer sees it; valid only inside the `drain` call that produced it.
public struct JournalRingEntry {
    public let type: JournalRecordType
    public let flags: UInt16
    public let timestamp: UInt64
    public let payload: UnsafeRawBufferPointer
}

extension JournalRing {
    /// Hands up to `limit` entries, oldest first, to `body`, then releases their space.
    /// Consumer side only.
    ///
    /// - Returns: how many entries were handed over.
    /// - Cost: per entry, three loads and the call of `body` (inlined into the journal's writer);
    ///   one acquire load when the cached tail is used up and one release store per call.
    @inline(__always)
    public borrowing func drain(limit: Int = .max, _ body: (JournalRingEntry) -> Void) -> Int {
        var h = head.pointee.load(ordering: .relaxed)
        var t = consumerCachedTail.pointee
        if h == t {
            t = tail.pointee.load(ordering: .acquiring)
            consumerCachedTail.pointee = t
            if h == t { return 0 }
        }
        var count = 0
        while h != t && count < limit {
            let offset = Int(h & mask)
            let word = buffer.load(fromByteOffset: offset, as: UInt32.self)
            if word == Self.wrapMarker {
                h &+= UInt64(capacity - offset)
                continue
            }
            let entry = buffer + offset
            let payloadLength = Int(word)
            body(JournalRingEntry(
                type: JournalRecordType(rawValue: entry.load(fromByteOffset: 4, as: UInt16.self)),
                flags: entry.load(fromByteOffset: 6, as: UInt16.self),
                timestamp: entry.load(fromByteOffset: 8, as: UInt64.self),
                payload: UnsafeRawBufferPointer(start: entry + Self.entryHeaderSize, count: payloadLength)))
            count += 1
            h &+= UInt64((Self.entryHeaderSize + payloadLength + 7) & ~7)
        }
        // Release: our reads of the entries happen before the producer reuses their space.
        head.pointee.store(h, ordering: .releasing)
        return count
    }
}
