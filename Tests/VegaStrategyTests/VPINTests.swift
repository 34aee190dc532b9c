import Testing
import VegaCore
import VegaStrategy

/// VPIN computed the slow, obvious way: every share becomes one classified unit, shares are
/// cut into buckets of `bucketVolume`, and the last `bucketCount` full buckets are averaged.
/// Shares an independent check on the incremental implementation.
func referenceVPIN(_ trades: [(shares: UInt64, side: Side)], bucketVolume: UInt64, bucketCount: Int)
    -> (imbalanceSum: UInt64, buckets: Int, value: Double)
{
    var units: [Side] = []
    for t in trades { units += Array(repeating: t.side, count: Int(t.shares)) }
    var imbalances: [UInt64] = []
    var i = 0
    while i + Int(bucketVolume) <= units.count {
        let bucket = units[i..<(i + Int(bucketVolume))]
        let buys = UInt64(bucket.filter { $0 == .buy }.count)
        let sells = bucketVolume - buys
        imbalances.append(buys > sells ? buys - sells : sells - buys)
        i += Int(bucketVolume)
    }
    let window = imbalances.suffix(bucketCount)
    let sum = window.reduce(0, +)
    return (sum, window.count, window.isEmpty ? 0 : Double(sum) / (Double(window.count) * Double(bucketVolume)))
}

/// The tick rule, stated plainly: up → buy, down → sell, same → previous; the first trade
/// without an aggressor is unclassified.
func referenceTickRule(_ prices: [Int64]) -> [Side?] {
    var out: [Side?] = []
    var previous: Side? = nil
    for (i, p) in prices.enumerated() {
        if i == 0 { out.append(nil); continue }
        let side: Side? = p > prices[i - 1] ? .buy : p < prices[i - 1] ? .sell : previous
        out.append(side)
        if side != nil { previous = side }
    }
    return out
}

@Suite struct VPINTests {
    @Test func tradesSplitAcrossBucketBoundariesExactly() {
        var v = VPIN(bucketVolume: 100, bucketCount: 3)
        // buy 150 → bucket 1 all buy (|100-0|), bucket 2 starts with 50 buy.
        v.add(shares: 150, price: px(10), aggressor: .buy)
        #expect(v.completedBuckets == 1)
        #expect(v.currentBucket == (50, 0))
        // sell 50 completes bucket 2 at 50/50 (imbalance 0).
        v.add(shares: 50, price: px(10), aggressor: .sell)
        #expect(v.completedBuckets == 2 && v.imbalanceSum == 100)
        // sell 120 → bucket 3 all sell (100), bucket 4 starts with 20 sell.
        v.add(shares: 120, price: px(10), aggressor: .sell)
        #expect(v.completedBuckets == 3 && v.imbalanceSum == 200)
        #expect(v.currentBucket == (0, 20))
        // buy 80 completes bucket 4 at 80/20 (60); the window drops bucket 1.
        v.add(shares: 80, price: px(10), aggressor: .buy)
        #expect(v.completedBuckets == 4)
        #expect(v.imbalanceSum == 0 + 100 + 60)
        let ref = referenceVPIN([(150, .buy), (50, .sell), (120, .sell), (80, .buy)], bucketVolume: 100, bucketCount: 3)
        #expect(ref.imbalanceSum == 160)
        #expect(v.value == ref.value)
        #expect(v.partsPerMillion == 533_333)
    }

    @Test func oneTradeCanCompleteManyBuckets() {
        var v = VPIN(bucketVolume: 7, bucketCount: 4)
        v.add(shares: 3, price: px(1), aggressor: .sell)
        v.add(shares: 40, price: px(1), aggressor: .buy)
        // 43 shares: 6 full buckets, 1 share over. Bucket 1 = 3 sell + 4 buy (1), then all buy (7).
        #expect(v.completedBuckets == 6)
        #expect(v.currentBucket == (1, 0))
        let ref = referenceVPIN([(3, .sell), (40, .buy)], bucketVolume: 7, bucketCount: 4)
        #expect(v.imbalanceSum == ref.imbalanceSum)
        #expect(v.imbalanceSum == 28)
        #expect(v.value == 1.0)
    }

    @Test func thresholdComparisonIsExactAndWaitsForAFullWindow() {
        var v = VPIN(bucketVolume: 10, bucketCount: 2)
        // Bucket 1: 10 buy (10). Not ready with one bucket.
        v.add(shares: 10, price: px(1), aggressor: .buy)
        #expect(v.isReady == false)
        #expect(v.isAtLeast(partsPerMillion: 1) == false)
        // Bucket 2: 5/5 (0). VPIN = 10 / 20 = 0.5 exactly.
        v.add(shares: 5, price: px(1), aggressor: .buy)
        v.add(shares: 5, price: px(1), aggressor: .sell)
        #expect(v.isReady == true)
        #expect(v.isAtLeast(partsPerMillion: 500_000) == true)
        #expect(v.isAtLeast(partsPerMillion: 500_001) == false)
        #expect(v.value == 0.5)
    }

    @Test func tickRuleClassifiesUpDownAndRepeatsOnUnchangedPrice() {
        let prices: [Int64] = [100, 101, 101, 100, 100, 102, 102, 101]
        let expected = referenceTickRule(prices)
        var v = VPIN(bucketVolume: 1_000, bucketCount: 1)
        var got: [Side?] = []
        for p in prices { got.append(v.add(shares: 10, price: px(p))) }
        #expect(got == expected)
        #expect(got == [nil, .buy, .buy, .sell, .sell, .buy, .buy, .sell])
        #expect(v.unclassifiedShares == 10)
        // 70 classified shares: buy 40, sell 30.
        #expect(v.currentBucket == (40, 30))
    }

    @Test func knownAggressorOverridesTheTickRule() {
        var v = VPIN(bucketVolume: 1_000, bucketCount: 1)
        v.add(shares: 1, price: px(100))
        // An uptick, but the feed says a seller took the bid.
        #expect(v.add(shares: 5, price: px(101), aggressor: .sell) == .sell)
        // Unchanged price repeats the last classification, which was the known one.
        #expect(v.add(shares: 5, price: px(101)) == .sell)
    }

    @Test func randomSequencesMatchTheReference() {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return seed >> 33
        }
        for round in 0..<200 {
            let bucketVolume = 1 + next() % 50
            let bucketCount = 1 + Int(next() % 8)
            var v = VPIN(bucketVolume: bucketVolume, bucketCount: bucketCount)
            var trades: [(shares: UInt64, side: Side)] = []
            for _ in 0..<(1 + next() % 60) {
                let shares = 1 + next() % 120
                let side: Side = next() % 3 == 0 ? .sell : .buy
                v.add(shares: shares, price: px(100), aggressor: side)
                trades.append((shares, side))
            }
            let ref = referenceVPIN(trades, bucketVolume: bucketVolume, bucketCount: bucketCount)
            #expect(v.imbalanceSum == ref.imbalanceSum, "round \(round)")
            #expect(Int(v.windowBuckets) == ref.buckets, "round \(round)")
            #expect(v.value == ref.value, "round \(round)")
        }
    }
}
