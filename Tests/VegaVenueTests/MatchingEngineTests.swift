import Testing
import VegaCore
import VegaVenue

func px(_ dollars: Double) -> Price4 { Price4(rawValue: Int64((dollars * 10_000).rounded())) }

func order(_ token: UInt64, firm: UInt32 = 1, _ side: Side, _ price: Double?, _ qty: UInt32,
           tif: VenueTimeInForce = .day, postOnly: Bool = false, smp: SelfMatchPolicy = .cancelNewest) -> VenueOrderRequest {
    VenueOrderRequest(token: token, firm: firm, locate: 7, side: side, price: price.map(px), quantity: qty,
                      timeInForce: tif, postOnly: postOnly, selfMatch: smp)
}

extension Array where Element == VenueEvent {
    var executions: [(price: Price4, quantity: UInt32, resting: UInt64, aggressor: UInt64)] {
        compactMap {
            if case .executed(_, let p, let q, _, let r, let a) = $0 { return (p, q, r.token, a.token) }
            return nil
        }
    }
    var rejects: [VenueReject] {
        compactMap { if case .rejected(_, _, _, let r) = $0 { return r }; return nil }
    }
    var cancels: [(token: UInt64, quantity: UInt32, reason: VenueCancelReason)] {
        compactMap { if case .canceled(_, let t, _, _, _, let q, _, _, let r) = $0 { return (t, q, r) }; return nil }
    }
}

@Suite struct MatchingEngineTests {
    func engine() -> MatchingEngine {
        var e = MatchingEngine()
        e.addInstrument(7)
        return e
    }

