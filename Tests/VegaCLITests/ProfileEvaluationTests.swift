import Testing
@testable import VegaHardware

@Suite("Profile evaluation on synthetic hosts")
struct ProfileEvaluationTests {
    @Test("a perfect colo host passes every requirement")
    func perfectHostPasses() {
        let results = ProfileEvaluation.evaluate(SyntheticHosts.perfectColoHost(), .colo)
        #expect(results.map(\.id) == ProfileEvaluation.requirements.map(\.id))
        for r in results { #expect(r.status == .pass, "\(r.line)") }
    }

    /// One fact broken at a time: the requirement it belongs to fails alone, and its line says
    /// what was found and how to fix it.
    struct Breakage: Sendable, CustomTestStringConvertible {
        var id: String
        var mustMention: [String]
        var status: RequirementResult.Status = .fail
        var breakIt: @Sendable (inout HostReport) -> Void
        var testDescription: String { id }
    }

    static let breakages: [Breakage] = [
        Breakage(id: "tsc-invariant", mustMention: ["nonstop_tsc no", "invtsc"]) { $0.cpu.cpuinfoFlags.nonstopTSC = false },
        Breakage(id: "tsc-invariant", mustMention: ["constant_tsc no"]) { $0.cpu.cpuinfoFlags.constantTSC = false },
        Breakage(id: "rdtscp", mustMention: ["rdtscp no"]) { $0.cpu.cpuinfoFlags.rdtscp = false },
        Breakage(id: "clocksource", mustMention: ["current clocksource hpet", "current_clocksource"]) { $0.cpu.clocksource.current = "hpet" },
        Breakage(id: "isolated-cores", mustMention: ["nohz_full: none", "nohz_full=CPUS"]) { $0.cpu.isolation.nohzFullCPUs = [] },
        Breakage(id: "governor", mustMention: ["powersave on CPU 3", "tune-host.sh"]) {
            $0.cpu.frequencyScaling.governors[3].governor = "powersave"
        },
        Breakage(id: "hugepages", mustMention: ["0 × 2 MiB", "nr_hugepages"]) {
            $0.hugepages.pools = $0.hugepages.pools.map { var p = $0; p.reserved = 0; p.free = 0; return p }
        },
        Breakage(id: "memlock", mustMention: ["8 MiB", "LimitMEMLOCK"]) {
            $0.hugepages.memlock = .init(unlimited: false, limitBytes: 8 << 20, source: "synthetic")
        },
        Breakage(id: "numa-balancing", mustMention: ["kernel.numa_balancing = 1", "sysctl -w kernel.numa_balancing=0"]) {
            $0.numa.numaBalancing = 1
        },
        Breakage(id: "nic-hw-timestamping", mustMention: ["none of lo, ens1f0", "ethtool -T"]) {
            $0.nics[1].timestamping = .decode(soTimestamping: 0x1a, phcIndex: -1, txTypes: 0, rxFilters: 0)
        },
        Breakage(id: "ptp-clock", mustMention: ["no /dev/ptp*"]) { $0.ptpClocks = [] },
        Breakage(id: "ptp4l", mustMention: ["not running", "ptp4l@IF"]) {
            $0.ptpDaemons.daemons = $0.ptpDaemons.daemons.map { var d = $0; if d.name == "ptp4l" { d.running = false }; return d }
        },
        Breakage(id: "phc2sys", mustMention: ["not running", "phc2sys -s IF"]) {
            $0.ptpDaemons.daemons = $0.ptpDaemons.daemons.map { var d = $0; if d.name == "phc2sys" { d.running = false }; return d }
        },
        Breakage(id: "irq-isolation", mustMention: ["IRQ 120 (ens1f0-0) on isolated CPU 2", "smp_affinity_list"]) {
            $0.irqs.nicInterrupts[0].effectiveAffinity = [2]
            $0.irqs.nicInterrupts[0].onIsolatedCPUs = [2]
        },
        Breakage(id: "irq-isolation", mustMention: ["without banning isolated CPU 4-5", "IRQBALANCE_BANNED_CPULIST=2-5"], status: .warn) {
            $0.irqs.irqbalance.bannedCPUs = [2, 3]
        },
    ]

    @Test("each requirement fails alone when its fact is broken, with found / required / fix", arguments: breakages)
    func eachRequirementFailsAlone(_ b: Breakage) {
        var host = SyntheticHosts.perfectColoHost()
        b.breakIt(&host)
        let results = ProfileEvaluation.evaluate(host, .colo)
        let broken = results.filter { $0.status != .pass }
        #expect(broken.map(\.id) == [b.id], "\(broken.map(\.line))")
        guard let r = broken.first else { return }
        #expect(r.status == b.status)
        #expect(r.line.hasPrefix("\(b.status.rawValue.uppercased()) \(b.id): "))
        #expect(r.line.contains("required: "))
        #expect(r.line.contains(" — fix: "))
        for text in b.mustMention { #expect(r.line.contains(text), "\(r.line)") }
    }

    @Test("the laptop profile turns every failure into a warning")
    func laptopOnlyWarns() {
        var host = SyntheticHosts.perfectColoHost()
        host.ptpClocks = []
        host.hugepages.memlock = .init(unlimited: false, limitBytes: 1 << 20, source: "synthetic")
        let report = ProfileReport(profile: .laptop, results: ProfileEvaluation.evaluate(host, .laptop))
        #expect(report.failures == 0)
        #expect(report.warnings == 2)
    }

    @Test("a host without cpufreq passes the governor requirement and says it could not check")
    func noCpufreqIsNotAFailure() {
        var host = SyntheticHosts.perfectColoHost()
        host.cpu.frequencyScaling = .init(cpufreqPresent: false, governors: [], detail: "absent")
        let r = ProfileEvaluation.evaluate(host, .colo).first { $0.id == "governor" }
        #expect(r?.status == .pass)
        #expect(r?.found.contains("cannot be checked") == true)
    }

    @Test("memlock of exactly 1 GiB is enough; one byte less is not")
    func memlockBoundary() {
        var host = SyntheticHosts.perfectColoHost()
        host.hugepages.memlock = .init(unlimited: false, limitBytes: 1 << 30, source: "s")
        #expect(ProfileEvaluation.evaluate(host, .colo).first { $0.id == "memlock" }?.status == .pass)
        host.hugepages.memlock = .init(unlimited: false, limitBytes: (1 << 30) - 1, source: "s")
        #expect(ProfileEvaluation.evaluate(host, .colo).first { $0.id == "memlock" }?.status == .fail)
    }
}
