import Testing
import VegaCore
@testable import VegaOrderEntry
import VegaTestSupport

/// One ExecutionReport's values with owned identifier bytes, for both encoders.
struct FIXPerfReport {
    var seq: Int64
    var sending, transact: Timestamp<UTC>
    var account, clOrdID, execID, orderID, symbol: [UInt8]
    var avgPx, lastPx: Price4
    var price: Price4?
    var cumQty, lastQty, orderQty, leavesQty: Quantity
    var ordStatus, ordType, side, tif, execType: UInt8

    static func random(_ rng: inout SplitMix64) -> FIXPerfReport {
        func id(_ rng: inout SplitMix64, min: Int) -> [UInt8] {
            let alphabet = Array("ABCXYZ0189-._:=/".utf8)
            return (0..<(min + rng.below(40))).map { _ in alphabet[rng.below(alphabet.count)] }
        }
        func px(_ rng: inout SplitMix64) -> Price4 {
            let magnitudes: [Int64] = [0, 1, 9, 10, 99, 100, 101, 1_000, 9_999, 10_000, 1_012_500, 1_000_001, 123_456_789, Int64.max / 2]
            let m = rng.below(2) == 0 ? magnitudes[rng.below(magnitudes.count)] : Int64(rng.next() % 100_000_000_000)
            return Price4(rawValue: rng.below(8) == 0 ? -m : m)
        }
        func qty(_ rng: inout SplitMix64) -> Quantity {
            let q: [UInt64] = [0, 1, 9, 10, 99, 100, 12_345, 99_999_999, 100_000_000, 1_000_000_000_000, UInt64.max]
            return Quantity(rng.below(2) == 0 ? q[rng.below(q.count)] : rng.next() % 1_000_000)
        }
        // Times from 1970 to 2100, any millisecond; some days repeat (the encoder caches the date).
        let t0 = UInt64(rng.below(4) == 0 ? 0 : rng.below(47_000)) * 86_400_000_000_000
        let sending = Timestamp<UTC>(nanoseconds: t0 + rng.next() % 86_400_000_000_000)
        let transact = Timestamp<UTC>(nanoseconds: rng.below(2) == 0 ? sending.nanoseconds : rng.next() % 4_102_444_800_000_000_000)
        return FIXPerfReport(
            seq: rng.below(4) == 0 ? Int64(rng.below(10)) : Int64(rng.next() % 10_000_000_000), sending: sending, transact: transact,
            account: rng.below(3) == 0 ? [] : id(&rng, min: 1), clOrdID: id(&rng, min: 1), execID: id(&rng, min: 1),
            orderID: id(&rng, min: 1), symbol: id(&rng, min: 1),
            avgPx: px(&rng), lastPx: px(&rng), price: rng.below(4) == 0 ? nil : px(&rng),
            cumQty: qty(&rng), lastQty: rng.below(3) == 0 ? Quantity(0) : qty(&rng), orderQty: qty(&rng), leavesQty: qty(&rng),
            ordStatus: Array("0128".utf8)[rng.below(4)], ordType: rng.below(5) == 0 ? 0 : Array("12".utf8)[rng.below(2)],
            side: Array("12".utf8)[rng.below(2)], tif: rng.below(5) == 0 ? 0 : Array("013".utf8)[rng.below(3)],
            execType: Array("0F48".utf8)[rng.below(4)])
    }

    /// Through the new encoder.
    func encodeFast(_ e: inout FIXExecutionReportEncoder) -> [UInt8]? {
        account.withUnsafeBytes { a in clOrdID.withUnsafeBytes { c in execID.withUnsafeBytes { x in
            orderID.withUnsafeBytes { o in symbol.withUnsafeBytes { s in
                e.encode(FIXExecutionReportFields(
                    msgSeqNum: seq, sendingTime: sending, account: a, avgPx: avgPx, clOrdID: c, cumQty: cumQty, execID: x,
                    lastPx: lastPx, lastQty: lastQty, orderID: o, orderQty: orderQty, ordStatus: ordStatus, ordType: ordType,
                    price: price, side: side, symbol: s, timeInForce: tif, transactTime: transact, execType: execType,
                    leavesQty: leavesQty)).map { Array($0) }
            } }
        } } }
    }

