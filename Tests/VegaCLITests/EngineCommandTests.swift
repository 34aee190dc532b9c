import Foundation
import Glibc
import Testing
@testable import VegaHardware

/// `vega demo`, `vega run` and `vega replay --journal`, as the built binary: the trading demo runs
/// against two simulated venues, ends with its summary line, and its journal replays exactly.
@Suite("vega demo / run / replay --journal, as the built binary", .serialized)
struct EngineCommandTests {
    /// The demo configuration with a lighter background flow, so a debug build on a busy CI
    /// machine keeps up (the default demo is the same with 20,000 messages/s per venue).
    static func lightConfig(_ name: String) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("Config/demo.toml"), encoding: .utf8)
            .replacingOccurrences(of: "message_rate = 20000", with: "message_rate = 2000")
        let path = NSTemporaryDirectory() + "vega-\(name)-\(getpid()).toml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func summary(_ output: String) -> [String: UInt64]? {
        guard let last = output.split(separator: "\n").last(where: { $0.hasPrefix("orders=") }) else { return nil }
        var fields: [String: UInt64] = [:]
        for kv in last.split(separator: " ") {
            let p = kv.split(separator: "=")
            guard p.count == 2, let v = UInt64(p[1]) else { return nil }
            fields[String(p[0])] = v
        }
        return Set(fields.keys) == ["orders", "fills", "p50_ns", "p99_ns"] ? fields : nil
    }

    @Test("vega demo trades, reports, and its journal replays to the same output hash, twice")
    func demoJournalReplays() throws {
        let config = try Self.lightConfig("demo")
        let journal = NSTemporaryDirectory() + "vega-demo-journal-\(getpid())"
        defer { unlink(config); try? FileManager.default.removeItem(atPath: journal) }
        let vega = try builtVegaBinary()
        let r = Subprocess.run(vega, ["demo", "--config", config, "--duration", "4", "--journal", journal],
                               timeoutMilliseconds: 180_000)
        #expect(r.exitStatus == 0, "\(r.output)")
        // The last line is the summary, exactly as documented.
        let lastLine = r.output.split(separator: "\n").last.map(String.init) ?? ""
        #expect(lastLine.range(of: #"^orders=\d+ fills=\d+ p50_ns=\d+ p99_ns=\d+$"#, options: .regularExpression) != nil,
                "last line: \(lastLine)")
        let s = try #require(Self.summary(r.output), "\(r.output)")
        #expect(s["orders"]! > 0, "the market makers quote from the first book: \(r.output)")
        #expect(s["p50_ns"]! > 0 && s["p99_ns"]! >= s["p50_ns"]!)
        #expect(r.output.contains("market maker #1 AAPL"))
        #expect(r.output.contains("arbitrage #3 AAPL"))

        let a = Subprocess.run(vega, ["replay", "--journal", journal], timeoutMilliseconds: 120_000)
        #expect(a.exitStatus == 0, "\(a.output)")
        #expect(a.output.contains("match: identical"), "\(a.output)")
        let hash = a.output.split(separator: "\n").first { $0.hasPrefix("output hash: ") }
        #expect(hash?.range(of: #"^output hash: [0-9a-f]{16}$"#, options: .regularExpression) != nil, "\(a.output)")
        let b = Subprocess.run(vega, ["replay", "--journal", journal], timeoutMilliseconds: 120_000)
        #expect(b.output.split(separator: "\n").first { $0.hasPrefix("output hash: ") } == hash)
    }

    /// Waits up to 60 s for `process` to exit; SIGKILLs it after that. Returns whether it exited.
    @discardableResult
    static func reap(_ process: Process) -> Bool {
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return false
        }
        return true
    }

    @Test("vega run stops gracefully on SIGTERM: cancels, logs out, prints its report")
    func runStopsOnSIGTERM() throws {
        let config = try Self.lightConfig("run")
        defer { unlink(config) }
        let vega = try builtVegaBinary()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: vega)
        process.arguments = ["run", "--config", config, "--log-level", "info"]
        let log = config + ".out"
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        defer { unlink(log) }
        // Wait until it trades (a progress line), at most 120 s.
        var seen = ""
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && !seen.split(separator: "\n").contains(where: { $0.hasPrefix("t=") }) && process.isRunning {
            usleep(100_000)
            seen = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        }
        #expect(seen.split(separator: "\n").contains { $0.hasPrefix("t=") }, "no progress line: \(seen)")
        kill(process.processIdentifier, SIGTERM)
        let stopped = Self.reap(process)
        #expect(stopped, "vega run did not stop within 60 s of SIGTERM")
        seen = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "\(seen)")
        #expect(seen.contains("graceful stop requested"), "\(seen)")
        #expect(seen.contains("cancels sent at stop"), "\(seen)")
        #expect(Self.summary(seen) != nil, "\(seen)")
    }

    /// Starts `vega run --config config --duration seconds` with stdout and stderr into `log`.
    static func launchRun(config: String, seconds: Int, log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try builtVegaBinary())
        process.arguments = ["run", "--config", config, "--duration", "\(seconds)"]
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// GET `path` from 127.0.0.1:`port` over a plain socket; the whole response as text.
    static func httpGet(port: UInt16, path: String) -> String? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard ok == 0 else { return nil }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A free TCP port below the kernel's ephemeral range (32768…), so a client socket of a
    /// parallel test cannot take it between this check and the engine's bind.
    static func freePort() -> UInt16 {
        for candidate in stride(from: 21_000 + Int(getpid() % 5_000), to: 32_000, by: 11) {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = UInt16(candidate).bigEndian
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            close(fd)
            if ok == 0 { return UInt16(candidate) }
        }
        return 0
    }

    @Test("vega run serves the lane's counters, positions and latency on its Prometheus endpoint; a scrape sees them")
    func metricsEndpointIsScraped() throws {
        let port = Self.freePort()
        let base = try Self.lightConfig("metrics")
        defer { unlink(base) }
        let text = try String(contentsOfFile: base, encoding: .utf8)
            .replacingOccurrences(of: "[telemetry]\n", with: "[telemetry]\nmetrics_listen = \"127.0.0.1:\(port)\"\n")
        try text.write(toFile: base, atomically: true, encoding: .utf8)
        let log = base + ".out"
        let process = try Self.launchRun(config: base, seconds: 60, log: log)
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGTERM) }
            EngineCommandTests.reap(process)
            unlink(log)
        }
        var seen = ""
        let deadline = Date().addingTimeInterval(120)
        // Two progress lines: the metrics have been published at least once after trading began.
        func progressLines() -> Int { seen.split(separator: "\n").filter { $0.hasPrefix("t=") }.count }
        while Date() < deadline && progressLines() < 2 && process.isRunning {
            usleep(100_000)
            seen = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        }
        let body = try #require(Self.httpGet(port: port, path: "/metrics"), "no answer on \(port): \(seen)")
        #expect(body.hasPrefix("HTTP/1.1 200"), "\(body.prefix(200))")
        func value(_ prefix: String) -> Double? {
            body.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Double($0.split(separator: " ").last!) }
        }
        #expect((value("vega_feed_messages{lane=\"lane0\"}") ?? 0) > 0, "\(body)")
        #expect(value("vega_sessions_logged_in{lane=\"lane0\"}") == 2, "\(body)")
        #expect(body.contains("# TYPE vega_orders_sent counter"), "\(body)")
        #expect(body.contains("vega_strategy_position_shares{"), "\(body)")
        #expect(Self.httpGet(port: port, path: "/nothing")?.hasPrefix("HTTP/1.1 404") == true)
    }

    @Test("with [clients], a FIX client's order shows in the client gateway's counters on the Prometheus endpoint")
    func clientCountersAreScraped() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = NSTemporaryDirectory() + "vega-client-metrics-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let metricsPort = Self.freePort()
        var fixPort = Self.freePort()
        while fixPort == metricsPort { fixPort = Self.freePort() &+ 1 }
        let config = try String(contentsOf: root.appendingPathComponent("Config/clients-demo.toml"), encoding: .utf8)
            .replacingOccurrences(of: "message_rate = 20000", with: "message_rate = 2000")
            .replacingOccurrences(of: "[telemetry]\n", with: "[telemetry]\nmetrics_listen = \"127.0.0.1:\(metricsPort)\"\n")
        try config.write(toFile: dir + "/clients.toml", atomically: true, encoding: .utf8)
        for name in ["clients-demo.cfg", "clients-demo-client.cfg"] {
            let cfg = try String(contentsOf: root.appendingPathComponent("Config/" + name), encoding: .utf8)
                .replacingOccurrences(of: "=9878", with: "=\(fixPort)")
            try cfg.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        }
        let log = dir + "/run.out"
        let process = try Self.launchRun(config: dir + "/clients.toml", seconds: 90, log: log)
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGTERM) }
            EngineCommandTests.reap(process)
        }
        var seen = ""
        func progressLines() -> Int { seen.split(separator: "\n").filter { $0.hasPrefix("t=") }.count }
        var deadline = Date().addingTimeInterval(120)
        while Date() < deadline && progressLines() < 1 && process.isRunning {
            usleep(100_000)
            seen = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        }
        try #require(progressLines() >= 1, "the engine did not start trading: \(seen)")
        // A client order through the gateway, the lane's risk checks and a venue.
        let send = Subprocess.run(try builtVegaBinary(), ["fix", "send", "--config", dir + "/clients-demo-client.cfg", "--timeout", "60",
                                                          "new m1 buy 100 AAPL 1.00"], timeoutMilliseconds: 90_000)
        #expect(send.exitStatus == 0 && send.output.contains("ClOrdID=m1"), "\(send.output)")
        // Published about once a second: wait for a scrape that has the client's order.
        func value(_ body: String, _ prefix: String) -> Double? {
            body.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Double($0.split(separator: " ").last!) }
        }
        var body = ""
        deadline = Date().addingTimeInterval(30)
        repeat {
            usleep(200_000)
            body = Self.httpGet(port: metricsPort, path: "/metrics") ?? ""
        } while Date() < deadline && (value(body, "vega_client_reports_sent") ?? 0) < 1
        #expect((value(body, "vega_client_messages_received") ?? 0) >= 1, "\(body)")
        #expect((value(body, "vega_client_requests_forwarded") ?? 0) >= 1, "\(body)")
        #expect((value(body, "vega_client_reports_sent") ?? 0) >= 1, "\(body)")
        #expect(body.contains("# TYPE vega_drop_copies_sent counter"), "\(body)")
        // The gateway holds the one order (open or finished, not forgotten).
        #expect(value(body, "vega_client_orders_retained") == 1, "\(body)")
        #expect(value(body, "vega_client_orders_forgotten") == 0, "\(body)")
        // The graceful stop publishes the final counters after the client gateway has finished:
        // it must not wait on the gateway's stopped event loop (it once hung there).
        kill(process.processIdentifier, SIGTERM)
        #expect(EngineCommandTests.reap(process), "no exit within 60 s of SIGTERM")
        #expect(process.terminationStatus == 0)
    }

    @Test("a bad configuration is refused with the file, the key and what is allowed")
    func badConfiguration() throws {
        let path = NSTemporaryDirectory() + "vega-bad-\(getpid()).toml"
        defer { unlink(path) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("Config/demo.toml"), encoding: .utf8)
            .replacingOccurrences(of: "message_rate = 20000", with: "message_rate = -5")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let r = Subprocess.run(try builtVegaBinary(), ["run", "--config", path], timeoutMilliseconds: 60_000)
        #expect(r.exitStatus != 0)
        #expect(r.output.contains(path) && r.output.contains("message_rate"), "\(r.output)")
    }

    @Test("vega replay --journal on something that is not an engine journal fails and says why")
    func replayNotAJournal() throws {
        let dir = NSTemporaryDirectory() + "vega-empty-journal-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = Subprocess.run(try builtVegaBinary(), ["replay", "--journal", dir], timeoutMilliseconds: 60_000)
        #expect(r.exitStatus != 0)
        #expect(r.output.contains(dir), "\(r.output)")
    }
}
