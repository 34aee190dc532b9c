import Logging
import NIOCore
import Testing
import VegaCore
@testable import VegaOrderEntry
#if canImport(Glibc)
import Glibc
#endif

@Suite("FIX engine over loopback (both sides Vega)", .serialized)
struct FIXEngineTests {
    static let exec1 = FIXSessionID(senderCompID: "EXEC", targetCompID: "CLIENT1")
    static let exec2 = FIXSessionID(senderCompID: "EXEC", targetCompID: "CLIENT2")
    static let client1 = FIXSessionID(senderCompID: "CLIENT1", targetCompID: "EXEC")
    static let client2 = FIXSessionID(senderCompID: "CLIENT2", targetCompID: "EXEC")

    func acceptor(extra: String = "") async throws -> (FIXEngine, EventRecorder, Int) {
        let s = try settings("""
            ConnectionType=acceptor
            SocketAcceptPort=0
            SocketAcceptHost=127.0.0.1
            \(extra)
            [SESSION]
            SenderCompID=EXEC
            TargetCompID=CLIENT1
            [SESSION]
            SenderCompID=EXEC
            TargetCompID=CLIENT2
            """)
        let engine = try FIXEngine(settings: s, logger: quietLogger())
        let rec = EventRecorder(engine)
        try await engine.start()
        let port = await engine.acceptorPorts().first!
        return (engine, rec, port)
    }

    func initiator(_ sender: String, port: Int, extra: String = "") async throws -> (FIXEngine, EventRecorder) {
        let s = try settings("""
            ConnectionType=initiator
            SocketConnectHost=127.0.0.1
            SocketConnectPort=\(port)
            HeartBtInt=30
            ReconnectInterval=1
            \(extra)
            [SESSION]
            SenderCompID=\(sender)
            TargetCompID=EXEC
            """)
        let engine = try FIXEngine(settings: s, logger: quietLogger())
        let rec = EventRecorder(engine)
        try await engine.start()
        return (engine, rec)
    }

    @Test("two clients on one port are routed by CompIDs and exchange messages")
    func routesByCompIDs() async throws {
        let (exec, execRec, port) = try await acceptor()
        let (c1, rec1) = try await initiator("CLIENT1", port: port)
        let (c2, rec2) = try await initiator("CLIENT2", port: port)
        #expect(await eventually { rec1.all.contains(where: \.isLoggedOn) && rec2.all.contains(where: \.isLoggedOn) })
        c1.send(SessionPair.order("A1"), to: Self.client1)
        c2.send(SessionPair.order("B1"), to: Self.client2)
        exec.send(FIXOutgoingMessage(.businessMessageReject, [(45, "1"), (372, "D"), (380, "0"), (58, "to client2")]), to: Self.exec2)
        #expect(await eventually { execRec.messages().count == 2 && rec2.messages().count == 1 })
        #expect(execRec.messages(Self.exec1).map { $0[11] } == ["A1"])
        #expect(execRec.messages(Self.exec2).map { $0[11] } == ["B1"])
        #expect(rec2.messages().first?[58] == "to client2" && rec1.messages().isEmpty)
        await c1.stop(); await c2.stop(); await exec.stop()
    }

    @Test("a connection drop in the middle of a stream loses and duplicates nothing")
    func disconnectMidStream() async throws {
        let (exec, execRec, port) = try await acceptor()
        let (c1, rec1) = try await initiator("CLIENT1", port: port)
        #expect(await eventually { rec1.all.contains(where: \.isLoggedOn) })
        for i in 1...100 { c1.send(SessionPair.order("O\(i)"), to: Self.client1) }
        c1.dropConnection(Self.client1)
        for i in 101...200 { c1.send(SessionPair.order("O\(i)"), to: Self.client1) }
        // Reconnects after ReconnectInterval (1 s) and recovers by ResendRequest.
        #expect(await eventually { execRec.messages().count >= 200 })
        let ids = execRec.messages().map { $0[11]! }
        #expect(ids == (1...200).map { "O\($0)" })
        #expect(rec1.count { $0.isLoggedOn } >= 2)
        await c1.stop(); await exec.stop()
    }

