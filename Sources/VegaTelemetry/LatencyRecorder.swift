import Synchronization
import VegaCore

/// The lane's side of the latency profiler: pushes each ``TickToTradeSample`` into a
/// fixed-capacity single-producer / single-consumer ring that a ``LatencyProfiler`` drains on
/// another thread.
///
/// The ring is allocated (and pre-faulted) once in ``init(capacity:)``. ``record(_:)`` never
/// blocks, allocates, locks or touches a reference count: when the ring is full the sample is
/// dropped and counted (``dropped``) — the lane's latency matters more than a complete profile.
///
/// ## Threads
/// The recorder is `~Copyable`: exactly one owner (the lane) calls ``record(_:)``. The consumer
/// side is a separate object, ``consumer()``, which may be sent to any one other thread; the ring's
/// memory lives until both the recorder and every reference to its consumer are gone.
public struct LatencyRecorder: ~Copyable {
    @usableFromInline let ring: SPSCRing<TickToTradeSample>
    /// `[0]`: samples dropped because the ring was full (written by the producer only).
    @usableFromInline let droppedCounter: UnsafeMutablePointer<Atomic<UInt64>>
    // Keeps the region alive; never touched by `record`, so the lane does no reference counting.
    let storage: LatencyRingStorage
    let reader: LatencySampleReader

    /// A recorder whose ring holds `capacity` undrained samples (96 bytes each).
    ///
    /// Allocates `capacity × 96` bytes plus 768 once, here, and touches every page.
    /// - Precondition: `capacity` is a power of two ≥ 2.
    public init(capacity: Int) {
        precondition(capacity >= 2 && capacity & (capacity - 1) == 0,
                     "LatencyRecorder capacity \(capacity) is not a power of two ≥ 2")
        let storage = LatencyRingStorage(capacity: capacity)
        self.storage = storage
        do {
            ring = try SPSCRing(attachingTo: storage.region, capacity: capacity, initialize: true)
        } catch {
            // The region is ours, 128-byte aligned and sized by Layout: this cannot fail.
            preconditionFailure("LatencyRecorder: \(error)")
        }
        droppedCounter = storage.dropped
        reader = LatencySampleReader(storage: storage)
    }

    /// Pushes `sample` for the profiler. Lane side only.
    ///
    /// - Returns: `false` when the ring was full: the sample was dropped and ``dropped`` counts it.
    /// - Cost: no allocation, no lock, no reference counting; a few loads and one release store
    ///   (tens of ns, see TelemetryBenchmarks) plus a 96-byte copy.
    @inlinable @inline(__always)
    public mutating func record(_ sample: TickToTradeSample) -> Bool {
        if ring.tryPush(sample) { return true }
        // Only this side writes the counter: a load and a store, no read-modify-write.
        let d = droppedCounter.pointee.load(ordering: .relaxed)
        droppedCounter.pointee.store(d &+ 1, ordering: .relaxed)
        return false
    }

    /// Samples dropped so far because the ring was full.
    @inlinable
    public var dropped: UInt64 { droppedCounter.pointee.load(ordering: .relaxed) }

    /// The ring's capacity in samples.
    public var capacity: Int { ring.capacity }

    /// The consumer side of this recorder's ring: always the same object. Give it to one thread
    /// (a ``LatencyProfiler``'s drain loop); it keeps the ring's memory alive.
    public func consumer() -> LatencySampleReader { reader }
}

/// The consumer side of a ``LatencyRecorder``'s ring; `Sendable`, so it can be handed to the
/// thread that drains it.
///
/// At most one thread at a time may call ``drain(limit:_:)`` (the ring is single-consumer; the
/// type cannot check this). ``dropped`` and ``pending`` may be read from anywhere.
public final class LatencySampleReader: @unchecked Sendable {
    // @unchecked Sendable: the ring's fields are immutable pointers; slot hand-over is ordered by
    // the ring's release/acquire pairs and the single-consumer contract above.
    let storage: LatencyRingStorage
    let ring: SPSCRing<TickToTradeSample>

    init(storage: LatencyRingStorage) {
        self.storage = storage
        do {
            ring = try SPSCRing(attachingTo: storage.region, capacity: storage.capacity, initialize: false)
        } catch {
            preconditionFailure("LatencySampleReader: \(error)")  // initialised just before, same shape
        }
    }

    /// Hands up to `limit` recorded samples, oldest first, to `body`, then frees their slots.
    /// Returns how many. Allocates nothing itself.
    @discardableResult
    public func drain(limit: Int = .max, _ body: (TickToTradeSample) -> Void) -> Int {
        ring.drain(limit: limit, body)
    }

    /// Samples the producer dropped because the ring was full (a snapshot).
    public var dropped: UInt64 { storage.dropped.pointee.load(ordering: .relaxed) }

    /// Samples recorded and not yet drained (a snapshot, for monitoring).
    public var pending: Int { ring.approximateCount() }

    /// The ring's capacity in samples.
    public var capacity: Int { storage.capacity }
}

/// The memory shared by a recorder and its reader: the SPSC ring, then one 128-byte line with the
/// dropped-sample counter (so the counter never shares a line with the ring's indices).
final class LatencyRingStorage: @unchecked Sendable {
    let region: UnsafeMutableRawPointer
    let capacity: Int
    let dropped: UnsafeMutablePointer<Atomic<UInt64>>

    init(capacity: Int) {
        let ringBytes = SPSCRing<TickToTradeSample>.Layout.byteCount(capacity: capacity)
        let total = ringBytes + 128
        region = UnsafeMutableRawPointer.allocate(byteCount: total, alignment: 128)
        region.initializeMemory(as: UInt8.self, repeating: 0, count: total)  // pre-fault every page
        self.capacity = capacity
        dropped = (region + ringBytes).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
        dropped.initialize(to: Atomic(0))
    }

    deinit { region.deallocate() }
}
