import Testing
import VegaCore

@Suite("ObjectPool")
struct ObjectPoolTests {
    @Test func exhaustionIsReportedAndReleasedSlotsAreReused() {
        var pool = ObjectPool<OrderRecord>(capacity: 3)
        let handles = (0..<3).compactMap { pool.acquire(OrderRecord(price: Int64($0), shares: 1)) }
        #expect(handles.count == 3 && pool.count == 3)
        #expect(pool.acquire(OrderRecord(price: 9, shares: 9)) == nil, "a full pool refuses")
        #expect(pool.release(handles[1]) == OrderRecord(price: 1, shares: 1))
        let reused = pool.acquire(OrderRecord(price: 5, shares: 5))
        #expect(reused?.index == handles[1].index, "the freed slot is handed out again")
        #expect(reused != handles[1], "with a new generation")
        #expect(pool[handles[0]].price == 0 && pool[reused!].price == 5)
    }

    @Test func doubleReleaseIsDetectedAndChangesNothing() {
        var pool = ObjectPool<OrderRecord>(capacity: 2)
        let h = pool.acquire(OrderRecord(price: 1, shares: 1))!
        #expect(pool.release(h) != nil)
        #expect(pool.release(h) == nil, "second release of the same handle")
        #expect(pool.count == 0)
        // The double release must not have pushed the slot onto the free list twice: two
        // acquisitions get two different slots.
        let a = pool.acquire(OrderRecord(price: 2, shares: 2))!
        let b = pool.acquire(OrderRecord(price: 3, shares: 3))!
        #expect(a.index != b.index)
        #expect(pool.release(h) == nil, "a stale handle to a reissued slot is refused")
        #expect(pool[a].price == 2, "and did not free the new occupant")
        #expect(pool.acquire(OrderRecord(price: 4, shares: 4)) == nil)
    }

    @Test func staleHandlesAreRecognisedWithoutTrapping() {
        var pool = ObjectPool<UInt64>(capacity: 4)
        let h = pool.acquire(7)!
        #expect(pool.isLive(h) == true)
        let incremented = pool.withObject(h) { (value: inout UInt64) -> UInt64 in
            value += 1
            return value
        }
        #expect(incremented == 8)
        _ = pool.release(h)
        #expect(pool.isLive(h) == false)
        #expect(pool.withObject(h) { _ in 0 } == nil)
        #expect(pool.isLive(.init(index: 99, generation: 1)) == false, "out of range")
    }

    @Test func holdsNoncopyableObjectsAndDestroysThemOnce() {
        var pool = ObjectPool<Resource>(capacity: 2)
        let counter = Shared(DestroyCounter())
        let h = pool.acquire(Resource(counter))!
        _ = pool.acquire(Resource(counter))!
        let taken = pool.release(h)
        #expect(counter.value.destroyed == 0)
        _ = consume taken
        #expect(counter.value.destroyed == 1)
        _ = consume pool
        #expect(counter.value.destroyed == 2, "the pool destroys the objects still live in it")
    }

    @Test func usingAStaleHandleTraps() async {
        await #expect(processExitsWith: .failure) {
            var pool = ObjectPool<UInt64>(capacity: 1)
            let h = pool.acquire(1)!
            _ = pool.release(h)
            _ = pool[h]
        }
    }
}

final class DestroyCounter: @unchecked Sendable {
    // Touched only by the test's own thread.
    var destroyed = 0
}

struct Resource: ~Copyable {
    let counter: Shared<DestroyCounter>
    init(_ counter: Shared<DestroyCounter>) { self.counter = counter }
    deinit { counter.value.destroyed += 1 }
}
