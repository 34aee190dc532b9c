import Testing
import VegaCore
import VegaMarketData

// The handler drives the sink with the right call and arguments for each book message, passes
// the frame's NIC/kernel stamps through with each message's own exchange time, counts the
// sink's refusals per reason, and hands the non-book messages back as events.

private let spy = Symbol("SPY")!
private let frameStamps = EventTimes(exchange: Timestamp(nanoseconds: 999), nicNanoseconds: 1_700_000_000_000_000_001,
                                     kernelNanoseconds: 1_700_000_000_000_000_777, hasNIC: true, hasKernel: true)

private func header(_ ns: UInt64) -> ITCHHeader { ITCHHeader(stockLocate: 12, trackingNumber: 3, timestamp: Timestamp(nanoseconds: ns)) }

/// The frame's stamps with the message's exchange time.
private func times(_ ns: UInt64) -> EventTimes {
    var t = frameStamps
    t.exchange = Timestamp(nanoseconds: ns)
    return t
}

/// Runs each message through a fresh handler; returns what the sink saw and the handler's results.
private func drive(_ messages: [[UInt8]], reject: BookReject? = nil) -> (calls: [SinkCall], results: [ITCHHandled], rejects: BookRejectCounters, last: UInt8) {
    var handler = ITCHHandler(sink: RecordingSink())
    var results: [ITCHHandled] = []
    for m in messages {
        handler.sink.nextReject = reject
        results.append(m.withUnsafeBytes { handler.handle($0, stamps: frameStamps) })
    }
    return (handler.sink.calls, results, handler.bookRejects, handler.lastSystemEvent)
}

@Suite("ITCH handler drives an OrderBookSink")
struct ITCHHandlerTests {
    @Test func stockDirectoryDefinesTheInstrument() {
        let r = drive([encoded {
            $0.stockDirectory(header(10), stock: spy, marketCategory: 0x50, financialStatusIndicator: 0x20, roundLotSize: 100,
                              roundLotsOnly: 0x4E, issueClassification: 0x51, issueSubType: 0x4520, authenticity: 0x50,
                              shortSaleThresholdIndicator: 0x4E, ipoFlag: 0x20, luldReferencePriceTier: 0x31, etpFlag: 0x59,
                              etpLeverageFactor: 1, inverseIndicator: 0x4E)
        }])
        #expect(r.calls == [.define(locate: 12, symbol: spy, roundLot: 100, times: times(10))])
    }

