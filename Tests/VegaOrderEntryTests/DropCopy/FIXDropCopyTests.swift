import Testing
import VegaCore
@testable import VegaOrderEntry

@Suite("Drop copy over loopback", .serialized)
struct FIXDropCopyTests {
    @Test("every ExecutionReport reaches the drop-copy target in order, across a disconnect, none lost, resends marked PossDup")
    func replicatesAcrossDisconnect() async throws {
        // The drop-copy target: an acceptor.
        let target = try FIXEngine(settings: try settings("""
            ConnectionType=acceptor
            SocketAcceptHost=127.0.0.1
            SocketAcceptPort=0
            [SESSION]
            SenderCompID=DCTARGET
            TargetCompID=VEGA
            """), logger: quietLogger())
        let targetRec = EventRecorder(target)
        try await target.start()
        let port = await target.acceptorPorts().first!
        // Vega: a drop-copy initiator session.
        let vega = try FIXEngine(settings: try settings("""
            ConnectionType=initiator
            SocketConnectHost=127.0.0.1
            SocketConnectPort=\(port)
            HeartBtInt=30
            ReconnectInterval=1
            DropCopy=Y
            [SESSION]
            SenderCompID=VEGA
            TargetCompID=DCTARGET
            """), logger: quietLogger())
        let vegaRec = EventRecorder(vega)
        try await vega.start()
        let dcID = FIXSessionID(senderCompID: "VEGA", targetCompID: "DCTARGET")
        let drop = FIXDropCopy(engine: vega, target: dcID)
        #expect(await eventually { vegaRec.all.contains(where: \.isLoggedOn) })
        func report(_ i: Int) -> FIXOutgoingMessage {
            FIXOutgoingMessage(.executionReport, [(37, "X\(i)"), (11, "C\(i)"), (17, "E\(i)"), (150, "F"), (39, "2"), (55, "VGA"),
                                                   (54, "1"), (151, "0"), (14, "10"), (6, "100"), (32, "10"), (31, "100")])
        }
        for i in 1...50 { drop.replicate(report(i)) }
        // A received report is copied too (body as received).
        drop.replicate(FIXMessage(bytes: fixBytes(header("8", seq: 9) + "37=X51|11=C51|17=E51|150=0|39=0|55=VGA|54=2|151=5|14=0|6=0|"))!)
        drop.replicate(FIXOutgoingMessage(.newOrderSingle, [(11, "not-a-report")]))  // ignored
        vega.dropConnection(dcID)
        for i in 52...100 { drop.replicate(report(i)) }
        #expect(await eventually { targetRec.messages().count >= 100 })
        let got = targetRec.messages()
        #expect(got.map { $0[17]! } == (1...100).map { "E\($0)" })
        #expect(got.allSatisfy { $0.msgType == .executionReport })
        // Copies made while the link was down (or in flight when it dropped) came by resend.
        let possDup = got.filter { $0[43] == "Y" }.map { $0[17]! }
        #expect(possDup.contains("E100") && !possDup.contains("E1"))
        #expect(got.filter { $0[43] != "Y" }.count + possDup.count == 100)
        await vega.stop(); await target.stop()
    }

    @Test("an engine copies the ExecutionReports its sessions send and receive to its DropCopy=Y session, in order")
    func engineCopiesItsOwnReports() async throws {
        let target = try FIXEngine(settings: try settings("""
            ConnectionType=acceptor
            SocketAcceptHost=127.0.0.1
            SocketAcceptPort=0
            [SESSION]
            SenderCompID=DCTARGET
            TargetCompID=VEGA
            """), logger: quietLogger())
        let targetRec = EventRecorder(target)
        try await target.start()
        let dcPort = await target.acceptorPorts().first!
        // Vega: an acceptor for a client plus the drop-copy initiator, in one engine.
        let vega = try FIXEngine(settings: try settings("""
            HeartBtInt=30
            [SESSION]
            ConnectionType=acceptor
            SocketAcceptHost=127.0.0.1
            SocketAcceptPort=0
            SenderCompID=EXEC
            TargetCompID=CLIENT1
            [SESSION]
            ConnectionType=initiator
            SocketConnectHost=127.0.0.1
            SocketConnectPort=\(dcPort)
            ReconnectInterval=1
            DropCopy=Y
            SenderCompID=VEGA
            TargetCompID=DCTARGET
            """), logger: quietLogger())
        let vegaRec = EventRecorder(vega)
        try await vega.start()
        let port = await vega.acceptorPorts().first!
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
        let clientRec = EventRecorder(client)
        try await client.start()
        let execID = FIXSessionID(senderCompID: "EXEC", targetCompID: "CLIENT1")
        let clientID = FIXSessionID(senderCompID: "CLIENT1", targetCompID: "EXEC")
        #expect(await eventually { clientRec.all.contains(where: \.isLoggedOn) && vegaRec.count(where: \.isLoggedOn) == 2 })
        // Sent by Vega to its client:
        for i in 1...3 {
            vega.send(FIXOutgoingMessage(.executionReport, [(37, "X\(i)"), (11, "C\(i)"), (17, "OUT\(i)"), (150, "0"), (39, "0"), (55, "VGA"),
                                                             (54, "1"), (151, "10"), (14, "0"), (6, "0")]), to: execID)
        }
        // Received by Vega from its client (an ExecutionReport flowing the other way):
        client.send(FIXOutgoingMessage(.executionReport, [(37, "Y1"), (11, "D1"), (17, "IN1"), (150, "0"), (39, "0"), (55, "VGA"),
                                                           (54, "2"), (151, "5"), (14, "0"), (6, "0")]), to: clientID)
        #expect(await eventually { targetRec.messages().count == 4 })
        let ids = targetRec.messages().map { $0[17]! }
        #expect(Array(ids.prefix(3)) == ["OUT1", "OUT2", "OUT3"] && ids.last == "IN1")
        #expect(clientRec.messages().count == 3)
        await client.stop(); await vega.stop(); await target.stop()
    }
}
