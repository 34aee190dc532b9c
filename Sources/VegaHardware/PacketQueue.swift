import CVegaNet
import VegaCore

/// A transmit timestamp learned after a send.
@frozen
public struct TxTimestamp: Equatable, Sendable {
    public enum Kind: UInt16, Sendable {
        /// The packet entered the queueing discipline.
        case scheduled = 1
        /// Software: handed to the driver. Hardware: left the wire.
        case sent = 2
        /// TCP: acknowledged by the peer.
        case acknowledged = 3
    }

    /// The send it belongs to: the value `transmit` returned (a send counter for datagram queues,
    /// the byte offset of the send's last byte for streams).
    public let id: UInt32
    public let kind: Kind
    /// Whether the NIC (PHC timescale) or the kernel (CLOCK_REALTIME) stamped it.
    public let isHardware: Bool
    public let nanoseconds: UInt64

    @inlinable
    public init(id: UInt32, kind: Kind, isHardware: Bool, nanoseconds: UInt64) {
        self.id = id
        self.kind = kind
        self.isHardware = isHardware
        self.nanoseconds = nanoseconds
    }

    @inlinable
    init(_ s: vega_tx_stamp) {
        self.init(
            id: s.id, kind: Kind(rawValue: s.kind) ?? .sent,
            isHardware: s.flags & UInt16(VEGA_FRAME_HAS_HW) != 0, nanoseconds: s.ns)
    }
}

/// A queue of frames to and from a NIC: a kernel socket, an ef_vi VI, an ibverbs raw-packet QP,
/// an ExaNIC port, or HardwareSim's frame queue.
///
/// Lanes use it generically (`some PacketQueue`), so each backend's calls are specialised and
/// inlined: no existentials, no allocation, no locks in `receive` / `transmit` /
/// `drainTxTimestamps`. Implementations are `~Copyable` owners of their descriptors.
public protocol PacketQueue: ~Copyable {
    /// Polls for frames without blocking and fills `batch` with up to `batch.capacity` of them,
    /// each with its NIC hardware and kernel software timestamps where the backend has them.
    /// Returns the number received (0 when nothing was waiting). Previous frames in `batch`
    /// become invalid.
    mutating func receive(into batch: inout RxBatch) throws(HardwareError) -> Int

    /// Sends one frame (a datagram, a TCP segment's payload, or a raw Ethernet frame, as the
    /// backend carries). Returns the id its TX timestamps will carry.
    mutating func transmit(_ frame: UnsafeRawBufferPointer) throws(HardwareError) -> UInt32

    /// Collects TX timestamps that have become available, without blocking. Returns how many were
    /// written to `stamps`.
    mutating func drainTxTimestamps(into stamps: UnsafeMutableBufferPointer<TxTimestamp>) throws(HardwareError) -> Int

    /// What the queue is and what it can stamp, for logs and `vega diag`.
    var info: PacketQueueInfo { get }
}

/// A description of an open queue.
public struct PacketQueueInfo: Sendable, CustomStringConvertible {
    public var backend: String
    public var endpoint: String
    public var hardwareRxTimestamps: Bool
    public var softwareRxTimestamps: Bool
    public var hardwareTxTimestamps: Bool
    public var softwareTxTimestamps: Bool

    public init(
        backend: String, endpoint: String, hardwareRxTimestamps: Bool, softwareRxTimestamps: Bool,
        hardwareTxTimestamps: Bool, softwareTxTimestamps: Bool
    ) {
        self.backend = backend
        self.endpoint = endpoint
        self.hardwareRxTimestamps = hardwareRxTimestamps
        self.softwareRxTimestamps = softwareRxTimestamps
        self.hardwareTxTimestamps = hardwareTxTimestamps
        self.softwareTxTimestamps = softwareTxTimestamps
    }

    public var description: String {
        func f(_ hw: Bool, _ sw: Bool) -> String { [hw ? "hw" : nil, sw ? "sw" : nil].compactMap { $0 }.joined(separator: "+").ifEmpty("none") }
        return "\(backend) \(endpoint) rx=\(f(hardwareRxTimestamps, softwareRxTimestamps)) tx=\(f(hardwareTxTimestamps, softwareTxTimestamps))"
    }
}

extension String {
    func ifEmpty(_ other: String) -> String { isEmpty ? other : self }
}
