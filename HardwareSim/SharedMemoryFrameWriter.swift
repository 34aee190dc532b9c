import CVegaNet
import Glibc
import Synchronization
import VegaCore
import VegaHardware

/// The producing side of a shared-memory frame queue: lives in the feed-simulator process,
/// applies `SimImpairments` on its own `SimClock`, and publishes frames, stamped, into a ring
/// file that a `SharedMemoryFrameQueue` in another process receives from.
///
/// The writer owns simulated time for both processes: `pump()` publishes the clock's present
/// (and the PHC's) into the header, where the reader takes its TX stamps from, and moves every
/// frame that has arrived into the ring. A frame that finds the ring full stays on the wire
/// (`SimWire`) until a later `pump`, and the wire itself overflows (counted) when that fills too:
/// the writer never waits for the reader.
///
/// Allocation: the mapping and the wire are set up in `init`; `inject`, `pump` and
/// `readOutbound(into:)` allocate nothing. Deterministic under `seed` (the same seed and call
/// sequence give the same frames and stamps as a `SimFrameQueue` with the same configuration).
public struct SharedMemoryFrameWriter: ~Copyable {
    public struct Configuration: Sendable {
        /// Slots in each direction; a power of two.
        public var slotCount: Int
        /// Payload bytes per slot.
        public var slotSize: Int
        /// Frames the simulated wire holds before the ring (see `SimFrameQueue.Configuration.capacity`).
        public var wireCapacity: Int
        public var impairments: SimImpairments
        public var seed: UInt64
        public var softwareTimestamps: Bool
        public var softwareStampLatencyNanoseconds: UInt64
        public var queueID: UInt16

        public init(
            slotCount: Int = 1024, slotSize: Int = 2048, wireCapacity: Int = 4096, impairments: SimImpairments = .none,
            seed: UInt64 = 0, softwareTimestamps: Bool = true, softwareStampLatencyNanoseconds: UInt64 = 0, queueID: UInt16 = 0
        ) {
            self.slotCount = slotCount
            self.slotSize = slotSize
            self.wireCapacity = wireCapacity
            self.impairments = impairments
            self.seed = seed
            self.softwareTimestamps = softwareTimestamps
            self.softwareStampLatencyNanoseconds = softwareStampLatencyNanoseconds
            self.queueID = queueID
        }
    }

    public let path: String
    public let configuration: Configuration
    public let clock: SimClock
    public let phc: SimPHC?
    let mapping: SharedMemoryFrameMappingBox
    var wire: SimWire
    var rx: SharedMemoryFrameRingSide
    var tx: SharedMemoryFrameRingSide
    /// Times `pump` found the ring full with frames still waiting (the reader is behind).
    public private(set) var ringFullStalls: UInt64 = 0

    /// Creates (or truncates) `path` and formats the ring. `phc` nil: frames carry no hardware
    /// stamps. Throws with the path and reason when the file cannot be made or the configuration
    /// is unusable.
    public init(path: String, clock: SimClock, phc: SimPHC? = nil, _ configuration: Configuration = .init())
        throws(HardwareSetupError)
    {
        let c = configuration
        guard c.slotCount > 0, c.slotCount & (c.slotCount - 1) == 0, c.slotSize > 0, c.wireCapacity > 0 else {
            throw HardwareSetupError(.invalid, "create frame ring \(path)",
                "slotCount \(c.slotCount) must be a power of two, slotSize \(c.slotSize) and wireCapacity \(c.wireCapacity) > 0")
        }
        if let problem = c.impairments.problem { throw HardwareSetupError(.invalid, "create frame ring \(path)", problem) }
        let bytes = SharedMemoryFrameRingLayout.bytes(slotCount: c.slotCount, slotSize: c.slotSize)
        let m = try SharedMemoryMapping(creating: path, bytes: bytes)
        let flags = (phc != nil ? SharedMemoryFrameRingLayout.flagHardwareStamps : 0)
            | (c.softwareTimestamps ? SharedMemoryFrameRingLayout.flagSoftwareStamps : 0)
        SharedMemoryFrameRingLayout.format(m.base, slotCount: c.slotCount, slotSize: c.slotSize, flags: flags, writerPID: UInt64(getpid()))
        let base = m.base
        typealias O = SharedMemoryFrameRingLayout.Offset
        rx = SharedMemoryFrameRingSide(
            base: base, headOffset: O.rxHead, tailOffset: O.rxTail,
            slotsOffset: Int(base.load(fromByteOffset: O.rxOffset, as: UInt64.self)), count: c.slotCount, slotSize: c.slotSize)
        tx = SharedMemoryFrameRingSide(
            base: base, headOffset: O.txHead, tailOffset: O.txTail,
            slotsOffset: Int(base.load(fromByteOffset: O.txOffset, as: UInt64.self)), count: c.slotCount, slotSize: c.slotSize)
        mapping = SharedMemoryFrameMappingBox(m)
        wire = SimWire(
            capacity: c.wireCapacity, slotSize: c.slotSize, impairments: c.impairments, seed: c.seed, clock: clock, phc: phc,
            softwareStamps: c.softwareTimestamps, softwareStampLatency: c.softwareStampLatencyNanoseconds, queueID: c.queueID)
        self.path = path
        self.configuration = c
        self.clock = clock
        self.phc = phc
        publishTime()
    }

