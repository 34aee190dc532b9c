import CVegaNet
import CVegaPcap
import Glibc
import VegaCore
import VegaHardware

/// Writes what a feed handler received to a pcap file through libpcap, with nanosecond
/// timestamps, so Wireshark/tshark and `PcapReplayQueue` can read it.
///
/// **Headers.** Socket backends hand us UDP payloads only, so each record gets synthesised
/// Ethernet II (unless `linkType` is `.rawIPv4`) + IPv4 + UDP headers: source address and port
/// from the frame (`VEGA_FRAME_HAS_SOURCE`, else `defaultSource`), destination the configured
/// group/port, correct lengths, a correct IPv4 header checksum, DF set, and UDP checksum 0
/// ("not computed", allowed for IPv4; it would cost a pass over every payload and proves nothing
/// about bytes we copied ourselves). Frames from raw backends (ef_vi, verbs, ExaNIC) already
/// start with an Ethernet header: with `framesIncludeEthernet` they are written as they are.
///
/// **Timestamps.** One per record, the best the frame has: the NIC hardware stamp, else the
/// kernel software stamp, else the capture time the caller passes. Written in nanoseconds
/// (`PCAP_TSTAMP_PRECISION_NANO`, magic 0xa1b23c4d) and *unconverted*: a hardware stamp stays in
/// the PHC's timescale (TAI, 37 s ahead of UTC, when PTP-disciplined), so Wireshark shows such
/// captures 37 s "late", and a replay gets back exactly the nanoseconds the NIC reported. Which
/// stamp was used is recorded in the synthesised source MAC (`02:56:47:<source>:<queue>`; see
/// ``CaptureTimestampSource``) — the pcap format has no per-record field for it, and a pcapng
/// comment per packet is out of scope. DLT_RAW captures and raw Ethernet frames carry no marker.
///
/// **Cost.** Off the lane: each `write` copies the frame once into a preallocated scratch
/// record and hands it to libpcap's stdio buffer (`fwrite`), which flushes to the kernel when
/// full. No allocation per frame; I/O errors show up at `flush()`/`close()`. On the lane, feed
/// it through a ring to a writer thread instead (see ``CaptureTap``).
public struct PcapWriter: ~Copyable {
    public struct Configuration: Sendable {
        public var linkType: CaptureLinkType
        /// Bytes kept per record (pcap snaplen). Longer records are cut and say so (caplen < len).
        public var snapshotLength: Int
        /// The group (or unicast address) and port the feed was received on: the synthesised
        /// destination. Ignored for raw Ethernet frames.
        public var destination: IPv4Endpoint
        /// Source used when a frame carries no source address (`VEGA_FRAME_HAS_SOURCE` clear).
        public var defaultSource: IPv4Endpoint
        /// Frames already start with an Ethernet header (ef_vi / verbs / ExaNIC backends): write
        /// them as they are. Requires `linkType == .ethernet`.
        public var framesIncludeEthernet: Bool

        public init(
            destination: IPv4Endpoint, linkType: CaptureLinkType = .ethernet, snapshotLength: Int = 65_535,
            defaultSource: IPv4Endpoint = .any, framesIncludeEthernet: Bool = false
        ) {
            self.destination = destination
            self.linkType = linkType
            self.snapshotLength = snapshotLength
            self.defaultSource = defaultSource
            self.framesIncludeEthernet = framesIncludeEthernet
        }
    }

    /// What has been written, by timestamp source.
    public struct Counters: Sendable, Equatable {
        public var records: UInt64 = 0
        public var bytes: UInt64 = 0
        public var hardwareStamped: UInt64 = 0
        public var softwareStamped: UInt64 = 0
        public var captureTimeStamped: UInt64 = 0
        /// Frames the receiving queue had already truncated (`VEGA_FRAME_TRUNCATED`): written with
        /// what was kept, so their UDP length is the kept length, not the original.
        public var truncatedOnReceive: UInt64 = 0
        /// Records cut to `snapshotLength`.
        public var cutToSnapshotLength: UInt64 = 0
        public init() {}
    }

    public let path: String
    public let configuration: Configuration
    public private(set) var counters = Counters()

    @usableFromInline var pcap: OpaquePointer?
    @usableFromInline var dumper: OpaquePointer?
    /// One record's worth of bytes, allocated once: headers are built in front of the payload.
    @usableFromInline let scratch: UnsafeMutableRawPointer
    @usableFromInline let scratchSize: Int
    @usableFromInline var ipIdentification: UInt16 = 0

