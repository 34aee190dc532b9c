import Testing
import VegaCore
import VegaVenue

@Suite struct VenueBackgroundFlowTests {
    func run(seed: UInt64, steps: Int) -> (events: [VenueEvent], actions: [VenueBackgroundFlow.Action], engine: MatchingEngine) {
        var engine = MatchingEngine()
        for l: UInt16 in [1, 2] { engine.addInstrument(l) }
        var flow = VenueBackgroundFlow(configuration: .init(seed: seed), locates: [1, 2])
        var events: [VenueEvent] = []
        var actions: [VenueBackgroundFlow.Action] = []
        for _ in 0..<steps { actions.append(flow.step(&engine, into: &events)) }
        return (events, actions, engine)
    }

    @Test func theSameSeedGivesTheSameFlowAndADifferentSeedDoesNot() {
        let a = run(seed: 5, steps: 3_000)
        let b = run(seed: 5, steps: 3_000)
        let c = run(seed: 6, steps: 3_000)
        #expect(a.events == b.events)
        #expect(a.actions == b.actions)
        #expect(a.events != c.events)
    }

    @Test func booksStayAliveTwoSidedAndTradeWithTheConfiguredMix() {
        let r = run(seed: 9, steps: 20_000)
        var adds = 0, cancels = 0, replaces = 0, marketable = 0, partial = 0
        for a in r.actions {
            switch a {
            case .add: adds += 1
            case .cancel: cancels += 1
            case .replace: replaces += 1
            case .marketable: marketable += 1
            case .partialCancel: partial += 1
            }
        }
        // Near the per-mille mix (20,000 draws; adds a little above it while the books fill).
        #expect(abs(Double(adds) / 20_000 - 0.45) < 0.08)
        #expect(abs(Double(cancels) / 20_000 - 0.39) < 0.08)
        #expect(abs(Double(replaces) / 20_000 - 0.08) < 0.02)
        #expect(abs(Double(marketable) / 20_000 - 0.06) < 0.02)
        let trades = r.events.filter { if case .executed = $0 { return true }; return false }.count
        #expect(trades > 500)
        for l: UInt16 in [1, 2] {
            #expect(r.engine.queue(l, side: .buy).count + r.engine.queue(l, side: .sell).count >= 50)
            #expect(r.engine.bestPrice(l, side: .buy) != nil)
            #expect(r.engine.bestPrice(l, side: .sell) != nil)
            if let b = r.engine.bestPrice(l, side: .buy), let a = r.engine.bestPrice(l, side: .sell) { #expect(b < a) }
            #expect(r.engine.queue(l, side: .buy).count + r.engine.queue(l, side: .sell).count <= 200)
        }
        // The participants never reject themselves into a corner: no unknown-order rejects.
        #expect(!r.events.contains { if case .rejected(_, _, _, .unknownOrder) = $0 { return true }; return false })
    }
}
