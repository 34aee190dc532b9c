import Foundation
import Testing
@testable import VegaHardware

@Suite("HostReport.gather on this machine")
struct HostReportGatherTests {
    // One gather shared by the tests of this suite (it measures the TSC for ~50 ms).
    static let report = HostReport.gather(.init(queryPMC: false))

    @Test("the cpu section names the CPU, its online CPUs, and a TSC frequency with its source")
    func cpuSectionIsSane() {
        let cpu = Self.report.cpu
        #expect(!cpu.onlineCPUs.isEmpty)
        #expect(cpu.cpuinfoFlags.source == "/proc/cpuinfo")
        #expect(Set(cpu.isolation.isolatedCPUs).isSubset(of: cpu.onlineCPUs))
        #expect(Set(cpu.isolation.nohzFullCPUs).isSubset(of: cpu.onlineCPUs))
        #expect(cpu.frequencyScaling.governors.map(\.cpu) == cpu.onlineCPUs)
        #expect(cpu.clocksource.current != nil)
        #expect(cpu.clocksource.available.contains(cpu.clocksource.current ?? ""))
        #if arch(x86_64)
            #expect(cpu.cpuid != nil)
            #expect(["cpuid-0x15", "cpuid-0x16", "kernel-log", "measured"].contains(cpu.tscFrequency.source))
            let hz = try! #require(cpu.tscFrequency.hz)
            #expect(hz > 100_000_000 && hz < 10_000_000_000, "\(hz) Hz is not a plausible TSC rate")
            let measured = try! #require(cpu.tscFrequency.measuredHz)
            #expect(measured > 100_000_000 && measured < 10_000_000_000)
        #endif
    }

    @Test("the numa section covers every online CPU exactly once")
    func numaCoversOnlineCPUs() {
        let nodes = Self.report.numa.nodes
        #expect(!nodes.isEmpty)
        let cpus = nodes.flatMap(\.cpus)
        #expect(cpus.count == Set(cpus).count)
        #expect(Set(Self.report.cpu.onlineCPUs).isSubset(of: Set(cpus)))
    }

