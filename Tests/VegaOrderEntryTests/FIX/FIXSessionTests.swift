import Testing
import Glibc
import VegaCore
@testable import VegaOrderEntry

@Suite("FIX session: two sessions in memory and hand-written streams")
struct FIXSessionTests {
    @Test("Logon handshake, then application messages flow both ways in order")
    func logonAndMessages() {
        let p = SessionPair()
        p.connect()
        #expect(p.client.isLoggedOn && p.exec.isLoggedOn)
        for i in 1...5 { p.send("client", SessionPair.order("O\(i)")) }
        p.send("exec", FIXOutgoingMessage(.businessMessageReject, [(45, "1"), (372, "D"), (380, "0")]))
        #expect(p.delivered["exec"]!.map { $0[11] } == ["O1", "O2", "O3", "O4", "O5"])
        #expect(p.delivered["client"]!.count == 1)
        #expect(p.client.store.nextSenderSeqNum == 7 && p.exec.store.nextTargetSeqNum == 7)
    }

    @Test("a Logon from unknown CompIDs is refused and the connection closed")
    func unknownCompIDs() {
        let a = AcceptorProbe()
        a.feed(header("A", seq: 1, sender: "STRANGER") + "98=0|108=30|")
        #expect(a.disconnect != nil)
        #expect(!a.session.isLoggedOn)
        #expect(a.session.counters.logonsRefused == 1)
    }

    @Test("the acceptor checks Username and Password against its configuration")
    func credentials() {
        var c = SessionPair.config(.acceptor)
        c.username = "alice"
        c.password = "s3cret"
        let bad = AcceptorProbe(config: c)
        bad.logon(extra: "553=alice|554=wrong|")
        #expect(bad.disconnect != nil && bad.last?.msgType == .logout)
        let good = AcceptorProbe(config: c)
        good.logon(extra: "553=alice|554=s3cret|")
        #expect(good.session.isLoggedOn && good.last?.msgType == .logon)
    }

    @Test("heartbeats after HeartBtInt of silence; TestRequest at 1.2×; disconnect at 2.4× without reply")
    func heartbeatsAndTimeout() {
        let a = AcceptorProbe()
        a.feed(header("A", seq: 1) + "98=0|108=10|")
        #expect(a.session.heartbeatInterval == 10)
        a.now = at(10)
        a.apply(a.session.tick(now: a.now))
        #expect(a.last?.msgType == .heartbeat)
        a.now = at(12)
        a.apply(a.session.tick(now: a.now))
        #expect(a.last?.msgType == .testRequest)
        let id = a.last![112]!
        // Answering the TestRequest clears it.
        a.feed(header("0", seq: 2, time: "20261122-10:00:12.000") + "112=\(id)|")
        a.now = at(22)
        a.apply(a.session.tick(now: a.now))
        #expect(a.last?.msgType == .heartbeat && a.disconnect == nil)
        a.now = at(24)
        a.apply(a.session.tick(now: a.now))
        #expect(a.last?.msgType == .testRequest)
        a.now = at(35.9)
        a.apply(a.session.tick(now: a.now))
        #expect(a.disconnect == nil)
        a.now = at(36)
        a.apply(a.session.tick(now: a.now))
        #expect(a.disconnect != nil && a.session.counters.heartbeatTimeouts == 1 && a.last?.msgType == .logout)
    }

    @Test("a TestRequest is answered by a Heartbeat carrying its TestReqID")
    func testRequestAnswered() {
        let a = AcceptorProbe()
        a.logon()
        a.feed(header("1", seq: 2) + "112=PING42|")
        #expect(a.last?.msgType == .heartbeat && a.last?[112] == "PING42")
    }

    @Test("a lost message is recovered by ResendRequest: PossDupFlag=Y, OrigSendingTime, admin gap-filled, delivered once in order")
    func gapRecovery() {
        let p = SessionPair()
        p.connect()
        p.send("client", SessionPair.order("O1"))
        p.drop = { side, m in side == "client" && m.msgType == .newOrderSingle }
        p.send("client", SessionPair.order("O2"))
        p.send("client", SessionPair.order("O3"))
        p.drop = { _, _ in false }
        p.now = at(1)
        p.send("client", SessionPair.order("O4"))
        #expect(p.delivered["exec"]!.map { $0[11] } == ["O1", "O2", "O3", "O4"])
        let resent = p.wire["client"]!.filter { $0[43] == "Y" }
        // EndSeqNo 0 asks for everything from the gap on, so O4 comes again too (and is
        // processed once: the early copy waited in the queue and is discarded).
        #expect(resent.map { $0[11] } == ["O2", "O3", "O4"])
        #expect(resent.allSatisfy { $0[52] == "20261122-10:00:01.000" })
        #expect(resent.map { $0[122] } == ["20261122-10:00:00.000", "20261122-10:00:00.000", "20261122-10:00:01.000"])
        #expect(p.exec.counters.resendRequestsSent == 1)
        // O4 arrived before the resend and was queued, not requested twice nor delivered twice.
        #expect(p.exec.store.nextTargetSeqNum == p.client.store.nextSenderSeqNum)
    }

