import CVegaSys
import Glibc

/// The `cpu` section: what the processor and the kernel say about timekeeping and isolation.
public struct CPUReport: Codable, Sendable, Equatable {
    /// From /proc/cpuinfo (first processor block); nil when the field is absent (e.g. arm64).
    public var modelName: String?
    public var vendor: String?
    /// Flags as /proc/cpuinfo lists them: the kernel's view, after hypervisor masking.
    public var cpuinfoFlags: TSCFlags
    /// The same facts read straight from CPUID; nil on non-x86.
    public var cpuid: CPUIDTSC?
    public var tscFrequency: TSCFrequency
    /// /sys/devices/system/cpu/online.
    public var onlineCPUs: [Int]
    public var isolation: Isolation
    public var frequencyScaling: FrequencyScaling
    public var clocksource: Clocksource

    public struct TSCFlags: Codable, Sendable, Equatable {
        public var constantTSC: Bool
        public var nonstopTSC: Bool
        public var rdtscp: Bool
        public var tscKnownFreq: Bool
        /// "/proc/cpuinfo", or why it could not be read.
        public var source: String
        public init(constantTSC: Bool, nonstopTSC: Bool, rdtscp: Bool, tscKnownFreq: Bool, source: String) {
            self.constantTSC = constantTSC
            self.nonstopTSC = nonstopTSC
            self.rdtscp = rdtscp
            self.tscKnownFreq = tscKnownFreq
            self.source = source
        }
    }

    public struct CPUIDTSC: Codable, Sendable, Equatable {
        /// CPUID 0x80000007 EDX[8]: the TSC runs at a constant rate in all P-, C- and T-states.
        public var invariantTSC: Bool
        /// CPUID 0x80000001 EDX[27].
        public var rdtscp: Bool
        public init(invariantTSC: Bool, rdtscp: Bool) {
            self.invariantTSC = invariantTSC
            self.rdtscp = rdtscp
        }
    }

    /// The TSC's frequency, the source it was taken from, and an independent measurement.
    public struct TSCFrequency: Codable, Sendable, Equatable {
        /// The figure Vega would use, from `source`; nil when no source gave one.
        public var hz: UInt64?
        /// "cpuid-0x15", "cpuid-0x16", "kernel-log", "measured" or "none".
        public var source: String
        /// Where exactly the figure came from and how precise it is.
        public var detail: String
        /// Measured: TSC ticks over ~50 ms of CLOCK_MONOTONIC_RAW.
        public var measuredHz: UInt64?
        /// ± bound of the measurement from the read windows, parts per million.
        public var measuredUncertaintyPPM: Double?
        /// "cpu MHz" from /proc/cpuinfo: the core clock at read time, not necessarily the TSC rate.
        public var cpuinfoMHz: Double?
        public init(hz: UInt64?, source: String, detail: String, measuredHz: UInt64? = nil,
                    measuredUncertaintyPPM: Double? = nil, cpuinfoMHz: Double? = nil) {
            self.hz = hz
            self.source = source
            self.detail = detail
            self.measuredHz = measuredHz
            self.measuredUncertaintyPPM = measuredUncertaintyPPM
            self.cpuinfoMHz = cpuinfoMHz
        }
    }

