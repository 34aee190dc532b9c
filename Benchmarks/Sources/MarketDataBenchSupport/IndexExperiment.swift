// A profiling experiment, not a benchmark: replays only the order-index operations of the file
// (A/F insert, D remove, U remove + insert, E/C/X lookup) after the same decode, over
//   - VegaCore.FixedMap<UInt32> sized as `vega feed book` sizes it (Fibonacci hash), and
//   - the same open-addressing table with an identity hash (ref & mask),
// to show how much of the books' time is the index's cache misses, and what key locality buys.
// Run with `itch-profile index-fixedmap|index-identity [passes]`.
import VegaCore
import VegaMarketData

/// Linear probing, backward-shift deletion, like FixedMap, but home = key & mask: ITCH order
/// references are day-unique and increasing, so references added together share cache lines.
public struct IdentityIndex: ~Copyable {
    @usableFromInline let keys: UnsafeMutablePointer<UInt64>
    @usableFromInline let values: UnsafeMutablePointer<UInt32>
    @usableFromInline let mask: Int
    public init(slots: Int) {
        keys = .allocate(capacity: slots); keys.initialize(repeating: .max, count: slots)
        values = .allocate(capacity: slots); values.initialize(repeating: 0, count: slots)
        mask = slots - 1
    }
    deinit { keys.deallocate(); values.deallocate() }

    @inlinable @inline(__always) func probe(_ key: UInt64) -> (Int, Bool) {
        var i = Int(truncatingIfNeeded: key) & mask
        while true {
            let k = keys[i]
            if k == key { return (i, true) }
            if k == .max { return (i, false) }
            i = (i &+ 1) & mask
        }
    }
    @inlinable public func get(_ key: UInt64) -> UInt32? { let (i, f) = probe(key); return f ? values[i] : nil }
    @inlinable public mutating func insert(_ v: UInt32, forKey key: UInt64) {
        let (i, f) = probe(key); if !f { keys[i] = key; values[i] = v }
    }
    @inlinable public mutating func remove(_ key: UInt64) -> UInt32? {
        let (slot, found) = probe(key)
        guard found else { return nil }
        let removed = values[slot]
        var hole = slot, j = (slot &+ 1) & mask
        while keys[j] != .max {
            let h = Int(truncatingIfNeeded: keys[j]) & mask
            if (j &- h) & mask >= (j &- hole) & mask { keys[hole] = keys[j]; values[hole] = values[j]; hole = j }
            j = (j &+ 1) & mask
        }
        keys[hole] = .max
        return removed
    }
}

@inline(never)
public func indexReplay(_ bytes: UnsafeRawBufferPointer, identity: Bool) -> (UInt64, UInt64) {
    let slots = 8 << 20  // what FixedMap(capacity: 4 Mi) allocates
    var fixed = FixedMap<UInt32>(capacity: identity ? 1 : 4 << 20)
    var ident = IdentityIndex(slots: identity ? slots : 2)
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
    return (messages, sum)
}
