import Testing
import VegaCore
@testable import VegaOrderEntry
import VegaTestSupport

/// A million seeded inputs — random bytes, and valid messages with random bytes flipped, truncated
/// or extended — through both decoders: nothing traps or reads out of bounds (the views are read in
/// full when accepted), and every input is either decoded or refused with a counted reason.
@Suite struct OUCHFuzzTests {
    @Test func aMillionRandomInputsNeverCrashAndAreAllAccountedFor() {
        var rng = SplitMix64(seed: 0x5EED_0C4)
        var decoder = OUCHDecoder()
        let seeds: [[UInt8]] = [
            encoded { o in sampleAppendage().withUnsafeBytes {
                OUCHEnterOrder(userRefNum: 1, side: .buy, quantity: 100, symbol: aapl, price: Price4(rawValue: 1)).encode(into: o, appendage: $0)
            } },
            encoded { OUCHOrderExecuted(timestamp: ts, userRefNum: 1, quantity: 1, price: .zero, liquidityFlag: .added, matchNumber: 1).encode(into: $0) },
            encoded { OUCHOrderAccepted(accepting: OUCHEnterOrder(userRefNum: 1, side: .buy, quantity: 1, symbol: aapl, price: .zero), timestamp: ts, orderReferenceNumber: 1).encode(into: $0) },
            encoded { OUCHReplaceOrder(origUserRefNum: 1, userRefNum: 2, quantity: 1, price: .zero).encode(into: $0) },
            encoded { OUCHOrderRestated(timestamp: ts, userRefNum: 1, reason: .priceUpdate).encode(into: $0) },
        ]
        var buffer = [UInt8](repeating: 0, count: 256)
        var sink: UInt64 = 0
        let inputs = 1_000_000
        buffer.withUnsafeMutableBytes { buf in
            for i in 0..<inputs {
                var count: Int
                if i % 2 == 0 {
                    count = Int(rng.next() % 120)
                    for k in 0..<count { buf[k] = UInt8(truncatingIfNeeded: rng.next()) }
                    if count > 0 && rng.next() % 2 == 0 {
                        // A plausible type byte makes the decoder go past its first switch.
                        buf[0] = Array("OUXMCQSAUCDEBJPITMRQX".utf8)[Int(rng.next() % 21)]
                    }
                } else {
                    let s = seeds[Int(rng.next() % UInt64(seeds.count))]
                    count = s.count
                    for k in 0..<count { buf[k] = s[k] }
                    for _ in 0..<(1 + rng.next() % 3) { buf[Int(rng.next() % UInt64(count))] = UInt8(truncatingIfNeeded: rng.next()) }
                    switch rng.next() % 4 {
                    case 0: count = Int(rng.next() % UInt64(count + 1))
                    case 1: count = min(buf.count, count + Int(rng.next() % 8))
                    default: break
                    }
                }
                let bytes = UnsafeRawBufferPointer(rebasing: buf[0..<count])
                if let m = decoder.decodeInbound(bytes) { sink &+= touch(m) }
                if let m = decoder.decodeOutbound(bytes) { sink &+= touch(m) }
            }
        }
        #expect(decoder.counters.decoded + decoder.counters.rejected == UInt64(2 * inputs))
        #expect(decoder.counters.decoded > 0)
        for r in OUCHDecodeError.allCases { #expect(decoder.counters[r] > 0, "no input refused as \(r)") }
        #expect(sink != 1)  // keeps the reads
    }

    /// Reads every field of an accepted message, appendage included.
    func touch(_ m: OUCHInboundMessage) -> UInt64 {
        switch m {
        case .enterOrder(let v): return UInt64(v.message.quantity) &+ appendage(v.appendage)
        case .replaceOrder(let v): return UInt64(v.message.quantity) &+ appendage(v.appendage)
        case .cancelOrder(let v): return UInt64(v.message.quantity)
        case .modifyOrder(let v): return UInt64(v.message.quantity)
        case .massCancel(let v): return UInt64(v.message.userRefNum) &+ appendage(v.appendage)
        case .accountQuery: return 1
        }
    }

    func touch(_ m: OUCHOutboundMessage) -> UInt64 {
        switch m {
        case .systemEvent(let v): return UInt64(v.message.eventCode.rawValue)
        case .orderAccepted(let v): return UInt64(v.message.quantity) &+ appendage(v.appendage)
        case .orderReplaced(let v): return UInt64(v.message.quantity) &+ appendage(v.appendage)
        case .orderCanceled(let v): return UInt64(v.message.quantity)
        case .aiqCanceled(let v): return UInt64(v.message.decrementShares)
        case .orderExecuted(let v): return UInt64(v.message.quantity) &+ appendage(v.appendage)
        case .brokenTrade(let v): return v.message.matchNumber
        case .orderRejected(let v): return UInt64(v.message.reason.rawValue)
        case .cancelNotice(let v): return UInt64(v.message.userRefNum)
        case .priorityUpdate(let v): return v.message.orderReferenceNumber
        case .orderModified(let v): return UInt64(v.message.quantity)
        case .orderRestated(let v): return UInt64(v.message.userRefNum) &+ appendage(v.appendage)
        case .accountQueryResponse(let v): return UInt64(v.message.nextUserRefNum)
        case .massCancelResponse(let v): return UInt64(v.message.userRefNum) &+ appendage(v.appendage)
        }
    }

    func appendage(_ a: OUCHAppendage) -> UInt64 {
        var s = UInt64(a.elementCount)
        for tag in OUCHOptionTag.allCases where a.value(tag) != nil { s &+= UInt64(tag.rawValue) }
        s &+= UInt64(a.minQty ?? 0) &+ UInt64(bitPattern: a.displayPrice?.rawValue ?? 0) &+ (a.secondaryOrdRefNum ?? 0)
        return s
    }
}
