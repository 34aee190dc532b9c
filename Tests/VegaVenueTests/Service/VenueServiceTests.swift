import Foundation
import Testing
import VegaCore
import VegaHardware
import VegaMarketData
import VegaOrderEntry
import VegaVenue

/// The venue service in process on loopback: OUCH firms over real TCP, the MoldUDP64 feed on a
/// multicast group joined on `lo`, a late listener recovering through the re-request server into
/// Vega's own MoldUDP64 session and ITCH books, and a graceful stop.
@Suite("Venue service over loopback sockets", .serialized)
struct VenueServiceTests {
    static let zvzzt = OUCHSymbol("ZVZZT")!

    @Test("OUCH firms trade over TCP; the multicast feed carries it; a late listener's books recover it by re-request; stop ends every session",
          .enabled(if: geteuid() == 0, "needs root: SO_BINDTODEVICE on lo for the multicast feed"))
    func ouchTradeFeedReRequestAndStop() async throws {
        let group = try VSTMulticastPort.group("31.1")
        let early = try VSTMulticastPort.receiver(group)
        let feedGroup = IPv4Endpoint(addressBE: group.address, port: early.localPort)
        let raw = try VSTRawListener(early)
        let config = try VenueServiceConfiguration(text: vstVenueTOML(name: "T1", session: "VSTONE0001", group: feedGroup),
                                                   environment: vstEnvironment)
        let service = try VenueService(configuration: config)
        try await service.start()
        let e = try #require(service.endpoints("T1"))
        let ouch = try #require(e.ouch), reRequest = try #require(e.reRequest)

        let f1 = try VSTOUCHFirm(port: ouch.port, username: "FIRM1", password: "one")
        let f2 = try VSTOUCHFirm(port: ouch.port, username: "FIRM2", password: "two")
        #expect(vstWait { f1.step(); f2.step(); return f1.isLoggedIn && f2.isLoggedIn })
        f1.send { OUCHEnterOrder(userRefNum: 10, side: .buy, quantity: 300, symbol: Self.zvzzt, price: Price4(rawValue: 1_000_000)).encode(into: $0) }
        #expect(vstWait { f1.step(); return !f1.replies.isEmpty })
        f2.send { OUCHEnterOrder(userRefNum: 7, side: .sell, quantity: 100, symbol: Self.zvzzt, price: Price4(rawValue: 990_000)).encode(into: $0) }
        #expect(vstWait { f1.step(); f2.step(); return f1.replies.count >= 2 && f2.replies.count >= 2 })
        #expect(f1.replies == [.accepted(ref: 10, qty: 300, price: 1_000_000), .executed(ref: 10, qty: 100, price: 1_000_000, added: true)])
        #expect(f2.replies == [.accepted(ref: 7, qty: 100, price: 990_000), .executed(ref: 7, qty: 100, price: 1_000_000, added: false)])
        #expect(f1.sequences == [1, 2] && f2.sequences == [1, 2], "each firm has its own sequenced stream")
        // A malformed OUCH message is refused and counted, and the session carries on.
        f2.send { b in b[0] = UInt8(ascii: "O"); b[1] = 1; return 2 }
        #expect(vstWait { f2.step(); return service.statistics("T1")!.node.ouchMalformed == 1 })

        // A listener that joins now has missed everything: Vega's MoldUDP64 session sees the gap
        // at the first heartbeat and fetches the messages from the re-request server; Vega's ITCH
        // books then show the resting order's remaining 200 shares at 100.
        let late = try VSTMulticastPort.receiver(group, port: feedGroup.port)
        let recovery = try UDPSocketQueue(.init(bind: IPv4Endpoint("127.0.0.1:0"), destination: reRequest, timestamping: .none))
        var feed = try FeedHandler(
            session: MoldUDP64SessionConfiguration(session: MoldUDP64SessionID("VSTONE0001")!, requestDelayNanoseconds: 0,
                                                   requestTimeoutNanoseconds: 100_000_000, maxRetries: 50),
            lineA: late, lineB: nil as UDPSocketQueue?, recovery: recovery,
            consumer: ITCHHandler(sink: OrderBooks(configuration: BookConfiguration(maxInstruments: 16, maxOrders: 1 << 12, maxLevels: 1 << 10))))
        let recovered = vstWait {
            _ = feed.poll(now: vstNow())
            raw.poll()
            return feed.output.consumer.sink.levelCount(locate: 5, side: .buy) == 1
                && feed.output.consumer.sink.level(locate: 5, side: .buy, index: 0)?.shares == 200
        }
        #expect(recovered, "Vega's books rebuilt the venue's book from the feed and the re-requests")
        let bid = feed.output.consumer.sink.level(locate: 5, side: .buy, index: 0)
        #expect(bid?.price == Price4(rawValue: 1_000_000) && bid?.orders == 1)
        #expect(feed.output.consumer.sink.levelCount(locate: 5, side: .sell) == 0)
        #expect(feed.session.counters.retransmission.firstCopies > 0, "messages came from the re-request server")
        #expect(feed.output.consumer.decoder.counters.totalRejects == 0)
        let s = try #require(service.statistics("T1"))
        #expect(s.node.reRequestsAnswered > 0 && s.node.executions == 1 && s.node.logins == 2)

        // Stop: end of day cancels FIRM1's rest (OUCH Canceled, reason closed), SoupBinTCP End of
        // Session, and the feed's end-of-session packet after every data packet.
        let final = await service.stop()
        #expect(vstWait { f1.step(); f2.step(); raw.poll(); return f1.endOfSession && f2.endOfSession && raw.packets.last?.count == 0xFFFF })
        #expect(f1.replies.last == .canceled(ref: 10, qty: 200, reason: OUCHCancelReason.closed.rawValue))
        #expect(final.first?.node.restingOrders == 0 && final.first?.tcpConnectionsOpen == 0)
        // What the early listener saw: one session, contiguous sequence numbers, the end last.
        let data = raw.packets.filter { $0.count != 0 && $0.count != 0xFFFF }
        #expect(raw.packets.allSatisfy { $0.session == "VSTONE0001" })
        var next: UInt64 = 1
        for p in data {
            #expect(p.sequence == next, "packet sequence \(p.sequence), expected \(next)")
            next = p.sequence + UInt64(p.count)
        }
        #expect(raw.packets.last?.sequence == next && next == final.first.map { $0.node.itchMessages + 1 })
    }

