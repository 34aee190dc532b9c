import Testing
import VegaCore
import VegaMarketData
import VegaStrategy
import VegaTrading

/// Random books on two venues and a venue that fills, partly fills, expires or rejects each IOC
/// at random. Whatever happens: the strategy fires only from flat with nothing open, never
/// has more than its two legs (or one flattening order) open, is idle exactly when flat with
/// nothing open, backs off (timers delivered as the lane does, 100 µs per step) with nothing
/// open, and — flattening on — ends every imbalance back at flat.
@Suite struct CrossVenueArbitrageSimulationTests {
    struct Random {
        var state: UInt64
        mutating func next(_ n: UInt64) -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (state >> 33) % n
        }
    }

    @Test func legsAndImbalancesStayConsistentUnderRandomFills() throws {
        var total = ArbitrageCounters()
        for seed in 0..<30 {
            let c = try simulate(seed: seed)
            total.fired += c.fired
            total.completed += c.completed
            total.legImbalances += c.legImbalances
            total.flattenOrders += c.flattenOrders
            total.rejects += c.rejects
            total.backoffs += c.backoffs
        }
        // The runs went through every path: clean cycles, imbalances, flattening, rejects.
        #expect(total.completed > 0 && total.legImbalances > 0 && total.flattenOrders > 0 && total.rejects > 0
                    && total.backoffs > 0, "\(total)")
    }

    func simulate(seed: Int) throws -> ArbitrageCounters {
        var rng = Random(state: UInt64(seed) &* 0x2545_F491_4F6C_DD1D &+ 7)
        var r = try ArbitrageRig(CrossVenueArbitrageParameters(edge: px(100), maxClip: qty(500), flattenSlippage: px(200)))
        var open: [OrderID: (side: Side, leaves: UInt64, price: Int64)] = [:]
        var resting: [(ref: UInt64, locate: UInt16)] = []
        var fired = 0

        func check(_ r: borrowing ArbitrageRig, _ before: Int, _ step: Int) {
            let orders = r.host.orders
            let net = r.host[position: arbInstrument].net
            #expect(orders.count <= 2, "seed \(seed) step \(step): \(orders.count) open")
            let news = r.intents.filter { $0.kind == .new }
            if news.count == 2 {
                #expect(before == 0, "seed \(seed) step \(step): fired with \(before) open")
                #expect(news[0].side == .buy && news[1].side == .sell && news[0].quantity == news[1].quantity)
                #expect(news[1].price.rawValue - news[0].price.rawValue - 50 >= 100, "seed \(seed) step \(step): edge")
            }
            if r.phase == .idle { #expect(orders.isEmpty && net == 0, "seed \(seed) step \(step): idle but \(net)") }
            if r.phase == .legsWorking { #expect(!orders.isEmpty) }
            if r.phase == .backingOff {
                #expect(orders.isEmpty && r.host.context.timerDeadline != nil, "seed \(seed) step \(step): backing off")
            }
        }

        var t: UInt64 = 0
        for step in 0..<300 {
            t += 100_000
            r.timer(at: t)
            for i in r.intents where i.kind == .new { open[i.orderID] = (i.side, i.quantity.rawValue, i.price.rawValue) }
            let before = r.host.openOrders
            let ids = open.keys.sorted { $0.rawValue < $1.rawValue }
            if ids.isEmpty || rng.next(3) == 0 {
                // Books move: quotes around 100.00 on both venues, sometimes far enough apart to trade.
                if rng.next(3) == 0 && !resting.isEmpty {
                    let k = Int(rng.next(UInt64(resting.count)))
                    let gone = resting.remove(at: k)
                    r.delete(gone.locate, gone.ref)
                } else {
                    let locate = rng.next(2) == 0 ? locateA : locateB
                    let side: Side = rng.next(2) == 0 ? .buy : .sell
                    let offset = Int64(rng.next(5)) * 100
                    let price = side == .buy ? 999_900 + offset : 1_000_100 - offset
                    resting.append((r.add(locate, side, UInt32(100 + rng.next(900)), price), locate))
                }
            } else {
                // The venue answers one open IOC.
                let id = ids[Int(rng.next(UInt64(ids.count)))]
                let o = open[id]!
                switch rng.next(4) {
                case 0:
                    open[id] = nil
                    r.fill(id, o.leaves, o.price, leaves: 0)
                case 1:
                    let q = 1 + rng.next(o.leaves)
                    if q == o.leaves {
                        open[id] = nil
                        r.fill(id, q, o.price, leaves: 0)
                    } else {
                        open[id]!.leaves -= q
                        r.fill(id, q, o.price, leaves: o.leaves - q)
                        check(r, before, step)
                        open[id] = nil
                        r.canceled(id)  // the IOC's remainder expires
                    }
                case 2:
                    open[id] = nil
                    r.canceled(id)
                default:
                    open[id] = nil
                    r.reject(id, at: t)
                }
            }
            check(r, before, step)
            for i in r.intents where i.kind == .new {
                #expect(i.timeInForce == .immediateOrCancel)
                open[i.orderID] = (i.side, i.quantity.rawValue, i.price.rawValue)
                if r.phase == .legsWorking && i.side == .buy { fired += 1 }
            }
        }

        // Drain: fill every flattening order completely until flat.
        var rounds = 0
        while (!open.isEmpty || r.phase != .idle) && rounds < 50 {
            rounds += 1
            t += 1_000_000_000  // past any backoff
            r.timer(at: t)
            for i in r.intents where i.kind == .new { open[i.orderID] = (i.side, i.quantity.rawValue, i.price.rawValue) }
            if open.isEmpty && r.phase != .idle {
                // Unhedged with nothing open: a book event sends the flattening order; make sure
                // both sides of both books exist for it to price against.
                resting.append((r.add(locateA, .buy, 1_000, 999_500), locateA))
                for i in r.intents where i.kind == .new { open[i.orderID] = (i.side, i.quantity.rawValue, i.price.rawValue) }
                resting.append((r.add(locateA, .sell, 1_000, 1_000_500), locateA))
                for i in r.intents where i.kind == .new { open[i.orderID] = (i.side, i.quantity.rawValue, i.price.rawValue) }
            }
            for id in open.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
                let o = open[id]!
                open[id] = nil
                r.fill(id, o.leaves, o.price, leaves: 0)
                for i in r.intents where i.kind == .new { open[i.orderID] = (i.side, i.quantity.rawValue, i.price.rawValue) }
            }
        }
        #expect(r.phase == .idle, "seed \(seed): ended \(r.phase)")
        #expect(r.host[position: arbInstrument].net == 0)
        #expect(r.host.openOrders == 0)
        #expect(r.counters.fired > 0, "seed \(seed): never fired")
        _ = fired
        return r.counters
    }
}
