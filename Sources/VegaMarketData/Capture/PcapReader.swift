import CVegaPcap
import Glibc
import VegaCore
import VegaHardware

/// Which UDP datagrams of a capture to replay: by destination address (a multicast group) and
/// port. `nil` matches anything.
public struct CaptureFilter: Sendable, Equatable {
    /// Destination IPv4 address, network byte order.
    public var destinationAddress: UInt32?
    public var destinationPort: UInt16?

    public init(destinationAddress: UInt32? = nil, destinationPort: UInt16? = nil) {
        self.destinationAddress = destinationAddress
        self.destinationPort = destinationPort
    }

    /// From an endpoint: address 0.0.0.0 and port 0 are wildcards.
    public init(destination: IPv4Endpoint) {
        self.init(destinationAddress: destination.address == 0 ? nil : destination.address,
                  destinationPort: destination.port == 0 ? nil : destination.port)
    }

    public static let all = CaptureFilter()
}

/// One UDP datagram read from a capture. A view: `payload` points into libpcap's buffer and is
/// valid only until the reader's next `next()`.
public struct PcapRecord {
    /// The UDP payload (what a socket would have delivered).
    public let payload: UnsafeRawBufferPointer
    /// The record's timestamp, nanoseconds, in whatever timescale the capture holds (see
    /// `timestampSource`; UTC for captures by other tools).
    public let timestampNanoseconds: UInt64
    /// Which clock the writer took the stamp from, when the capture is Vega's (Ethernet marker).
    public let timestampSource: CaptureTimestampSource
    /// The line/queue the writer recorded, when the capture is Vega's; nil otherwise.
    public let queue: UInt16?
    public let source: IPv4Endpoint
    public let destination: IPv4Endpoint
    /// The position of the record in the file, from 1 (as Wireshark numbers frames).
    public let recordNumber: UInt64
}

/// Reads a pcap or pcapng file through libpcap and yields its IPv4 UDP payloads, stripping
/// Ethernet (with any 802.1Q / 802.1ad tags), Linux cooked (SLL, SLL2) or raw-IP link headers.
///
/// Everything that is not a whole, unfragmented IPv4 UDP datagram for the filter is skipped and
/// counted by reason (``CaptureSkipReason``): bad bytes in a capture never trap. IPv4 and UDP
/// checksums are not verified: captures taken on the sending host routinely hold unfilled
/// checksums (offload), and a replay wants the bytes the feed handler saw.
///
/// Cost: `next()` is one `pcap_next_ex` (libpcap reads the file in large blocks into a buffer it
/// allocated at open) plus header arithmetic; it allocates nothing and copies nothing.
public struct PcapReader: ~Copyable {
    public let path: String
    public let filter: CaptureFilter
    /// libpcap's DLT of the capture (1 Ethernet, 12 raw IP, 113 SLL, 228 raw IPv4, 276 SLL2).
    public let linkType: Int32
    /// Records read from the file (datagrams delivered + skipped).
    public private(set) var recordsRead: UInt64 = 0
    /// Datagrams `next()` returned.
    public private(set) var datagrams: UInt64 = 0
    public private(set) var skipped = CaptureSkipCounters()
    /// libpcap's message when it could not read a record (the file ends inside one); reading
    /// stops there.
    public private(set) var readError: String?
    /// True once the end of the file (or an unreadable record) was reached.
    public private(set) var isAtEnd = false

    @usableFromInline let pcap: OpaquePointer

    /// DLTs this reader can strip to IPv4 (Linux values: libpcap maps LINKTYPE_RAW, 101 in the
    /// file, to DLT_RAW 12). SLL/SLL2 are what `tcpdump -i any` writes.
    static let supportedLinkTypes: [Int32: String] = [
        1: "Ethernet", 12: "raw IP", 113: "Linux cooked (SLL)", 228: "raw IPv4", 276: "Linux cooked v2 (SLL2)",
    ]

