#if canImport(Glibc)
import Glibc
#endif
import Testing
import VegaCore

/// 16 bytes whose halves are tied together, so a torn or misplaced slot is detectable.
struct Message: Equatable {
    var sequence: UInt64
    var check: UInt64
    init(_ sequence: UInt64) {
        self.sequence = sequence
        self.check = sequence &* 0x9E37_79B9_7F4A_7C15
    }
}

@Suite("SPSCRing")
struct SPSCRingTests {
    @Test func popsInPushOrderAndReportsFullAndEmpty() {
        let ring = SPSCRing<UInt64>(capacity: 4)
        #expect(ring.capacity == 4)
        #expect(ring.tryPop() == nil)
        for i in 0..<4 as Range<UInt64> { #expect(ring.tryPush(i) == true) }
        #expect(ring.tryPush(99) == false, "a full ring refuses a push")
        #expect(ring.approximateCount() == 4)
        #expect(ring.tryPop() == 0)
        #expect(ring.tryPush(4) == true, "a pop frees a slot")
        for i in 1...4 as ClosedRange<UInt64> { #expect(ring.tryPop() == i) }
        #expect(ring.tryPop() == nil)
    }

    @Test func indicesWrapAroundTheSlotsManyTimes() {
        let ring = SPSCRing<UInt32>(capacity: 8)
        var next: UInt32 = 0
        var expected: UInt32 = 0
        for round in 0..<1_000 {
            for _ in 0..<(round % 8 + 1) {
                #expect(ring.tryPush(next) == true)
                next += 1
            }
            while let v = ring.tryPop() {
                #expect(v == expected)
                expected += 1
            }
        }
        #expect(expected == next)
    }

    @Test func batchPushTakesThePrefixThatFitsAndBatchPopDrainsInOrder() {
        let ring = SPSCRing<UInt64>(capacity: 8)
        let input: [UInt64] = Array(0..<11)
        #expect(ring.tryPush(contentsOf: input.span) == 8)
        #expect(ring.tryPush(contentsOf: input.span) == 0)
        var out = [UInt64](repeating: 0, count: 5)
        let n = out.withUnsafeMutableBufferPointer { ring.tryPop(into: $0) }
        #expect(n == 5 && out == [0, 1, 2, 3, 4])
        let rest = input[8...]
        let pushedRest = ring.tryPush(contentsOf: rest.span)
        #expect(pushedRest == 3)
        var drained: [UInt64] = []
        drained.reserveCapacity(8)
        #expect(ring.drain(limit: 4) { drained.append($0) } == 4)
        #expect(ring.drain { drained.append($0) } == 2)
        #expect(drained == [5, 6, 7, 8, 9, 10])
        #expect(ring.drain { _ in Issue.record("drained an empty ring") } == 0)
    }

    @Test func twoThreadsSeeEveryElementOnceInOrder() {
        let count: UInt64 = 4_000_000
        let ring = Shared(SPSCRing<Message>(capacity: 1024))
        let producer = TestThread {
            var i: UInt64 = 0
            while i < count {
                if ring.value.tryPush(Message(i)) { i += 1 } else { backOff() }
            }
        }
        var expected: UInt64 = 0
        var checksum: UInt64 = 0
        var outOfOrder = 0
        while expected < count {
            guard let m = ring.value.tryPop() else {
                backOff()
                continue
            }
            if m != Message(expected) { outOfOrder += 1 }
            checksum &+= m.sequence &* 31 &+ m.check
            expected += 1
        }
        producer.join()
        var reference: UInt64 = 0
        for i in 0..<count { reference &+= i &* 31 &+ Message(i).check }
        #expect(outOfOrder == 0)
        #expect(checksum == reference)
        #expect(ring.value.tryPop() == nil, "nothing beyond what was pushed")
    }

    @Test func twoThreadsWithBatchesSeeEveryElementOnceInOrder() {
        let count: UInt64 = 2_000_000
        let ring = Shared(SPSCRing<UInt64>(capacity: 256))
        let producer = TestThread {
            var batch = [UInt64](repeating: 0, count: 37)  // not a divisor of the capacity
            var next: UInt64 = 0
            while next < count {
                let n = Int(min(UInt64(batch.count), count - next))
                for j in 0..<n { batch[j] = next + UInt64(j) }
                var sent = 0
                while sent < n {
                    let pushed = ring.value.tryPush(contentsOf: batch[sent..<n].span)
                    if pushed == 0 { backOff() }
                    sent += pushed
                }
                next += UInt64(n)
            }
        }
        var expected: UInt64 = 0
        var mismatches = 0
        while expected < count {
            let n = ring.value.drain(limit: 100) { v in
                if v != expected { mismatches += 1 }
                expected += 1
            }
            if n == 0 { backOff() }
        }
        producer.join()
        #expect(mismatches == 0)
        #expect(expected == count)
    }

    @Test func worksInACallerRegionMappedAtTwoAddresses() throws {
        let capacity = 64
        let mapping = DoubleMapping(byteCount: SPSCRing<Message>.Layout.byteCount(capacity: capacity))
        #expect(mapping.first != mapping.second)
        // Creator on one mapping, attacher on the other — as two processes would.
        let producerSide = Shared(try SPSCRing<Message>(attachingTo: mapping.first, capacity: capacity, initialize: true))
        let consumerSide = try SPSCRing<Message>(attachingTo: mapping.second, capacity: capacity, initialize: false)
        let count: UInt64 = 500_000
        let producer = TestThread {
            var i: UInt64 = 0
            while i < count {
                if producerSide.value.tryPush(Message(i)) { i += 1 } else { backOff() }
            }
        }
        var expected: UInt64 = 0
        var mismatches = 0
        while expected < count {
            if let m = consumerSide.tryPop() {
                if m != Message(expected) { mismatches += 1 }
                expected += 1
            } else {
                backOff()
            }
        }
        producer.join()
        #expect(mismatches == 0)
        // Indices live in the region, not in the ring value: both views agree.
        #expect(producerSide.value.approximateCount() == 0 && consumerSide.approximateCount() == 0)
    }

    @Test func regionLayoutSeparatesIndicesBy128Bytes() {
        typealias L = SPSCRing<Message>.Layout
        let offsets = [L.tailOffset, L.producerCacheOffset, L.headOffset, L.consumerCacheOffset, L.slotsOffset]
        #expect(zip(offsets, offsets.dropFirst()).allSatisfy { $1 - $0 >= 128 })
        #expect(L.byteCount(capacity: 64) == 640 + 64 * 16)
        #expect(L.byteCount(capacity: 2) % 128 == 0)
    }

    @Test func attachingChecksTheRegionAndSaysWhatIsWrong() throws {
        let region = AlignedRegion(byteCount: SPSCRing<UInt64>.Layout.byteCount(capacity: 32))
        #expect(throws: RingLayoutError.notInitialized(foundMagic: 0)) {
            _ = try SPSCRing<UInt64>(attachingTo: region.pointer, capacity: 16, initialize: false)
        }
        #expect(throws: RingLayoutError.capacityNotPowerOfTwo(12)) {
            _ = try SPSCRing<UInt64>(attachingTo: region.pointer, capacity: 12, initialize: true)
        }
        #expect(throws: RingLayoutError.misalignedRegion(address: UInt(bitPattern: region.pointer + 8))) {
            _ = try SPSCRing<UInt64>(attachingTo: region.pointer + 8, capacity: 16, initialize: true)
        }
        let creator = try SPSCRing<UInt64>(attachingTo: region.pointer, capacity: 16, initialize: true)
        #expect(creator.tryPush(7) == true)
        #expect(throws: RingLayoutError.shapeMismatch(field: "capacity", expected: 32, found: 16)) {
            _ = try SPSCRing<UInt64>(attachingTo: region.pointer, capacity: 32, initialize: false)
        }
        #expect(throws: RingLayoutError.shapeMismatch(field: "element stride", expected: 16, found: 8)) {
            _ = try SPSCRing<Message>(attachingTo: region.pointer, capacity: 16, initialize: false)
        }
        let attached = try SPSCRing<UInt64>(attachingTo: region.pointer, capacity: 16, initialize: false)
        #expect(attached.tryPop() == 7, "an attacher sees what the creator pushed")
    }

    @Test func rejectsACapacityThatIsNotAPowerOfTwo() async {
        await #expect(processExitsWith: .failure) {
            _ = SPSCRing<UInt64>(capacity: 1000)
        }
    }
}
