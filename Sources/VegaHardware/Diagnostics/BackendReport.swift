import Glibc

/// One entry of the `backends` section: can this packet-queue backend run here, and why (not).
public struct BackendReport: Codable, Sendable, Equatable {
    public var name: String
    public var available: Bool
    /// What was checked and what was found, e.g. "no /dev/infiniband/uverbs*".
    public var detail: String
    public init(name: String, available: Bool, detail: String) {
        self.name = name
        self.available = available
        self.detail = detail
    }
}

/// Something that can tell which backends are available. `HostReport.gather` takes one, so the
/// CLI can hand it the authoritative probe (`BackendAvailability.probe()`, which also knows which
/// traits this binary was built with) while the diagnostics keep a probe of their own.
public protocol BackendProbing: Sendable {
    func probe() -> [BackendReport]
}

/// The built-in probe: device nodes only. It cannot know whether this binary was built with the
/// `EfVi` / `ExaNIC` traits, so it says "device present" rather than "usable".
public struct DeviceNodeBackendProbe: BackendProbing {
    public init() {}

    public func probe() -> [BackendReport] {
        func nodes(_ dir: String, prefix: String) -> [String] {
            Sysfs.list(dir).filter { $0.hasPrefix(prefix) }.map { "\(dir)/\($0)" }
        }
        var out: [BackendReport] = [
            BackendReport(name: "sockets", available: true, detail: "kernel UDP/TCP sockets with SO_TIMESTAMPING: always available")
        ]
        let uverbs = nodes("/dev/infiniband", prefix: "uverbs")
        out.append(BackendReport(
            name: "ibverbs", available: !uverbs.isEmpty,
            detail: uverbs.isEmpty ? "no /dev/infiniband/uverbs* (no RDMA device, or its driver is not loaded)" : "device nodes: \(uverbs.joined(separator: ", "))"))
        let sfc = ["/dev/sfc_char", "/dev/onload"].filter(Sysfs.exists)
        out.append(BackendReport(
            name: "ef_vi", available: !sfc.isEmpty,
            detail: sfc.isEmpty
                ? "no /dev/sfc_char or /dev/onload (Onload/sfc driver not loaded)"
                : "device nodes: \(sfc.joined(separator: ", ")) (needs a build with the EfVi trait to use)"))
        let exa = nodes("/dev", prefix: "exanic")
        out.append(BackendReport(
            name: "exanic", available: !exa.isEmpty,
            detail: exa.isEmpty ? "no /dev/exanic* (no ExaNIC, or its driver is not loaded)"
                : "device nodes: \(exa.joined(separator: ", ")) (needs a build with the ExaNIC trait to use)"))
        let vfio = Sysfs.exists("/dev/vfio/vfio")
        let groups = Sysfs.list("/dev/vfio").filter { $0 != "vfio" }
        out.append(BackendReport(
            name: "fpga-vfio", available: vfio && !groups.isEmpty,
            detail: !vfio ? "no /dev/vfio/vfio (vfio-pci not loaded)"
                : groups.isEmpty ? "/dev/vfio/vfio present but no IOMMU group device (nothing bound to vfio-pci)"
                : "/dev/vfio/vfio and group(s) \(groups.joined(separator: ", "))"))
        let rings = Sysfs.list("/dev/shm").filter { $0.hasPrefix("vega-fpga-") }
        out.append(BackendReport(
            name: "fpga-sim", available: !rings.isEmpty,
            detail: rings.isEmpty ? "no /dev/shm/vega-fpga-* ring (no FPGA simulator running)" : "ring file(s): \(rings.joined(separator: ", "))"))
        return out
    }
}
