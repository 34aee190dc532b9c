import CVegaEFVI
import CVegaExaNIC
import Glibc

/// One packet / event backend and whether it can run on this host, for `vega diag`.
public struct BackendStatus: Sendable, Codable, Equatable {
    public var name: String
    public var available: Bool
    /// Why (not): what was found or what is missing, in words an operator can act on.
    public var detail: String

    public init(name: String, available: Bool, detail: String) {
        self.name = name
        self.available = available
        self.detail = detail
    }
}

/// Which live backends this build and this host can use. Read-only and safe to run anywhere: it
/// opens no queue, only looks at build flags, device nodes, sysfs and the verbs device list.
public enum BackendAvailability {
    public static func probe() -> [BackendStatus] {
        [udpSocket(), tcpSocket(), efVi(), exaNIC(), ibverbs(), fpgaRing()]
    }

    static func socketStatus(name: String, type: Int32) -> BackendStatus {
        let fd = socket(AF_INET, type | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            return .init(name: name, available: false, detail: "socket(AF_INET): \(String(cString: strerror(errno)))")
        }
        close(fd)
        return .init(
            name: name, available: true,
            detail: "kernel sockets with SO_TIMESTAMPING (software stamps always; hardware stamps where the NIC has a PHC)")
    }

    public static func udpSocket() -> BackendStatus { socketStatus(name: "udp-socket", type: Int32(SOCK_DGRAM.rawValue)) }
    public static func tcpSocket() -> BackendStatus { socketStatus(name: "tcp-socket", type: Int32(SOCK_STREAM.rawValue)) }

    public static func efVi() -> BackendStatus {
        let (built, why) = EfViQueue.availability
        guard built else { return .init(name: "ef_vi", available: false, detail: why) }
        // ef_driver_open opens the Onload resource driver's character device.
        let nodes = ["/dev/sfc_char", "/dev/onload"].filter(Sysfs.exists)
        let sfcNICs = Sysfs.list("/sys/class/net").filter { Sysfs.link("/sys/class/net/\($0)/device/driver", basename: true) == "sfc" }
        if !nodes.contains("/dev/sfc_char") {
            return .init(name: "ef_vi", available: false,
                         detail: "built with the Onload SDK, but /dev/sfc_char is missing: load the sfc_char/onload drivers")
        }
        if sfcNICs.isEmpty {
            return .init(name: "ef_vi", available: false, detail: "built with the Onload SDK and \(nodes.joined(separator: ", ")) present, but no interface uses the sfc driver")
        }
        return .init(name: "ef_vi", available: true, detail: "Onload SDK build; sfc interfaces: \(sfcNICs.joined(separator: ", "))")
    }

    public static func exaNIC() -> BackendStatus {
        let (built, why) = ExaNICQueue.availability
        guard built else { return .init(name: "exanic", available: false, detail: why) }
        let devices = Sysfs.list("/dev").filter { $0.hasPrefix("exanic") }
        if devices.isEmpty {
            return .init(name: "exanic", available: false, detail: "built with libexanic, but no /dev/exanic* device (exanic driver not loaded or no card)")
        }
        return .init(name: "exanic", available: true, detail: "libexanic build; devices: \(devices.map { "/dev/\($0)" }.joined(separator: ", "))")
    }

    public static func ibverbs() -> BackendStatus {
        let list = VerbsDevices.list()
        if list.devices.isEmpty {
            return .init(name: "ibverbs", available: false, detail: "no RDMA devices (\(list.reason ?? "none listed"))")
        }
        let text = list.devices.map { d in
            let ports = d.ports.map { "\($0.number):\($0.state)/\($0.linkLayer)" }.joined(separator: " ")
            let ts = d.completionTimestamps ? "completion stamps @ \(d.hcaCoreClockKHz) kHz" : "no completion stamps"
            return "\(d.name) [\(d.transport), ports \(ports.isEmpty ? "?" : ports), \(ts)]"
        }.joined(separator: "; ")
        let usable = list.devices.contains { $0.ports.contains { $0.state == "active" && $0.linkLayer == "ethernet" } }
        return .init(name: "ibverbs", available: usable,
                     detail: usable ? text : "\(text) — no active Ethernet port for a raw-packet QP")
    }

    /// The FPGA's event ring is mapped through VFIO (or a sysfs BAR): needs /dev/vfio and the
    /// vfio-pci driver with a device bound to it.
    public static func fpgaRing() -> BackendStatus {
        let vfioDir = Sysfs.exists("/dev/vfio")
        let driver = "/sys/bus/pci/drivers/vfio-pci"
        let loaded = Sysfs.exists(driver)
        var missing: [String] = []
        if !vfioDir { missing.append("/dev/vfio does not exist") }
        if !loaded { missing.append("vfio-pci is not loaded (\(driver) missing)") }
        if !missing.isEmpty {
            return .init(name: "fpga-ring", available: false, detail: "VFIO unavailable: " + missing.joined(separator: "; "))
        }
        let bound = Sysfs.list(driver).filter { $0.contains(":") && $0.contains(".") }
        let groups = Sysfs.list("/dev/vfio").filter { $0 != "vfio" }
        if bound.isEmpty {
            return .init(name: "fpga-ring", available: false, detail: "vfio-pci loaded, but no PCI device is bound to it")
        }
        return .init(name: "fpga-ring", available: true,
                     detail: "vfio-pci devices: \(bound.joined(separator: ", ")); groups: \(groups.isEmpty ? "none" : groups.joined(separator: ", "))")
    }
}
