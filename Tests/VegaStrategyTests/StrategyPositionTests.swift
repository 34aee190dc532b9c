import Testing
import VegaCore
import VegaStrategy

@Suite struct StrategyPositionTests {
    let aapl = InstrumentID(1)

    @Test func buyingThenSellingAllRealizesTheExactDifference() {
        var p = StrategyPosition(instrument: aapl)
        p.apply(side: .buy, shares: 100, price: px(1_000_000))
        p.apply(side: .buy, shares: 200, price: px(1_000_300))
        #expect(p.net == 300)
        #expect(p.costBasis == 100 * 1_000_000 + 200 * 1_000_300)
        #expect(p.averagePrice == px(1_000_200))
        p.apply(side: .sell, shares: 300, price: px(1_000_500))
        #expect(p.net == 0)
        #expect(p.costBasis == 0)
        #expect(p.realizedPnL == 300 * 1_000_500 - (100 * 1_000_000 + 200 * 1_000_300))
    }

    @Test func partialCloseReleasesProportionalBasisAndFlatIsExact() {
        var p = StrategyPosition(instrument: aapl)
        // Basis 3 × 1_000_001 = 3_000_003 over 3 shares: closing 1 releases 1_000_001 exactly.
        p.apply(side: .buy, shares: 1, price: px(1_000_000))
        p.apply(side: .buy, shares: 2, price: px(1_000_001) + px(1_000_001) - px(1_000_000))  // 1_000_002
        #expect(p.costBasis == 3_000_004)
        p.apply(side: .sell, shares: 1, price: px(1_000_010))
        // 3_000_004 × 1 / 3 = 1_000_001 (toward zero): realized 9, basis 2_000_003 left.
        #expect(p.realizedPnL == 9)
        #expect(p.costBasis == 2_000_003)
        p.apply(side: .sell, shares: 2, price: px(1_000_010))
        #expect(p.net == 0 && p.costBasis == 0)
        // Flat: total realized equals proceeds minus cost, with no rounding left over.
        #expect(p.realizedPnL == 3 * 1_000_010 - 3_000_004)
    }

    @Test func shortPositionRealizesWhenBoughtBack() {
        var p = StrategyPosition(instrument: aapl)
        p.apply(side: .sell, shares: 100, price: px(500_000))
        #expect(p.net == -100 && p.costBasis == -50_000_000 && p.averagePrice == px(500_000))
        p.apply(side: .buy, shares: 40, price: px(499_000))
        #expect(p.net == -60)
        #expect(p.realizedPnL == 40 * 1_000)
        #expect(p.unrealizedPnL(mark: px(498_000)) == 60 * 2_000)
    }

    @Test func crossingThroughFlatOpensTheRemainderAtTheFillPrice() {
        var p = StrategyPosition(instrument: aapl)
        p.apply(side: .buy, shares: 100, price: px(1_000_000))
        p.apply(side: .sell, shares: 250, price: px(1_000_100))
        #expect(p.realizedPnL == 100 * 100)
        #expect(p.net == -150)
        #expect(p.costBasis == -150 * 1_000_100)
        #expect(p.boughtShares == 100 && p.soldShares == 250)
    }
}
