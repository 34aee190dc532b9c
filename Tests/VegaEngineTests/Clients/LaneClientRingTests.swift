import Testing
import VegaCore
import VegaEngine
import VegaTrading

/// The lane side of the client link, without sockets: requests in, events out, a full
/// outbound ring counted and never waited for.
@Suite("Lane client rings")
struct LaneClientRingTests {
    static func core(link: LaneClientLink) throws -> LaneCore<NoLaneTap> {
        let setup = LaneTestBytes.setup()
        let channel = try RiskLimitsChannel(capacity: setup.capacity, limits: setup.limits)
        var core = try LaneCore(setup: setup, limits: channel, tap: NoLaneTap(), now: 1_000, profiling: .off)
        core.attachClients(link)
        return core
    }

    static func newOrder(_ n: UInt64, venue: UInt8 = ClientOrderRequest.smartRoute, instrument: UInt32 = 1) -> ClientOrderRequest {
        ClientOrderRequest(kind: .new, side: .buy, venue: venue, account: AccountID(1), strategy: StrategyID(5),
                           instrument: InstrumentID(instrument), price: Price4(rawValue: 1_900_000), quantity: Quantity(100),
                           orderID: OrderID(5 << 48 | n))
    }

    @Test("a client order the lane cannot send is rejected back through the outbound ring with the lane's reason")
    func rejectedWhenSessionDown() throws {
        let link = LaneClientLink(setup: LaneTestBytes.setup(), strategy: StrategyID(5), replicateVenueReports: false,
                                  inboundCapacity: 8, outboundCapacity: 8)
        var core = try Self.core(link: link)
        // The venue's session has not logged in: smart routing finds no venue; a named venue is
        // refused before risk as session-down; an instrument the lane does not trade: no route.
        core.handleClientRequest(Self.newOrder(1), now: 2_000)
        core.handleClientRequest(Self.newOrder(2, venue: 0), now: 2_001)
        core.handleClientRequest(Self.newOrder(3, venue: 0, instrument: 9), now: 2_002)
        var events: [ClientExecutionEvent] = []
        _ = link.drain { events.append($0) }
        #expect(events.map(\.kind) == [.rejected, .rejected, .rejected])
        #expect(events.map(\.orderID.rawValue) == [5 << 48 | 1, 5 << 48 | 2, 5 << 48 | 3])
        #expect(events.map(\.rejectSource) == [.lane, .lane, .lane])
        #expect(events.map(\.rejectCode) == [ClientExecutionEvent.laneNoRoute, ClientExecutionEvent.laneSessionDown,
                                             ClientExecutionEvent.laneNoRoute])
        #expect(events.map(\.sequence) == [1, 2, 3])
        #expect(events.map(\.laneTime) == [2_000, 2_001, 2_002])
        #expect(link.counters.requests == 3 && link.counters.events == 3 && link.counters.noRoute == 2)
        #expect(core.trading.orders.openOrderCount == 0)
    }

    @Test("a full outbound ring drops the event and counts it; the lane carries on")
    func fullOutboundRingIsCounted() throws {
        let link = LaneClientLink(setup: LaneTestBytes.setup(), strategy: StrategyID(5), replicateVenueReports: false,
                                  inboundCapacity: 8, outboundCapacity: 2)
        var core = try Self.core(link: link)
        for n in 1...5 { core.handleClientRequest(Self.newOrder(UInt64(n), venue: 0), now: 3_000 + UInt64(n)) }
        #expect(link.counters.events == 2 && link.counters.eventDrops == 3)
        var events: [ClientExecutionEvent] = []
        _ = link.drain { events.append($0) }
        // The consumer sees the gap in the sequence numbers.
        #expect(events.map(\.sequence) == [1, 2])
        core.handleClientRequest(Self.newOrder(6, venue: 0), now: 4_000)
        _ = link.drain { events.append($0) }
        #expect(events.map(\.sequence) == [1, 2, 6])
    }

    @Test("a cancel of an order the lane does not hold is refused as unknown")
    func cancelUnknownOrder() throws {
        let link = LaneClientLink(setup: LaneTestBytes.setup(), strategy: StrategyID(5), replicateVenueReports: false)
        var core = try Self.core(link: link)
        core.handleClientRequest(ClientOrderRequest(kind: .cancel, strategy: StrategyID(5), instrument: InstrumentID(1),
                                                    orderID: OrderID(5 << 48 | 77)), now: 5_000)
        var events: [ClientExecutionEvent] = []
        _ = link.drain { events.append($0) }
        #expect(events.count == 1)
        #expect(events.first?.kind == .cancelReject && events.first?.rejectCode == ClientExecutionEvent.laneUnknownOrder)
        #expect(link.counters.unknownOrders == 1)
    }

    @Test("the inbound ring refuses a request when full (the gateway answers it off the lane)")
    func fullInboundRingRefuses() {
        let link = LaneClientLink(setup: LaneTestBytes.setup(), strategy: StrategyID(5), replicateVenueReports: false,
                                  inboundCapacity: 2, outboundCapacity: 2)
        #expect(link.push(Self.newOrder(1)) && link.push(Self.newOrder(2)))
        #expect(!link.push(Self.newOrder(3)))
    }
}
