import Testing
import VegaCore
import VegaMarketData

// One hand-built message per ITCH 5.0 type, written byte by byte from the spec's field tables
// (offset and length in each comment), never from ITCHEncoder: if the views' offsets were wrong,
// these would fail even if encoder and decoder agreed with each other.
//
// Every message uses `handHeader`: locate 258, tracking 772, 09:30:00.000000123.

private func expectHeader(_ m: some ITCHMessageView) {
    #expect(m.stockLocate == 258)
    #expect(m.trackingNumber == 772)
    #expect(m.timestamp == handTimestamp)
}

private let aapl = ascii("AAPL    ")
private let aaplSymbol = Symbol("AAPL")!

@Suite("ITCH 5.0 spec bytes decode to the spec's fields")
struct ITCHSpecBytesTests {
    @Test func systemEventS() {
        let b = wire([0x53], handHeader, [0x43])  // 0 'S'; 11 Event Code 'C'
        #expect(b.count == 12)
        withDecoded(b) {
            guard case .message(.systemEvent(let m)) = $0 else { Issue.record("\($0)"); return }
            expectHeader(m)
            #expect(m.eventCode == 0x43 && m.event == .endOfMessages)
        }
    }

    @Test func stockDirectoryR() {
        let b = wire([0x52], handHeader,
                     aapl,                      // 11 Stock (8)
                     [0x51],                    // 19 Market Category 'Q'
                     [0x4E],                    // 20 Financial Status 'N'
                     [0x00, 0x00, 0x00, 0x64],  // 21 Round Lot Size 100
                     [0x4E],                    // 25 Round Lots Only 'N'
                     [0x43],                    // 26 Issue Classification 'C'
                     ascii("Z "),               // 27 Issue Sub-Type (2)
                     [0x50],                    // 29 Authenticity 'P'
                     [0x4E],                    // 30 Short Sale Threshold 'N'
                     [0x4E],                    // 31 IPO Flag 'N'
                     [0x31],                    // 32 LULD Tier '1'
                     [0x4E],                    // 33 ETP Flag 'N'
                     [0x00, 0x00, 0x00, 0x03],  // 34 ETP Leverage Factor 3
                     [0x59])                    // 38 Inverse 'Y'
        #expect(b.count == 39)
        withDecoded(b) {
            guard case .message(.stockDirectory(let m)) = $0 else { Issue.record("\($0)"); return }
            expectHeader(m)
            #expect(m.stock == aaplSymbol)
            #expect(m.marketCategory == 0x51 && m.financialStatusIndicator == 0x4E)
            #expect(m.roundLotSize == 100 && m.roundLotsOnly == 0x4E)
            #expect(m.issueClassification == 0x43 && m.issueSubType == 0x5A20)
            #expect(m.authenticity == 0x50 && m.shortSaleThresholdIndicator == 0x4E && m.ipoFlag == 0x4E)
            #expect(m.luldReferencePriceTier == 0x31 && m.etpFlag == 0x4E)
            #expect(m.etpLeverageFactor == 3 && m.inverseIndicator == 0x59)
        }
    }

    @Test func stockTradingActionH() {
        let b = wire([0x48], handHeader, aapl,
                     [0x48],          // 19 Trading State 'H'
                     [0x20],          // 20 Reserved
                     ascii("LUDP"))   // 21 Reason (4)
        #expect(b.count == 25)
        withDecoded(b) {
            guard case .message(.stockTradingAction(let m)) = $0 else { Issue.record("\($0)"); return }
            expectHeader(m)
            #expect(m.stock == aaplSymbol && m.tradingState == .halted && m.reserved == 0x20)
            #expect(m.reason == 0x4C55_4450)
        }
    }

