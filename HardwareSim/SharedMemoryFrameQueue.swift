import CVegaNet
import Glibc
import Synchronization
import VegaCore
import VegaHardware

/// The consuming side of a shared-memory frame queue: a `PacketQueue` over the ring file a
/// `SharedMemoryFrameWriter` in another process (or thread) fills. The lane uses it exactly as
/// it would a NIC queue.
///
/// `receive` copies up to a batch of frames out of the ring — with the stamps the writer's
/// simulated NIC gave them — and frees their slots. `transmit` publishes the frame into the
/// ring's TX direction for the writer to `readOutbound`, and queues TX stamps taken from the
/// simulated time the writer last published (software: its system time; hardware: its PHC's,
/// when it has one). A full TX ring fails with ENOBUFS, like a full socket buffer.
///
/// Allocation: the mapping and a fixed TX-stamp ring are set up in `init`; `receive`,
/// `transmit` and `drainTxTimestamps` allocate nothing and take no locks.
public struct SharedMemoryFrameQueue: PacketQueue, ~Copyable {
    public let path: String
    public let info: PacketQueueInfo
    /// The writer's process id, from the header.
    public let writerPID: UInt64
    let mapping: SharedMemoryFrameMappingBox
    var rx: SharedMemoryFrameRingSide
    var tx: SharedMemoryFrameRingSide
    let hardwareStamps: Bool
    let softwareStamps: Bool
    var stamps: SimTxStampQueue
    var sendCounter: UInt32 = 0
    /// TX stamps discarded because they were not drained in time.
    public var txStampsDropped: UInt64 { stamps.dropped }

    /// Maps the ring at `path` and checks its header. Throws `.invalid` with the reason when the
    /// file is not (yet) a formatted ring: a caller racing the writer's start-up retries on it.
    public init(path: String) throws(HardwareSetupError) {
        let m = try SharedMemoryMapping(existing: path)
        if let problem = SharedMemoryFrameRingLayout.problem(m.base, length: m.length) {
            throw HardwareSetupError(.invalid, "open frame ring \(path)", problem)
        }
        typealias O = SharedMemoryFrameRingLayout.Offset
        let base = m.base
        let count = Int(base.load(fromByteOffset: O.slotCount, as: UInt64.self))
        let size = Int(base.load(fromByteOffset: O.slotSize, as: UInt32.self))
        let flags = base.load(fromByteOffset: O.flags, as: UInt64.self)
        rx = SharedMemoryFrameRingSide(
            base: base, headOffset: O.rxHead, tailOffset: O.rxTail,
            slotsOffset: Int(base.load(fromByteOffset: O.rxOffset, as: UInt64.self)), count: count, slotSize: size)
        tx = SharedMemoryFrameRingSide(
            base: base, headOffset: O.txHead, tailOffset: O.txTail,
            slotsOffset: Int(base.load(fromByteOffset: O.txOffset, as: UInt64.self)), count: count, slotSize: size)
        writerPID = base.load(fromByteOffset: O.writerPID, as: UInt64.self)
        hardwareStamps = flags & SharedMemoryFrameRingLayout.flagHardwareStamps != 0
        softwareStamps = flags & SharedMemoryFrameRingLayout.flagSoftwareStamps != 0
        mapping = SharedMemoryFrameMappingBox(m)
        stamps = SimTxStampQueue(capacity: count * 2)
        self.path = path
        info = PacketQueueInfo(
            backend: "sim-shm", endpoint: "\(path) (writer pid \(writerPID))",
            hardwareRxTimestamps: hardwareStamps, softwareRxTimestamps: softwareStamps,
            hardwareTxTimestamps: hardwareStamps, softwareTxTimestamps: softwareStamps)
    }

    public mutating func receive(into batch: inout RxBatch) throws(HardwareError) -> Int {
        var n = 0
        while n < batch.capacity {
            let got = rx.pop { bytes, meta in batch.copyIn(n, bytes: bytes, meta: meta) }
            if !got { break }
            n += 1
        }
        batch.setCount(n)
        return n
    }

    public mutating func transmit(_ frame: UnsafeRawBufferPointer) throws(HardwareError) -> UInt32 {
        guard tx.push(frame, meta: vega_rx_meta()) else { throw HardwareError("sendto", code: ENOBUFS) }
        let id = sendCounter
        sendCounter &+= 1
        typealias O = SharedMemoryFrameRingLayout.Offset
        if softwareStamps {
            let sys = SharedMemoryFrameRingLayout.atomic(mapping.base, O.simSystem).pointee.load(ordering: .acquiring)
            stamps.push(TxTimestamp(id: id, kind: .sent, isHardware: false, nanoseconds: sys))
        }
        if hardwareStamps {
            let phc = SharedMemoryFrameRingLayout.atomic(mapping.base, O.simPHC).pointee.load(ordering: .acquiring)
            stamps.push(TxTimestamp(id: id, kind: .sent, isHardware: true, nanoseconds: phc))
        }
        return id
    }

    public mutating func drainTxTimestamps(into out: UnsafeMutableBufferPointer<TxTimestamp>) throws(HardwareError) -> Int {
        stamps.drain(into: out)
    }

    /// The writer's simulated system time, as last published.
    public var writerTime: Timestamp<UTC> {
        Timestamp(nanoseconds: SharedMemoryFrameRingLayout.atomic(mapping.base, SharedMemoryFrameRingLayout.Offset.simSystem)
            .pointee.load(ordering: .acquiring))
    }
}
