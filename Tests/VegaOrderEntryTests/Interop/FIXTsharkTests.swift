import Foundation
import Testing
import VegaCore
import VegaOrderEntry
import VegaTestSupport

/// Wireshark's FIX dissector (tshark 4.0, Debian) reading a capture of Vega's FIX sessions on
/// loopback: Vega's acceptor answering qf-initiator, and Vega's initiator sending the scenario
/// to qf-acceptor, captured together by dumpcap on `lo`.
///
/// Field names checked with `tshark -G fields | grep -P '^F\t[^\t]*\tfix\.'`: one field per tag
/// (`fix.ClOrdID`, `fix.MsgSeqNum`, …) whose raw bytes are `tag=value<SOH>`, and under
/// `fix.CheckSum` the booleans `fix.checksum_good` / `fix.checksum_bad`. The test reads tshark's
/// PDML, where each FIX message is one `<proto name="fix">` and each field carries its bytes.
@Suite("tshark decodes Vega's FIX traffic", .serialized)
struct FIXTsharkTests {
    /// A UDP socket on 127.0.0.1 that sends one-byte datagrams to itself: packets for a port in
    /// dumpcap's filter, so the test sees when the filter is live.
    final class Probe {
        let fd: Int32
        private(set) var address = sockaddr_in()

