/// A set of host requirements `vega diag --profile` checks.
public enum DiagProfile: String, Codable, Sendable, CaseIterable {
    /// A colocated trading server: every requirement must hold (failures exit non-zero).
    case colo
    /// A development machine: the same checks, reported as warnings only.
    case laptop
}

/// The outcome of one requirement.
public struct RequirementResult: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case pass, warn, fail
    }

    /// Short stable id, e.g. "hugepages".
    public var id: String
    public var status: Status
    /// What the host has, with the source.
    public var found: String
    /// What the profile requires.
    public var required: String
    /// How to fix it; nil when it passes.
    public var fix: String?

    public init(id: String, status: Status, found: String, required: String, fix: String?) {
        self.id = id
        self.status = status
        self.found = found
        self.required = required
        self.fix = fix
    }

    /// "FAIL hugepages: found …; required … — fix: …"
    public var line: String {
        let head = "\(status.rawValue.uppercased()) \(id): \(found); required: \(required)"
        guard status != .pass, let fix else { return head }
        return head + " — fix: " + fix
    }
}

/// All results of a profile, as they appear under `profile` in the JSON form.
public struct ProfileReport: Codable, Sendable, Equatable {
    public var profile: DiagProfile
    public var results: [RequirementResult]
    public var passed: Int
    public var warnings: Int
    public var failures: Int

    public init(profile: DiagProfile, results: [RequirementResult]) {
        self.profile = profile
        self.results = results
        passed = results.filter { $0.status == .pass }.count
        warnings = results.filter { $0.status == .warn }.count
        failures = results.filter { $0.status == .fail }.count
    }
}

/// Evaluates a `HostReport` against a profile: a pure function of the report, so tests can feed
/// it synthetic hosts.
public enum ProfileEvaluation {
    /// Each requirement: id, what colo requires, and why (for `--help` and the docs).
    public static let requirements: [(id: String, required: String, why: String)] = [
        ("tsc-invariant", "constant_tsc and nonstop_tsc in /proc/cpuinfo", "lane stamps are TSC reads: one rate in every power state"),
        ("rdtscp", "rdtscp in /proc/cpuinfo", "stage stamps use rdtscp, ordered after earlier work"),
        ("clocksource", "current clocksource tsc", "others make clock_gettime slow (an HPET read, a VM exit)"),
        ("isolated-cores", "≥ 1 CPU both isolated and nohz_full", "lanes busy-poll on cores the scheduler and tick leave alone"),
        ("governor", "governor performance on every CPU (if cpufreq exists)", "no frequency ramp-up when a quiet lane wakes"),
        ("hugepages", "≥ 1 reserved hugepage (nr_hugepages)", "rings, books and pools are mapped with MAP_HUGETLB"),
        ("memlock", "RLIMIT_MEMLOCK unlimited or ≥ 1 GiB", "lane memory is mlock'd so it is never paged out"),
        ("numa-balancing", "kernel.numa_balancing = 0", "it unmaps pages to sample them: faults on the hot path"),
        ("nic-hw-timestamping", "≥ 1 NIC with hardware TX+RX stamps (raw clock) and a PHC", "wire-time stamps for latency measurement and PTP"),
        ("ptp-clock", "≥ 1 /dev/ptpN", "a PTP hardware clock to discipline and to stamp against"),
        ("ptp4l", "ptp4l running", "synchronises the NIC's PHC to the exchange's grandmaster"),
        ("phc2sys", "phc2sys running", "steers CLOCK_REALTIME to the PHC: software stamps agree"),
        ("irq-isolation", "no NIC queue IRQ on an isolated core; irqbalance bans them", "an interrupt on a lane's core is a latency spike"),
    ]

