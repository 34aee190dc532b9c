import Logging
import NIOCore
import Synchronization
import Testing
import VegaCore
@testable import VegaOrderEntry

/// Where the acceptor's on-loop handler ran and what it saw (set once the engine exists).
final class FIXPerfHandlerProbe: Sendable {
    let engine = Mutex<FIXEngine?>(nil)
    let calls = Mutex<(total: Int, offLoop: Int, ids: [String])>((0, 0, []))

    func handle(_ id: FIXSessionID, _ m: FIXMessage) -> [FIXOutgoingMessage] {
        let onLoop = engine.withLock { $0?.loop.inEventLoop } ?? false
        let clOrdID = m[11] ?? "?"
        calls.withLock { $0.total += 1; $0.offLoop += onLoop ? 0 : 1; $0.ids.append(clOrdID) }
        return [FIXOutgoingMessage(.executionReport, [(37, "V-" + clOrdID), (11, clOrdID), (17, "E-" + clOrdID), (150, "0"),
                                                      (39, "0"), (55, "VGA"), (54, "1"), (151, "100"), (14, "0"), (6, "0")])]
    }
}

func fixPerfMakeHandler(_ probe: FIXPerfHandlerProbe) -> FIXEngine.MessageHandler {
    { id, m in probe.handle(id, m) }
}

@Suite("FIX engine: on-loop handler and refused sends", .serialized)
struct FIXEngineFastPathTests {
    static let exec1 = FIXSessionID(senderCompID: "EXEC", targetCompID: "CLIENT1")
    static let client1 = FIXSessionID(senderCompID: "CLIENT1", targetCompID: "EXEC")

    func acceptorSettings(_ extra: String = "") throws -> [FIXSessionSettings] {
        try settings("""
            ConnectionType=acceptor
            SocketAcceptPort=0
            SocketAcceptHost=127.0.0.1
            \(extra)
            [SESSION]
            SenderCompID=EXEC
            TargetCompID=CLIENT1
            """)
    }

    @Test("an onMessage handler answers each order on the event loop; replies reach the client in order; no message goes through events")
    func handlerOnLoop() async throws {
        let probe = FIXPerfHandlerProbe()
        let exec = try FIXEngine(settings: try acceptorSettings(), logger: quietLogger(), onMessage: fixPerfMakeHandler(probe))
        probe.engine.withLock { $0 = exec }
        let execRec = EventRecorder(exec)
        try await exec.start()
        let port = await exec.acceptorPorts().first!
        let client = try FIXEngine(settings: try settings("""
            ConnectionType=initiator
            SocketConnectHost=127.0.0.1
            SocketConnectPort=\(port)
            HeartBtInt=30
            ReconnectInterval=1
            [SESSION]
            SenderCompID=CLIENT1
            TargetCompID=EXEC
            """), logger: quietLogger())
        let rec = EventRecorder(client)
        try await client.start()
        #expect(await eventually { rec.all.contains(where: \.isLoggedOn) })
        let ids = (0..<300).map { "O\($0)" }
        for id in ids { client.send(FIXSessionPair.order(id), to: Self.client1) }
        #expect(await eventually { rec.messages(Self.client1).count == ids.count })
        let reports = rec.messages(Self.client1)
        #expect(reports.map { $0[11] } == ids)
        #expect(reports.allSatisfy { $0.msgType == .executionReport && $0[37] == "V-" + ($0[11] ?? "") })
        let calls = probe.calls.withLock { $0 }
        #expect(calls.total == ids.count && calls.offLoop == 0 && calls.ids == ids)
        #expect(execRec.messages().isEmpty)
        #expect(execRec.all.contains { $0.isLoggedOn })
        await client.stop(); await exec.stop()
    }

    @Test("trySend refuses with wouldExceedBound while a peer does not read (no stall disconnect), and accepts again once it reads; nothing lost")
    func refusedSend() async throws {
        let limit = 65_536
        let exec = try FIXEngine(settings: try acceptorSettings("MaxOutboundBytes=\(limit)"), logger: quietLogger())
        let execRec = EventRecorder(exec)
        try await exec.start()
        let port = await exec.acceptorPorts().first!
        #expect(exec.trySend(FIXSessionPair.order("x"), to: FIXSessionID(senderCompID: "NO", targetCompID: "ONE")) == .unknownSession)
        let slow = try await RawClient(port: port, autoRead: false)
        try await slow.write(liveMessage("A", seq: 1, sender: "CLIENT1", target: "EXEC", body: "98=0|108=30|"))
        #expect(await eventually { execRec.all.contains(where: \.isLoggedOn) })
        let text = String(repeating: "x", count: 2000)
        func reject(_ i: Int) -> FIXOutgoingMessage {
            FIXOutgoingMessage(.businessMessageReject, [(45, String(i)), (372, "D"), (380, "0"), (58, text)])
        }
        // Fill the kernel's buffers and ours until the bound refuses.
        var accepted = 0
        var refusal: FIXSendResult? = nil
        #expect(await eventually {
            for _ in 0..<64 {
                let r = exec.trySend(reject(accepted), to: Self.exec1)
                if r == .accepted { accepted += 1 } else { refusal = r; return true }
            }
            return false
        })
        guard case .wouldExceedBound(let pending, let reportedLimit) = refusal else {
            Issue.record("no refusal: \(String(describing: refusal))")
            return
        }
        #expect(reportedLimit == limit && pending > 0)
        // The bound held: unsent bytes never went past it by more than one message, and the
        // session was not cut off as a stalled peer (trySend never queued past the bound).
        #expect(exec.pendingOutboundBytes(Self.exec1) <= limit + 2300)
        #expect(!execRec.all.contains { $0.disconnectReason != nil })
        // The peer reads again: sends are accepted again, and every accepted message arrives, in order.
        try await slow.channel.setOption(ChannelOptions.autoRead, value: true).get()
        slow.channel.read()
        #expect(await eventually {
            if exec.trySend(reject(accepted), to: Self.exec1) == .accepted { accepted += 1; return true }
            return false
        })
        let refs = { slow.text.split(separator: "|").filter { $0.hasPrefix("45=") }.map { Int($0.dropFirst(3))! } }
        #expect(await eventually { refs().count == accepted })
        #expect(refs() == Array(0..<accepted))
        await slow.close(); await exec.stop()
    }
}
