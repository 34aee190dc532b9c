import Glibc

/// One /dev/ptpN of the `ptpClocks` section.
public struct PTPClockReport: Codable, Sendable, Equatable {
    public var path: String
    /// /sys/class/ptp/ptpN/clock_name (the driver's name for it).
    public var clockName: String?
    /// Interfaces whose ETHTOOL_GET_TS_INFO names this PHC.
    public var interfaces: [String]
    public var capabilities: ClockCapabilities?
    public var offset: Offset?
    /// Why capabilities or the offset are missing.
    public var error: String?

    public struct Offset: Codable, Sendable, Equatable {
        /// PHC − CLOCK_REALTIME in ns (≈ +37 s when the PHC runs TAI and phc2sys is idle).
        public var offsetNanoseconds: Int64
        public var uncertaintyNanoseconds: UInt64
        public var method: ClockOffsetMethod
        public init(offsetNanoseconds: Int64, uncertaintyNanoseconds: UInt64, method: ClockOffsetMethod) {
            self.offsetNanoseconds = offsetNanoseconds
            self.uncertaintyNanoseconds = uncertaintyNanoseconds
            self.method = method
        }
    }

    public init(path: String, clockName: String?, interfaces: [String], capabilities: ClockCapabilities? = nil,
                offset: Offset? = nil, error: String? = nil) {
        self.path = path
        self.clockName = clockName
        self.interfaces = interfaces
        self.capabilities = capabilities
        self.offset = offset
        self.error = error
    }

    static func gatherAll(nics: [NICReport]) -> [PTPClockReport] {
        PHCClock.devices().map { path in
            let base = path.split(separator: "/").last.map(String.init) ?? path
            let index = Int(base.dropFirst(3))
            var r = PTPClockReport(
                path: path, clockName: Sysfs.read("/sys/class/ptp/\(base)/clock_name"),
                interfaces: nics.filter { $0.timestamping.phcIndex == index && index != nil }.map(\.name))
            do throws(HardwareSetupError) {
                let clock = try PHCClock(path: path)
                do throws(HardwareError) {
                    r.capabilities = try clock.capabilities()
                    let o = try clock.offsetToSystem(samples: 9)
                    r.offset = Offset(offsetNanoseconds: o.offsetNanoseconds, uncertaintyNanoseconds: o.uncertaintyNanoseconds, method: o.method)
                } catch {
                    r.error = error.description
                }
            } catch {
                r.error = error.description
            }
            return r
        }
    }
}

/// The `ptpDaemons` section: which time daemons run, and what ptp4l says through pmc.
public struct PTPDaemonsReport: Codable, Sendable, Equatable {
    public struct Daemon: Codable, Sendable, Equatable {
        public var name: String
        public var running: Bool
        public var pids: [Int32]
        public var cmdlines: [String]
        public init(name: String, running: Bool, pids: [Int32] = [], cmdlines: [String] = []) {
            self.name = name
            self.running = running
            self.pids = pids
            self.cmdlines = cmdlines
        }
    }

    /// What `pmc -u -b 0` answered, parsed.
    public struct PMC: Codable, Sendable, Equatable {
        /// False when pmc was not run; `detail` says why.
        public var ran: Bool
        public var detail: String
        /// CURRENT_DATA_SET offsetFromMaster, ns.
        public var offsetFromMasterNanoseconds: Double?
        /// CURRENT_DATA_SET meanPathDelay, ns.
        public var meanPathDelayNanoseconds: Double?
        public var stepsRemoved: Int?
        /// TIME_STATUS_NP master_offset, ns.
        public var masterOffsetNanoseconds: Double?
        /// TIME_STATUS_NP gmPresent: a grandmaster is visible.
        public var gmPresent: Bool?
        public var gmIdentity: String?
        public init(ran: Bool, detail: String) {
            self.ran = ran
            self.detail = detail
        }
    }

    public var daemons: [Daemon]
    public var pmc: PMC

    public init(daemons: [Daemon], pmc: PMC) {
        self.daemons = daemons
        self.pmc = pmc
    }

    public func isRunning(_ name: String) -> Bool { daemons.first { $0.name == name }?.running ?? false }

    /// Time daemons looked for (comm is truncated to 15 characters by the kernel).
    static let watched = ["ptp4l", "phc2sys", "ts2phc", "timemaster", "chronyd", "ntpd", "systemd-timesyncd"]

