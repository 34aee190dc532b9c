import Foundation
import Testing
import VegaCore
import VegaOrderEntry
import VegaTestSupport

/// Vega's drop copy with QuickFIX 1.15 as the drop-copy target: qf-acceptor `--drop-copy`
/// records every ExecutionReport it receives (validated against the FIX 4.4 dictionary) and cuts
/// the connection once mid-stream, so that recovery goes through QuickFIX's ResendRequest.
@Suite("Vega drop copy to a QuickFIX target", .serialized)
struct DropCopyQuickFIXInteropTests {
    static func report(_ i: Int) -> FIXOutgoingMessage {
        FIXOutgoingMessage(.executionReport, [
            (37, "VG-\(i)"), (11, "C-\(i)"), (17, "DC-\(i)"), (150, i % 2 == 0 ? "0" : "F"), (39, i % 2 == 0 ? "0" : "2"),
            (55, "VGA"), (54, "1"), (38, "100"), (32, i % 2 == 0 ? "0" : "100"), (31, i % 2 == 0 ? "0" : "100.25"),
            (151, i % 2 == 0 ? "100" : "0"), (14, i % 2 == 0 ? "0" : "100"), (6, i % 2 == 0 ? "0" : "100.25"),
        ])
    }

    @Test("every ExecutionReport reaches QuickFIX in order across a cut, none lost, repeats only with PossDupFlag=Y, none rejected")
    func dropCopyToQuickFIX() async throws {
        guard let qf = try await QuickFIXDrivers.available(for: "dropCopyToQuickFIX") else { return }
        let dir = try ScratchDirectory("vega-drop-copy")
        defer { dir.remove() }
        let cfg = try dir.write("qf-acceptor.cfg", QuickFIXConfig.acceptor(sender: "QFDROP", target: "VEGADROP", store: dir.path + "/qf-store"))
        let quickFIX = try ChildProcess(qf.acceptor, ["--config", cfg, "--drop-copy", "--drop-after-recv", "6"])
        guard let line = await quickFIX.firstLine(startingWith: "LISTENING port="), let port = Int(line.dropFirst("LISTENING port=".count)) else {
            _ = await quickFIX.stop()
            throw InteropError("qf-acceptor did not start\n\(quickFIX.transcript)")
        }
        let vega = try await VegaFIXPeer.initiator(config: QuickFIXConfig.initiator(
            sender: "VEGADROP", target: "QFDROP", port: port, store: dir.path + "/vega-store") + "DropCopy=Y\n")
        let loggedOn = await vega.wait { $0.logons >= 1 }
        #expect(loggedOn, "Vega's drop-copy session logged on to QuickFIX\n\(quickFIX.transcript)\n\(vega.transcript)")
        let dropCopy = FIXDropCopy(engine: vega.engine, target: vega.sessionID)
        let total = 30
        for i in 0..<12 { dropCopy.replicate(Self.report(i)) }
        // QuickFIX cuts the link on the 6th copy; the next ones go out on a dead link, while Vega
        // is disconnected, or after it logs on again — QuickFIX must get each exactly once.
        let cut = await quickFIX.wait { $0.contains { $0.hasPrefix("DROP cut=") } }
        #expect(cut, "QuickFIX cut the connection\n\(quickFIX.transcript)")
        for i in 12..<total { dropCopy.replicate(Self.report(i)) }
        let expected = (0..<total).map { "DC-\($0)" }
        let complete = await quickFIX.wait(seconds: 120) { lines in
            Set(PrintedFIXMessage.all(lines, kind: "RECV").compactMap { $0[17] }).count == total
        }
        await vega.stop()
        let status = await quickFIX.stop()
        let context = "\(quickFIX.transcript)\n\(vega.transcript)"
        #expect(complete, "QuickFIX received every copy\n\(context)")
        #expect(status == 0, "qf-acceptor exit status")
        let received = PrintedFIXMessage.all(quickFIX.lines, kind: "RECV")
        #expect(received.allSatisfy { $0.msgType == "8" })
        // In order, each once as an application message; a repeat would have to be a PossDup.
        var firstSeen: [String] = []
        for m in received {
            guard let execID = m[17] else { continue }
            if firstSeen.contains(execID) {
                #expect(m.possDup, "\(execID) delivered twice without PossDupFlag=Y\n\(context)")
            } else {
                firstSeen.append(execID)
            }
        }
        #expect(firstSeen == expected, "\(firstSeen)")
        #expect(received.contains { $0.possDup }, "copies recovered by resend carry PossDupFlag=Y\n\(context)")
        #expect(received.filter { $0.possDup }.allSatisfy { $0[122] != nil }, "resends carry OrigSendingTime")
        // QuickFIX validated every copy: no session Reject, no BusinessMessageReject.
        let rejects = PrintedFIXMessage.all(quickFIX.lines, kind: "ADMIN-OUT").filter { $0.msgType == "3" }
            + PrintedFIXMessage.all(quickFIX.lines, kind: "SENT").filter { $0.msgType == "j" }
        #expect(rejects.isEmpty, "QuickFIX rejected copies: \(rejects)")
        #expect(vega.logons >= 2, "Vega logged on again after the cut\n\(vega.transcript)")
    }
}
