@testable import VegaHardware

/// Hand-built host reports for profile tests: `perfectColoHost()` meets every colo requirement;
/// tests break one fact at a time.
enum SyntheticHosts {
    static func perfectColoHost() -> HostReport {
        let cpu = CPUReport(
            modelName: "Intel(R) Xeon(R) Gold 6346 CPU @ 3.10GHz", vendor: "GenuineIntel",
            cpuinfoFlags: .init(constantTSC: true, nonstopTSC: true, rdtscp: true, tscKnownFreq: true, source: "/proc/cpuinfo"),
            cpuid: .init(invariantTSC: true, rdtscp: true),
            tscFrequency: .init(hz: 3_100_000_000, source: "cpuid-0x15", detail: "synthetic"),
            onlineCPUs: Array(0...7),
            isolation: .init(isolatedCPUs: [2, 3, 4, 5], isolcpusParameter: "managed_irq,domain,2-5", isolcpusCPUs: [2, 3, 4, 5],
                             nohzFullCPUs: [2, 3, 4, 5], nohzFullParameter: "2-5", rcuNocbsParameter: "2-5", rcuNocbsCPUs: [2, 3, 4, 5]),
            frequencyScaling: .init(cpufreqPresent: true,
                                    governors: (0...7).map { .init(cpu: $0, governor: "performance", driver: "intel_pstate") },
                                    detail: "synthetic"),
            clocksource: .init(current: "tsc", available: ["tsc", "hpet", "acpi_pm"]))
        let numa = NUMAReport(
            nodes: [HostTopology.Node(id: 0, cpus: Array(0...7), memoryBytes: 64 << 30, freeBytes: 32 << 30)],
            numaBalancing: 0, source: "synthetic")
        let hugepages = HugepagesReport(
            pools: [.init(sizeKiB: 2048, reserved: 1024, free: 1000, perNode: [.init(node: 0, reserved: 1024, free: 1000)]),
                    .init(sizeKiB: 1_048_576, reserved: 0, free: 0)],
            transparentHugepages: "madvise", memlock: .init(unlimited: true, limitBytes: nil, source: "synthetic"))
        let sfc = NICReport(
            name: "ens1f0", driver: "sfc", busInfo: "0000:3b:00.0", pciAddress: "0000:3b:00.0", numaNode: 0, operstate: "up",
            mac: "00:0f:53:00:00:01", mtu: 1500,
            timestamping: .decode(soTimestamping: 0x5f, phcIndex: 0, txTypes: 0x3, rxFilters: 0x3),
            hwtstampConfig: "tx on, rx filter all", rxQueues: 8, txQueues: 8)
        let lo = NICReport(
            name: "lo", timestamping: .decode(soTimestamping: 0x1a, phcIndex: -1, txTypes: 0, rxFilters: 0),
            hwtstampConfig: "not supported (SIOCGHWTSTAMP: EOPNOTSUPP)", rxQueues: 1, txQueues: 1)
        let ptp = PTPClockReport(path: "/dev/ptp0", clockName: "Solarflare PHC", interfaces: ["ens1f0"],
                                 offset: .init(offsetNanoseconds: 37_000_000_012, uncertaintyNanoseconds: 40, method: .extended))
        let daemons = PTPDaemonsReport(
            daemons: PTPDaemonsReport.watched.map { name in
                ["ptp4l", "phc2sys"].contains(name) ? .init(name: name, running: true, pids: [100], cmdlines: [name]) : .init(name: name, running: false)
            },
            pmc: .init(ran: false, detail: "synthetic"))
        let irqs = IRQReport(
            nicInterrupts: [.init(irq: 120, name: "ens1f0-0", interface: "ens1f0", matchedBy: "interface name", count: 10,
                                  affinity: [0, 1], effectiveAffinity: [0], onIsolatedCPUs: [])],
            irqbalance: .init(running: true, pids: [50], bannedCPUs: [2, 3, 4, 5], detail: "synthetic"),
            source: "synthetic")
        return HostReport(
            cpu: cpu, numa: numa, hugepages: hugepages, nics: [lo, sfc], ptpClocks: [ptp],
            backends: [BackendReport(name: "udp-socket", available: true, detail: "synthetic")],
            fpga: FPGAReport(configuredIDs: [], devices: [], missingConfiguredIDs: [], simulatorRings: []),
            ptpDaemons: daemons, irqs: irqs)
    }
}
