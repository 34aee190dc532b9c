import PropertyBased
import Testing
import VegaCore
import VegaTrading

/// The OMS's per instrument × side best own price (what lets the self-match check skip its
/// walk) against a naive scan of every live order, after every step of random order flow:
/// new orders at random prices, sides, venues and instruments, acks, partial and full fills,
/// cancels, replaces to other prices (acknowledged and rejected), expiries.
@Suite("OMS own-price summary agrees with a naive walk")
struct OwnPriceSummaryTests {
    /// One step: `code` picks the action and the order; `amount` its price / quantity.
    static let steps = Gen.int(in: 0...(10 * 12 - 1)).array(of: 1...120)
    static let amounts = Gen.int(in: 0...200).array(of: 120...120)

    @Test func summaryAndSelfMatchMatchNaiveScan() async {
        await propertyCheck(count: 300, input: Self.steps, Self.amounts) { steps, amounts in
            var oms = OrderManager(capacity: smallCapacity)
            var known: [UInt64] = []
            var nextID: UInt64 = 1_000
            var nextExec: UInt64 = 1
            for (n, code) in steps.enumerated() {
                let amount = UInt64(amounts[n % amounts.count])
                let id = UInt64(code % 12 + 1)
                // Prices cluster on a few ticks so best prices are often shared and often crossed.
                let price = Price4(rawValue: 1_000_000 + Int64(amount % 9) * 100)
                switch code / 12 {
                case 0, 1:
                    let o = OrderIntent(kind: .new, side: amount % 2 == 0 ? .buy : .sell, venue: VenueID(UInt8(amount % 3 == 0 ? 1 : 0)),
                                        account: acct, strategy: strat, instrument: InstrumentID(UInt32(amount % 2 + 1)),
                                        price: price, quantity: Quantity(amount % 50 + 1), orderID: OrderID(id))
                    if case .applied = oms.register(o, now: UInt64(n)) { known.append(id) }
                case 2: _ = oms.apply(ack(id), now: UInt64(n))
                case 3:
                    _ = oms.apply(ExecutionReport(kind: .fill, orderID: OrderID(id), execID: nextExec,
                                                  lastQuantity: Quantity(amount % 30 + 1), lastPrice: price), now: UInt64(n))
                    nextExec += 1
                case 4: _ = oms.apply(ExecutionReport(kind: .cancelAck, orderID: OrderID(id)), now: UInt64(n))
                case 5:
                    if case .applied = oms.requestReplace(OrderID(id), newID: OrderID(nextID), price: price,
                                                          quantity: Quantity(amount % 60 + 1), now: UInt64(n)) {
                        known.append(nextID)
                    }
                    nextID += 1
                case 6:
                    // Acknowledge (or, one time in three, reject) whatever replace is pending on `id`.
                    if let o = oms.order(OrderID(id)), o.state == .pendingReplace {
                        _ = oms.apply(ExecutionReport(kind: amount % 3 == 0 ? .replaceReject : .replaceAck, orderID: o.id),
                                      now: UInt64(n))
                    }
                case 7: _ = oms.requestCancel(OrderID(id), now: UInt64(n))
                case 8: _ = oms.apply(ExecutionReport(kind: .expire, orderID: OrderID(id)), now: UInt64(n))
                default:
                    // Fill a live order's whole leaves (it leaves the book).
                    if let o = oms.order(OrderID(id)), !o.leavesQuantity.isZero {
                        _ = oms.apply(ExecutionReport(kind: .fill, orderID: o.id, execID: nextExec, lastQuantity: o.leavesQuantity,
                                                      lastPrice: o.price), now: UInt64(n))
                        nextExec += 1
                    }
                }
                Self.check(oms, known: known, probe: amount)
            }
        }
    }

    /// Live orders (each once, under its current ID).
    static func live(_ oms: borrowing OrderManager, _ known: [UInt64]) -> [ManagedOrder] {
        var seen = Set<UInt64>()
        var out: [ManagedOrder] = []
        for id in known {
            guard let o = oms.order(OrderID(id)), seen.insert(o.id.rawValue).inserted else { continue }
            out.append(o)
        }
        return out
    }