    static func gather(processes: [HostProbe.Process], runPMC: Bool) -> PTPDaemonsReport {
        let daemons = watched.map { name -> Daemon in
            let found = processes.filter { $0.comm == String(name.prefix(15)) }
            return Daemon(name: name, running: !found.isEmpty, pids: found.map(\.pid), cmdlines: found.map(\.cmdline))
        }
        let ptp4l = daemons.first { $0.name == "ptp4l" }?.running ?? false
        var pmc = PMC(ran: false, detail: "")
        if !ptp4l {
            pmc.detail = "not run: ptp4l is not running"
        } else if !runPMC {
            pmc.detail = "not run: disabled by the caller"
        } else if let exe = HostProbe.findExecutable("pmc") {
            let cmdline = daemons.first { $0.name == "ptp4l" }?.cmdlines.first ?? ""
            pmc = queryPMC(exe, socket: udsAddress(ptp4lCommandLine: cmdline))
        } else {
            pmc.detail = "not run: pmc (linuxptp) is not installed"
        }
        return PTPDaemonsReport(daemons: daemons, pmc: pmc)
    }

    /// ptp4l's management socket: `uds_address` from the config file its command line names
    /// (-f FILE), else nil (pmc's default, /var/run/ptp4l).
    static func udsAddress(ptp4lCommandLine: String) -> String? {
        let args = ptp4lCommandLine.split(separator: " ").map(String.init)
        guard let i = args.firstIndex(of: "-f"), i + 1 < args.count, let text = Sysfs.read(args[i + 1]) else { return nil }
        for line in text.split(separator: "\n") {
            let parts = line.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
            if parts.count == 2, parts[0] == "uds_address" { return parts[1].trimmingWhitespace() }
        }
        return nil
    }

    static func queryPMC(_ exe: String, socket: String?) -> PMC {
        var pmc = PMC(ran: true, detail: "")
        var notes: [String] = []
        let target = socket.map { ["-s", $0] } ?? []
        let where_ = socket ?? "/var/run/ptp4l (pmc's default)"
        for query in ["GET CURRENT_DATA_SET", "GET TIME_STATUS_NP"] {
            let r = Subprocess.run(exe, ["-u", "-b", "0"] + target + [query], timeoutMilliseconds: 2000)
            if let e = r.spawnError { notes.append("\(query): \(e)"); continue }
            if r.timedOut { notes.append("\(query): no answer within 2 s (killed)"); continue }
            let fields = parsePMC(r.output)
            if fields.isEmpty {
                let errors = r.output.split(separator: "\n").filter { !$0.hasPrefix("sending:") }.joined(separator: " ")
                notes.append("\(query): no answer from ptp4l on \(where_)" + (errors.isEmpty ? "" : ": \(errors)"))
                continue
            }
            if let v = fields["offsetFromMaster"] { pmc.offsetFromMasterNanoseconds = Double(v) }
            if let v = fields["meanPathDelay"] { pmc.meanPathDelayNanoseconds = Double(v) }
            if let v = fields["stepsRemoved"] { pmc.stepsRemoved = Int(v) }
            if let v = fields["master_offset"] { pmc.masterOffsetNanoseconds = Double(v) }
            if let v = fields["gmPresent"] { pmc.gmPresent = v == "true" }
            if let v = fields["gmIdentity"] { pmc.gmIdentity = v }
        }
        pmc.detail = notes.isEmpty
            ? "\(exe) -u -b 0 \(socket.map { "-s \($0) " } ?? "")'GET CURRENT_DATA_SET' / 'GET TIME_STATUS_NP'"
            : notes.joined(separator: "; ")
        return pmc
    }

    /// The "key value" lines of pmc's RESPONSE blocks (the first response wins per key).
    public static func parsePMC(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        var inResponse = false
        for line in text.split(separator: "\n") {
            if line.contains("RESPONSE MANAGEMENT") { inResponse = true; continue }
            if line.hasPrefix("sending:") { inResponse = false; continue }
            guard inResponse else { continue }
            let parts = line.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
                .map { $0.trimmingWhitespace() }
            guard parts.count == 2, fields[parts[0]] == nil else { continue }
            fields[parts[0]] = parts[1]
        }
        return fields
    }
}
