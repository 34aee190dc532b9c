import Testing
import VegaCore
import VegaMarketData

/// `ITCHDecoder.frame` (the lane's table-driven decode) must accept and refuse exactly what
/// `decode` does, with the same reasons and counters: checked over random bytes and over valid
/// messages with one byte mutated, which lands on every checked field of every type.
@Suite("ITCH frame decode agrees with decode")
struct ITCHFrameEquivalenceTests {
    @Test("random and mutated inputs: same verdict, same reason, same counters, same base")
    func frameAgreesWithDecode() {
        var rng = ITCHRandom(seed: 0xF4A3_0001)
        var slow = ITCHDecoder(), fast = ITCHDecoder()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 1)
        defer { buffer.deallocate() }
        let types = ITCHMessageType.allCases
        var disagreements = 0, accepted = 0
        for round in 0..<1_500_000 {
            var n: Int
            if round % 3 == 0 {
                // Random bytes, real type byte half the time.
                n = Int(rng.next() % 65)
                for i in 0..<n { buffer[i] = UInt8(truncatingIfNeeded: rng.next()) }
                if n > 0, rng.next() & 1 == 0 { buffer[0] = types[Int(rng.next() % UInt64(types.count))].rawValue }
            } else {
                // A plausible message of a random type, then one byte changed, or the length cut/extended.
                let type = types[Int(rng.next() % UInt64(types.count))]
                n = type.length
                for i in 0..<n { buffer[i] = UInt8(truncatingIfNeeded: rng.next()) }
                buffer[0] = type.rawValue
                buffer[5] = 0
                // Make the checked fields valid most of the time so acceptance is common.
                if rng.next() % 4 != 0 {
                    switch type {
                    case .addOrder, .addOrderMPID, .trade:
                        buffer[19] = rng.next() & 1 == 0 ? 0x42 : 0x53
                        buffer[32] = 0; buffer[33] = 0x01
                    case .orderExecutedWithPrice:
                        buffer[31] = rng.next() & 1 == 0 ? 0x59 : 0x4E
                        buffer[32] = 0; buffer[33] = 0x01
                    case .orderReplace:
                        buffer[31] = 0; buffer[32] = 0x01
                    case .stockTradingAction:
                        buffer[19] = [0x48, 0x50, 0x51, 0x54][Int(rng.next() % 4)]
                    default: break
                    }
                }
                switch rng.next() % 8 {
                case 0: buffer[Int(rng.next() % UInt64(n))] = UInt8(truncatingIfNeeded: rng.next())
                case 1: if n > 19 { for i in 19..<min(n, 24) { buffer[i] = 0 } }   // zero shares / side
                case 2: n -= 1
                case 3: if n < 64 { buffer[n] = 0; n += 1 }
                default: break
                }
            }
            let input = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            switch (slow.decode(input), fast.frame(input)) {
            case (.message(let m), .frame(let f)):
                accepted += 1
                if m.type.rawValue != f.type || m.base != f.base { disagreements += 1 }
            case (.rejected(let a), .rejected(let b)):
                if a != b { disagreements += 1 }
            default:
                disagreements += 1
            }
        }
        #expect(disagreements == 0)
        #expect(accepted > 300_000, "acceptance paths were exercised, not only refusals")
        for t in types { #expect(slow.counters.messages(t) == fast.counters.messages(t), "\(t)") }
        for r in ITCHReject.allCases { #expect(slow.counters.rejects(r) == fast.counters.rejects(r), "\(r)") }
    }
}
