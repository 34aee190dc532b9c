import Testing
import VegaCore
import VegaMarketData
import VegaTestSupport

// Encoder → decoder round trips for every type with seeded random field values: every field the
// encoder writes comes back from the view unchanged, and the encoder writes exactly the type's
// length. Values stay inside what the decoder accepts (its refusals are tested separately).

private struct Gen {
    var rng: SplitMix64
    mutating func u8() -> UInt8 { UInt8.random(in: .min ... .max, using: &rng) }
    mutating func u16() -> UInt16 { UInt16.random(in: .min ... .max, using: &rng) }
    mutating func u32() -> UInt32 { UInt32.random(in: .min ... .max, using: &rng) }
    mutating func u64() -> UInt64 { rng.next() }
    mutating func shares() -> UInt32 { UInt32.random(in: 1 ... .max, using: &rng) }
    mutating func price() -> Price4 { Price4(rawValue: Int64.random(in: 1 ... ITCHDecoder.maximumPrice4, using: &rng)) }
    mutating func anyPrice4() -> Price4 { Price4(rawValue: Int64(u32())) }
    mutating func price8() -> Price8 { Price8(rawValue: Int64.random(in: 0 ... .max, using: &rng)) }
    mutating func side() -> UInt8 { Bool.random(using: &rng) ? 0x42 : 0x53 }
    mutating func symbol() -> Symbol { Symbol(raw: u64()) }
    mutating func header() -> ITCHHeader {
        ITCHHeader(stockLocate: u16(), trackingNumber: u16(),
                   timestamp: Timestamp(nanoseconds: UInt64.random(in: 0 ..< ITCHDecoder.nanosecondsPerDay, using: &rng)))
    }
}

private func expectHeader(_ m: some ITCHMessageView, _ h: ITCHHeader) {
    #expect(m.stockLocate == h.stockLocate && m.trackingNumber == h.trackingNumber && m.timestamp == h.timestamp)
}

/// Encodes with `encode`, checks the length, decodes and hands the message to `check`.
private func roundTrip(_ type: ITCHMessageType, _ encode: (ITCHEncoder) -> Int, _ check: (ITCHMessage) -> Void) {
    let bytes = encoded(encode)
    #expect(bytes.count == type.length, "\(type)")
    withDecoded(bytes) { decoded in
        guard case .message(let m) = decoded else { Issue.record("\(type): \(decoded)"); return }
        #expect(m.type == type)
        check(m)
    }
}

@Suite("ITCH encoder/decoder round trips")
struct ITCHRoundTripTests {
    static let iterations = 500

    @Test("every type round-trips random field values", arguments: ITCHMessageType.allCases)
    func roundTrips(_ type: ITCHMessageType) {
        var g = Gen(rng: SplitMix64(seed: 0x17C4_0000 &+ UInt64(type.rawValue)))
        for _ in 0..<Self.iterations { one(type, &g) }
    }

