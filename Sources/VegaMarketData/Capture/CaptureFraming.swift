import VegaHardware

// The bytes around a UDP payload in a capture: synthesised by `PcapWriter` (sockets hand us
// payloads only) and stripped by `PcapReader`. Kept in one file so the writer's layout and the
// reader's expectations cannot drift apart.

/// The link-layer header type of a capture Vega writes.
public enum CaptureLinkType: Sendable, Equatable {
    /// DLT_EN10MB: Ethernet II. The default: every tool reads it, and the synthesised source MAC
    /// carries Vega's provenance marker (timestamp source and queue; see ``PcapWriter``).
    case ethernet
    /// DLT_RAW: the record starts at the IPv4 header. Smaller, but has no room for the provenance
    /// marker, so a replay cannot tell which stamp was recorded or which queue (A/B line) it was.
    case rawIPv4

    /// libpcap's DLT value (DLT_RAW is 12 on Linux; 14 only on OpenBSD).
    @inlinable
    public var dlt: Int32 {
        switch self {
        case .ethernet: return 1
        case .rawIPv4: return 12
        }
    }
}

/// Which clock the timestamp of a captured record came from.
///
/// A pcap record has one timestamp. `PcapWriter` picks the best the frame has (NIC hardware,
/// else kernel software, else the time of capture) and, in Ethernet captures, records which in
/// the synthesised source MAC so that a replay can put it back where it came from.
public enum CaptureTimestampSource: UInt8, Sendable, CaseIterable {
    /// Not recorded (a capture from another tool, a DLT_RAW capture, or a raw Ethernet frame).
    case unknown = 0
    /// The NIC's hardware RX stamp, PHC timescale (TAI when PTP-disciplined), written unconverted.
    case hardware = 1
    /// The kernel's SO_TIMESTAMPING software RX stamp, CLOCK_REALTIME (UTC).
    case software = 2
    /// Neither stamp was present: CLOCK_REALTIME read when the tap wrote the frame (late by the
    /// whole receive path; good for ordering, not for latency).
    case captureTime = 3
}

/// Why a capture record was not replayed. Each is counted; replay continues with the next record.
public enum CaptureSkipReason: Int, Sendable, CaseIterable, CustomStringConvertible {
    /// Fewer bytes captured than the headers or the UDP length need (snaplen cut, or a short record).
    case truncated
    /// Not IPv4 (ARP, IPv6, LLDP, …).
    case notIPv4
    /// IPv4 but not UDP (TCP, ICMP, IGMP joins, …).
    case notUDP
    /// An IPv4 fragment (MF set or a non-zero offset). Market data is never fragmented on a sane
    /// network; reassembly would need unbounded state, so fragments are counted, not rebuilt.
    case fragment
    /// An IPv4 header that contradicts itself (version, IHL, total length).
    case malformedIPv4
    /// A UDP length shorter than its header or longer than the IPv4 payload.
    case malformedUDP
    /// A valid UDP datagram for another destination group or port than the one configured.
    case filteredOut
    /// The payload is longer than the replay batch's slot: delivered truncated and flagged.
    case payloadTooLarge
    /// libpcap could not read the next record (the file ends inside one): replay stops there.
    case unreadableRecord

    public var description: String {
        switch self {
        case .truncated: return "truncated record"
        case .notIPv4: return "not IPv4"
        case .notUDP: return "not UDP"
        case .fragment: return "IPv4 fragment"
        case .malformedIPv4: return "malformed IPv4 header"
        case .malformedUDP: return "malformed UDP header"
        case .filteredOut: return "other destination (filtered)"
        case .payloadTooLarge: return "payload longer than the slot (delivered truncated)"
        case .unreadableRecord: return "unreadable record (file ends inside a record)"
        }
    }
}

/// Per-reason counts of the records a reader skipped (or, for `payloadTooLarge`, truncated).
/// Fixed fields rather than a dictionary: bumping a counter allocates nothing.
public struct CaptureSkipCounters: Sendable, Equatable, CustomStringConvertible {
    public var truncated: UInt64 = 0
    public var notIPv4: UInt64 = 0
    public var notUDP: UInt64 = 0
    public var fragment: UInt64 = 0
    public var malformedIPv4: UInt64 = 0
    public var malformedUDP: UInt64 = 0
    public var filteredOut: UInt64 = 0
    public var payloadTooLarge: UInt64 = 0
    public var unreadableRecord: UInt64 = 0