        init() throws {
            fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            guard fd >= 0 else { throw InteropError("probe socket: errno \(errno)") }
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
                }
            }
            guard bound else {
                close(fd)
                throw InteropError("probe bind: errno \(errno)")
            }
        }

        deinit { close(fd) }

        var port: UInt16 { UInt16(bigEndian: address.sin_port) }

        func send() {
            var to = address
            var byte: UInt8 = 0x50
            _ = withUnsafePointer(to: &to) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, &byte, 1, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    /// One FIX message as tshark dissected it.
    struct Dissected {
        var fields: [(name: String, tag: Int, value: String)] = []
        var checksumGood: String?
        var checksumBad: String?
        var size = 0
        var fieldBytes = 0
        subscript(tag: Int) -> String? { fields.first { $0.tag == tag }?.value }
    }

    static func attribute(_ name: String, in line: Substring) -> String? {
        guard let r = line.range(of: " \(name)=\"") else { return nil }
        let rest = line[r.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex, let j = hex.index(i, offsetBy: 2, limitedBy: hex.endIndex), let b = UInt8(hex[i..<j], radix: 16) {
            out.append(b)
            i = j
        }
        return out
    }

    /// The FIX messages of tshark's PDML output, in capture order.
    static func parsePDML(_ text: String) -> [Dissected] {
        var out: [Dissected] = []
        var current: Dissected?
        for line in text.split(separator: "\n") {
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("<proto name=\"fix\"") {
                current = Dissected()
                current?.size = Int(attribute("size", in: trimmed) ?? "") ?? 0
            } else if trimmed.hasPrefix("</proto>"), let c = current {
                out.append(c)
                current = nil
            } else if current != nil, trimmed.hasPrefix("<field name=\"fix."), let name = attribute("name", in: trimmed) {
                if name == "fix.checksum_good" { current!.checksumGood = attribute("show", in: trimmed); continue }
                if name == "fix.checksum_bad" { current!.checksumBad = attribute("show", in: trimmed); continue }
                // Top-level fields only (four spaces of indent in PDML; nested ones have six): their bytes are tag=value<SOH>.
                guard line.hasPrefix("    <field") else { continue }
                let raw = bytes(hex: attribute("value", in: trimmed) ?? "")
                current!.fieldBytes += raw.count
                let text = String(decoding: raw, as: UTF8.self)
                guard let eq = text.firstIndex(of: "="), let tag = Int(text[..<eq]) else {
                    current!.fields.append((name, -1, text))
                    continue
                }
                var value = String(text[text.index(after: eq)...])
                if value.hasSuffix("\u{01}") { value.removeLast() }
                current!.fields.append((name, tag, value))
            }
        }
        return out
    }

    @Test("tshark dissects every message of Vega's FIX sessions, both roles: every tag named, every checksum correct")
    func tsharkDecodesVegaSessions() async throws {
        guard let qf = try await QuickFIXDrivers.available(for: "tsharkDecodesVegaSessions") else { return }
        guard let tshark = ChildProcess.tool("tshark"), let dumpcap = ChildProcess.tool("dumpcap"), ChildProcess.tool("python3") != nil else {
            print("SKIP tsharkDecodesVegaSessions: tshark/dumpcap/python3 not installed (Scripts/install-deps.sh)")
            return
        }
        let dir = try ScratchDirectory("fix-tshark")
        defer { dir.remove() }
        // Vega's acceptor for qf-initiator, and qf-acceptor for Vega's initiator: both ports known
        // before the capture starts.
        let vegaAcceptor = try await VegaFIXPeer.executor(config: QuickFIXInitiatorInteropTests.vegaConfig(dir))
        let acceptorPort = try await vegaAcceptor.port()
        let cfg = try dir.write("qf-acceptor.cfg", QuickFIXConfig.acceptor(
            sender: VegaInitiatorInteropTests.quickFIXCompID, target: VegaInitiatorInteropTests.vegaCompID, store: dir.path + "/qf-acceptor-store"))
        let qfAcceptor = try ChildProcess(qf.acceptor, ["--config", cfg])
        guard let line = await qfAcceptor.firstLine(startingWith: "LISTENING port="), let initiatorPort = Int(line.dropFirst("LISTENING port=".count)) else {
            _ = await qfAcceptor.stop()
            await vegaAcceptor.stop()
            throw InteropError("qf-acceptor did not start\n\(qfAcceptor.transcript)")
        }

        let capture = dir.path + "/fix.pcap"
        // The test process's threads block SIGTERM and spawned children inherit that mask, so
        // dumpcap would never see the signal that tells it to finish the file: unblock it first.
        // A probe port in the filter: dumpcap says "Capturing on" before its filter is live (the
        // first Logon was missing from some captures), so the test sends probes there until
        // dumpcap's packet count ("Packets: N", rewritten in place) shows one arrived.
        let probe = try Probe()
        let dump = try ChildProcess("/usr/bin/python3", [
            "-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT}); os.execv(sys.argv[1], sys.argv[1:])",
            dumpcap, "-i", "lo", "-f", "tcp port \(acceptorPort) or tcp port \(initiatorPort) or udp port \(probe.port)", "-w", capture,
        ])
        var capturing = false
        for _ in 0..<1_200 where dump.process.isRunning {
            probe.send()
            capturing = await dump.wait(seconds: 0.05) { $0.contains { $0.contains("Packets: ") } }
            if capturing { break }
        }
        guard capturing, dump.process.isRunning else {
            _ = await dump.stop()
            _ = await qfAcceptor.stop()
            await vegaAcceptor.stop()
            print("SKIP tsharkDecodesVegaSessions: dumpcap cannot capture on lo here\n\(dump.transcript)")
            return
        }

        // Session 1: QuickFIX initiator → Vega acceptor.
        let steps = ExecutorScenario.steps()
        let run = try QuickFIXInitiatorInteropTests.quickFIX(qf, dir, port: acceptorPort, script: steps.map(\.line),
                                                             expect: QuickFIXInitiatorInteropTests.expectedReplies(steps))
        let runStatus = await run.exitStatus()
        await vegaAcceptor.stop()
        // Session 2: Vega initiator → QuickFIX acceptor.
        let vegaInitiator = try await VegaFIXPeer.initiator(config: QuickFIXConfig.initiator(
            sender: VegaInitiatorInteropTests.vegaCompID, target: VegaInitiatorInteropTests.quickFIXCompID,
            port: initiatorPort, store: dir.path + "/vega-initiator-store"))
        _ = await vegaInitiator.wait { $0.logons >= 1 }
        for s in steps { vegaInitiator.send(s.line) }
        let answered = await vegaInitiator.wait(seconds: 120) { $0.messages.count >= QuickFIXInitiatorInteropTests.expectedReplies(steps) }
        await vegaInitiator.stop()
        let acceptorStatus = await qfAcceptor.stop()
        let dumpStatus = await dump.stop()
        #expect(runStatus == 0 && answered && acceptorStatus == 0, "\(run.transcript)\n\(qfAcceptor.transcript)")
        #expect(dumpStatus == 0, "dumpcap\n\(dump.transcript)")

        let pdml = try ChildProcess(tshark, [
            "-r", capture, "-o", "fix.desegment:TRUE",
            "-d", "tcp.port==\(acceptorPort),fix", "-d", "tcp.port==\(initiatorPort),fix", "-T", "pdml",
        ])
        #expect(await pdml.exitStatus() == 0, "tshark\n\(pdml.lines.filter { $0.hasPrefix("STDERR") })")
        let dissected = Self.parsePDML(pdml.lines.filter { !$0.hasPrefix("STDERR ") }.joined(separator: "\n"))

        // What Vega sent, as the QuickFIX peers received it (every message but plain Heartbeats).
        let fromVega = (PrintedFIXMessage.all(run.lines, kind: "RECV") + PrintedFIXMessage.all(run.lines, kind: "ADMIN-IN"))
            + (PrintedFIXMessage.all(qfAcceptor.lines, kind: "RECV") + PrintedFIXMessage.all(qfAcceptor.lines, kind: "ADMIN-IN"))
        let vegaCompIDs: Set<String> = [QuickFIXInitiatorInteropTests.vegaCompID, VegaInitiatorInteropTests.vegaCompID]
        let vegaDissected = dissected.filter { vegaCompIDs.contains($0[49] ?? "") }
        try #require(!fromVega.isEmpty && vegaDissected.count >= fromVega.count - 2,
                     "tshark found \(vegaDissected.count) of Vega's messages, the peers received \(fromVega.count)")

        for m in dissected {
            let id = "\(m[49] ?? "?") seq \(m[34] ?? "?") 35=\(m[35] ?? "?")"
            #expect(m.checksumGood == "1" && m.checksumBad == "0", "\(id): tshark's checksum verdict good=\(m.checksumGood ?? "none")")
            #expect(m.fieldBytes == m.size, "\(id): tshark attributed \(m.fieldBytes) of \(m.size) bytes to fields")
            let unnamed = m.fields.filter { $0.tag < 0 || !$0.name.hasPrefix("fix.") || $0.name.hasPrefix("fix.field") || $0.name == "fix.data" }
            #expect(unnamed.isEmpty, "\(id): fields tshark did not name: \(unnamed.map(\.value))")
        }
        // Every message Vega sent appears, tag for tag and value for value (QuickFIX may print
        // body fields in another order, so the fields compare sorted).
        for sent in fromVega where sent.msgType != "5" {
            let match = vegaDissected.first { $0[49] == sent[49] && $0[34] == sent[34] && $0[43] == sent[43] }
            guard let match else {
                Issue.record("tshark has no message \(sent[49] ?? "?") seq \(sent.seqNum): \(sent.text)")
                continue
            }
            let want = sent.fields.map { "\($0.tag)=\($0.value)" }.sorted()
            let got = match.fields.map { "\($0.tag)=\($0.value)" }.sorted()
            #expect(got == want, "seq \(sent.seqNum) 35=\(sent.msgType): tshark \(got) vs sent \(want)")
        }
        // Both roles' application messages were in the capture: Vega's ExecutionReports and
        // OrderCancelRejects as acceptor, its orders, cancels, replaces and status requests as initiator.
        let types = Set(vegaDissected.compactMap { $0[35] })
        #expect(types.isSuperset(of: ["A", "8", "9", "D", "F", "G", "H"]), "MsgTypes Vega sent in the capture: \(types.sorted())")
    }
}
