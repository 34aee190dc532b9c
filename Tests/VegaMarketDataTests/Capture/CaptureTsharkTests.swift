import Foundation
import Testing
import VegaCore
import VegaHardware
import VegaMarketData

/// Wireshark's built-in MoldUDP64 dissector (tshark 4.0 on Debian) reading Vega's captures.
/// Field names checked with `tshark -G fields | grep -i moldudp64`:
/// moldudp64.session (FT_STRING), moldudp64.sequence (FT_UINT64), moldudp64.count (FT_UINT16).
@Suite("tshark reads Vega's captures")
struct CaptureTsharkTests {
    static let port: UInt16 = 26477

    static func tsharkPath() -> String? {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"]
        return dirs.map { "\($0)/tshark" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs tshark and returns its stdout lines; stderr goes to a file so a chatty tshark cannot
    /// fill a pipe and deadlock, and is reported if tshark fails.
    static func runTshark(_ tshark: String, _ arguments: [String]) throws -> (status: Int32, lines: [String], stderr: String) {
        let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("vega-tshark-\(UUID().uuidString).err").path
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tshark)
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return (p.terminationStatus, text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }, err)
    }

    /// Several sessions, sequence numbers, message counts (1 to 40, message lengths 0 to 1 000),
    /// heartbeats (count 0) and an end of session (0xFFFF).
    static func packets() -> [(session: String, sequence: UInt64, count: UInt16, bytes: [UInt8])] {
        var out: [(String, UInt64, UInt16, [UInt8])] = []
        var seq: UInt64 = 1
        for (s, session) in ["0000012345", "SESSIONB01"].enumerated() {
            for p in 0..<12 {
                let n = [1, 3, 0, 40, 2, 7][p % 6]
                let messages = (0..<n).map { m in [UInt8](repeating: UInt8(truncatingIfNeeded: m + p), count: (m * 37 + p * 13) % 1_000) }
                let bytes = n == 0 ? MoldUDP64.header(session: session, sequence: seq, count: 0) : MoldUDP64.packet(session: session, sequence: seq, messages: messages)
                out.append((session, seq, UInt16(n), bytes))
                seq += UInt64(n)
            }
            // A 64-bit sequence far beyond 2^32, so a 32-bit truncation anywhere would show.
            let big: UInt64 = 0x0000_0001_2345_6789 + UInt64(s)
            out.append((session, big, 1, MoldUDP64.packet(session: session, sequence: big, messages: [[0x53, 0x4F]])))
            out.append((session, seq, 0xFFFF, MoldUDP64.header(session: session, sequence: seq, count: 0xFFFF)))
        }
        return out
    }

    @Test("tshark's MoldUDP64 dissector agrees with Vega on every packet's session, sequence and count")
    func moldUDP64DissectorAgrees() throws {
        guard let tshark = Self.tsharkPath() else {
            print("SKIP moldUDP64DissectorAgrees: tshark not found on PATH (install Wireshark's tshark: Scripts/install-deps.sh)")
            return
        }
        let packets = Self.packets()
        try withTemporaryCapture("tshark") { path in
            var w = try PcapWriter(path: path, .init(destination: try IPv4Endpoint("233.54.12.111:\(Self.port)")))
            let source = try IPv4Endpoint("10.20.30.40:40000")
            for (i, p) in packets.enumerated() {
                p.bytes.withUnsafeBytes {
                    w.writeUDP(payload: $0, timestampNanoseconds: 1_795_000_000_000_000_000 + UInt64(i) * 1_001,
                               source: source, timestampSource: .software)
                }
            }
            try w.close()
            let r = try Self.runTshark(tshark, [
                "-r", path, "-d", "udp.port==\(Self.port),moldudp64", "-T", "fields",
                "-e", "frame.number", "-e", "moldudp64.session", "-e", "moldudp64.sequence", "-e", "moldudp64.count",
                "-E", "separator=/t",
            ])
            try #require(r.status == 0, "tshark failed: \(r.stderr)")
            try #require(r.lines.count == packets.count, "tshark printed \(r.lines.count) lines for \(packets.count) packets: \(r.lines)")
            for (i, (line, p)) in zip(r.lines, packets).enumerated() {
                let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                try #require(f.count == 4, "packet \(i + 1): \(line)")
                #expect(f[0] == "\(i + 1)")
                #expect(f[1] == p.session, "packet \(i + 1) session")
                #expect(f[2] == "\(p.sequence)", "packet \(i + 1) sequence")
                #expect(f[3] == "\(p.count)", "packet \(i + 1) count")
            }
            // And Vega's own reading of the same file gives back exactly the packets.
            var q = try PcapReplayQueue(path: path)
            let replayed = try drain(&q, slotSize: 65_536)
            let same = replayed.map(\.payload) == packets.map(\.bytes)
            #expect(same, "Vega's replay of the file gives back the packets tshark dissected")
        }
    }

    @Test("tshark sees well-formed IPv4/UDP: no expert warnings about bad checksums or lengths")
    func noMalformedWarnings() throws {
        guard let tshark = Self.tsharkPath() else {
            print("SKIP noMalformedWarnings: tshark not found on PATH")
            return
        }
        try withTemporaryCapture("tshark-expert") { path in
            var w = try PcapWriter(path: path, .init(destination: try IPv4Endpoint("233.54.12.111:\(Self.port)")))
            for (i, p) in Self.packets().enumerated() {
                p.bytes.withUnsafeBytes {
                    w.writeUDP(payload: $0, timestampNanoseconds: UInt64(i), source: try! IPv4Endpoint("10.20.30.40:40000"))
                }
            }
            try w.close()
            // ip.checksum validation is off by default in Wireshark: turn it on so a bad header checksum shows.
            let r = try Self.runTshark(tshark, [
                "-r", path, "-o", "ip.check_checksum:TRUE", "-d", "udp.port==\(Self.port),moldudp64",
                "-Y", "_ws.malformed || _ws.expert.severity >= warning || ip.checksum.status == \"Bad\"", "-T", "fields", "-e", "frame.number",
            ])
            try #require(r.status == 0, "tshark failed: \(r.stderr)")
            #expect(r.lines.isEmpty, "frames tshark flags: \(r.lines)")
        }
    }
}
