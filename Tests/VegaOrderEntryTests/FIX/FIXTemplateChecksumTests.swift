import Testing
import VegaCore
@testable import VegaOrderEntry
import VegaTestSupport

/// The template path (`FIXExecutionReportEncoder.encode(_:_:)`) keeps CheckSum and BodyLength
/// while writing (sums of the constant blocks prepared at init and by the order's `set`, sums of
/// each per-report text from its registers) instead of a pass over the message. These cases
/// force every branch of that bookkeeping against `encode(_:)`, which still sums the bytes.
@Suite("FIX template CheckSum and BodyLength")
struct FIXTemplateChecksumTests {
    @Test("every ExecID length from 0 to 70 (each copy-and-sum width), negative and boundary MsgSeqNums, fraction prices: same bytes as encode(_:)")
    func execIDLengthsAndNumbers() {
        var rng = SplitMix64(seed: 0xC4EC)
        var fields = FIXExecutionReportEncoder(senderCompID: "VEGA", targetCompID: "CLIENT1")
        var templated = FIXExecutionReportEncoder(senderCompID: "VEGA", targetCompID: "CLIENT1")
        var order = FIXExecutionReportOrder(capacity: 512)
        var index = FIXFieldIndex(capacity: 64)
        let seqs: [Int64] = [0, 1, 9, 10, 9_999, 10_000, 99_999_999, 100_000_000, -1, -9_999, -10_000, -123_456_789, Int64.min + 1]
        let alphabet = (0..<256).map { UInt8($0) }.filter { $0 != 0x01 }  // any byte but SOH: high bytes sum past 255
        for i in 0..<8_000 {
            var r = FIXPerfReport.random(&rng)
            r.execID = (0..<(i % 71)).map { _ in alphabet[rng.below(alphabet.count)] }
            if rng.below(2) == 0 { r.seq = seqs[rng.below(seqs.count)] }
            if rng.below(2) == 0 { r.avgPx = Price4(rawValue: Int64(rng.next() % 2_000_000_000) - 1_000_000_000) }
            if rng.below(2) == 0 { r.lastPx = Price4(rawValue: Int64(rng.next() % 2_000_000) - 1_000_000) }
            _ = fixExpectTemplateAgrees(r, fields: &fields, templated: &templated, order: &order, index: &index)
        }
    }

    @Test("BeginStrings of 1 to 15 bytes (the 3-digit BodyLength store and its fallback), CompIDs of 1 to 64 bytes: same bytes as encode(_:)")
    func sessionConstants() {
        var rng = SplitMix64(seed: 0xBE61)
        var index = FIXFieldIndex(capacity: 64)
        var order = FIXExecutionReportOrder(capacity: 512)
        var shortPath = 0, fallback = 0
        for begin in ["F", "FIX.4.2", "FIX.4.4", "FIXT.1.1", "FIX.5.0SP2.EXT", "FIX.4.4-0123456"] {
            for (sender, target) in [("V", "C"), ("VEGA", "CLIENT1"), (String(repeating: "S", count: 40), String(repeating: "T", count: 64))] {
                var fields = FIXExecutionReportEncoder(beginString: begin, senderCompID: sender, targetCompID: target)
                var templated = FIXExecutionReportEncoder(beginString: begin, senderCompID: sender, targetCompID: target)
                for _ in 0..<300 {
                    let r = FIXPerfReport.random(&rng)
                    guard let got = fixExpectTemplateAgrees(r, fields: &fields, templated: &templated, order: &order, index: &index) else { continue }
                    // `8=<begin><SOH>9=` + 3 digits + SOH in front of `35=`: the short path's layout.
                    if begin.utf8.count + 5 <= 16 && got.count - (begin.utf8.count + 9) - 7 < 1000 { shortPath += 1 } else { fallback += 1 }
                }
            }
        }
        #expect(shortPath > 3_000 && fallback > 1_000, "\(shortPath) short, \(fallback) fallback")
    }

    @Test("BodyLength of four digits (identifiers of hundreds of bytes, a 4 KiB buffer): same bytes as encode(_:)")
    func longBodies() {
        var rng = SplitMix64(seed: 0x10_00)
        var fields = FIXExecutionReportEncoder(senderCompID: "VEGA", targetCompID: "CLIENT1", capacity: 4096)
        var templated = FIXExecutionReportEncoder(senderCompID: "VEGA", targetCompID: "CLIENT1", capacity: 4096)
        var order = FIXExecutionReportOrder(capacity: 2048)
        var index = FIXFieldIndex(capacity: 64)
        var long = 0
        for _ in 0..<2_000 {
            var r = FIXPerfReport.random(&rng)
            let pad = Array("0123456789ABCDEF".utf8)
            r.symbol = (0..<(300 + rng.below(800))).map { _ in pad[rng.below(pad.count)] }
            r.execID = (0..<rng.below(300)).map { _ in pad[rng.below(pad.count)] }
            if let got = fixExpectTemplateAgrees(r, fields: &fields, templated: &templated, order: &order, index: &index), got.count > 1_000 + 19 { long += 1 }
        }
        #expect(long > 500, "\(long) reports with a 4-digit BodyLength")
    }
}
