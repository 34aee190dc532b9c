import CVegaExaNIC
import CVegaNet
import Glibc

/// An ExaNIC port through libexanic as a `PacketQueue`: raw Ethernet frames with the ExaNIC's
/// hardware RX timestamps and the port's last-TX time.
///
/// Single-chunk frames (≤ 116 bytes plus FCS: most market-data packets) point straight into the
/// NIC's RX ring; longer ones are gathered into the shim's slots. The NIC never waits for us: a
/// lane that falls 2 MiB behind loses frames (`statistics.rx_sw_overflow`), and one that holds a
/// zero-copy frame while the NIC laps the ring is counted in `statistics.held_overwritten`.
/// See `CVegaExaNIC.h` for the exact semantics, TX stamps in particular.
public struct ExaNICQueue: PacketQueue, ~Copyable {
    public struct Configuration: Sendable {
        /// "exanic0" with a port number, or an interface name ("exanic0:0" style names or the
        /// netdev, e.g. "enp1s0") with `port` nil.
        public var device: String
        public var port: Int?
        public var receive: Bool
        public var transmit: Bool
        /// UDP destinations steered into a dedicated filter buffer (empty: buffer 0, everything
        /// the port receives).
        public var udpFilters: [IPv4Endpoint]

        public init(device: String, port: Int? = 0, receive: Bool = true, transmit: Bool = true, udpFilters: [IPv4Endpoint] = []) {
            self.device = device
            self.port = port
            self.receive = receive
            self.transmit = transmit
            self.udpFilters = udpFilters
        }
    }

    public static var availability: (available: Bool, reason: String) {
        var buf = [CChar](repeating: 0, count: 256)
        let ok = vega_exanic_available(&buf, buf.count) == 1
        return (ok, decodeCString(buf))
    }

    @usableFromInline let handle: OpaquePointer
    @usableFromInline let metas: UnsafeMutablePointer<vega_rx_meta>
    @usableFromInline let frames: UnsafeMutablePointer<UnsafePointer<UInt8>?>
    @usableFromInline let stamps: UnsafeMutablePointer<vega_tx_stamp>
    @usableFromInline static var maxBatch: Int { Int(VEGA_EXANIC_MAX_BATCH) }
    public let info: PacketQueueInfo

    public init(_ c: Configuration) throws(HardwareSetupError) {
        var flags: UInt32 = 0
        if c.receive { flags |= UInt32(VEGA_EXANIC_RX) }
        if c.transmit { flags |= UInt32(VEGA_EXANIC_TX) }
        if !c.udpFilters.isEmpty { flags |= UInt32(VEGA_EXANIC_FILTER_BUFFER) }
        var err = [CChar](repeating: 0, count: 512)
        var h: OpaquePointer?
        let rc = vega_exanic_open(&h, c.device, Int32(c.port ?? -1), flags, &err, err.count)
        let message = decodeCString(err)
        if rc == -ENOSYS { throw .unavailable("ExaNIC", message.replacingPrefix("unavailable: ", with: "")) }
        guard rc == 0, let h else {
            throw .init(.system(errno: -rc), "ExaNIC open \(c.device)", message.isEmpty ? String(cString: strerror(-rc)) : message)
        }
        for f in c.udpFilters {
            let frc = vega_exanic_add_udp_filter(h, f.address, f.port.bigEndian, &err, err.count)
            if frc != 0 {
                vega_exanic_close(h)
                throw .init(.system(errno: -frc), "ExaNIC filter \(f) on \(c.device)", decodeCString(err))
            }
        }
        var d = vega_exanic_desc()
        _ = vega_exanic_describe(h, &d)
        let device = withUnsafeBytes(of: d.device) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        handle = h
        metas = .allocate(capacity: Self.maxBatch)
        frames = .allocate(capacity: Self.maxBatch)
        stamps = .allocate(capacity: 4)
        info = PacketQueueInfo(
            backend: "exanic",
            endpoint: "\(device) port \(d.port) buffer \(d.rx_buffer) clock \(d.tick_hz) Hz",
            hardwareRxTimestamps: c.receive, softwareRxTimestamps: false,
            hardwareTxTimestamps: c.transmit, softwareTxTimestamps: false)
    }

    deinit {
        vega_exanic_close(handle)
        metas.deallocate()
        frames.deallocate()
        stamps.deallocate()
    }

    @inlinable
    public mutating func receive(into batch: inout RxBatch) throws(HardwareError) -> Int {
        let want = Swift.min(batch.capacity, Self.maxBatch)
        let n = Int(vega_exanic_poll(handle, metas, frames, Int32(want)))
        guard n >= 0 else { throw HardwareError("exanic_receive_chunk", negativeErrno: n) }
        batch.publish(n, frames: frames, metas: metas)
        return n
    }

    @inlinable
    public mutating func transmit(_ frame: UnsafeRawBufferPointer) throws(HardwareError) -> UInt32 {
        var id: UInt32 = 0
        let rc = vega_exanic_transmit(handle, frame.baseAddress, frame.count, &id)
        guard rc == 0 else { throw HardwareError("exanic_transmit_frame", negativeErrno: rc) }
        return id
    }

    @inlinable
    public mutating func drainTxTimestamps(into out: UnsafeMutableBufferPointer<TxTimestamp>) throws(HardwareError) -> Int {
        let n = Int(vega_exanic_tx_stamps(handle, stamps, Int32(Swift.min(out.count, 4))))
        guard n >= 0 else { throw HardwareError("exanic_get_tx_timestamp", negativeErrno: n) }
        for i in 0..<n { out[i] = TxTimestamp(stamps[i]) }
        return n
    }

    public var statistics: vega_exanic_stats {
        var s = vega_exanic_stats()
        _ = vega_exanic_get_stats(handle, &s)
        return s
    }
}
