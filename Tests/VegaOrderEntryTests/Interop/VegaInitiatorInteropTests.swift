import Foundation
import Testing
import VegaCore
import VegaOrderEntry
import VegaTestSupport

/// Vega as the client: a `FIXEngine` initiator (what `vega fix send` runs) logs on to
/// qf-acceptor, QuickFIX 1.15 running the executor rules of `vega fix executor`, and sends the
/// scenario. QuickFIX validates every message Vega sends against the FIX 4.4 dictionary.
@Suite("Vega initiator against a QuickFIX acceptor", .serialized)
struct VegaInitiatorInteropTests {
    static let vegaCompID = "VEGACLIENT"
    static let quickFIXCompID = "QFEXEC"

    /// Starts qf-acceptor on an ephemeral port and Vega's initiator pointed at it.
    static func start(_ qf: QuickFIXDrivers, _ dir: ScratchDirectory, quickFIXArguments: [String] = []) async throws
        -> (quickFIX: ChildProcess, vega: VegaFIXPeer)
    {
        let cfg = try dir.write("qf-acceptor.cfg", QuickFIXConfig.acceptor(
            sender: quickFIXCompID, target: vegaCompID, store: dir.path + "/qf-store"))
        let acceptor = try ChildProcess(qf.acceptor, ["--config", cfg] + quickFIXArguments)
        guard let line = await acceptor.firstLine(startingWith: "LISTENING port="), let port = Int(line.dropFirst("LISTENING port=".count)) else {
            _ = await acceptor.stop()
            throw InteropError("qf-acceptor did not start\n\(acceptor.transcript)")
        }
        let vega = try await VegaFIXPeer.initiator(config: QuickFIXConfig.initiator(
            sender: vegaCompID, target: quickFIXCompID, port: port, store: dir.path + "/vega-store"))
        return (acceptor, vega)
    }

    static func replies(_ vega: VegaFIXPeer) -> [FIXMessage] { vega.messages }

