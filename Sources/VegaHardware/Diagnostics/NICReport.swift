import CVegaNet
import Glibc

/// One network interface of the `nics` section.
public struct NICReport: Codable, Sendable, Equatable {
    public var name: String
    /// ETHTOOL_GDRVINFO; nil when the interface answers EOPNOTSUPP (loopback), see `driverError`.
    public var driver: String?
    public var driverVersion: String?
    public var firmwareVersion: String?
    /// ETHTOOL_GDRVINFO bus info (a PCI address for PCI NICs).
    public var busInfo: String?
    public var driverError: String?
    /// The PCI function behind the interface, from the /sys/class/net/IF/device link.
    public var pciAddress: String?
    /// The device node under the PCI function for virtio NICs ("virtio2"): its IRQs carry this name.
    public var virtioDevice: String?
    /// The PCI device's NUMA node; nil when no device or the kernel reports -1 (no affinity known).
    public var numaNode: Int?
    public var operstate: String?
    public var mac: String?
    public var mtu: Int?
    public var ipv4Addresses: [String]
    public var timestamping: TimestampingCapabilities
    /// SIOCGHWTSTAMP: the interface's current hardware stamping config, or "not supported".
    public var hwtstampConfig: String
    public var rxQueues: Int
    public var txQueues: Int

    public init(name: String, driver: String? = nil, driverVersion: String? = nil, firmwareVersion: String? = nil,
                busInfo: String? = nil, driverError: String? = nil, pciAddress: String? = nil, virtioDevice: String? = nil,
                numaNode: Int? = nil, operstate: String? = nil, mac: String? = nil, mtu: Int? = nil,
                ipv4Addresses: [String] = [], timestamping: TimestampingCapabilities, hwtstampConfig: String,
                rxQueues: Int = 0, txQueues: Int = 0) {
        self.name = name
        self.driver = driver
        self.driverVersion = driverVersion
        self.firmwareVersion = firmwareVersion
        self.busInfo = busInfo
        self.driverError = driverError
        self.pciAddress = pciAddress
        self.virtioDevice = virtioDevice
        self.numaNode = numaNode
        self.operstate = operstate
        self.mac = mac
        self.mtu = mtu
        self.ipv4Addresses = ipv4Addresses
        self.timestamping = timestamping
        self.hwtstampConfig = hwtstampConfig
        self.rxQueues = rxQueues
        self.txQueues = txQueues
    }

    /// Hardware RX and TX stamps in the raw PHC timescale, and a PHC to discipline.
    public var hasHardwareTimestamping: Bool {
        let c = Set(timestamping.capabilities)
        return c.contains("hardware-transmit") && c.contains("hardware-receive") && c.contains("hardware-raw-clock")
            && (timestamping.phcIndex ?? -1) >= 0
    }
}

/// ETHTOOL_GET_TS_INFO, decoded to the names `ethtool -T` prints.
public struct TimestampingCapabilities: Codable, Sendable, Equatable {
    /// SOF_TIMESTAMPING_* capability names: "hardware-transmit", "software-receive", ….
    public var capabilities: [String]
    /// The raw SOF_TIMESTAMPING_* bits.
    public var capabilityBits: UInt32
    /// /dev/ptpN index; nil when the interface has none.
    public var phcIndex: Int?
    /// HWTSTAMP_TX_* names: "off", "on", "onestep-sync", "onestep-p2p".
    public var txTypes: [String]
    /// HWTSTAMP_FILTER_* names: "none", "all", "ptpv2-event", ….
    public var rxFilters: [String]
    /// Set when the ioctl failed (nothing above is then known).
    public var error: String?

    public init(capabilities: [String], capabilityBits: UInt32, phcIndex: Int?, txTypes: [String], rxFilters: [String],
                error: String? = nil) {
        self.capabilities = capabilities
        self.capabilityBits = capabilityBits
        self.phcIndex = phcIndex
        self.txTypes = txTypes
        self.rxFilters = rxFilters
        self.error = error
    }

    /// SOF_TIMESTAMPING_* bit names, in bit order (linux/net_tstamp.h; ethtool's wording).
    public static let capabilityNames = [
        "hardware-transmit", "software-transmit", "hardware-receive", "software-receive",
        "software-system-clock", "hardware-legacy-clock", "hardware-raw-clock", "option-id",
        "tx-sched", "tx-ack", "option-cmsg", "option-tsonly", "option-stats", "option-pktinfo",
        "option-tx-swhw", "bind-phc", "option-id-tcp", "option-rx-filter",
    ]
    public static let txTypeNames = ["off", "on", "onestep-sync", "onestep-p2p"]
    public static let rxFilterNames = [
        "none", "all", "some", "ptpv1-l4-event", "ptpv1-l4-sync", "ptpv1-l4-delay-req", "ptpv2-l4-event",
        "ptpv2-l4-sync", "ptpv2-l4-delay-req", "ptpv2-l2-event", "ptpv2-l2-sync", "ptpv2-l2-delay-req",
        "ptpv2-event", "ptpv2-sync", "ptpv2-delay-req", "ntp-all",
    ]