    @Test("admin messages in a resent range become one SequenceReset-GapFill")
    func gapFillForAdmin() {
        let a = AcceptorProbe()
        a.logon()
        a.apply(a.session.send(SessionPair.order("X1"), now: a.now))  // 2 (app)
        a.now = at(30)
        a.apply(a.session.tick(now: a.now))  // 3 heartbeat
        a.apply(a.session.tick(now: a.now))
        a.feed(header("2", seq: 2, time: "20261122-10:00:30.000") + "7=1|16=0|")
        let answer = a.written.suffix(3)
        #expect(answer.map(\.msgType) == [.sequenceReset, .newOrderSingle, .sequenceReset])
        #expect(answer.first?[123] == "Y" && answer.first?[36] == "2" && answer.first?.seqNum == 1)
        #expect(answer.last?[36] == "4" && answer.last?.seqNum == 3)
    }

    @Test("MsgSeqNum too low without PossDupFlag: Logout and disconnect; with PossDupFlag: ignored")
    func seqTooLow() {
        let a = AcceptorProbe()
        a.logon()
        a.feed(header("0", seq: 2))
        a.feed("35=0|49=CLIENT|56=EXEC|34=2|43=Y|52=20261122-10:00:00.000|122=20261122-10:00:00.000|")
        #expect(a.disconnect == nil && a.session.counters.duplicatesIgnored == 1)
        a.feed(header("0", seq: 2))
        #expect(a.last?.msgType == .logout && a.last?[58]?.contains("too low") == true && a.disconnect != nil)
    }

    @Test("a garbled message (bad CheckSum or BodyLength) is ignored without consuming its MsgSeqNum")
    func garbledIgnored() {
        let a = AcceptorProbe()
        a.logon()
        a.feed(fixBytes(header("1", seq: 2) + "112=A|", checksum: "001"))
        a.feed(fixBytes(header("1", seq: 2) + "112=B|", bodyLength: 3) + Array("junk".utf8))
        #expect(a.session.counters.garbled >= 2 && a.written.count == 1)
        a.feed(header("1", seq: 2) + "112=C|")
        #expect(a.last?[112] == "C")
        #expect(a.session.store.nextTargetSeqNum == 3)
    }

    @Test("a semantic error is answered with Reject carrying SessionRejectReason and RefTagID, and consumes the number")
    func semanticReject() {
        let a = AcceptorProbe()
        a.logon()
        a.feed(header("D", seq: 2) + "11=A|55=X|54=Z|60=20261122-10:00:00|38=1|40=1|")
        #expect(a.last?.msgType == .reject && a.last?[373] == "5" && a.last?[371] == "54" && a.last?[45] == "2")
        a.feed(header("ZZ", seq: 3))
        #expect(a.last?.msgType == .reject && a.last?[373] == "11" && a.last?[371] == "35")
        a.feed(header("R", seq: 4) + "131=Q|")
        #expect(a.last?.msgType == .businessMessageReject && a.last?[380] == "3" && a.last?[372] == "R")
        #expect(a.delivered.isEmpty && a.session.store.nextTargetSeqNum == 5)
    }

    @Test("a wrong CompID after Logon: Reject reason 9, then Logout")
    func compIDProblem() {
        let a = AcceptorProbe()
        a.logon()
        a.feed(header("0", seq: 2, sender: "OTHER"))
        #expect(a.written.map(\.msgType).suffix(2) == [.reject, .logout])
        #expect(a.written.dropLast().last?[373] == "9" && a.disconnect != nil)
    }

    @Test("SendingTime far from the clock: Reject reason 10 and Logout")
    func sendingTimeAccuracy() {
        let a = AcceptorProbe()
        a.logon()
        a.feed(header("0", seq: 2, time: "20261122-09:00:00.000"))
        #expect(a.written.dropLast().last?[373] == "10" && a.last?.msgType == .logout)
    }

