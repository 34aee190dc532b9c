import Testing
import VegaCore
@testable import VegaOrderEntry
import VegaTestSupport

/// The template path's common case (`FIXExecutionReportEncoder.writeCommon`, no call) and its
/// fall-back (`encodeGeneral`): reports in the ranges the common case takes are written by it
/// byte for byte as `encode(_:)` writes them, and every condition it leaves to the fall-back
/// (numbers from 10⁸ up or negative, ExecID over 32 bytes, a timestamp outside the cached
/// second, a BodyLength off 100–999) still gives `encode(_:)`'s bytes through `encode(_:_:)`.
@Suite("FIX template common path")
struct FIXTemplateCommonPathTests {
    /// A report within `second` (ns since 1970, a whole second) whose values are mostly in the
    /// common case's ranges; each condition it does not cover is forced on about one report in
    /// sixteen, and each copy the template makes (AvgPx or LastPx = Price, LastPx = AvgPx,
    /// quantities = OrderQty or CumQty or 0, TransactTime = SendingTime) on about half.
    static func report(_ rng: inout SplitMix64, second: UInt64) -> FIXPerfReport {
        func rare(_ rng: inout SplitMix64) -> Bool { rng.below(16) == 0 }
        func id(_ rng: inout SplitMix64, _ n: Int) -> [UInt8] {
            let alphabet = Array("ABCXYZ0189-._:=/~\u{7F}\u{FF}".utf8)
            return (0..<n).map { _ in alphabet[rng.below(alphabet.count)] }
        }
        func px(_ rng: inout SplitMix64) -> Price4 {
            if rare(&rng) { return Price4(rawValue: rng.below(2) == 0 ? -Int64(rng.below(1_000_000)) - 1 : 1_000_000_000_000 + Int64(rng.below(1_000))) }
            let magnitudes: [Int64] = [0, 1, 9_999, 10_000, 1_012_500, 1_012_475, 999_999_999_999]
            return Price4(rawValue: rng.below(2) == 0 ? magnitudes[rng.below(magnitudes.count)] : Int64(rng.next() % 1_000_000_000_000))
        }
        func qty(_ rng: inout SplitMix64) -> Quantity {
            if rare(&rng) { return Quantity(100_000_000 + rng.next() % 1_000_000_000) }
            let q: [UInt64] = [1, 9, 10, 99, 100, 9_999, 10_000, 99_999_999]
            return Quantity(rng.below(2) == 0 ? q[rng.below(q.count)] : rng.next() % 100_000_000)
        }
        let sending = Timestamp<UTC>(nanoseconds: second + (rare(&rng) ? 1_000_000_000 : 0) + rng.next() % 1_000_000_000)
        let transact: Timestamp<UTC>
        switch rng.below(4) {
        case 0, 1: transact = sending
        case 2: transact = Timestamp<UTC>(nanoseconds: second + rng.next() % 1_000_000_000)
        default: transact = Timestamp<UTC>(nanoseconds: second - 1_000_000_000 + rng.next() % 3_000_000_000)
        }
        var r = FIXPerfReport(
            seq: rare(&rng) ? (rng.below(2) == 0 ? -Int64(rng.below(1_000)) - 1 : 100_000_000 + Int64(rng.below(1_000)))
                : (rng.below(2) == 0 ? Int64(rng.below(10_000)) : Int64(rng.below(100_000_000))),
            sending: sending, transact: transact,
            account: rng.below(3) == 0 ? [] : id(&rng, 1 + rng.below(12)), clOrdID: id(&rng, 1 + rng.below(20)),
            execID: id(&rng, rare(&rng) ? 33 + rng.below(20) : rng.below(33)),
            orderID: id(&rng, 1 + rng.below(20)), symbol: id(&rng, 1 + rng.below(8)),
            avgPx: px(&rng), lastPx: px(&rng), price: rng.below(4) == 0 ? nil : px(&rng),
            cumQty: qty(&rng), lastQty: rng.below(3) == 0 ? Quantity(0) : qty(&rng), orderQty: qty(&rng), leavesQty: qty(&rng),
            ordStatus: Array("0128".utf8)[rng.below(4)], ordType: rng.below(5) == 0 ? 0 : Array("12".utf8)[rng.below(2)],
            side: Array("12".utf8)[rng.below(2)], tif: rng.below(5) == 0 ? 0 : Array("013".utf8)[rng.below(3)],
            execType: Array("0F48".utf8)[rng.below(4)])
        if rng.below(2) == 0, let p = r.price { r.avgPx = p }
        switch rng.below(3) {
        case 0: if let p = r.price { r.lastPx = p }
        case 1: r.lastPx = r.avgPx
        default: break
        }
        if rng.below(2) == 0 { r.cumQty = rng.below(2) == 0 ? r.orderQty : Quantity(0) }
        if rng.below(2) == 0 { r.lastQty = rng.below(2) == 0 ? r.cumQty : r.orderQty }
        if rng.below(2) == 0 { r.leavesQty = rng.below(2) == 0 ? r.orderQty : Quantity(0) }
        if rare(&rng) { r.symbol = id(&rng, 40 + rng.below(40)) }  // a run over 48 bytes: not the short layout
        return r
    }

