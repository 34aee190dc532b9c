import Testing
import VegaCore
import VegaEngine
import VegaMarketData
import VegaOrderEntry
import VegaTrading

/// FIX's OrderQty (and the lane's intents) is an order's total; OUCH's Replace Order carries the
/// replacement's open shares. Sending the total after a partial fill made the venue reopen the
/// filled shares: its later fills then exceeded the OMS's leaves, were refused, and the lane kept
/// replacing an order the venue had finished (found in `vega demo`: ~95 % of replaces rejected).
@Suite("Lane: OUCH replace quantity is the open quantity")
struct LaneReplaceQuantityTests {
    typealias B = LaneTestBytes

    @Test("after 40 of 100 filled, a replace to a total of 150 goes out for 110 shares; the venue's fill of all 110 is applied")
    func replaceSendsOpenShares() throws {
        var setup = B.setup()
        setup.marketMakers = []
        let link = LaneClientLink(setup: setup, strategy: StrategyID(5), replicateVenueReports: false)
        let channel = try RiskLimitsChannel(capacity: setup.capacity, limits: setup.limits)
        var core = try LaneCore(setup: setup, limits: channel, tap: NoLaneTap(), now: 1_000, profiling: .off)
        core.attachClients(link)
        var lane = try Lane<NullPacketQueue, LaneTestQueue, NoLaneTap>(
            core: core, setup: setup, journal: nil, now: 1_000, marketData: { _ in NullPacketQueue() }, orderEntry: { _ in LaneTestQueue() })
        B.loginAccepted().withUnsafeBytes { lane.handleOrderEntry(venue: 0, bytes: $0, now: 2_000) }
        B.packet(sequence: 1, [B.directory(locate: 7),
                               B.add(locate: 7, reference: 1, side: .buy, shares: 300, price: 1_900_000),
                               B.add(locate: 7, reference: 2, side: .sell, shares: 300, price: 1_901_000)]).withUnsafeBytes {
            lane.handleFrame(venue: 0, line: .a, bytes: $0, times: EventTimes(exchange: Timestamp(nanoseconds: 0)), now: 3_000)
        }
        let id = OrderID(5 << 48 | 1), newID = OrderID(5 << 48 | 2)
        lane.handleClientRequest(ClientOrderRequest(kind: .new, side: .buy, account: AccountID(1), strategy: StrategyID(5),
                                                    instrument: InstrumentID(1), price: Price4(rawValue: 1_900_000),
                                                    quantity: Quantity(100), orderID: id), now: 4_000)
        let enter = try #require(B.ouchMessages(in: lane.withOrderEntryQueue(0) { $0.sent }).last)
        guard case .enterOrder(let v) = try enter.withUnsafeBytes({ try OUCHDecoder.parseInbound($0) }) else {
            Issue.record("no Enter Order")
            return
        }
        let order = v.message
        var replies = B.sequenced { OUCHOrderAccepted(accepting: order, timestamp: OUCHTimestamp(nanoseconds: 1),
                                                      orderReferenceNumber: 500).encode(into: $0) }
        replies += B.sequenced { OUCHOrderExecuted(timestamp: OUCHTimestamp(nanoseconds: 2), userRefNum: order.userRefNum, quantity: 40,
                                                   price: Price4(rawValue: 1_900_000), liquidityFlag: .added, matchNumber: 9).encode(into: $0) }
        replies.withUnsafeBytes { lane.handleOrderEntry(venue: 0, bytes: $0, now: 5_000) }
        lane.handleClientRequest(ClientOrderRequest(kind: .replace, side: .buy, account: AccountID(1), strategy: StrategyID(5),
                                                    instrument: InstrumentID(1), price: Price4(rawValue: 1_899_900),
                                                    quantity: Quantity(150), orderID: id, newOrderID: newID), now: 6_000)
        let replace = try #require(B.ouchMessages(in: lane.withOrderEntryQueue(0) { $0.sent }).last)
        guard case .replaceOrder(let r) = try replace.withUnsafeBytes({ try OUCHDecoder.parseInbound($0) }) else {
            Issue.record("no Replace Order")
            return
        }
        #expect(r.quantity == 110, "OUCH replace shares = total 150 - filled 40")
        #expect(r.origUserRefNum == order.userRefNum)
        // The venue replaces and then fills every open share: the OMS takes all of it.
        var more = B.sequenced {
            OUCHOrderReplaced(timestamp: OUCHTimestamp(nanoseconds: 3), origUserRefNum: order.userRefNum, userRefNum: r.userRefNum,
                              side: order.side, quantity: 110, symbol: order.symbol, price: Price4(rawValue: 1_899_900),
                              timeInForce: order.timeInForce, display: order.display, orderReferenceNumber: 501,
                              capacity: order.capacity, intermarketSweep: order.intermarketSweep, crossType: order.crossType,
                              orderState: .live, clOrdID: order.clOrdID).encode(into: $0)
        }
        more += B.sequenced { OUCHOrderExecuted(timestamp: OUCHTimestamp(nanoseconds: 4), userRefNum: r.userRefNum, quantity: 110,
                                                price: Price4(rawValue: 1_899_900), liquidityFlag: .added, matchNumber: 10).encode(into: $0) }
        more.withUnsafeBytes { lane.handleOrderEntry(venue: 0, bytes: $0, now: 7_000) }
        #expect(lane.core.counters.omsRefused == 0)
        #expect(lane.core.trading.orders.openOrderCount == 0)
        #expect(lane.core.trading.orders.finishedState(newID) == .filled)
        #expect(lane.core.trading.positions.position(InstrumentID(1)).quantity == 150)
    }
}
