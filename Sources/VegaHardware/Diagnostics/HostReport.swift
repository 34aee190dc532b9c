/// A read-only report of everything on this host that decides how well Vega's lanes can run:
/// `vega diag`'s data. Every figure carries (or its section states) where it came from; a fact
/// that could not be read is absent or says why, never guessed.
///
/// Gathering reads /proc, /sys, ethtool ioctls and /dev/ptpN, may run `pmc` (2 s limit per query)
/// and spends ~50 ms measuring the TSC. It changes nothing on the host. Off the lane only.
public struct HostReport: Codable, Sendable, Equatable {
    public var cpu: CPUReport
    public var numa: NUMAReport
    public var hugepages: HugepagesReport
    public var nics: [NICReport]
    public var ptpClocks: [PTPClockReport]
    public var backends: [BackendReport]
    public var fpga: FPGAReport
    public var ptpDaemons: PTPDaemonsReport
    public var irqs: IRQReport
    /// Set by the CLI when a profile was evaluated (`--profile`); absent otherwise.
    public var profile: ProfileReport?

    public init(cpu: CPUReport, numa: NUMAReport, hugepages: HugepagesReport, nics: [NICReport], ptpClocks: [PTPClockReport],
                backends: [BackendReport], fpga: FPGAReport, ptpDaemons: PTPDaemonsReport, irqs: IRQReport,
                profile: ProfileReport? = nil) {
        self.cpu = cpu
        self.numa = numa
        self.hugepages = hugepages
        self.nics = nics
        self.ptpClocks = ptpClocks
        self.backends = backends
        self.fpga = fpga
        self.ptpDaemons = ptpDaemons
        self.irqs = irqs
        self.profile = profile
    }

    /// The nine section keys of the JSON form, in display order.
    public static let sectionKeys = ["cpu", "numa", "hugepages", "nics", "ptpClocks", "backends", "fpga", "ptpDaemons", "irqs"]

    public struct Options: Sendable {
        /// PCI vendor:device ids of the FPGA card(s) to look for, besides anything on vfio-pci.
        public var fpgaIDs: [PCIID]
        /// Measure the TSC against CLOCK_MONOTONIC_RAW (~50 ms).
        public var measureTSC: Bool
        /// Ask ptp4l through `pmc` when it runs.
        public var queryPMC: Bool
        /// Which backends are available. Defaults to `BackendAvailability.probe()`.
        public var backendProbe: any BackendProbing
        /// Where HardwareSim's rings live.
        public var shmDirectory: String

        public init(fpgaIDs: [PCIID] = [], measureTSC: Bool = true, queryPMC: Bool = true,
                    backendProbe: any BackendProbing = BuiltInBackendProbe(), shmDirectory: String = "/dev/shm") {
            self.fpgaIDs = fpgaIDs
            self.measureTSC = measureTSC
            self.queryPMC = queryPMC
            self.backendProbe = backendProbe
            self.shmDirectory = shmDirectory
        }
    }

    public static func gather(_ options: Options = Options()) -> HostReport {
        let topology = LinuxHost().topology()
        let cpu = CPUReport.gather(measureTSC: options.measureTSC)
        let nics = NICReport.gatherAll()
        let processes = HostProbe.processes()
        return HostReport(
            cpu: cpu,
            numa: NUMAReport.gather(topology: topology),
            hugepages: HugepagesReport.gather(nodes: topology.nodes.map(\.id)),
            nics: nics,
            ptpClocks: PTPClockReport.gatherAll(nics: nics),
            backends: options.backendProbe.probe(),
            fpga: FPGAReport.gather(ids: options.fpgaIDs, shmDirectory: options.shmDirectory),
            ptpDaemons: PTPDaemonsReport.gather(processes: processes, runPMC: options.queryPMC),
            irqs: IRQReport.gather(nics: nics, isolated: cpu.isolation.allIsolated, processes: processes))
    }
}