    @Test("reports in the common ranges are written by the common path, byte-identical to encode(_:); the rest fall back to the same bytes (20k seeded reports)")
    func commonPathAgreesWithFieldsEncoder() {
        var rng = SplitMix64(seed: 0xC0_3307)
        var fields = FIXExecutionReportEncoder(senderCompID: "VEGA", targetCompID: "CLIENT1")
        var templated = FIXExecutionReportEncoder(senderCompID: "VEGA", targetCompID: "CLIENT1")
        var order = FIXExecutionReportOrder(capacity: 512)
        var index = FIXFieldIndex(capacity: 64)
        var common = 0, fallBack = 0
        var second: UInt64 = 1_795_342_530_000_000_000
        for i in 0..<20_000 {
            if i % 500 == 0 { second += UInt64(1 + rng.below(100_000)) * 1_000_000_000 }
            let r = Self.report(&rng, second: second)
            let want = r.encodeFast(&fields)
            // The common path alone first (it changes nothing but the buffer), then the whole
            // `encode(_:_:)`, which also moves the cached second when the report needs it.
            let direct: [UInt8]? = r.account.withUnsafeBytes { a in r.clOrdID.withUnsafeBytes { c in
                r.orderID.withUnsafeBytes { o in r.symbol.withUnsafeBytes { s in r.execID.withUnsafeBytes { x in
                    let ok = order.set(account: a, clOrdID: c, orderID: o, orderQty: r.orderQty, ordType: r.ordType,
                                       price: r.price, side: r.side, symbol: s, timeInForce: r.tif)
                    #expect(ok)
                    return templated.writeCommon(order, FIXExecutionReportExecution(
                        msgSeqNum: r.seq, sendingTime: r.sending, avgPx: r.avgPx, cumQty: r.cumQty, execID: x,
                        lastPx: r.lastPx, lastQty: r.lastQty, ordStatus: r.ordStatus, transactTime: r.transact,
                        execType: r.execType, leavesQty: r.leavesQty)).map { Array($0) }
                } } } } }
            if let direct {
                common += 1
                #expect(direct == want)
            } else {
                fallBack += 1
            }
            fixExpectTemplateAgrees(r, fields: &fields, templated: &templated, order: &order, index: &index)
        }
        // Both paths taken often: not a test that passes by never reaching one of them.
        #expect(common > 6_000 && fallBack > 4_000, "\(common) common, \(fallBack) fall-back")
    }

