import Testing
import VegaCore
import VegaVenue
import VegaTestSupport

/// A deliberately naive matcher (a flat list scanned for the best price, then the earliest
/// arrival) written separately from MatchingEngine, to check it on random flow.
struct ReferenceMatcher {
    struct Resting { var token: UInt64; var firm: UInt32; var side: Side; var price: Int64; var quantity: UInt32; var arrival: Int }
    var book: [Resting] = []
    var arrivals = 0

    /// Returns the executions (resting token, aggressor token, price, quantity).
    mutating func submit(token: UInt64, firm: UInt32, side: Side, price: Int64, quantity: UInt32, ioc: Bool) -> [(UInt64, UInt64, Int64, UInt32)] {
        var remaining = quantity
        var out: [(UInt64, UInt64, Int64, UInt32)] = []
        while remaining > 0 {
            let candidates = book.indices.filter { book[$0].side != side && (side == .buy ? book[$0].price <= price : book[$0].price >= price) }
            guard let best = candidates.min(by: { a, b in
                let pa = book[a].price, pb = book[b].price
                if pa != pb { return side == .buy ? pa < pb : pa > pb }
                return book[a].arrival < book[b].arrival
            }) else { break }
            if book[best].firm == firm { return out }  // cancel newest: the rest is canceled
            let q = min(remaining, book[best].quantity)
            out.append((book[best].token, token, book[best].price, q))
            remaining -= q
            book[best].quantity -= q
            if book[best].quantity == 0 { book.remove(at: best) }
        }
        if remaining > 0 && !ioc {
            arrivals += 1
            book.append(Resting(token: token, firm: firm, side: side, price: price, quantity: remaining, arrival: arrivals))
        }
        return out
    }

    mutating func cancel(token: UInt64) -> Bool {
        guard let i = book.firstIndex(where: { $0.token == token }) else { return false }
        book.remove(at: i)
        return true
    }
}

@Suite struct MatchingRandomFlowTests {

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func randomFlowMatchesTheReferenceAndKeepsTheInvariants(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var engine = MatchingEngine()
        engine.addInstrument(7)
        var reference = ReferenceMatcher()
        var entered: [UInt64: UInt64] = [:]
        var done: [UInt64: UInt64] = [:]  // executed + canceled per token
        var live: [UInt64] = []
        var nextToken: UInt64 = 1
        for step in 0..<4_000 {
            var events: [VenueEvent] = []
            if rng.below(10) < 7 || live.isEmpty {
                let token = nextToken
                nextToken += 1
                let side: Side = rng.below(2) == 0 ? .buy : .sell
                let price = 100_000 + Int64(rng.below(21)) * 100 - 1_000
                let quantity = UInt32(1 + rng.below(500))
                let firm = UInt32(1 + rng.below(4))
                let ioc = rng.below(5) == 0
                entered[token] = UInt64(quantity)
                engine.submit(VenueOrderRequest(token: token, firm: firm, locate: 7, side: side, price: Price4(rawValue: price),
                                                quantity: quantity, timeInForce: ioc ? .immediateOrCancel : .day), into: &events)
                let expected = reference.submit(token: token, firm: firm, side: side, price: price, quantity: quantity, ioc: ioc)
                let got = events.executions.map { ($0.resting, $0.aggressor, $0.price.rawValue, $0.quantity) }
                #expect(got.count == expected.count, "seed \(seed) step \(step)")
                for (g, x) in zip(got, expected) where g != x {
                    Issue.record("seed \(seed) step \(step): execution \(g) != reference \(x)")
                }
                if engine.reference(token: token, firm: firm) != nil { live.append(token) }
            } else {
                let pick = Int(rng.below(UInt64(live.count)))
                let token = live.remove(at: pick)
                let firm = engine.queue(7, side: .buy).first { $0.token == token }?.firm ?? engine.queue(7, side: .sell).first { $0.token == token }?.firm
                if let firm {
                    engine.cancel(token: token, firm: firm, into: &events)
                    let wasThere = reference.cancel(token: token)
                    #expect(wasThere)
                }
            }
            for e in events {
                switch e {
                case .executed(_, _, let q, _, let r, let a):
                    done[r.token, default: 0] += UInt64(q)
                    done[a.token, default: 0] += UInt64(q)
                case .canceled(_, let t, _, _, _, let q, _, _, _):
                    done[t, default: 0] += UInt64(q)
                default: break
                }
            }
            live.removeAll { engine.reference(token: $0, firm: firmOf($0, engine)) == nil && !isResting($0, engine) }
            // Never crossed after matching.
            if let bid = engine.bestPrice(7, side: .buy), let ask = engine.bestPrice(7, side: .sell) {
                #expect(bid < ask, "seed \(seed) step \(step): crossed \(bid) / \(ask)")
            }
        }
        // Quantity conserved: every share entered was executed, canceled or is still resting.
        var resting: [UInt64: UInt64] = [:]
        for side in [Side.buy, .sell] { for o in engine.queue(7, side: side) { resting[o.token, default: 0] += UInt64(o.quantity) } }
        for (token, quantity) in entered {
            #expect(done[token, default: 0] + resting[token, default: 0] == quantity, "token \(token)")
        }
        // The final books agree with the reference, order by order, in priority order.
        for side in [Side.buy, .sell] {
            let mine = engine.queue(7, side: side).map { ($0.token, $0.quantity) }
            let theirs = reference.book.filter { $0.side == side }
                .sorted { $0.price != $1.price ? (side == .buy ? $0.price > $1.price : $0.price < $1.price) : $0.arrival < $1.arrival }
                .map { ($0.token, $0.quantity) }
            #expect(mine.map(\.0) == theirs.map(\.0))
            #expect(mine.map(\.1) == theirs.map(\.1))
        }
    }

    func isResting(_ token: UInt64, _ engine: MatchingEngine) -> Bool {
        engine.queue(7, side: .buy).contains { $0.token == token } || engine.queue(7, side: .sell).contains { $0.token == token }
    }

    func firmOf(_ token: UInt64, _ engine: MatchingEngine) -> UInt32 {
        (engine.queue(7, side: .buy) + engine.queue(7, side: .sell)).first { $0.token == token }?.firm ?? 0
    }
}

extension SplitMix64 {
    /// In 0..<n (modulo: a slight bias, immaterial here).
    mutating func below(_ n: UInt64) -> UInt64 { next() % n }
}
