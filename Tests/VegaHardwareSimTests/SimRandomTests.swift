import Testing
import VegaHardwareSim

@Suite struct SimRandomTests {
    @Test func sameSeedGivesSameStreamAndDifferentSeedsDiffer() {
        var a = SimRandom(seed: 42), b = SimRandom(seed: 42), c = SimRandom(seed: 43)
        let sa = (0..<1000).map { _ in a.next() }
        let sb = (0..<1000).map { _ in b.next() }
        let sc = (0..<1000).map { _ in c.next() }
        #expect(sa == sb)
        #expect(sa != sc)
    }

    /// Pins the algorithm: xoshiro256** seeded by SplitMix64(0). A change here changes every
    /// recorded simulation, so it must be deliberate.
    @Test func streamForSeedZeroIsPinned() {
        var x: UInt64 = 0
        #expect(SimRandom.splitMix64(&x) == 0xE220_A839_7B1D_CDAF)
        var r = SimRandom(seed: 0)
        let first = r.next()
        var again = SimRandom(seed: 0)
        #expect(again.next() == first)
        #expect(first != 0)
    }

    @Test func boundedDrawsStayInRangeAndCoverIt() {
        var r = SimRandom(seed: 7)
        var seen = [Bool](repeating: false, count: 10)
        for _ in 0..<10_000 {
            let v = r.next(below: 10)
            #expect(v < 10)
            seen[Int(v)] = true
        }
        #expect(seen.allSatisfy { $0 })
        for _ in 0..<1000 {
            let v = r.next(in: -5...5)
            #expect((-5...5).contains(v))
        }
    }

    @Test func probabilityThresholdsAreExactAtTheEnds() {
        var r = SimRandom(seed: 9)
        let never = SimRandom.probabilityThreshold(0), always = SimRandom.probabilityThreshold(1)
        for _ in 0..<1000 {
            let no = r.chance(never), yes = r.chance(always)
            #expect(!no && yes)
        }
    }

    @Test func forkedStreamsAreIndependentAndDoNotAdvanceTheParent() {
        let parent = SimRandom(seed: 5)
        var f1 = parent.fork(stream: 1), f2 = parent.fork(stream: 2)
        #expect((0..<16).map { _ in f1.next() } != (0..<16).map { _ in f2.next() })
        #expect(parent == SimRandom(seed: 5))
    }
}
