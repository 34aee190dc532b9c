import Testing
import VegaCore
@testable import VegaOrderEntry

/// Each way an OUCH message can be malformed is refused with its own reason and counted.
@Suite struct OUCHRejectTests {
    func enter(appendage: [UInt8] = []) -> [UInt8] {
        let m = OUCHEnterOrder(userRefNum: 1, side: .buy, quantity: 100, symbol: aapl, price: Price4(rawValue: 1_000_000))
        return encoded { o in appendage.withUnsafeBytes { m.encode(into: o, appendage: $0) } }
    }

    func inboundError(_ bytes: [UInt8]) -> OUCHDecodeError? {
        bytes.withUnsafeBytes { raw -> OUCHDecodeError? in
            do throws(OUCHDecodeError) { _ = try OUCHDecoder.parseInbound(raw); return nil } catch { return error }
        }
    }

    func outboundError(_ bytes: [UInt8]) -> OUCHDecodeError? {
        bytes.withUnsafeBytes { raw -> OUCHDecodeError? in
            do throws(OUCHDecodeError) { _ = try OUCHDecoder.parseOutbound(raw); return nil } catch { return error }
        }
    }

    @Test func shortMessagesAreTruncated() {
        #expect(inboundError([]) == .truncated)
        #expect(inboundError(Array(enter().dropLast())) == .truncated)
        var declared = enter()
        declared[46] = 4  // says 4 appendage bytes follow; none do
        #expect(inboundError(declared) == .truncated)
        #expect(outboundError([0x45, 0, 0]) == .truncated)
    }

    @Test func extraBytesAreBadLength() {
        #expect(inboundError(enter() + [0]) == .badLength)
        #expect(inboundError(encoded { OUCHCancelOrder(userRefNum: 1, quantity: 0).encode(into: $0) } + [0]) == .badLength)
        #expect(outboundError(encoded { OUCHSystemEvent(timestamp: ts, eventCode: .endOfDay).encode(into: $0) } + [0, 0]) == .badLength)
    }

    @Test func typesOutsideTheDirectionAreUnknown() {
        #expect(inboundError([0x5A]) == .unknownType)
        #expect(inboundError(encoded { OUCHSystemEvent(timestamp: ts, eventCode: .endOfDay).encode(into: $0) }) == .unknownType)
        #expect(outboundError(enter()) == .unknownType)  // 'O' is inbound only
    }

    @Test func unlistedEnumValuesAreRefused() {
        var side = enter(); side[5] = UInt8(ascii: "Z")
        #expect(inboundError(side) == .badEnumValue)
        var tif = enter(); tif[26] = UInt8(ascii: "9")
        #expect(inboundError(tif) == .badEnumValue)
        var flag = encoded { OUCHOrderExecuted(timestamp: ts, userRefNum: 1, quantity: 1, price: .zero, liquidityFlag: .added, matchNumber: 1).encode(into: $0) }
        flag[25] = UInt8(ascii: "?")
        #expect(outboundError(flag) == .badEnumValue)
        var reason = encoded { OUCHOrderRejected(timestamp: ts, userRefNum: 1, reason: .halted, clOrdID: clOrd).encode(into: $0) }
        reason[13] = 0; reason[14] = 0x2B  // 0x002B: past Appendix D
        #expect(outboundError(reason) == .badEnumValue)
        var aiq = encoded { OUCHAIQCanceled(timestamp: ts, userRefNum: 1, decrementShares: 1, quantityPreventedFromTrading: 1, executionPrice: .zero, liquidityFlag: .added, aiqStrategy: 0x20).encode(into: $0) }
        aiq[17] = UInt8(ascii: "U")  // 3.5: always 'Q'
        #expect(outboundError(aiq) == .badEnumValue)
    }

    @Test func malformedAppendagesAreRefusedAndUnknownTagsSkipped() {
        #expect(inboundError(enter(appendage: [0x00])) == .badAppendage)  // element length 0: no tag
        #expect(inboundError(enter(appendage: [0x05, 0x02, 0x56])) == .badAppendage)  // runs past the end
        #expect(inboundError(enter(appendage: [0x04, 0x02, 0x56, 0x45, 0x47])) == .badAppendage)  // Firm is 4 bytes, not 3
        #expect(inboundError(enter(appendage: [0x02, 0x03, 0x01])) == .badAppendage)  // MinQty is 4 bytes
        // A tag Appendix B does not list (here 99, 3 bytes) is skipped; the known one after it is read.
        let bytes = enter(appendage: [0x04, 99, 1, 2, 3, 0x05, 0x03, 0, 0, 0, 200])
        bytes.withUnsafeBytes { raw in
            guard case .enterOrder(let v)? = try? OUCHDecoder.parseInbound(raw) else { Issue.record("refused"); return }
            #expect(v.appendage.elementCount == 2)
            #expect(v.appendage.minQty == 200)
        }
    }

    @Test func theDecoderCountsEachReasonSeparately() {
        var d = OUCHDecoder()
        let inputs: [[UInt8]] = [[], [0x5A], enter() + [0], { var s = enter(); s[5] = 0; return s }(), enter(appendage: [0]), enter()]
        for i in inputs { _ = i.withUnsafeBytes { d.decodeInbound($0) } }
        #expect(d.counters.truncated == 1)
        #expect(d.counters.unknownType == 1)
        #expect(d.counters.badLength == 1)
        #expect(d.counters.badEnumValue == 1)
        #expect(d.counters.badAppendage == 1)
        #expect(d.counters.decoded == 1)
        for r in OUCHDecodeError.allCases { #expect(d.counters[r] == 1) }
    }
}

@Suite struct OUCHFieldValueTests {
    /// Appendix E's flags are exactly the valid ones, for every byte (the check is a bit table).
    @Test func liquidityFlagsValidAreExactlyAppendixE() {
        let listed = Set("ACeHiJjkKLMmNnOpqRrtu0781".utf8)
        for b in 0...255 { #expect(OUCHLiquidityFlag(rawValue: UInt8(b)).isValid == listed.contains(UInt8(b)), "byte \(b)") }
        #expect(Set(OUCHLiquidityFlag.allCases.map(\.rawValue)) == listed)
    }
}
