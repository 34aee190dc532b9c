import Foundation
import Testing
import VegaTestSupport

/// `vega fix send` (the built binary, next to the test bundle) against qf-acceptor: the command
/// line tool a FIX user reaches for first, with QuickFIX validating every message it sends.
@Suite("vega fix send against a QuickFIX acceptor", .serialized)
struct VegaFixSendInteropTests {
    static var vegaPath: String? {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("vega").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// The scenario as `vega fix send` requests. The last is a cancel of a filled order with a
    /// ClOrdID of its own: the tool waits for an answer to every ClOrdID, and replies come in
    /// order, so when that one is answered every earlier reply has arrived.
    static let requests: [(request: String, replies: [ExecutorScenario.Reply])] = {
        let s = ExecutorScenario.steps()
        return [
            ("new N1 buy 100 VGA 101", s[0].replies), ("new N2 buy 100 VGA 99", s[1].replies),
            ("new N3 sell 50 VGA 105", s[2].replies), ("new N4 sell 70 VGA market", s[3].replies),
            ("cancel C2 N2", s[4].replies), ("replace R3 N3 60 100", s[5].replies), ("cancel C1 N1", s[6].replies),
            ("cancel C9 NOPE buy VGA", s[7].replies), ("replace R9 NOPE 10 1 buy VGA", s[8].replies),
            ("new N5 buy 10 VGA 100", s[11].replies),
            ("cancel Z5 N5", [ExecutorScenario.Reply(msgType: "9", fields: [(11, "Z5"), (41, "N5"), (434, "1"), (102, "0")])]),
        ]
    }()

    @Test("vega fix send's orders, cancels and replaces are accepted by QuickFIX and every reply comes back, in order")
    func sendAgainstQuickFIX() async throws {
        guard let qf = try await QuickFIXDrivers.available(for: "sendAgainstQuickFIX") else { return }
        let vega = try #require(Self.vegaPath, "the vega binary is not next to the test bundle")
        let dir = try ScratchDirectory("vega-fix-send")
        defer { dir.remove() }
        let cfg = try dir.write("qf-acceptor.cfg", QuickFIXConfig.acceptor(sender: "QFEXEC", target: "VEGASEND", store: dir.path + "/qf-store"))
        let acceptor = try ChildProcess(qf.acceptor, ["--config", cfg])
        guard let line = await acceptor.firstLine(startingWith: "LISTENING port="), let port = Int(line.dropFirst("LISTENING port=".count)) else {
            _ = await acceptor.stop()
            throw InteropError("qf-acceptor did not start\n\(acceptor.transcript)")
        }
        let client = try dir.write("client.cfg", QuickFIXConfig.initiator(sender: "VEGASEND", target: "QFEXEC", port: port, store: dir.path + "/vega-store"))
        let send = try ChildProcess(vega, ["fix", "send", "--config", client, "--raw", "--timeout", "120"] + Self.requests.map(\.request))
        let sendStatus = await send.exitStatus(seconds: 180)
        let acceptorStatus = await acceptor.stop()
        let context = "\(send.transcript)\n\(acceptor.transcript)"
        #expect(sendStatus == 0, "vega fix send exit status\n\(context)")
        #expect(acceptorStatus == 0)

        // --raw prints each received message as "   8=FIX.4.4|…".
        let raw = send.lines.filter { $0.hasPrefix("   8=FIX") }.compactMap { PrintedFIXMessage(line: "RECV" + $0.dropFirst(2)) }
        let differences = ExecutorScenario.differences(
            expected: Self.requests.flatMap(\.replies), received: raw.map { m in (m.msgType, { m[$0] }, m.text) })
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))\n\(context)")

        let rejects = PrintedFIXMessage.all(acceptor.lines, kind: "ADMIN-OUT").filter { $0.msgType == "3" }
        #expect(rejects.isEmpty, "QuickFIX rejected vega fix send's messages: \(rejects)")
        let executed = PrintedFIXMessage.all(acceptor.lines, kind: "RECV").map { $0[11] ?? "?" }
        #expect(executed == Self.requests.map { String($0.request.split(separator: " ")[1]) }, "requests QuickFIX received: \(executed)")
    }
}
