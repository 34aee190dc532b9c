import Testing
import VegaCore
@testable import VegaOrderEntry
import VegaTestSupport

/// The reference outcome: ``FIXFieldIndex/parse(_:)`` then ``FIXValidator/validate(_:)``, and
/// the fields it produced.
func fixFusedReference(_ bytes: [UInt8], _ validator: FIXValidator) -> (FIXParseOutcome, [FIXField]) {
    var index = FIXFieldIndex(capacity: 128)
    return bytes.withUnsafeBytes { raw in
        if let reason = index.parse(raw) { return (.garbled(reason), []) }
        let v = index.view
        return (.parsed(validator.validate(v)), (0..<v.count).map { v[$0] })
    }
}

/// The fused pass on the same bytes, whether its fast path decided, and the fields.
func fixFusedGot(_ bytes: [UInt8], _ validator: FIXValidator, _ index: inout FIXFieldIndex) -> (FIXParseOutcome, [FIXField], Bool) {
    bytes.withUnsafeBytes { raw in
        let fast = index.parseValidFast(raw)
        let outcome = index.parse(raw, validatingWith: validator)
        let v = index.view
        let fields: [FIXField]
        if case .parsed = outcome { fields = (0..<v.count).map { v[$0] } } else { fields = [] }
        return (outcome, fields, fast)
    }
}

/// The bytes from the first `35=` up to and including the SOH before the last `10=`.
func fixFusedBody(_ b: [UInt8]) -> [UInt8]? {
    let start = (0..<max(0, b.count - 3)).first { b[$0] == 0x01 && b[$0 + 1] == 0x33 && b[$0 + 2] == 0x35 && b[$0 + 3] == 0x3D }
    let end = (0..<max(0, b.count - 3)).last { b[$0] == 0x01 && b[$0 + 1] == 0x31 && b[$0 + 2] == 0x30 && b[$0 + 3] == 0x3D }
    guard let start, let end, start < end else { return nil }
    return Array(b[(start + 1)...end])
}

/// `8=FIX.4.4|9=<right length>|` + body + `10=<right sum>|`.
func fixFusedReframe(_ body: [UInt8]) -> [UInt8] {
    var msg = Array("8=FIX.4.4\u{01}9=\(body.count)\u{01}".utf8) + body
    let sum = msg.reduce(0) { ($0 + Int($1)) & 0xFF }
    msg += Array("10=".utf8) + [UInt8(0x30 + sum / 100), UInt8(0x30 + sum / 10 % 10), UInt8(0x30 + sum % 10), 0x01]
    return msg
}

@Suite("FIX fused parse + validate, ExecutionReport order template")
struct FIXFusedCodecTests {
    static let seeds = [
        validNOSBody,
        header("D", seq: 9) + "11=C9|55=VGA|54=1|60=20261122-10:00:00.000|38=12345678|40=2|44=1234567.|59=0|21=1|",
        header("8", seq: 3) + "37=O1|17=E1|150=F|39=2|55=VGA|54=1|151=0|14=100|6=100.25|31=100.25|32=100|11=C1|60=20261122-10:00:01.999|",
        header("F", seq: 4) + "41=C1|11=C2|55=VGA|54=1|60=20261122-10:00:00.000|38=100|",
        header("G", seq: 5) + "41=C1|11=C3|55=VGA|54=2|60=20261122-10:00:00.000|38=50|40=2|44=99.5|",
        header("A", seq: 1) + "98=0|108=30|141=Y|",
        header("A", seq: 1) + "98=0|108=30|95=5|96=a=b|c|",
        header("D", seq: 10) + "11=C4|453=2|448=P1|447=D|452=1|448=P2|447=D|452=3|55=VGA|54=1|60=20261122-10:00:00.000|38=1|40=1|",
        header("3", seq: 6) + "45=2|371=44|372=D|373=5|58=bad|",
        header("2", seq: 7) + "7=1|16=0|",
        header("9", seq: 8) + "37=O1|11=C2|41=C1|39=0|434=1|102=99|",
        header("D", seq: 11) + "11=C5|55=VGA|54=1|60=20261122-23:59:60.000|38=7|40=1|5001=x|",
    ]

