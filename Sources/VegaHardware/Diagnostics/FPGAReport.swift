import CVegaFPGA
import Glibc

/// A PCI vendor:device pair, as `--fpga-id 1d0f:f001` spells it.
public struct PCIID: Codable, Sendable, Hashable, CustomStringConvertible {
    public var vendor: UInt16
    public var device: UInt16
    public init(vendor: UInt16, device: UInt16) {
        self.vendor = vendor
        self.device = device
    }
    /// Parses "VVVV:DDDD" (hex, optional 0x).
    public init?(_ text: String) {
        let parts = text.lowercased().split(separator: ":")
        func hex(_ s: Substring) -> UInt16? { UInt16(s.hasPrefix("0x") ? s.dropFirst(2) : s, radix: 16) }
        guard parts.count == 2, let v = hex(parts[0]), let d = hex(parts[1]) else { return nil }
        self.init(vendor: v, device: d)
    }
    public var description: String { hex4(vendor) + ":" + hex4(device) }
}

func hex4(_ v: UInt16) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 4 - s.count)) + s
}

/// The `fpga` section: PCI devices that could carry the event ring, and HardwareSim rings.
public struct FPGAReport: Codable, Sendable, Equatable {
    public struct Device: Codable, Sendable, Equatable {
        public var pciAddress: String
        public var id: PCIID
        /// The bound driver ("vfio-pci"), nil when unbound.
        public var driver: String?
        /// Why it is listed: "bound to vfio-pci", "configured id".
        public var reason: String
        public var iommuGroup: Int?
        public var numaNode: Int?
        public var bars: [BAR]
        public init(pciAddress: String, id: PCIID, driver: String?, reason: String, iommuGroup: Int?, numaNode: Int?, bars: [BAR]) {
            self.pciAddress = pciAddress
            self.id = id
            self.driver = driver
            self.reason = reason
            self.iommuGroup = iommuGroup
            self.numaNode = numaNode
            self.bars = bars
        }
    }

    public struct BAR: Codable, Sendable, Equatable {
        public var index: Int
        public var sizeBytes: UInt64
        /// "memory" or "io".
        public var kind: String
        public var prefetchable: Bool
        /// resourceN_wc exists: the BAR can be mapped write-combining.
        public var writeCombining: Bool
        public init(index: Int, sizeBytes: UInt64, kind: String, prefetchable: Bool, writeCombining: Bool) {
            self.index = index
            self.sizeBytes = sizeBytes
            self.kind = kind
            self.prefetchable = prefetchable
            self.writeCombining = writeCombining
        }
    }

    /// A HardwareSim ring file in /dev/shm, checked with vega_fpga_ring_validate.
    public struct SimRing: Codable, Sendable, Equatable {
        public var path: String
        public var sizeBytes: UInt64
        public var valid: Bool
        /// Why the header was refused ("bad magic", …), when it was.
        public var error: String?
        public var slotCount: UInt64?
        public var writeSequence: UInt64?
        public var writerPID: UInt64?
        /// kill(pid, 0) succeeded: a process with that pid exists (pids can be reused).
        public var writerAlive: Bool?
        /// now − heartbeat_ns, ns (both CLOCK_REALTIME); nil when the writer never beat.
        public var heartbeatAgeNanoseconds: Int64?
        public init(path: String, sizeBytes: UInt64, valid: Bool, error: String? = nil) {
            self.path = path
            self.sizeBytes = sizeBytes
            self.valid = valid
            self.error = error
        }
    }

    public var configuredIDs: [PCIID]
    public var devices: [Device]
    /// Configured ids with no matching PCI device.
    public var missingConfiguredIDs: [PCIID]
    public var simulatorRings: [SimRing]

    public init(configuredIDs: [PCIID], devices: [Device], missingConfiguredIDs: [PCIID], simulatorRings: [SimRing]) {
        self.configuredIDs = configuredIDs
        self.devices = devices
        self.missingConfiguredIDs = missingConfiguredIDs
        self.simulatorRings = simulatorRings
    }

