#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Testing
import VegaCore

/// 64 bytes whose eight fields the writer sets to the same counter: any mix of two writes
/// (a torn read) shows up as unequal fields.
struct Tick: Equatable {
    var a, b, c, d, e, f, g, h: UInt64
    init(_ n: UInt64) { (a, b, c, d, e, f, g, h) = (n, n, n, n, n, n, n, n) }
    var isConsistent: Bool { a == b && a == c && a == d && a == e && a == f && a == g && a == h }
}

@Suite("BroadcastRing")
struct BroadcastRingTests {
    @Test func readersSeeEveryElementInOrderWhenKeepingUp() {
        let ring = BroadcastRing<Tick>(capacity: 8)
        var first = ring.makeCursor()
        var second = ring.makeCursor()
        guard case .empty = ring.read(&first) else { Issue.record("new ring not empty"); return }
        for n in 0..<20 as Range<UInt64> {
            ring.publish(Tick(n))
            for cursor in [0, 1] {
                let r = cursor == 0 ? ring.read(&first) : ring.read(&second)
                guard case .element(let t) = r else { Issue.record("reader \(cursor) missed \(n): \(r)"); return }
                #expect(t == Tick(n))
            }
        }
        #expect(ring.publishedCount() == 20)
    }

    @Test func aLappedReaderIsToldExactlyHowManyItLostAndResumesAtTheOldestSafeElement() {
        let ring = BroadcastRing<Tick>(capacity: 4)
        var cursor = ring.makeCursor(at: .next)
        for n in 0..<10 as Range<UInt64> { ring.publish(Tick(n)) }
        // Slots hold 6...9; 6's slot is the writer's next victim, so the reader resumes at 7.
        guard case .overrun(let lost) = ring.read(&cursor) else { Issue.record("no overrun"); return }
        #expect(lost == 7)
        #expect(cursor.next == 7)
        for n in 7..<10 as Range<UInt64> {
            guard case .element(let t) = ring.read(&cursor) else { Issue.record("missing \(n)"); return }
            #expect(t == Tick(n))
        }
        guard case .empty = ring.read(&cursor) else { Issue.record("expected empty"); return }
    }

    @Test func aReaderStartingAtOldestReplaysWhatIsStillSafe() {
        let ring = BroadcastRing<UInt64>(capacity: 4)
        #expect(ring.makeCursor(at: .oldest).next == 0)
        for n in 0..<10 as Range<UInt64> { ring.publish(n) }
        var cursor = ring.makeCursor(at: .oldest)
        var seen: [UInt64] = []
        while case .element(let v) = ring.read(&cursor) { seen.append(v) }
        #expect(seen == [7, 8, 9])
        #expect(ring.makeCursor(at: .next).next == 10)
    }

    @Test func aConcurrentlyLappedReaderCountsLossesExactlyAndNeverSeesATornElement() {
        let total: UInt64 = 3_000_000
        let capacity = 64
        let ring = Shared(BroadcastRing<Tick>(capacity: capacity))
        // The cursor exists before the writer starts, so it begins at sequence 0 and every
        // element is either delivered or counted lost.
        var cursor = ring.value.makeCursor(at: .oldest)
        let writer = TestThread {
            for n in 0..<total { ring.value.publish(Tick(n)) }
        }
        var expected: UInt64 = 0  // the sequence number the next element must carry
        var delivered: UInt64 = 0
        var lostTotal: UInt64 = 0
        var overruns = 0
        var torn = 0
        var wrongSequence = 0
        var reads = 0
        while expected < total {
            switch ring.value.read(&cursor) {
            case .element(let t):
                if !t.isConsistent { torn += 1 }
                if t.a != expected { wrongSequence += 1 }
                expected = t.a + 1
                delivered += 1
                reads += 1
                if reads % 5_000 == 0 {
                    // Fall behind on purpose — by waiting for the writer to move two laps on,
                    // not by sleeping — so that every run is overtaken many times.
                    let target = min(ring.value.publishedCount() + UInt64(2 * capacity), total)
                    while ring.value.publishedCount() < target { backOff() }
                }
            case .overrun(let lost):
                overruns += 1
                lostTotal += lost
                expected += lost
            case .empty:
                backOff()
            }
        }
        writer.join()
        #expect(torn == 0)
        #expect(wrongSequence == 0, "after each overrun the next element is exactly `lost` further on")
        #expect(overruns > 0, "the reader was lapped (otherwise this test proves nothing)")
        #expect(delivered + lostTotal == total)
    }

    @Test func manyReadersDoNotDisturbEachOtherOrTheWriter() {
        let total: UInt64 = 500_000
        let ring = Shared(BroadcastRing<Tick>(capacity: 1024))
        let failures = Shared(Atomic<Int>(0))
        let reader = TestThread {
            // This thread may start after the writer has lapped the ring: begin where the cursor does.
            var cursor = ring.value.makeCursor(at: .oldest)
            var expected = cursor.next
            while expected < total {
                switch ring.value.read(&cursor) {
                case .element(let t):
                    if !t.isConsistent || t.a != expected { failures.value.add(1, ordering: .relaxed) }
                    expected = t.a + 1
                case .overrun(let lost): expected += lost
                case .empty: backOff()
                }
            }
        }
        var mainCursor = ring.value.makeCursor(at: .oldest)
        let writer = TestThread {
            for n in 0..<total { ring.value.publish(Tick(n)) }
        }
        var expected: UInt64 = 0
        while expected < total {
            switch ring.value.read(&mainCursor) {
            case .element(let t):
                if !t.isConsistent || t.a != expected { failures.value.add(1, ordering: .relaxed) }
                expected = t.a + 1
            case .overrun(let lost): expected += lost
            case .empty: backOff()
            }
        }
        writer.join()
        reader.join()
        #expect(failures.value.load(ordering: .relaxed) == 0)
        #expect(ring.value.publishedCount() == total)
    }

    @Test func attachesOverACallerRegionAndChecksItsShape() throws {
        let capacity = 16
        let mapping = DoubleMapping(byteCount: BroadcastRing<Tick>.Layout.byteCount(capacity: capacity))
        let writer = try BroadcastRing<Tick>(attachingTo: mapping.first, capacity: capacity, initialize: true)
        let reader = try BroadcastRing<Tick>(attachingTo: mapping.second, capacity: capacity, initialize: false)
        var cursor = reader.makeCursor()
        writer.publish(Tick(42))
        guard case .element(let t) = reader.read(&cursor) else { Issue.record("not delivered"); return }
        #expect(t == Tick(42))
        #expect(throws: RingLayoutError.shapeMismatch(field: "capacity", expected: 32, found: 16)) {
            _ = try BroadcastRing<Tick>(attachingTo: mapping.second, capacity: 32, initialize: false)
        }
        #expect(BroadcastRing<Tick>.Layout.slotStride == 128, "8-byte sequence word + 64-byte tick, whole lines")
        #expect(BroadcastRing<UInt64>.Layout.slotStride == 64)
    }
}