    @Test("the hugepages section lists each size with free ≤ reserved, per node too, and a memlock limit")
    func hugepagesAreConsistent() {
        let h = Self.report.hugepages
        if Sysfs.exists("/sys/kernel/mm/hugepages") { #expect(!h.pools.isEmpty) }
        for p in h.pools {
            #expect(p.free <= p.reserved)
            #expect(p.perNode.reduce(0) { $0 + $1.reserved } == p.reserved || p.perNode.isEmpty)
        }
        #expect(h.memlock.unlimited || h.memlock.limitBytes != nil)
    }

    @Test("lo is listed with software TX/RX timestamping decoded from ETHTOOL_GET_TS_INFO and no PHC")
    func loopbackHasSoftwareTimestamping() throws {
        let lo = try #require(Self.report.nics.first { $0.name == "lo" })
        #expect(lo.timestamping.error == nil)
        #expect(lo.timestamping.capabilities.contains("software-transmit"))
        #expect(lo.timestamping.capabilities.contains("software-receive"))
        #expect(lo.timestamping.capabilities.contains("software-system-clock"))
        #expect(lo.timestamping.capabilityBits & (1 << 3) != 0)  // SOF_TIMESTAMPING_RX_SOFTWARE
        #expect(lo.timestamping.phcIndex == nil)
        #expect(!lo.hasHardwareTimestamping)
        #expect(lo.hwtstampConfig.hasPrefix("not supported"))
        #expect(lo.pciAddress == nil)
        #expect(lo.rxQueues >= 1 && lo.txQueues >= 1)
        #expect(lo.ipv4Addresses.contains("127.0.0.1"))
    }

    @Test("ptpClocks lists exactly the host's /dev/ptp* (none on this VM)")
    func ptpClocksMatchDevices() {
        #expect(Self.report.ptpClocks.map(\.path) == PHCClock.devices())
        for c in Self.report.ptpClocks { #expect(c.offset != nil || c.error != nil) }
    }

    @Test("every NIC IRQ belongs to a listed interface and its isolated CPUs are isolated and in its affinity")
    func irqsAreConsistent() {
        let names = Set(Self.report.nics.map(\.name))
        let isolated = Set(Self.report.cpu.isolation.allIsolated)
        for q in Self.report.irqs.nicInterrupts {
            #expect(names.contains(q.interface))
            #expect(Set(q.onIsolatedCPUs).isSubset(of: isolated))
            #expect(Set(q.onIsolatedCPUs).isSubset(of: Set(q.effectiveAffinity ?? q.affinity)))
            #expect(!q.affinity.isEmpty)
        }
        #expect(Self.report.irqs.source.hasPrefix("/proc/interrupts"))
    }

    @Test("the backends section always offers sockets and names every backend with a reason")
    func socketsAlwaysAvailable() {
        let byName = Dictionary(uniqueKeysWithValues: Self.report.backends.map { ($0.name, $0) })
        #expect(byName["udp-socket"]?.available == true)
        #expect(byName["tcp-socket"]?.available == true)
        for name in ["ef_vi", "exanic", "ibverbs", "fpga-ring"] {
            #expect(byName[name] != nil, "backend \(name) is reported")
            #expect(byName[name]?.detail.isEmpty == false)
        }
    }
}

@Suite("HostReport JSON")
struct HostReportJSONTests {
    @Test("encodes to one object with exactly the nine section keys, and decodes back to an equal report")
    func roundTrip() throws {
        for report in [SyntheticHosts.perfectColoHost(), HostReportGatherTests.report] {
            let data = try JSONEncoder().encode(report)
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(Set(object.keys) == Set(HostReport.sectionKeys))
            #expect(HostReport.sectionKeys.count == 9)
            #expect(try JSONDecoder().decode(HostReport.self, from: data) == report)
        }
    }

    @Test("a profile result adds a profile key next to the nine sections")
    func profileKey() throws {
        var report = SyntheticHosts.perfectColoHost()
        report.profile = ProfileReport(profile: .colo, results: ProfileEvaluation.evaluate(report, .colo))
        let data = try JSONEncoder().encode(report)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == Set(HostReport.sectionKeys + ["profile"]))
        #expect(try JSONDecoder().decode(HostReport.self, from: data) == report)
    }
}

@Suite("Parsers of kernel and tool output")
struct DiagnosticsParserTests {
    @Test("pmc CURRENT_DATA_SET and TIME_STATUS_NP responses yield offset, path delay and gmPresent")
    func pmcResponses() {
        let text = """
            sending: GET CURRENT_DATA_SET
            \t90e2ba.fffe.0c3f1c-1 seq 0 RESPONSE MANAGEMENT CURRENT_DATA_SET
            \t\tstepsRemoved     1
            \t\toffsetFromMaster -12.0
            \t\tmeanPathDelay    523.5
            sending: GET TIME_STATUS_NP
            \t90e2ba.fffe.0c3f1c-1 seq 1 RESPONSE MANAGEMENT TIME_STATUS_NP
            \t\tmaster_offset              -14
            \t\tingress_time               1700000000000000000
            \t\tgmPresent                  true
            \t\tgmIdentity                 001122.fffe.334455
            """
        let f = PTPDaemonsReport.parsePMC(text)
        #expect(f["offsetFromMaster"] == "-12.0")
        #expect(f["meanPathDelay"] == "523.5")
        #expect(f["stepsRemoved"] == "1")
        #expect(f["master_offset"] == "-14")
        #expect(f["gmPresent"] == "true")
        #expect(f["gmIdentity"] == "001122.fffe.334455")
        #expect(PTPDaemonsReport.parsePMC("sending: GET CURRENT_DATA_SET\n").isEmpty)
    }

    @Test("pmc output captured from linuxptp 3.1.1 with two queries in one call parses too")
    func pmcRealOutput() {
        // pmc -u -b 0 -s SOCK 'GET CURRENT_DATA_SET' 'GET TIME_STATUS_NP' against a lone
        // software-timestamping ptp4l master on a veth (it prints both "sending:" lines first).
        let text = """
            sending: GET CURRENT_DATA_SET
            sending: GET TIME_STATUS_NP
            \tc2b169.fffe.791bee-0 seq 0 RESPONSE MANAGEMENT CURRENT_DATA_SET\u{20}
            \t\tstepsRemoved     0
            \t\toffsetFromMaster 0.0
            \t\tmeanPathDelay    0.0
            \tc2b169.fffe.791bee-0 seq 1 RESPONSE MANAGEMENT TIME_STATUS_NP\u{20}
            \t\tmaster_offset              0
            \t\tingress_time               0
            \t\tcumulativeScaledRateOffset +0.000000000
            \t\tscaledLastGmPhaseChange    0
            \t\tgmTimeBaseIndicator        0
            \t\tlastGmPhaseChange          0x0000'0000000000000000.0000
            \t\tgmPresent                  false
            \t\tgmIdentity                 c2b169.fffe.791bee
            """
        let f = PTPDaemonsReport.parsePMC(text)
        #expect(f["offsetFromMaster"] == "0.0")
        #expect(f["meanPathDelay"] == "0.0")
        #expect(f["gmPresent"] == "false")
        #expect(f["gmIdentity"] == "c2b169.fffe.791bee")
    }