    public init() {}

    public subscript(reason: CaptureSkipReason) -> UInt64 {
        get {
            switch reason {
            case .truncated: return truncated
            case .notIPv4: return notIPv4
            case .notUDP: return notUDP
            case .fragment: return fragment
            case .malformedIPv4: return malformedIPv4
            case .malformedUDP: return malformedUDP
            case .filteredOut: return filteredOut
            case .payloadTooLarge: return payloadTooLarge
            case .unreadableRecord: return unreadableRecord
            }
        }
        set {
            switch reason {
            case .truncated: truncated = newValue
            case .notIPv4: notIPv4 = newValue
            case .notUDP: notUDP = newValue
            case .fragment: fragment = newValue
            case .malformedIPv4: malformedIPv4 = newValue
            case .malformedUDP: malformedUDP = newValue
            case .filteredOut: filteredOut = newValue
            case .payloadTooLarge: payloadTooLarge = newValue
            case .unreadableRecord: unreadableRecord = newValue
            }
        }
    }

    /// Everything skipped except `filteredOut` (which is selection, not damage) and
    /// `payloadTooLarge` (which is delivered).
    public var malformed: UInt64 {
        truncated + notIPv4 + notUDP + fragment + malformedIPv4 + malformedUDP + unreadableRecord
    }

    public var description: String {
        let parts = CaptureSkipReason.allCases.compactMap { r in self[r] == 0 ? nil : "\(r): \(self[r])" }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}

/// Header sizes and the provenance marker, shared by writer and reader.
enum CaptureFraming {
    static let ethernetHeader = 14
    static let ipv4Header = 20
    static let udpHeader = 8
    static let etherTypeIPv4: UInt16 = 0x0800
    static let etherTypeVLAN: UInt16 = 0x8100
    static let etherTypeQinQ: UInt16 = 0x88A8
    static let etherTypeQinQLegacy: UInt16 = 0x9100
    /// Largest UDP payload an IPv4 datagram can carry (65535 − 20 − 8).
    static let maxUDPPayload = 65_507

    /// Vega's provenance marker lives in the synthesised Ethernet source MAC:
    /// `02:56:47:<timestamp source>:<queue hi>:<queue lo>`. 02 = locally administered unicast, so
    /// it can never be a real vendor's address; "VG" tags it as ours so a foreign capture is not
    /// misread. The source IP and port stay the real ones (Wireshark shows them).
    static let markerPrefix: (UInt8, UInt8, UInt8) = (0x02, 0x56, 0x47)

    /// Ethernet destination for an IPv4 destination: the RFC 1112 multicast MAC (01:00:5e + the
    /// group's low 23 bits) for a group, a fixed locally administered address for unicast (the
    /// receiving NIC's real MAC is not known to a socket).
    static func destinationMAC(forIPv4BE address: UInt32) -> (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) {
        let h = UInt32(bigEndian: address)
        if h >> 28 == 0xE {
            return (0x01, 0x00, 0x5E, UInt8((h >> 16) & 0x7F), UInt8((h >> 8) & 0xFF), UInt8(h & 0xFF))
        }
        return (0x02, 0x56, 0x47, 0xFF, 0x00, 0x01)
    }

    /// RFC 1071 one's-complement sum over the IPv4 header (checksum field zero while summing).
    static func ipv4HeaderChecksum(_ header: UnsafeRawPointer, length: Int) -> UInt16 {
        var sum: UInt32 = 0
        var i = 0
        while i + 1 < length {
            sum &+= UInt32(header.load(fromByteOffset: i, as: UInt8.self)) << 8
                | UInt32(header.load(fromByteOffset: i + 1, as: UInt8.self))
            i += 2
        }
        while sum >> 16 != 0 { sum = (sum & 0xFFFF) &+ (sum >> 16) }
        return ~UInt16(truncatingIfNeeded: sum)
    }
}

// Big-endian stores and loads on raw bytes, unaligned (captures have no alignment).
extension UnsafeMutableRawPointer {
    func storeBE(_ v: UInt16, at offset: Int) {
        storeBytes(of: v.bigEndian, toByteOffset: offset, as: UInt16.self)
    }
    func storeBE(_ v: UInt32, at offset: Int) {
        storeBytes(of: v.bigEndian, toByteOffset: offset, as: UInt32.self)
    }
}

extension UnsafeRawPointer {
    func loadBE16(at offset: Int) -> UInt16 {
        UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }
}
