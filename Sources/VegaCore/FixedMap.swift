/// What ``FixedMap/insert(_:forKey:)`` did.
@frozen
public enum FixedMapInsertResult: Sendable, Hashable, BitwiseCopyable {
    /// The key was absent and is now mapped to the value.
    case inserted
    /// The key was already present; its value was left unchanged (use `update`).
    case alreadyPresent
    /// The key was absent and the map holds `capacity` entries; nothing changed.
    case full
}

/// A fixed-capacity hash map from `UInt64` keys (order ids, instrument keys) to
/// `BitwiseCopyable` values, for the lane.
///
/// Open addressing over one raw array of `(key, value)` entries: linear probing (a probe
/// sequence walks adjacent memory, usually one cache line), Fibonacci hashing (multiply by
/// 2^64/φ and keep the top bits — spreads sequential ids, which exchanges hand out, across
/// the table), and backward-shift deletion, so there are no tombstones and lookups never slow
/// down as orders come and go. The table has at least twice `capacity` slots (load ≤ 0.5), so
/// a probe is one or two entries on average.
///
/// Measured on these machines: such a map runs at C speed; `Dictionary<UInt64, _>` is ~3×
/// slower per lookup and may reallocate while trading.
///
/// ## Contract
/// Memory is allocated and pre-faulted once, in `init`, and freed with the map. `get`,
/// `insert`, `update`, `remove` and `modify` never allocate, lock, retain or release (values
/// are `BitwiseCopyable` for exactly that reason), and never trap; `insert` reports `.full`.
/// `~Copyable`: one owner (the lane), mutation through `inout`/`mutating`.
///
/// One key value, `UInt64.max`, marks empty slots; it is still a valid key, stored in a side
/// entry, so the full key range works.
@frozen
public struct FixedMap<Value: BitwiseCopyable>: ~Copyable {
    @frozen @usableFromInline
    internal struct Entry {
        @usableFromInline var key: UInt64
        @usableFromInline var value: Value

        @inlinable
        init(key: UInt64, value: Value) {
            self.key = key
            self.value = value
        }
    }

    @inlinable internal static var emptyKey: UInt64 { .max }

    @usableFromInline let entries: UnsafeMutablePointer<Entry>
    @usableFromInline let slotMask: Int
    @usableFromInline let shift: UInt64
    /// Maximum number of entries.
    public let capacity: Int
    @usableFromInline var storedCount: Int
    /// The value for key `UInt64.max` (the empty-slot marker), which cannot live in the table.
    @usableFromInline var emptyKeyValue: Value?

    /// An empty map holding up to `capacity` entries. Allocates `2 × capacity` rounded up to a
    /// power of two entries (at least 2), here and only here.
    ///
    /// - Precondition: `capacity >= 0`, and `2 × capacity` slots fit in memory.
    public init(capacity: Int) {
        precondition(capacity >= 0, "FixedMap capacity must not be negative, got \(capacity)")
        var slots = 2
        var log2 = 1
        while slots < capacity * 2 {
            slots <<= 1
            log2 += 1
        }
        self.capacity = capacity
        self.slotMask = slots - 1
        self.shift = UInt64(64 - log2)
        self.storedCount = 0
        self.emptyKeyValue = nil
        self.entries = .allocate(capacity: slots)
        // Mark every slot empty; this also faults every page in before trading.
        for i in 0..<slots {
            (entries + i).pointer(to: \.key)!.initialize(to: Self.emptyKey)
        }
    }

    deinit {
        entries.deallocate()
    }

    /// Number of entries.
    @inlinable
    public var count: Int { storedCount + (emptyKeyValue == nil ? 0 : 1) }

    @inlinable
    public var isEmpty: Bool { count == 0 }

    /// The slot where `key`'s probe sequence starts.
    @inlinable @inline(__always)
    internal func home(_ key: UInt64) -> Int {
        // 2^64 / golden ratio: consecutive keys land far apart; the top bits are the best mixed.
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) &>> shift)
    }

    /// Where `key`'s probe sequence starts in memory (its home slot), so a caller can prefetch
    /// the line before the lookup: the lane warms the slots of the order ID it will hand out
    /// next, which Fibonacci hashing puts on a random line of the table. Reads
    /// nothing; the address is inside the table whatever the key.
    @inlinable @inline(__always)
    public func slotAddress(_ key: UInt64) -> UnsafeRawPointer { UnsafeRawPointer(entries + home(key)) }

    /// The slot holding `key`, or the empty slot where it would go. Terminates because the
    /// load factor is at most 0.5, so an empty slot always exists.
    @inlinable @inline(__always)
    internal func probe(_ key: UInt64) -> (slot: Int, found: Bool) {
        var i = home(key)
        while true {
            let k = entries[i].key
            if k == key { return (i, true) }
            if k == Self.emptyKey { return (i, false) }
            i = (i &+ 1) & slotMask
        }
    }
}

// MARK: - Lookup and mutation

