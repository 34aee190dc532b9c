import Foundation
import Testing
import VegaCore
import VegaHardware
import VegaOrderEntry
import VegaVenue
import VegaTestSupport

/// QuickFIX 1.15 (Debian's libquickfix-dev) as a venue client: qf-initiator logs on to the
/// venue's FIX acceptor (configured in a QuickFIX `.cfg` named by the TOML) and trades against an
/// OUCH firm on the same book. QuickFIX validates every message the venue sends against
/// Tests/QuickFIX/FIX44-Vega.xml and would answer a bad one with a Reject.
@Suite("Venue service FIX acceptor with QuickFIX", .serialized)
struct VenueServiceFIXTests {
    @Test("QuickFIX's orders get New, rejects with the right OrdRejReason, status, a fill from an OUCH seller, Replaced, Canceled, and a too-late cancel reject",
          .enabled(if: geteuid() == 0, "needs root: SO_BINDTODEVICE on lo for the multicast feed"))
    func quickFIXTradesAtTheVenue() async throws {
        guard let qf = try await QuickFIXDrivers.available(for: "quickFIXTradesAtTheVenue")?.initiator else { return }
        let dir = try ScratchDirectory("venue-fix")
        defer { dir.remove() }
        try dir.write("venue-fix.cfg", """
            [DEFAULT]
            ConnectionType=acceptor
            SocketAcceptPort=0
            SocketAcceptHost=127.0.0.1
            StartTime=00:00:00
            EndTime=00:00:00
            [SESSION]
            BeginString=FIX.4.4
            SenderCompID=VENUE
            TargetCompID=QFCLIENT

            """)
        let rx = try VSTMulticastPort.receiver(VSTMulticastPort.group("31.4"))
        let group = IPv4Endpoint(addressBE: try VSTMulticastPort.group("31.4").address, port: rx.localPort)
        let toml = vstVenueTOML(name: "FIXV", session: "VSTFIX0001", group: group,
                                fix: "  [venue.fix]\n  sessions = \"venue-fix.cfg\"\n  firms = { QFCLIENT = 101 }\n")
        let config = try VenueServiceConfiguration(text: toml, directory: dir.path, environment: vstEnvironment)
        let service = try VenueService(configuration: config)
        try await service.start()
        let e = try #require(service.endpoints("FIXV"))
        let fixPort = try #require(e.fixPorts.first)

        let script = [
            "D 11=Q1 55=ZVZZT 54=1 38=300 40=2 44=100",
            "WAIT 1",
            "D 11=Q2 55=ZVZZT 54=1 38=100 40=2 44=100.001",
            "D 11=Q3 55=NOPE 54=1 38=100 40=2 44=100",
            "D 11=Q1 55=ZVZZT 54=1 38=100 40=2 44=100",
            "H 11=Q1 55=ZVZZT 54=1",
            "WAIT 6",
            "G 11=Q1R 41=Q1 55=ZVZZT 54=1 38=400 40=2 44=100.5",
            "WAIT 7",
            "F 11=Q1C 41=Q1R 55=ZVZZT 54=1 38=400",
            "WAIT 8",
            "F 11=Q1C2 41=Q1R 55=ZVZZT 54=1 38=400",
        ]
        let cfg = try dir.write("qf.cfg", QuickFIXConfig.initiator(sender: "QFCLIENT", target: "VENUE", port: fixPort, store: dir.path + "/qf-store"))
        let scriptPath = try dir.write("qf.script", script.joined(separator: "\n") + "\n")
        let run = try ChildProcess(qf, ["--config", cfg, "--script", scriptPath, "--expect", "9", "--timeout", "120"])

        // After QuickFIX's first five replies, an OUCH firm sells into its resting buy.
        let fiveReplies = await run.wait { PrintedFIXMessage.all($0, kind: "RECV").count >= 5 }
        #expect(fiveReplies, "QuickFIX got its first replies\n\(run.transcript)")
        let seller = try VSTOUCHFirm(port: try #require(e.ouch?.port), username: "FIRM2", password: "two")
        #expect(await vstWaitAsync { seller.step(); return seller.isLoggedIn })
        seller.send { OUCHEnterOrder(userRefNum: 1, side: .sell, quantity: 100, symbol: OUCHSymbol("ZVZZT")!, price: Price4(rawValue: 990_000)).encode(into: $0) }
        #expect(await vstWaitAsync { seller.step(); return seller.replies.count >= 2 })
        #expect(seller.replies.last == .executed(ref: 1, qty: 100, price: 1_000_000, added: false))

        let status = await run.exitStatus()
        let final = await service.stop()
        #expect(status == 0, "qf-initiator exit status\n\(run.transcript)")
        let received = PrintedFIXMessage.all(run.lines, kind: "RECV")
        let tags = [35, 11, 41, 150, 39, 103, 32, 31, 14, 151, 6, 434, 102]
        #expect(received.map { $0.pick(tags) } == [
            "35=8 11=Q1 41=- 150=0 39=0 103=- 32=- 31=- 14=0 151=300 6=0 434=- 102=-",
            "35=8 11=Q2 41=- 150=8 39=8 103=18 32=- 31=- 14=0 151=0 6=0 434=- 102=-",
            "35=8 11=Q3 41=- 150=8 39=8 103=1 32=- 31=- 14=0 151=0 6=0 434=- 102=-",
            "35=8 11=Q1 41=- 150=8 39=8 103=6 32=- 31=- 14=0 151=0 6=0 434=- 102=-",
            "35=8 11=Q1 41=- 150=I 39=0 103=- 32=- 31=- 14=0 151=300 6=0 434=- 102=-",
            "35=8 11=Q1 41=- 150=F 39=1 103=- 32=100 31=100 14=100 151=200 6=100 434=- 102=-",
            "35=8 11=Q1R 41=Q1 150=5 39=1 103=- 32=- 31=- 14=100 151=300 6=100 434=- 102=-",
            "35=8 11=Q1C 41=Q1R 150=4 39=4 103=- 32=- 31=- 14=100 151=0 6=100 434=- 102=-",
            "35=9 11=Q1C2 41=Q1R 150=- 39=4 103=- 32=- 31=- 14=- 151=- 6=- 434=1 102=0",
        ], "\(run.transcript)")
        // QuickFIX validated every message against its FIX 4.4 dictionary: it sent no Reject.
        let rejects = PrintedFIXMessage.all(run.lines, kind: "ADMIN-OUT").filter { $0.msgType == "3" }
        #expect(rejects.isEmpty, "QuickFIX rejected the venue's messages: \(rejects)")
        // The OrderID is the venue's and the order's for life.
        let orderIDs = Set(received.filter { $0[11]?.hasPrefix("Q1") == true && $0[150] != "8" && $0.msgType == "8" }.compactMap { $0[37] })
        #expect(orderIDs.count == 1 && orderIDs.first != "NONE")
        #expect(final.first.map { $0.fixMessagesIn == 8 && $0.fixMessagesOut == 9 } == true, "\(final)")
    }
}
