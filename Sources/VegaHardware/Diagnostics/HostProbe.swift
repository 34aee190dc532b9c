import Glibc

/// Small read-only probes of /proc, /sys and the kernel command line shared by the diagnostics
/// sections. Off the lane only: everything here allocates. Nothing here throws or traps on a
/// missing or odd file; absence comes back as nil or empty, and callers say so.
enum HostProbe {
    /// The kernel command line as `key → value` (a bare flag maps to ""), up to the first `--`
    /// (what follows belongs to init, not the kernel).
    static func kernelCommandLine(_ text: String? = Sysfs.read("/proc/cmdline")) -> [String: String] {
        var out: [String: String] = [:]
        for token in (text ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
            if token == "--" { break }
            if let eq = token.firstIndex(of: "=") {
                out[String(token[..<eq])] = String(token[token.index(after: eq)...])
            } else {
                out[String(token)] = ""
            }
        }
        return out
    }

    /// Splits a kernel parameter such as `isolcpus=nohz,domain,2-3` into its word flags and CPUs.
    static func flagsAndCPUs(_ value: String) -> (flags: [String], cpus: [Int]) {
        var flags: [String] = []
        var list: [Substring] = []
        for part in value.split(separator: ",") {
            if let first = part.first, first.isNumber { list.append(part) } else { flags.append(String(part)) }
        }
        return (flags, Sysfs.parseCPUList(list.joined(separator: ",")))
    }

    /// Renders CPUs as a kernel cpulist ("0-3,8").
    static func cpuListString(_ cpus: [Int]) -> String {
        let s = Array(Set(cpus)).sorted()
        guard !s.isEmpty else { return "" }
        var parts: [String] = []
        var start = s[0]
        var prev = s[0]
        for c in s.dropFirst() {
            if c == prev + 1 { prev = c; continue }
            parts.append(start == prev ? "\(start)" : "\(start)-\(prev)")
            start = c
            prev = c
        }
        parts.append(start == prev ? "\(start)" : "\(start)-\(prev)")
        return parts.joined(separator: ",")
    }

    /// Parses a hex CPU mask as the kernel prints it ("ff,ffffffff", "0c").
    static func parseCPUMask(_ text: String) -> [Int] {
        let hex = text.filter { $0 != "," && !$0.isWhitespace }.lowercased()
        var cpus: [Int] = []
        for (i, ch) in hex.reversed().enumerated() {
            guard let v = ch.hexDigitValue else { return [] }
            for bit in 0..<4 where v & (1 << bit) != 0 { cpus.append(i * 4 + bit) }
        }
        return cpus
    }

    /// Canonical absolute path (symlinks resolved), or nil.
    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// Whether `s` looks like a PCI address ("0000:3b:00.0").
    static func isPCIAddress(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 12, u[4] == UInt8(ascii: ":"), u[7] == UInt8(ascii: ":"), u[10] == UInt8(ascii: ".") else { return false }
        for (i, c) in u.enumerated() where ![4, 7, 10].contains(i) {
            guard (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) else { return false }
        }
        return true
    }

    /// Running processes: pid, comm and argv (NUL-separated cmdline joined by spaces).
    struct Process: Sendable {
        var pid: Int32
        var comm: String
        var cmdline: String
    }

    static func processes() -> [Process] {
        Sysfs.list("/proc").compactMap { name -> Process? in
            guard let pid = Int32(name) else { return nil }
            guard let comm = Sysfs.read("/proc/\(name)/comm") else { return nil }  // exited meanwhile
            let raw = Sysfs.read("/proc/\(name)/cmdline") ?? ""
            let cmd = raw.split(separator: "\0", omittingEmptySubsequences: true).joined(separator: " ")
            return Process(pid: pid, comm: comm, cmdline: cmd)
        }
    }

    /// A process's environment (needs root or the same user), or nil when unreadable.
    static func environment(of pid: Int32) -> [String: String]? {
        guard let raw = Sysfs.read("/proc/\(pid)/environ") else { return nil }
        var env: [String: String] = [:]
        for entry in raw.split(separator: "\0") {
            guard let eq = entry.firstIndex(of: "=") else { continue }
            env[String(entry[..<eq])] = String(entry[entry.index(after: eq)...])
        }
        return env
    }

    /// The first executable named `name` in PATH or the sbin directories (pmc lives in /usr/sbin,
    /// which a non-root PATH often lacks).
    static func findExecutable(_ name: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? ""
        var dirs = path.split(separator: ":").map(String.init)
        for extra in ["/usr/sbin", "/sbin", "/usr/local/sbin"] where !dirs.contains(extra) { dirs.append(extra) }
        for d in dirs where access("\(d)/\(name)", X_OK) == 0 { return "\(d)/\(name)" }
        return nil
    }

    /// CLOCK_REALTIME in ns.
    static func realtimeNanoseconds() -> UInt64 { SystemClock.read(CLOCK_REALTIME) }

    static func monotonicRawNanoseconds() -> UInt64 { SystemClock.read(CLOCK_MONOTONIC_RAW) }

    static func errnoString(_ code: Int32) -> String { "\(String(cString: strerror(code))) (errno \(code))" }

    /// Kernel log lines still held in the ring buffer, read from /dev/kmsg without blocking.
    /// nil when /dev/kmsg cannot be opened (no permission: kernel.dmesg_restrict).
    static func kernelLog() -> [String]? {
        let fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var lines: [String] = []
        var buf = [UInt8](repeating: 0, count: 8192)
        while lines.count < 100_000 {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR || errno == EPIPE { continue }  // EPIPE: a record was overwritten
                break  // EAGAIN: end of the buffer
            }
            if n == 0 { break }
            // "prio,seq,usec,flags;message\n continuation lines"
            let record = String(decoding: buf[0..<n], as: UTF8.self)
            guard let semi = record.firstIndex(of: ";") else { continue }
            let message = record[record.index(after: semi)...].split(separator: "\n", maxSplits: 1).first ?? ""
            lines.append(String(message))
        }
        return lines
    }
}