    @Test func regSHOY() {
        let b = wire([0x59], handHeader, aapl, [0x31])  // 19 Reg SHO Action '1'
        #expect(b.count == 20)
        withDecoded(b) {
            guard case .message(.regSHORestriction(let m)) = $0 else { Issue.record("\($0)"); return }
            expectHeader(m)
            #expect(m.stock == aaplSymbol && m.regSHOAction == 0x31)
        }
    }

    @Test func marketParticipantPositionL() {
        let b = wire([0x4C], handHeader,
                     ascii("GSCO"),   // 11 MPID (4)
                     aapl,            // 15 Stock (8)
                     [0x59],          // 23 Primary Market Maker 'Y'
                     [0x4E],          // 24 Market Maker Mode 'N'
                     [0x41])          // 25 Market Participant State 'A'
        #expect(b.count == 26)
        withDecoded(b) {
            guard case .message(.marketParticipantPosition(let m)) = $0 else { Issue.record("\($0)"); return }
            expectHeader(m)
            #expect(m.mpid == 0x4753_434F && m.stock == aaplSymbol)
            #expect(m.primaryMarketMaker == 0x59 && m.marketMakerMode == 0x4E && m.marketParticipantState == 0x41)
        }
    }

    @Test func mwcbDeclineLevelV() {
        // Price(8): 3,500.12345678 = 350,012,345,678 = 0x51_7E5C_8D4E.
        let b = wire([0x56], handHeader,
                     [0x00, 0x00, 0x00, 0x51, 0x7E, 0x5C, 0x8D, 0x4E],  // 11 Level 1
                     [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02],  // 19 Level 2
                     [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03])  // 27 Level 3
        #expect(b.count == 35)
        withDecoded(b) {
            guard case .message(.mwcbDeclineLevel(let m)) = $0 else { Issue.record("\($0)"); return }
            expectHeader(m)
            #expect(m.level1 == Price8(rawValue: 350_012_345_678))
            #expect(m.level2.rawValue == 2 && m.level3.rawValue == 3)
        }
    }

    @Test func mwcbStatusW() {
        let b = wire([0x57], handHeader, [0x32])  // 11 Breached Level '2'
        #expect(b.count == 12)
        withDecoded(b) {
            guard case .message(.mwcbStatus(let m)) = $0 else { Issue.record("\($0)"); return }
            expectHeader(m)
            #expect(m.breachedLevel == 0x32)
        }
    }

    @Test func ipoQuotingPeriodUpdateK() {
        let b = wire([0x4B], handHeader, aapl,
                     [0x00, 0x00, 0x8C, 0xA0],  // 19 Release Time 36,000 s (10:00)
                     [0x41],                    // 23 Qualifier 'A'
                     [0x00, 0x12, 0xD6, 0x44])  // 24 IPO Price 123.4500
        #expect(b.count == 28)
        withDecoded(b) {
            guard case .message(.ipoQuotingPeriodUpdate(let m)) = $0 else { Issue.record("\($0)"); return }
            expectHeader(m)
            #expect(m.stock == aaplSymbol && m.ipoQuotationReleaseTime == 36_000)
            #expect(m.ipoQuotationReleaseQualifier == 0x41 && m.ipoPrice == Price4(rawValue: 1_234_500))
        }
    }

    @Test func luldAuctionCollarJ() {
        let b = wire([0x4A], handHeader, aapl,
                     [0x00, 0x00, 0x00, 0x0A],  // 19 Reference Price
                     [0x00, 0x00, 0x00, 0x0B],  // 23 Upper
                     [0x00, 0x00, 0x00, 0x09],  // 27 Lower
                     [0x00, 0x00, 0x00, 0x02])  // 31 Extensions 2
        #expect(b.count == 35)
        withDecoded(b) {
            guard case .message(.luldAuctionCollar(let m)) = $0 else { Issue.record("\($0)"); return }
            expectHeader(m)
            #expect(m.stock == aaplSymbol && m.auctionCollarReferencePrice.rawValue == 10)
            #expect(m.upperAuctionCollarPrice.rawValue == 11 && m.lowerAuctionCollarPrice.rawValue == 9)
            #expect(m.auctionCollarExtension == 2)
        }
    }

