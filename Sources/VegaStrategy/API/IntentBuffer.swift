import VegaTrading

/// The fixed-capacity buffer a strategy writes its ``VegaTrading/OrderIntent``s into; the lane
/// owns it and drains it after every event.
///
/// Allocated once in `init` (`capacity × 64` bytes); ``append(_:)`` never allocates or locks and
/// refuses (returns `false`, counts ``dropped``) when full, so a strategy that asks for more than
/// the lane allows learns it at once instead of the lane growing a buffer mid-trade.
/// `~Copyable`: exactly one owner, freed with it.
public struct IntentBuffer: ~Copyable {
    @usableFromInline let storage: UnsafeMutablePointer<OrderIntent>
    public let capacity: Int
    @usableFromInline var _count: Int
    @usableFromInline var _dropped: UInt64

    /// Intents written since the last ``removeAll()``.
    @inlinable public var count: Int { _count }
    /// Intents refused because the buffer was full, since creation.
    @inlinable public var dropped: UInt64 { _dropped }

    /// - Precondition: `capacity >= 1`.
    public init(capacity: Int) {
        precondition(capacity >= 1, "IntentBuffer capacity must be at least 1, got \(capacity)")
        self.capacity = capacity
        storage = .allocate(capacity: capacity)
        _count = 0
        _dropped = 0
    }

    deinit { storage.deallocate() }

    @inlinable public var isEmpty: Bool { count == 0 }
    @inlinable public var isFull: Bool { count == capacity }
    @inlinable public var remaining: Int { capacity &- count }

    /// Appends `intent`; `false` (and counted in ``dropped``) when full. O(1), no allocation.
    @inlinable
    public mutating func append(_ intent: OrderIntent) -> Bool {
        guard _count < capacity else {
            _dropped &+= 1
            return false
        }
        (storage + _count).initialize(to: intent)
        _count &+= 1
        return true
    }

    /// The `index`-th intent written since the last ``removeAll()``.
    /// - Precondition: `0 <= index < count`.
    @inlinable
    public subscript(index: Int) -> OrderIntent {
        precondition(index >= 0 && index < count, "IntentBuffer index out of range")
        return storage[index]
    }

    /// The intents written, in order, for the duration of `body`.
    @inlinable
    public func withIntents<R, E: Error>(_ body: (UnsafeBufferPointer<OrderIntent>) throws(E) -> R) throws(E) -> R {
        try body(UnsafeBufferPointer(start: storage, count: count))
    }

    /// Forgets every intent (the lane has taken them). O(1): intents are trivial values.
    @inlinable
    public mutating func removeAll() { _count = 0 }
}
