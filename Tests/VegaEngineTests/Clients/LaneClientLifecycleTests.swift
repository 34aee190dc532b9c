import Testing
import VegaCore
import VegaEngine
import VegaMarketData
import VegaOrderEntry
import VegaTrading

/// A client order's life on the lane, driven by hand-built venue replies: every state change
/// comes out of the outbound ring with the OMS's quantities, and the venue messages come out
/// too for the drop copy.
@Suite("Lane client order lifecycle")
struct LaneClientLifecycleTests {
    typealias B = LaneTestBytes

    @Test("New on the venue's ack, a fill with CumQty/LeavesQty/AvgPx from the OMS, Canceled on the venue's cancel; venue reports alongside")
    func lifecycle() throws {
        let link = LaneClientLink(setup: B.clientSetup(), strategy: StrategyID(5), replicateVenueReports: true)
        var lane = try B.clientLane(link)
        let id = B.clientOrder(1)
        guard let order = try B.clientBuy(&lane, id, price: 1_901_000, quantity: 100) else { return }
        #expect(order.quantity == 100 && order.price == Price4(rawValue: 1_901_000))
        var replies = B.sequenced { OUCHOrderAccepted(accepting: order, timestamp: OUCHTimestamp(nanoseconds: 1),
                                                      orderReferenceNumber: 500).encode(into: $0) }
        replies += B.sequenced { OUCHOrderExecuted(timestamp: OUCHTimestamp(nanoseconds: 2), userRefNum: order.userRefNum, quantity: 40,
                                                   price: Price4(rawValue: 1_900_500), liquidityFlag: .removed, matchNumber: 9).encode(into: $0) }
        replies.withUnsafeBytes { lane.handleOrderEntry(venue: 0, bytes: $0, now: 5_000) }
        lane.handleClientRequest(ClientOrderRequest(kind: .cancel, strategy: StrategyID(5), instrument: InstrumentID(1), orderID: id),
                                 now: 6_000)
        let cancel = try #require(B.ouchMessages(in: lane.withOrderEntryQueue(0) { $0.sent }).last)
        #expect(cancel.first == UInt8(ascii: "X"), "a Cancel Order went out")
        B.sequenced { OUCHOrderCanceled(timestamp: OUCHTimestamp(nanoseconds: 3), userRefNum: order.userRefNum, quantity: 60,
                                        reason: .userRequested).encode(into: $0) }.withUnsafeBytes {
            lane.handleOrderEntry(venue: 0, bytes: $0, now: 7_000)
        }
        var events: [ClientExecutionEvent] = []
        _ = link.drain { events.append($0) }
        let client = events.filter { $0.kind != .venueReport }
        #expect(client.map(\.kind) == [.new, .fill, .canceled])
        #expect(client.allSatisfy { $0.orderID == id && $0.side == .buy && $0.instrument == InstrumentID(1) })
        #expect(client[0].leavesQuantity == Quantity(100) && client[0].cumulativeQuantity == .zero)
        #expect(client[1].lastQuantity == Quantity(40) && client[1].lastPrice == Price4(rawValue: 1_900_500))
        #expect(client[1].cumulativeQuantity == Quantity(40) && client[1].leavesQuantity == Quantity(60))
        #expect(client[1].averagePrice == Price4(rawValue: 1_900_500) && client[1].venueExecID == 9)
        #expect(client[2].cumulativeQuantity == Quantity(40) && client[2].leavesQuantity == .zero)
        // The venue's three messages, in order, interleaved before each client event.
        #expect(events.filter { $0.kind == .venueReport }.map(\.reportKind) == [.ack, .fill, .cancelAck])
        #expect(events.map(\.sequence) == Array(1...UInt64(events.count)))
        #expect(lane.core.trading.orders.openOrderCount == 0)
        #expect(lane.core.trading.positions.position(InstrumentID(1)).quantity == 40)
    }

    @Test("a cancel that crosses the fill ending the order is answered as a cancel reject (too late) after the Filled")
    func lateCancelReject() throws {
        let link = LaneClientLink(setup: B.clientSetup(), strategy: StrategyID(5), replicateVenueReports: false)
        var lane = try B.clientLane(link)
        let id = B.clientOrder(1)
        guard let order = try B.clientBuy(&lane, id, price: 1_900_000, quantity: 100) else { return }
        B.sequenced { OUCHOrderAccepted(accepting: order, timestamp: OUCHTimestamp(nanoseconds: 1),
                                        orderReferenceNumber: 500).encode(into: $0) }.withUnsafeBytes {
            lane.handleOrderEntry(venue: 0, bytes: $0, now: 5_000)
        }
        lane.handleClientRequest(ClientOrderRequest(kind: .cancel, strategy: StrategyID(5), instrument: InstrumentID(1), orderID: id),
                                 now: 6_000)
        // The venue filled the order before it saw the cancel, then refuses the cancel.
        var replies = B.sequenced { OUCHOrderExecuted(timestamp: OUCHTimestamp(nanoseconds: 2), userRefNum: order.userRefNum, quantity: 100,
                                                      price: Price4(rawValue: 1_900_000), liquidityFlag: .added, matchNumber: 11).encode(into: $0) }
        replies += B.sequenced { OUCHCancelNotice(isReject: true, timestamp: OUCHTimestamp(nanoseconds: 3),
                                                  userRefNum: order.userRefNum).encode(into: $0) }
        replies.withUnsafeBytes { lane.handleOrderEntry(venue: 0, bytes: $0, now: 7_000) }
        var events: [ClientExecutionEvent] = []
        _ = link.drain { events.append($0) }
        #expect(events.map(\.kind) == [.new, .fill, .cancelReject], "\(events.map(\.kind))")
        #expect(events.dropFirst().first?.leavesQuantity == .zero && events.dropFirst().first?.cumulativeQuantity == Quantity(100))
        #expect(events.last?.rejectSource == .venue && events.last?.orderID == id)
        #expect(lane.core.trading.orders.lateAnswers == 1)
    }
}
