import PropertyBased
import Testing
import VegaCore
import VegaTrading

@Suite("Positions and P&L, exact")
struct PositionBookTests {
    @Test func buyThenSellRealizesTheDifferenceMinusFees() {
        var p = PositionBook(capacity: smallCapacity)
        #expect(p.apply(PositionFill(instrument: inst, account: acct, strategy: strat, side: .buy, quantity: Quantity(100),
                                     price: px(10.00), fee: Money4(rawValue: 3_000))) == nil)
        #expect(p.apply(PositionFill(instrument: inst, account: acct, strategy: strat, side: .buy, quantity: Quantity(100),
                                     price: px(11.00), fee: Money4(rawValue: -2_000))) == nil)  // a rebate
        var r = p.position(inst)
        #expect(r.quantity == 200 && r.averageCost == px(10.50))
        #expect(r.costBasis == 200 * 105_000)
        #expect(p.apply(PositionFill(instrument: inst, account: acct, strategy: strat, side: .sell, quantity: Quantity(50),
                                     price: px(12.00))) == nil)
        r = p.position(inst)
        #expect(r.quantity == 150 && r.realized == 50 * 15_000)  // 50 × (12.00 − 10.50)
        #expect(r.averageCost == px(10.50))
        #expect(r.fees == 1_000)
        // Still marked at the first fill's price (10.00; later fills do not move the mark): −0.50 a share.
        #expect(r.unrealized == -150 * 5_000)
        #expect(r.netPnL == 50 * 15_000 - 150 * 5_000 - 1_000)
        p.mark(inst, price: px(12.00))
        #expect(p.position(inst).unrealized == 150 * 15_000)
        #expect(p.totals(strategy: strat).unrealized == 150 * 15_000)
        #expect(p.totals(account: acct).realized == 50 * 15_000)
    }

    @Test func flippingThroughFlatOpensTheRestAtTheFillPrice() {
        var p = PositionBook(capacity: smallCapacity)
        _ = p.apply(PositionFill(instrument: inst, account: acct, strategy: strat, side: .buy, quantity: Quantity(100), price: px(20)))
        _ = p.apply(PositionFill(instrument: inst, account: acct, strategy: strat, side: .sell, quantity: Quantity(250), price: px(21)))
        let r = p.position(inst)
        #expect(r.quantity == -150 && r.realized == 100 * 10_000 && r.averageCost == px(21))
        #expect(r.costBasis == -150 * 210_000)
        _ = p.apply(PositionFill(instrument: inst, account: acct, strategy: strat, side: .buy, quantity: Quantity(150), price: px(20.5)))
        #expect(p.position(inst).quantity == 0 && p.position(inst).realized == 100 * 10_000 + 150 * 5_000)
        #expect(p.position(inst).costBasis == 0)
    }

    @Test func partialClosesRoundOnlyBetweenRealizedAndBasis() {
        var p = PositionBook(capacity: smallCapacity)
        // 3 shares costing 10.0001 total-ish: an average that does not divide evenly.
        _ = p.apply(PositionFill(instrument: inst, account: acct, strategy: strat, side: .buy, quantity: Quantity(1), price: Price4(rawValue: 100_000)))
        _ = p.apply(PositionFill(instrument: inst, account: acct, strategy: strat, side: .buy, quantity: Quantity(2), price: Price4(rawValue: 100_001)))
        _ = p.apply(PositionFill(instrument: inst, account: acct, strategy: strat, side: .sell, quantity: Quantity(1), price: Price4(rawValue: 100_000)))
        let r = p.position(inst)
        let cash: Int64 = -100_000 - 2 * 100_001 + 100_000
        #expect(r.realized - r.costBasis == cash)
        _ = p.apply(PositionFill(instrument: inst, account: acct, strategy: strat, side: .sell, quantity: Quantity(2), price: Price4(rawValue: 100_000)))
        #expect(p.position(inst).realized == cash - 2 * -100_000 - 0 && p.position(inst).costBasis == 0)
    }

    @Test func strategyAndAccountViewsSumToTheLane() {
        var p = PositionBook(capacity: smallCapacity)
        _ = p.apply(PositionFill(instrument: inst, account: AccountID(0), strategy: StrategyID(1), side: .buy, quantity: Quantity(10), price: px(5)))
        _ = p.apply(PositionFill(instrument: inst, account: AccountID(1), strategy: StrategyID(2), side: .sell, quantity: Quantity(4), price: px(6)))
        #expect(p.position(inst).quantity == 6)
        #expect(p.position(strategy: StrategyID(1), instrument: inst).quantity == 10)
        #expect(p.position(account: AccountID(1), instrument: inst).quantity == -4)
        #expect(p.totals(account: AccountID(0)).netPnL + p.totals(account: AccountID(1)).netPnL == p.laneTotals.netPnL)
    }

    @Test func marksFromABookUseTheMid() {
        var p = PositionBook(capacity: smallCapacity)
        _ = p.apply(PositionFill(instrument: inst, account: acct, strategy: strat, side: .buy, quantity: Quantity(10), price: px(100)))
        let book = makeBook(bids: [(101, 5)], asks: [(102, 5)])
        let marked = p.mark(inst, from: book)
        #expect(marked)
        #expect(p.mark(of: inst) == px(101.5))
        #expect(p.position(inst).unrealized == 10 * 15_000)
        let empty = makeBook()
        let markedEmpty = p.mark(inst, from: empty)
        #expect(!markedEmpty)
        #expect(p.mark(of: inst) == px(101.5))
    }

    /// `position(_:)` reads the lane's record of an instrument directly, not through the hash
    /// map: over fills on several instruments, in an order where strategy and account records
    /// exist before some lane ones, it agrees with the sum of the account views everywhere, is
    /// empty for an instrument never filled, and for one out of range.
    @Test func laneViewAgreesWithTheAccountViewsOnEveryInstrument() {
        var p = PositionBook(capacity: smallCapacity)
        let fills: [(UInt32, UInt16, UInt16, Side, UInt64)] = [
            (3, 1, 2, .buy, 7), (1, 0, 0, .sell, 5), (3, 0, 1, .sell, 2), (5, 1, 0, .buy, 9), (1, 1, 3, .buy, 11), (5, 0, 2, .sell, 9),
        ]
        for (n, f) in fills.enumerated() {
            #expect(p.apply(PositionFill(instrument: InstrumentID(f.0), account: AccountID(f.1), strategy: StrategyID(f.2),
                                         side: f.3, quantity: Quantity(f.4), price: px(Double(10 + n)))) == nil)
        }
        for i in 0..<UInt32(smallCapacity.instruments) {
            let id = InstrumentID(i)
            let accounts = (0..<UInt16(smallCapacity.accounts)).map { p.position(account: AccountID($0), instrument: id).quantity }
            #expect(p.position(id).quantity == accounts.reduce(0, +), "instrument \(i)")
        }
        #expect(p.position(InstrumentID(1)).quantity == 6)
        #expect(p.position(InstrumentID(3)).quantity == 5)
        #expect(p.position(InstrumentID(5)).quantity == 0 && p.position(InstrumentID(5)).realized != 0)
        #expect(p.position(InstrumentID(2)) == PositionRecord())
        #expect(p.position(InstrumentID(UInt32(smallCapacity.instruments))) == PositionRecord())
    }

    @Test func unknownIdentifiersAndOverflowLeaveTheBookUnchanged() {
        var p = PositionBook(capacity: smallCapacity)
        #expect(p.apply(PositionFill(instrument: InstrumentID(99), account: acct, strategy: strat, side: .buy, quantity: Quantity(1), price: px(1))) == .unknownIdentifier)
        #expect(p.apply(PositionFill(instrument: inst, account: acct, strategy: strat, side: .buy, quantity: Quantity(UInt64.max), price: px(1))) == .overflow)
        #expect(p.position(inst) == PositionRecord())
    }
}