    @Test func ordersMatchAtTheRestingPriceBestPriceFirstThenTimePriority() {
        var e = engine()
        var ev: [VenueEvent] = []
        e.submit(order(1, firm: 1, .sell, 10.02, 100), into: &ev)
        e.submit(order(2, firm: 2, .sell, 10.01, 100), into: &ev)
        e.submit(order(3, firm: 3, .sell, 10.01, 50), into: &ev)
        ev.removeAll()
        e.submit(order(9, firm: 9, .buy, 10.05, 220), into: &ev)
        let x = ev.executions
        #expect(x.map(\.resting) == [2, 3, 1])
        #expect(x.map(\.quantity) == [100, 50, 70])
        #expect(x.map(\.price) == [px(10.01), px(10.01), px(10.02)])
        #expect(e.depth(7, side: .sell).map(\.quantity) == [30])
        #expect(e.depth(7, side: .buy).isEmpty)
        // The aggressor's leaves count down execution by execution.
        if case .executed(_, _, _, _, _, let a) = ev.last! { #expect(a.leaves == 0) }
    }

    @Test func aDayLimitRestsWhatItDoesNotFillAndAnIOCCancelsIt() {
        var e = engine()
        var ev: [VenueEvent] = []
        e.submit(order(1, .sell, 10.00, 100), into: &ev)
        ev.removeAll()
        e.submit(order(2, firm: 2, .buy, 10.00, 150), into: &ev)
        #expect(ev.contains(.rested(reference: 2, locate: 7, side: .buy, price: px(10.00), quantity: 50)))
        ev.removeAll()
        e.submit(order(3, firm: 3, .sell, 9.99, 80, tif: .immediateOrCancel), into: &ev)
        #expect(ev.executions.map(\.quantity) == [50])
        #expect(ev.cancels.map(\.quantity) == [30])
        #expect(ev.cancels.first?.reason == .immediateOrCancel)
        #expect(e.restingOrderCount == 0)
    }

    @Test func fillOrKillFillsCompletelyOrDoesNothing() {
        var e = engine()
        var ev: [VenueEvent] = []
        e.submit(order(1, .sell, 10.00, 100), into: &ev)
        e.submit(order(2, firm: 2, .sell, 10.01, 100), into: &ev)
        ev.removeAll()
        e.submit(order(3, firm: 3, .buy, 10.00, 150, tif: .fillOrKill), into: &ev)
        #expect(ev.executions.isEmpty)
        #expect(ev.cancels.map(\.quantity) == [150])
        #expect(e.depth(7, side: .sell).map(\.quantity) == [100, 100])
        ev.removeAll()
        e.submit(order(4, firm: 3, .buy, 10.01, 150, tif: .fillOrKill), into: &ev)
        #expect(ev.executions.map(\.quantity) == [100, 50])
        #expect(ev.cancels.isEmpty)
    }

    @Test func marketOrdersAreImmediateOnlyAndSweepTheBook() {
        var e = engine()
        var ev: [VenueEvent] = []
        e.submit(order(1, .buy, nil, 10), into: &ev)
        #expect(ev.rejects == [.marketOrderMustBeImmediate])
        e.submit(order(2, .sell, 10.00, 10), into: &ev)
        e.submit(order(3, .sell, 11.00, 10), into: &ev)
        ev.removeAll()
        e.submit(order(4, firm: 2, .buy, nil, 25, tif: .immediateOrCancel), into: &ev)
        #expect(ev.executions.map(\.price) == [px(10.00), px(11.00)])
        #expect(ev.cancels.map(\.quantity) == [5])
    }

    @Test func postOnlyIsRefusedWhenItWouldTakeLiquidityAndRestsOtherwise() {
        var e = engine()
        var ev: [VenueEvent] = []
        e.submit(order(1, .sell, 10.00, 100), into: &ev)
        ev.removeAll()
        e.submit(order(2, firm: 2, .buy, 10.00, 10, postOnly: true), into: &ev)
        #expect(ev.rejects == [.wouldTakeLiquidity])
        e.submit(order(3, firm: 2, .buy, 9.99, 10, postOnly: true), into: &ev)
        #expect(e.bestPrice(7, side: .buy) == px(9.99))
    }

    @Test func selfMatchPreventionByFirmFollowsThePolicy() {
        // cancel newest: the incoming order stops at its own firm's order and does not rest crossed.
        var e = engine()
        var ev: [VenueEvent] = []
        e.submit(order(1, firm: 5, .sell, 10.00, 100), into: &ev)
        ev.removeAll()
        e.submit(order(2, firm: 5, .buy, 10.00, 40), into: &ev)
        #expect(ev.executions.isEmpty)
        #expect(ev.cancels.map(\.reason) == [.selfMatchPrevention])
        #expect(e.depth(7, side: .buy).isEmpty)
        // cancel oldest: the resting order goes, matching continues behind it.
        e.submit(order(3, firm: 6, .sell, 10.00, 50), into: &ev)
        ev.removeAll()
        e.submit(order(4, firm: 5, .buy, 10.00, 40, smp: .cancelOldest), into: &ev)
        #expect(ev.cancels.map(\.token) == [1])
        #expect(ev.executions.map(\.resting) == [3])
        // cancel both.
        e.submit(order(5, firm: 8, .sell, 10.00, 10), into: &ev)
        ev.removeAll()
        e.submit(order(6, firm: 6, .buy, 10.00, 40, smp: .cancelBoth), into: &ev)
        #expect(ev.executions.isEmpty)
        #expect(Set(ev.cancels.map(\.token)) == [3, 6])
    }

    @Test func replaceKeepsPriorityOnlyForASmallerSizeAtTheSamePrice() {
        var e = engine()
        var ev: [VenueEvent] = []
        e.submit(order(1, firm: 1, .buy, 10.00, 100), into: &ev)
        e.submit(order(2, firm: 2, .buy, 10.00, 100), into: &ev)
        e.replace(previousToken: 1, firm: 1, newToken: 11, price: px(10.00), quantity: 60, into: &ev)
        #expect(e.queue(7, side: .buy).map(\.token) == [11, 2])
        e.replace(previousToken: 11, firm: 1, newToken: 12, price: px(10.00), quantity: 80, into: &ev)
        #expect(e.queue(7, side: .buy).map(\.token) == [2, 12])
        // A replace that crosses executes at once.
        e.submit(order(3, firm: 3, .sell, 10.05, 30), into: &ev)
        ev.removeAll()
        e.replace(previousToken: 12, firm: 1, newToken: 13, price: px(10.05), quantity: 80, into: &ev)
        #expect(ev.executions.map(\.quantity) == [30])
        #expect(e.queue(7, side: .buy).map(\.token) == [13, 2])
        #expect(e.queue(7, side: .buy).first?.quantity == 50)
        // Unknown or already-filled orders cannot be replaced or canceled.
        ev.removeAll()
        e.replace(previousToken: 12, firm: 1, newToken: 14, price: px(10.00), quantity: 1, into: &ev)
        e.cancel(token: 3, firm: 3, into: &ev)
        #expect(ev.rejects == [.unknownOrder, .unknownOrder])
    }

    @Test func haltsRefuseNewOrdersButAllowCancels() {
        var e = engine()
        var ev: [VenueEvent] = []
        e.submit(order(1, .buy, 10.00, 100), into: &ev)
        e.setHalted(7, true, into: &ev)
        ev.removeAll()
        e.submit(order(2, firm: 2, .sell, 10.00, 100), into: &ev)
        e.replace(previousToken: 1, firm: 1, newToken: 3, price: px(10.01), quantity: 100, into: &ev)
        #expect(ev.rejects == [.halted, .halted])
        e.cancel(token: 1, firm: 1, leaves: 40, into: &ev)
        #expect(e.depth(7, side: .buy).first?.quantity == 40)
        e.setHalted(7, false, into: &ev)
        ev.removeAll()
        e.submit(order(4, firm: 2, .sell, 10.00, 100), into: &ev)
        #expect(ev.executions.map(\.quantity) == [40])
    }

    @Test func badRequestsAreRejectedWithTheirReason() {
        var e = engine()
        var ev: [VenueEvent] = []
        e.submit(VenueOrderRequest(token: 1, firm: 1, locate: 99, side: .buy, price: px(1), quantity: 1), into: &ev)
        e.submit(order(2, .buy, 10, 0), into: &ev)
        e.submit(order(3, .buy, 0, 10), into: &ev)
        e.submit(order(4, .buy, 10, 10), into: &ev)
        e.submit(order(4, .buy, 10, 10), into: &ev)
        #expect(ev.rejects == [.unknownInstrument, .invalidQuantity, .invalidPrice, .duplicateToken])
        #expect(e.rejected == 4)
    }
}