    @Test("SequenceReset: GapFill moves the expected number forward; Reset ignores its own MsgSeqNum; backwards is rejected")
    func sequenceReset() {
        let a = AcceptorProbe()
        a.logon()
        a.feed(header("4", seq: 2) + "123=Y|36=10|")
        #expect(a.session.store.nextTargetSeqNum == 10)
        a.feed(header("4", seq: 99) + "36=20|")
        #expect(a.session.store.nextTargetSeqNum == 20)
        a.feed(header("4", seq: 20) + "36=5|")
        #expect(a.last?.msgType == .reject && a.last?[371] == "36" && a.last?[373] == "5")
    }

    @Test("Logout handshake: the initiator's Logout is answered and both sides disconnect")
    func logoutHandshake() {
        let p = SessionPair()
        p.connect()
        p.run("client", p.client.logout(reason: "done", now: p.now))
        #expect(p.wire["client"]!.last?.msgType == .logout && p.wire["exec"]!.last?.msgType == .logout)
        #expect(p.client.state == .disconnected && p.exec.state == .disconnected)
        #expect(p.disconnects["client"] == ["logout complete"])
    }

    @Test("ResetOnLogon: both sides start again at 1")
    func resetOnLogon() {
        var c = SessionPair.config(.initiator)
        c.resetOnLogon = true
        let p = SessionPair(clientConfig: c)
        p.connect()
        for i in 1...3 { p.send("client", SessionPair.order("O\(i)")) }
        p.disconnectBoth()
        p.connect()
        #expect(p.wire["client"]!.last?[141] == "Y" && p.wire["client"]!.last?.seqNum == 1)
        #expect(p.exec.isLoggedOn && p.exec.store.nextTargetSeqNum == 2 && p.exec.store.nextSenderSeqNum == 2)
    }

    @Test("messages sent while disconnected reach the peer after reconnect; simultaneous ResendRequests settle in one round")
    func simultaneousResend() {
        let p = SessionPair()
        p.connect()
        p.send("client", SessionPair.order("O1"))
        p.disconnectBoth()
        p.send("client", SessionPair.order("O2"))
        p.send("client", SessionPair.order("O3"))
        p.send("exec", FIXOutgoingMessage(.businessMessageReject, [(45, "2"), (372, "D"), (380, "0")]))
        p.now = at(5)
        p.connect()
        #expect(p.delivered["exec"]!.map { $0[11] } == ["O1", "O2", "O3"])
        #expect(p.delivered["client"]!.map { $0[380] } == ["0"])
        #expect(p.client.counters.resendRequestsSent == 1 && p.exec.counters.resendRequestsSent == 1)
        #expect(p.exec.counters.resendRequestsAnswered == 1 && p.client.counters.resendRequestsAnswered == 1)
        #expect(p.client.store.nextTargetSeqNum == p.exec.store.nextSenderSeqNum)
        #expect(p.exec.store.nextTargetSeqNum == p.client.store.nextSenderSeqNum)
        // Both still talk afterwards.
        p.send("client", SessionPair.order("O4"))
        #expect(p.delivered["exec"]!.last?[11] == "O4")
    }

    @Test("a file store survives a restart: sequence numbers resume and a stored message is resent")
    func fileStoreRestart() throws {
        let dir = "/tmp/vega-fix-test-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let cid = FIXSessionID(senderCompID: "CLIENT", targetCompID: "EXEC")
        let eid = FIXSessionID(senderCompID: "EXEC", targetCompID: "CLIENT")
        do {
            let p = SessionPair(clientStore: try FIXFileStore(directory: dir, session: cid, now: at(0)),
                                execStore: try FIXFileStore(directory: dir, session: eid, now: at(0)))
            p.connect()
            p.send("client", SessionPair.order("O1"))
            p.drop = { _, _ in true }
            p.send("client", SessionPair.order("O2"))  // lost on the wire, kept in the store
            p.disconnectBoth()
        }
        let p = SessionPair(clientStore: try FIXFileStore(directory: dir, session: cid, now: at(9)),
                            execStore: try FIXFileStore(directory: dir, session: eid, now: at(9)))
        #expect(p.client.store.nextSenderSeqNum == 4 && p.exec.store.nextTargetSeqNum == 3)
        p.connect()
        #expect(p.delivered["exec"]!.map { $0[11] } == ["O2"])
        #expect(p.wire["client"]!.contains { $0[11] == "O2" && $0[43] == "Y" })
    }

