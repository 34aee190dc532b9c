import Testing
import VegaCore
import VegaMarketData
import VegaTestSupport

/// An independent, deliberately simple book: dictionaries and sorting, no shared code with
/// `OrderBooks`. FIFO position is the add sequence number within a (locate, side, price).
struct ReferenceBooks {
    struct Order {
        var locate: UInt16
        var side: Side
        var price: Int64
        var shares: UInt32
        var sequence: UInt64
    }
    struct LevelKey: Hashable {
        var locate: UInt16
        var buy: Bool
        var price: Int64
    }

    var orders: [UInt64: Order] = [:]
    var levels: [LevelKey: (shares: UInt64, orders: UInt32)] = [:]
    var prices: [UInt16: [Bool: Set<Int64>]] = [:]
    var sequence: UInt64 = 0

    mutating func add(_ ref: UInt64, _ locate: UInt16, _ side: Side, _ shares: UInt32, _ price: Int64) {
        sequence += 1
        orders[ref] = Order(locate: locate, side: side, price: price, shares: shares, sequence: sequence)
        let key = LevelKey(locate: locate, buy: side == .buy, price: price)
        let old = levels[key] ?? (0, 0)
        levels[key] = (old.shares + UInt64(shares), old.orders + 1)
        prices[locate, default: [:]][side == .buy, default: []].insert(price)
    }

    /// Takes shares off (execute / cancel); the order leaves at zero.
    mutating func reduce(_ ref: UInt64, _ shares: UInt32) {
        var o = orders[ref]!
        let key = LevelKey(locate: o.locate, buy: o.side == .buy, price: o.price)
        let taken = min(shares, o.shares)
        var level = levels[key]!
        level.shares -= UInt64(taken)
        o.shares -= taken
        if o.shares == 0 {
            orders[ref] = nil
            level.orders -= 1
        } else {
            orders[ref] = o
        }
        if level.orders == 0 {
            levels[key] = nil
            prices[o.locate]![o.side == .buy]!.remove(o.price)
        } else {
            levels[key] = level
        }
    }

    mutating func delete(_ ref: UInt64) { reduce(ref, orders[ref]!.shares) }

    func depth(_ locate: UInt16, _ side: Side, _ n: Int) -> [BookLevel] {
        let set = prices[locate]?[side == .buy] ?? []
        let sorted = side == .buy ? set.sorted(by: >) : set.sorted()
        return sorted.prefix(n).map { p in
            let l = levels[LevelKey(locate: locate, buy: side == .buy, price: p)]!
            return BookLevel(price: Price4(rawValue: p), shares: l.shares, orders: l.orders)
        }
    }

    func queuePosition(_ ref: UInt64) -> (UInt64, UInt32) {
        let me = orders[ref]!
        var shares: UInt64 = 0
        var count: UInt32 = 0
        for o in orders.values where o.locate == me.locate && o.side == me.side && o.price == me.price && o.sequence < me.sequence {
            shares += UInt64(o.shares)
            count += 1
        }
        return (shares, count)
    }
}

