import Synchronization

/// A bounded single-producer / single-consumer queue of `BitwiseCopyable` elements between two
/// threads — or two processes, when it lives in shared memory.
///
/// The lane's side taps (journal, telemetry) and its inputs from off-lane threads go through
/// these rings: the producer never blocks (a full ring is reported, the caller decides what to
/// drop), and a push or pop is a handful of loads and stores with acquire/release ordering
/// only — no lock, no read-modify-write, no allocation, no reference counting.
///
/// ## Memory
/// The ring is one region laid out as ``Layout`` describes: a header, the producer's index,
/// the producer's private copy of the consumer's index, the consumer's index, the consumer's
/// private copy of the producer's index — each on its own 128-byte line — then `capacity`
/// slots. Each side re-reads the other's index only when its cached copy says the ring is
/// full (producer) or empty (consumer), so in steady state the two cores exchange one line
/// per element batch rather than per element. The region is either allocated (and
/// pre-faulted) by ``init(capacity:)`` and freed with the ring, or provided by the caller
/// (``init(attachingTo:capacity:initialize:)``, e.g. a `MAP_SHARED` memfd), in which case the
/// caller keeps it mapped for the ring's lifetime.
///
/// ## Threads
/// `SPSCRing` is `~Copyable` and its operations are `borrowing`: share one ring the way you
/// share an `Atomic` — a `let` in a `final class`, or a global. At most one thread at a time
/// may call the producer operations (`tryPush…`) and at most one the consumer operations
/// (`tryPop…`, `drain`); the type cannot check this.
@frozen
public struct SPSCRing<Element: BitwiseCopyable>: ~Copyable, @unchecked Sendable {
    // @unchecked Sendable: the fields are immutable pointers into the region; the region is
    // accessed through atomics (indices) and through the SPSC protocol (slots), which orders
    // every slot write before the matching read with a release/acquire pair.

    @usableFromInline let region: UnsafeMutableRawPointer
    @usableFromInline let ownsRegion: Bool
    @usableFromInline let mask: UInt64
    @usableFromInline let tail: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let producerCachedHead: UnsafeMutablePointer<UInt64>
    @usableFromInline let head: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let consumerCachedTail: UnsafeMutablePointer<UInt64>
    @usableFromInline let slots: UnsafeMutablePointer<Element>

    /// A ring of `capacity` elements in memory it allocates, 128-byte aligned and pre-faulted
    /// (so the lane takes no page fault on first use). Allocates once, here.
    ///
    /// - Precondition: `capacity` is a power of two ≥ 2.
    public init(capacity: Int) {
        precondition(_isValidRingCapacity(capacity), "SPSCRing capacity \(capacity) is not a power of two ≥ 2")
        let bytes = Layout.byteCount(capacity: capacity)
        let region = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: ringFalseSharingRange)
        region.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        self.init(unchecked: region, capacity: capacity, owns: true)
        Layout.writeHeader(region, capacity: capacity, head: head, tail: tail)
    }

    /// A ring over `region`, which the caller owns and keeps mapped for the ring's lifetime.
    ///
    /// - Parameters:
    ///   - region: at least `Layout.byteCount(capacity:)` bytes, 128-byte aligned.
    ///   - initialize: `true` for the one party that creates the ring (it zeroes the indices
    ///     and publishes the header last); `false` to attach to a ring another thread or
    ///     process has already initialised, whose header is then checked against `capacity`
    ///     and `Element`'s stride.
    /// - Throws: ``RingLayoutError`` naming what did not match.
    public init(
        attachingTo region: UnsafeMutableRawPointer, capacity: Int, initialize: Bool
    ) throws(RingLayoutError) {
        guard _isValidRingCapacity(capacity) else { throw .capacityNotPowerOfTwo(capacity) }
        guard UInt(bitPattern: region) % UInt(ringFalseSharingRange) == 0 else {
            throw .misalignedRegion(address: UInt(bitPattern: region))
        }
        guard MemoryLayout<Element>.alignment <= ringFalseSharingRange else {
            throw .elementAlignmentTooLarge(alignment: MemoryLayout<Element>.alignment, limit: ringFalseSharingRange)
        }
        if !initialize {
            try Layout.validateHeader(region, capacity: capacity)
        }
        self.init(unchecked: region, capacity: capacity, owns: false)
        if initialize {
            Layout.writeHeader(region, capacity: capacity, head: head, tail: tail)
        }
    }

    @usableFromInline
    internal init(unchecked region: UnsafeMutableRawPointer, capacity: Int, owns: Bool) {
        self.region = region
        self.ownsRegion = owns
        self.mask = UInt64(capacity - 1)
        func word<T: ~Copyable>(_ offset: Int, _: T.Type) -> UnsafeMutablePointer<T> {
            (region + offset).bindMemory(to: T.self, capacity: 1)
        }
        self.tail = word(Layout.tailOffset, Atomic<UInt64>.self)
        self.producerCachedHead = word(Layout.producerCacheOffset, UInt64.self)
        self.head = word(Layout.headOffset, Atomic<UInt64>.self)
        self.consumerCachedTail = word(Layout.consumerCacheOffset, UInt64.self)
        self.slots = (region + Layout.slotsOffset).bindMemory(to: Element.self, capacity: capacity)
    }

    deinit {
        if ownsRegion { region.deallocate() }
    }

    /// The number of slots.
    @inlinable
    public var capacity: Int { Int(mask) + 1 }
}

// MARK: - Producer

