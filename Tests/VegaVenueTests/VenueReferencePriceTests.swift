import Testing
import VegaCore
import VegaVenue

/// The fair-price path simulated venues share: a function of seed, instrument and time only,
/// so every venue reads the same path; and with it two venues' fair prices move together where
/// without it they walk apart.
@Suite struct VenueReferencePriceTests {
    static let ms: UInt64 = 1_000_000

    @Test func thePathDependsOnTheTimeAskedNotOnWhoAskedOrHowOften() {
        let coarse = VenueReferencePrice(seed: 7)
        let fine = VenueReferencePrice(seed: 7)
        // Both start at the same time; one is asked every bucket, the other every 37 buckets.
        let start: UInt64 = 5_000 * Self.ms
        _ = coarse.offsetTicks(key: 1, at: start)
        _ = fine.offsetTicks(key: 1, at: start)
        var everyBucket: [UInt64: Int64] = [:]
        for b: UInt64 in 0...3_000 { everyBucket[b] = fine.offsetTicks(key: 1, at: start + b * Self.ms + 123) }
        for b in stride(from: UInt64(0), through: 3_000, by: 37) {
            #expect(coarse.offsetTicks(key: 1, at: start + b * Self.ms) == everyBucket[b], "bucket \(b)")
        }
        // It starts at 0 and moves.
        #expect(everyBucket[0] == 0)
        #expect(Set(everyBucket.values).count > 3)
        // One tick at a time.
        for b: UInt64 in 1...3_000 { #expect(abs(everyBucket[b]! - everyBucket[b - 1]!) <= 1) }
    }

    @Test func movesAtTheConfiguredRateAndInstrumentsWalkApart() {
        let r = VenueReferencePrice(seed: 11, moveProbability: 0.05, history: 128)
        _ = r.offsetTicks(key: 1, at: 0)
        var moves = 0, previous: Int64 = 0, differ = 0
        for b: UInt64 in 1...100_000 {
            let v = r.offsetTicks(key: 1, at: b * Self.ms)
            if v != previous { moves += 1 }
            previous = v
            if r.offsetTicks(key: 2, at: b * Self.ms) != v { differ += 1 }
        }
        #expect(abs(Double(moves) / 100_000 - 0.05) < 0.005, "\(moves) moves in 100,000 buckets")
        #expect(differ > 50_000, "two instruments share a path: \(differ)")
    }

    @Test func aVenueBehindReadsThePastAndBeyondTheHistoryTheOldestKept() {
        let r = VenueReferencePrice(seed: 3, moveProbability: 0.5, history: 64)
        _ = r.offsetTicks(key: 9, at: 0)
        var values: [Int64] = []
        for b: UInt64 in 0...200 { values.append(r.offsetTicks(key: 9, at: b * Self.ms)) }
        // Asked again later, times within the last 64 buckets read what they read then.
        for b in 137...200 { #expect(r.offsetTicks(key: 9, at: UInt64(b) * Self.ms) == values[b]) }
        // Older: the oldest kept (bucket 137).
        #expect(r.offsetTicks(key: 9, at: 10 * Self.ms) == values[137])
        // Before the start: 0.
        let late = VenueReferencePrice(seed: 3)
        _ = late.offsetTicks(key: 9, at: 100 * Self.ms)
        #expect(late.offsetTicks(key: 9, at: 50 * Self.ms) == 0)
    }

    /// Two venues, different seeds and locates for the same symbol, stepped at their own times:
    /// with a shared reference their fair prices stay together; without, they walk apart.
    func fairGap(shared: Bool, deviation: Int64 = 0) -> Int64 {
        let reference = VenueReferencePrice(seed: 1, moveProbability: 0.3)
        func flow(seed: UInt64, locate: UInt16) -> VenueBackgroundFlow {
            var c = VenueBackgroundFlow.Configuration(seed: seed)
            c.driftProbability = 0.3
            c.startPrices[locate] = Price4(rawValue: 1_000_000)
            if shared {
                c.referenceDeviationTicks = deviation
                c.reference = reference
                c.referenceKeys[locate] = 0x4141_504C_2020_2020  // "AAPL    "
            }
            return VenueBackgroundFlow(configuration: c, locates: [locate])
        }
        var a = flow(seed: 1, locate: 1), b = flow(seed: 2, locate: 5)
        var ea = MatchingEngine(), eb = MatchingEngine()
        ea.addInstrument(1)
        eb.addInstrument(5)
        var events: [VenueEvent] = []
        var worst: Int64 = 0
        for n: UInt64 in 0..<20_000 {
            let t = n * 250_000  // 4 actions per ms on each venue
            a.step(&ea, into: &events, at: t)
            b.step(&eb, into: &events, at: t + 50_000)
            events.removeAll(keepingCapacity: true)
            if n % 4 == 3 {
                // Compare at a bucket both have reached.
                worst = max(worst, abs(a.fairPrice(1)!.rawValue - b.fairPrice(5)!.rawValue))
            }
        }
        return worst
    }

    @Test func venuesSharingTheReferenceKeepTheirFairPricesTogether() {
        #expect(fairGap(shared: true) == 0)
        #expect(fairGap(shared: false) > 1_000, "independent walks drift apart by more than ten cents")
        #expect(fairGap(shared: true, deviation: 3) <= 2 * 3 * 100, "each venue within 3 ticks of the reference")
        #expect(fairGap(shared: true, deviation: 3) > 0, "but not in lock step")
    }
}
