import CVegaEFVI
import CVegaNet
import Glibc

/// A Solarflare / AMD ef_vi virtual interface as a `PacketQueue`: raw Ethernet frames, kernel
/// bypass, NIC hardware RX and TX timestamps.
///
/// Frames are delivered zero copy: `batch[i].bytes` points into the VI's registered DMA buffers,
/// which go back to the NIC at the next `receive`. `transmit` takes a complete Ethernet frame and
/// returns its send counter, which the TX hardware stamp carries. All three lane calls are the
/// `static inline` C wrappers of `CVegaEFVI.h` around ef_vi's function-pointer macros.
///
/// Only built for real with the `EfVi` trait and the Onload SDK on the build host; otherwise
/// `init` throws `.unavailable` with the shim's reason.
public struct EfViQueue: PacketQueue, ~Copyable {
    public struct Configuration: Sendable {
        /// The Solarflare interface ("ens1f0").
        public var interface: String
        /// RX / TX descriptor ring sizes (0: ef_vi's defaults, 512).
        public var rxRing: Int
        public var txRing: Int
        public var rxTimestamps: Bool
        public var txTimestamps: Bool
        /// Cut-through PIO sends (X2 and later); silently off when the adapter refuses.
        public var ctpio: Bool
        /// UDP destinations (unicast or multicast group + port) steered to this VI. For multicast
        /// keep a kernel socket joined to the group: ef_vi filters send no IGMP.
        public var udpFilters: [IPv4Endpoint]

        public init(
            interface: String, rxRing: Int = 0, txRing: Int = 0, rxTimestamps: Bool = true,
            txTimestamps: Bool = true, ctpio: Bool = false, udpFilters: [IPv4Endpoint] = []
        ) {
            self.interface = interface
            self.rxRing = rxRing
            self.txRing = txRing
            self.rxTimestamps = rxTimestamps
            self.txTimestamps = txTimestamps
            self.ctpio = ctpio
            self.udpFilters = udpFilters
        }
    }

    /// Whether this build has the real ef_vi backend, and if not, why.
    public static var availability: (available: Bool, reason: String) {
        var buf = [CChar](repeating: 0, count: 256)
        let ok = vega_efvi_available(&buf, buf.count) == 1
        return (ok, decodeCString(buf))
    }

    @usableFromInline let handle: OpaquePointer
    @usableFromInline let metas: UnsafeMutablePointer<vega_rx_meta>
    @usableFromInline let frames: UnsafeMutablePointer<UnsafePointer<UInt8>?>
    @usableFromInline let stamps: UnsafeMutablePointer<vega_tx_stamp>
    @usableFromInline static var maxBatch: Int { Int(VEGA_EFVI_MAX_BATCH) }
    public let info: PacketQueueInfo

    public init(_ c: Configuration) throws(HardwareSetupError) {
        var flags: UInt32 = 0
        if c.rxTimestamps { flags |= UInt32(VEGA_EFVI_RX_TIMESTAMPS) }
        if c.txTimestamps { flags |= UInt32(VEGA_EFVI_TX_TIMESTAMPS) }
        if c.ctpio { flags |= UInt32(VEGA_EFVI_TX_CTPIO) }
        var err = [CChar](repeating: 0, count: 512)
        var h: OpaquePointer?
        let rc = vega_efvi_open(&h, c.interface, UInt32(clamping: c.rxRing), UInt32(clamping: c.txRing), flags, &err, err.count)
        let message = decodeCString(err)
        if rc == -ENOSYS { throw .unavailable("ef_vi", message.replacingPrefix("unavailable: ", with: "")) }
        guard rc == 0, let h else {
            throw .init(.system(errno: -rc), "ef_vi open \(c.interface)", message.isEmpty ? String(cString: strerror(-rc)) : message)
        }
        for f in c.udpFilters {
            let frc = vega_efvi_add_udp_filter(h, f.address, f.port.bigEndian, &err, err.count)
            if frc != 0 {
                vega_efvi_close(h)
                throw .init(.system(errno: -frc), "ef_vi filter \(f) on \(c.interface)", decodeCString(err))
            }
        }
        var d = vega_efvi_desc()
        _ = vega_efvi_describe(h, &d)
        handle = h
        metas = .allocate(capacity: Self.maxBatch)
        frames = .allocate(capacity: Self.maxBatch)
        stamps = .allocate(capacity: 64)
        let rxts = d.flags & UInt32(VEGA_EFVI_RX_TIMESTAMPS) != 0
        let txts = d.flags & UInt32(VEGA_EFVI_TX_TIMESTAMPS) != 0
        info = PacketQueueInfo(
            backend: "ef_vi",
            endpoint: "\(c.interface) rxq \(d.rx_capacity) txq \(d.tx_capacity)\(d.rx_ref != 0 ? " efct" : "")"
                + (d.flags & UInt32(VEGA_EFVI_TX_CTPIO) != 0 ? " ctpio" : "")
                + (c.udpFilters.isEmpty ? "" : " filters \(c.udpFilters.map(\.description).joined(separator: ","))"),
            hardwareRxTimestamps: rxts, softwareRxTimestamps: false,
            hardwareTxTimestamps: txts, softwareTxTimestamps: false)
    }

    deinit {
        vega_efvi_close(handle)
        metas.deallocate()
        frames.deallocate()
        stamps.deallocate()
    }

    @inlinable
    public mutating func receive(into batch: inout RxBatch) throws(HardwareError) -> Int {
        let want = Swift.min(batch.capacity, Self.maxBatch)
        let n = Int(vega_efvi_poll(handle, metas, frames, Int32(want)))
        guard n >= 0 else { throw HardwareError("ef_eventq_poll", negativeErrno: n) }
        batch.publish(n, frames: frames, metas: metas)
        return n
    }

    @inlinable
    public mutating func transmit(_ frame: UnsafeRawBufferPointer) throws(HardwareError) -> UInt32 {
        var id: UInt32 = 0
        let rc = vega_efvi_transmit(handle, frame.baseAddress, frame.count, &id)
        guard rc == 0 else { throw HardwareError("ef_vi_transmit", negativeErrno: rc) }
        return id
    }

    @inlinable
    public mutating func drainTxTimestamps(into out: UnsafeMutableBufferPointer<TxTimestamp>) throws(HardwareError) -> Int {
        let n = Int(vega_efvi_tx_stamps(handle, stamps, Int32(Swift.min(out.count, 64))))
        guard n >= 0 else { throw HardwareError("ef_eventq_poll", negativeErrno: n) }
        for i in 0..<n { out[i] = TxTimestamp(stamps[i]) }
        return n
    }

    /// Counters kept by the shim (discards, overflows, missing stamps…). Off the lane.
    public var statistics: vega_efvi_stats {
        var s = vega_efvi_stats()
        _ = vega_efvi_get_stats(handle, &s)
        return s
    }
}

/// A NUL-terminated C message buffer as a String.
func decodeCString(_ buf: [CChar]) -> String {
    String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

extension String {
    func replacingPrefix(_ prefix: String, with other: String) -> String {
        hasPrefix(prefix) ? other + dropFirst(prefix.count) : self
    }
}
