import CVegaNet
import Glibc
import VegaCore
import VegaHardware

/// HardwareSim's in-memory `PacketQueue`: the "embedded channel" of Vega's hardware layer.
///
/// A test or a feed simulator `inject`s frames at simulated times; the simulated wire applies
/// loss, duplication, reordering and delay (`SimImpairments`, seeded); `receive` hands out the
/// frames whose arrival the `SimClock` has reached, stamped as a NIC with `phc` and a kernel
/// with software timestamping would stamp them (see `SimWire` for the exact rules). `transmit`
/// records frames for the test to `readOutbound`, and queues TX timestamps for
/// `drainTxTimestamps`: software at `now + txSoftwareStampLatency`, hardware at the PHC's time
/// at `now + txWireLatency`.
///
/// Fixed capacity: RX slots, TX slots and TX stamps are allocated in `init`. `inject`, `receive`,
/// `transmit` and `drainTxTimestamps` allocate nothing and take no locks. Deterministic under
/// `seed`. Not `Sendable`: it belongs to the thread that drives its clock.
public struct SimFrameQueue: PacketQueue, ~Copyable {
    public struct Configuration: Sendable {
        /// Frames the wire can hold in flight (RX slots). Injecting beyond it overflows (counted).
        public var capacity: Int
        /// Bytes per frame slot; longer frames are truncated and flagged.
        public var slotSize: Int
        public var impairments: SimImpairments
        public var seed: UInt64
        /// Stamp received frames with the simulated CLOCK_REALTIME, as SO_TIMESTAMPING software would.
        public var softwareTimestamps: Bool
        /// NIC arrival → kernel software stamp, ns (the frame is receivable from then on).
        public var softwareStampLatencyNanoseconds: UInt64
        /// `vega_rx_meta.queue` of every frame (the A/B line, VI or QP this queue stands for).
        public var queueID: UInt16
        /// Transmitted frames kept for `readOutbound`; a full record makes `transmit` fail ENOBUFS.
        public var txCapacity: Int
        /// `transmit` → software TX stamp, ns.
        public var txSoftwareStampLatencyNanoseconds: UInt64
        /// `transmit` → the frame leaving the wire (hardware TX stamp), ns.
        public var txWireLatencyNanoseconds: UInt64
        /// For `info` and logs.
        public var endpoint: String

        public init(
            capacity: Int = 4096, slotSize: Int = 2048, impairments: SimImpairments = .none, seed: UInt64 = 0,
            softwareTimestamps: Bool = true, softwareStampLatencyNanoseconds: UInt64 = 0, queueID: UInt16 = 0,
            txCapacity: Int = 1024, txSoftwareStampLatencyNanoseconds: UInt64 = 0, txWireLatencyNanoseconds: UInt64 = 0,
            endpoint: String = "sim"
        ) {
            self.capacity = capacity
            self.slotSize = slotSize
            self.impairments = impairments
            self.seed = seed
            self.softwareTimestamps = softwareTimestamps
            self.softwareStampLatencyNanoseconds = softwareStampLatencyNanoseconds
            self.queueID = queueID
            self.txCapacity = txCapacity
            self.txSoftwareStampLatencyNanoseconds = txSoftwareStampLatencyNanoseconds
            self.txWireLatencyNanoseconds = txWireLatencyNanoseconds
            self.endpoint = endpoint
        }
    }

    public let configuration: Configuration
    public let info: PacketQueueInfo
    public let clock: SimClock
    public let phc: SimPHC?
    var wire: SimWire
    var tx: SimTxRecord

    /// Allocates all storage. `phc` nil models a NIC without a hardware clock: no hardware stamps.
    /// Traps on an impossible configuration (`configuration.impairments.problem` says why).
    public init(clock: SimClock, phc: SimPHC? = nil, _ configuration: Configuration = .init()) {
        self.configuration = configuration
        self.clock = clock
        self.phc = phc
        wire = SimWire(
            capacity: configuration.capacity, slotSize: configuration.slotSize, impairments: configuration.impairments,
            seed: configuration.seed, clock: clock, phc: phc, softwareStamps: configuration.softwareTimestamps,
            softwareStampLatency: configuration.softwareStampLatencyNanoseconds, queueID: configuration.queueID)
        tx = SimTxRecord(
            capacity: configuration.txCapacity, slotSize: configuration.slotSize, clock: clock, phc: phc,
            softwareStamps: configuration.softwareTimestamps,
            softwareLatency: configuration.txSoftwareStampLatencyNanoseconds,
            wireLatency: configuration.txWireLatencyNanoseconds)
        info = PacketQueueInfo(
            backend: "sim", endpoint: configuration.endpoint,
            hardwareRxTimestamps: phc != nil, softwareRxTimestamps: configuration.softwareTimestamps,
            hardwareTxTimestamps: phc != nil, softwareTxTimestamps: configuration.softwareTimestamps)
    }

    // MARK: feeding (the test's side)

    /// Puts `frame` on the simulated wire at `at` (default: the clock's present). The bytes are
    /// copied; no allocation.
    @discardableResult
    public mutating func inject(_ frame: UnsafeRawBufferPointer, at: Timestamp<UTC>? = nil) -> SimInjectResult {
        wire.inject(frame, at: (at ?? clock.now).nanoseconds)
    }

    /// `inject` for byte arrays (tests, feed simulators building frames off the lane).
    @discardableResult
    public mutating func inject(_ frame: [UInt8], at: Timestamp<UTC>? = nil) -> SimInjectResult {
        frame.withUnsafeBytes { inject($0, at: at) }
    }

    /// What the wire did so far.
    public var counters: SimWireCounters { wire.counters }
    /// Copies on the wire, not yet received.
    public var inFlight: Int { wire.inFlight }
    /// When the next queued copy becomes receivable: advance the clock there to receive it.
    public var nextReceivableTime: Timestamp<UTC>? { wire.nextReceivableTime.map { Timestamp(nanoseconds: $0) } }

    // MARK: PacketQueue

    /// Copies every frame receivable at the clock's present, up to `batch.capacity`, into the batch
    /// with its stamps. Never throws (the simulated NIC has no failure modes of its own).
    public mutating func receive(into batch: inout RxBatch) throws(HardwareError) -> Int {
        var n = 0
        _ = wire.deliver(upTo: batch.capacity) { bytes, meta in
            batch.copyIn(n, bytes: bytes, meta: meta)
            n += 1
            return true
        }
        batch.setCount(n)
        return n
    }

    /// Records the frame and queues its TX stamps. Returns the send counter (from 0), as OPT_ID on
    /// a datagram socket does. ENOBUFS when the record is full: drain it with `readOutbound`.
    public mutating func transmit(_ frame: UnsafeRawBufferPointer) throws(HardwareError) -> UInt32 {
        try tx.record(frame)
    }

    public mutating func drainTxTimestamps(into stamps: UnsafeMutableBufferPointer<TxTimestamp>) throws(HardwareError) -> Int {
        tx.drainStamps(into: stamps)
    }

    // MARK: draining what was sent (the test's side)

    /// Copies the oldest transmitted frame not yet read into `buffer` (truncated to fit) and
    /// returns its full length, or nil when nothing is waiting. No allocation.
    public mutating func readOutbound(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        tx.readFrame(into: buffer)
    }

    /// The oldest transmitted frame not yet read, as an array (allocates: tests only).
    public mutating func readOutbound() -> [UInt8]? { tx.readFrame() }

    /// TX stamps discarded because nobody drained them in time (the error queue was full).
    public var txStampsDropped: UInt64 { tx.stampsDropped }
}
