import Testing
import VegaCore
@testable import VegaOrderEntry

/// Every OUCH 5.0 message, both directions: encode a value, decode the bytes, get the same value back
/// (and the same appendage bytes where the message has one).
@Suite struct OUCHRoundTripTests {
    func inbound(_ bytes: [UInt8]) -> OUCHInboundMessage? {
        var d = OUCHDecoder()
        return bytes.withUnsafeBytes { d.decodeInbound($0) }
    }

    @Test func enterOrderRoundTripsWithAndWithoutAppendage() throws {
        let m = OUCHEnterOrder(userRefNum: 42, side: .sellShort, quantity: 300, symbol: aapl, price: Price4(rawValue: 1_895_000),
                               timeInForce: .immediateOrCancel, display: .hidden, capacity: .principal,
                               intermarketSweep: .eligible, crossType: .closing, clOrdID: clOrd)
        for app in [[], sampleAppendage()] {
            let bytes = encoded { out in app.withUnsafeBytes { m.encode(into: out, appendage: $0) } }
            #expect(bytes.count == 47 + app.count)
            try bytes.withUnsafeBytes { raw in
                guard case .enterOrder(let v) = try OUCHDecoder.parseInbound(raw) else { Issue.record("wrong case"); return }
                #expect(v.message == m)
                #expect(Array(v.appendage.bytes) == app)
                if !app.isEmpty {
                    #expect(v.appendage.firm == OUCHFirm("VEGA"))
                    #expect(v.appendage.minQty == 100)
                    #expect(v.appendage.pegOffset == Price4(rawValue: -25))
                    #expect(v.appendage.discretionPrice == Price4(rawValue: 1_234_500))
                    #expect(v.appendage.groupID == 7)
                    #expect(v.appendage.postOnly == UInt8(ascii: "P"))
                    #expect(v.appendage.maxFloor == nil)
                    #expect(v.appendage.elementCount == 6)
                }
            }
        }
    }

    @Test func everyInboundMessageRoundTrips() throws {
        let replace = OUCHReplaceOrder(origUserRefNum: 42, userRefNum: 43, quantity: 500, price: Price4(rawValue: 1_900_100),
                                       timeInForce: .goodTillTime, display: .attributable, intermarketSweep: .eligible, clOrdID: clOrd)
        let cancel = OUCHCancelOrder(userRefNum: 43, quantity: 0)
        let modify = OUCHModifyOrder(userRefNum: 43, side: .sellShortExempt, quantity: 200)
        let mass = OUCHMassCancel(userRefNum: 44, firm: OUCHFirm("VEGA")!, symbol: aapl)
        let app = sampleAppendage()

        let r = encoded { out in app.withUnsafeBytes { replace.encode(into: out, appendage: $0) } }
        guard case .replaceOrder(let rv) = inbound(r) else { Issue.record("replace"); return }
        #expect(rv.message == replace && Array(rv.appendage.bytes) == app && r.count == 40 + app.count)

        let c = encoded { cancel.encode(into: $0) }
        guard case .cancelOrder(let cv) = inbound(c) else { Issue.record("cancel"); return }
        #expect(cv.message == cancel && c.count == 9)

        let mo = encoded { modify.encode(into: $0) }
        guard case .modifyOrder(let mv) = inbound(mo) else { Issue.record("modify"); return }
        #expect(mv.message == modify && mo.count == 10)

        let ma = encoded { mass.encode(into: $0) }
        guard case .massCancel(let mav) = inbound(ma) else { Issue.record("mass cancel"); return }
        #expect(mav.message == mass && ma.count == 19 && mav.appendage.count == 0)

        let q = encoded { OUCHAccountQueryRequest().encode(into: $0) }
        guard case .accountQuery = inbound(q) else { Issue.record("account query"); return }
        #expect(q == [UInt8(ascii: "Q")])
    }