    /// Waits for as many replies as the scenario has, then stops both sides and checks them.
    static func finish(_ steps: [ExecutorScenario.Step], quickFIX: ChildProcess, vega: VegaFIXPeer,
                       sourceLocation: SourceLocation = #_sourceLocation) async {
        let expected = steps.flatMap(\.replies)
        let complete = await vega.wait(seconds: 120) { $0.messages.count >= expected.count }
        await vega.stop()
        let status = await quickFIX.stop()
        let context = "\(quickFIX.transcript)\n\(vega.transcript)"
        #expect(complete, "Vega received \(vega.messages.count) of \(expected.count) replies\n\(context)", sourceLocation: sourceLocation)
        #expect(status == 0, "qf-acceptor exit status", sourceLocation: sourceLocation)

        let differences = ExecutorScenario.differences(
            expected: expected, received: vega.messages.map { m in (m.msgType.description, { m[UInt32($0)] }, m.description) })
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))\n\(context)", sourceLocation: sourceLocation)
        // Vega hands each MsgSeqNum to the application once.
        let seqs = vega.messages.map(\.seqNum)
        #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count, "MsgSeqNums delivered: \(seqs)", sourceLocation: sourceLocation)

        // QuickFIX validated and accepted every message from Vega, and executed each request once, in order.
        let rejects = PrintedFIXMessage.all(quickFIX.lines, kind: "ADMIN-OUT").filter { $0.msgType == "3" }
        #expect(rejects.isEmpty, "QuickFIX rejected Vega's messages: \(rejects)\n\(context)", sourceLocation: sourceLocation)
        let executed = PrintedFIXMessage.all(quickFIX.lines, kind: "RECV").map { $0[11] ?? "?" }
        let sent = steps.map { step in String(step.line.split(separator: " ").first { $0.hasPrefix("11=") }!.dropFirst(3)) }
        #expect(executed == sent, "requests QuickFIX delivered: \(executed)", sourceLocation: sourceLocation)
    }

    @Test("Vega's orders, cancels and replaces to QuickFIX's executor get every reply, in order, nothing rejected by QuickFIX")
    func ordersCancelsReplaces() async throws {
        guard let qf = try await QuickFIXDrivers.available(for: "vegaInitiatorOrdersCancelsReplaces") else { return }
        let dir = try ScratchDirectory("vega-initiator")
        defer { dir.remove() }
        let (quickFIX, vega) = try await Self.start(qf, dir)
        let loggedOn = await vega.wait { $0.logons >= 1 }
        #expect(loggedOn, "Vega logged on to QuickFIX\n\(quickFIX.transcript)\n\(vega.transcript)")
        let steps = ExecutorScenario.steps()
        for s in steps { vega.send(s.line) }
        await Self.finish(steps, quickFIX: quickFIX, vega: vega)
    }

    @Test("QuickFIX cuts the connection before answering: Vega reconnects, asks for the replies, gets each once")
    func quickFIXSideDropRecovers() async throws {
        guard let qf = try await QuickFIXDrivers.available(for: "vegaInitiatorQuickFIXSideDropRecovers") else { return }
        let dir = try ScratchDirectory("vega-initiator-qf-drop")
        defer { dir.remove() }
        let (quickFIX, vega) = try await Self.start(qf, dir, quickFIXArguments: ["--drop-after-recv", "3"])
        _ = await vega.wait { $0.logons >= 1 }
        let steps = ExecutorScenario.steps()
        for s in steps { vega.send(s.line) }
        await Self.finish(steps, quickFIX: quickFIX, vega: vega)
        #expect(quickFIX.lines.contains { $0.hasPrefix("DROP cut=1") }, "QuickFIX cut the connection\n\(quickFIX.transcript)")
        #expect(vega.logons >= 2, "Vega reconnected and logged on again\n\(vega.transcript)")
        let asked = vega.sessionEvents.contains { if case .resendRequestSent = $0 { true } else { false } }
        #expect(asked, "Vega sent a ResendRequest for the replies it missed\n\(vega.transcript)")
        let resent = PrintedFIXMessage.all(quickFIX.lines, kind: "SENT").filter(\.possDup)
        #expect(!resent.isEmpty, "QuickFIX resent with PossDupFlag=Y\n\(quickFIX.transcript)")
    }

    @Test("Vega's connection drops mid-stream and it keeps sending: QuickFIX asks for the gap, Vega resends with PossDupFlag=Y")
    func vegaSideDropRecovers() async throws {
        guard let qf = try await QuickFIXDrivers.available(for: "vegaInitiatorVegaSideDropRecovers") else { return }
        let dir = try ScratchDirectory("vega-initiator-vega-drop")
        defer { dir.remove() }
        let (quickFIX, vega) = try await Self.start(qf, dir)
        _ = await vega.wait { $0.logons >= 1 }
        let steps = ExecutorScenario.steps()
        for s in steps[..<4] { vega.send(s.line) }
        let someReplies = await vega.wait { $0.messages.count >= 2 }
        #expect(someReplies)
        vega.engine.dropConnection(vega.sessionID)
        // Sent while the connection is down (or going down): stored and numbered by Vega.
        for s in steps[4...] { vega.send(s.line) }
        await Self.finish(steps, quickFIX: quickFIX, vega: vega)
        #expect(vega.logons >= 2, "Vega reconnected\n\(vega.transcript)")
        let asked = PrintedFIXMessage.all(quickFIX.lines, kind: "ADMIN-OUT").contains { $0.msgType == "2" }
        #expect(asked, "QuickFIX sent a ResendRequest for what it missed\n\(quickFIX.transcript)")
        let resent = PrintedFIXMessage.all(quickFIX.lines, kind: "RECV").filter(\.possDup)
        #expect(!resent.isEmpty && resent.allSatisfy { $0[122] != nil },
                "Vega's resends carry PossDupFlag=Y and OrigSendingTime\n\(quickFIX.transcript)")
    }
}