    public struct Isolation: Codable, Sendable, Equatable {
        /// /sys/devices/system/cpu/isolated: what the kernel actually isolated.
        public var isolatedCPUs: [Int]
        /// isolcpus= on /proc/cmdline (nil when absent), its CPUs and flags (nohz, domain, managed_irq).
        public var isolcpusParameter: String?
        public var isolcpusCPUs: [Int]
        /// /sys/devices/system/cpu/nohz_full (the kernel's effective set).
        public var nohzFullCPUs: [Int]
        public var nohzFullParameter: String?
        /// rcu_nocbs= on /proc/cmdline (there is no sysfs view of it).
        public var rcuNocbsParameter: String?
        public var rcuNocbsCPUs: [Int]
        public init(isolatedCPUs: [Int], isolcpusParameter: String? = nil, isolcpusCPUs: [Int] = [],
                    nohzFullCPUs: [Int], nohzFullParameter: String? = nil, rcuNocbsParameter: String? = nil,
                    rcuNocbsCPUs: [Int] = []) {
            self.isolatedCPUs = isolatedCPUs
            self.isolcpusParameter = isolcpusParameter
            self.isolcpusCPUs = isolcpusCPUs
            self.nohzFullCPUs = nohzFullCPUs
            self.nohzFullParameter = nohzFullParameter
            self.rcuNocbsParameter = rcuNocbsParameter
            self.rcuNocbsCPUs = rcuNocbsCPUs
        }
        /// Isolated (sysfs or isolcpus=) and nohz_full: where a lane can run undisturbed.
        public var laneReadyCPUs: [Int] {
            let iso = Set(isolatedCPUs).union(isolcpusCPUs)
            return nohzFullCPUs.filter { iso.contains($0) }.sorted()
        }
        public var allIsolated: [Int] { Array(Set(isolatedCPUs).union(isolcpusCPUs)).sorted() }
    }

    public struct FrequencyScaling: Codable, Sendable, Equatable {
        /// False when no CPU has /sys/devices/system/cpu/cpuN/cpufreq (VMs; no cpufreq driver).
        public var cpufreqPresent: Bool
        public var governors: [CPUGovernor]
        public var detail: String
        public init(cpufreqPresent: Bool, governors: [CPUGovernor], detail: String) {
            self.cpufreqPresent = cpufreqPresent
            self.governors = governors
            self.detail = detail
        }
    }

    public struct CPUGovernor: Codable, Sendable, Equatable {
        public var cpu: Int
        /// scaling_governor, nil when this CPU has no cpufreq directory.
        public var governor: String?
        public var driver: String?
        public init(cpu: Int, governor: String?, driver: String? = nil) {
            self.cpu = cpu
            self.governor = governor
            self.driver = driver
        }
    }

    public struct Clocksource: Codable, Sendable, Equatable {
        /// /sys/devices/system/clocksource/clocksource0/current_clocksource (nil if unreadable).
        public var current: String?
        public var available: [String]
        public init(current: String?, available: [String]) {
            self.current = current
            self.available = available
        }
    }

    public init(modelName: String?, vendor: String?, cpuinfoFlags: TSCFlags, cpuid: CPUIDTSC?, tscFrequency: TSCFrequency,
                onlineCPUs: [Int], isolation: Isolation, frequencyScaling: FrequencyScaling, clocksource: Clocksource) {
        self.modelName = modelName
        self.vendor = vendor
        self.cpuinfoFlags = cpuinfoFlags
        self.cpuid = cpuid
        self.tscFrequency = tscFrequency
        self.onlineCPUs = onlineCPUs
        self.isolation = isolation
        self.frequencyScaling = frequencyScaling
        self.clocksource = clocksource
    }
}

extension CPUReport {
    static func gather(measureTSC: Bool) -> CPUReport {
        let cpuinfo = Sysfs.read("/proc/cpuinfo")
        var fields: [String: String] = [:]
        for line in (cpuinfo ?? "").split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty && !fields.isEmpty { break }  // end of the first processor block
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingWhitespace()
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            if fields[key] == nil { fields[key] = value }
        }
        let flags = Set((fields["flags"] ?? fields["Features"] ?? "").split(separator: " ").map(String.init))
        let cpuinfoFlags = TSCFlags(
            constantTSC: flags.contains("constant_tsc"), nonstopTSC: flags.contains("nonstop_tsc"),
            rdtscp: flags.contains("rdtscp"), tscKnownFreq: flags.contains("tsc_known_freq"),
            source: cpuinfo == nil ? "/proc/cpuinfo unreadable" : "/proc/cpuinfo")

        var features = vega_tsc_features()
        let cpuid: CPUIDTSC? =
            vega_cpu_tsc_features(&features) == 0
            ? CPUIDTSC(invariantTSC: features.invariant != 0, rdtscp: features.has_rdtscp != 0) : nil