@Suite("Order books against a reference model")
struct OrderBooksRandomTests {
    /// ~1 M random valid operations (A, E, C, X, D, U) on 50 instruments, prices within ±25
    /// ticks of a drifting mid (so levels appear and vanish at and near the touch all the
    /// time, and books cross now and then); top of book and depth 5 of the touched instrument
    /// compared after every operation (prices; sizes and depth 5 every 8th — the model's sort is
    /// what a debug build spends its time on), every instrument and random queue positions
    /// every 50,000.
    @Test func randomValidOperationsMatchTheReferenceBook() {
        let operations = 1_000_000
        let instruments: UInt16 = 50
        var books = OrderBooks(configuration: BookConfiguration(maxInstruments: 64, maxOrders: 40_000, maxLevels: 8_192,
                                                                maxLevelsPerSide: 128))
        for l in 0..<instruments {
            _ = books.defineInstrument(locate: l + 1, symbol: Symbol("R\(l)")!, roundLot: 100, times: bookTimes(0))
        }
        var model = ReferenceBooks()
        var rng = SplitMix64(seed: 0x5EED_B00C)
        var live: [UInt64] = []
        var liveIndex: [UInt64: Int] = [:]
        var mids = [Int64](repeating: 500_000, count: Int(instruments) + 1)
        var nextRef: UInt64 = 1
        var mismatches = 0

        func track(_ ref: UInt64) { liveIndex[ref] = live.count; live.append(ref) }
        func untrack(_ ref: UInt64) {
            let i = liveIndex.removeValue(forKey: ref)!
            let last = live.removeLast()
            if i < live.count { live[i] = last; liveIndex[last] = i }
        }
        func randomPrice(_ locate: UInt16, _ side: Side) -> Int64 {
            let ticks = Int64(rng.next(26)) - 3   // a few ticks through the mid: crossed books happen
            return side == .buy ? mids[Int(locate)] - ticks * 100 : mids[Int(locate)] + ticks * 100
        }

        for step in 0..<operations {
            let t = bookTimes(UInt64(step))
            let draw = rng.next(100)
            var touched: UInt16
            if live.isEmpty || (draw < 40 && live.count < 30_000) {
                let locate = UInt16(1 + rng.next(UInt64(instruments)))
                if rng.next(8) == 0 { mids[Int(locate)] += (rng.next(2) == 0 ? 100 : -100) }
                let side: Side = rng.next(2) == 0 ? .buy : .sell
                let shares = UInt32(1 + rng.next(1_000))
                let price = randomPrice(locate, side)
                let ref = nextRef
                nextRef += 1 + rng.next(3)
                let r = books.addOrder(locate: locate, reference: ref, side: side, shares: shares, price: Price4(rawValue: price),
                                       attribution: 0, times: t)
                if r != nil { mismatches += 1; Issue.record("add \(ref) refused: \(r!)"); break }
                model.add(ref, locate, side, shares, price)
                track(ref)
                touched = locate
            } else {
                let ref = live[Int(rng.next(UInt64(live.count)))]
                let o = model.orders[ref]!
                touched = o.locate
                var result: BookReject?
                switch draw {
                case 0..<58:   // E: partial or full
                    let shares = rng.next(3) == 0 ? o.shares : UInt32(1 + rng.next(UInt64(o.shares)))
                    result = books.executeOrder(locate: o.locate, reference: ref, shares: shares, matchNumber: UInt64(step),
                                                price: nil, printable: true, times: t)
                    model.reduce(ref, shares)
                    if model.orders[ref] == nil { untrack(ref) }
                case 58..<63:   // C: at another price
                    let shares = UInt32(1 + rng.next(UInt64(o.shares)))
                    result = books.executeOrder(locate: o.locate, reference: ref, shares: shares, matchNumber: UInt64(step),
                                                price: Price4(rawValue: o.price + 100), printable: rng.next(2) == 0, times: t)
                    model.reduce(ref, shares)
                    if model.orders[ref] == nil { untrack(ref) }
                case 63..<73:   // X
                    let shares = UInt32(1 + rng.next(UInt64(o.shares)))
                    result = books.cancelOrder(locate: o.locate, reference: ref, shares: shares, times: t)
                    model.reduce(ref, shares)
                    if model.orders[ref] == nil { untrack(ref) }
                case 73..<88:   // D
                    result = books.deleteOrder(locate: o.locate, reference: ref, times: t)
                    model.delete(ref)
                    untrack(ref)
                default:        // U: new reference, shares and price, same side
                    let replacement = nextRef
                    nextRef += 1
                    let shares = UInt32(1 + rng.next(1_000))
                    let price = randomPrice(o.locate, o.side)
                    result = books.replaceOrder(locate: o.locate, original: ref, replacement: replacement, shares: shares,
                                                price: Price4(rawValue: price), times: t)
                    model.delete(ref)
                    untrack(ref)
                    model.add(replacement, o.locate, o.side, shares, price)
                    track(replacement)
                }
                if let result { mismatches += 1; Issue.record("step \(step): refused \(result)"); break }
            }

            // Top of book after every operation (cheap in the model: a min/max); depth 5 every 8th.
            let top = books.topOfBook(locate: touched)
            let bids = model.prices[touched]?[true] ?? []
            let asks = model.prices[touched]?[false] ?? []
            if top.bid.price.rawValue != (bids.max() ?? 0) || top.ask.price.rawValue != (asks.min() ?? 0) {
                mismatches += 1
                Issue.record("step \(step) locate \(touched): top \(top) != \(bids.max() ?? 0) / \(asks.min() ?? 0)")
            }
            for side in [Side.buy, .sell] where step % 8 == 0 {
                let got = (0..<min(5, books.levelCount(locate: touched, side: side))).map {
                    books.level(locate: touched, side: side, index: $0)!
                }
                let want = model.depth(touched, side, 5)
                if got != want {
                    mismatches += 1
                    Issue.record("step \(step) locate \(touched) \(side): \(got) != \(want)")
                }
            }
            if mismatches > 5 { break }

            if step % 50_000 == 0 || step == operations - 1 {
                for l in 1...instruments {
                    #expect(books.levelCount(locate: l, side: .buy) == model.prices[l]?[true]?.count ?? 0)
                    #expect(books.levelCount(locate: l, side: .sell) == model.prices[l]?[false]?.count ?? 0)
                    let top = books.topOfBook(locate: l)
                    #expect(top.bid == model.depth(l, .buy, 1).first ?? .empty)
                    #expect(top.ask == model.depth(l, .sell, 1).first ?? .empty)
                }
                for _ in 0..<20 where !live.isEmpty {
                    let ref = live[Int(rng.next(UInt64(live.count)))]
                    let (shares, count) = model.queuePosition(ref)
                    let got = books.queuePosition(reference: ref)!
                    #expect(got.sharesAhead == shares && got.ordersAhead == count, "queue position of \(ref)")
                }
                #expect(books.orderCount == model.orders.count)
            }
        }
        #expect(mismatches == 0)
        #expect(books.counters.totalRejects == 0)
        #expect(books.counters.crossedUpdates > 0, "the walk should cross some books")
    }
}
