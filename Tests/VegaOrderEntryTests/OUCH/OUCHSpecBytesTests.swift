import Testing
import VegaCore
@testable import VegaOrderEntry

/// Byte vectors written by hand from the OUCH 5.0 tables (offsets and widths of sections 2.1, 3.1,
/// 3.6, 3.8 and the TagValue layout), checked against the encoders and the decoder: if a field's
/// offset, width or byte order were wrong, both directions would fail here.
@Suite struct OUCHSpecBytesTests {
    // 2.1: O, UserRefNum=1, B, Quantity=100, "AAPL    ", Price=$150.2500, 0 Y A N N, "ORDER1"+8 spaces,
    // Appendage Length=6, then one TagValue: Length=5 (tag + 4), OptionTag=2 (Firm), "VEGA".
    let enterOrderBytes: [UInt8] = [
        0x4F,
        0x00, 0x00, 0x00, 0x01,
        0x42,
        0x00, 0x00, 0x00, 0x64,
        0x41, 0x41, 0x50, 0x4C, 0x20, 0x20, 0x20, 0x20,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x16, 0xED, 0x24,
        0x30, 0x59, 0x41, 0x4E, 0x4E,
        0x4F, 0x52, 0x44, 0x45, 0x52, 0x31, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
        0x00, 0x06,
        0x05, 0x02, 0x56, 0x45, 0x47, 0x41,
    ]

    // 3.6: E, Timestamp=34,200,000,000,123 ns (09:30:00.000000123), UserRefNum=1, Quantity=100,
    // Price=$150.2500, Liquidity Flag R, Match Number=123,456,789, Appendage Length=0.
    let executedBytes: [UInt8] = [
        0x45,
        0x00, 0x00, 0x1F, 0x1A, 0xCE, 0xD9, 0xF0, 0x7B,
        0x00, 0x00, 0x00, 0x01,
        0x00, 0x00, 0x00, 0x64,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x16, 0xED, 0x24,
        0x52,
        0x00, 0x00, 0x00, 0x00, 0x07, 0x5B, 0xCD, 0x15,
        0x00, 0x00,
    ]

    @Test func enterOrderMatchesTheSpecLayoutBothWays() throws {
        let order = OUCHEnterOrder(userRefNum: 1, side: .buy, quantity: 100, symbol: OUCHSymbol("AAPL")!,
                                   price: Price4(rawValue: 1_502_500), timeInForce: .day, display: .visible,
                                   capacity: .agency, intermarketSweep: .notEligible, crossType: .continuous,
                                   clOrdID: OUCHClOrdID("ORDER1")!)
        let app: [UInt8] = [0x05, 0x02, 0x56, 0x45, 0x47, 0x41]
        #expect(encoded { o in app.withUnsafeBytes { order.encode(into: o, appendage: $0) } } == enterOrderBytes)
        let w = encoded { o in
            var w = OUCHAppendageWriter(buffer: o)
            w.append(.firm, uint32: OUCHFirm("VEGA")!.rawValue)
            return w.written
        }
        #expect(w == app)
        try enterOrderBytes.withUnsafeBytes { raw in
            guard case .enterOrder(let v) = try OUCHDecoder.parseInbound(raw) else { Issue.record("case"); return }
            #expect(v.message == order)
            #expect(v.price == Price4(rawValue: 1_502_500))
            #expect(v.symbol.description == "AAPL")
            #expect(v.clOrdID.description == "ORDER1")
            #expect(v.appendage.firm?.description == "VEGA")
        }
    }

    @Test func orderExecutedMatchesTheSpecLayoutBothWays() throws {
        let executed = OUCHOrderExecuted(timestamp: OUCHTimestamp(nanoseconds: 34_200_000_000_123), userRefNum: 1,
                                         quantity: 100, price: Price4(rawValue: 1_502_500), liquidityFlag: .removed,
                                         matchNumber: 123_456_789)
        #expect(encoded { executed.encode(into: $0) } == executedBytes)
        try executedBytes.withUnsafeBytes { raw in
            guard case .orderExecuted(let v) = try OUCHDecoder.parseOutbound(raw) else { Issue.record("case"); return }
            #expect(v.message == executed)
        }
    }

    @Test func systemEventRejectedAndCanceledMatchTheirTables() throws {
        // 3.1: S, Timestamp, Event Code 'S'.
        let se: [UInt8] = [0x53, 0, 0, 0, 0, 0, 0, 0, 0x2A, 0x53]
        #expect(encoded { OUCHSystemEvent(timestamp: OUCHTimestamp(nanoseconds: 42), eventCode: .startOfDay).encode(into: $0) } == se)
        // 3.8: J, Timestamp, UserRefNum=5, Reason=0x001D (Invalid Price, 2 bytes), ClOrdID "X"+13 spaces.
        let j: [UInt8] = [0x4A, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 5, 0x00, 0x1D, 0x58]
            + [UInt8](repeating: 0x20, count: 13)
        try j.withUnsafeBytes { raw in
            guard case .orderRejected(let v) = try OUCHDecoder.parseOutbound(raw) else { Issue.record("case"); return }
            #expect(v.userRefNum == 5 && v.reason == .invalidPrice && v.clOrdID.description == "X")
        }
        // 3.4: C, Timestamp, UserRefNum=5, Quantity=100, Reason 'U'.
        let c: [UInt8] = [0x43, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0, 100, 0x55]
        try c.withUnsafeBytes { raw in
            guard case .orderCanceled(let v) = try OUCHDecoder.parseOutbound(raw) else { Issue.record("case"); return }
            #expect(v.quantity == 100 && v.reason == .userRequested)
        }
        // 2.3: X, UserRefNum=5, Quantity=0 (cancel all).
        #expect(encoded { OUCHCancelOrder(userRefNum: 5, quantity: 0).encode(into: $0) } == [0x58, 0, 0, 0, 5, 0, 0, 0, 0])
    }
}
