/// A fixed-capacity pool of `T` addressed by small handles: the lane's allocator for orders,
/// book levels and other objects that come and go while trading.
///
/// Storage for `capacity` objects is allocated once, in `init`. Free slots form a singly
/// linked list of indices (LIFO, so the most recently freed — cache-warm — slot is reused
/// first). `acquire` and `release` are O(1): no allocation, no lock, no search.
///
/// Each slot has a generation counter, bumped on acquire and on release, and every
/// ``Handle`` carries the generation it was issued with. A handle whose object has been
/// released is therefore *stale*: releasing it again (a double release) or through a handle to
/// a slot that has since been reused is detected and reported, not silently corrupting
/// another order. (A slot's generation wraps after 2^31 reuses; a handle kept that long
/// could alias — far beyond any order's lifetime.)
///
/// `~Copyable` with `~Copyable` elements allowed: one owner, the lane.
@frozen
public struct ObjectPool<T: ~Copyable>: ~Copyable {
    /// A reference to a live object: slot index plus the slot's generation when it was issued.
    /// 8 bytes, `BitwiseCopyable`: store it in maps and rings.
    @frozen
    public struct Handle: Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
        public let index: UInt32
        public let generation: UInt32

        @inlinable
        public init(index: UInt32, generation: UInt32) {
            self.index = index
            self.generation = generation
        }

        public var description: String { "#\(index)@\(generation)" }
    }

    @usableFromInline let storage: UnsafeMutablePointer<T>
    /// Per slot: odd while live (the live handle's generation), even while free.
    @usableFromInline let generations: UnsafeMutablePointer<UInt32>
    /// Per free slot: index of the next free slot, or `noSlot`.
    @usableFromInline let nextFree: UnsafeMutablePointer<UInt32>
    @usableFromInline var freeHead: UInt32
    @usableFromInline var liveCount: Int
    /// Number of live objects.
    @inlinable public var count: Int { liveCount }
    /// Maximum number of live objects.
    public let capacity: Int

    @inlinable static var noSlot: UInt32 { .max }

    /// An empty pool for up to `capacity` objects. Allocates (and pre-faults the bookkeeping)
    /// here and only here.
    ///
    /// - Precondition: `0 < capacity < UInt32.max`.
    public init(capacity: Int) {
        precondition(capacity > 0 && capacity < Int(UInt32.max), "ObjectPool capacity must be in 1..<\(UInt32.max), got \(capacity)")
        self.capacity = capacity
        self.liveCount = 0
        self.storage = .allocate(capacity: capacity)
        self.generations = .allocate(capacity: capacity)
        self.nextFree = .allocate(capacity: capacity)
        generations.initialize(repeating: 0, count: capacity)
        for i in 0..<capacity {
            (nextFree + i).initialize(to: i + 1 < capacity ? UInt32(i + 1) : Self.noSlot)
        }
        self.freeHead = 0
    }

    deinit {
        for i in 0..<capacity where generations[i] & 1 == 1 {
            (storage + i).deinitialize(count: 1)
        }
        storage.deallocate()
        generations.deallocate()
        nextFree.deallocate()
    }

    /// Whether `handle` refers to a live object of this pool.
    @inlinable @inline(__always)
    public func isLive(_ handle: Handle) -> Bool {
        Int(handle.index) < capacity && generations[Int(handle.index)] == handle.generation
            && handle.generation & 1 == 1
    }

    /// Moves `object` into a free slot and returns its handle, or `nil` when all `capacity`
    /// slots are live (exhaustion is the caller's to handle: reject the order, count it).
    ///
    /// - Cost: O(1); no allocation, no lock.
    @inlinable
    public mutating func acquire(_ object: consuming T) -> Handle? {
        let index = freeHead
        if index == Self.noSlot { return nil }
        let i = Int(index)
        freeHead = nextFree[i]
        let generation = generations[i] &+ 1  // even → odd: live
        generations[i] = generation
        (storage + i).initialize(to: object)
        liveCount &+= 1
        return Handle(index: index, generation: generation)
    }

    /// Moves the object out of the pool and frees its slot.
    ///
    /// - Returns: the object, or `nil` if `handle` is stale — already released (double
    ///   release), reissued since, or not from this pool. A stale release changes nothing.
    /// - Cost: O(1); no allocation, no lock.
    @inlinable
    public mutating func release(_ handle: Handle) -> T? {
        guard isLive(handle) else { return nil }
        let i = Int(handle.index)
        generations[i] = handle.generation &+ 1  // odd → even: free; old handles now stale
        nextFree[i] = freeHead
        freeHead = handle.index
        liveCount &-= 1
        return (storage + i).move()
    }

    /// Reads or mutates a live object in place.
    ///
    /// - Precondition: `handle` is live. Using a released handle is a bug in the caller's
    ///   bookkeeping, not a market-data condition, so it traps; check ``isLive(_:)`` first
    ///   where a handle's liveness is in doubt.
    @inlinable
    public subscript(handle: Handle) -> T {
        _read {
            precondition(isLive(handle), "ObjectPool: stale handle \(handle)")
            yield storage[Int(handle.index)]
        }
        _modify {
            precondition(isLive(handle), "ObjectPool: stale handle \(handle)")
            yield &storage[Int(handle.index)]
        }
    }

    /// Calls `body` with the live object for `handle`, or returns `nil` for a stale handle
    /// (the non-trapping form of the subscript).
    @inlinable
    public mutating func withObject<R>(_ handle: Handle, _ body: (inout T) -> R) -> R? {
        guard isLive(handle) else { return nil }
        return body(&storage[Int(handle.index)])
    }
}
