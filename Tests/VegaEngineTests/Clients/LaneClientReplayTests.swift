import Foundation
import Testing
import VegaCore
import VegaEngine
import VegaJournal
import VegaMarketData
import VegaTrading

/// Client requests are lane inputs like the others: journaled, and replayed to the same
/// decisions and bytes.
@Suite("Lane client requests in the journal")
struct LaneClientReplayTests {
    typealias B = LaneTestBytes

    @Test("a journal with client requests (smart-routed new order, replace, cancel) replays to the same decisions and bytes")
    func clientRequestsReplay() throws {
        let dir = NSTemporaryDirectory() + "vega-client-replay-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let setup = B.setup(arbitrage: true)
        let link = LaneClientLink(setup: setup, strategy: StrategyID(9), replicateVenueReports: true)
        var clientDecisions: UInt64 = 0
        var sentBefore: UInt64 = 0
        do {
            let journal = try Journal.open(JournalConfiguration(directory: dir))
            try journal.start()
            _ = Array("setup: test".utf8).withUnsafeBytes { journal.ring.tryAppend(type: .configurationChange, timestamp: 1, bytes: $0) }
            let channel = try RiskLimitsChannel(capacity: setup.capacity, limits: setup.limits)
            var core = try LaneCore(setup: setup, limits: channel, tap: LiveLaneTap(journal: journal, receiveStamps: false), now: 1_000)
            core.attachClients(link)
            var lane = try Lane<LaneTestQueue, LaneTestQueue, LiveLaneTap>(
                core: core, setup: setup, journal: journal, now: 1_000, marketData: { _ in LaneTestQueue() }, orderEntry: { _ in LaneTestQueue() })
            B.logIn(&lane, venues: 0..<2)
            B.openMarket(&lane, venue: 0, locate: 7, bid: 1_900_000, ask: 1_901_000, shares: 300, now: 3_000)
            B.openMarket(&lane, venue: 1, locate: 3, bid: 1_899_000, ask: 1_900_500, shares: 200, now: 4_000)
            sentBefore = lane.core.counters.ordersSent
            let intentsBefore = lane.core.counters.intents
            // A buy at 190.08: only venue 1 shows an ask within it (190.05; venue 0 asks 190.10), so smart routing picks venue 1.
            let id = OrderID(9 << 48 | 1)
            // Its padding holds garbage, as a value built on a used stack may: the journal must not.
            lane.handleClientRequest(ClientOrderRequestLayoutTests.withGarbagePadding(
                ClientOrderRequest(kind: .new, side: .buy, account: AccountID(1), strategy: StrategyID(9),
                                   instrument: InstrumentID(1), price: Price4(rawValue: 1_900_800),
                                   quantity: Quantity(100), orderID: id)), now: 5_000)
            #expect(lane.core.trading.orders.order(id)?.venue == VenueID(1))
            lane.handleClientRequest(ClientOrderRequest(kind: .replace, strategy: StrategyID(9), instrument: InstrumentID(1),
                                                        price: Price4(rawValue: 1_899_000), quantity: Quantity(200), orderID: id,
                                                        newOrderID: OrderID(9 << 48 | 2)), now: 6_000)
            lane.handleClientRequest(ClientOrderRequest(kind: .cancel, strategy: StrategyID(9), instrument: InstrumentID(1), orderID: id),
                                     now: 7_000)
            lane.handleTimer(now: 8_000_000)
            clientDecisions = lane.core.counters.intents - intentsBefore
            _ = consume lane
            try journal.close()
        }
        #expect(clientDecisions == 3)
        #expect(link.counters.requests == 3)
        // Journaled by their fields: 48 bytes each, the padding (12..<16) zero.
        var journaledRequests = 0
        _ = try JournalReader(directory: dir).forEach { record -> Bool in
            if record.type == LaneJournalCodec.clientRequest {
                journaledRequests += 1
                #expect(record.payload.count == ClientOrderRequest.canonicalSize)
                #expect(Array(record.payload[12..<16]) == [0, 0, 0, 0])
            }
            return true
        }
        #expect(journaledRequests == 3)
        let result = try LaneReplay.run(directory: dir) { _ in setup }
        #expect(result.matches, "\(result)")
        #expect(result.replayed.decisions == result.journaled.decisions)
        #expect(result.replayed.outboundMessages >= sentBefore + 1)
    }
}
