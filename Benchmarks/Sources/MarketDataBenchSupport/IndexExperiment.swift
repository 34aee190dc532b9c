// A profiling experiment, not a benchmark: replays only the order-index operations of the file
// (A/F insert, D remove, U remove + insert, E/C/X lookup) after the same decode, over
//   - VegaCore.FixedMap<UInt32> sized as `vega feed book` sizes it (Fibonacci hash), and
//   - a direct index (slot = ref & mask, no hashing, no probing),
// to show how much of the books' time is the index's cache misses, and what key locality buys.
// Run with `itch-profile index-fixedmap|index-direct [passes]`.
import VegaCore
import VegaMarketData

/// A direct index: slot = reference & mask, one UInt32 per slot (the order-pool handle; a book
/// verifies the reference in the order slot it loads anyway). ITCH references are day-unique and
/// increasing, so this is exact as long as the live references span fewer than `slots` values;
/// `collisions` counts inserts that found the slot taken (0 on the generated file).
public struct DirectIndex: ~Copyable {
    @usableFromInline let values: UnsafeMutablePointer<UInt32>
    @usableFromInline let mask: Int
    public var collisions = 0
    public init(slots: Int) {
        values = .allocate(capacity: slots); values.initialize(repeating: .max, count: slots)
        mask = slots - 1
    }
    deinit { values.deallocate() }
    @inlinable public func get(_ key: UInt64) -> UInt32? {
        let v = values[Int(truncatingIfNeeded: key) & mask]; return v == .max ? nil : v
    }
    @inlinable public mutating func insert(_ v: UInt32, forKey key: UInt64) {
        let i = Int(truncatingIfNeeded: key) & mask
        if values[i] != .max { collisions += 1 }
        values[i] = v
    }
    @inlinable public mutating func remove(_ key: UInt64) -> UInt32? {
        let i = Int(truncatingIfNeeded: key) & mask
        let v = values[i]; values[i] = .max; return v == .max ? nil : v
    }
}

@inline(never)
public func indexReplay(_ bytes: UnsafeRawBufferPointer, identity: Bool) -> (UInt64, UInt64) {
    // FixedMap as `vega feed book` sizes it (4 Mi orders: 8 Mi slots of 16 bytes, 128 MiB);
    // the direct index with 16 Mi slots of 4 bytes (64 MiB).
    var fixed = FixedMap<UInt32>(capacity: identity ? 1 : 4 << 20)
    var ident = DirectIndex(slots: identity ? 16 << 20 : 2)
    var reader = ITCHFileReader(unsafeBytes: bytes)
    var decoder = ITCHDecoder()
    var messages: UInt64 = 0, sum: UInt64 = 0
    @inline(__always) func ins(_ r: UInt64) {
        if identity { ident.insert(UInt32(truncatingIfNeeded: r), forKey: r) } else { _ = fixed.insert(UInt32(truncatingIfNeeded: r), forKey: r) }
    }
    @inline(__always) func rem(_ r: UInt64) -> UInt32 { (identity ? ident.remove(r) : fixed.remove(r)) ?? 0 }
    @inline(__always) func get(_ r: UInt64) -> UInt32 { (identity ? ident.get(r) : fixed.get(r)) ?? 0 }
    loop: while true {
        switch reader.next() {
        case .message(let b):
            messages &+= 1
            guard case .message(let m) = decoder.decode(b) else { continue }
            switch m {
            case .addOrder(let a): ins(a.orderReference)
            case .addOrderMPID(let a): ins(a.orderReference)
            case .orderDelete(let d): sum &+= UInt64(rem(d.orderReference))
            case .orderReplace(let u): sum &+= UInt64(rem(u.originalOrderReference)); ins(u.newOrderReference)
            case .orderExecuted(let e): sum &+= UInt64(get(e.orderReference))
            case .orderExecutedWithPrice(let e): sum &+= UInt64(get(e.orderReference))
            case .orderCancel(let x): sum &+= UInt64(get(x.orderReference))
            default: break
            }
        case .end, .truncatedFrame: break loop
        }
    }
    if identity { log("direct index: \(ident.collisions) collisions") }
    return (messages, sum)
}
