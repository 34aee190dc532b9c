import Testing
import VegaCore
import VegaTestSupport

struct OrderRecord: Equatable {
    var price: Int64
    var shares: UInt32
}

@Suite("FixedMap")
struct FixedMapTests {
    @Test func agreesWithDictionaryUnderASeededRandomWorkload() {
        // Small key space so that inserts hit existing keys, removals hit present keys and
        // probe runs collide. Inserts outweigh removals 2:1, so about 2/3 of the 3,000 keys
        // would be present at equilibrium: well above the capacity, so `.full` happens too.
        var rng = SplitMix64(seed: 0x5EED_2026_1122)
        let capacity = 1_000
        var map = FixedMap<OrderRecord>(capacity: capacity)
        var reference: [UInt64: OrderRecord] = [:]
        var mismatches = 0
        var fullSeen = 0
        for step in 0..<400_000 {
            let key = rng.next() % 3_000 &* 0x1_0000_0001  // spread, with a few huge keys
            let value = OrderRecord(price: Int64(step), shares: UInt32(truncatingIfNeeded: rng.next()))
            switch rng.next() % 20 {
            case 0..<8:
                let result = map.insert(value, forKey: key)
                let expected: FixedMapInsertResult =
                    reference[key] != nil ? .alreadyPresent : (reference.count == capacity ? .full : .inserted)
                if result != expected { mismatches += 1 }
                if result == .full { fullSeen += 1 }
                if expected == .inserted { reference[key] = value }
            case 8..<11:
                if map.update(value, forKey: key) != reference[key] { mismatches += 1 }
                if reference[key] != nil { reference[key] = value }
            case 11..<15:
                if map.remove(key) != reference.removeValue(forKey: key) { mismatches += 1 }
            default:
                if map.get(key) != reference[key] { mismatches += 1 }
            }
            if map.count != reference.count { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(fullSeen > 0, "the workload reached the capacity")
        var seen = 0
        map.forEach { key, value in
            seen += 1
            #expect(reference[key] == value)
        }
        #expect(seen == reference.count)
    }

    /// The OMS's use: IDs from two strategies' counters (stream number in the high bits), the
    /// last N finished remembered and the oldest forgotten. Such a dense window of counter
    /// values must not turn into long probe runs (it does if consecutive keys take consecutive
    /// slots, as a "sequential" layout tried for cache locality did: every removal then walked
    /// the whole window); Fibonacci hashing keeps them at the usual length for load 0.5.
    @Test func aSlidingWindowOfCounterKeysKeepsProbeRunsShort() {
        let capacity = 4_096
        var history = FixedMap<UInt32>(capacity: capacity)
        var ring = [UInt64](repeating: 0, count: capacity)
        var next = 0
        var counters: [UInt64] = [1, 1]
        var rng = SplitMix64(seed: 0xF1F0_2026_1123)
        var mismatches = 0
        var longest = 0
        for step in 0..<(capacity * 12) {
            let stream = Int(rng.next() % 4 == 0 ? 1 : 0)
            let key = UInt64(stream + 1) << 48 | counters[stream]
            counters[stream] += 1
            if step >= capacity {
                let oldest = ring[next]
                if history.remove(oldest) != UInt32(truncatingIfNeeded: oldest) { mismatches += 1 }
                if history.contains(oldest) { mismatches += 1 }
            }
            if history.insert(UInt32(truncatingIfNeeded: key), forKey: key) != .inserted { mismatches += 1 }
            ring[next] = key
            next = (next + 1) % capacity
            if step % 1_024 == 1_023 { longest = max(longest, history.longestOccupiedRun()) }
        }
        #expect(mismatches == 0)
        #expect(history.count == capacity)
        for key in ring where history.get(key) != UInt32(truncatingIfNeeded: key) { mismatches += 1 }
        #expect(mismatches == 0, "every remembered key is found")
        #expect(longest <= 32, "longest probe run \(longest) of \(capacity * 2) slots at load 0.5")
    }

    @Test func theSlotAddressIsWhereTheKeysProbeStarts() {
        // Alone in its map, a key sits exactly at its slot address (key, then value).
        for key in [1, 2, 977, 1 << 40, UInt64(3) << 48 | 12_345] as [UInt64] {
            var map = FixedMap<UInt64>(capacity: 16)
            _ = map.insert(~key, forKey: key)
            #expect(map.slotAddress(key).load(as: UInt64.self) == key, "key \(key) not at its slot address")
            #expect(map.slotAddress(key).load(fromByteOffset: 8, as: UInt64.self) == ~key)
        }
    }

    @Test func reportsFullWithoutChangingAnything() {
        var map = FixedMap<UInt64>(capacity: 3)
        for k in 1...3 as ClosedRange<UInt64> { #expect(map.insert(k * 10, forKey: k) == .inserted) }
        #expect(map.insert(40, forKey: 4) == .full)
        #expect(map.insert(99, forKey: 2) == .alreadyPresent, "an existing key is reported even when full")
        #expect(map.get(4) == nil && map.get(2) == 20 && map.count == 3)
        #expect(map.remove(1) == 10)
        #expect(map.insert(40, forKey: 4) == .inserted)
    }

    @Test func removalInsideACollisionRunKeepsEveryOtherKeyReachable() {
        // Keys that share a home slot: with 2^k slots the home is the top k bits of key·φ, so
        // search for keys with equal homes rather than assuming a hash.
        let capacity = 64  // 128 slots: home = top 7 bits
        func home(_ k: UInt64) -> UInt64 { (k &* 0x9E37_79B9_7F4A_7C15) >> 57 }
        var colliding: [UInt64] = []
        var k: UInt64 = 1
        while colliding.count < 6 {
            if home(k) == home(1) { colliding.append(k) }
            k += 1
        }
        // And a key homed at the next slot, which gets displaced into the run.
        var neighbour: UInt64 = 1
        while home(neighbour) != (home(1) + 1) % 128 { neighbour += 1 }

        for victim in colliding + [neighbour] {
            var map = FixedMap<UInt64>(capacity: capacity)
            for key in colliding + [neighbour] { #expect(map.insert(key &* 3, forKey: key) == .inserted) }
            #expect(map.remove(victim) == victim &* 3)
            #expect(map.get(victim) == nil)
            for key in colliding + [neighbour] where key != victim {
                #expect(map.get(key) == key &* 3, "key \(key) lost after removing \(victim)")
            }
            #expect(map.count == colliding.count)
            #expect(map.insert(1, forKey: victim) == .inserted, "the slot is reusable")
        }
    }

    @Test func theEmptySlotMarkerIsAnOrdinaryKey() {
        var map = FixedMap<Int>(capacity: 2)
        #expect(map.get(.max) == nil && !map.contains(.max))
        #expect(map.insert(7, forKey: .max) == .inserted)
        #expect(map.insert(8, forKey: 0) == .inserted)
        #expect(map.insert(9, forKey: 1) == .full, "the marker key counts against capacity")
        #expect(map.get(.max) == 7 && map.count == 2)
        #expect(map.update(70, forKey: .max) == 7)
        #expect(map.modify(.max) { $0 += 1; return $0 } == 71)
        #expect(map.remove(.max) == 71)
        #expect(map.get(.max) == nil && map.count == 1)
    }

    @Test func modifyChangesTheValueInPlaceAndSkipsAbsentKeys() {
        var map = FixedMap<OrderRecord>(capacity: 8)
        _ = map.insert(OrderRecord(price: 100, shares: 500), forKey: 42)
        let left = map.modify(42) { record -> UInt32 in
            record.shares -= 200
            return record.shares
        }
        #expect(left == 300)
        #expect(map.get(42)?.shares == 300)
        #expect(map.modify(43) { _ in Issue.record("called for an absent key") } == nil)
        map.removeAll()
        #expect(map.isEmpty && map.get(42) == nil)
    }
}
