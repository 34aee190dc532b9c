import Testing
import VegaCore

// Compile-time proofs. The performance checker rejects `@_noLocks` on generic code (it judges
// it unspecialised), so each hot-path operation is wrapped here for concrete types: if any of
// them allocated, locked, retained/released or called something opaque, this file would not
// compile. The tests below only make sure the wrappers also behave.
//
// Debug test builds compile file by file, and the checker refuses calls it cannot see, so the
// element types used here are defined in this file.

struct ProofMessage: Equatable {
    var sequence: UInt64
    var check: UInt64
}

struct ProofTick: Equatable {
    var a, b, c, d, e, f, g, h: UInt64
}

struct ProofOrder: Equatable {
    var price: Int64
    var shares: UInt32
}

@_noLocks @inline(never)
func proofPush(_ ring: borrowing SPSCRing<ProofMessage>, _ m: ProofMessage) -> Bool { ring.tryPush(m) }

@_noLocks @inline(never)
func proofPop(_ ring: borrowing SPSCRing<ProofMessage>) -> ProofMessage? { ring.tryPop() }

@_noLocks @inline(never)
func proofPushBatch(_ ring: borrowing SPSCRing<UInt64>, _ batch: Span<UInt64>) -> Int {
    ring.tryPush(contentsOf: batch)
}

@_noLocks @inline(never)
func proofPopBatch(_ ring: borrowing SPSCRing<UInt64>, _ out: UnsafeMutableBufferPointer<UInt64>) -> Int {
    ring.tryPop(into: out)
}

@_noLocks @inline(never)
func proofDrainSum(_ ring: borrowing SPSCRing<UInt64>) -> UInt64 {
    var sum: UInt64 = 0
    _ = ring.drain { sum &+= $0 }
    return sum
}

@_noLocks @inline(never)
func proofPublish(_ ring: borrowing BroadcastRing<ProofTick>, _ t: ProofTick) { ring.publish(t) }

@_noLocks @inline(never)
func proofRead(_ ring: borrowing BroadcastRing<ProofTick>, _ cursor: inout BroadcastRing<ProofTick>.Cursor) -> BroadcastRead<ProofTick> {
    ring.read(&cursor)
}

@_noLocks @inline(never)
func proofMapGet(_ map: borrowing FixedMap<ProofOrder>, _ key: UInt64) -> ProofOrder? { map.get(key) }

@_noLocks @inline(never)
func proofMapInsertRemove(_ map: inout FixedMap<ProofOrder>, _ key: UInt64) -> ProofOrder? {
    _ = map.insert(ProofOrder(price: 1, shares: 2), forKey: key)
    _ = map.update(ProofOrder(price: 3, shares: 4), forKey: key)
    _ = map.modify(key) { $0.shares -= 1 }
    return map.remove(key)
}

@_noLocks @inline(never)
func proofPool(_ pool: inout ObjectPool<ProofOrder>) -> ProofOrder? {
    guard let h = pool.acquire(ProofOrder(price: 5, shares: 6)) else { return nil }
    return pool.release(h)
}

@_noLocks @inline(never)
func proofPriceArithmetic(_ a: Price4, _ b: Price4, _ q: Quantity) -> Price4? {
    let (sum, overflow) = a.addingReportingOverflow(b)
    if overflow { return nil }
    guard let n = sum.notional(quantity: q) else { return nil }
    return Price4(exactly: Price8(rawValue: n.rawValue))
}

@_noLocks @inline(never)
func proofTimestamps(_ hw: Timestamp<TAI>) -> Nanoseconds {
    Timestamp<UTC>.now() - hw.utc(taiOffset: 37)
}

@Suite("No-locks wrappers")
struct NoLocksProofTests {
    @Test func wrappersBehaveLikeTheOperationsTheyProve() {
        let ring = SPSCRing<ProofMessage>(capacity: 2)
        #expect(proofPush(ring, ProofMessage(sequence: 1, check: 2)) == true)
        #expect(proofPop(ring) == ProofMessage(sequence: 1, check: 2))
        #expect(proofPop(ring) == nil)

        let numbers = SPSCRing<UInt64>(capacity: 4)
        let batch: [UInt64] = [1, 2, 3]
        #expect(proofPushBatch(numbers, batch.span) == 3)
        var out = [UInt64](repeating: 0, count: 1)
        #expect(out.withUnsafeMutableBufferPointer { proofPopBatch(numbers, $0) } == 1 && out == [1])
        #expect(proofDrainSum(numbers) == 5)

        let broadcast = BroadcastRing<ProofTick>(capacity: 2)
        var cursor = broadcast.makeCursor()
        proofPublish(broadcast, ProofTick(a: 3, b: 3, c: 3, d: 3, e: 3, f: 3, g: 3, h: 3))
        guard case .element(let t) = proofRead(broadcast, &cursor) else { Issue.record("not read"); return }
        #expect(t.a == 3 && t.h == 3)

        var map = FixedMap<ProofOrder>(capacity: 4)
        #expect(proofMapInsertRemove(&map, 9) == ProofOrder(price: 3, shares: 3))
        #expect(proofMapGet(map, 9) == nil)

        var pool = ObjectPool<ProofOrder>(capacity: 1)
        #expect(proofPool(&pool) == ProofOrder(price: 5, shares: 6))

        // 0.0002 × 10_000 = 2.0000, read as a Price8 raw value (0.00020000) and narrowed exactly.
        #expect(proofPriceArithmetic(Price4(rawValue: 1), Price4(rawValue: 1), Quantity(10_000)) == Price4(rawValue: 2))
        #expect(proofPriceArithmetic(Price4(rawValue: 1), Price4(rawValue: 1), Quantity(10)) == nil, "inexact narrowing")
        #expect(proofPriceArithmetic(Price4(rawValue: .max), Price4(rawValue: 1), Quantity(1)) == nil)
        _ = proofTimestamps(Timestamp<TAI>(nanoseconds: 0))
    }
}
