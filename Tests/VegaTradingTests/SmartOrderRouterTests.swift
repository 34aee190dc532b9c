import Testing
import VegaCore
import VegaMarketData
import VegaTrading

@Suite("Smart order routing")
struct SmartOrderRouterTests {
    /// Three venues' books of instrument 1: asks 100.02×300 / 100.03×500 at venue 0,
    /// 100.01×200 / 100.04×400 at venue 1, 100.01×200 at venue 2.
    func books() -> VenueBookSet<OrderBooks<NoBookOutput>> {
        VenueBookSet(count: 3) { v in
            switch v.rawValue {
            case 0: makeBook(bids: [(99.99, 100)], asks: [(100.02, 300), (100.03, 500)])
            case 1: makeBook(bids: [(100.00, 100)], asks: [(100.01, 200), (100.04, 400)])
            default: makeBook(bids: [(99.98, 100)], asks: [(100.01, 200)])
            }
        }
    }

    func router(fees: [Int64] = [30, 30, 20], latency: [UInt64] = [1_000, 500, 800], lots: [UInt64] = [1, 1, 1]) -> SmartOrderRouter {
        var r = SmartOrderRouter(venueCount: 3)
        for v in 0..<3 {
            r.setVenue(VenueID(UInt8(v)), VenueInfo(takeFee: fees[v], makeFee: -20 + Int64(v), latency: latency[v], lotSize: lots[v]))
        }
        return r
    }

    @Test func bestVenueByPriceThenFeeThenLatency() {
        let b = books()
        var r = router()
        // Venues 1 and 2 both show 100.01; venue 2's fee is lower.
        #expect(r.route(side: .buy, quantity: Quantity(100), limit: px(100.05), instrument: inst, books: b)
                == RouteLeg(venue: VenueID(2), quantity: Quantity(100), price: px(100.05)))
        // Equal fees: the faster venue (1) wins.
        var s = router(fees: [30, 30, 30])
        #expect(s.route(side: .buy, quantity: Quantity(100), limit: px(100.05), instrument: inst, books: b)?.venue == VenueID(1))
        // A sell goes to the highest bid.
        #expect(r.route(side: .sell, quantity: Quantity(100), limit: px(99.00), instrument: inst, books: b)?.venue == VenueID(1))
        #expect(r.counters(VenueID(2)).decisions == 1 && r.counters(VenueID(1)).decisions == 1)
    }

    @Test func downVenuesAreSkippedAndCounted() {
        let b = books()
        var r = router()
        r.setStatus(VenueID(2), .down)
        r.setStatus(VenueID(1), .down)
        #expect(r.route(side: .buy, quantity: Quantity(100), limit: px(100.05), instrument: inst, books: b)?.venue == VenueID(0))
        #expect(r.counters(VenueID(1)).skippedDown == 1)
        r.setStatus(VenueID(0), .down)
        #expect(r.route(side: .buy, quantity: Quantity(100), limit: px(100.05), instrument: inst, books: b) == nil)
        #expect(r.unrouted == 1)
    }

    @Test func nothingWithinTheLimitPostsWhereTheRebateIsBest() {
        let b = books()
        var r = router()
        // A buy at 100.00 takes nothing anywhere: the best make fee (venue 0: −20, a rebate) wins.
        #expect(r.route(side: .buy, quantity: Quantity(100), limit: px(100.00), instrument: inst, books: b)?.venue == VenueID(0))
    }

    @Test func lotSizesRoundDown() {
        let b = books()
        var r = router(lots: [100, 100, 100])
        #expect(r.route(side: .buy, quantity: Quantity(250), limit: px(100.05), instrument: inst, books: b)?.quantity == Quantity(200))
        #expect(r.route(side: .buy, quantity: Quantity(50), limit: px(100.05), instrument: inst, books: b) == nil)
    }

    @Test func splitTakesTheBestDisplayedPricesAcrossVenues() {
        let b = books()
        var r = router()
        let legs = UnsafeMutableBufferPointer<RouteLeg>.allocate(capacity: 3)
        defer { legs.deallocate() }
        // 100.01: 200 at venue 2 (cheaper) then 200 at venue 1; 100.02: 300 at venue 0; then 100 of 100.03 at venue 0.
        let (n, rest) = r.split(side: .buy, quantity: Quantity(800), limit: px(100.03), instrument: inst, books: b, into: legs)
        #expect(rest == .zero)
        #expect(Array(legs[0..<n]) == [
            RouteLeg(venue: VenueID(0), quantity: Quantity(400), price: px(100.03)),
            RouteLeg(venue: VenueID(1), quantity: Quantity(200), price: px(100.01)),
            RouteLeg(venue: VenueID(2), quantity: Quantity(200), price: px(100.01)),
        ])
        // More than is displayed within the limit: the rest is reported unrouted.
        let (m, left) = r.split(side: .buy, quantity: Quantity(1_000), limit: px(100.02), instrument: inst, books: b, into: legs)
        #expect(m == 3 && left == Quantity(300))
        #expect(r.counters(VenueID(0)).routedQuantity == 400 + 300)
    }

    @Test func splitSkipsDownVenuesAndRespectsLots() {
        let b = books()
        var r = router(lots: [100, 1, 1])
        r.setStatus(VenueID(2), .down)
        let legs = UnsafeMutableBufferPointer<RouteLeg>.allocate(capacity: 3)
        defer { legs.deallocate() }
        let (n, rest) = r.split(side: .buy, quantity: Quantity(450), limit: px(100.02), instrument: inst, books: b, into: legs)
        #expect(Array(legs[0..<n]) == [
            RouteLeg(venue: VenueID(0), quantity: Quantity(200), price: px(100.02)),
            RouteLeg(venue: VenueID(1), quantity: Quantity(200), price: px(100.01)),
        ])
        #expect(rest == Quantity(50))
    }

    @Test func outcomesAreCountedPerVenue() {
        var r = router()
        r.recordFill(VenueID(1), quantity: Quantity(70))
        r.recordFill(VenueID(1), quantity: Quantity(30))
        r.recordReject(VenueID(2))
        #expect(r.counters(VenueID(1)).fills == 2 && r.counters(VenueID(1)).filledQuantity == 100)
        #expect(r.counters(VenueID(2)).rejects == 1)
    }
}