    @Test("a flood beyond MaxMessagesPerSecond is cut off with a Logout")
    func flood() {
        var c = SessionPair.config(.acceptor)
        c.maxInboundMessagesPerSecond = 10
        let a = AcceptorProbe(config: c)
        a.logon()
        var stream: [UInt8] = []
        for s in 2...30 { stream += fixBytes(header("0", seq: s)) }
        a.feed(stream)
        #expect(a.disconnect != nil && a.session.counters.floodDisconnects == 1 && a.last?.msgType == .logout)
    }

    @Test("the initiator gives up when no Logon reply comes within LogonTimeout")
    func logonTimeout() {
        let s = FIXSession(configuration: SessionPair.config(.initiator), store: FIXMemoryStore())
        _ = s.connected(now: at(0))
        #expect(s.tick(now: at(5)).isEmpty)
        #expect(s.tick(now: at(10)).contains { if case .disconnect = $0 { true } else { false } })
    }

    @Test("a half-sent message then silence ends in TestRequest and disconnect")
    func halfSentThenStall() {
        let a = AcceptorProbe()
        a.feed(header("A", seq: 1) + "98=0|108=5|")
        a.feed(Array(fixBytes(header("D", seq: 2) + "11=A|").prefix(30)))
        #expect(a.session.pendingInboundBytes == 30)
        a.now = at(6)
        a.apply(a.session.tick(now: a.now))
        a.now = at(12)
        a.apply(a.session.tick(now: a.now))
        #expect(a.disconnect != nil)
    }
}

@Suite("FIX session schedule")
struct FIXScheduleTests {
    @Test("America/New_York offsets come from the tz database across DST")
    func newYorkOffsets() throws {
        let ny = try FIXTimeZone(parsing: "America/New_York")
        #expect(ny.offset(atUTC: 1_782_000_000) == -4 * 3600)  // 2026-06-21 (EDT)
        #expect(ny.offset(atUTC: 1_795_341_600) == -5 * 3600)  // 2026-11-22 (EST)
        #expect((try? FIXTimeZone(parsing: "+05:30"))?.offset(atUTC: 0) == 19_800)
        #expect(throws: FIXTimeZoneError.self) { try FIXTimeZone(parsing: "Mars/Olympus") }
    }

    @Test("a daily window in New York time, and one wrapping midnight")
    func dailyWindow() throws {
        let ny = try FIXTimeZone(parsing: "America/New_York")
        let s = FIXSchedule(startTime: 9 * 3600 + 1800, endTime: 16 * 3600, timeZone: ny)
        // 2026-11-22 10:00 UTC = 05:00 EST: closed; 15:00 UTC = 10:00 EST: open.
        #expect(!s.contains(at(0)))
        #expect(s.contains(at(5 * 3600)))
        #expect(s.periodStart(containing: at(5 * 3600)) == at(4.5 * 3600))
        let wrap = FIXSchedule(startTime: 22 * 3600, endTime: 6 * 3600)
        #expect(wrap.contains(at(-5 * 3600)) && !wrap.contains(at(0)))
    }

    @Test("a weekly window Sunday 17:00 to Friday 17:00")
    func weeklyWindow() {
        let s = FIXSchedule(startTime: 17 * 3600, endTime: 17 * 3600, startDay: 0, endDay: 5)
        // 2026-11-22 is a Sunday: 10:00 is before the open, 18:00 after.
        #expect(!s.contains(at(0)))
        #expect(s.contains(at(8 * 3600)))
        #expect(s.contains(at(4 * 86_400)))  // Thursday
        #expect(!s.contains(at(6 * 86_400)))  // Saturday
    }

    @Test("connecting outside the schedule is refused; the schedule's end logs out; a new period resets numbers")
    func sessionFollowsSchedule() {
        var c = SessionPair.config(.acceptor)
        c.schedule = FIXSchedule(startTime: 9 * 3600, endTime: 11 * 3600)
        let store = FIXMemoryStore(now: at(-86_400))
        try? store.setNextTargetSeqNum(50)
        let s = FIXSession(configuration: c, store: store)
        #expect(s.connected(now: at(-3 * 3600)).contains { if case .disconnect = $0 { true } else { false } })
        _ = s.connected(now: at(0))
        #expect(store.nextTargetSeqNum == 1)
        _ = s.receive(fixBytes(header("A", seq: 1) + "98=0|108=30|"), now: at(0))
        #expect(s.isLoggedOn)
        let end = s.tick(now: at(3601))
        #expect(end.contains { if case .disconnect = $0 { true } else { false } })
    }
}