    @Test("/proc/interrupts lines are tied to NICs by interface name, virtio queue or PCI address — not by a config IRQ")
    func interruptMatching() {
        let text = """
                       CPU0       CPU1
             35:          0          1 PCI-MSIX-0000:00:02.0   0-edge      virtio1-config
             37:          0          0 PCI-MSIX-0000:00:03.0   0-edge      virtio2-config
             38:          0        351 PCI-MSIX-0000:00:03.0   1-edge      virtio2-input.0
             39:        344          0 PCI-MSIX-0000:00:03.0   2-edge      virtio2-output.0
            120:         10          5 IR-PCI-MSI 31457280-edge      ens1f0-TxRx-0
            130:          1          1 IR-PCI-MSI 1-edge      mlx5_comp0@pci:0000:5e:00.0
            NMI:          0          0   Non-maskable interrupts
            """
        let lines = IRQReport.parseInterrupts(text)
        #expect(lines.map(\.irq) == [35, 37, 38, 39, 120, 130])
        #expect(lines.first { $0.irq == 38 }?.count == 351)
        let ts = TimestampingCapabilities.decode(soTimestamping: 0, phcIndex: -1, txTypes: 0, rxFilters: 0)
        let nics = [
            NICReport(name: "eth0", pciAddress: "0000:00:03.0", virtioDevice: "virtio2", timestamping: ts, hwtstampConfig: ""),
            NICReport(name: "ens1f0", pciAddress: "0000:3b:00.0", timestamping: ts, hwtstampConfig: ""),
            NICReport(name: "ens2", pciAddress: "0000:5e:00.0", timestamping: ts, hwtstampConfig: ""),
            NICReport(name: "lo", timestamping: ts, hwtstampConfig: ""),
        ]
        let matched = lines.compactMap { l in IRQReport.match(l.name, nics: nics).map { (l.irq, $0.0, $0.1) } }
        #expect(matched.map(\.0) == [38, 39, 120, 130])
        #expect(matched.map(\.1) == ["eth0", "eth0", "ens1f0", "ens2"])
        #expect(matched.map(\.2) == ["virtio queue", "virtio queue", "interface name", "PCI address"])
    }

    @Test("isolcpus= flags and CPU lists are separated; cpumasks and cpulists round-trip")
    func kernelParameters() {
        let cmd = HostProbe.kernelCommandLine("BOOT_IMAGE=/vmlinuz isolcpus=managed_irq,domain,2-5,8 nohz_full=2-5 quiet -- init=1")
        #expect(cmd["isolcpus"] == "managed_irq,domain,2-5,8")
        #expect(cmd["quiet"] == "")
        #expect(cmd["init"] == nil)
        let (flags, cpus) = HostProbe.flagsAndCPUs(cmd["isolcpus"]!)
        #expect(flags == ["managed_irq", "domain"])
        #expect(cpus == [2, 3, 4, 5, 8])
        #expect(HostProbe.cpuListString([8, 2, 3, 4, 5]) == "2-5,8")
        #expect(HostProbe.parseCPUMask("3c") == [2, 3, 4, 5])
        #expect(HostProbe.parseCPUMask("1,00000000") == [32])
    }

    @Test("the kernel's TSC calibration is read from its log, refined calibration first")
    func kernelLogTSC() throws {
        let lines = ["tsc: Detected 2499.998 MHz processor", "tsc: Refined TSC clocksource calibration: 2500.001 MHz"]
        let (hz, line) = try #require(CPUReport.kernelLogTSC(lines))
        #expect(hz == 2_500_001_000)
        #expect(line.contains("Refined"))
        #expect(CPUReport.kernelLogTSC(["tsc: Detected 2499.998 MHz processor"])?.0 == 2_499_998_000)
        #expect(CPUReport.kernelLogTSC(["unrelated"]) == nil)
    }

    @Test("ETHTOOL_GET_TS_INFO bits decode to ethtool's names")
    func timestampingNames() {
        let t = TimestampingCapabilities.decode(soTimestamping: 0x45, phcIndex: 2, txTypes: 0x3, rxFilters: (1 << 0) | (1 << 12))
        #expect(t.capabilities == ["hardware-transmit", "hardware-receive", "hardware-raw-clock"])
        #expect(t.phcIndex == 2)
        #expect(t.txTypes == ["off", "on"])
        #expect(t.rxFilters == ["none", "ptpv2-event"])
    }

    @Test("--fpga-id parses VENDOR:DEVICE in hex and refuses anything else")
    func pciIDs() {
        #expect(PCIID("10ee:903f") == PCIID(vendor: 0x10ee, device: 0x903f))
        #expect(PCIID("0x1D0F:0xF001")?.description == "1d0f:f001")
        #expect(PCIID("10ee") == nil)
        #expect(PCIID("xyz:1") == nil)
    }
}
