import Foundation
import VegaHardware

/// Human-readable rendering of `vega diag` reports. Every figure is followed by its source where
/// the section does not state it once.
enum DiagText {
    static func render(_ r: HostReport) -> String {
        var o = Out()
        o.line("Vega host diagnostics (read-only)")
        cpu(r.cpu, &o)
        numa(r.numa, &o)
        hugepages(r.hugepages, &o)
        nics(r.nics, &o)
        ptpClocks(r.ptpClocks, &o)
        backends(r.backends, &o)
        fpga(r.fpga, &o)
        daemons(r.ptpDaemons, &o)
        irqs(r.irqs, &o)
        if let p = r.profile {
            o.section("Profile \(p.profile.rawValue): \(p.passed) passed, \(p.warnings) warning(s), \(p.failures) failed")
            for res in p.results { o.line("  " + res.line) }
        }
        return o.text
    }

    struct Out {
        var text = ""
        mutating func line(_ s: String) { text += s + "\n" }
        mutating func section(_ s: String) { text += "\n" + s + "\n" }
        mutating func kv(_ k: String, _ v: String) {
            text += "  " + k.padding(toLength: max(15, k.count), withPad: " ", startingAt: 0) + " " + v + "\n"
        }
    }

    static func cpus(_ c: [Int]) -> String {
        guard !c.isEmpty else { return "none" }
        let s = Array(Set(c)).sorted()
        var parts: [String] = []
        var i = 0
        while i < s.count {
            var j = i
            while j + 1 < s.count && s[j + 1] == s[j] + 1 { j += 1 }
            parts.append(i == j ? "\(s[i])" : "\(s[i])-\(s[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }

    static func yes(_ b: Bool) -> String { b ? "yes" : "no" }

    static func mhz(_ hz: UInt64) -> String { String(format: "%.3f MHz", Double(hz) / 1e6) }

    static func bytes(_ b: UInt64) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(b)
        var u = 0
        while v >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        return u == 0 ? "\(b) bytes" : String(format: "%.1f %@", v, units[u])
    }

    static func ns(_ v: Int64) -> String {
        let a = abs(v)
        if a < 10_000 { return "\(v) ns" }
        if a < 10_000_000 { return String(format: "%.1f µs", Double(v) / 1e3) }
        return String(format: "%.3f ms", Double(v) / 1e6)
    }

    static func cpu(_ c: CPUReport, _ o: inout Out) {
        o.section("CPU")
        o.kv("model", "\(c.modelName ?? "not reported") (\(c.vendor ?? "vendor not reported")) [/proc/cpuinfo]")
        let f = c.cpuinfoFlags
        o.kv("TSC flags", "constant_tsc \(yes(f.constantTSC)), nonstop_tsc \(yes(f.nonstopTSC)), rdtscp \(yes(f.rdtscp)), tsc_known_freq \(yes(f.tscKnownFreq)) [\(f.source)]")
        if let id = c.cpuid {
            o.kv("CPUID", "invariant TSC \(yes(id.invariantTSC)) [0x80000007 EDX bit 8], rdtscp \(yes(id.rdtscp)) [0x80000001 EDX bit 27]")
        } else {
            o.kv("CPUID", "not available (not x86)")
        }
        let t = c.tscFrequency
        o.kv("TSC frequency", t.hz.map { "\(mhz($0)) — source: \(t.detail)" } ?? "unknown — \(t.detail)")
        if let m = t.measuredHz {
            let ppm = t.measuredUncertaintyPPM.map { String(format: " ± %.1f ppm", $0) } ?? ""
            var cross = ""
            if let hz = t.hz, t.source != "measured" {
                let ppm = (Double(m) - Double(hz)) / Double(hz) * 1e6
                cross = abs(ppm) < 1 ? "; agrees with the \(t.source) figure within 1 ppm"
                    : String(format: "; differs from the %@ figure by %+.1f ppm", t.source, ppm)
            }
            o.kv("", "measured \(mhz(m))\(ppm) against CLOCK_MONOTONIC_RAW over ~50 ms\(cross)"
                + (c.clocksource.current == "tsc" ? " (clocksource is tsc, so MONOTONIC_RAW is TSC-derived: this checks the kernel's calibration, not the crystal)" : ""))
        }
        if let cm = t.cpuinfoMHz { o.kv("", String(format: "cpu MHz %.3f [/proc/cpuinfo: the core clock as the kernel last saw it, not a TSC measurement]", cm)) }
        o.kv("online CPUs", "\(cpus(c.onlineCPUs)) [/sys/devices/system/cpu/online]")
        let i = c.isolation
        o.kv("isolated", "\(cpus(i.isolatedCPUs)) [/sys/devices/system/cpu/isolated]; isolcpus=\(i.isolcpusParameter ?? " not on the kernel command line")")
        o.kv("nohz_full", "\(cpus(i.nohzFullCPUs)) [/sys/devices/system/cpu/nohz_full]; nohz_full=\(i.nohzFullParameter ?? " not on the kernel command line")")
        o.kv("rcu_nocbs", i.rcuNocbsParameter.map { "\($0) [/proc/cmdline]" } ?? "not on the kernel command line")
        let s = c.frequencyScaling
        if s.cpufreqPresent {
            let groups = Dictionary(grouping: s.governors, by: { $0.governor ?? "no cpufreq" }).sorted { $0.key < $1.key }
            o.kv("governor", groups.map { "\($0.key) on CPU \(cpus($0.value.map(\.cpu)))" }.joined(separator: "; ")
                + (s.governors.first?.driver.map { " (driver \($0))" } ?? "") + " [scaling_governor]")
        } else {
            o.kv("governor", "cpufreq absent — \(s.detail)")
        }
        o.kv("clocksource", "\(c.clocksource.current ?? "unreadable") (available: \(c.clocksource.available.joined(separator: ", "))) [/sys/devices/system/clocksource/clocksource0]")
    }

    static func numa(_ n: NUMAReport, _ o: inout Out) {
        o.section("NUMA [\(n.source)]")
        for node in n.nodes {
            o.kv("node \(node.id)", "CPUs \(cpus(node.cpus)), memory " + (node.memoryBytes > 0 ? "\(bytes(node.memoryBytes)) (\(bytes(node.freeBytes)) free)" : "unknown"))
        }
        o.kv("numa_balancing", n.numaBalancing.map { "\($0) (\($0 == 0 ? "off" : "on")) [/proc/sys/kernel/numa_balancing]" } ?? "not in this kernel")
    }

    static func hugepages(_ h: HugepagesReport, _ o: inout Out) {
        o.section("Hugepages [/sys/kernel/mm/hugepages, /sys/devices/system/node/nodeN/hugepages]")
        if h.pools.isEmpty { o.kv("pools", "none (kernel without hugetlbfs?)") }
        for p in h.pools {
            let nodes = p.perNode.map { "node \($0.node): \($0.reserved) reserved, \($0.free) free" }.joined(separator: "; ")
            o.kv(bytes(p.sizeKiB * 1024) + " pages", "\(p.reserved) reserved, \(p.free) free" + (nodes.isEmpty ? "" : " (\(nodes))"))
        }
        o.kv("THP", "\(h.transparentHugepages ?? "not available") [/sys/kernel/mm/transparent_hugepage/enabled]")
        o.kv("memlock", (h.memlock.unlimited ? "unlimited" : h.memlock.limitBytes.map(bytes) ?? "unknown") + " [\(h.memlock.source)]")
    }

    static func nics(_ list: [NICReport], _ o: inout Out) {
        o.section("NICs [/sys/class/net, ETHTOOL_GDRVINFO, ETHTOOL_GET_TS_INFO, SIOCGHWTSTAMP]")
        if list.isEmpty { o.line("  none") }
        for n in list {
            let driver = n.driver.map { "\($0)\(n.driverVersion.map { " \($0)" } ?? "")" } ?? "no driver info (\(n.driverError ?? "?"))"
            o.line("  \(n.name): \(driver), \(n.operstate ?? "state ?"), MAC \(n.mac ?? "?"), MTU \(n.mtu.map(String.init) ?? "?")")
            var where_ = "device: " + (n.pciAddress.map { "PCI \($0)" } ?? "none (virtual)")
            if let v = n.virtioDevice { where_ += " (\(v))" }
            if n.pciAddress != nil { where_ += ", NUMA node " + (n.numaNode.map(String.init) ?? "not reported (-1)") }
            if let b = n.busInfo, b != n.pciAddress { where_ += ", bus info \(b)" }
            o.line("      \(where_)")
            if !n.ipv4Addresses.isEmpty { o.line("      IPv4: \(n.ipv4Addresses.joined(separator: ", "))") }
            let t = n.timestamping
            if let e = t.error {
                o.line("      timestamping: unknown (\(e))")
            } else {
                o.line("      timestamping: \(t.capabilities.joined(separator: ", ").isEmpty ? "none" : t.capabilities.joined(separator: ", "))")
                o.line("      PHC: \(t.phcIndex.map { "/dev/ptp\($0)" } ?? "none"); tx types: \(t.txTypes.isEmpty ? "none" : t.txTypes.joined(separator: ", ")); rx filters: \(t.rxFilters.isEmpty ? "none" : t.rxFilters.joined(separator: ", "))")
            }
            o.line("      hwtstamp config: \(n.hwtstampConfig); queues: \(n.rxQueues) rx, \(n.txQueues) tx")
        }
    }

    static func ptpClocks(_ list: [PTPClockReport], _ o: inout Out) {
        o.section("PTP clocks [/sys/class/ptp, /dev/ptpN]")
        if list.isEmpty { o.line("  none (no /dev/ptp*)") }
        for c in list {
            o.line("  \(c.path): \(c.clockName ?? "no clock_name"), interface \(c.interfaces.isEmpty ? "none" : c.interfaces.joined(separator: ", "))")
            if let caps = c.capabilities {
                o.line("      max adj \(caps.maxFrequencyAdjustmentPPB) ppb, \(caps.externalTimestampChannels) ext ts, \(caps.periodicOutputs) per out, pps \(yes(caps.pps)), \(caps.pins) pins, cross-timestamping \(yes(caps.crossTimestamping))")
            }
            if let off = c.offset {
                o.line("      offset to CLOCK_REALTIME: \(ns(off.offsetNanoseconds)) ± \(off.uncertaintyNanoseconds) ns (PTP_SYS_OFFSET \(off.method.rawValue))")
            }
            if let e = c.error { o.line("      error: \(e)") }
        }
    }

    static func backends(_ list: [BackendReport], _ o: inout Out) {
        o.section("Backends")
        for b in list {
            o.kv(b.name, (b.available ? "available" : "unavailable") + " — \(b.detail)")
        }
    }

    static func fpga(_ f: FPGAReport, _ o: inout Out) {
        o.section("FPGA [/sys/bus/pci/devices, /dev/shm/vega-fpga-*]")
        if f.devices.isEmpty {
            o.kv("PCI devices", "none bound to vfio-pci" + (f.configuredIDs.isEmpty ? "; no --fpga-id given" : "; none with id \(f.configuredIDs.map(\.description).joined(separator: ", "))"))
        }
        for d in f.devices {
            o.line("  \(d.pciAddress) [\(d.id)]: driver \(d.driver ?? "none"), IOMMU group \(d.iommuGroup.map(String.init) ?? "none"), NUMA node \(d.numaNode.map(String.init) ?? "not reported") (\(d.reason))")
            for b in d.bars {
                o.line("      BAR\(b.index): \(bytes(b.sizeBytes)) \(b.kind)\(b.prefetchable ? ", prefetchable" : "")\(b.writeCombining ? ", resource\(b.index)_wc" : "")")
            }
        }
        if !f.missingConfiguredIDs.isEmpty && !f.devices.isEmpty {
            o.kv("not found", f.missingConfiguredIDs.map(\.description).joined(separator: ", "))
        }
        if f.simulatorRings.isEmpty { o.kv("sim rings", "none") }
        for r in f.simulatorRings {
            if r.valid {
                let age = r.heartbeatAgeNanoseconds.map { "heartbeat \(ns($0)) ago" } ?? "no heartbeat yet"
                let alive = r.writerAlive.map { $0 ? "alive" : "gone" } ?? "unknown"
                o.line("  \(r.path): \(r.slotCount ?? 0) slots, write seq \(r.writeSequence ?? 0), writer pid \(r.writerPID ?? 0) (\(alive)), \(age)")
            } else {
                o.line("  \(r.path): invalid — \(r.error ?? "?")")
            }
        }
    }

    static func daemons(_ d: PTPDaemonsReport, _ o: inout Out) {
        o.section("PTP / time daemons [/proc/*/comm]")
        for x in d.daemons {
            o.kv(x.name, x.running ? "running (pid \(x.pids.map(String.init).joined(separator: ", ")))" : "not running")
        }
        var pmc = d.pmc.detail
        if d.pmc.ran {
            var parts: [String] = []
            if let v = d.pmc.offsetFromMasterNanoseconds { parts.append("offsetFromMaster \(v) ns") }
            if let v = d.pmc.meanPathDelayNanoseconds { parts.append("meanPathDelay \(v) ns") }
            if let v = d.pmc.stepsRemoved { parts.append("stepsRemoved \(v)") }
            if let v = d.pmc.masterOffsetNanoseconds { parts.append("master_offset \(v) ns") }
            if let v = d.pmc.gmPresent { parts.append("gmPresent \(v)") }
            if let v = d.pmc.gmIdentity { parts.append("gmIdentity \(v)") }
            pmc = (parts.isEmpty ? "no values" : parts.joined(separator: ", ")) + " [\(d.pmc.detail)]"
        }
        o.kv("pmc", pmc)
    }

    static func irqs(_ i: IRQReport, _ o: inout Out) {
        o.section("IRQs of NIC queues [\(i.source)]")
        if i.nicInterrupts.isEmpty { o.line("  none found") }
        for q in i.nicInterrupts {
            let eff = q.effectiveAffinity.map { "effective \(cpus($0))" } ?? "effective unknown"
            let iso = q.onIsolatedCPUs.isEmpty ? "not on an isolated core" : "ON ISOLATED CPU \(cpus(q.onIsolatedCPUs))"
            o.line("  IRQ \(q.irq) \(q.name) (\(q.interface), by \(q.matchedBy)): \(q.count) interrupts, affinity \(cpus(q.affinity)), \(eff) — \(iso)")
        }
        o.kv("irqbalance", i.irqbalance.detail)
    }

    // MARK: timestamps

    static func render(_ r: TimestampProbe.Report, perPacket: Bool) -> String {
        var o = Out()
        o.line("vega diag timestamps on \(r.interface): \(r.requested) packet(s) \(r.sender) → \(r.receiver), \(r.received) received")
        o.line("  \(r.warmupPackets) warm-up packet(s) sent first, not counted (until one came back with an RX stamp)")
        o.line("  software stamps: \(r.softwareTimestamping ? "enabled" : "off"); RX stamped \(r.rxSoftwareStamps)/\(r.received); TX stamps matched by OPT_ID \(r.txStampsMatched)/\(r.requested)")
        if r.hardwareTimestamping {
            o.line("  hardware stamps: enabled; RX stamped \(r.rxHardwareStamps)/\(r.received)")
        } else {
            o.line("  hardware timestamps: \(r.hardwareUnavailableReason ?? "unavailable")")
        }
        o.line("")
        o.line("  " + "delta".padding(toLength: 28, withPad: " ", startingAt: 0) + ["p50", "p99", "max", "min"].map { $0.leftPad(11) }.joined() + "  samples")
        func row(_ name: String, _ s: TimestampProbe.Stats?) {
            guard let s else {
                o.line("  " + name.padding(toLength: 28, withPad: " ", startingAt: 0) + "no samples")
                return
            }
            o.line("  " + name.padding(toLength: 28, withPad: " ", startingAt: 0)
                + [s.p50Nanoseconds, s.p99Nanoseconds, s.maxNanoseconds, s.minNanoseconds].map { ns($0).leftPad(11) }.joined()
                + "  \(s.samples)")
        }
        row("TX sw → RX sw (kernel path)", r.txToRxSoftware)
        row("RX sw → userspace", r.rxSoftwareToUser)
        if r.hardwareTimestamping { row("TX hw → RX hw (NIC)", r.txToRxHardware) }
        for n in r.notes { o.line("  note: \(n)") }
        if perPacket {
            o.line("")
            o.line("  " + ["id", "TX sw → RX sw", "RX sw → user", "TX hw → RX hw"].map { $0.leftPad(15) }.joined())
            for p in r.packets {
                func cell(_ v: Int64?, _ missing: String) -> String { (v.map(ns) ?? missing).leftPad(15) }
                let txMissing = p.txSoftwareNanoseconds == nil ? "no TX stamp" : "no RX stamp"
                o.line("  " + String(p.id).leftPad(15)
                    + (p.received ? cell(p.txToRxSoftwareNanoseconds, txMissing) + cell(p.rxSoftwareToUserNanoseconds, "no RX stamp")
                        + cell(p.txToRxHardwareNanoseconds, "-") : "not received".leftPad(15)))
            }
        }
        return o.text
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? " " + self : String(repeating: " ", count: n - count) + self }
}
