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

    @Test("vega run stops gracefully on SIGTERM: cancels, logs out, prints its report")
    func runStopsOnSIGTERM() throws {
        let config = try Self.lightConfig("run")
        defer { unlink(config) }
        let vega = try builtVegaBinary()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: vega)
        process.arguments = ["run", "--config", config, "--log-level", "info"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        // Wait until it trades (a progress line), at most 120 s.
        var seen = ""
        let deadline = Date().addingTimeInterval(120)
        let handle = out.fileHandleForReading
        while Date() < deadline && !seen.contains("t=") && process.isRunning {
            let chunk = handle.availableData
            if chunk.isEmpty { usleep(50_000) } else { seen += String(decoding: chunk, as: UTF8.self) }
        }
        #expect(seen.contains("t="), "no progress line: \(seen)")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        seen += String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(seen)")
        #expect(seen.contains("graceful stop requested"), "\(seen)")
        #expect(seen.contains("cancels sent at stop"), "\(seen)")
        #expect(Self.summary(seen) != nil, "\(seen)")
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