    /// Creates (truncates) `path` and writes the pcap file header.
    public init(path: String, _ configuration: Configuration) throws(CaptureError) {
        guard configuration.snapshotLength >= 64, configuration.snapshotLength <= 262_144 else {
            throw CaptureError(.invalidConfiguration, path: path,
                               "snapshot length \(configuration.snapshotLength) is outside 64…262144 bytes")
        }
        guard !configuration.framesIncludeEthernet || configuration.linkType == .ethernet else {
            throw CaptureError(.invalidConfiguration, path: path,
                               "frames that include Ethernet headers need linkType .ethernet, not \(configuration.linkType)")
        }
        guard let p = pcap_open_dead_with_tstamp_precision(
            configuration.linkType.dlt, Int32(configuration.snapshotLength), UInt32(PCAP_TSTAMP_PRECISION_NANO))
        else {
            throw CaptureError(.invalidConfiguration, path: path, "libpcap refused link type \(configuration.linkType.dlt)")
        }
        guard let d = pcap_dump_open(p, path) else {
            let why = String(cString: pcap_geterr(p))
            pcap_close(p)
            throw CaptureError(.open, path: path, "cannot create the capture: \(why)")
        }
        self.path = path
        self.configuration = configuration
        pcap = p
        dumper = d
        // Headers (at most 14 + 20 + 8) in front of the largest payload a record can keep.
        scratchSize = configuration.snapshotLength + 64
        scratch = .allocate(byteCount: scratchSize, alignment: 16)
    }

    deinit {
        // Best effort: an explicit close() is where flush errors are reported.
        if let d = dumper { pcap_dump_close(d) }
        if let p = pcap { pcap_close(p) }
        scratch.deallocate()
    }

    /// Writes one received frame, stamped with its NIC hardware stamp, else its kernel software
    /// stamp, else `captureTime` (read only in that case: pass `Timestamp<UTC>.now()`). Returns
    /// which was used. No allocation; a closed writer ignores the call and returns `.unknown`.
    @discardableResult
    public mutating func write(_ frame: RxFrame, captureTime: @autoclosure () -> Timestamp<UTC>) -> CaptureTimestampSource {
        let source: CaptureTimestampSource
        let ns: UInt64
        if let hw = frame.hardwareTimestamp {
            source = .hardware
            ns = hw.nanoseconds
        } else if let sw = frame.softwareTimestamp {
            source = .software
            ns = sw.nanoseconds
        } else {
            source = .captureTime
            ns = captureTime().nanoseconds
        }
        guard dumper != nil else { return .unknown }
        if frame.isTruncated { counters.truncatedOnReceive += 1 }
        if configuration.framesIncludeEthernet {
            writeLinkFrame(frame.bytes, timestampNanoseconds: ns)
        } else {
            let m = frame.meta
            let hasSource = m.flags & UInt32(VEGA_FRAME_HAS_SOURCE) != 0
            let src = hasSource ? IPv4Endpoint(addressBE: m.src_addr, port: m.src_port) : configuration.defaultSource
            writeUDP(payload: frame.bytes, timestampNanoseconds: ns, source: src, timestampSource: source, queue: m.queue)
        }
        switch source {
        case .hardware: counters.hardwareStamped += 1
        case .software: counters.softwareStamped += 1
        case .captureTime: counters.captureTimeStamped += 1
        case .unknown: break
        }
        return source
    }