    @Test func operationalHaltLowercaseH() {
        let b = wire([0x68], handHeader, aapl, [0x51], [0x48])  // 19 Market Code 'Q'; 20 Action 'H'
        #expect(b.count == 21)
        withDecoded(b) {
            guard case .message(.operationalHalt(let m)) = $0 else { Issue.record("\($0)"); return }
            expectHeader(m)
            #expect(m.stock == aaplSymbol && m.marketCode == 0x51 && m.operationalHaltAction == 0x48)
        }
    }

    @Test func addOrderA() {
        let b = wire([0x41], handHeader,
                     [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x39],  // 11 Order Reference 12345
                     [0x53],                                            // 19 Buy/Sell 'S'
                     [0x00, 0x00, 0x01, 0x2C],                          // 20 Shares 300
                     aapl,                                              // 24 Stock
                     [0x00, 0x12, 0xD6, 0x44])                          // 32 Price 123.4500
        #expect(b.count == 36)
        withDecoded(b) {
            guard case .message(.addOrder(let m)) = $0 else { Issue.record("\($0)"); return }
            expectHeader(m)
            #expect(m.orderReference == 12345 && m.side == .sell && m.shares == 300)
            #expect(m.stock == aaplSymbol && m.price == Price4(rawValue: 1_234_500))
        }
    }

    @Test func addOrderMPIDF() {
        let b = wire([0x46], handHeader,
                     [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08],  // 11 Order Reference
                     [0x42],                                            // 19 'B'
                     [0x00, 0x00, 0x00, 0x64],                          // 20 Shares 100
                     aapl,                                              // 24 Stock
                     [0x77, 0x35, 0x94, 0x00],                          // 32 Price 200,000.0000 (max)
                     ascii("NSDQ"))                                     // 36 Attribution
        #expect(b.count == 40)
        withDecoded(b) {
            guard case .message(.addOrderMPID(let m)) = $0 else { Issue.record("\($0)"); return }
            expectHeader(m)
            #expect(m.orderReference == 0x0102_0304_0506_0708 && m.side == .buy && m.shares == 100)
            #expect(m.stock == aaplSymbol && m.price.rawValue == 2_000_000_000 && m.attribution == 0x4E53_4451)
        }
    }

    @Test func orderExecutedE() {
        let b = wire([0x45], handHeader,
                     [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x39],  // 11 Order Reference 12345
                     [0x00, 0x00, 0x00, 0x32],                          // 19 Executed Shares 50
                     [0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00])  // 23 Match Number 65536
        #expect(b.count == 31)
        withDecoded(b) {
            guard case .message(.orderExecuted(let m)) = $0 else { Issue.record("\($0)"); return }
            expectHeader(m)
            #expect(m.orderReference == 12345 && m.executedShares == 50 && m.matchNumber == 65536)
        }
    }

    @Test func orderExecutedWithPriceC() {
        let b = wire([0x43], handHeader,
                     [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x39],  // 11 Order Reference
                     [0x00, 0x00, 0x00, 0x32],                          // 19 Executed Shares 50
                     [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07],  // 23 Match Number 7
                     [0x4E],                                            // 31 Printable 'N'
                     [0x00, 0x12, 0xD6, 0x45])                          // 32 Execution Price 123.4501
        #expect(b.count == 36)
        withDecoded(b) {
            guard case .message(.orderExecutedWithPrice(let m)) = $0 else { Issue.record("\($0)"); return }
            expectHeader(m)
            #expect(m.orderReference == 12345 && m.executedShares == 50 && m.matchNumber == 7)
            #expect(m.printable == false && m.executionPrice.rawValue == 1_234_501)
        }
    }

