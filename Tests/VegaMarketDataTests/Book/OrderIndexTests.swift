import Testing
import VegaCore
@testable import VegaMarketData
import VegaTestSupport

/// The order index's direct window is only a hint: references that collide in it (same value
/// modulo the window) must go to the hash map and behave exactly as with no window at all.
@Suite struct OrderIndexTests {
    static let times = EventTimes(exchange: Timestamp(nanoseconds: 1))

    static func books(window: Int) -> OrderBooks<NoBookOutput> {
        var b = OrderBooks(configuration: BookConfiguration(maxInstruments: 2, maxOrders: 512, maxLevels: 512,
                                                            maxLevelsPerSide: 64, orderIndexWindow: window))
        _ = b.defineInstrument(locate: 7, symbol: Symbol("AAA")!, roundLot: 100, times: times)
        return b
    }

    @Test func collidingReferencesAreFoundRemovedAndRefusedAsDuplicatesLikeWithoutAWindow() {
        var b = Self.books(window: 8)
        // 3, 11, 19 share window entry 3: the first takes it, the others overflow.
        for (i, r) in [UInt64(3), 11, 19].enumerated() {
            #expect(b.addOrder(locate: 7, reference: r, side: .buy, shares: UInt32(100 + i), price: Price4(rawValue: 10_000),
                               attribution: 0, times: Self.times) == nil)
        }
        #expect(b.index.overflowCount == 2)
        #expect(b.addOrder(locate: 7, reference: 11, side: .buy, shares: 1, price: Price4(rawValue: 10_000),
                           attribution: 0, times: Self.times) == .duplicateOrder)
        // The window's owner leaves: 11 (in the overflow) is still found, and still a duplicate
        // although its window entry is now free.
        #expect(b.deleteOrder(locate: 7, reference: 3, times: Self.times) == nil)
        #expect(b.order(reference: 3) == nil)
        #expect(b.order(reference: 11)?.shares == 101)
        #expect(b.addOrder(locate: 7, reference: 11, side: .buy, shares: 1, price: Price4(rawValue: 10_000),
                           attribution: 0, times: Self.times) == .duplicateOrder)
        #expect(b.queuePosition(reference: 19)?.ordersAhead == 1)
        // Replace from the overflow into the free window entry, then delete everything.
        #expect(b.replaceOrder(locate: 7, original: 19, replacement: 27, shares: 5, price: Price4(rawValue: 10_100),
                               times: Self.times) == nil)
        #expect(b.order(reference: 19) == nil && b.order(reference: 27)?.shares == 5)
        #expect(b.deleteOrder(locate: 7, reference: 11, times: Self.times) == nil)
        #expect(b.deleteOrder(locate: 7, reference: 27, times: Self.times) == nil)
        #expect(b.deleteOrder(locate: 7, reference: 27, times: Self.times) == .unknownOrder)
        #expect(b.orderCount == 0 && b.index.overflowCount == 0)
    }

    @Test func aTinyWindowGivesTheSameBooksAsNoWindowOverRandomTraffic() {
        var direct = Self.books(window: 16)
        var hashed = Self.books(window: 0)
        var rng = SplitMix64(seed: 42)
        var live: [UInt64] = []
        var nextRef: UInt64 = 1
        for _ in 0..<20_000 {
            let roll = rng.next() % 10
            if roll < 4 || live.isEmpty {
                // Mostly increasing references, sometimes far ahead (to collide in the window).
                let ref = rng.next() % 4 == 0 ? nextRef &+ 16 &* (rng.next() % 64) : nextRef
                nextRef &+= 1
                let side: Side = rng.next() % 2 == 0 ? .buy : .sell
                let price = Price4(rawValue: Int64(10_000 + (rng.next() % 20) * 100))
                let shares = UInt32(1 + rng.next() % 500)
                let a = direct.addOrder(locate: 7, reference: ref, side: side, shares: shares, price: price, attribution: 0, times: Self.times)
                let b = hashed.addOrder(locate: 7, reference: ref, side: side, shares: shares, price: price, attribution: 0, times: Self.times)
                #expect(a == b)
                if a == nil { live.append(ref) }
            } else {
                let i = Int(rng.next() % UInt64(live.count))
                let ref = live[i]
                switch roll {
                case 4, 5, 6:
                    #expect(direct.deleteOrder(locate: 7, reference: ref, times: Self.times)
                                == hashed.deleteOrder(locate: 7, reference: ref, times: Self.times))
                    live.swapAt(i, live.count - 1); live.removeLast()
                case 7:
                    let n = UInt32(1 + rng.next() % 300)
                    let a = direct.cancelOrder(locate: 7, reference: ref, shares: n, times: Self.times)
                    #expect(a == hashed.cancelOrder(locate: 7, reference: ref, shares: n, times: Self.times))
                    if direct.order(reference: ref) == nil { live.swapAt(i, live.count - 1); live.removeLast() }
                default:
                    let new = nextRef; nextRef &+= 1
                    let price = Price4(rawValue: Int64(10_000 + (rng.next() % 20) * 100))
                    #expect(direct.replaceOrder(locate: 7, original: ref, replacement: new, shares: 10, price: price, times: Self.times)
                                == hashed.replaceOrder(locate: 7, original: ref, replacement: new, shares: 10, price: price, times: Self.times))
                    live[i] = new
                }
            }
        }
        #expect(direct.index.overflowCount > 0, "the traffic should have collided in a 16-entry window")
        #expect(direct.orderCount == hashed.orderCount)
        for ref in live {
            #expect(direct.order(reference: ref)?.shares == hashed.order(reference: ref)?.shares)
            #expect(direct.queuePosition(reference: ref)?.ordersAhead == hashed.queuePosition(reference: ref)?.ordersAhead)
        }
        for side in [Side.buy, .sell] {
            for d in 0..<20 {
                #expect(direct.level(locate: 7, side: side, index: d) == hashed.level(locate: 7, side: side, index: d))
            }
        }
    }

    @Test func aWindowThatIsNotAPowerOfTwoIsRefusedByName() {
        #expect(throws: BookConfiguration.Invalid.self) { try BookConfiguration(orderIndexWindow: 1_000).validate() }
        #expect(BookConfiguration(maxOrders: 1_000_000).orderIndexWindow == 4 << 20)
        #expect(BookConfiguration(maxOrders: 1_000).orderIndexWindow == 0)
    }
}
