import Foundation
import Testing
import VegaCore
import VegaOrderEntry
import VegaTestSupport

/// QuickFIX 1.15 (Debian's libquickfix-dev) as the client: qf-initiator logs on to Vega's
/// acceptor over loopback and sends the scenario's orders, cancels and replaces; Vega runs the
/// executor `vega fix executor` runs. QuickFIX validates every message Vega sends against the
/// FIX 4.4 dictionary (Tests/QuickFIX/FIX44-Vega.xml) and would answer a bad one with a Reject.
@Suite("QuickFIX initiator against Vega's acceptor", .serialized)
struct QuickFIXInitiatorInteropTests {
    static let vegaCompID = "VEGA"
    static let clientCompID = "QFCLIENT"

    static func vegaConfig(_ dir: ScratchDirectory) -> String {
        QuickFIXConfig.acceptor(sender: vegaCompID, target: clientCompID, store: dir.path + "/vega-store")
    }

    /// Starts qf-initiator with `script` against `port`; its store persists in `dir`.
    static func quickFIX(_ qf: QuickFIXDrivers, _ dir: ScratchDirectory, port: Int, script: [String], expect: Int,
                         run: String = "run", extra: [String] = []) throws -> ChildProcess {
        let cfg = try dir.write("\(run).cfg", QuickFIXConfig.initiator(
            sender: clientCompID, target: vegaCompID, port: port, store: dir.path + "/qf-store"))
        let path = try dir.write("\(run).script", script.joined(separator: "\n") + "\n")
        return try ChildProcess(qf.initiator, ["--config", cfg, "--script", path, "--expect", "\(expect)", "--timeout", "120"] + extra)
    }