extension SPSCRing {
    /// Appends `element` unless the ring is full. Producer side only.
    ///
    /// - Returns: `false` when full (nothing written; retry or drop, the ring never blocks).
    /// - Cost: no allocation, no lock; one relaxed load, one slot store and one release store,
    ///   plus an acquire load of the consumer's index only when the cached copy reads full.
    @inlinable @inline(__always)
    public borrowing func tryPush(_ element: Element) -> Bool {
        let t = tail.pointee.load(ordering: .relaxed)  // only this side writes it
        if t &- producerCachedHead.pointee > mask {
            // Acquire: the consumer's reads of the slots it released happen before we reuse them.
            producerCachedHead.pointee = head.pointee.load(ordering: .acquiring)
            if t &- producerCachedHead.pointee > mask { return false }
        }
        (slots + Int(truncatingIfNeeded: t & mask)).initialize(to: element)
        // Release: the slot's contents are visible before the consumer can see the new tail.
        tail.pointee.store(t &+ 1, ordering: .releasing)
        return true
    }

    /// Appends as many of `elements` as fit, in order, and publishes them with one release
    /// store. Producer side only.
    ///
    /// - Returns: how many were appended (a prefix of `elements`; 0 when full).
    /// - Cost: no allocation, no lock; one index publication per call.
    @inlinable
    public borrowing func tryPush(contentsOf elements: Span<Element>) -> Int {
        let t = tail.pointee.load(ordering: .relaxed)
        let wanted = UInt64(elements.count)
        var free = mask &+ 1 &- (t &- producerCachedHead.pointee)
        if free < wanted {
            producerCachedHead.pointee = head.pointee.load(ordering: .acquiring)
            free = mask &+ 1 &- (t &- producerCachedHead.pointee)
        }
        let n = Int(truncatingIfNeeded: min(free, wanted))
        if n == 0 { return 0 }
        for i in 0..<n {
            (slots + Int(truncatingIfNeeded: (t &+ UInt64(truncatingIfNeeded: i)) & mask)).initialize(to: elements[unchecked: i])
        }
        tail.pointee.store(t &+ UInt64(truncatingIfNeeded: n), ordering: .releasing)
        return n
    }
}

// MARK: - Consumer

extension SPSCRing {
    /// Removes and returns the oldest element, or `nil` when the ring is empty. Consumer side
    /// only.
    ///
    /// - Cost: no allocation, no lock; one relaxed load, one slot load and one release store,
    ///   plus an acquire load of the producer's index only when the cached copy reads empty.
    @inlinable @inline(__always)
    public borrowing func tryPop() -> Element? {
        let h = head.pointee.load(ordering: .relaxed)  // only this side writes it
        if h == consumerCachedTail.pointee {
            // Acquire: pairs with the producer's release, so the slot contents are visible.
            consumerCachedTail.pointee = tail.pointee.load(ordering: .acquiring)
            if h == consumerCachedTail.pointee { return nil }
        }
        let element = slots[Int(truncatingIfNeeded: h & mask)]
        // Release: our read of the slot happens before the producer may overwrite it.
        head.pointee.store(h &+ 1, ordering: .releasing)
        return element
    }

    /// Moves up to `buffer.count` elements, oldest first, into `buffer` and releases their
    /// slots with one store. Consumer side only.
    ///
    /// - Returns: how many were written to the front of `buffer` (0 when empty).
    /// - Cost: no allocation, no lock; one index publication per call.
    @inlinable
    public borrowing func tryPop(into buffer: UnsafeMutableBufferPointer<Element>) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        let h = head.pointee.load(ordering: .relaxed)
        var available = consumerCachedTail.pointee &- h
        if available < UInt64(buffer.count) {
            consumerCachedTail.pointee = tail.pointee.load(ordering: .acquiring)
            available = consumerCachedTail.pointee &- h
        }
        let n = Int(truncatingIfNeeded: min(available, UInt64(buffer.count)))
        for i in 0..<n {
            (base + i).initialize(to: slots[Int(truncatingIfNeeded: (h &+ UInt64(truncatingIfNeeded: i)) & mask)])
        }
        if n > 0 { head.pointee.store(h &+ UInt64(truncatingIfNeeded: n), ordering: .releasing) }
        return n
    }

    /// Hands up to `limit` available elements, oldest first, to `body` and then releases their
    /// slots with one store. Consumer side only.
    ///
    /// The elements are read in place; `body` runs on the calling thread and must not use this
    /// ring's consumer side. Returns how many were handed over.
    /// - Cost: no allocation, no lock beyond what `body` does; one index publication per call.
    @inlinable
    public borrowing func drain(limit: Int = .max, _ body: (Element) -> Void) -> Int {
        let h = head.pointee.load(ordering: .relaxed)
        consumerCachedTail.pointee = tail.pointee.load(ordering: .acquiring)
        let n = Int(truncatingIfNeeded: min(consumerCachedTail.pointee &- h, UInt64(max(limit, 0))))
        for i in 0..<n {
            body(slots[Int(truncatingIfNeeded: (h &+ UInt64(truncatingIfNeeded: i)) & mask)])
        }
        if n > 0 { head.pointee.store(h &+ UInt64(truncatingIfNeeded: n), ordering: .releasing) }
        return n
    }
}

// MARK: - Either side

extension SPSCRing {
    /// Elements pushed and not yet popped, as seen at some instant during the call: exact when
    /// neither side is running, a snapshot otherwise. For monitoring, not for control flow.
    @inlinable
    public borrowing func approximateCount() -> Int {
        let h = head.pointee.load(ordering: .acquiring)
        let t = tail.pointee.load(ordering: .acquiring)
        return Int(truncatingIfNeeded: t &- h)
    }
}

// Why there is no `@_noLocks` on these generic methods: the checker judges a generic function
// unspecialised, where every use of `Element` may need runtime metadata. It does accept their
// specialisations; Tests/VegaCoreTests/NoLocksProofs.swift and the benchmarks wrap each
// operation for concrete element types in `@_noLocks` functions, so the build proves the
// specialised hot path allocation- and lock-free.
