import Synchronization

/// What a ``BroadcastRing`` read produced.
@frozen
public enum BroadcastRead<Element: BitwiseCopyable>: BitwiseCopyable {
    /// The next element in publication order; the cursor moved past it.
    case element(Element)
    /// Nothing new has been published (or the next element is being written right now).
    case empty
    /// The writer overwrote elements before this reader got to them. `lost` is exactly how
    /// many sequence numbers this reader skipped; the cursor now points at the oldest element
    /// still safe to read, so the next read continues from there.
    case overrun(lost: UInt64)
}

/// A single-writer, many-reader ring in which the writer never waits: readers that fall more
/// than `capacity` elements behind are overtaken, told how much they lost, and resume from the
/// oldest element still in the ring.
///
/// The lane publishes market-data events and stage timestamps through it to any number of
/// observers (telemetry, a UI, a recorder) without ever being slowed by them. The design is
/// the one of the FPGA event ring and ExaNIC's RX ring: every slot carries a sequence word
/// (a per-slot seqlock). To publish sequence `n` the writer marks its slot `2n+1` (writing),
/// stores the element, then marks it `2n+2` (valid). A reader expecting `n` reads the mark,
/// copies the element, and reads the mark again: the copy counts only if both marks are
/// `2n+2`, so a reader never returns a torn element.
///
/// ## Memory
/// Header line (magic, capacity, slot stride), the writer's published count on its own
/// 128-byte line, then `capacity` slots of one sequence word plus the element, each rounded up
/// to whole 64-byte cache lines so that writing slot `n+1` does not invalidate the line a
/// reader is copying slot `n` from. Allocated up front (pre-faulted) or in a caller-provided
/// region, as ``SPSCRing`` does.
///
/// ## Threads
/// `~Copyable`, `borrowing` operations: share it as you share an `Atomic`. Exactly one thread
/// at a time may publish; each reader thread owns its ``Cursor`` (a plain value), so readers
/// never write shared memory and cost the writer nothing.
@frozen
public struct BroadcastRing<Element: BitwiseCopyable>: ~Copyable, @unchecked Sendable {
    // @unchecked Sendable: immutable pointers into a region accessed only through atomics and
    // the seqlock protocol described above.

    /// A reader's position: the sequence number it will read next. Owned by one reader
    /// thread; copying it forks an independent reader.
    @frozen
    public struct Cursor: Sendable, Hashable, BitwiseCopyable {
        /// Sequence number (0-based publication index) of the next element to read.
        public var next: UInt64

        @inlinable
        public init(next: UInt64) { self.next = next }
    }

    /// Where a new reader starts.
    @frozen
    public enum StartPosition: Sendable, Hashable, BitwiseCopyable {
        /// At the oldest element still safely in the ring (replays up to `capacity − 1`).
        case oldest
        /// At the next element to be published (sees only what comes after).
        case next
    }

    @usableFromInline let region: UnsafeMutableRawPointer
    @usableFromInline let ownsRegion: Bool
    @usableFromInline let mask: UInt64
    @usableFromInline let slotStride: Int
    @usableFromInline let published: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let slots: UnsafeMutableRawPointer

    /// A ring of `capacity` slots in memory it allocates (once, here, pre-faulted).
    ///
    /// - Precondition: `capacity` is a power of two ≥ 2.
    public init(capacity: Int) {
        precondition(_isValidRingCapacity(capacity), "BroadcastRing capacity \(capacity) is not a power of two ≥ 2")
        let bytes = Layout.byteCount(capacity: capacity)
        let region = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: ringFalseSharingRange)
        region.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        self.init(unchecked: region, capacity: capacity, owns: true)
        Layout.writeHeader(region, capacity: capacity, published: published, slots: slots, slotStride: slotStride)
    }

    /// A ring over a caller-owned region of at least `Layout.byteCount(capacity:)` bytes,
    /// 128-byte aligned, kept mapped for the ring's lifetime. `initialize: true` for the
    /// creator; `false` attaches to an initialised ring and checks its shape.
    ///
    /// - Throws: ``RingLayoutError`` naming what did not match.
    public init(
        attachingTo region: UnsafeMutableRawPointer, capacity: Int, initialize: Bool
    ) throws(RingLayoutError) {
        guard _isValidRingCapacity(capacity) else { throw .capacityNotPowerOfTwo(capacity) }
        guard UInt(bitPattern: region) % UInt(ringFalseSharingRange) == 0 else {
            throw .misalignedRegion(address: UInt(bitPattern: region))
        }
        // Slots are whole 64-byte lines from a 128-byte aligned base.
        guard MemoryLayout<Element>.alignment <= 64 else {
            throw .elementAlignmentTooLarge(alignment: MemoryLayout<Element>.alignment, limit: 64)
        }
        if !initialize { try Layout.validateHeader(region, capacity: capacity) }
        self.init(unchecked: region, capacity: capacity, owns: false)
        if initialize {
            Layout.writeHeader(region, capacity: capacity, published: published, slots: slots, slotStride: slotStride)
        }
    }

    @usableFromInline
    internal init(unchecked region: UnsafeMutableRawPointer, capacity: Int, owns: Bool) {
        self.region = region
        self.ownsRegion = owns
        self.mask = UInt64(capacity - 1)
        self.slotStride = Layout.slotStride
        self.published = (region + Layout.publishedOffset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
        self.slots = region + Layout.slotsOffset
    }

    deinit {
        if ownsRegion { region.deallocate() }
    }

    /// The number of slots: a reader may fall at most `capacity − 1` elements behind safely.
    @inlinable
    public var capacity: Int { Int(mask) + 1 }

    @inlinable @inline(__always)
    internal func sequenceWord(_ n: UInt64) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (slots + (Int(truncatingIfNeeded: n & mask) &* slotStride)).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    @inlinable @inline(__always)
    internal func payload(_ n: UInt64) -> UnsafeMutableRawPointer {
        slots + (Int(truncatingIfNeeded: n & mask) &* slotStride &+ Layout.payloadOffset)
    }
}