        let online = Sysfs.parseCPUList(Sysfs.read("/sys/devices/system/cpu/online") ?? "")
        let cmdline = HostProbe.kernelCommandLine()
        let isolcpus = cmdline["isolcpus"].map(HostProbe.flagsAndCPUs)
        let rcu = cmdline["rcu_nocbs"].map(HostProbe.flagsAndCPUs)
        let isolation = Isolation(
            isolatedCPUs: Sysfs.parseCPUList(Sysfs.read("/sys/devices/system/cpu/isolated") ?? ""),
            isolcpusParameter: cmdline["isolcpus"], isolcpusCPUs: isolcpus?.cpus ?? [],
            nohzFullCPUs: Sysfs.parseCPUList(Sysfs.read("/sys/devices/system/cpu/nohz_full") ?? ""),
            nohzFullParameter: cmdline["nohz_full"], rcuNocbsParameter: cmdline["rcu_nocbs"],
            rcuNocbsCPUs: rcu?.cpus ?? [])

        let governors = online.map { cpu in
            CPUGovernor(
                cpu: cpu, governor: Sysfs.read("/sys/devices/system/cpu/cpu\(cpu)/cpufreq/scaling_governor"),
                driver: Sysfs.read("/sys/devices/system/cpu/cpu\(cpu)/cpufreq/scaling_driver"))
        }
        let present = governors.contains { $0.governor != nil }
        let scaling = FrequencyScaling(
            cpufreqPresent: present, governors: governors,
            detail: present
                ? "/sys/devices/system/cpu/cpuN/cpufreq/scaling_governor"
                : "no /sys/devices/system/cpu/cpuN/cpufreq: the kernel has no cpufreq driver here (usual in VMs); "
                    + "the core clock is set by firmware or the hypervisor and cannot be checked from this host")

        let csDir = "/sys/devices/system/clocksource/clocksource0"
        let clocksource = Clocksource(
            current: Sysfs.read("\(csDir)/current_clocksource"),
            available: (Sysfs.read("\(csDir)/available_clocksource") ?? "").split(separator: " ").map(String.init))