    @Test func orderCancelX() {
        let b = wire([0x58], handHeader,
                     [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x39],  // 11 Order Reference
                     [0x00, 0x00, 0x00, 0x0A])                          // 19 Cancelled Shares 10
        #expect(b.count == 23)
        withDecoded(b) {
            guard case .message(.orderCancel(let m)) = $0 else { Issue.record("\($0)"); return }
            expectHeader(m)
            #expect(m.orderReference == 12345 && m.cancelledShares == 10)
        }
    }

    @Test func orderDeleteD() {
        let b = wire([0x44], handHeader, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE])  // 11 Order Reference
        #expect(b.count == 19)
        withDecoded(b) {
            guard case .message(.orderDelete(let m)) = $0 else { Issue.record("\($0)"); return }
            expectHeader(m)
            #expect(m.orderReference == UInt64.max - 1)
        }
    }

    @Test func orderReplaceU() {
        let b = wire([0x55], handHeader,
                     [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x39],  // 11 Original Reference 12345
                     [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x3A],  // 19 New Reference 12346
                     [0x00, 0x00, 0x00, 0xC8],                          // 27 Shares 200
                     [0x00, 0x00, 0x27, 0x10])                          // 31 Price 1.0000
        #expect(b.count == 35)
        withDecoded(b) {
            guard case .message(.orderReplace(let m)) = $0 else { Issue.record("\($0)"); return }
            expectHeader(m)
            #expect(m.originalOrderReference == 12345 && m.newOrderReference == 12346)
            #expect(m.shares == 200 && m.price == Price4(rawValue: 10_000))
        }
    }

    @Test func tradeP() {
        let b = wire([0x50], handHeader,
                     [0, 0, 0, 0, 0, 0, 0, 0],                          // 11 Order Reference (zero since 2010)
                     [0x42],                                            // 19 'B' (always, since 2014)
                     [0x00, 0x00, 0x03, 0xE8],                          // 20 Shares 1000
                     aapl,                                              // 24 Stock
                     [0x00, 0x12, 0xD6, 0x44],                          // 32 Price 123.4500
                     [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x63])  // 36 Match Number 99
        #expect(b.count == 44)
        withDecoded(b) {
            guard case .message(.trade(let m)) = $0 else { Issue.record("\($0)"); return }
            expectHeader(m)
            #expect(m.orderReference == 0 && m.side == .buy && m.shares == 1000 && m.stock == aaplSymbol)
            #expect(m.price.rawValue == 1_234_500 && m.matchNumber == 99)
        }
    }

    @Test func crossTradeQ() {
        let b = wire([0x51], handHeader,
                     [0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00],  // 11 Shares 2^32 (8 bytes!)
                     aapl,                                              // 19 Stock
                     [0x00, 0x12, 0xD6, 0x44],                          // 27 Cross Price
                     [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x64],  // 31 Match Number 100
                     [0x4F])                                            // 39 Cross Type 'O'
        #expect(b.count == 40)
        withDecoded(b) {
            guard case .message(.crossTrade(let m)) = $0 else { Issue.record("\($0)"); return }
            expectHeader(m)
            #expect(m.shares == 1 << 32 && m.stock == aaplSymbol && m.crossPrice.rawValue == 1_234_500)
            #expect(m.matchNumber == 100 && m.crossType == 0x4F)
        }
    }

    @Test func brokenTradeB() {
        let b = wire([0x42], handHeader, [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x63])  // 11 Match Number 99
        #expect(b.count == 19)
        withDecoded(b) {
            guard case .message(.brokenTrade(let m)) = $0 else { Issue.record("\($0)"); return }
            expectHeader(m)
            #expect(m.matchNumber == 99)
        }
    }

    @Test func noiiI() {
        let b = wire([0x49], handHeader,
                     [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x27, 0x10],  // 11 Paired Shares 10,000
                     [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xF4],  // 19 Imbalance Shares 500
                     [0x53],                                            // 27 Imbalance Direction 'S'
                     aapl,                                              // 28 Stock
                     [0x00, 0x00, 0x00, 0x01],                          // 36 Far Price
                     [0x00, 0x00, 0x00, 0x02],                          // 40 Near Price
                     [0x00, 0x00, 0x00, 0x03],                          // 44 Current Reference Price
                     [0x43],                                            // 48 Cross Type 'C'
                     [0x4C])                                            // 49 Price Variation 'L'
        #expect(b.count == 50)
        withDecoded(b) {
            guard case .message(.noii(let m)) = $0 else { Issue.record("\($0)"); return }
            expectHeader(m)
            #expect(m.pairedShares == 10_000 && m.imbalanceShares == 500 && m.imbalanceDirection == 0x53)
            #expect(m.stock == aaplSymbol && m.farPrice.rawValue == 1 && m.nearPrice.rawValue == 2)
            #expect(m.currentReferencePrice.rawValue == 3 && m.crossType == 0x43 && m.priceVariationIndicator == 0x4C)
        }
    }

    @Test func rpiiN() {
        let b = wire([0x4E], handHeader, aapl, [0x41])  // 19 Interest Flag 'A'
        #expect(b.count == 20)
        withDecoded(b) {
            guard case .message(.rpii(let m)) = $0 else { Issue.record("\($0)"); return }
            expectHeader(m)
            #expect(m.stock == aaplSymbol && m.interestFlag == 0x41)
        }
    }

    @Test func dlcrPriceDiscoveryO() {
        let b = wire([0x4F], handHeader, aapl,
                     [0x59],                                            // 19 Open Eligibility 'Y'
                     [0x00, 0x00, 0x00, 0x0A],                          // 20 Minimum Allowable Price
                     [0x00, 0x00, 0x00, 0x0B],                          // 24 Maximum Allowable Price
                     [0x00, 0x00, 0x00, 0x0C],                          // 28 Near Execution Price
                     [0x00, 0x00, 0x1F, 0x1A, 0xCE, 0xD9, 0xF0, 0x7B],  // 32 Near Execution Time (8)
                     [0x00, 0x00, 0x00, 0x0D],                          // 40 Lower Price Range Collar
                     [0x00, 0x00, 0x00, 0x0E])                          // 44 Upper Price Range Collar
        #expect(b.count == 48)
        withDecoded(b) {
            guard case .message(.dlcrPriceDiscovery(let m)) = $0 else { Issue.record("\($0)"); return }
            expectHeader(m)
            #expect(m.stock == aaplSymbol && m.openEligibilityStatus == 0x59)
            #expect(m.minimumAllowablePrice.rawValue == 10 && m.maximumAllowablePrice.rawValue == 11)
            #expect(m.nearExecutionPrice.rawValue == 12 && m.nearExecutionTime == 34_200_000_000_123)
            #expect(m.lowerPriceRangeCollar.rawValue == 13 && m.upperPriceRangeCollar.rawValue == 14)
        }
    }

    @Test("every type's length is the spec's (last offset + last length)")
    func lengthsMatchTheSpec() {
        let expected: [UInt8: Int] = [
            0x53: 12, 0x52: 39, 0x48: 25, 0x59: 20, 0x4C: 26, 0x56: 35, 0x57: 12, 0x4B: 28, 0x4A: 35, 0x68: 21,
            0x41: 36, 0x46: 40, 0x45: 31, 0x43: 36, 0x58: 23, 0x44: 19, 0x55: 35, 0x50: 44, 0x51: 40, 0x42: 19,
            0x49: 50, 0x4E: 20, 0x4F: 48,
        ]
        #expect(ITCHMessageType.allCases.count == 23)
        for t in ITCHMessageType.allCases {
            #expect(expected[t.rawValue] == t.length, "\(t)")
            #expect(ITCHMessageType(byte: t.rawValue) == t)
        }
        for byte in UInt8.min...UInt8.max where expected[byte] == nil {
            #expect(ITCHMessageType(byte: byte) == nil)
        }
    }
}