    /// Opens `path` (pcap with micro- or nanosecond stamps, or pcapng; libpcap scales every
    /// timestamp to nanoseconds). Throws `.open` when the file cannot be read, `.notACapture`
    /// when it is not a capture, `.unsupportedLinkType` for, say, 802.11 captures.
    public init(path: String, filter: CaptureFilter = .all) throws(CaptureError) {
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        // libpcap's error for a missing file is "No such file or directory"; tell it apart from
        // a file of the wrong format ourselves, so the error says which it is.
        if access(path, R_OK) != 0 {
            throw CaptureError(.open, path: path, "cannot read the capture: \(String(cString: strerror(errno)))")
        }
        guard let p = pcap_open_offline_with_tstamp_precision(path, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errbuf) else {
            let why = errbuf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw CaptureError(.notACapture, path: path, "not a pcap or pcapng capture (libpcap: \(why))")
        }
        let dlt = pcap_datalink(p)
        guard Self.supportedLinkTypes[dlt] != nil else {
            let name = pcap_datalink_val_to_name(dlt).map { String(cString: $0) } ?? "unknown"
            pcap_close(p)
            throw CaptureError(.unsupportedLinkType(dlt), path: path,
                               "link type \(dlt) (\(name)) is not supported; expected Ethernet, raw IP or Linux cooked")
        }
        self.path = path
        self.filter = filter
        self.linkType = dlt
        self.pcap = p
    }

    deinit { pcap_close(pcap) }

    /// The next UDP datagram that passes the filter, or nil at the end of the file. Skipped
    /// records are counted in `skipped`. The record is valid until the next call.
    public mutating func next() -> PcapRecord? {
        while !isAtEnd {
            var header: UnsafeMutablePointer<pcap_pkthdr>?
            var data: UnsafePointer<UInt8>?
            let rc = pcap_next_ex(pcap, &header, &data)
            if rc == 1, let h = header, let d = data {
                recordsRead += 1
                switch parse(UnsafeRawPointer(d), captured: Int(h.pointee.caplen), wire: Int(h.pointee.len),
                             tvSec: h.pointee.ts.tv_sec, tvFrac: h.pointee.ts.tv_usec) {
                case .datagram(let r):
                    datagrams += 1
                    return r
                case .skip(let reason):
                    skipped[reason] += 1
                }
            } else if rc == -2 {  // PCAP_ERROR_BREAK: end of file
                isAtEnd = true
            } else {
                // -1: the file ends inside a record header or body (or a pcapng block is bad).
                // There is no way to resynchronise a pcap stream: stop, and say why.
                skipped.unreadableRecord += 1
                readError = String(cString: pcap_geterr(pcap))
                isAtEnd = true
            }
        }
        return nil
    }

    private enum Parsed {
        case datagram(PcapRecord)
        case skip(CaptureSkipReason)
    }