    @Test("each condition the common path leaves to the fall-back, alone on an otherwise common report: nil from the common path, encode(_:)'s bytes from encode(_:_:)")
    func eachFallBackCondition() {
        var fields = FIXExecutionReportEncoder(senderCompID: "VEGA", targetCompID: "CLIENT1")
        var templated = FIXExecutionReportEncoder(senderCompID: "VEGA", targetCompID: "CLIENT1")
        var order = FIXExecutionReportOrder(capacity: 512)
        var index = FIXFieldIndex(capacity: 64)
        let t = Timestamp<UTC>(nanoseconds: 1_795_342_530_124_000_000)
        let base = FIXPerfReport(
            seq: 2077, sending: t, transact: t, account: Array("ACCT42".utf8), clOrdID: Array("ORD-0000001042".utf8),
            execID: Array("EX-0000002077".utf8), orderID: Array("VG-0000001042".utf8), symbol: Array("AAPL".utf8),
            avgPx: Price4(rawValue: 1_012_475), lastPx: Price4(rawValue: 1_012_450), price: Price4(rawValue: 1_012_500),
            cumQty: Quantity(60), lastQty: Quantity(40), orderQty: Quantity(100), leavesQty: Quantity(40),
            ordStatus: UInt8(ascii: "1"), ordType: UInt8(ascii: "2"), side: UInt8(ascii: "1"), tif: UInt8(ascii: "0"),
            execType: UInt8(ascii: "F"))
        func common(_ r: FIXPerfReport) -> [UInt8]? {
            r.account.withUnsafeBytes { a in r.clOrdID.withUnsafeBytes { c in
                r.orderID.withUnsafeBytes { o in r.symbol.withUnsafeBytes { s in r.execID.withUnsafeBytes { x in
                    let ok = order.set(account: a, clOrdID: c, orderID: o, orderQty: r.orderQty, ordType: r.ordType,
                                       price: r.price, side: r.side, symbol: s, timeInForce: r.tif)
                    #expect(ok)
                    return templated.writeCommon(order, FIXExecutionReportExecution(
                        msgSeqNum: r.seq, sendingTime: r.sending, avgPx: r.avgPx, cumQty: r.cumQty, execID: x,
                        lastPx: r.lastPx, lastQty: r.lastQty, ordStatus: r.ordStatus, transactTime: r.transact,
                        execType: r.execType, leavesQty: r.leavesQty)).map { Array($0) }
                } } } } }
        }
        // The second of `t` cached, then the base report takes the common path.
        fixExpectTemplateAgrees(base, fields: &fields, templated: &templated, order: &order, index: &index)
        #expect(common(base) == base.encodeFast(&fields))
        var cases: [(String, FIXPerfReport)] = []
        func with(_ name: String, _ change: (inout FIXPerfReport) -> Void) {
            var r = base
            change(&r)
            cases.append((name, r))
        }
        with("MsgSeqNum 10^8") { $0.seq = 100_000_000 }
        with("MsgSeqNum -1") { $0.seq = -1 }
        with("AvgPx negative") { $0.avgPx = Price4(rawValue: -1) }
        with("AvgPx 10^8") { $0.avgPx = Price4(rawValue: 1_000_000_000_000) }
        with("LastPx 10^8") { $0.lastPx = Price4(rawValue: 1_000_000_000_000) }
        with("CumQty 10^8") { $0.cumQty = Quantity(100_000_000) }
        with("LastQty 10^8") { $0.lastQty = Quantity(100_000_000) }
        with("LeavesQty 10^8") { $0.leavesQty = Quantity(100_000_000) }
        with("ExecID of 33 bytes") { $0.execID = Array(repeating: UInt8(ascii: "E"), count: 33) }
        with("SendingTime in the next second") { $0.sending = Timestamp<UTC>(nanoseconds: t.nanoseconds + 1_000_000_000) }
        with("TransactTime in the previous second") { $0.transact = Timestamp<UTC>(nanoseconds: t.nanoseconds - 1_000_000_000) }
        with("a run over 48 bytes") { $0.symbol = Array(repeating: UInt8(ascii: "S"), count: 60) }
        for (name, r) in cases {
            // The base report again first: the cached second back at `t`.
            fixExpectTemplateAgrees(base, fields: &fields, templated: &templated, order: &order, index: &index)
            #expect(common(r) == nil, "\(name): taken by the common path")
            let got = fixExpectTemplateAgrees(r, fields: &fields, templated: &templated, order: &order, index: &index)
            #expect(got != nil, "\(name)")
        }
        // A BeginString block over 16 bytes: BodyLength is not one store in front of it.
        var longFields = FIXExecutionReportEncoder(beginString: "FIX.5.0SP2.EXT", senderCompID: "VEGA", targetCompID: "CLIENT1")
        var longTemplated = FIXExecutionReportEncoder(beginString: "FIX.5.0SP2.EXT", senderCompID: "VEGA", targetCompID: "CLIENT1")
        for _ in 0..<2 {
            let got = fixExpectTemplateAgrees(base, fields: &longFields, templated: &longTemplated, order: &order, index: &index)
            #expect(got != nil)
        }
        let direct: UnsafeRawBufferPointer? = base.execID.withUnsafeBytes { x in
            longTemplated.writeCommon(order, FIXExecutionReportExecution(
                msgSeqNum: base.seq, sendingTime: base.sending, avgPx: base.avgPx, cumQty: base.cumQty, execID: x,
                lastPx: base.lastPx, lastQty: base.lastQty, ordStatus: base.ordStatus, transactTime: base.transact,
                execType: base.execType, leavesQty: base.leavesQty))
        }
        #expect(direct == nil, "a long BeginString taken by the common path")
    }
    @Test("an order without a Price, or whose Price or OrderQty text is over 16 bytes, stands in the text of 0: reports with zeros and with other values are encode(_:)'s bytes on both paths")
    func zeroTextStandIn() {
        var fields = FIXExecutionReportEncoder(senderCompID: "VEGA", targetCompID: "CLIENT1")
        var templated = FIXExecutionReportEncoder(senderCompID: "VEGA", targetCompID: "CLIENT1")
        var order = FIXExecutionReportOrder(capacity: 512)
        var index = FIXFieldIndex(capacity: 64)
        let t = Timestamp<UTC>(nanoseconds: 1_795_342_530_124_000_000)
        var common = 0
        for price: Price4? in [nil, Price4(rawValue: Int64.max / 2), Price4(rawValue: 1_012_500)] {
            for orderQty in [Quantity(100), Quantity(100_000_000_000_000_000)] {
                for value in [Int64(0), 1, 1_012_500] {
                    let r = FIXPerfReport(
                        seq: 7, sending: t, transact: t, account: [], clOrdID: Array("C1".utf8), execID: Array("E1".utf8),
                        orderID: Array("O1".utf8), symbol: Array("S".utf8), avgPx: Price4(rawValue: value),
                        lastPx: Price4(rawValue: value), price: price, cumQty: Quantity(UInt64(value)),
                        lastQty: Quantity(value == 0 ? 0 : 5), orderQty: orderQty, leavesQty: Quantity(UInt64(value)),
                        ordStatus: UInt8(ascii: "0"), ordType: UInt8(ascii: "2"), side: UInt8(ascii: "1"), tif: 0,
                        execType: UInt8(ascii: "0"))
                    let want = r.encodeFast(&fields)
                    // The path through encode(_:_:) (the second cached), then the common path alone.
                    fixExpectTemplateAgrees(r, fields: &fields, templated: &templated, order: &order, index: &index)
                    let direct: [UInt8]? = r.execID.withUnsafeBytes { x in
                        templated.writeCommon(order, FIXExecutionReportExecution(
                            msgSeqNum: r.seq, sendingTime: r.sending, avgPx: r.avgPx, cumQty: r.cumQty, execID: x,
                            lastPx: r.lastPx, lastQty: r.lastQty, ordStatus: r.ordStatus, transactTime: r.transact,
                            execType: r.execType, leavesQty: r.leavesQty)).map { Array($0) }
                    }
                    if let direct {
                        common += 1
                        #expect(direct == want, "price \(String(describing: price)), orderQty \(orderQty), value \(value)")
                    }
                }
            }
        }
        // Every case is in the common path's ranges.
        #expect(common == 18)
    }
}
