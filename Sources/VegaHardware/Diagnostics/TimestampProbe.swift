import CVegaNet
import Glibc
import VegaCore

/// `vega diag timestamps`: UDP packets sent to ourselves over one interface, with every kernel
/// (and NIC) timestamp the path offers, and the deltas between them.
///
/// The receiver is bound to the interface's IPv4 address (127.0.0.1 for lo) with SO_BINDTODEVICE;
/// the sender sends there. Software stamps are CLOCK_REALTIME, so software deltas are on one
/// clock; hardware stamps are PHC time and are only compared with each other.
public enum TimestampProbe {
    public struct Options: Sendable {
        public var interface: String
        public var count: Int
        /// Receiver port; 0 picks a free one.
        public var port: UInt16
        /// Ask for hardware stamps. This runs SIOCSHWTSTAMP on the interface (filter ALL), which
        /// changes the NIC's configuration under a running ptp4l: opt-in only.
        public var hardware: Bool
        /// How long to wait for each packet and each TX stamp.
        public var waitMilliseconds: Int32

        public init(interface: String, count: Int = 100, port: UInt16 = 0, hardware: Bool = false, waitMilliseconds: Int32 = 1000) {
            self.interface = interface
            self.count = count
            self.port = port
            self.hardware = hardware
            self.waitMilliseconds = waitMilliseconds
        }
    }

    public struct Packet: Codable, Sendable, Equatable {
        /// The OPT_ID of the send (the uncounted warm-up packets took the first ids).
        public var id: UInt32
        public var received: Bool
        public var txSoftwareNanoseconds: UInt64?
        public var txHardwareNanoseconds: UInt64?
        public var rxSoftwareNanoseconds: UInt64?
        public var rxHardwareNanoseconds: UInt64?
        /// CLOCK_REALTIME read right after the receive call returned.
        public var userReceiveNanoseconds: UInt64?
        /// rxSoftware − txSoftware: the kernel path.
        public var txToRxSoftwareNanoseconds: Int64?
        /// userReceive − rxSoftware: kernel stamp to the application.
        public var rxSoftwareToUserNanoseconds: Int64?
        /// rxHardware − txHardware (PHC time).
        public var txToRxHardwareNanoseconds: Int64?
    }

    public struct Stats: Codable, Sendable, Equatable {
        public var samples: Int
        public var minNanoseconds: Int64
        public var p50Nanoseconds: Int64
        public var p99Nanoseconds: Int64
        public var p999Nanoseconds: Int64
        public var maxNanoseconds: Int64

        /// Nearest-rank percentiles; nil for no samples.
        public init?(_ values: [Int64]) {
            guard !values.isEmpty else { return nil }
            let s = values.sorted()
            func rank(_ p: Double) -> Int64 { s[max(0, min(s.count - 1, Int((p * Double(s.count)).rounded(.up)) - 1))] }
            samples = s.count
            minNanoseconds = s[0]
            p50Nanoseconds = rank(0.50)
            p99Nanoseconds = rank(0.99)
            p999Nanoseconds = rank(0.999)
            maxNanoseconds = s[s.count - 1]
        }
    }

    public struct Report: Codable, Sendable, Equatable {
        public var interface: String
        public var receiver: String
        public var sender: String
        public var requested: Int
        public var received: Int
        public var softwareTimestamping: Bool
        public var hardwareTimestamping: Bool
        /// Why hardware stamps are not in this run, when they are not.
        public var hardwareUnavailableReason: String?
        public var rxSoftwareStamps: Int
        public var rxHardwareStamps: Int
        /// TX stamps read from the error queue and matched to their send by OPT_ID.
        public var txStampsMatched: Int
        public var txToRxSoftware: Stats?
        public var rxSoftwareToUser: Stats?
        public var txToRxHardware: Stats?
        /// Uncounted packets sent first, until one came back with an RX stamp.
        public var warmupPackets: Int
        public var packets: [Packet]
        public var notes: [String]
    }