    /// The replies QuickFIX delivered to its application, checked against the scenario, plus the
    /// checks every run must pass whatever happened to the connection.
    static func checkDelivery(_ steps: [ExecutorScenario.Step], quickFIX run: ChildProcess, vega: VegaFIXPeer,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        let context = "\(run.transcript)\n\(vega.transcript)"
        let received = PrintedFIXMessage.all(run.lines, kind: "RECV")
        let differences = ExecutorScenario.differences(
            expected: steps.flatMap(\.replies),
            received: received.map { m in (m.msgType, { m[$0] }, m.text) })
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))\n\(context)", sourceLocation: sourceLocation)

        // QuickFIX hands each MsgSeqNum to its application once: strictly increasing numbers.
        let seqs = received.map(\.seqNum)
        #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count, "MsgSeqNums delivered: \(seqs)", sourceLocation: sourceLocation)

        // Nothing Vega sent failed QuickFIX's validation (it answers those with Reject, 35=3).
        let rejects = PrintedFIXMessage.all(run.lines, kind: "ADMIN-OUT").filter { $0.msgType == "3" }
        #expect(rejects.isEmpty, "QuickFIX rejected Vega's messages: \(rejects)\n\(context)", sourceLocation: sourceLocation)
        let rejected = vega.sessionEvents.filter { if case .rejectSent = $0 { true } else if case .rejectReceived = $0 { true } else { false } }
        #expect(rejected.isEmpty, "session-level rejects: \(rejected)", sourceLocation: sourceLocation)

        // Vega's executor saw every request exactly once, in order.
        let clOrdIDs = vega.messages.map { $0[11] ?? "?" }
        let sent = steps.map { step in step.line.split(separator: " ").first { $0.hasPrefix("11=") }!.dropFirst(3) }.map(String.init)
        #expect(clOrdIDs == sent, "requests Vega delivered: \(clOrdIDs)", sourceLocation: sourceLocation)
    }

    static func expectedReplies(_ steps: [ExecutorScenario.Step]) -> Int { steps.reduce(0) { $0 + $1.replies.count } }

    @Test("QuickFIX's orders, cancels and replaces get the executor's replies in order, each valid by QuickFIX's FIX 4.4 dictionary")
    func ordersCancelsReplaces() async throws {
        guard let qf = try await QuickFIXDrivers.available(for: "ordersCancelsReplaces") else { return }
        let dir = try ScratchDirectory("qf-initiator")
        defer { dir.remove() }
        let vega = try await VegaFIXPeer.executor(config: Self.vegaConfig(dir))
        let steps = ExecutorScenario.steps()
        let port = try await vega.port()
        let run = try Self.quickFIX(qf, dir, port: port, script: steps.map(\.line), expect: Self.expectedReplies(steps))
        let status = await run.exitStatus()
        await vega.stop()
        #expect(status == 0, "qf-initiator exit status\n\(run.transcript)")
        Self.checkDelivery(steps, quickFIX: run, vega: vega)
        #expect(run.lines.filter { $0 == "LOGON" }.count == 1)
    }

    @Test("QuickFIX's connection cut mid-stream with orders sent while it is down: Vega asks for them, nothing lost or duplicated")
    func quickFIXSideDropRecovers() async throws {
        guard let qf = try await QuickFIXDrivers.available(for: "quickFIXSideDropRecovers") else { return }
        let dir = try ScratchDirectory("qf-initiator-drop")
        defer { dir.remove() }
        let vega = try await VegaFIXPeer.executor(config: Self.vegaConfig(dir))
        let steps = ExecutorScenario.steps()
        // Four requests, wait for two replies, cut the TCP connection under QuickFIX, then send the
        // rest: QuickFIX stores them (numbered) and reconnects; Vega sees the gap at Logon.
        let script = steps[..<4].map(\.line) + ["WAIT 2", "DROP"] + steps[4...].map(\.line)
        let port = try await vega.port()
        let run = try Self.quickFIX(qf, dir, port: port, script: script, expect: Self.expectedReplies(steps))
        let status = await run.exitStatus()
        await vega.stop()
        #expect(status == 0, "qf-initiator exit status\n\(run.transcript)")
        Self.checkDelivery(steps, quickFIX: run, vega: vega)
        #expect(run.lines.contains { $0.hasPrefix("DROP cut=1") }, "the connection was cut\n\(run.transcript)")
        #expect(run.lines.filter { $0 == "LOGON" }.count >= 2, "QuickFIX logged on again\n\(run.transcript)")
        // The recovery went through FIX's own mechanism: Vega's ResendRequest, QuickFIX's resends
        // flagged PossDupFlag=Y with OrigSendingTime.
        let resendRequests = PrintedFIXMessage.all(run.lines, kind: "ADMIN-IN").filter { $0.msgType == "2" }
        #expect(!resendRequests.isEmpty, "Vega sent a ResendRequest\n\(run.transcript)")
        let resent = PrintedFIXMessage.all(run.lines, kind: "SENT").filter(\.possDup)
        #expect(!resent.isEmpty && resent.allSatisfy { $0[122] != nil }, "QuickFIX resent with PossDupFlag and OrigSendingTime\n\(run.transcript)")
    }

    @Test("Vega's acceptor cuts the connection before answering: QuickFIX asks for the replies, gets each once with PossDupFlag=Y")
    func vegaSideDropRecovers() async throws {
        guard let qf = try await QuickFIXDrivers.available(for: "vegaSideDropRecovers") else { return }
        let dir = try ScratchDirectory("qf-initiator-vega-drop")
        defer { dir.remove() }
        let vega = try await VegaFIXPeer.executor(config: Self.vegaConfig(dir), dropAfter: 3)
        let steps = ExecutorScenario.steps()
        let port = try await vega.port()
        let run = try Self.quickFIX(qf, dir, port: port, script: steps.map(\.line), expect: Self.expectedReplies(steps))
        let status = await run.exitStatus()
        await vega.stop()
        #expect(status == 0, "qf-initiator exit status\n\(run.transcript)")
        Self.checkDelivery(steps, quickFIX: run, vega: vega)
        #expect(vega.logons >= 2, "QuickFIX reconnected and logged on again\n\(vega.transcript)")
        let resendRequests = PrintedFIXMessage.all(run.lines, kind: "ADMIN-OUT").filter { $0.msgType == "2" }
        #expect(!resendRequests.isEmpty, "QuickFIX asked Vega to resend\n\(run.transcript)")
        let resent = PrintedFIXMessage.all(run.lines, kind: "RECV").filter(\.possDup)
        #expect(!resent.isEmpty, "the replies written after the cut arrived as resends\n\(run.transcript)")
        #expect(resent.allSatisfy { $0[122] != nil }, "every PossDupFlag=Y resend carries OrigSendingTime (122)")
    }

    @Test("Both sides restart on their stores: the second session resumes both MsgSeqNums where the first stopped")
    func restartResumesSequenceNumbers() async throws {
        guard let qf = try await QuickFIXDrivers.available(for: "restartResumesSequenceNumbers") else { return }
        let dir = try ScratchDirectory("qf-initiator-restart")
        defer { dir.remove() }
        var lastSent = 0, lastReceived = 0
        for (i, prefix) in ["A", "B"].enumerated() {
            let vega = try await VegaFIXPeer.executor(config: Self.vegaConfig(dir))
            let steps = ExecutorScenario.steps(prefix: prefix)
            let port = try await vega.port()
        let run = try Self.quickFIX(qf, dir, port: port, script: steps.map(\.line),
                                        expect: Self.expectedReplies(steps), run: "run\(i)")
            let status = await run.exitStatus()
            await vega.stop()
            #expect(status == 0, "run \(i + 1): qf-initiator exit status\n\(run.transcript)")
            Self.checkDelivery(steps, quickFIX: run, vega: vega)
            let out = PrintedFIXMessage.all(run.lines, kind: "ADMIN-OUT") + PrintedFIXMessage.all(run.lines, kind: "SENT")
            let inbound = PrintedFIXMessage.all(run.lines, kind: "ADMIN-IN") + PrintedFIXMessage.all(run.lines, kind: "RECV")
            let myLogon = out.first { $0.msgType == "A" }, theirLogon = inbound.first { $0.msgType == "A" }
            if i == 1 {
                #expect(myLogon?.seqNum == lastSent + 1, "QuickFIX's Logon continues its numbering\n\(run.transcript)")
                #expect(theirLogon?.seqNum == lastReceived + 1, "Vega's Logon continues its numbering after the restart\n\(run.transcript)")
                #expect(myLogon?[141] != "Y" && theirLogon?[141] != "Y", "no ResetSeqNumFlag")
            }
            lastSent = out.map(\.seqNum).max() ?? 0
            lastReceived = inbound.map(\.seqNum).max() ?? 0
        }
        #expect(lastSent > 20 && lastReceived > 20, "the second run carried on from the first")
    }
}