@Suite("Position arithmetic under random fills")
struct PositionPropertyTests {
    static let fills = Gen.int(in: -500...500).array(of: 1...60)
    static let prices = Gen.int(in: 1...2_000_000).array(of: 60...60)

    /// position = Σ signed fills; realized + unrealized − fees = cash + position × mark − fees;
    /// flat ⇒ realized = cash; the three views agree.
    @Test func positionAndPnLMatchASimpleRecomputation() async {
        await propertyCheck(count: 300, input: Self.fills, Self.prices) { fills, prices in
            var p = PositionBook(capacity: smallCapacity)
            var signed: Int64 = 0
            var cash: Int64 = 0
            var fees: Int64 = 0
            for (n, f) in fills.enumerated() where f != 0 {
                let price = Int64(prices[n])
                let fee = Int64(f % 7)
                let side: Side = f > 0 ? .buy : .sell
                let s = StrategyID(UInt16(n % 3))
                #expect(p.apply(PositionFill(instrument: inst, account: AccountID(UInt16(n % 2)), strategy: s, side: side,
                                             quantity: Quantity(UInt64(f.magnitude)), price: Price4(rawValue: price),
                                             fee: Money4(rawValue: fee))) == nil)
                signed += Int64(f)
                cash -= Int64(f) * price
                fees += fee
                if n % 5 == 0 { p.mark(inst, price: Price4(rawValue: Int64(prices[(n + 7) % prices.count]))) }
                let r = p.position(inst)
                let mark = p.mark(of: inst)!.rawValue
                #expect(r.quantity == signed)
                #expect(r.realized + r.unrealized == cash + signed * mark)
                #expect(r.netPnL == cash + signed * mark - fees)
                if signed == 0 { #expect(r.realized == cash && r.costBasis == 0) }
                // Average cost lies within the prices traded.
                if signed != 0 { #expect((1...2_000_000).contains(r.averageCost.rawValue)) }
                let strategies = (0..<3).map { p.totals(strategy: StrategyID(UInt16($0))) }
                let accounts = (0..<2).map { p.totals(account: AccountID(UInt16($0))) }
                #expect(strategies.map(\.netPnL).reduce(0, +) == r.netPnL)
                #expect(accounts.map(\.netPnL).reduce(0, +) == r.netPnL)
                #expect(p.laneTotals.netPnL == r.netPnL)
            }
        }
    }
}