extension FixedMap {
    /// The value for `key`, or `nil`. No allocation, no lock; expected 1–2 entry reads.
    @inlinable @inline(__always)
    public func get(_ key: UInt64) -> Value? {
        if key == Self.emptyKey { return emptyKeyValue }
        let (slot, found) = probe(key)
        return found ? entries[slot].value : nil
    }

    /// Whether `key` is present.
    @inlinable @inline(__always)
    public func contains(_ key: UInt64) -> Bool {
        if key == Self.emptyKey { return emptyKeyValue != nil }
        return probe(key).found
    }

    /// Maps `key` to `value` if `key` is absent and there is room. Never overwrites.
    ///
    /// - Returns: `.inserted`, `.alreadyPresent` (map unchanged) or `.full` (map unchanged).
    /// - Cost: no allocation, no lock; one probe.
    @inlinable
    public mutating func insert(_ value: Value, forKey key: UInt64) -> FixedMapInsertResult {
        if key == Self.emptyKey {
            if emptyKeyValue != nil { return .alreadyPresent }
            if count == capacity { return .full }
            emptyKeyValue = value
            return .inserted
        }
        let (slot, found) = probe(key)
        if found { return .alreadyPresent }
        if count == capacity { return .full }
        (entries + slot).initialize(to: Entry(key: key, value: value))
        storedCount &+= 1
        return .inserted
    }

    /// Replaces the value of a present `key`.
    ///
    /// - Returns: the previous value, or `nil` if `key` is absent (map unchanged).
    /// - Cost: no allocation, no lock; one probe.
    @inlinable
    public mutating func update(_ value: Value, forKey key: UInt64) -> Value? {
        if key == Self.emptyKey {
            guard let old = emptyKeyValue else { return nil }
            emptyKeyValue = value
            return old
        }
        let (slot, found) = probe(key)
        guard found else { return nil }
        let old = entries[slot].value
        entries[slot].value = value
        return old
    }

    /// Runs `body` on the value for `key` in place (e.g. reduce an order's remaining shares)
    /// and returns its result, or returns `nil` without calling it if `key` is absent.
    ///
    /// - Cost: one probe plus `body`; no allocation (the closure is non-escaping).
    @inlinable
    public mutating func modify<R>(_ key: UInt64, _ body: (inout Value) -> R) -> R? {
        if key == Self.emptyKey {
            guard var v = emptyKeyValue else { return nil }
            let r = body(&v)
            emptyKeyValue = v
            return r
        }
        let (slot, found) = probe(key)
        guard found else { return nil }
        return body(&entries[slot].value)
    }

    /// Removes `key`, closing the gap by shifting later entries of the same probe run back
    /// (no tombstones: lookups stay as short as the live entries make them).
    ///
    /// - Returns: the removed value, or `nil` if `key` was absent.
    /// - Cost: no allocation, no lock; one probe plus a walk to the end of the probe run.
    @inlinable
    public mutating func remove(_ key: UInt64) -> Value? {
        if key == Self.emptyKey {
            defer { emptyKeyValue = nil }
            return emptyKeyValue
        }
        let (slot, found) = probe(key)
        guard found else { return nil }
        let removed = entries[slot].value
        var hole = slot
        var j = (slot &+ 1) & slotMask
        while true {
            let k = entries[j].key
            if k == Self.emptyKey { break }
            // The entry at j may fill the hole only if the hole lies on its probe path, i.e.
            // between its home slot and j (cyclically): moving it earlier than its home would
            // make it unreachable.
            let h = home(k)
            if (j &- h) & slotMask >= (j &- hole) & slotMask {
                entries[hole] = entries[j]
                hole = j
            }
            j = (j &+ 1) & slotMask
        }
        entries[hole].key = Self.emptyKey
        storedCount &-= 1
        return removed
    }

    /// Removes every entry. Cost: a pass over all slots (off the lane, e.g. at session start).
    public mutating func removeAll() {
        for i in 0...slotMask { entries[i].key = Self.emptyKey }
        storedCount = 0
        emptyKeyValue = nil
    }

    /// The longest run of occupied slots: an upper bound on the entries a lookup of an absent
    /// key or a removal reads. A diagnostic for checks and tests (O(slots), off the lane).
    public func longestOccupiedRun() -> Int {
        var longest = 0, run = 0, firstRun = -1
        for i in 0...slotMask {
            if entries[i].key != Self.emptyKey {
                run += 1
            } else {
                if firstRun < 0 { firstRun = run }
                longest = max(longest, run)
                run = 0
            }
        }
        // The table is a ring: a run at its end continues into the one at its start.
        return firstRun < 0 ? slotMask + 1 : max(longest, run + firstRun)
    }

    /// Calls `body` for every entry, in no particular order. For snapshots and checks off the
    /// lane; `body` must not mutate the map.
    public func forEach(_ body: (_ key: UInt64, _ value: Value) throws -> Void) rethrows {
        if let v = emptyKeyValue { try body(Self.emptyKey, v) }
        for i in 0...slotMask where entries[i].key != Self.emptyKey {
            try body(entries[i].key, entries[i].value)
        }
    }
}
