import CVegaFPGA
import Testing
import VegaCore
import VegaHardware
import VegaTestSupport
@testable import VegaMarketData

/// Books whose output takes no updates (`NoBookOutput.takesUpdates == false`) skip the depth
/// search a standing level's update needs. Everything else must stay as with an output that takes
/// them: book state, refusals, counters (crossed updates included) and the stamps the read side
/// reports. Two books get the same random operations, in narrow price bands so levels stand and
/// vanish, partial and full reductions alternate and books cross, and are compared throughout.
struct BookOutputTakesUpdatesTests {
    @Test func theOutputsDeclareWhetherTheyTakeUpdates() {
        #expect(NoBookOutput.takesUpdates == false)
        #expect(BookUpdateBuffer.takesUpdates == true)
    }

    @Test func booksWithoutUpdatesKeepTheSameStateCountersAndStamps() {
        let instruments: UInt16 = 6
        let configuration = BookConfiguration(maxInstruments: 8, maxOrders: 4_096, maxLevels: 1_024, maxLevelsPerSide: 64)
        var quiet = OrderBooks(configuration: configuration)
        var loud = OrderBooks(configuration: configuration, output: BookUpdateBuffer(capacity: 8))
        for l in 1...instruments {
            _ = quiet.defineInstrument(locate: l, symbol: Symbol("Q\(l)")!, roundLot: 100, times: bookTimes(0))
            _ = loud.defineInstrument(locate: l, symbol: Symbol("Q\(l)")!, roundLot: 100, times: bookTimes(0))
        }
        var rng = SplitMix64(seed: 0x7A4E_5EED)
        var live: [UInt64] = []
        var shares: [UInt64: (locate: UInt16, shares: UInt32)] = [:]
        var nextRef: UInt64 = 1
        var mismatches = 0
        var standingReductions = 0
        let snapshotA = UnsafeMutableBufferPointer<FPGAEvent>.allocate(capacity: 1 + 2 * 30)
        let snapshotB = UnsafeMutableBufferPointer<FPGAEvent>.allocate(capacity: 1 + 2 * 30)
        defer { snapshotA.deallocate(); snapshotB.deallocate() }

        func price(_ side: Side) -> Int64 {
            // ±6 ticks around 100.00 on both sides: levels collect several orders, books cross.
            let ticks = Int64(rng.next(13)) - 6
            return 1_000_000 + (side == .buy ? -ticks : ticks) * 100
        }

        for step in 0..<60_000 {
            let t = bookTimes(UInt64(step + 1))
            let draw = rng.next(100)
            var a: BookReject?
            var b: BookReject?
            var touched: UInt16
            if live.isEmpty || (draw < 45 && live.count < 3_000) {
                let locate = UInt16(1 + rng.next(UInt64(instruments)))
                let side: Side = rng.next(2) == 0 ? .buy : .sell
                let size = UInt32(1 + rng.next(500))
                let p = Price4(rawValue: price(side))
                let ref = nextRef
                nextRef += 1
                a = quiet.addOrder(locate: locate, reference: ref, side: side, shares: size, price: p, attribution: 0, times: t)
                b = loud.addOrder(locate: locate, reference: ref, side: side, shares: size, price: p, attribution: 0, times: t)
                live.append(ref)
                shares[ref] = (locate, size)
                touched = locate
            } else {
                let i = Int(rng.next(UInt64(live.count)))
                let ref = live[i]
                let (locate, left) = shares[ref]!
                touched = locate
                var gone = false
                switch draw {
                case 45..<70:  // E: partial or whole
                    let n = UInt32(1 + rng.next(UInt64(left)))
                    a = quiet.executeOrder(locate: locate, reference: ref, shares: n, matchNumber: UInt64(step), price: nil,
                                           printable: true, times: t)
                    b = loud.executeOrder(locate: locate, reference: ref, shares: n, matchNumber: UInt64(step), price: nil,
                                          printable: true, times: t)
                    gone = n == left
                    if !gone { shares[ref]!.shares = left - n; standingReductions += 1 }
                case 70..<80:  // X
                    let n = UInt32(1 + rng.next(UInt64(left)))
                    a = quiet.cancelOrder(locate: locate, reference: ref, shares: n, times: t)
                    b = loud.cancelOrder(locate: locate, reference: ref, shares: n, times: t)
                    gone = n == left
                    if !gone { shares[ref]!.shares = left - n; standingReductions += 1 }
                case 80..<93:  // D
                    a = quiet.deleteOrder(locate: locate, reference: ref, times: t)
                    b = loud.deleteOrder(locate: locate, reference: ref, times: t)
                    gone = true
                default:       // U
                    let side = quiet.order(reference: ref)!.side
                    let replacement = nextRef
                    nextRef += 1
                    let size = UInt32(1 + rng.next(500))
                    let p = Price4(rawValue: price(side))
                    a = quiet.replaceOrder(locate: locate, original: ref, replacement: replacement, shares: size, price: p, times: t)
                    b = loud.replaceOrder(locate: locate, original: ref, replacement: replacement, shares: size, price: p, times: t)
                    gone = true
                    live.append(replacement)
                    shares[replacement] = (locate, size)
                }
                if gone {
                    live[i] = live[live.count - 1]
                    live.removeLast()
                    shares[ref] = nil
                }
            }
            loud.output.removeAll()
            if a != nil || b != nil {
                mismatches += 1
                Issue.record("step \(step): refused \(String(describing: a)) / \(String(describing: b))")
            }
            if quiet.topOfBook(locate: touched) != loud.topOfBook(locate: touched)
                || quiet.isCrossed(locate: touched) != loud.isCrossed(locate: touched) {
                mismatches += 1
                Issue.record("step \(step) locate \(touched): \(quiet.topOfBook(locate: touched)) != \(loud.topOfBook(locate: touched))")
            }
            if step % 97 == 0 {
                // Whole ladders, and the snapshot (which carries the instrument's last stamps).
                for side in [Side.buy, .sell] {
                    let q = (0..<quiet.levelCount(locate: touched, side: side)).map { quiet.level(locate: touched, side: side, index: $0)! }
                    let l = (0..<loud.levelCount(locate: touched, side: side)).map { loud.level(locate: touched, side: side, index: $0)! }
                    if q != l { mismatches += 1; Issue.record("step \(step) locate \(touched) \(side): \(q) != \(l)") }
                }
                let n = quiet.snapshotL2(locate: touched, into: snapshotA)
                let m = loud.snapshotL2(locate: touched, into: snapshotB)
                let same = n == m && (0..<n).allSatisfy {
                    snapshotA[$0].exchange_timestamp_ns == snapshotB[$0].exchange_timestamp_ns
                        && snapshotA[$0].hw_timestamp_ns == snapshotB[$0].hw_timestamp_ns
                        && snapshotA[$0].price == snapshotB[$0].price && snapshotA[$0].quantity == snapshotB[$0].quantity
                        && snapshotA[$0].order_count == snapshotB[$0].order_count
                }
                if !same { mismatches += 1; Issue.record("step \(step) locate \(touched): snapshots differ") }
                if quiet.counters != loud.counters {
                    mismatches += 1
                    Issue.record("step \(step): counters \(quiet.counters) != \(loud.counters)")
                }
            }
            if mismatches > 5 { break }
        }
        #expect(mismatches == 0)
        #expect(quiet.counters == loud.counters)
        #expect(quiet.orderCount == loud.orderCount && quiet.levelCountTotal == loud.levelCountTotal)
        // The walk must reach what the change touches: standing levels reduced, and crossed tops
        // reduced (so the crossed count is taken on the quiet path's own test).
        #expect(standingReductions > 1_000)
        #expect(quiet.counters.crossedUpdates > 100, "the walk should cross books often")
    }
}