    @Test("wire latency: every reply of a venue 20 ms away arrives at least 20 ms after its request; the near venue answers too",
          .enabled(if: geteuid() == 0, "needs root: SO_BINDTODEVICE on lo for the multicast feed"))
    func wireLatencyDelaysWhatTheVenueSends() async throws {
        let near = try VSTMulticastPort.receiver(VSTMulticastPort.group("31.2"))
        let far = try VSTMulticastPort.receiver(VSTMulticastPort.group("31.3"))
        let nearGroup = IPv4Endpoint(addressBE: try VSTMulticastPort.group("31.2").address, port: near.localPort)
        let farGroup = IPv4Endpoint(addressBE: try VSTMulticastPort.group("31.3").address, port: far.localPort)
        let nearTOML = vstVenueTOML(name: "NEAR", session: "VSTNEAR001", group: nearGroup)
        // A second [[venue]] in the same file, 20 ms of wire away (the NASDAQ–NYSE case is 120 µs;
        // 20 ms makes the lower bound unmistakable on a loaded machine).
        let farTOML = vstVenueTOML(name: "FAR", session: "VSTFAR0001", group: farGroup, latencyMicroseconds: 20_000)
            .replacingOccurrences(of: "stats_interval = 0\n", with: "")
        let config = try VenueServiceConfiguration(text: nearTOML + farTOML, environment: vstEnvironment)
        #expect(config.venues.map(\.wireLatencyNanoseconds) == [0, 20_000_000])
        let service = try VenueService(configuration: config)
        try await service.start()
        for name in ["NEAR", "FAR"] {
            let port = try #require(service.endpoints(name)?.ouch?.port)
            let firm = try VSTOUCHFirm(port: port, username: "FIRM1", password: "one")
            #expect(vstWait { firm.step(); return firm.isLoggedIn }, "\(name): login")
            for i in 1...3 {
                let sent = vstNow()
                firm.send { OUCHEnterOrder(userRefNum: UInt32(i), side: .buy, quantity: 100, symbol: Self.zvzzt, price: Price4(rawValue: 900_000)).encode(into: $0) }
                #expect(vstWait { firm.step(); return firm.replies.count == i }, "\(name): Accepted \(i)")
                let elapsed = vstNow() - sent
                if name == "FAR" {
                    #expect(elapsed >= 20_000_000, "FAR answered after \(elapsed) ns, before its 20 ms of wire")
                }
            }
            #expect(firm.replies.allSatisfy { if case .accepted = $0 { true } else { false } })
        }
        await service.stop()
    }

    @Test("the release queue lets nothing out before its time, in time order, and keeps each stream's order")
    func releaseQueueOrder() {
        var q = VenueReleaseQueue<String>()
        q.push("a", at: 100)
        q.push("b", at: 100)
        q.push("c", at: 250)
        q.push("d", at: 200)  // behind c: clamped so it cannot overtake it
        #expect(q.nextRelease == 100 && q.count == 4)
        #expect(q.popDue(now: 99) == nil)
        #expect(q.popDue(now: 100) == "a" && q.popDue(now: 100) == "b" && q.popDue(now: 100) == nil)
        #expect(q.popDue(now: 240) == nil && q.nextRelease == 250)
        #expect(q.popDue(now: 250) == "c" && q.popDue(now: 250) == "d" && q.isEmpty && q.nextRelease == nil)
        for i in 0..<10_000 { q.push("\(i)", at: UInt64(1_000 + i)) }
        var out: [String] = []
        var now: UInt64 = 1_000
        while !q.isEmpty {
            while let item = q.popDue(now: now) { out.append(item) }
            now += 7
        }
        #expect(out == (0..<10_000).map { "\($0)" })
    }
}