    @Test func addOrdersCarryAttributionOnlyForF() {
        let r = drive([
            encoded { $0.addOrder(header(20), reference: 5, side: 0x42, shares: 100, stock: spy, price: Price4(rawValue: 4_500_000)) },
            encoded { $0.addOrder(header(21), reference: 6, side: 0x53, shares: 200, stock: spy, price: Price4(rawValue: 4_500_100), attribution: 0x4753_434F) },
        ])
        #expect(r.calls == [
            .add(locate: 12, reference: 5, side: .buy, shares: 100, price: Price4(rawValue: 4_500_000), attribution: 0, times: times(20)),
            .add(locate: 12, reference: 6, side: .sell, shares: 200, price: Price4(rawValue: 4_500_100), attribution: 0x4753_434F, times: times(21)),
        ])
    }

    @Test func executionsCancelsDeletesAndReplaces() {
        let r = drive([
            encoded { $0.orderExecuted(header(30), reference: 5, shares: 40, matchNumber: 1000) },
            encoded { $0.orderExecutedWithPrice(header(31), reference: 5, shares: 10, matchNumber: 1001, printable: 0x4E, price: Price4(rawValue: 4_499_900)) },
            encoded { $0.orderCancel(header(32), reference: 6, shares: 50) },
            encoded { $0.orderDelete(header(33), reference: 6) },
            encoded { $0.orderReplace(header(34), original: 5, replacement: 7, shares: 30, price: Price4(rawValue: 4_500_200)) },
        ])
        #expect(r.calls == [
            .execute(locate: 12, reference: 5, shares: 40, matchNumber: 1000, price: nil, printable: true, times: times(30)),
            .execute(locate: 12, reference: 5, shares: 10, matchNumber: 1001, price: Price4(rawValue: 4_499_900), printable: false, times: times(31)),
            .cancel(locate: 12, reference: 6, shares: 50, times: times(32)),
            .delete(locate: 12, reference: 6, times: times(33)),
            .replace(locate: 12, original: 5, replacement: 7, shares: 30, price: Price4(rawValue: 4_500_200), times: times(34)),
        ])
    }

    @Test func tradingStateTradesAndBrokenTrades() {
        let r = drive([
            encoded { $0.stockTradingAction(header(40), stock: spy, tradingState: 0x48, reason: 0x4C55_4450) },
            encoded { $0.stockTradingAction(header(41), stock: spy, tradingState: 0x54, reason: 0x2020_2020) },
            encoded { $0.trade(header(42), side: 0x42, shares: 300, stock: spy, price: Price4(rawValue: 4_500_000), matchNumber: 2000) },
            encoded { $0.crossTrade(header(43), shares: 1 << 33, stock: spy, price: Price4(rawValue: 4_510_000), matchNumber: 2001, crossType: 0x43) },
            encoded { $0.brokenTrade(header(44), matchNumber: 2000) },
        ])
        #expect(r.calls == [
            .tradingState(locate: 12, state: .halted, times: times(40)),
            .tradingState(locate: 12, state: .trading, times: times(41)),
            .trade(locate: 12, kind: .nonCross(side: .buy), shares: 300, price: Price4(rawValue: 4_500_000), matchNumber: 2000, times: times(42)),
            .trade(locate: 12, kind: .cross(crossType: 0x43), shares: 1 << 33, price: Price4(rawValue: 4_510_000), matchNumber: 2001, times: times(43)),
            .broken(locate: 12, matchNumber: 2000, times: times(44)),
        ])
        for result in r.results {
            guard case .applied = result else { Issue.record("\(result)"); continue }
        }
    }

    @Test func sinkRefusalsAreCountedPerReasonAndReturned() {
        let add = encoded { $0.addOrder(header(50), reference: 5, side: 0x42, shares: 1, stock: spy, price: Price4(rawValue: 1)) }
        let r = drive([add, add, add], reject: .duplicateOrder)
        #expect(r.rejects[.duplicateOrder] == 3 && r.rejects.total == 3)
        for result in r.results {
            guard case .bookRejected(.addOrder, .duplicateOrder) = result else { Issue.record("\(result)"); continue }
        }
    }

    @Test func nonBookMessagesComeBackAsEventsAndTouchNoBook() {
        let h = header(60)
        let messages: [[UInt8]] = [
            encoded { $0.systemEvent(h, eventCode: 0x4F) },
            encoded { $0.regSHORestriction(h, stock: spy, regSHOAction: 0x31) },
            encoded { $0.marketParticipantPosition(h, mpid: 1, stock: spy, primaryMarketMaker: 0x59, marketMakerMode: 0x4E, marketParticipantState: 0x41) },
            encoded { $0.mwcbDeclineLevel(h, level1: Price8(rawValue: 1), level2: Price8(rawValue: 2), level3: Price8(rawValue: 3)) },
            encoded { $0.mwcbStatus(h, breachedLevel: 0x31) },
            encoded { $0.ipoQuotingPeriodUpdate(h, stock: spy, releaseTime: 1, releaseQualifier: 0x41, ipoPrice: .zero) },
            encoded { $0.luldAuctionCollar(h, stock: spy, referencePrice: .zero, upperPrice: .zero, lowerPrice: .zero, extensions: 0) },
            encoded { $0.operationalHalt(h, stock: spy, marketCode: 0x51, action: 0x48) },
            encoded { $0.noii(h, pairedShares: 1, imbalanceShares: 2, imbalanceDirection: 0x42, stock: spy, farPrice: .zero, nearPrice: .zero, currentReferencePrice: .zero, crossType: 0x4F, priceVariationIndicator: 0x4C) },
            encoded { $0.rpii(h, stock: spy, interestFlag: 0x41) },
            encoded { $0.dlcrPriceDiscovery(h, stock: spy, openEligibilityStatus: 0x59, minimumAllowablePrice: .zero, maximumAllowablePrice: .zero, nearExecutionPrice: .zero, nearExecutionTime: 0, lowerPriceRangeCollar: .zero, upperPriceRangeCollar: .zero) },
            encoded { $0.systemEvent(h, eventCode: 0x43) },
        ]
        var handler = ITCHHandler(sink: RecordingSink())
        var types: [ITCHMessageType] = []
        for m in messages {
            m.withUnsafeBytes { bytes in
                if case .event(let e) = handler.handle(bytes, stamps: frameStamps) { types.append(e.type) }
            }
        }
        #expect(types == [.systemEvent, .regSHORestriction, .marketParticipantPosition, .mwcbDeclineLevel, .mwcbStatus,
                          .ipoQuotingPeriodUpdate, .luldAuctionCollar, .operationalHalt, .noii, .rpii, .dlcrPriceDiscovery,
                          .systemEvent])
        #expect(handler.sink.calls.isEmpty)
        #expect(handler.endOfMessages && handler.lastSystemEvent == 0x43)
        #expect(handler.decoder.counters.messages(.systemEvent) == 2)
    }

    @Test func decodeRefusalsNeverReachTheSink() {
        let bad = encoded { $0.addOrder(header(70), reference: 5, side: 0x58, shares: 1, stock: spy, price: Price4(rawValue: 1)) }
        let r = drive([bad, [], [0x41, 0x00]])
        #expect(r.calls.isEmpty)
        #expect(r.rejects.total == 0)
        for result in r.results {
            guard case .decodeRejected = result else { Issue.record("\(result)"); continue }
        }
    }
}