        let frequency = tscFrequency(
            hasTSC: features.has_tsc != 0 || flags.contains("tsc"), cpuinfoMHz: fields["cpu MHz"].flatMap(Double.init),
            measure: measureTSC, clocksource: clocksource.current)
        return CPUReport(
            modelName: fields["model name"], vendor: fields["vendor_id"] ?? fields["CPU implementer"],
            cpuinfoFlags: cpuinfoFlags, cpuid: cpuid, tscFrequency: frequency, onlineCPUs: online,
            isolation: isolation, frequencyScaling: scaling, clocksource: clocksource)
    }

    /// CPUID 0x15 (exact: crystal × ratio), CPUID 0x16 (base MHz), the kernel's calibration in
    /// its log, and a measurement, in that order of preference; the measurement is always made
    /// (when asked) so the chosen figure can be cross-checked.
    static func tscFrequency(hasTSC: Bool, cpuinfoMHz: Double?, measure: Bool, clocksource: String?) -> TSCFrequency {
        guard hasTSC else {
            return TSCFrequency(hz: nil, source: "none", detail: "this CPU has no TSC (not x86)", cpuinfoMHz: cpuinfoMHz)
        }
        var measured: (hz: UInt64, ppm: Double)?
        if measure { measured = measureTSCHz() }
        var r = TSCFrequency(hz: nil, source: "none", detail: "", measuredHz: measured?.hz,
                             measuredUncertaintyPPM: measured?.ppm, cpuinfoMHz: cpuinfoMHz)
        var q = vega_cpuid()
        if vega_cpu_cpuid(0x15, 0, &q) == 0, q.eax != 0, q.ebx != 0, q.ecx != 0 {
            r.hz = UInt64(q.ecx) * UInt64(q.ebx) / UInt64(q.eax)
            r.source = "cpuid-0x15"
            r.detail = "CPUID leaf 0x15: crystal \(q.ecx) Hz × \(q.ebx)/\(q.eax) (exact, as the CPU reports it)"
            return r
        }
        if vega_cpu_cpuid(0x16, 0, &q) == 0, q.eax & 0xffff != 0 {
            r.hz = UInt64(q.eax & 0xffff) * 1_000_000
            r.source = "cpuid-0x16"
            r.detail = "CPUID leaf 0x16: processor base frequency \(q.eax & 0xffff) MHz (1 MHz resolution; the TSC usually runs at base)"
            return r
        }
        if let log = HostProbe.kernelLog(), let (hz, line) = kernelLogTSC(log) {
            r.hz = hz
            r.source = "kernel-log"
            r.detail = "kernel log: \"\(line)\" (kHz resolution; CPUID leaves 0x15/0x16 report nothing here"
                + (line.hasSuffix("MHz processor")
                    ? "; the kernel prints a separate \"… MHz TSC\" line only when the TSC rate differs from this)" : ")")
            return r
        }
        if let measured {
            r.hz = measured.hz
            r.source = "measured"
            r.detail = "measured against CLOCK_MONOTONIC_RAW over ~50 ms (CPUID reports no frequency; no calibration line left in the kernel log)"
            return r
        }
        r.detail = "CPUID reports no frequency, the kernel log has no calibration line (or /dev/kmsg is unreadable), and measurement was skipped"
        return r
    }

    /// The kernel's TSC calibration from its log: "Refined TSC clocksource calibration" beats
    /// "Detected … MHz TSC" beats "Detected … MHz processor". Returns Hz and the line used.
    static func kernelLogTSC(_ lines: [String]) -> (UInt64, String)? {
        func mhz(_ line: String, after marker: String) -> UInt64? {
            guard let range = line.firstRange(of: marker) else { return nil }
            let rest = line[range.upperBound...].trimmingWhitespace()
            guard let number = rest.split(separator: " ").first, let v = Double(number) else { return nil }
            return UInt64((v * 1_000_000).rounded())
        }
        for (marker, suffix) in [("Refined TSC clocksource calibration:", ""), ("tsc: Detected", "MHz TSC"), ("tsc: Detected", "MHz processor")] {
            if let line = lines.last(where: { $0.contains(marker) && (suffix.isEmpty || $0.contains(suffix)) }),
               let hz = mhz(line, after: marker) {
                return (hz, line)
            }
        }
        return nil
    }

    /// TSC ticks across ~50 ms of CLOCK_MONOTONIC_RAW. Each end takes the narrowest of several
    /// raw-clock/TSC/raw-clock brackets; the uncertainty is the two half-windows over the span.
    /// Note: with clocksource=tsc, MONOTONIC_RAW is derived from the TSC with the kernel's own
    /// calibration, so this confirms that calibration rather than checking it independently.
    static func measureTSCHz() -> (hz: UInt64, ppm: Double)? {
        #if arch(x86_64) || arch(i386)
            func bracket() -> (tsc: UInt64, mid: UInt64, half: UInt64) {
                var best: (UInt64, UInt64, UInt64) = (0, 0, .max)
                for _ in 0..<7 {
                    let a = HostProbe.monotonicRawNanoseconds()
                    let t = vega_rdtsc()
                    let b = HostProbe.monotonicRawNanoseconds()
                    if b >= a, (b - a) / 2 < best.2 { best = (t, a + (b - a) / 2, (b - a) / 2) }
                }
                return best
            }
            let start = bracket()
            var req = timespec(tv_sec: 0, tv_nsec: 50_000_000)
            var rem = timespec()
            while nanosleep(&req, &rem) != 0 && errno == EINTR { req = rem }
            let end = bracket()
            guard end.mid > start.mid, end.tsc > start.tsc else { return nil }
            let span = Double(end.mid - start.mid)
            let hz = Double(end.tsc - start.tsc) * 1e9 / span
            return (UInt64(hz.rounded()), Double(start.half + end.half) / span * 1e6)
        #else
            return nil
        #endif
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