    private func parse(_ b: UnsafeRawPointer, captured: Int, wire: Int, tvSec: Int, tvFrac: Int) -> Parsed {
        var source = CaptureTimestampSource.unknown
        var queue: UInt16?
        let l3: Int
        switch linkType {
        case 1:
            guard captured >= CaptureFraming.ethernetHeader else { return .skip(.truncated) }
            if b.load(fromByteOffset: 6, as: UInt8.self) == CaptureFraming.markerPrefix.0,
               b.load(fromByteOffset: 7, as: UInt8.self) == CaptureFraming.markerPrefix.1,
               b.load(fromByteOffset: 8, as: UInt8.self) == CaptureFraming.markerPrefix.2
            {
                source = CaptureTimestampSource(rawValue: b.load(fromByteOffset: 9, as: UInt8.self)) ?? .unknown
                queue = UInt16(b.load(fromByteOffset: 10, as: UInt8.self)) << 8 | UInt16(b.load(fromByteOffset: 11, as: UInt8.self))
            }
            var off = 12
            var type = b.loadBE16(at: off)
            // Stacked VLAN tags (802.1Q, 802.1ad, the pre-standard 0x9100): 4 bytes each.
            while type == CaptureFraming.etherTypeVLAN || type == CaptureFraming.etherTypeQinQ
                || type == CaptureFraming.etherTypeQinQLegacy
            {
                off += 4
                guard captured >= off + 2 else { return .skip(.truncated) }
                type = b.loadBE16(at: off)
            }
            guard type == CaptureFraming.etherTypeIPv4 else { return .skip(.notIPv4) }
            l3 = off + 2
        case 113:
            guard captured >= 16 else { return .skip(.truncated) }
            guard b.loadBE16(at: 14) == CaptureFraming.etherTypeIPv4 else { return .skip(.notIPv4) }
            l3 = 16
        case 276:
            guard captured >= 20 else { return .skip(.truncated) }
            guard b.loadBE16(at: 0) == CaptureFraming.etherTypeIPv4 else { return .skip(.notIPv4) }
            l3 = 20
        default:  // raw IP: the version nibble says what it is
            l3 = 0
        }
        guard captured >= l3 + 1 else { return .skip(.truncated) }
        let ip = b + l3
        let versionIHL = ip.load(as: UInt8.self)
        guard versionIHL >> 4 == 4 else { return .skip(versionIHL >> 4 == 6 ? .notIPv4 : (l3 == 0 ? .notIPv4 : .malformedIPv4)) }
        let ihl = Int(versionIHL & 0x0F) * 4
        guard ihl >= CaptureFraming.ipv4Header else { return .skip(.malformedIPv4) }
        guard captured >= l3 + ihl else { return .skip(.truncated) }
        let totalLength = Int(ip.loadBE16(at: 2))
        // The frame on the wire must hold what the IPv4 header claims (Ethernet may pad beyond it).
        guard totalLength >= ihl, l3 + totalLength <= wire else { return .skip(.malformedIPv4) }
        let fragment = ip.loadBE16(at: 6)
        guard fragment & 0x3FFF == 0 else { return .skip(.fragment) }  // MF or a non-zero offset
        guard ip.load(fromByteOffset: 9, as: UInt8.self) == 17 else { return .skip(.notUDP) }
        guard totalLength >= ihl + CaptureFraming.udpHeader else { return .skip(.malformedUDP) }
        guard captured >= l3 + ihl + CaptureFraming.udpHeader else { return .skip(.truncated) }
        let udp = ip + ihl
        let udpLength = Int(udp.loadBE16(at: 4))
        guard udpLength >= CaptureFraming.udpHeader, udpLength <= totalLength - ihl else { return .skip(.malformedUDP) }
        // The whole payload must have been captured: a snaplen-cut datagram is not what the feed saw.
        guard captured >= l3 + ihl + udpLength else { return .skip(.truncated) }
        let dstAddress = ip.loadUnaligned(fromByteOffset: 16, as: UInt32.self)  // network order kept
        let dstPort = udp.loadBE16(at: 2)
        if let want = filter.destinationAddress, want != dstAddress { return .skip(.filteredOut) }
        if let want = filter.destinationPort, want != dstPort { return .skip(.filteredOut) }
        // With nanosecond precision requested, libpcap scales every file's fraction to ns.
        let ns = UInt64(bitPattern: Int64(tvSec)) &* 1_000_000_000 &+ UInt64(bitPattern: Int64(tvFrac))
        return .datagram(PcapRecord(
            payload: UnsafeRawBufferPointer(start: udp + CaptureFraming.udpHeader, count: udpLength - CaptureFraming.udpHeader),
            timestampNanoseconds: ns, timestampSource: source, queue: queue,
            source: IPv4Endpoint(addressBE: ip.loadUnaligned(fromByteOffset: 12, as: UInt32.self), port: udp.loadBE16(at: 0)),
            destination: IPv4Endpoint(addressBE: dstAddress, port: dstPort),
            recordNumber: recordsRead))
    }
}
