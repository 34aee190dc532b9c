import Testing
import VegaCore
import VegaEngine
import VegaOrderEntry

/// Client FIX sessions end to end on HardwareSim: a client (Vega's FIX initiator) talks to the
/// engine's acceptor; orders go through the lane's ring, risk, OMS and the simulated venues'
/// OUCH sessions; ExecutionReports come back through the outbound ring; a drop-copy target (an
/// acceptor in the test) receives every report, across a disconnect.
@Suite("Client FIX sessions and drop copy on HardwareSim", .serialized)
struct ClientFlowTests {
    @Test("orders, cancels, replaces, risk and off-lane rejects reach the client as ExecutionReports, and the drop copy gets every one in order, resent with PossDup after a disconnect")
    func clientOrderFlowWithDropCopy() async throws {
        // The drop-copy target.
        let target = try FIXEngine(settings: try CFTSupport.settings("""
            ConnectionType=acceptor
            SocketAcceptHost=127.0.0.1
            SocketAcceptPort=0
            [SESSION]
            SenderCompID=DROPCOPY
            TargetCompID=VEGADC
            """), logger: CFTSupport.quietLogger())
        let targetRec = CFTRecorder(target)
        try await target.start()
        let dcPort = try #require(await target.acceptorPorts().first)

        let (engine, port) = try await CFTSupport.startEngine(dropCopyPort: dcPort)
        let client = try CFTSupport.client("CLIENT1", port: port)
        let rec = CFTRecorder(client)
        try await client.start()
        let me = FIXSessionID(senderCompID: "CLIENT1", targetCompID: "VEGA")
        #expect(await CFTSupport.eventually { rec.logons == 1 && targetRec.logons == 1 })
        #expect(await CFTSupport.waitForBooks(engine))

        func reports(_ clOrdID: String) -> [FIXMessage] { rec.messages().filter { $0[11] == clOrdID } }
        func send(_ type: FIXMsgType, _ fields: [(UInt32, String)]) { client.send(FIXOutgoingMessage(type, fields), to: me) }
        func now() -> String { FIXTimestampFormat.string(.now()) }

        // 1. A marketable buy (well through the touch, inside the 5% collar): New, then fill(s).
        send(.newOrderSingle, [(11, "M1"), (55, "AAPL"), (54, "1"), (60, now()), (38, "100"), (40, "2"), (44, "195.00")])
        #expect(await CFTSupport.eventually { reports("M1").contains { $0[150] == "F" } },
                "M1: \(reports("M1").map { $0.cftPick([150, 39, 58]) })")
        let m1 = reports("M1")
        #expect(m1.first?[150] == "0" && m1.first?[39] == "0")
        let fills = m1.filter { $0[150] == "F" }
        #expect(fills.allSatisfy { Int($0[32] ?? "") ?? 0 > 0 && $0[31] != nil && $0[30] != nil })
        if let last = fills.last {
            #expect(Int(last[14] ?? "") == fills.compactMap { Int($0[32] ?? "") }.reduce(0, +))
            #expect(Int(last[14] ?? "")! + Int(last[151] ?? "")! == 100)
        }

        // 2. A resting buy, then its cancel: New, then Canceled answering the cancel's ClOrdID.
        send(.newOrderSingle, [(11, "R1"), (55, "AAPL"), (54, "1"), (60, now()), (38, "100"), (40, "2"), (44, "186.00")])
        #expect(await CFTSupport.eventually { reports("R1").contains { $0[150] == "0" } }, "R1: \(reports("R1").map { $0.cftPick([150, 58]) })")
        send(.orderCancelRequest, [(41, "R1"), (11, "R1C"), (55, "AAPL"), (54, "1"), (60, now()), (38, "100")])
        #expect(await CFTSupport.eventually { reports("R1C").contains { $0[150] == "4" } }, "R1C: \(reports("R1C").map { $0.cftPick([35, 150, 58]) })")
        let canceled = try #require(reports("R1C").first { $0[150] == "4" })
        #expect(canceled[41] == "R1" && canceled[39] == "4" && canceled[151] == "0")
        #expect(canceled[37] == reports("R1").first?[37])

