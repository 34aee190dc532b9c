import Benchmark
import VegaCore

/// Lookups of present keys (order ids as an exchange hands them out: increasing, with gaps)
/// in a map of 100,000 orders: FixedMap against the standard Dictionary.
/// Holds a `~Copyable` value so the measured closure can borrow it from a global.
final class Holder<Value: ~Copyable> {
    let value: Value
    init(_ value: consuming Value) { self.value = value }
}

nonisolated(unsafe) var fixedMap: Holder<FixedMap<UInt64>>? = nil
nonisolated(unsafe) var dictionary: [UInt64: UInt64] = [:]
nonisolated(unsafe) var lookupKeys: [UInt64] = []

let mapSize = 100_000

func makeLookupData() {
    var state: UInt64 = 0x5EED
    func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }
    var keys: [UInt64] = []
    var id: UInt64 = 1_000_000
    for _ in 0..<mapSize {
        id += 1 + next() % 8
        keys.append(id)
    }
    var map = FixedMap<UInt64>(capacity: mapSize)
    var dict: [UInt64: UInt64] = [:]
    dict.reserveCapacity(mapSize)
    for k in keys {
        _ = map.insert(k &* 3, forKey: k)
        dict[k] = k &* 3
    }
    fixedMap = Holder(map)
    dictionary = dict
    lookupKeys = (0..<1_000_000).map { _ in keys[Int(next() % UInt64(mapSize))] }
}

@_noLocks
func sumLookups(_ map: borrowing FixedMap<UInt64>, _ keys: UnsafeBufferPointer<UInt64>) -> UInt64 {
    var sum: UInt64 = 0
    for k in keys { sum &+= map.get(k) ?? 0 }
    return sum
}

func fixedMapBenchmarks() {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal], scalingFactor: .mega, maxIterations: 100)
    Benchmark("fixedmap-lookup", configuration: configuration) { benchmark in
        let n = benchmark.scaledIterations.count
        let sum = lookupKeys.withUnsafeBufferPointer { keys in
            benchmark.startMeasurement()
            defer { benchmark.stopMeasurement() }
            return sumLookups(fixedMap!.value, UnsafeBufferPointer(rebasing: keys[0..<n]))
        }
        blackHole(sum)
    } setup: {
        makeLookupData()
    } teardown: {
        fixedMap = nil
        dictionary = [:]
        lookupKeys = []
    }

    Benchmark("dictionary-lookup", configuration: configuration) { benchmark in
        let n = benchmark.scaledIterations.count
        let sum = lookupKeys.withUnsafeBufferPointer { keys in
            benchmark.startMeasurement()
            defer { benchmark.stopMeasurement() }
            var sum: UInt64 = 0
            for k in keys[0..<n] { sum &+= dictionary[k] ?? 0 }
            return sum
        }
        blackHole(sum)
    } setup: {
        makeLookupData()
    } teardown: {
        fixedMap = nil
        dictionary = [:]
        lookupKeys = []
    }
}

/// One publish plus one read of a 64-byte event on one thread: the broadcast ring's
/// per-event instruction cost without cross-core traffic.
nonisolated(unsafe) var broadcastRing: Holder<BroadcastRing<Event64>>? = nil

struct Event64 {
    var a, b, c, d, e, f, g, h: UInt64
}

@_noLocks
func publishAndRead(_ ring: borrowing BroadcastRing<Event64>, count: Int) -> UInt64 {
    var cursor = ring.makeCursor(at: .next)
    var sum: UInt64 = 0
    var event = Event64(a: 0, b: 0, c: 0, d: 0, e: 0, f: 0, g: 0, h: 0)
    for i in 0..<count {
        event.a = UInt64(truncatingIfNeeded: i)
        ring.publish(event)
        if case .element(let e) = ring.read(&cursor) { sum &+= e.a }
    }
    return sum
}

func broadcastBenchmark() {
    Benchmark(
        "broadcast-publish-read-swift",
        configuration: .init(metrics: [.wallClock, .throughput, .mallocCountTotal], scalingFactor: .mega, maxIterations: 100)
    ) { benchmark in
        let n = benchmark.scaledIterations.count
        benchmark.startMeasurement()
        let sum = publishAndRead(broadcastRing!.value, count: n)
        benchmark.stopMeasurement()
        blackHole(sum)
    } setup: {
        broadcastRing = Holder(BroadcastRing<Event64>(capacity: 1024))
    } teardown: {
        broadcastRing = nil
    }
}