    static func check(_ oms: borrowing OrderManager, known: [UInt64], probe: UInt64) {
        let orders = live(oms, known)
        for instrument in [InstrumentID(1), InstrumentID(2), InstrumentID(3)] {
            for side in [Side.buy, .sell] {
                let prices = orders.filter { $0.instrument == instrument && $0.side == side }.map(\.price.rawValue)
                let naive = side == .buy ? prices.max() : prices.min()
                #expect(oms.restingBestPrice(instrument: instrument, side: side)?.rawValue == naive,
                        "best own \(side) of instrument \(instrument.rawValue)")
                // Self-match at prices around every live price and the probe's.
                var probes = Set(prices.flatMap { [$0 - 100, $0, $0 + 100] })
                probes.insert(1_000_000 + Int64(probe % 9) * 100)
                for p in probes {
                    for venue in [VenueID(0), VenueID(1)] {
                        let opposite: Side = side == .buy ? .sell : .buy
                        let matches = orders.filter {
                            $0.instrument == instrument && $0.side == opposite && $0.venue == venue && !$0.leavesQuantity.isZero
                                && (side == .buy ? p >= $0.price.rawValue : p <= $0.price.rawValue)
                        }.map(\.id.rawValue)
                        let found = oms.firstSelfMatch(instrument: instrument, venue: venue, side: side, price: Price4(rawValue: p))
                        #expect((found != nil) == !matches.isEmpty, "self-match of a \(side) at \(p), venue \(venue.rawValue)")
                        if let found { #expect(matches.contains(found.rawValue)) }
                    }
                }
            }
        }
    }

    @Test func emptyAndOutOfRangeHaveNoBestPrice() {
        let oms = OrderManager(capacity: smallCapacity)
        #expect(oms.restingBestPrice(instrument: inst, side: .buy) == nil)
        #expect(oms.restingBestPrice(instrument: inst, side: .sell) == nil)
        #expect(oms.restingBestPrice(instrument: InstrumentID(1_000), side: .buy) == nil)
    }

    @Test func bestFollowsCancelOfTheBestAndAReplaceAway() {
        var oms = OrderManager(capacity: smallCapacity)
        _ = oms.register(newOrder(1, .sell, price: 100.05), now: 0)
        _ = oms.register(newOrder(2, .sell, price: 100.02), now: 0)
        _ = oms.register(newOrder(3, .sell, price: 100.09), now: 0)
        for id in [UInt64(1), 2, 3] { _ = oms.apply(ack(id), now: 0) }
        #expect(oms.restingBestPrice(instrument: inst, side: .sell) == px(100.02))
        // A buy at 100.03 reaches order 2 only.
        #expect(oms.firstSelfMatch(instrument: inst, venue: VenueID(0), side: .buy, price: px(100.03)) == OrderID(2))
        _ = oms.apply(ExecutionReport(kind: .cancelAck, orderID: OrderID(2)), now: 1)
        #expect(oms.restingBestPrice(instrument: inst, side: .sell) == px(100.05))
        #expect(oms.firstSelfMatch(instrument: inst, venue: VenueID(0), side: .buy, price: px(100.03)) == nil)
        // Replace the new best (100.05) up to 100.20: 100.09 becomes the best.
        _ = oms.requestReplace(OrderID(1), newID: OrderID(11), price: px(100.20), quantity: Quantity(100), now: 2)
        #expect(oms.restingBestPrice(instrument: inst, side: .sell) == px(100.05))  // not until the venue acks
        _ = oms.apply(ExecutionReport(kind: .replaceAck, orderID: OrderID(11)), now: 3)
        #expect(oms.restingBestPrice(instrument: inst, side: .sell) == px(100.09))
        #expect(oms.firstSelfMatch(instrument: inst, venue: VenueID(0), side: .buy, price: px(100.10)) == OrderID(3))
        _ = oms.apply(ExecutionReport(kind: .expire, orderID: OrderID(3)), now: 4)
        _ = oms.apply(ExecutionReport(kind: .cancelAck, orderID: OrderID(11)), now: 5)
        #expect(oms.restingBestPrice(instrument: inst, side: .sell) == nil)
    }
}