    /// Writes one UDP payload as a synthesised datagram from `source` to the configured
    /// destination, stamped `timestampNanoseconds` (recorded as `timestampSource`, from `queue`).
    /// Payloads over 65 507 bytes cannot be one IPv4 datagram: they are cut to that (and the record
    /// says so). No allocation.
    public mutating func writeUDP(
        payload: UnsafeRawBufferPointer, timestampNanoseconds: UInt64, source: IPv4Endpoint,
        timestampSource: CaptureTimestampSource = .unknown, queue: UInt16 = 0
    ) {
        guard dumper != nil else { return }
        let payloadLength = min(payload.count, CaptureFraming.maxUDPPayload)
        let eth = configuration.linkType == .ethernet ? CaptureFraming.ethernetHeader : 0
        let headers = eth + CaptureFraming.ipv4Header + CaptureFraming.udpHeader
        let wireLength = headers + payloadLength
        let b = scratch
        if eth > 0 {
            let dst = CaptureFraming.destinationMAC(forIPv4BE: configuration.destination.address)
            let p = CaptureFraming.markerPrefix
            let mac: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (
                dst.0, dst.1, dst.2, dst.3, dst.4, dst.5,
                p.0, p.1, p.2, timestampSource.rawValue, UInt8(truncatingIfNeeded: queue >> 8), UInt8(truncatingIfNeeded: queue)
            )
            b.storeBytes(of: mac, as: type(of: mac))
            b.storeBE(CaptureFraming.etherTypeIPv4, at: 12)
        }
        let ip = b + eth
        ip.storeBytes(of: 0x45, as: UInt8.self)                  // IPv4, 20-byte header
        ip.storeBytes(of: 0, toByteOffset: 1, as: UInt8.self)   // DSCP/ECN
        ip.storeBE(UInt16(wireLength - eth), at: 2)
        // The ID only matters for reassembly; DF is set and the datagram is atomic (RFC 6864),
        // so a counter is enough and keeps Wireshark from flagging duplicates.
        ip.storeBE(ipIdentification, at: 4)
        ipIdentification &+= 1
        ip.storeBE(UInt16(0x4000), at: 6)                       // DF, offset 0
        ip.storeBytes(of: 64, toByteOffset: 8, as: UInt8.self)  // TTL
        ip.storeBytes(of: 17, toByteOffset: 9, as: UInt8.self)  // UDP
        ip.storeBE(UInt16(0), at: 10)
        ip.storeBytes(of: source.address, toByteOffset: 12, as: UInt32.self)  // already network order
        ip.storeBytes(of: configuration.destination.address, toByteOffset: 16, as: UInt32.self)
        ip.storeBE(CaptureFraming.ipv4HeaderChecksum(UnsafeRawPointer(ip), length: CaptureFraming.ipv4Header), at: 10)
        let udp = ip + CaptureFraming.ipv4Header
        udp.storeBE(source.port, at: 0)
        udp.storeBE(configuration.destination.port, at: 2)
        udp.storeBE(UInt16(CaptureFraming.udpHeader + payloadLength), at: 4)
        udp.storeBE(UInt16(0), at: 6)                           // checksum not computed (IPv4)
        let kept = min(payloadLength, configuration.snapshotLength - headers)
        if kept > 0, let src = payload.baseAddress {
            (udp + CaptureFraming.udpHeader).copyMemory(from: src, byteCount: kept)
        }
        dump(length: wireLength, captured: headers + kept, timestampNanoseconds: timestampNanoseconds)
    }

    /// Writes a frame that already starts at the link layer (an Ethernet frame from a raw
    /// backend, or any bytes in the capture's link type — tests use it to write damaged records).
    public mutating func writeLinkFrame(_ bytes: UnsafeRawBufferPointer, timestampNanoseconds: UInt64) {
        guard dumper != nil else { return }
        let kept = min(bytes.count, configuration.snapshotLength)
        if kept > 0, let src = bytes.baseAddress { scratch.copyMemory(from: src, byteCount: kept) }
        dump(length: bytes.count, captured: kept, timestampNanoseconds: timestampNanoseconds)
    }

    /// Hands the buffered records to the kernel. Throws on an I/O error (disk full).
    public mutating func flush() throws(CaptureError) {
        guard let d = dumper else { return }
        if pcap_dump_flush(d) != 0 {
            throw CaptureError(.write, path: path, "flushing the capture failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Flushes and closes the file. Later writes are ignored. Throws if the final flush failed,
    /// in which case the file may be short.
    public mutating func close() throws(CaptureError) {
        guard let d = dumper else { return }
        let flushed = pcap_dump_flush(d)
        let code = errno
        pcap_dump_close(d)
        dumper = nil
        if let p = pcap { pcap_close(p) }
        pcap = nil
        if flushed != 0 {
            throw CaptureError(.write, path: path, "flushing the capture failed: \(String(cString: strerror(code)))")
        }
    }

    public var isClosed: Bool { dumper == nil }

    private mutating func dump(length: Int, captured: Int, timestampNanoseconds ns: UInt64) {
        var h = pcap_pkthdr()
        // With PCAP_TSTAMP_PRECISION_NANO the tv_usec field carries nanoseconds.
        h.ts.tv_sec = Int(ns / 1_000_000_000)
        h.ts.tv_usec = Int(ns % 1_000_000_000)
        h.caplen = UInt32(captured)
        h.len = UInt32(length)
        if captured < length { counters.cutToSnapshotLength += 1 }
        let d = dumper.unsafelyUnwrapped
        let data = UnsafeRawPointer(scratch).assumingMemoryBound(to: UInt8.self)
        withUnsafePointer(to: &h) { pcap_dump(UnsafeMutableRawPointer(d).assumingMemoryBound(to: UInt8.self), $0, data) }
        counters.records += 1
        counters.bytes += UInt64(captured)
    }
}