    public static func run(_ o: Options) throws(HardwareSetupError) -> Report {
        guard o.count > 0 && o.count <= 1_000_000 else {
            throw HardwareSetupError(.invalid, "vega diag timestamps --count \(o.count)", "expected 1…1000000 packets")
        }
        let ifindex = vega_net_ifindex(o.interface)
        guard ifindex > 0 else {
            let names = Sysfs.list("/sys/class/net").joined(separator: ", ")
            throw HardwareSetupError(.invalid, "vega diag timestamps --interface \(o.interface)", "no such interface; this host has \(names)")
        }
        let addresses = NICReport.ipv4Addresses()[o.interface] ?? []
        guard let address = o.interface == "lo" ? "127.0.0.1" : addresses.first else {
            throw HardwareSetupError(.invalid, "vega diag timestamps --interface \(o.interface)",
                                     "the interface has no IPv4 address to send to (ip addr add A.B.C.D/N dev \(o.interface))")
        }
        let nic = NICReport.gather(o.interface, addresses: addresses)
        var notes: [String] = []
        var hwReason: String?
        let caps = Set(nic.timestamping.capabilities)
        let nicCanStamp = caps.contains("hardware-transmit") && caps.contains("hardware-receive")
        if !nicCanStamp {
            hwReason = "unavailable on \(o.interface) (ETHTOOL_GET_TS_INFO: no hardware-transmit/hardware-receive"
                + (nic.timestamping.phcIndex == nil ? ", no PHC" : "") + "; SIOCGHWTSTAMP: \(nic.hwtstampConfig))"
        } else if !o.hardware {
            hwReason = "not requested on \(o.interface): pass --hardware (it runs SIOCSHWTSTAMP with filter ALL, changing the NIC's stamping configuration that ptp4l relies on)"
        }
        let mode: TimestampingMode = o.hardware && nicCanStamp ? .hardware : .software

        var receiver = try UDPSocketQueue(.init(
            bind: try IPv4Endpoint("\(address):\(o.port)"), interface: o.interface, timestamping: mode))
        let destination = try IPv4Endpoint("\(address):\(receiver.localPort)")
        var sender = try UDPSocketQueue(.init(
            bind: try IPv4Endpoint("\(address):0"), interface: o.interface, destination: destination, timestamping: mode))
        if mode == .hardware && !(receiver.timestamping.hardware && sender.timestamping.hardware) {
            hwReason = "unavailable on \(o.interface): \(receiver.timestamping.hardwareUnavailableReason ?? sender.timestamping.hardwareUnavailableReason ?? "SIOCSHWTSTAMP refused")"
        }
        var batch = try RxBatch(capacity: 8, slotSize: 2048)
        let stampBuffer = UnsafeMutableBufferPointer<TxTimestamp>.allocate(capacity: 64)
        defer { stampBuffer.deallocate() }

        let payload = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 8)
        defer { payload.deallocate() }
        payload.initializeMemory(as: UInt8.self, repeating: 0x56)
        var packets: [Packet] = []
        packets.reserveCapacity(o.count)
        // Uncounted warm-up exchanges until one arrives with an RX stamp (at most 2 s / 1000
        // packets): the kernel enables RX stamping through a deferred static-key switch, so the
        // first packets after SO_TIMESTAMPING often arrive unstamped (HARDWARE-NOTES.md).
        var warming = true
        var warmups = 0
        var txStampsSeen = false
        let warmupDeadline = HostProbe.monotonicRawNanoseconds() + 2_000_000_000
        var n = 0
        while packets.count < o.count {
            n += 1
            let id: UInt32
            do {
                id = try sender.transmit(UnsafeRawBufferPointer(payload))
            } catch {
                throw HardwareSetupError(.system(errno: error.code), "send test packet \(n) to \(destination)", error.description)
            }
            var p = Packet(id: id, received: false)
            // Wait for the packet (poll, bounded), then receive.
            var pfd = pollfd(fd: receiver.fd, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, o.waitMilliseconds) == 1 {
                let got = (try? receiver.receive(into: &batch)) ?? 0
                let user = HostProbe.realtimeNanoseconds()
                if got > 0 {
                    let f = batch[0]
                    p.received = true
                    p.userReceiveNanoseconds = user
                    p.rxSoftwareNanoseconds = f.softwareTimestamp?.nanoseconds
                    p.rxHardwareNanoseconds = f.hardwareTimestamp?.nanoseconds
                    if got > 1 { notes.append("receive after send \(id) returned \(got) frames; only the first was used") }
                }
            }
            // Collect TX stamps for this send (software SND, and hardware when enabled).
            var wantHW = sender.timestamping.hardware
            var haveSW = false
            // Until a first TX stamp has been seen, do not wait the full time per packet.
            let txWait = txStampsSeen || warming ? o.waitMilliseconds : min(o.waitMilliseconds, 10)
            while !haveSW || wantHW {
                guard sender.waitForTxTimestamp(milliseconds: txWait) else { break }
                let k = (try? sender.drainTxTimestamps(into: stampBuffer)) ?? 0
                if k == 0 { break }
                for s in stampBuffer.prefix(k) where s.id == id && s.kind == .sent {
                    if s.isHardware { p.txHardwareNanoseconds = s.nanoseconds; wantHW = false }
                    else { p.txSoftwareNanoseconds = s.nanoseconds; haveSW = true }
                }
            }
            func delta(_ a: UInt64?, _ b: UInt64?) -> Int64? {
                guard let a, let b else { return nil }
                return Int64(bitPattern: b &- a)
            }
            p.txToRxSoftwareNanoseconds = delta(p.txSoftwareNanoseconds, p.rxSoftwareNanoseconds)
            p.rxSoftwareToUserNanoseconds = delta(p.rxSoftwareNanoseconds, p.userReceiveNanoseconds)
            p.txToRxHardwareNanoseconds = delta(p.txHardwareNanoseconds, p.rxHardwareNanoseconds)
            if p.txSoftwareNanoseconds != nil || p.txHardwareNanoseconds != nil { txStampsSeen = true }
            if warming {
                warmups += 1
                if p.rxSoftwareNanoseconds != nil || p.rxHardwareNanoseconds != nil {
                    warming = false
                } else if warmups >= 1000 || HostProbe.monotonicRawNanoseconds() > warmupDeadline {
                    warming = false
                    notes.append("no RX stamp on any of \(warmups) warm-up packets: RX stamping may not work on \(o.interface)")
                }
                continue
            }
            packets.append(p)
        }
        let received = packets.filter(\.received)
        if received.count < packets.count {
            notes.append("\(packets.count - received.count) packet(s) not received within \(o.waitMilliseconds) ms each")
        }
        return Report(
            interface: o.interface, receiver: "\(address):\(receiver.localPort)", sender: "\(address):\(sender.localPort)",
            requested: o.count, received: received.count,
            softwareTimestamping: receiver.timestamping.software && sender.timestamping.software,
            hardwareTimestamping: receiver.timestamping.hardware && sender.timestamping.hardware,
            hardwareUnavailableReason: hwReason,
            rxSoftwareStamps: received.filter { $0.rxSoftwareNanoseconds != nil }.count,
            rxHardwareStamps: received.filter { $0.rxHardwareNanoseconds != nil }.count,
            txStampsMatched: packets.filter { $0.txSoftwareNanoseconds != nil || $0.txHardwareNanoseconds != nil }.count,
            txToRxSoftware: Stats(packets.compactMap(\.txToRxSoftwareNanoseconds)),
            rxSoftwareToUser: Stats(packets.compactMap(\.rxSoftwareToUserNanoseconds)),
            txToRxHardware: Stats(packets.compactMap(\.txToRxHardwareNanoseconds)),
            warmupPackets: warmups, packets: packets, notes: notes)
    }
}