    static func names(_ bits: UInt32, _ table: [String]) -> [String] {
        (0..<32).compactMap { i in
            guard bits & (1 << UInt32(i)) != 0 else { return nil }
            return i < table.count ? table[i] : "bit\(i)"
        }
    }

    public static func decode(soTimestamping: UInt32, phcIndex: Int32, txTypes: UInt32, rxFilters: UInt32) -> Self {
        Self(capabilities: names(soTimestamping, capabilityNames), capabilityBits: soTimestamping,
             phcIndex: phcIndex >= 0 ? Int(phcIndex) : nil, txTypes: names(txTypes, txTypeNames),
             rxFilters: names(rxFilters, rxFilterNames))
    }
}

extension NICReport {
    static func gatherAll() -> [NICReport] {
        let addresses = ipv4Addresses()
        return Sysfs.list("/sys/class/net").filter { Sysfs.exists("/sys/class/net/\($0)/ifindex") }.map {
            gather($0, addresses: addresses[$0] ?? [])
        }
    }

    static func gather(_ name: String, addresses: [String]) -> NICReport {
        let dir = "/sys/class/net/\(name)"
        var nic = NICReport(name: name, timestamping: .init(capabilities: [], capabilityBits: 0, phcIndex: nil, txTypes: [], rxFilters: []),
                            hwtstampConfig: "")
        var drv = vega_drv_info()
        let drc = vega_net_drv_info(name, &drv)
        if drc == 0 {
            func s<T>(_ t: T) -> String? {
                let v = withUnsafeBytes(of: t) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                return v.isEmpty ? nil : v
            }
            nic.driver = s(drv.driver)
            nic.driverVersion = s(drv.version)
            nic.firmwareVersion = s(drv.fw_version)
            nic.busInfo = s(drv.bus_info)
        } else {
            nic.driverError = "ETHTOOL_GDRVINFO: \(HostProbe.errnoString(-drc))"
        }
        if let device = HostProbe.realPath("\(dir)/device") {
            let last = device.split(separator: "/").last.map(String.init) ?? ""
            if HostProbe.isPCIAddress(last) {
                nic.pciAddress = last
            } else {
                // virtio: …/0000:00:03.0/virtio2 — the PCI function is the parent.
                let parent = device.split(separator: "/").dropLast().last.map(String.init) ?? ""
                if HostProbe.isPCIAddress(parent) { nic.pciAddress = parent }
                if last.hasPrefix("virtio") { nic.virtioDevice = last }
            }
            if let pci = nic.pciAddress, let node = Sysfs.read("/sys/bus/pci/devices/\(pci)/numa_node").flatMap({ Int($0) }),
               node >= 0 {
                nic.numaNode = node
            }
        }
        nic.operstate = Sysfs.read("\(dir)/operstate")
        nic.mac = Sysfs.read("\(dir)/address")
        nic.mtu = Sysfs.read("\(dir)/mtu").flatMap { Int($0) }
        nic.ipv4Addresses = addresses

        var ts = vega_ts_info()
        let trc = vega_net_ts_info(name, &ts)
        if trc == 0 {
            nic.timestamping = .decode(soTimestamping: ts.so_timestamping, phcIndex: ts.phc_index, txTypes: ts.tx_types,
                                       rxFilters: ts.rx_filters)
        } else {
            nic.timestamping.error = "ETHTOOL_GET_TS_INFO: \(HostProbe.errnoString(-trc))"
        }
        var tx: Int32 = 0
        var rx: Int32 = 0
        let hrc = vega_net_get_hwtstamp(name, &tx, &rx)
        if hrc == 0 {
            let t = tx >= 0 && Int(tx) < TimestampingCapabilities.txTypeNames.count ? TimestampingCapabilities.txTypeNames[Int(tx)] : "\(tx)"
            let r = rx >= 0 && Int(rx) < TimestampingCapabilities.rxFilterNames.count ? TimestampingCapabilities.rxFilterNames[Int(rx)] : "\(rx)"
            nic.hwtstampConfig = "tx \(t), rx filter \(r)"
        } else if -hrc == EOPNOTSUPP {
            nic.hwtstampConfig = "not supported (SIOCGHWTSTAMP: EOPNOTSUPP)"
        } else {
            nic.hwtstampConfig = "unknown (SIOCGHWTSTAMP: \(HostProbe.errnoString(-hrc)))"
        }
        let queues = Sysfs.list("\(dir)/queues")
        nic.rxQueues = queues.filter { $0.hasPrefix("rx-") }.count
        nic.txQueues = queues.filter { $0.hasPrefix("tx-") }.count
        return nic
    }

    /// IPv4 addresses per interface, dotted (getifaddrs).
    static func ipv4Addresses() -> [String: [String]] {
        IPv4Endpoint.interfaceAddresses().mapValues { $0.map { IPv4Endpoint(addressBE: $0, port: 0).addressDescription } }
    }
}
