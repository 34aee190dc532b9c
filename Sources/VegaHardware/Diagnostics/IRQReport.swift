import Glibc

/// The `irqs` section: where the NICs' queue interrupts are delivered, and irqbalance.
public struct IRQReport: Codable, Sendable, Equatable {
    public struct NICInterrupt: Codable, Sendable, Equatable {
        public var irq: Int
        /// The action name from /proc/interrupts ("eth0-TxRx-0", "virtio2-input.0").
        public var name: String
        public var interface: String
        /// "interface name", "PCI address" or "virtio queue": how the line was tied to the NIC.
        public var matchedBy: String
        /// Interrupts delivered so far, summed over CPUs.
        public var count: UInt64
        /// /proc/irq/N/smp_affinity_list: where the kernel may deliver it.
        public var affinity: [Int]
        /// /proc/irq/N/effective_affinity_list: where it is delivered (nil on kernels without it).
        public var effectiveAffinity: [Int]?
        /// Isolated CPUs it is delivered to (effective affinity, else allowed affinity).
        public var onIsolatedCPUs: [Int]
        public init(irq: Int, name: String, interface: String, matchedBy: String, count: UInt64, affinity: [Int],
                    effectiveAffinity: [Int]?, onIsolatedCPUs: [Int]) {
            self.irq = irq
            self.name = name
            self.interface = interface
            self.matchedBy = matchedBy
            self.count = count
            self.affinity = affinity
            self.effectiveAffinity = effectiveAffinity
            self.onIsolatedCPUs = onIsolatedCPUs
        }
    }

    public struct IRQBalance: Codable, Sendable, Equatable {
        public var running: Bool
        public var pids: [Int32]
        /// IRQBALANCE_BANNED_CPULIST / IRQBALANCE_BANNED_CPUS from the daemon's environment
        /// (/etc/default/irqbalance on Debian): CPUs it will not place IRQs on. nil when not running
        /// or its environment is unreadable.
        public var bannedCPUs: [Int]?
        public var detail: String
        public init(running: Bool, pids: [Int32], bannedCPUs: [Int]?, detail: String) {
            self.running = running
            self.pids = pids
            self.bannedCPUs = bannedCPUs
            self.detail = detail
        }
    }

    public var nicInterrupts: [NICInterrupt]
    public var irqbalance: IRQBalance
    /// "/proc/interrupts", or why it could not be read.
    public var source: String

    public init(nicInterrupts: [NICInterrupt], irqbalance: IRQBalance, source: String) {
        self.nicInterrupts = nicInterrupts
        self.irqbalance = irqbalance
        self.source = source
    }

    /// One parsed /proc/interrupts line with a number.
    struct Line: Equatable {
        var irq: Int
        var count: UInt64
        var name: String
    }

    /// Parses /proc/interrupts: the header gives the CPU column count; the action name is the
    /// last field (several names of a shared line are joined by ", ").
    static func parseInterrupts(_ text: String) -> [Line] {
        let lines = text.split(separator: "\n")
        guard let header = lines.first else { return [] }
        let cpus = header.split(separator: " ").filter { $0.hasPrefix("CPU") }.count
        return lines.dropFirst().compactMap { line in
            let tokens = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = tokens.first, first.hasSuffix(":"), let irq = Int(first.dropLast()) else { return nil }
            let counts = tokens.dropFirst().prefix(cpus).compactMap { UInt64($0) }
            let rest = Array(tokens.dropFirst(1 + counts.count))
            guard var i = rest.indices.last else { return nil }
            while i > 2, rest[i - 1].hasSuffix(",") { i -= 1 }
            return Line(irq: irq, count: counts.reduce(0, +), name: rest[i...].joined(separator: " "))
        }
    }

    /// Which NIC a line's action name belongs to, and how we know.
    static func match(_ name: String, nics: [NICReport]) -> (String, String)? {
        for nic in nics {
            // Only interfaces backed by a device have queue IRQs (lo, veth, bridges have none).
            guard nic.pciAddress != nil || nic.virtioDevice != nil else { continue }
            for action in name.split(separator: ",").map({ $0.trimmingWhitespace() }) {
                if action == nic.name || action.hasPrefix(nic.name + "-") || action.hasPrefix(nic.name + "@") {
                    return (nic.name, "interface name")
                }
                if let v = nic.virtioDevice, action.hasPrefix(v + "-input") || action.hasPrefix(v + "-output") {
                    return (nic.name, "virtio queue")
                }
                if let pci = nic.pciAddress, action.contains(pci) { return (nic.name, "PCI address") }
            }
        }
        return nil
    }

    static func gather(nics: [NICReport], isolated: [Int], processes: [HostProbe.Process]) -> IRQReport {
        let text = Sysfs.read("/proc/interrupts")
        let iso = Set(isolated)
        let interrupts = parseInterrupts(text ?? "").compactMap { line -> NICInterrupt? in
            guard let (nic, how) = match(line.name, nics: nics) else { return nil }
            let affinity = Sysfs.parseCPUList(Sysfs.read("/proc/irq/\(line.irq)/smp_affinity_list") ?? "")
            let effective = Sysfs.read("/proc/irq/\(line.irq)/effective_affinity_list").map(Sysfs.parseCPUList)
            return NICInterrupt(
                irq: line.irq, name: line.name, interface: nic, matchedBy: how, count: line.count, affinity: affinity,
                effectiveAffinity: effective, onIsolatedCPUs: (effective ?? affinity).filter { iso.contains($0) })
        }
        let pids = processes.filter { $0.comm == "irqbalance" }.map(\.pid)
        var banned: [Int]?
        var detail = pids.isEmpty ? "not running (no process named irqbalance)" : "running"
        if let pid = pids.first {
            if let env = HostProbe.environment(of: pid) {
                if let list = env["IRQBALANCE_BANNED_CPULIST"], !list.isEmpty {
                    banned = Sysfs.parseCPUList(list)
                    detail = "running; IRQBALANCE_BANNED_CPULIST=\(list) in its environment"
                } else if let mask = env["IRQBALANCE_BANNED_CPUS"], !mask.isEmpty {
                    banned = HostProbe.parseCPUMask(mask)
                    detail = "running; IRQBALANCE_BANNED_CPUS=\(mask) in its environment"
                } else {
                    banned = []
                    detail = "running; no IRQBALANCE_BANNED_CPULIST/IRQBALANCE_BANNED_CPUS in its environment "
                        + "(irqbalance ≥ 1.7 also skips isolcpus/nohz_full CPUs by itself)"
                }
            } else {
                detail = "running; its environment (/proc/\(pid)/environ) is unreadable, banned CPUs unknown"
            }
        }
        return IRQReport(
            nicInterrupts: interrupts,
            irqbalance: IRQBalance(running: !pids.isEmpty, pids: pids, bannedCPUs: banned, detail: detail),
            source: text == nil ? "/proc/interrupts unreadable" : "/proc/interrupts, /proc/irq/N/{smp,effective}_affinity_list")
    }
}