    @Test("an acceptor restart with a file store resumes sequence numbers; nothing is lost")
    func acceptorRestartWithFileStore() async throws {
        let dir = "/tmp/vega-fix-engine-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let cfg = """
            ConnectionType=acceptor
            SocketAcceptHost=127.0.0.1
            FileStorePath=\(dir)
            [SESSION]
            SenderCompID=EXEC
            TargetCompID=CLIENT1
            """
        // Pick a free port by binding once with 0, then reuse it for the restart.
        let first = try FIXEngine(settings: try settings(cfg + "\nSocketAcceptPort=0"), logger: quietLogger())
        try await first.start()
        let port = await first.acceptorPorts().first!
        await first.stop()
        var exec = try FIXEngine(settings: try settings(cfg + "\nSocketAcceptPort=\(port)"), logger: quietLogger())
        var execRec = EventRecorder(exec)
        try await exec.start()
        let (c1, rec1) = try await initiator("CLIENT1", port: port)
        #expect(await eventually { rec1.all.contains(where: \.isLoggedOn) })
        for i in 1...20 { c1.send(SessionPair.order("O\(i)"), to: Self.client1) }
        #expect(await eventually { execRec.messages().count == 20 })
        await exec.stop()
        for i in 21...40 { c1.send(SessionPair.order("O\(i)"), to: Self.client1) }
        exec = try FIXEngine(settings: try settings(cfg + "\nSocketAcceptPort=\(port)"), logger: quietLogger())
        execRec = EventRecorder(exec)
        try await exec.start()
        #expect(await eventually { execRec.messages().count >= 20 })
        #expect(execRec.messages().map { $0[11]! } == (21...40).map { "O\($0)" })
        let status = await exec.status(Self.exec1)
        // Client numbers: Logon 1, orders 2–21, Logout reply 22, orders 23–42 (stored while the
        // acceptor was down), Logon 43: continued across the restart, not reset.
        #expect(status?.nextTarget == 44)
        await c1.stop(); await exec.stop()
    }

    @Test("unknown CompIDs, garbage bytes and a non-Logon first message are refused without touching other sessions")
    func refusals() async throws {
        let (exec, execRec, port) = try await acceptor()
        let (c1, rec1) = try await initiator("CLIENT1", port: port)
        #expect(await eventually { rec1.all.contains(where: \.isLoggedOn) })
        let stranger = try await RawClient(port: port)
        try await stranger.write(liveMessage("A", seq: 1, sender: "STRANGER", target: "EXEC", body: "98=0|108=30|"))
        let garbage = try await RawClient(port: port)
        try await garbage.write(Array("GET / HTTP/1.1\r\n\r\n".utf8))
        let notLogon = try await RawClient(port: port)
        try await notLogon.write(liveMessage("D", seq: 1, sender: "CLIENT2", target: "EXEC", body: "11=X|"))
        #expect(await eventually { stranger.isClosed && garbage.isClosed && notLogon.isClosed })
        let reasons = execRec.all.compactMap(\.refusal)
        #expect(reasons.contains { $0.contains("unknown CompIDs STRANGER->EXEC") })
        #expect(reasons.contains { $0.contains("not a FIX message") })
        #expect(reasons.contains { $0.contains("not Logon") })
        c1.send(SessionPair.order("still-fine"), to: Self.client1)
        #expect(await eventually { execRec.messages().map { $0[11] } == ["still-fine"] })
        await stranger.close(); await garbage.close(); await notLogon.close()
        await c1.stop(); await exec.stop()
    }

    @Test("a flood from one client is cut off; a half-sent message then a stall times out")
    func floodAndStall() async throws {
        let (exec, execRec, port) = try await acceptor(extra: "MaxMessagesPerSecond=100")
        let flooder = try await RawClient(port: port)
        try await flooder.write(liveMessage("A", seq: 1, sender: "CLIENT1", target: "EXEC", body: "98=0|108=30|"))
        var burst: [UInt8] = []
        for s in 2...500 { burst += liveMessage("0", seq: s, sender: "CLIENT1", target: "EXEC") }
        try await flooder.write(burst)
        #expect(await eventually { flooder.isClosed })
        #expect(execRec.all.contains { $0.disconnectReason?.contains("more than 100 messages") == true })
        #expect(flooder.text.contains("35=5|"))
        let staller = try await RawClient(port: port)
        try await staller.write(liveMessage("A", seq: 1, sender: "CLIENT2", target: "EXEC", body: "98=0|108=1|"))
        try await staller.write(Array(liveMessage("D", seq: 2, sender: "CLIENT2", target: "EXEC", body: "11=X|").prefix(40)))
        #expect(await eventually { staller.isClosed })
        #expect(staller.text.contains("35=1|"))  // TestRequest before giving up
        await flooder.close(); await staller.close(); await exec.stop()
    }

    @Test("a peer that stops reading is disconnected when its unsent bytes pass MaxOutboundBytes; others keep going")
    func stalledReaderCut() async throws {
        let (exec, execRec, port) = try await acceptor(extra: "MaxOutboundBytes=65536")
        let (c2, rec2) = try await initiator("CLIENT2", port: port)
        let slow = try await RawClient(port: port, autoRead: false)
        try await slow.write(liveMessage("A", seq: 1, sender: "CLIENT1", target: "EXEC", body: "98=0|108=30|"))
        #expect(await eventually { execRec.count { if case .loggedOn(let id) = $0 { id == Self.exec1 } else { false } } == 1 })
        #expect(await eventually { rec2.all.contains(where: \.isLoggedOn) })
        let text = String(repeating: "x", count: 2000)
        for i in 0..<8000 {
            exec.send(FIXOutgoingMessage(.businessMessageReject, [(45, String(i)), (372, "D"), (380, "0"), (58, text)]), to: Self.exec1)
        }
        #expect(await eventually { execRec.all.contains { $0.disconnectReason?.contains("peer stalled") == true } })
        c2.send(SessionPair.order("unaffected"), to: Self.client2)
        #expect(await eventually { execRec.messages(Self.exec2).map { $0[11] } == ["unaffected"] })
        await slow.close(); await c2.stop(); await exec.stop()
    }

    @Test("TLS: an initiator logs on to an acceptor over TLS with a verified certificate")
    func tls() async throws {
        let dir = "/tmp/vega-fix-tls-\(getpid())"
        let cmd = "mkdir -p \(dir) && cd \(dir) && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost >/dev/null 2>&1"
        #expect(system(cmd) == 0)
        let (exec, execRec, port) = try await acceptor(extra: "TLS=Y\nTLSCertificateFile=\(dir)/cert.pem\nTLSPrivateKeyFile=\(dir)/key.pem\nTLSVerifyPeer=N")
        let (c1, rec1) = try await initiator("CLIENT1", port: port, extra: "TLS=Y\nTLSCACertificateFile=\(dir)/cert.pem\nTLSServerName=localhost")
        #expect(await eventually { rec1.all.contains(where: \.isLoggedOn) })
        c1.send(SessionPair.order("secure"), to: Self.client1)
        #expect(await eventually { execRec.messages().map { $0[11] } == ["secure"] })
        // A plain-text client cannot log on to the TLS port.
        let plain = try await RawClient(port: port)
        try await plain.write(liveMessage("A", seq: 1, sender: "CLIENT2", target: "EXEC", body: "98=0|108=30|"))
        #expect(await eventually { plain.isClosed })
        await plain.close(); await c1.stop(); await exec.stop()
    }
}
