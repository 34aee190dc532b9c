import Testing
import VegaCore
@testable import VegaOrderEntry

/// Data bytes with SOH, '=' and what looks like a CheckSum and a BeginString inside.
let fixPerfTrickyData = "a\u{01}b=c\u{01}10=123\u{01}8=FIX.4.4\u{01}"

@Suite("FIX length-prefixed data fields")
struct FIXRawDataTests {
    @Test("RawData (95/96) in a Logon: SOH and '=' inside are data, the message parses and validates")
    func rawDataInLogon() throws {
        let n = fixPerfTrickyData.utf8.count
        let bytes = fixBytes(header("A", seq: 1) + "98=0|108=30|95=\(n)|96=" + fixPerfTrickyData + "|")
        #expect(parseError(bytes) == nil)
        #expect(validate(bytes) == .valid)
        let m = try #require(FIXMessage(bytes: bytes))
        #expect(m[96] == fixPerfTrickyData)
        #expect(m.int(95) == Int64(n))
        #expect(m.contains(108) && m[10] != nil)
        #expect(m.bodyFields.map(\.tag) == [98, 108, 95, 96])
    }

    @Test("EncodedText (354/355) in a NewOrderSingle, SOH and '=' inside; the fields after it still parse")
    func encodedTextInOrder() throws {
        let n = fixPerfTrickyData.utf8.count
        let bytes = fixBytes(header("D", seq: 2) + "11=O1|55=VGA|54=1|60=20261122-10:00:00|354=\(n)|355=" + fixPerfTrickyData + "|38=100|40=1|")
        #expect(validate(bytes) == .valid)
        let m = try #require(FIXMessage(bytes: bytes))
        #expect(m[355] == fixPerfTrickyData)
        #expect(m[38] == "100" && m[40] == "1")
    }

    @Test("a data length that does not end on a SOH, or runs past the message, is garbled (badDataLength)")
    func wrongLengths() {
        let n = fixPerfTrickyData.utf8.count
        for wrong in [n + 1, 0, 10_000] {
            let bytes = fixBytes(header("A", seq: 1) + "98=0|108=30|95=\(wrong)|96=" + fixPerfTrickyData + "|")
            #expect(parseError(bytes) == .badDataLength, "length \(wrong)")
        }
        // Lengths that land on a SOH inside the data: what follows is not a field, so garbled too.
        for wrong in [n - 1, 1] {
            let bytes = fixBytes(header("A", seq: 1) + "98=0|108=30|95=\(wrong)|96=" + fixPerfTrickyData + "|")
            #expect(parseError(bytes) != nil, "length \(wrong)")
        }
        // Not a number: garbled too; a data field without its length field ends at the first SOH.
        #expect(parseError(fixBytes(header("A", seq: 1) + "98=0|108=30|95=x|96=abc|")) == .badDataLength)
        #expect(parseError(fixBytes(header("A", seq: 1) + "98=0|108=30|96=abc|")) == nil)
        #expect(parseError(fixBytes(header("A", seq: 1) + "98=0|108=30|95=-3|96=abc|")) == .badDataLength)
        // A length without its data field is still checked as an integer (373=6, 371=95).
        #expect(validate(fixBytes(header("A", seq: 1) + "98=0|108=30|95=x|")) == .reject(FIXRejection(.incorrectDataFormat, tag: 95)))
    }

    @Test("FIXEncoder.append(_:data:) writes the length and the bytes; they parse back exactly")
    func encoderData() throws {
        var enc = FIXEncoder()
        enc.begin(.logon)
        enc.append(49, string: "CLIENT")
        enc.append(56, string: "EXEC")
        enc.append(34, int: 1)
        enc.append(52, timestamp: at(0))
        enc.append(98, char: UInt8(ascii: "0"))
        enc.append(108, int: 30)
        Array(fixPerfTrickyData.utf8).withUnsafeBytes { enc.append(96, data: $0) }
        let finished = enc.finish().map { Array($0) }
        let bytes = try #require(finished)
        #expect(validate(bytes) == .valid)
        #expect(FIXMessage(bytes: bytes)?[96] == fixPerfTrickyData)
    }

    @Test("a session delivers EncodedText with SOH inside, and resends it intact with PossDupFlag after a loss")
    func sessionDeliversAndResendsData() {
        let p = FIXSessionPair()
        p.connect()
        let n = fixPerfTrickyData.utf8.count
        let order = FIXOutgoingMessage(.newOrderSingle, [(11, "O1"), (55, "VGA"), (54, "1"), (60, "20261122-10:00:00"),
                                                         (354, "\(n)"), (355, fixPerfTrickyData), (38, "100"), (40, "1")])
        p.drop = { side, m in side == "client" && m.msgType == .newOrderSingle }
        p.send("client", order)
        p.drop = { _, _ in false }
        p.now = at(1)
        p.send("client", FIXSessionPair.order("O2"))
        #expect(p.delivered["exec"]!.map { $0[11] } == ["O1", "O2"])
        #expect(p.delivered["exec"]!.first?[355] == fixPerfTrickyData)
        let resent = p.wire["client"]!.filter { $0[43] == "Y" && $0[11] == "O1" }
        #expect(resent.count == 1 && resent.first?[355] == fixPerfTrickyData)
        #expect(p.events["exec"]!.allSatisfy { if case .garbled = $0 { false } else { true } })
    }
}