        // 3. A replace of a resting order: Replaced with the new price and quantity.
        send(.newOrderSingle, [(11, "P1"), (55, "AAPL"), (54, "2"), (60, now()), (38, "100"), (40, "2"), (44, "194.00")])
        #expect(await CFTSupport.eventually { reports("P1").contains { $0[150] == "0" } }, "P1: \(reports("P1").map { $0.cftPick([150, 58]) })")
        send(.orderCancelReplaceRequest, [(41, "P1"), (11, "P2"), (55, "AAPL"), (54, "2"), (60, now()), (38, "200"), (40, "2"), (44, "194.50")])
        #expect(await CFTSupport.eventually { reports("P2").contains { $0[150] == "5" } }, "P2: \(reports("P2").map { $0.cftPick([35, 150, 58]) })")
        let replaced = try #require(reports("P2").first { $0[150] == "5" })
        #expect(replaced[41] == "P1" && replaced[38] == "200" && replaced[44] == "194.5" && replaced[151] == "200")

        // 4. A risk reject (above max_order_quantity 1000): Rejected, with the reason in Text.
        send(.newOrderSingle, [(11, "K1"), (55, "AAPL"), (54, "1"), (60, now()), (38, "5000"), (40, "2"), (44, "186.00")])
        #expect(await CFTSupport.eventually { !reports("K1").isEmpty })
        let risk = try #require(reports("K1").first)
        #expect(risk[150] == "8" && risk[39] == "8" && risk[58] == "risk: order quantity above limit", "\(risk)")

        // 5. An unknown symbol: rejected off the lane (OrdRejReason 1), nothing reaches the lane.
        let forwardedBefore = await engine.clientGateway!.statistics().forwarded
        send(.newOrderSingle, [(11, "U1"), (55, "ZZZZ"), (54, "1"), (60, now()), (38, "100"), (40, "2"), (44, "10.00")])
        #expect(await CFTSupport.eventually { !reports("U1").isEmpty })
        let unknown = try #require(reports("U1").first)
        #expect(unknown[150] == "8" && unknown[103] == "1" && unknown[58] == "unknown symbol ZZZZ")
        #expect(await engine.clientGateway!.statistics().forwarded == forwardedBefore)

        // 6. The drop copy has every ExecutionReport the client got, in the same order.
        func clientExecIDs() -> [String] { rec.messages().filter { $0.msgType == .executionReport }.compactMap { $0[17] } }
        func copiedExecIDs() -> [String] {
            let mine = Set(clientExecIDs())
            return targetRec.messages().compactMap { $0[17] }.filter { mine.contains($0) }
        }
        #expect(await CFTSupport.eventually { copiedExecIDs() == clientExecIDs() }, "client \(clientExecIDs()) drop copy \(copiedExecIDs())")
        // … and the venue reports the lane saw (acks and fills of the orders above).
        #expect(targetRec.messages().contains { ($0[58] ?? "").hasPrefix("venue report") && $0[150] == "F" })

        // 7. Drop copy disconnect: reports made while it is down arrive by resend, marked PossDup,
        // none lost or repeated without PossDup.
        let dcSession = FIXSessionID(senderCompID: "DROPCOPY", targetCompID: "VEGADC")
        target.dropConnection(dcSession)
        // `dropConnection` closes on the target's event loop, later: wait until the connection is
        // gone, or on a busy machine P3's report can still arrive on it, in sequence and rightly
        // without PossDup (seen once in a CI dry run). The engine reconnects after
        // ReconnectInterval=1 s, so P3 is made while the drop copy is down.
        #expect(await CFTSupport.eventually {
            targetRec.all.contains { if case .disconnected(let id, _) = $0 { id == dcSession } else { false } }
        })
        send(.orderCancelRequest, [(41, "P2"), (11, "P3"), (55, "AAPL"), (54, "2"), (60, now()), (38, "200")])
        #expect(await CFTSupport.eventually { reports("P3").contains { $0[150] == "4" } })
        #expect(await CFTSupport.eventually { targetRec.logons == 2 && copiedExecIDs() == clientExecIDs() },
                "client \(clientExecIDs()) drop copy \(copiedExecIDs())")
        let copies = targetRec.messages().filter { $0[17] != nil }
        #expect(copies.contains { $0[11] == "P3" && $0[43] == "Y" })
        let unmarked = copies.filter { $0[43] != "Y" }.compactMap { $0[17] }
        #expect(Set(unmarked).count == unmarked.count, "a report repeated without PossDup")

        // The lane took every request from its ring and lost no event.
        let counters = engine.clientLinks[0].counters
        #expect(counters.eventDrops == 0)
        #expect(await engine.clientGateway!.statistics().missedEvents == 0)

        // Stop: clients out first, the lanes, then the drop copy.
        await engine.stopClients()
        #expect(await CFTSupport.eventually { rec.all.contains { if case .disconnected = $0 { true } else { false } } })
        engine.stop()
        await engine.finishClients()
        #expect(engine.clientLinks[0].counters.requests >= 6)
        await client.stop()
        await target.stop()
    }
}