    @Test("same outcome, reason, RefTagID and fields as parse + validate on 60k field-level mutations")
    func agreesOnFieldMutations() {
        var mutator = FIXPerfFieldMutator(rng: SplitMix64(seed: 0xF05ED))
        var index = FIXFieldIndex(capacity: 128)
        // Values the word-at-a-time checks must get exactly right.
        let edgeValues = ["12345678", "1234567.", ".1234567", "1.", ".", "..", "+1", "-1", "-", "00000000", "123456789",
                          "1234.5678", "20261122-10:00:00.000", "20261122-24:00:00.000", "20261122-10:60:00.000",
                          "20261122-10:00:61.000", "20261122-10:00:00.00a", "20261122-10:00:00,000", "20261122 10:00:00.000",
                          "20261122-10:00:00", "20261122-10:00:00.000000", "20260229-10:00:00.000", "1", "Z", "7", "99"]
        for allow in [false, true] {
            let validator = FIXValidator(allowUserDefinedTags: allow)
            var fastValid = 0
            var verdicts = Set<String>()
            for i in 0..<30_000 {
                var fields = fixPerfFields(Self.seeds[i % Self.seeds.count])
                if i >= Self.seeds.count {
                    fields = mutator.mutate(fields)
                    if mutator.rng.below(3) == 0 {
                        let k = 3 + mutator.rng.below(max(1, fields.count - 3))
                        if k < fields.count { fields[k].1 = edgeValues[mutator.rng.below(edgeValues.count)] }
                    }
                }
                let bytes = fixBytes(fixPerfBody(fields))
                let (want, wantFields) = fixFusedReference(bytes, validator)
                let (got, gotFields, fast) = fixFusedGot(bytes, validator, &index)
                #expect(got == want, "\(fixPerfBody(fields))")
                #expect(gotFields == wantFields, "\(fixPerfBody(fields))")
                if fast {
                    // The fast path only ever says "valid".
                    #expect(want == .parsed(.valid), "\(fixPerfBody(fields))")
                    fastValid += 1
                }
                verdicts.insert("\(want)")
            }
            #expect(fastValid > 1_000, "the fast path decided \(fastValid) messages")
            #expect(verdicts.count >= 12, "\(verdicts)")
        }
    }