    static func gather(ids: [PCIID], shmDirectory: String = "/dev/shm") -> FPGAReport {
        let root = "/sys/bus/pci/devices"
        var devices: [Device] = []
        var seen = Set<PCIID>()
        for bdf in Sysfs.list(root) {
            let dir = "\(root)/\(bdf)"
            guard let v = Sysfs.read("\(dir)/vendor").flatMap(PCIID.hexValue),
                  let d = Sysfs.read("\(dir)/device").flatMap(PCIID.hexValue) else { continue }
            let id = PCIID(vendor: v, device: d)
            let driver = Sysfs.link("\(dir)/driver", basename: true)
            let configured = ids.contains(id)
            guard driver == "vfio-pci" || configured else { continue }
            if configured { seen.insert(id) }
            devices.append(Device(
                pciAddress: bdf, id: id, driver: driver,
                reason: [driver == "vfio-pci" ? "bound to vfio-pci" : nil, configured ? "configured id \(id)" : nil]
                    .compactMap { $0 }.joined(separator: ", "),
                iommuGroup: Sysfs.link("\(dir)/iommu_group", basename: true).flatMap { Int($0) },
                numaNode: Sysfs.read("\(dir)/numa_node").flatMap { Int($0) }.flatMap { $0 >= 0 ? $0 : nil },
                bars: bars(dir)))
        }
        let rings = Sysfs.list(shmDirectory).filter { $0.hasPrefix("vega-fpga-") }.map { ring("\(shmDirectory)/\($0)") }
        return FPGAReport(configuredIDs: ids, devices: devices, missingConfiguredIDs: ids.filter { !seen.contains($0) },
                          simulatorRings: rings)
    }

    /// BARs from the `resource` file: "start end flags" per line, BAR0–5 first.
    static func bars(_ dir: String) -> [BAR] {
        let lines = (Sysfs.read("\(dir)/resource") ?? "").split(separator: "\n")
        return lines.prefix(6).enumerated().compactMap { i, line in
            let f = line.split(separator: " ").compactMap { UInt64($0.hasPrefix("0x") ? $0.dropFirst(2) : $0, radix: 16) }
            guard f.count == 3, f[1] > f[0] else { return nil }
            return BAR(index: i, sizeBytes: f[1] - f[0] + 1, kind: f[2] & 0x100 != 0 ? "io" : "memory",
                       prefetchable: f[2] & 0x2000 != 0, writeCombining: Sysfs.exists("\(dir)/resource\(i)_wc"))
        }
    }

    static func ring(_ path: String) -> SimRing {
        var st = stat()
        let size = stat(path, &st) == 0 ? UInt64(st.st_size) : 0
        var m = vega_fpga_mapping()
        let rc = vega_fpga_map_file(path, 0, 0, &m)
        guard rc == 0 else {
            return SimRing(path: path, sizeBytes: size, valid: false, error: "map read-only: \(HostProbe.errnoString(-rc))")
        }
        defer { vega_fpga_unmap(&m) }
        let h = m.base.assumingMemoryBound(to: vega_fpga_ring_header.self)
        let v = vega_fpga_ring_validate(h, m.length)
        guard v == 0 else {
            let why: String =
                switch v {
                case Int32(VEGA_FPGA_E_MAGIC): "bad magic (not a Vega ring, or still being formatted)"
                case Int32(VEGA_FPGA_E_VERSION): "unsupported layout version \(h.pointee.version)"
                case Int32(VEGA_FPGA_E_SLOT_SIZE): "slot size \(h.pointee.slot_size), expected 64"
                case Int32(VEGA_FPGA_E_SLOT_COUNT): "slot count \(h.pointee.slot_count) is not a power of two"
                default: "slots extend past the file's \(m.length) bytes"
                }
            return SimRing(path: path, sizeBytes: size, valid: false, error: "vega_fpga_ring_validate: \(why)")
        }
        var r = SimRing(path: path, sizeBytes: size, valid: true)
        r.slotCount = h.pointee.slot_count
        r.writeSequence = vega_fpga_ring_write_seq(h)
        let pid = h.pointee.writer_pid
        r.writerPID = pid
        if pid > 0 && pid < UInt64(Int32.max) {
            r.writerAlive = kill(pid_t(pid), 0) == 0 || errno == EPERM
        }
        let beat = vega_fpga_ring_heartbeat_ns(h)
        if beat > 0 { r.heartbeatAgeNanoseconds = Int64(bitPattern: HostProbe.realtimeNanoseconds() &- beat) }
        return r
    }
}

extension PCIID {
    static func hexValue(_ s: String) -> UInt16? { UInt16(s.hasPrefix("0x") ? String(s.dropFirst(2)) : s, radix: 16) }
}
