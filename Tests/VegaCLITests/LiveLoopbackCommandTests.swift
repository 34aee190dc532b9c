import Foundation
import Glibc
import Testing

/// `vega venue` and `vega run` on the live backend as two processes on loopback: the engine
/// trades over UDP multicast and TCP, reports kernel RX → TX stamps, and stops gracefully.
@Suite("vega venue + vega run (live backend), as the built binaries", .serialized)
struct LiveLoopbackCommandTests {
    static let password = "lcl-pw-1"

    /// A process writing stdout and stderr to `log`, with the test password in its environment.
    static func start(_ arguments: [String], log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try builtVegaBinary())
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["VEGA_LCL_PASSWORD"] = password
        process.environment = environment
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Reads `log` every 100 ms until `done` holds for it, the process exits, or `seconds` pass.
    static func watch(_ log: String, _ process: Process, seconds: Double = 120, until done: (String) -> Bool) -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var seen = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        while Date() < deadline && !done(seen) && process.isRunning {
            usleep(100_000)
            seen = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        }
        return seen
    }

    /// The first capture group of `pattern` in `text`.
    static func capture(_ pattern: String, in text: String) -> String? {
        guard let re = try? NSRegularExpression(pattern: pattern),
              let m = re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), m.numberOfRanges > 1,
              let r = Range(m.range(at: 1), in: text) else { return nil }
        return String(text[r])
    }

    /// A UDP port the kernel just handed out (for the multicast group: the venue needs a fixed one).
    static func udpPort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return UInt16(bigEndian: a.sin_port)
    }

    @Test("vega run trades against vega venue over loopback sockets, reports kernel RX → TX timestamp, stops on SIGTERM")
    func runAgainstVenue() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let group = "239.196.\(getpid() % 250).1:\(Self.udpPort())"
        // The shipped pair, on ports of this test's own (the venue's :0 ports are read back from its output).
        let venueText = try String(contentsOf: root.appendingPathComponent("Config/venue-loopback.toml"), encoding: .utf8)
            .replacingOccurrences(of: "239.192.7.1:26700", with: group)
            .replacingOccurrences(of: "127.0.0.1:26701", with: "127.0.0.1:0")
            .replacingOccurrences(of: "127.0.0.1:15071", with: "127.0.0.1:0")
            .replacingOccurrences(of: "VEGA_LOOPBACK_PASSWORD", with: "VEGA_LCL_PASSWORD")
            .replacingOccurrences(of: "stats_interval = 10", with: "stats_interval = 1")
        let base = NSTemporaryDirectory() + "vega-lcl-\(getpid())"
        try venueText.write(toFile: base + "-venue.toml", atomically: true, encoding: .utf8)
        defer { for f in ["-venue.toml", "-venue.out", "-run.toml", "-run.out"] { unlink(base + f) } }

        let venue = try Self.start(["venue", "--config", base + "-venue.toml", "--duration", "600"], log: base + "-venue.out")
        defer {
            if venue.isRunning { kill(venue.processIdentifier, SIGTERM) }
            EngineCommandTests.reap(venue)
        }
        let venueLog = Self.watch(base + "-venue.out", venue) { $0.contains("venue LOOP: market data") }
        let ouch = try #require(Self.capture(#"ouch 127\.0\.0\.1:(\d+)"#, in: venueLog), "\(venueLog)")
        let reRequest = try #require(Self.capture(#"re-request 127\.0\.0\.1:(\d+)"#, in: venueLog), "\(venueLog)")

        let runText = try String(contentsOf: root.appendingPathComponent("Config/live-loopback.toml"), encoding: .utf8)
            .replacingOccurrences(of: "239.192.7.1:26700", with: group)
            .replacingOccurrences(of: "127.0.0.1:26701", with: "127.0.0.1:\(reRequest)")
            .replacingOccurrences(of: "port = 15071", with: "port = \(ouch)")
            .replacingOccurrences(of: "VEGA_LOOPBACK_PASSWORD", with: "VEGA_LCL_PASSWORD")
            .replacingOccurrences(of: "poll = \"busy\"", with: "poll = \"sleep\"\nsleep_us = 20")
        try runText.write(toFile: base + "-run.toml", atomically: true, encoding: .utf8)
        let run = try Self.start(["run", "--config", base + "-run.toml", "--log-level", "info"], log: base + "-run.out")
        defer {
            if run.isRunning { kill(run.processIdentifier, SIGTERM) }
            EngineCommandTests.reap(run)
        }
        // Trading: a progress line with orders and fills.
        var seen = Self.watch(base + "-run.out", run) { text in
            text.split(separator: "\n").contains { $0.hasPrefix("t=") && !$0.contains("orders=0 ") && !$0.contains("fills=0 ") }
        }
        #expect(seen.split(separator: "\n").contains { $0.hasPrefix("t=") && !$0.contains("orders=0 ") }, "no orders: \(seen)")
        kill(run.processIdentifier, SIGTERM)
        #expect(EngineCommandTests.reap(run), "vega run did not stop within 60 s of SIGTERM")
        seen = (try? String(contentsOfFile: base + "-run.out", encoding: .utf8)) ?? ""
        #expect(run.terminationStatus == 0, "\(seen)")
        #expect(seen.contains("vega run: live-loopback: 1 live venue(s), 1 lane(s)"), "\(seen)")
        #expect(seen.contains("no hardware RX stamps"), "lo cannot stamp in hardware, and the log says so: \(seen)")
        #expect(seen.contains("graceful stop requested") && seen.contains("cancels sent at stop"), "\(seen)")
        #expect(seen.contains("order entry: logins 1, disconnects 0"), "\(seen)")
        #expect(seen.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("kernelRx->txTimestamp ") },
                "the report has the kernel RX → TX timestamp row: \(seen)")
        #expect(EngineCommandTests.summary(seen) != nil, "\(seen)")
        let matched = Self.capture(#"TX stamps matched (\d+)"#, in: seen).flatMap { UInt64($0) } ?? 0
        #expect(matched > 0, "\(seen)")

        kill(venue.processIdentifier, SIGTERM)
        #expect(EngineCommandTests.reap(venue))
        #expect(venue.terminationStatus == 0)
    }

    @Test("vega run refuses a live venue nobody listens on: the venue, the address and errno's text")
    func refusedConnection() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let port = EngineCommandTests.freePort()
        let text = try String(contentsOf: root.appendingPathComponent("Config/live-loopback.toml"), encoding: .utf8)
            .replacingOccurrences(of: "239.192.7.1:26700", with: "239.196.\(getpid() % 250).2:\(Self.udpPort())")
            .replacingOccurrences(of: "port = 15071", with: "port = \(port)")
            .replacingOccurrences(of: "VEGA_LOOPBACK_PASSWORD", with: "VEGA_LCL_PASSWORD")
        let path = NSTemporaryDirectory() + "vega-lcl-refused-\(getpid()).toml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        let run = try Self.start(["run", "--config", path], log: path + ".out")
        defer { unlink(path + ".out") }
        #expect(EngineCommandTests.reap(run))
        let output = (try? String(contentsOfFile: path + ".out", encoding: .utf8)) ?? ""
        #expect(run.terminationStatus != 0)
        #expect(output.contains("venue LOOP: order entry (OUCH/SoupBinTCP) 127.0.0.1:\(port): connect 127.0.0.1:\(port): Connection refused"),
                "\(output)")
    }
}