    private func one(_ type: ITCHMessageType, _ g: inout Gen) {
        let h = g.header()
        switch type {
        case .systemEvent:
            let code = g.u8()
            roundTrip(type, { $0.systemEvent(h, eventCode: code) }) {
                guard case .systemEvent(let m) = $0 else { Issue.record("case"); return }
                expectHeader(m, h); #expect(m.eventCode == code)
            }
        case .stockDirectory:
            let s = g.symbol(), f = (0..<10).map { _ in g.u8() }, lot = g.u32(), sub = g.u16(), lev = g.u32()
            roundTrip(type, {
                $0.stockDirectory(h, stock: s, marketCategory: f[0], financialStatusIndicator: f[1], roundLotSize: lot,
                                  roundLotsOnly: f[2], issueClassification: f[3], issueSubType: sub, authenticity: f[4],
                                  shortSaleThresholdIndicator: f[5], ipoFlag: f[6], luldReferencePriceTier: f[7],
                                  etpFlag: f[8], etpLeverageFactor: lev, inverseIndicator: f[9])
            }) {
                guard case .stockDirectory(let m) = $0 else { Issue.record("case"); return }
                expectHeader(m, h)
                #expect(m.stock == s && m.marketCategory == f[0] && m.financialStatusIndicator == f[1])
                #expect(m.roundLotSize == lot && m.roundLotsOnly == f[2] && m.issueClassification == f[3])
                #expect(m.issueSubType == sub && m.authenticity == f[4] && m.shortSaleThresholdIndicator == f[5])
                #expect(m.ipoFlag == f[6] && m.luldReferencePriceTier == f[7] && m.etpFlag == f[8])
                #expect(m.etpLeverageFactor == lev && m.inverseIndicator == f[9])
            }
        case .stockTradingAction:
            let s = g.symbol(), state = [UInt8(0x48), 0x50, 0x51, 0x54][Int(g.u8() % 4)], res = g.u8(), reason = g.u32()
            roundTrip(type, { $0.stockTradingAction(h, stock: s, tradingState: state, reserved: res, reason: reason) }) {
                guard case .stockTradingAction(let m) = $0 else { Issue.record("case"); return }
                expectHeader(m, h)
                #expect(m.stock == s && m.tradingState?.rawValue == state && m.reserved == res && m.reason == reason)
            }
        case .regSHORestriction:
            let s = g.symbol(), a = g.u8()
            roundTrip(type, { $0.regSHORestriction(h, stock: s, regSHOAction: a) }) {
                guard case .regSHORestriction(let m) = $0 else { Issue.record("case"); return }
                expectHeader(m, h); #expect(m.stock == s && m.regSHOAction == a)
            }
        case .marketParticipantPosition:
            let mpid = g.u32(), s = g.symbol(), a = g.u8(), b = g.u8(), c = g.u8()
            roundTrip(type, {
                $0.marketParticipantPosition(h, mpid: mpid, stock: s, primaryMarketMaker: a, marketMakerMode: b,
                                             marketParticipantState: c)
            }) {
                guard case .marketParticipantPosition(let m) = $0 else { Issue.record("case"); return }
                expectHeader(m, h)
                #expect(m.mpid == mpid && m.stock == s && m.primaryMarketMaker == a && m.marketMakerMode == b)
                #expect(m.marketParticipantState == c)
            }
        case .mwcbDeclineLevel:
            let l1 = g.price8(), l2 = g.price8(), l3 = g.price8()
            roundTrip(type, { $0.mwcbDeclineLevel(h, level1: l1, level2: l2, level3: l3) }) {
                guard case .mwcbDeclineLevel(let m) = $0 else { Issue.record("case"); return }
                expectHeader(m, h); #expect(m.level1 == l1 && m.level2 == l2 && m.level3 == l3)
            }
        case .mwcbStatus:
            let l = g.u8()
            roundTrip(type, { $0.mwcbStatus(h, breachedLevel: l) }) {
                guard case .mwcbStatus(let m) = $0 else { Issue.record("case"); return }
                expectHeader(m, h); #expect(m.breachedLevel == l)
            }
        case .ipoQuotingPeriodUpdate:
            let s = g.symbol(), t = g.u32(), q = g.u8(), p = g.anyPrice4()
            roundTrip(type, { $0.ipoQuotingPeriodUpdate(h, stock: s, releaseTime: t, releaseQualifier: q, ipoPrice: p) }) {
                guard case .ipoQuotingPeriodUpdate(let m) = $0 else { Issue.record("case"); return }
                expectHeader(m, h)
                #expect(m.stock == s && m.ipoQuotationReleaseTime == t && m.ipoQuotationReleaseQualifier == q && m.ipoPrice == p)
            }
        case .luldAuctionCollar:
            let s = g.symbol(), r = g.anyPrice4(), u = g.anyPrice4(), l = g.anyPrice4(), e = g.u32()
            roundTrip(type, { $0.luldAuctionCollar(h, stock: s, referencePrice: r, upperPrice: u, lowerPrice: l, extensions: e) }) {
                guard case .luldAuctionCollar(let m) = $0 else { Issue.record("case"); return }
                expectHeader(m, h)
                #expect(m.stock == s && m.auctionCollarReferencePrice == r && m.upperAuctionCollarPrice == u)
                #expect(m.lowerAuctionCollarPrice == l && m.auctionCollarExtension == e)
            }
        case .operationalHalt:
            let s = g.symbol(), c = g.u8(), a = g.u8()
            roundTrip(type, { $0.operationalHalt(h, stock: s, marketCode: c, action: a) }) {
                guard case .operationalHalt(let m) = $0 else { Issue.record("case"); return }
                expectHeader(m, h); #expect(m.stock == s && m.marketCode == c && m.operationalHaltAction == a)
            }
        case .addOrder, .addOrderMPID:
            let ref = g.u64(), side = g.side(), sh = g.shares(), s = g.symbol(), p = g.price()
            let attr: UInt32? = type == .addOrderMPID ? g.u32() : nil
            roundTrip(type, { $0.addOrder(h, reference: ref, side: side, shares: sh, stock: s, price: p, attribution: attr) }) {
                switch $0 {
                case .addOrder(let m):
                    expectHeader(m, h)
                    #expect(m.orderReference == ref && m.sideCode == side && m.shares == sh && m.stock == s && m.price == p)
                case .addOrderMPID(let m):
                    expectHeader(m, h)
                    #expect(m.orderReference == ref && m.sideCode == side && m.shares == sh && m.stock == s && m.price == p)
                    #expect(m.attribution == attr)
                default: Issue.record("case")
                }
            }
        case .orderExecuted:
            let ref = g.u64(), sh = g.shares(), match = g.u64()
            roundTrip(type, { $0.orderExecuted(h, reference: ref, shares: sh, matchNumber: match) }) {
                guard case .orderExecuted(let m) = $0 else { Issue.record("case"); return }
                expectHeader(m, h); #expect(m.orderReference == ref && m.executedShares == sh && m.matchNumber == match)
            }
        case .orderExecutedWithPrice:
            let ref = g.u64(), sh = g.shares(), match = g.u64(), pr: UInt8 = g.u8() & 1 == 0 ? 0x59 : 0x4E, p = g.price()
            roundTrip(type, { $0.orderExecutedWithPrice(h, reference: ref, shares: sh, matchNumber: match, printable: pr, price: p) }) {
                guard case .orderExecutedWithPrice(let m) = $0 else { Issue.record("case"); return }
                expectHeader(m, h)
                #expect(m.orderReference == ref && m.executedShares == sh && m.matchNumber == match)
                #expect(m.printableCode == pr && m.printable == (pr == 0x59) && m.executionPrice == p)
            }
        case .orderCancel:
            let ref = g.u64(), sh = g.shares()
            roundTrip(type, { $0.orderCancel(h, reference: ref, shares: sh) }) {
                guard case .orderCancel(let m) = $0 else { Issue.record("case"); return }
                expectHeader(m, h); #expect(m.orderReference == ref && m.cancelledShares == sh)
            }
        case .orderDelete:
            let ref = g.u64()
            roundTrip(type, { $0.orderDelete(h, reference: ref) }) {
                guard case .orderDelete(let m) = $0 else { Issue.record("case"); return }
                expectHeader(m, h); #expect(m.orderReference == ref)
            }
        case .orderReplace:
            let o = g.u64(), n = g.u64(), sh = g.shares(), p = g.price()
            roundTrip(type, { $0.orderReplace(h, original: o, replacement: n, shares: sh, price: p) }) {
                guard case .orderReplace(let m) = $0 else { Issue.record("case"); return }
                expectHeader(m, h)
                #expect(m.originalOrderReference == o && m.newOrderReference == n && m.shares == sh && m.price == p)
            }
        case .trade:
            let ref = g.u64(), side = g.side(), sh = g.shares(), s = g.symbol(), p = g.price(), match = g.u64()
            roundTrip(type, { $0.trade(h, reference: ref, side: side, shares: sh, stock: s, price: p, matchNumber: match) }) {
                guard case .trade(let m) = $0 else { Issue.record("case"); return }
                expectHeader(m, h)
                #expect(m.orderReference == ref && m.sideCode == side && m.shares == sh && m.stock == s)
                #expect(m.price == p && m.matchNumber == match)
            }
        case .crossTrade:
            let sh = g.u64(), s = g.symbol(), p = g.anyPrice4(), match = g.u64(), ct = g.u8()
            roundTrip(type, { $0.crossTrade(h, shares: sh, stock: s, price: p, matchNumber: match, crossType: ct) }) {
                guard case .crossTrade(let m) = $0 else { Issue.record("case"); return }
                expectHeader(m, h)
                #expect(m.shares == sh && m.stock == s && m.crossPrice == p && m.matchNumber == match && m.crossType == ct)
            }
        case .brokenTrade:
            let match = g.u64()
            roundTrip(type, { $0.brokenTrade(h, matchNumber: match) }) {
                guard case .brokenTrade(let m) = $0 else { Issue.record("case"); return }
                expectHeader(m, h); #expect(m.matchNumber == match)
            }
        case .noii:
            let ps = g.u64(), ims = g.u64(), dir = g.u8(), s = g.symbol(), far = g.anyPrice4(), near = g.anyPrice4()
            let ref = g.anyPrice4(), ct = g.u8(), pvi = g.u8()
            roundTrip(type, {
                $0.noii(h, pairedShares: ps, imbalanceShares: ims, imbalanceDirection: dir, stock: s, farPrice: far,
                        nearPrice: near, currentReferencePrice: ref, crossType: ct, priceVariationIndicator: pvi)
            }) {
                guard case .noii(let m) = $0 else { Issue.record("case"); return }
                expectHeader(m, h)
                #expect(m.pairedShares == ps && m.imbalanceShares == ims && m.imbalanceDirection == dir && m.stock == s)
                #expect(m.farPrice == far && m.nearPrice == near && m.currentReferencePrice == ref)
                #expect(m.crossType == ct && m.priceVariationIndicator == pvi)
            }
        case .rpii:
            let s = g.symbol(), f = g.u8()
            roundTrip(type, { $0.rpii(h, stock: s, interestFlag: f) }) {
                guard case .rpii(let m) = $0 else { Issue.record("case"); return }
                expectHeader(m, h); #expect(m.stock == s && m.interestFlag == f)
            }
        case .dlcrPriceDiscovery:
            let s = g.symbol(), e = g.u8(), lo = g.anyPrice4(), hi = g.anyPrice4(), near = g.anyPrice4(), t = g.u64()
            let lc = g.anyPrice4(), uc = g.anyPrice4()
            roundTrip(type, {
                $0.dlcrPriceDiscovery(h, stock: s, openEligibilityStatus: e, minimumAllowablePrice: lo,
                                      maximumAllowablePrice: hi, nearExecutionPrice: near, nearExecutionTime: t,
                                      lowerPriceRangeCollar: lc, upperPriceRangeCollar: uc)
            }) {
                guard case .dlcrPriceDiscovery(let m) = $0 else { Issue.record("case"); return }
                expectHeader(m, h)
                #expect(m.stock == s && m.openEligibilityStatus == e && m.minimumAllowablePrice == lo)
                #expect(m.maximumAllowablePrice == hi && m.nearExecutionPrice == near && m.nearExecutionTime == t)
                #expect(m.lowerPriceRangeCollar == lc && m.upperPriceRangeCollar == uc)
            }
        }
    }

    @Test func encoderWritesNothingIntoATooSmallBuffer() {
        var buffer = [UInt8](repeating: 0xEE, count: 35)
        let n = buffer.withUnsafeMutableBytes {
            ITCHEncoder($0).addOrder(ITCHHeader(timestamp: handTimestamp), reference: 1, side: 0x42, shares: 1,
                                     stock: Symbol(raw: 0), price: Price4(rawValue: 1))
        }
        #expect(n == 0)
        #expect(buffer.allSatisfy { $0 == 0xEE })
    }
}
