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
        let link = LaneClientLink(setup: B.clientSetup(), strategy: StrategyID(5), replicateVenueReports: false)
        var lane = try B.clientLane(link)
        let id = B.clientOrder(1), newID = B.clientOrder(2)
        guard let order = try B.clientBuy(&lane, id, price: 1_900_000, quantity: 100) else { return }
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
