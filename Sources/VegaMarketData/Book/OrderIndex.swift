import VegaCore

/// Order reference → order slot, for ``OrderBooks``: a direct-mapped window over the reference
/// numbers with a hash map behind it for the references the window cannot hold.
///
/// ## Why
/// ITCH order reference numbers are day-unique and handed out in increasing order, so the live
/// ones sit in a dense, moving band. `window[reference & mask]` indexes that band with no hashing
/// and no probing, and consecutive references share cache lines (16 per line) — where a hashed
/// map spreads them over random lines. Measured on a 20 M-message generated day
/// (`itch-profile index-fixedmap|index-direct`): ~130 ns/msg of cache misses for the hashed
/// `FixedMap` against ~25 ns for the direct window.
///
/// ## Exactness
/// A window entry is only a hint: it names an order slot, and the slot's own `reference` (which
/// the book loads next anyway) confirms it. A reference whose window entry is held by another
/// live order (`reference ≡ other mod window`: a resting order older than the window's span)
/// goes to the `overflow` map, which is looked at only when the window misses and the overflow
/// is not empty. So any reference sequence — increasing, random, or hostile — gives the same
/// answers as a plain map; only the speed depends on the references being dense.
///
/// Invariant: a window entry is `noSlot` or the slot of a live order whose reference maps to
/// that entry; a reference is in the window or in the overflow, never both.
///
/// `windowSlots == 0` disables the window (small books: the hash map alone fits in cache); one
/// unused 4-byte entry is still allocated then, not counted in `allocatedBytes`.
@frozen @usableFromInline
struct OrderIndex: ~Copyable {
    @usableFromInline let window: UnsafeMutablePointer<UInt32>
    @usableFromInline let windowMask: UInt64
    @usableFromInline let hasWindow: Bool
    @usableFromInline var overflow: FixedMap<UInt32>
    @usableFromInline let windowBytes: Int

    /// An empty index for up to `capacity` orders with a window of `windowSlots` entries (a power
    /// of two, or 0 for none). Allocates and pre-faults everything here.
    @usableFromInline
    init(capacity: Int, windowSlots: Int) {
        precondition(windowSlots == 0 || windowSlots & (windowSlots - 1) == 0, "window must be a power of two")
        hasWindow = windowSlots > 0
        let n = max(windowSlots, 1)
        window = BookMemory.allocate(UInt32.self, count: n)
        window.initialize(repeating: noSlot, count: n)
        windowBytes = n * MemoryLayout<UInt32>.stride
        windowMask = UInt64(n - 1)
        overflow = FixedMap(capacity: capacity)
    }

    @inlinable
    deinit { BookMemory.deallocate(window, count: windowBytes / MemoryLayout<UInt32>.stride) }

    /// The window entry of `reference`.
    @inlinable @inline(__always)
    func entry(_ reference: UInt64) -> UnsafeMutablePointer<UInt32> {
        window + Int(truncatingIfNeeded: reference & windowMask)
    }

    /// Where `reference`'s window entry lives, so a caller can prefetch it a message ahead.
    @inlinable @inline(__always)
    func entryAddress(_ reference: UInt64) -> UnsafeRawPointer {
        UnsafeRawPointer(entry(reference))
    }

    /// The live order slot of `reference`, or `nil`. `orders` is the books' order pool.
    @inlinable @inline(__always)
    func get(_ reference: UInt64, orders: UnsafeMutablePointer<OrderSlot>) -> UInt32? {
        if hasWindow {
            let s = entry(reference).pointee
            if s != noSlot && orders[Int(s)].reference == reference { return s }
            if overflow.isEmpty { return nil }
        }
        return overflow.get(reference)
    }

    /// Maps `reference` to slot `o` if absent. `orders[o].reference` need not be set yet, but
    /// must be `reference` before the next call that could look it up.
    @inlinable @inline(__always)
    mutating func insert(_ o: UInt32, forKey reference: UInt64, orders: UnsafeMutablePointer<OrderSlot>) -> FixedMapInsertResult {
        if hasWindow {
            let e = entry(reference)
            let s = e.pointee
            if s == noSlot {
                if !overflow.isEmpty && overflow.contains(reference) { return .alreadyPresent }
                e.pointee = o
                return .inserted
            }
            if orders[Int(s)].reference == reference { return .alreadyPresent }
            // Taken by an older live order: the rare case, in the map.
        }
        return overflow.insert(o, forKey: reference)
    }

    /// Unmaps `reference`; returns the slot it had, or `nil` if it was absent.
    @inlinable @inline(__always)
    mutating func remove(_ reference: UInt64, orders: UnsafeMutablePointer<OrderSlot>) -> UInt32? {
        if hasWindow {
            let e = entry(reference)
            let s = e.pointee
            if s != noSlot && orders[Int(s)].reference == reference {
                e.pointee = noSlot
                return s
            }
            if overflow.isEmpty { return nil }
        }
        return overflow.remove(reference)
    }

    /// References held by the overflow map (0 while every live reference fits the window).
    @inlinable var overflowCount: Int { overflow.count }

    /// Bytes allocated: the window (4 B an entry) and the overflow map (16 B a slot).
    var allocatedBytes: Int {
        (hasWindow ? windowBytes : 0) + (overflow.capacity == 0 ? 0 : overflowSlots(capacity: overflow.capacity))
            * OrderBookStorage.indexEntryStride
    }
}

/// Slots of a `FixedMap` of `capacity`: twice the capacity rounded up to a power of two, ≥ 2.
@usableFromInline
func overflowSlots(capacity: Int) -> Int {
    var slots = 2
    while slots < capacity * 2 { slots <<= 1 }
    return slots
}