    public static func evaluate(_ r: HostReport, _ profile: DiagProfile) -> [RequirementResult] {
        var out: [RequirementResult] = []
        func add(_ id: String, _ ok: Bool, found: String, fix: String, warnOnly: Bool = false) {
            let required = requirements.first { $0.id == id }?.required ?? ""
            var status: RequirementResult.Status = ok ? .pass : (warnOnly ? .warn : .fail)
            if profile == .laptop && status == .fail { status = .warn }
            out.append(RequirementResult(id: id, status: status, found: found, required: required, fix: ok ? nil : fix))
        }
        func yes(_ b: Bool) -> String { b ? "yes" : "no" }
        let cpu = r.cpu
        let f = cpu.cpuinfoFlags

        let cpuidNote = cpu.cpuid.map { "; CPUID invariant TSC: \(yes($0.invariantTSC))" } ?? ""
        add("tsc-invariant", f.constantTSC && f.nonstopTSC,
            found: "constant_tsc \(yes(f.constantTSC)), nonstop_tsc \(yes(f.nonstopTSC)) (\(f.source))\(cpuidNote)",
            fix: "use a CPU with an invariant TSC; in a VM, expose it (e.g. QEMU -cpu host,+invtsc) — without it lane timestamps drift with the core clock")
        add("rdtscp", f.rdtscp, found: "rdtscp \(yes(f.rdtscp)) (\(f.source))",
            fix: "use a CPU (or a VM CPU model) that exposes rdtscp")
        let cs = cpu.clocksource.current
        add("clocksource", cs == "tsc",
            found: "current clocksource \(cs ?? "unreadable"); available: \(cpu.clocksource.available.joined(separator: " ").ifEmpty("none listed"))",
            fix: cpu.clocksource.available.contains("tsc")
                ? "echo tsc > /sys/devices/system/clocksource/clocksource0/current_clocksource, and add clocksource=tsc tsc=reliable to the kernel command line"
                : "tsc is not an available clocksource (the kernel found it unstable): check the BIOS/hypervisor TSC settings, then boot with clocksource=tsc tsc=reliable")

        let iso = cpu.isolation
        let ready = iso.laneReadyCPUs
        add("isolated-cores", !ready.isEmpty,
            found: "isolated: \(HostProbe.cpuListString(iso.allIsolated).ifEmpty("none")), nohz_full: \(HostProbe.cpuListString(iso.nohzFullCPUs).ifEmpty("none")) (/sys/devices/system/cpu/{isolated,nohz_full}, /proc/cmdline)",
            fix: "boot with isolcpus=managed_irq,domain,CPUS nohz_full=CPUS rcu_nocbs=CPUS (e.g. CPUS=2-7) via GRUB_CMDLINE_LINUX, update-grub, reboot; then Scripts/tune-host.sh --apply --cores CPUS")

        let scaling = cpu.frequencyScaling
        if scaling.cpufreqPresent {
            let bad = scaling.governors.filter { $0.governor != "performance" }
            let summary = Dictionary(grouping: scaling.governors, by: { $0.governor ?? "none" })
                .sorted { $0.key < $1.key }
                .map { "\($0.key) on CPU \(HostProbe.cpuListString($0.value.map(\.cpu)))" }.joined(separator: ", ")
            add("governor", bad.isEmpty, found: "scaling_governor: \(summary)",
                fix: "Scripts/tune-host.sh --apply (or: for g in /sys/devices/system/cpu/cpu*/cpufreq/scaling_governor; do echo performance > $g; done)")
        } else {
            add("governor", true, found: "no cpufreq on this host: the governor cannot be checked (frequency set by firmware or hypervisor)", fix: "")
        }

        let hp = r.hugepages
        let pools = hp.pools.map { "\($0.reserved) × \(sizeName($0.sizeKiB)) (\($0.free) free)" }.joined(separator: ", ")
        add("hugepages", hp.totalReserved >= 1, found: "\(pools.ifEmpty("no hugepage sizes in /sys/kernel/mm/hugepages")) reserved",
            fix: "echo 1024 > /proc/sys/vm/nr_hugepages (2 GiB of 2 MiB pages), or Scripts/tune-host.sh --apply --hugepages-2m 1024")

        let ml = hp.memlock
        let mlOK = ml.unlimited || (ml.limitBytes ?? 0) >= 1 << 30
        add("memlock", mlOK,
            found: ml.unlimited ? "unlimited" : ml.limitBytes.map { "\(byteString($0)) (\(ml.source))" } ?? ml.source,
            fix: "raise it for the service: LimitMEMLOCK=infinity in its systemd unit, or '* - memlock unlimited' in /etc/security/limits.d/vega.conf (then log in again)")

        let nb = r.numa.numaBalancing
        add("numa-balancing", nb == nil || nb == 0,
            found: nb.map { "kernel.numa_balancing = \($0)" } ?? "kernel has no NUMA balancing (/proc/sys/kernel/numa_balancing absent)",
            fix: "sysctl -w kernel.numa_balancing=0 (Scripts/tune-host.sh --apply persists it)")

        let hwNICs = r.nics.filter(\.hasHardwareTimestamping)
        add("nic-hw-timestamping", !hwNICs.isEmpty,
            found: hwNICs.isEmpty
                ? "none of \(r.nics.map(\.name).joined(separator: ", ").ifEmpty("no interfaces")) has hardware RX+TX stamping with a PHC (ETHTOOL_GET_TS_INFO)"
                : hwNICs.map { "\($0.name) (PHC /dev/ptp\($0.timestamping.phcIndex ?? -1))" }.joined(separator: ", "),
            fix: "use a NIC with hardware timestamping and a PHC (Solarflare/Xilinx X2/X3, NVIDIA ConnectX, Intel E810/i210) and its vendor driver; check with ethtool -T IF")

        add("ptp-clock", !r.ptpClocks.isEmpty,
            found: r.ptpClocks.isEmpty ? "no /dev/ptp* (/sys/class/ptp is empty)" : r.ptpClocks.map(\.path).joined(separator: ", "),
            fix: "load the NIC's driver with PTP support (its PHC appears as /dev/ptpN; ethtool -T IF shows the index)")

        let d = r.ptpDaemons
        add("ptp4l", d.isRunning("ptp4l"), found: d.isRunning("ptp4l") ? "running" : "not running (/proc/*/comm)",
            fix: "apt install linuxptp; systemctl enable --now ptp4l@IF (ptp4l -i IF -f /etc/linuxptp/ptp4l.conf)")
        add("phc2sys", d.isRunning("phc2sys"), found: d.isRunning("phc2sys") ? "running" : "not running (/proc/*/comm)",
            fix: "systemctl enable --now phc2sys@IF (phc2sys -s IF -c CLOCK_REALTIME -w); stop chronyd/ntpd/systemd-timesyncd steering the same clock")

        let onIsolated = r.irqs.nicInterrupts.filter { !$0.onIsolatedCPUs.isEmpty }
        let isolatedSet = Set(iso.allIsolated)
        let ib = r.irqs.irqbalance
        let unbanned = ib.running ? isolatedSet.subtracting(ib.bannedCPUs ?? []) : []
        if !onIsolated.isEmpty {
            add("irq-isolation", false,
                found: onIsolated.map { "IRQ \($0.irq) (\($0.name)) on isolated CPU \(HostProbe.cpuListString($0.onIsolatedCPUs))" }.joined(separator: ", "),
                fix: "move them: echo HOUSEKEEPING_CPUS > /proc/irq/N/smp_affinity_list for each, and ban the isolated cores in irqbalance (Scripts/tune-host.sh --apply --cores CPUS)")
        } else if !unbanned.isEmpty {
            add("irq-isolation", false,
                found: "no NIC queue IRQ on an isolated core now, but irqbalance runs without banning isolated CPU \(HostProbe.cpuListString(Array(unbanned))) (\(ib.detail))",
                fix: "IRQBALANCE_BANNED_CPULIST=\(HostProbe.cpuListString(iso.allIsolated)) in /etc/default/irqbalance and restart irqbalance (Scripts/tune-host.sh --apply --cores CPUS)",
                warnOnly: true)
        } else {
            add("irq-isolation", true,
                found: "\(r.irqs.nicInterrupts.count) NIC queue IRQ(s), none on an isolated core; irqbalance \(ib.running ? "running, isolated cores banned" : "not running")",
                fix: "")
        }
        return out
    }

    static func sizeName(_ kib: UInt64) -> String {
        kib >= 1 << 20 ? "\(kib >> 20) GiB" : kib >= 1024 ? "\(kib >> 10) MiB" : "\(kib) KiB"
    }

    static func byteString(_ b: UInt64) -> String {
        if b >= 1 << 30 && b % (1 << 30) == 0 { return "\(b >> 30) GiB" }
        if b >= 1 << 20 && b % (1 << 20) == 0 { return "\(b >> 20) MiB" }
        if b >= 1024 && b % 1024 == 0 { return "\(b >> 10) KiB" }
        return "\(b) bytes"
    }
}