    /// Through the general encoder, field by field in the same order: the reference.
    func encodeGeneral(sender: String, target: String) -> [UInt8] {
        var e = FIXEncoder(capacity: 4096)
        e.begin(.executionReport)
        e.append(34, int: seq)
        e.append(49, string: sender)
        e.append(52, timestamp: sending)
        e.append(56, string: target)
        if !account.isEmpty { account.withUnsafeBytes { e.append(1, bytes: $0) } }
        e.append(6, price: avgPx)
        clOrdID.withUnsafeBytes { e.append(11, bytes: $0) }
        e.append(14, quantity: cumQty)
        execID.withUnsafeBytes { e.append(17, bytes: $0) }
        if lastQty.rawValue != 0 {
            e.append(31, price: lastPx)
            e.append(32, quantity: lastQty)
        }
        orderID.withUnsafeBytes { e.append(37, bytes: $0) }
        e.append(38, quantity: orderQty)
        e.append(39, char: ordStatus)
        if ordType != 0 { e.append(40, char: ordType) }
        if let price { e.append(44, price: price) }
        e.append(54, char: side)
        symbol.withUnsafeBytes { e.append(55, bytes: $0) }
        if tif != 0 { e.append(59, char: tif) }
        e.append(60, timestamp: transact)
        e.append(150, char: execType)
        e.append(151, quantity: leavesQty)
        return Array(e.finish()!)
    }
}

@Suite("FIX ExecutionReport encoder")
struct FIXExecutionReportEncoderTests {
    @Test("byte-identical to the general encoder on 20k seeded reports (prices, quantities, dates, optional fields)")
    func agreesWithGeneralEncoder() {
        var rng = SplitMix64(seed: 0xE4EC)
        var fast = FIXExecutionReportEncoder(senderCompID: "VEGA", targetCompID: "CLIENT1")
        var index = FIXFieldIndex(capacity: 64)
        for _ in 0..<20_000 {
            let r = FIXPerfReport.random(&rng)
            let got = r.encodeFast(&fast)
            let want = r.encodeGeneral(sender: "VEGA", target: "CLIENT1")
            #expect(got == want, "\(String(decoding: want, as: UTF8.self).replacingSOH)")
            guard let got else { continue }
            // It also frames and parses (BodyLength, CheckSum) with Vega's own parser.
            let garbled = got.withUnsafeBytes { index.parse($0) }
            #expect(garbled == nil)
        }
    }

    @Test("the benchmark fixture's ExecutionReport comes out byte for byte, and validates")
    func fixtureBytes() throws {
        let text = "8=FIX.4.4|9=233|35=8|34=2077|49=VEGA|52=20261122-10:15:30.124|56=CLIENT1|1=ACCT42|6=101.25|11=ORD-0000001042|14=100|17=EX-0000002077|31=101.25|32=100|37=VG-0000001042|38=100|39=2|40=2|44=101.25|54=1|55=AAPL|59=0|60=20261122-10:15:30.124|150=F|151=0|10=209|"
        let fixture = Array(text.utf8).map { $0 == UInt8(ascii: "|") ? 0x01 : $0 }
        let t = try #require(Array("20261122-10:15:30.124".utf8).withUnsafeBytes { FIXTimestampFormat.parse($0) })
        let r = FIXPerfReport(seq: 2077, sending: t, transact: t, account: Array("ACCT42".utf8), clOrdID: Array("ORD-0000001042".utf8),
                              execID: Array("EX-0000002077".utf8), orderID: Array("VG-0000001042".utf8), symbol: Array("AAPL".utf8),
                              avgPx: Price4(rawValue: 1_012_500), lastPx: Price4(rawValue: 1_012_500), price: Price4(rawValue: 1_012_500),
                              cumQty: Quantity(100), lastQty: Quantity(100), orderQty: Quantity(100), leavesQty: Quantity(0),
                              ordStatus: UInt8(ascii: "2"), ordType: UInt8(ascii: "2"), side: UInt8(ascii: "1"), tif: UInt8(ascii: "0"),
                              execType: UInt8(ascii: "F"))
        var fast = FIXExecutionReportEncoder(senderCompID: "VEGA", targetCompID: "CLIENT1")
        let encoded = r.encodeFast(&fast)
        let bytes = try #require(encoded)
        #expect(bytes == fixture)
        #expect(validate(bytes) == .valid)
    }

    @Test("identifiers too large for the buffer are refused (nil), not truncated; the encoder stays usable")
    func refusesOversize() {
        var rng = SplitMix64(seed: 7)
        var fast = FIXExecutionReportEncoder(senderCompID: "VEGA", targetCompID: "CLIENT1", capacity: 1024)
        var r = FIXPerfReport.random(&rng)
        r.symbol = [UInt8](repeating: UInt8(ascii: "S"), count: 1000)
        #expect(r.encodeFast(&fast) == nil)
        r.symbol = Array("VGA".utf8)
        r.clOrdID = Array("C1".utf8); r.execID = Array("E1".utf8); r.orderID = Array("O1".utf8); r.account = []
        #expect(r.encodeFast(&fast) == r.encodeGeneral(sender: "VEGA", target: "CLIENT1"))
    }
}