    /// Puts `frame` on the simulated wire at `at` (default: now). Nothing reaches the ring until
    /// `pump`. No allocation.
    @discardableResult
    public mutating func inject(_ frame: UnsafeRawBufferPointer, at: Timestamp<UTC>? = nil) -> SimInjectResult {
        wire.inject(frame, at: (at ?? clock.now).nanoseconds)
    }

    @discardableResult
    public mutating func inject(_ frame: [UInt8], at: Timestamp<UTC>? = nil) -> SimInjectResult {
        frame.withUnsafeBytes { inject($0, at: at) }
    }

    /// Publishes the simulated present and moves every frame that has arrived by then into the
    /// ring, until it is full. Returns how many were published. Call after advancing the clock.
    @discardableResult
    public mutating func pump() -> Int {
        publishTime()
        var full = false
        let n = wire.deliver(upTo: .max) { bytes, meta in
            if rx.push(bytes, meta: meta) { return true }
            full = true
            return false
        }
        if full { ringFullStalls &+= 1 }
        return n
    }

    func publishTime() {
        typealias O = SharedMemoryFrameRingLayout.Offset
        let now = clock.now
        SharedMemoryFrameRingLayout.atomic(mapping.base, O.simSystem).pointee.store(now.nanoseconds, ordering: .releasing)
        if let phc {
            SharedMemoryFrameRingLayout.atomic(mapping.base, O.simPHC).pointee.store(
                phc.time(atSystemTime: now).nanoseconds, ordering: .releasing)
        }
    }

    /// What the simulated wire did so far (`delivered` counts frames published into the ring).
    public var counters: SimWireCounters { wire.counters }
    /// Frames on the wire not yet in the ring.
    public var inFlight: Int { wire.inFlight }
    /// Frames in the ring the reader has not taken yet.
    public var unread: Int { Int(rx.pending) }
    /// When the next frame on the wire becomes receivable.
    public var nextReceivableTime: Timestamp<UTC>? { wire.nextReceivableTime.map { Timestamp(nanoseconds: $0) } }

    /// The oldest frame the reader transmitted and we have not read: copied into `buffer`
    /// (truncated to fit), its length returned; nil when none. No allocation.
    public mutating func readOutbound(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        var length: Int? = nil
        _ = tx.pop { bytes, _ in
            let n = Swift.min(bytes.count, buffer.count)
            if n > 0, let dst = buffer.baseAddress, let src = bytes.baseAddress { dst.copyMemory(from: src, byteCount: n) }
            length = bytes.count
        }
        return length
    }

    /// `readOutbound` as an array (allocates: tests only).
    public mutating func readOutbound() -> [UInt8]? {
        var out: [UInt8]? = nil
        _ = tx.pop { bytes, _ in out = Array(bytes) }
        return out
    }
}

/// Keeps a mapping alive inside a type that other stored properties point into. A class so the
/// writer can be a plain struct with a `deinit`-free lifetime; the mapping is released with it.
final class SharedMemoryFrameMappingBox {
    let mapping: SharedMemoryMapping
    var base: UnsafeMutableRawPointer { mapping.base }
    init(_ m: consuming SharedMemoryMapping) { mapping = m }
}
