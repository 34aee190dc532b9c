import ArgumentParser
import Foundation
import VegaHardware

/// `--json`, shared by `vega diag` and its subcommands: declared once so that
/// `vega diag timestamps … --json` reaches the subcommand instead of being taken by the parent.
struct DiagOutputOptions: ParsableArguments {
    @Flag(help: "Print one JSON object instead of text (vega diag: the sections \(HostReport.sectionKeys.joined(separator: ", ")), plus profile with --profile).")
    var json = false
}

/// `vega diag`: the read-only host report, and `--profile` requirement checks.
struct DiagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diag",
        abstract: "Report what this host offers a trading lane (read-only), and check it against a profile.",
        discussion: discussion,
        subcommands: [DiagTimestampsCommand.self])

    /// Exit status of `--profile colo` when any requirement fails.
    static let profileFailureExitCode: Int32 = 2

    @OptionGroup var output: DiagOutputOptions
    var json: Bool { output.json }

    @Option(help: ArgumentHelp(
        "Check the host against a profile: colo (failures exit \(profileFailureExitCode)) or laptop (everything a warning, exit 0).",
        valueName: "colo|laptop"))
    var profile: String?

    @Option(name: .customLong("fpga-id"), help: ArgumentHelp(
        "PCI vendor:device id (hex) of an FPGA card to look for, besides devices bound to vfio-pci. Repeatable.",
        valueName: "VENDOR:DEVICE"))
    var fpgaIDs: [String] = []

    @Flag(help: "Do not run pmc even when ptp4l runs.")
    var noPmc = false

    func validate() throws {
        if let profile, DiagProfile(rawValue: profile) == nil {
            throw ValidationError("--profile must be colo or laptop, not \"\(profile)\"")
        }
        for id in fpgaIDs where PCIID(id) == nil {
            throw ValidationError("--fpga-id \"\(id)\" is not VENDOR:DEVICE in hex, e.g. 10ee:903f")
        }
    }

    /// What a run prints and the status it exits with (separate from `run()` so tests can call it).
    struct Outcome {
        var output: String
        var exitCode: Int32
        var report: HostReport
    }

    func execute() throws -> Outcome {
        let options = HostReport.Options(
            fpgaIDs: fpgaIDs.compactMap(PCIID.init), queryPMC: !noPmc, backendProbe: BuiltInBackendProbe())
        var report = HostReport.gather(options)
        var exitCode: Int32 = 0
        if let name = profile, let p = DiagProfile(rawValue: name) {
            let evaluated = ProfileReport(profile: p, results: ProfileEvaluation.evaluate(report, p))
            report.profile = evaluated
            if p == .colo && evaluated.failures > 0 { exitCode = Self.profileFailureExitCode }
        }
        let output = json ? try Self.encode(report) + "\n" : DiagText.render(report)
        return Outcome(output: output, exitCode: exitCode, report: report)
    }

    func run() throws {
        let outcome = try execute()
        FileHandle.standardOutput.write(Data(outcome.output.utf8))
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }

    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static var discussion: String {
        // ArgumentParser wraps at 80 columns: keep every line shorter.
        let reqs = ProfileEvaluation.requirements.map { "  \($0.id): \($0.required)\n    why: \($0.why)" }
            .joined(separator: "\n")
        return """
            Reads /proc, /sys, ethtool ioctls and /dev/ptpN; changes nothing. Each
            figure says where it came from; what cannot be read is reported as
            such, never guessed.

            SECTIONS
            cpu         model; TSC flags constant_tsc, nonstop_tsc, rdtscp
                        (/proc/cpuinfo) and the CPUID invariant-TSC bit; TSC
                        frequency and its source (CPUID 0x15/0x16, else the
                        kernel's calibration in its log, else measured against
                        CLOCK_MONOTONIC_RAW over ~50 ms; always measured too, as a
                        cross-check); online, isolated, nohz_full and rcu_nocbs
                        CPUs; cpufreq governor per CPU; clocksource.
            numa        nodes with their CPUs and memory; kernel.numa_balancing.
            hugepages   reserved and free pages per size and per node; the
                        transparent hugepage mode; RLIMIT_MEMLOCK.
            nics        every interface: driver, PCI address, NUMA node, state,
                        MAC, MTU, timestamping capabilities (ETHTOOL_GET_TS_INFO,
                        named as ethtool -T names them), PHC index, the current
                        hardware stamping config (SIOCGHWTSTAMP), queue counts.
            ptpClocks   every /dev/ptpN: clock name, owning interface,
                        capabilities, offset to CLOCK_REALTIME with uncertainty
                        and method (PTP_SYS_OFFSET precise/extended/basic).
            backends    which packet backends could run here: sockets, ibverbs,
                        ef_vi, ExaNIC, FPGA over VFIO, HardwareSim FPGA rings.
            fpga        PCI devices bound to vfio-pci or matching --fpga-id, with
                        BARs and IOMMU group; HardwareSim rings
                        /dev/shm/vega-fpga-* (header validated; slots, write
                        sequence, writer pid, heartbeat age).
            ptpDaemons  whether ptp4l, phc2sys, ts2phc, timemaster, chronyd, ntpd,
                        systemd-timesyncd run; with ptp4l running, what pmc
                        reports (offset from master, mean path delay, gmPresent).
            irqs        NIC queue interrupts (/proc/interrupts), their allowed and
                        effective affinity, whether they land on isolated cores;
                        irqbalance and the CPUs it bans.

            PROFILES
            --profile colo lists each requirement as PASS, WARN or FAIL with what
            was found, what is required and how to fix it; any FAIL makes the
            exit status \(profileFailureExitCode). --profile laptop runs the same checks as
            warnings and exits 0. Colo requires:
            \(reqs)

            See also: vega diag timestamps --help (timestamp deltas on a path).
            """
    }
}
