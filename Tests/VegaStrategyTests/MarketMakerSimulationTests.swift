import Testing
import VegaCore
import VegaMarketData
import VegaStrategy
import VegaTrading

/// A venue that answers the market maker's requests at random — acks, rejects, partial and
/// full fills, cancels, cancel rejects, replace acks and rejects, in any order a real venue
/// could produce — while the book moves and trades print. After every event the strategy's
/// view must match the venue's: at most one order per side (no duplicate quotes), and exactly
/// the orders the venue holds (no orphan on either side).
@Suite struct MarketMakerSimulationTests {
    struct VenueOrder {
        var side: Side
        var leaves: UInt64
        var acknowledged: Bool
        var cancelRequested: Bool
        var replacement: (id: OrderID, quantity: UInt64)?
        /// Shares executed on the order and the orders it replaced (FIX CumQty).
        var executed: UInt64 = 0
    }

    struct Random {
        var state: UInt64
        mutating func next(_ n: UInt64) -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (state >> 33) % n
        }
    }

    /// Takes the strategy's intents into the venue model.
    func accept(_ intents: [OrderIntent], into venue: inout [OrderID: VenueOrder]) {
        for i in intents {
            switch i.kind {
            case .new:
                #expect(venue[i.orderID] == nil, "order ID reused")
                venue[i.orderID] = VenueOrder(side: i.side, leaves: i.quantity.rawValue, acknowledged: false,
                                              cancelRequested: false, replacement: nil)
            case .cancel:
                venue[i.orderID]?.cancelRequested = true
            case .replace:
                // The intent carries the replacement's total (FIX OrderQty); the venue opens the
                // total less what was executed when the replace was asked for (OUCH's Replace).
                if let o = venue[i.orderID] {
                    #expect(i.quantity.rawValue > o.executed, "a replace that opens nothing")
                    venue[i.orderID]?.replacement = (i.newOrderID, i.quantity.rawValue &- o.executed)
                }
            }
        }
    }

    @Test(arguments: 0..<40)
    func strategyAndVenueAgreeUnderRandomAnswers(seed: Int) throws {
        var rng = Random(state: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        var p = MarketMakerParameters(halfSpread: px(200), inventorySkew: px(1), quoteSize: qty(100),
                                      requoteThreshold: .zero, maxPosition: qty(300), maxWorkingOrders: 2)
        var r = try MarketMakerRig(p)
        var venue: [OrderID: VenueOrder] = [:]
        var resting: [(ref: UInt64, side: Side)] = []
        // A book to start from.
        resting.append((r.add(.buy, 500, 1_000_000), .buy))
        accept(r.intents, into: &venue)
        resting.append((r.add(.sell, 500, 1_001_000), .sell))
        accept(r.intents, into: &venue)

        for step in 0..<400 {
            let ids = venue.keys.sorted { $0.rawValue < $1.rawValue }
            let roll = rng.next(100)
            if roll < 25 || (roll >= 33 && ids.isEmpty) {
                // The book moves: add a level inside the touch zone, or take one away.
                if rng.next(2) == 0 || resting.count < 3 {
                    let side: Side = rng.next(2) == 0 ? .buy : .sell
                    let price: Int64 = side == .buy ? 999_000 + Int64(rng.next(10)) * 100
                                                    : 1_001_000 + Int64(rng.next(10)) * 100
                    resting.append((r.add(side, UInt32(100 + rng.next(500)), price), side))
                } else {
                    let k = Int(rng.next(UInt64(resting.count)))
                    r.delete(resting.remove(at: k).ref)
                }
            } else if roll < 30 {
                r.trade(100 + rng.next(300), 1_000_500, aggressor: rng.next(2) == 0 ? .buy : .sell)
            } else if roll < 33 {
                p.quoting.toggle()
                try r.channel.publish(p)
                r.bookEvent()
            } else {
                let id = ids[Int(rng.next(UInt64(ids.count)))]
                var o = venue[id]!
                let action = rng.next(10)
                if !o.acknowledged {
                    if action < 7 {
                        o.acknowledged = true
                        venue[id] = o
                        r.ack(id)
                    } else if action < 9 {
                        venue[id] = nil
                        r.reject(id, .new)
                    } else {
                        let q = 1 + rng.next(o.leaves)
                        o.leaves -= q
                        o.executed += q
                        o.acknowledged = true
                        venue[id] = o.leaves == 0 ? nil : o
                        r.fill(id, q, o.side == .buy ? 1_000_000 : 1_001_000, leaves: o.leaves)
                    }
                } else if action < 3 {
                    let q = 1 + rng.next(o.leaves)
                    o.leaves -= q
                    o.executed += q
                    venue[id] = o.leaves == 0 ? nil : o
                    r.fill(id, q, o.side == .buy ? 1_000_000 : 1_001_000, leaves: o.leaves)
                    if o.leaves == 0, let rep = o.replacement {
                        accept(r.intents, into: &venue)
                        r.reject(id, .replace, replacement: rep.id)  // too late: nothing left to replace
                    }
                } else if o.cancelRequested {
                    if action < 8 {
                        venue[id] = nil
                        r.canceled(id)
                    } else {
                        o.cancelRequested = false
                        venue[id] = o
                        r.reject(id, .cancel)
                    }
                } else if let rep = o.replacement {
                    if action < 8 {
                        venue[id] = nil
                        venue[rep.id] = VenueOrder(side: o.side, leaves: rep.quantity, acknowledged: true,
                                                   cancelRequested: false, replacement: nil, executed: o.executed)
                        r.ack(rep.id)
                    } else {
                        o.replacement = nil
                        venue[id] = o
                        r.reject(id, .replace, replacement: rep.id)
                    }
                } else {
                    r.bookEvent()
                }
            }
            accept(r.intents, into: &venue)

            let orders = r.host.orders
            let buys = orders.filter { $0.side == .buy }.count
            let sells = orders.filter { $0.side == .sell }.count
            #expect(buys <= 1 && sells <= 1, "seed \(seed) step \(step): \(buys) bids, \(sells) asks open")
            let mine = Set(orders.map(\.orderID.rawValue))
            let theirs = Set(venue.keys.map(\.rawValue))
            #expect(mine == theirs, "seed \(seed) step \(step): strategy \(mine) venue \(theirs)")
            let net = r.host[position: mmInstrument].net
            #expect(net.magnitude <= 300 + 100, "seed \(seed) step \(step): position \(net)")
            if buys > 1 || sells > 1 || mine != theirs { return }
        }

        // Stop quoting and let the venue answer everything: nothing may be left behind.
        p.quoting = false
        try r.channel.publish(p)
        r.bookEvent()
        accept(r.intents, into: &venue)
        var rounds = 0
        while !venue.isEmpty && rounds < 100 {
            rounds += 1
            for id in venue.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
                guard let o = venue[id] else { continue }
                if !o.acknowledged {
                    venue[id]!.acknowledged = true
                    r.ack(id)
                } else if let rep = o.replacement {
                    venue[id] = nil
                    venue[rep.id] = VenueOrder(side: o.side, leaves: rep.quantity, acknowledged: true,
                                               cancelRequested: false, replacement: nil, executed: o.executed)
                    r.ack(rep.id)
                } else if o.cancelRequested {
                    venue[id] = nil
                    r.canceled(id)
                } else {
                    r.bookEvent()
                }
                accept(r.intents, into: &venue)
            }
        }
        // The run exercised the paths it claims to.
        let c = r.counters
        #expect(c.newQuotes > 0 && c.replaces > 0 && c.cancels > 0 && c.fills > 0 && c.rejects > 0,
                "seed \(seed): \(c)")
        #expect(venue.isEmpty, "seed \(seed): left working at the venue: \(venue.keys)")
        #expect(r.host.openOrders == 0)
    }
}
