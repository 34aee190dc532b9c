import Testing
import VegaCore
@testable import VegaOrderEntry
import VegaTestSupport

/// The word-at-a-time primitives of the ExecutionReport encoder and the parser against their
/// byte-at-a-time references.
@Suite("FIX wide text primitives")
struct FIXWideTextTests {
    /// `putUnsigned` / `putPrice4` into a fresh buffer: the reference text.
    func reference(_ write: (UnsafeMutableRawPointer, UnsafeRawPointer) -> Int) -> [UInt8] {
        let pairs = FIXText.makeDigitPairs()
        defer { pairs.deallocate() }
        var out = [UInt8](repeating: 0xEE, count: 64)
        let n = out.withUnsafeMutableBytes { write($0.baseAddress!, pairs) }
        return Array(out[0..<n])
    }

    @Test("putUnsignedWide writes what putUnsigned writes: 0...100_000, powers of ten ± 1, random, UInt64.max")
    func unsignedWide() {
        var values: [UInt64] = Array(0...100_000)
        var p: UInt64 = 1
        for _ in 0..<19 {
            values += [p - 1, p, p + 1]
            p *= 10
        }
        var rng = SplitMix64(seed: 0x51DE)
        for _ in 0..<50_000 { values.append(rng.next() >> UInt64(rng.below(64))) }
        values.append(.max)
        for v in values {
            let want = reference { FIXText.putUnsigned($0, v, $1) }
            let got = reference { FIXText.putUnsignedWide($0, v, $1) }
            if got != want {
                Issue.record("putUnsignedWide(\(v)) = \(String(decoding: got, as: UTF8.self))")
                return
            }
        }
    }

    @Test("putPrice4Wide writes what putPrice4 writes, negative and extreme values included")
    func priceWide() {
        var values: [Int64] = [0, 1, -1, 9, 10, 99, 100, 1000, 9999, 10_000, 10_001, 1_012_500, 1_000_000_000_000 - 1,
                               1_000_000_000_000, Int64.max, Int64.min, -Int64.max]
        values += (0..<20_000).map { Int64($0) }
        var rng = SplitMix64(seed: 0x9A1CE)
        for _ in 0..<50_000 {
            let m = Int64(bitPattern: rng.next() >> UInt64(rng.below(64)))
            values.append(rng.below(4) == 0 ? -m : m)
        }
        for v in values {
            let want = reference { FIXText.putPrice4($0, v, $1) }
            let got = reference { FIXText.putPrice4Wide($0, v, $1) }
            if got != want {
                Issue.record("putPrice4Wide(\(v)) = \(String(decoding: got, as: UTF8.self)), want \(String(decoding: want, as: UTF8.self))")
                return
            }
        }
    }

    @Test("the encoder's <SOH>tag= immediates are FIXText.sohTag of their tags")
    func tagImmediates() {
        typealias T = FIXExecutionReportEncoder.Tag
        let table: [(UInt32, (UInt64, Int))] = [
            (1, T.account), (6, T.avgPx), (11, T.clOrdID), (14, T.cumQty), (17, T.execID), (31, T.lastPx),
            (32, T.lastQty), (37, T.orderID), (38, T.orderQty), (39, T.ordStatus), (40, T.ordType), (44, T.price),
            (54, T.side), (55, T.symbol), (59, T.timeInForce), (60, T.transactTime), (150, T.execType), (151, T.leavesQty),
        ]
        for (tag, imm) in table {
            let want = FIXText.sohTag(tag)
            #expect(imm.0 == want.bits && imm.1 == want.count, "tag \(tag)")
        }
    }

    @Test("sum16 equals the byte-by-byte sum for every length 0...600 at every alignment 0...15")
    func checksumWide() {
        var rng = SplitMix64(seed: 0xC5)
        let bytes = (0..<640).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        bytes.withUnsafeBytes { raw in
            for offset in 0..<16 {
                for n in 0...600 {
                    var want: UInt8 = 0
                    for i in 0..<n { want &+= raw[offset + i] }
                    let got = FIXChecksum.sum16(raw.baseAddress! + offset, n)
                    if got != want {
                        Issue.record("sum16 offset \(offset) length \(n): \(got), want \(want)")
                        return
                    }
                }
            }
        }
    }

    @Test("UTCTimestamp isValid agrees with parse on valid stamps and on every one-byte corruption")
    func timestampValidity() {
        var rng = SplitMix64(seed: 0x7135)
        let replacements: [UInt8] = Array("0123456789-:./ A\u{01}".utf8) + [0x2F, 0x3A, 0xFA, 0xFF, 0x36 + 0x80]
        var stamps: [[UInt8]] = ["20261122-10:15:30", "20261122-10:15:30.123", "20240229-23:59:60.123456",
                                 "19700101-00:00:00.000000000", "21001231-23:59:59.999"].map { Array($0.utf8) }
        for _ in 0..<300 {
            let t = Timestamp<UTC>(nanoseconds: rng.next() % 4_102_444_800_000_000_000)
            stamps.append(Array(FIXTimestampFormat.string(t).utf8))
        }
        for stamp in stamps {
            #expect(stamp.withUnsafeBytes { FIXTimestampFormat.isValid($0) }, "\(String(decoding: stamp, as: UTF8.self))")
            for i in stamp.indices {
                for r in replacements {
                    var bad = stamp
                    bad[i] = r
                    let parsed = bad.withUnsafeBytes { FIXTimestampFormat.parse($0) } != nil
                    let valid = bad.withUnsafeBytes { FIXTimestampFormat.isValid($0) }
                    if parsed != valid {
                        Issue.record("\(String(decoding: bad, as: UTF8.self)): isValid \(valid), parse \(parsed)")
                        return
                    }
                }
            }
        }
        // Impossible dates and times.
        for text in ["20230229-10:00:00", "20261322-10:00:00", "20261100-10:00:00", "20261131-10:00:00",
                     "19691231-23:59:59", "20261122-24:00:00", "20261122-10:60:00", "20261122-10:00:61"] {
            #expect(!Array(text.utf8).withUnsafeBytes { FIXTimestampFormat.isValid($0) }, "\(text)")
        }
    }
}