// MARK: - Writer

extension BroadcastRing {
    /// Publishes `element` as the next sequence number, overwriting the oldest slot. Writer
    /// side only. Never waits for, or even looks at, readers.
    ///
    /// - Cost: no allocation, no lock, no read-modify-write; four stores (mark writing,
    ///   element, mark valid, published count), the last two with release ordering.
    @inlinable @inline(__always)
    public borrowing func publish(_ element: Element) {
        let n = published.pointee.load(ordering: .relaxed)  // only this side writes it
        let sequence = sequenceWord(n)
        sequence.pointee.store(2 &* n &+ 1, ordering: .relaxed)
        // Release fence: the "writing" mark is ordered before the element's stores, so a
        // reader that sees any of the new bytes sees a changed mark on its second read.
        atomicMemoryFence(ordering: .releasing)
        payload(n).storeBytes(of: element, as: Element.self)
        sequence.pointee.store(2 &* n &+ 2, ordering: .releasing)
        published.pointee.store(n &+ 1, ordering: .releasing)
    }

    /// How many elements have been published so far (the next sequence number).
    @inlinable
    public borrowing func publishedCount() -> UInt64 {
        published.pointee.load(ordering: .acquiring)
    }
}

// MARK: - Readers

extension BroadcastRing {
    /// A cursor for a new reader. No allocation: a cursor is one `UInt64`.
    @inlinable
    public borrowing func makeCursor(at start: StartPosition = .next) -> Cursor {
        let w = published.pointee.load(ordering: .acquiring)
        switch start {
        case .next: return Cursor(next: w)
        case .oldest: return Cursor(next: oldestSafe(publishedCount: w))
        }
    }

    /// Reads the element at `cursor` and advances it, or reports `.empty`, or reports
    /// `.overrun(lost:)` and moves `cursor` to the oldest element still safe to read.
    ///
    /// Never returns a torn element. Any number of threads may read concurrently, each with
    /// its own cursor.
    /// - Cost: no allocation, no lock, no store to shared memory; two loads of the slot's
    ///   sequence word around a copy of the element, plus one load of the published count on
    ///   an overrun.
    @inlinable @inline(__always)
    public borrowing func read(_ cursor: inout Cursor) -> BroadcastRead<Element> {
        let n = cursor.next
        let valid = 2 &* n &+ 2
        let sequence = sequenceWord(n)
        let before = sequence.pointee.load(ordering: .acquiring)
        if before == valid {
            let element = payload(n).load(as: Element.self)
            // Acquire fence: the copy above completes before the second read of the mark.
            atomicMemoryFence(ordering: .acquiring)
            if sequence.pointee.load(ordering: .relaxed) == valid {
                cursor.next = n &+ 1
                return .element(element)
            }
            // Overwritten while we copied: we have been lapped.
        } else if before < valid {
            // The slot still holds an older lap (or is marked 2n+1: being written now).
            return .empty
        }
        return .overrun(lost: resynchronize(&cursor))
    }

    /// Moves a lapped cursor to the oldest safe sequence number; returns how many it skipped.
    @inlinable
    internal borrowing func resynchronize(_ cursor: inout Cursor) -> UInt64 {
        let oldest = oldestSafe(publishedCount: published.pointee.load(ordering: .acquiring))
        // Being lapped means the writer has started sequence ≥ n + capacity, so oldest > n.
        // max() still guards a cursor the caller built by hand.
        let target = max(oldest, cursor.next &+ 1)
        let lost = target &- cursor.next
        cursor.next = target
        return lost
    }

    /// The oldest sequence number a reader can still expect to read when `w` elements have
    /// been published. Not `w − capacity`: that slot is the one the writer overwrites next, and
    /// may already be doing so, so a reader sent there would be lapped again at once.
    @inlinable @inline(__always)
    internal func oldestSafe(publishedCount w: UInt64) -> UInt64 {
        w > mask ? w &- mask : 0
    }
}