    @Test func everyOutboundMessageRoundTrips() throws {
        let order = OUCHEnterOrder(userRefNum: 7, side: .buy, quantity: 100, symbol: aapl, price: Price4(rawValue: 1_500_000), clOrdID: clOrd)
        let app = sampleAppendage()
        var decoder = OUCHDecoder()
        func out(_ bytes: [UInt8]) -> OUCHOutboundMessage? { bytes.withUnsafeBytes { decoder.decodeOutbound($0) } }

        let se = OUCHSystemEvent(timestamp: ts, eventCode: .startOfDay)
        guard case .systemEvent(let sev) = out(encoded { se.encode(into: $0) }) else { Issue.record("S"); return }
        #expect(sev.message == se)

        let acc = OUCHOrderAccepted(accepting: order, timestamp: ts, orderReferenceNumber: 9_000_001)
        let accBytes = encoded { o in app.withUnsafeBytes { acc.encode(into: o, appendage: $0) } }
        guard case .orderAccepted(let av) = out(accBytes) else { Issue.record("A"); return }
        #expect(av.message == acc && Array(av.appendage.bytes) == app && accBytes.count == 64 + app.count)

        let rep = OUCHOrderReplaced(timestamp: ts, origUserRefNum: 7, userRefNum: 8, side: .buy, quantity: 90, symbol: aapl,
                                    price: Price4(rawValue: 1_499_900), timeInForce: .day, display: .conformant,
                                    orderReferenceNumber: 9_000_002, capacity: .agency, intermarketSweep: .notEligible,
                                    crossType: .continuous, orderState: .dead, clOrdID: clOrd)
        guard case .orderReplaced(let rv) = out(encoded { rep.encode(into: $0) }) else { Issue.record("U"); return }
        #expect(rv.message == rep)

        let can = OUCHOrderCanceled(timestamp: ts, userRefNum: 8, quantity: 90, reason: .userRequested)
        guard case .orderCanceled(let cv) = out(encoded { can.encode(into: $0) }) else { Issue.record("C"); return }
        #expect(cv.message == can)

        let aiq = OUCHAIQCanceled(timestamp: ts, userRefNum: 8, decrementShares: 10, quantityPreventedFromTrading: 10,
                                  executionPrice: Price4(rawValue: 1_500_000), liquidityFlag: .added, aiqStrategy: UInt8(ascii: "O"))
        guard case .aiqCanceled(let dv) = out(encoded { aiq.encode(into: $0) }) else { Issue.record("D"); return }
        #expect(dv.message == aiq)

        let ex = OUCHOrderExecuted(timestamp: ts, userRefNum: 7, quantity: 40, price: Price4(rawValue: 1_500_000),
                                   liquidityFlag: .removed, matchNumber: 123_456_789)
        guard case .orderExecuted(let ev) = out(encoded { ex.encode(into: $0) }) else { Issue.record("E"); return }
        #expect(ev.message == ex && ev.appendage.count == 0)

        let br = OUCHBrokenTrade(timestamp: ts, userRefNum: 7, matchNumber: 123_456_789, reason: .consent, clOrdID: clOrd)
        guard case .brokenTrade(let bv) = out(encoded { br.encode(into: $0) }) else { Issue.record("B"); return }
        #expect(bv.message == br)

        let rj = OUCHOrderRejected(timestamp: ts, userRefNum: 9, reason: .invalidPrice, clOrdID: clOrd)
        guard case .orderRejected(let jv) = out(encoded { rj.encode(into: $0) }) else { Issue.record("J"); return }
        #expect(jv.message == rj)

        for isReject in [false, true] {
            let n = OUCHCancelNotice(isReject: isReject, timestamp: ts, userRefNum: 7)
            guard case .cancelNotice(let nv) = out(encoded { n.encode(into: $0) }) else { Issue.record("P/I"); return }
            #expect(nv.message == n)
        }

        let pu = OUCHPriorityUpdate(timestamp: ts, userRefNum: 7, price: Price4(rawValue: 1_500_000), display: .visible,
                                    orderReferenceNumber: 9_000_003)
        guard case .priorityUpdate(let tv) = out(encoded { pu.encode(into: $0) }) else { Issue.record("T"); return }
        #expect(tv.message == pu)

        let mod = OUCHOrderModified(timestamp: ts, userRefNum: 7, side: .sellShort, quantity: 60)
        guard case .orderModified(let mv) = out(encoded { mod.encode(into: $0) }) else { Issue.record("M"); return }
        #expect(mv.message == mod)

        let restatedApp = encoded { o in
            var w = OUCHAppendageWriter(buffer: o)
            w.append(.displayQuantity, uint32: 100)
            w.append(.displayPrice, uint64: 1_500_100)
            w.append(.secondaryOrdRefNum, uint64: 77)
            return w.written
        }
        let rs = OUCHOrderRestated(timestamp: ts, userRefNum: 7, reason: .refreshOfDisplay)
        let rsBytes = encoded { o in restatedApp.withUnsafeBytes { rs.encode(into: o, appendage: $0) } }
        guard case .orderRestated(let rsv) = out(rsBytes) else { Issue.record("R"); return }
        #expect(rsv.message == rs)
        #expect(rsv.appendage.displayQuantity == 100 && rsv.appendage.displayPrice == Price4(rawValue: 1_500_100)
                && rsv.appendage.secondaryOrdRefNum == 77)

        let aq = OUCHAccountQueryResponse(timestamp: ts, nextUserRefNum: 1001)
        guard case .accountQueryResponse(let qv) = out(encoded { aq.encode(into: $0) }) else { Issue.record("Q"); return }
        #expect(qv.message == aq)

        let mcr = OUCHMassCancelResponse(timestamp: ts, userRefNum: 44, firm: OUCHFirm("VEGA")!, symbol: .blank)
        guard case .massCancelResponse(let xv) = out(encoded { mcr.encode(into: $0) }) else { Issue.record("X"); return }
        #expect(xv.message == mcr)

        #expect(decoder.counters.decoded == 15 && decoder.counters.rejected == 0)  // S A U C D E B J P I T M R Q X
    }

    @Test func encodersRefuseBuffersTooSmallAndWriteNothingPastThem() {
        let m = OUCHEnterOrder(userRefNum: 1, side: .buy, quantity: 1, symbol: aapl, price: Price4(rawValue: 1))
        var buffer = [UInt8](repeating: 0xAB, count: 47)
        let n = buffer.withUnsafeMutableBytes { m.encode(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<46])) }
        #expect(n == 0)
        #expect(buffer.allSatisfy { $0 == 0xAB })
        let app = sampleAppendage()
        let n2 = buffer.withUnsafeMutableBytes { out in app.withUnsafeBytes { m.encode(into: out, appendage: $0) } }
        #expect(n2 == 0)
    }

    @Test func alphaFieldsPadWithSpacesAndRefuseWhatDoesNotFit() {
        #expect(OUCHSymbol("AAPL")!.rawValue == 0x4141_504C_2020_2020)
        #expect(OUCHSymbol("AAPL")!.description == "AAPL")
        #expect(OUCHSymbol("TOOLONGSYM") == nil)
        #expect(OUCHFirm("VEGAX") == nil)
        #expect(OUCHClOrdID("VEGA-000000001")!.description == "VEGA-000000001")
        #expect(OUCHClOrdID("A")!.description == "A")
        #expect(OUCHClOrdID("123456789012345") == nil)
        #expect(OUCHSymbol("ÄB") == nil)
    }
}