    @Test("same outcome as parse + validate on 40k byte-level mutations (framing, CheckSum, BodyLength, garbage)")
    func agreesOnByteMutations() {
        var rng = SplitMix64(seed: 0xB17E5)
        var index = FIXFieldIndex(capacity: 128)
        let validator = FIXValidator()
        let alphabet = Array("0123456789=|\u{01}.-+:ADFG8".utf8) + [0x00, 0x80, 0xFF]
        var garbled = 0
        for i in 0..<40_000 {
            var bytes = fixBytes(Self.seeds[i % Self.seeds.count])
            for _ in 0...rng.below(3) {
                let k = rng.below(bytes.count)
                switch rng.below(4) {
                case 0: bytes[k] = alphabet[rng.below(alphabet.count)]
                case 1: bytes.insert(alphabet[rng.below(alphabet.count)], at: k)
                case 2 where bytes.count > 21: bytes.remove(at: k)
                default: bytes[k] ^= UInt8(1 << rng.below(8))
                }
            }
            // Half are re-framed (BodyLength and CheckSum made right again) so they get past framing.
            if rng.below(2) == 0, let body = fixFusedBody(bytes) { bytes = fixFusedReframe(body) }
            let (want, wantFields) = fixFusedReference(bytes, validator)
            let (got, gotFields, fast) = fixFusedGot(bytes, validator, &index)
            #expect(got == want)
            #expect(gotFields == wantFields)
            if fast { #expect(want == .parsed(.valid)) }
            if case .garbled = want { garbled += 1 }
        }
        #expect(garbled > 5_000 && garbled < 35_000, "\(garbled) garbled")
    }

    @Test("a NewOrderSingle without groups takes the fast path; a small index falls back and reports tooManyFields")
    func fastPathAndCapacity() {
        let bytes = fixBytes(Self.seeds[1])
        var index = FIXFieldIndex(capacity: 64)
        let fast = bytes.withUnsafeBytes { index.parseValidFast($0) }
        #expect(fast)
        var small = FIXFieldIndex(capacity: 4)
        let outcome = bytes.withUnsafeBytes { small.parse($0, validatingWith: FIXValidator()) }
        #expect(outcome == .garbled(.tooManyFields))
    }

    @Test("ExecutionReports from an order template are byte-identical to encode(_:) on 20k seeded reports")
    func templateAgreesWithFieldsEncoder() {
        var rng = SplitMix64(seed: 0x7E3B)
        var fields = FIXExecutionReportEncoder(senderCompID: "VEGA", targetCompID: "CLIENT1")
        var templated = FIXExecutionReportEncoder(senderCompID: "VEGA", targetCompID: "CLIENT1")
        var order = FIXExecutionReportOrder(capacity: 512)
        var index = FIXFieldIndex(capacity: 64)
        for _ in 0..<20_000 {
            let r = FIXPerfReport.random(&rng)
            fixExpectTemplateAgrees(r, fields: &fields, templated: &templated, order: &order, index: &index)
        }
    }

    @Test("template reports reusing the order's text (AvgPx/LastPx = Price, quantities = OrderQty or 0, TransactTime = SendingTime) are byte-identical to encode(_:) on 20k seeded reports")
    func templateCopiesAgreeWithFieldsEncoder() {
        var rng = SplitMix64(seed: 0x51DE)
        var fields = FIXExecutionReportEncoder(senderCompID: "VEGA", targetCompID: "CLIENT1")
        var templated = FIXExecutionReportEncoder(senderCompID: "VEGA", targetCompID: "CLIENT1")
        var order = FIXExecutionReportOrder(capacity: 512)
        var index = FIXFieldIndex(capacity: 64)
        var copies = (avgPx: 0, lastPx: 0, cumQty: 0, leavesQty: 0, zero: 0, transact: 0)
        for _ in 0..<20_000 {
            var r = FIXPerfReport.random(&rng)
            // Each equality the template path special-cases, half the time, independently, so
            // that every combination (and the long texts that are not copied) occurs.
            if rng.below(2) == 0, let px = r.price { r.avgPx = px; copies.avgPx += 1 }
            if rng.below(2) == 0, let px = r.price { r.lastPx = px; copies.lastPx += 1 }
            if rng.below(2) == 0 { r.cumQty = r.orderQty; copies.cumQty += 1 }
            if rng.below(2) == 0 { r.lastQty = r.orderQty }
            switch rng.below(3) {
            case 0: r.leavesQty = r.orderQty; copies.leavesQty += 1
            case 1: r.leavesQty = Quantity(0); copies.zero += 1
            default: break
            }
            if rng.below(4) == 0 { r.cumQty = Quantity(0) }
            if rng.below(2) == 0 { r.transact = r.sending; copies.transact += 1 }
            fixExpectTemplateAgrees(r, fields: &fields, templated: &templated, order: &order, index: &index)
        }
        // The special paths were taken often (not a test that passes by never reaching them).
        #expect(copies.avgPx > 5_000 && copies.lastPx > 5_000 && copies.cumQty > 5_000)
        #expect(copies.leavesQty > 5_000 && copies.zero > 5_000 && copies.transact > 5_000)
    }

    @Test("a fill at the order's price and quantity from a template reuses the order's text: the fixture's bytes")
    func templateFullFillFixture() {
        let order = fixFusedFixtureOrder()
        var encoder = FIXExecutionReportEncoder(senderCompID: "VEGA", targetCompID: "CLIENT1")
        // 2026-11-22 10:15:30.124 UTC; the fixture's AvgPx = LastPx = Price, CumQty = LastQty =
        // OrderQty, LeavesQty 0, TransactTime = SendingTime: every copy path at once.
        let t = Timestamp<UTC>(nanoseconds: 1_795_342_530_124_000_000)
        let got: [UInt8]? = Array("EX-0000002077".utf8).withUnsafeBytes { x in
            encoder.encode(order, FIXExecutionReportExecution(
                msgSeqNum: 2077, sendingTime: t, avgPx: Price4(rawValue: 1_012_500), cumQty: Quantity(100), execID: x,
                lastPx: Price4(rawValue: 1_012_500), lastQty: Quantity(100), ordStatus: UInt8(ascii: "2"), transactTime: t,
                execType: UInt8(ascii: "F"), leavesQty: Quantity(0))).map { Array($0) }
        }
        let want = "8=FIX.4.4|9=233|35=8|34=2077|49=VEGA|52=20261122-10:15:30.124|56=CLIENT1|1=ACCT42|6=101.25|"
            + "11=ORD-0000001042|14=100|17=EX-0000002077|31=101.25|32=100|37=VG-0000001042|38=100|39=2|40=2|44=101.25|"
            + "54=1|55=AAPL|59=0|60=20261122-10:15:30.124|150=F|151=0|10=209|"
        #expect(got.map { String(decoding: $0.map { $0 == 1 ? UInt8(ascii: "|") : $0 }, as: UTF8.self) } == want)
    }

    @Test("an order whose text does not fit is refused; a report that does not fit the buffer is nil")
    func templateRefusesOversize() {
        var order = FIXExecutionReportOrder(capacity: 128)
        let long = [UInt8](repeating: UInt8(ascii: "S"), count: 100)
        let ok = long.withUnsafeBytes { s in
            Array("C1".utf8).withUnsafeBytes { c in
                order.set(clOrdID: c, orderID: c, orderQty: Quantity(1), side: UInt8(ascii: "1"), symbol: s)
            }
        }
        #expect(!ok)
        #expect(order.runs == [[], [], [], []])
        var big = FIXExecutionReportOrder(capacity: 1024)
        let fits = long.withUnsafeBytes { s in
            Array("C1".utf8).withUnsafeBytes { c in
                big.set(clOrdID: c, orderID: c, orderQty: Quantity(1), side: UInt8(ascii: "1"), symbol: s)
            }
        }
        #expect(fits)
        var encoder = FIXExecutionReportEncoder(senderCompID: "VEGA", targetCompID: "CLIENT1", capacity: 512)
        let execID = [UInt8](repeating: UInt8(ascii: "E"), count: 300)
        let t = Timestamp<UTC>(nanoseconds: 1_790_000_000_000_000_000)
        let refused = execID.withUnsafeBytes { x in
            encoder.encode(big, FIXExecutionReportExecution(msgSeqNum: 1, sendingTime: t, avgPx: Price4(rawValue: 0),
                                                            cumQty: Quantity(0), execID: x, ordStatus: UInt8(ascii: "0"),
                                                            transactTime: t, execType: UInt8(ascii: "0"), leavesQty: Quantity(1)))
        }
        #expect(refused == nil)
    }
}

/// The fixture's order (Benchmarks/Fixtures/FIX/execution-report.fix) as a template.
func fixFusedFixtureOrder() -> FIXExecutionReportOrder {
    var order = FIXExecutionReportOrder()
    let ok = Array("ACCT42".utf8).withUnsafeBytes { a in Array("ORD-0000001042".utf8).withUnsafeBytes { c in
        Array("VG-0000001042".utf8).withUnsafeBytes { o in Array("AAPL".utf8).withUnsafeBytes { s in
            order.set(account: a, clOrdID: c, orderID: o, orderQty: Quantity(100), ordType: UInt8(ascii: "2"),
                      price: Price4(rawValue: 1_012_500), side: UInt8(ascii: "1"), symbol: s, timeInForce: UInt8(ascii: "0"))
        } } } }
    precondition(ok)
    return order
}

/// Encodes `r` with every field per report (`fields`) and from its order's template (`order`,
/// set from `r`, then `templated`); expects the same bytes, and that they parse (framing,
/// BodyLength and CheckSum checked by the parser). Returns the template path's bytes.
@discardableResult
func fixExpectTemplateAgrees(_ r: FIXPerfReport, fields: inout FIXExecutionReportEncoder,
                             templated: inout FIXExecutionReportEncoder, order: inout FIXExecutionReportOrder,
                             index: inout FIXFieldIndex, sourceLocation: SourceLocation = #_sourceLocation) -> [UInt8]? {
    let want = r.encodeFast(&fields)
    let ok = r.account.withUnsafeBytes { a in r.clOrdID.withUnsafeBytes { c in r.orderID.withUnsafeBytes { o in
        r.symbol.withUnsafeBytes { s in
            order.set(account: a, clOrdID: c, orderID: o, orderQty: r.orderQty, ordType: r.ordType, price: r.price,
                      side: r.side, symbol: s, timeInForce: r.tif)
        } } } }
    #expect(ok, sourceLocation: sourceLocation)
    let got: [UInt8]? = r.execID.withUnsafeBytes { x in
        templated.encode(order, FIXExecutionReportExecution(
            msgSeqNum: r.seq, sendingTime: r.sending, avgPx: r.avgPx, cumQty: r.cumQty, execID: x, lastPx: r.lastPx,
            lastQty: r.lastQty, ordStatus: r.ordStatus, transactTime: r.transact, execType: r.execType,
            leavesQty: r.leavesQty)).map { Array($0) }
    }
    #expect(got != nil, sourceLocation: sourceLocation)
    #expect(got == want, sourceLocation: sourceLocation)
    if let got {
        let garbled = got.withUnsafeBytes { index.parse($0) }
        #expect(garbled == nil, sourceLocation: sourceLocation)
    }
    return got
}
