import Testing
import VegaCore
@testable import VegaOrderEntry
import VegaTestSupport

@Suite("FIX codec: parse, validate, encode")
struct FIXCodecTests {
    @Test("a NewOrderSingle with a Parties group parses, validates, and its typed fields read back exactly")
    func parseValidNewOrderSingle() {
        let bytes = fixBytes(validNOSBody)
        var index = FIXFieldIndex()
        bytes.withUnsafeBytes { raw in
            #expect(index.parse(raw) == nil)
            let v = index.view
            #expect(FIXValidator().validate(v) == .valid)
            #expect(v.msgType == .newOrderSingle)
            #expect(v.int(34) == 2)
            #expect(v.string(11) == "ORD1")
            #expect(v.char(54) == UInt8(ascii: "1"))
            #expect(v.quantity(38) == Quantity(100))
            #expect(v.price(44, as: Price4.self)?.rawValue == 1_002_500)
            #expect(v.price(44, as: Price8.self)?.rawValue == 10_025_000_000)
            #expect(v.timestamp(60) == at(0))
        }
    }

    @Test("encoder output parses back with the same fields, BodyLength and CheckSum")
    func encoderRoundTrip() {
        var enc = FIXEncoder()
        enc.begin(.executionReport)
        enc.append(49, string: "EXEC")
        enc.append(56, string: "CLIENT")
        enc.append(34, int: 7)
        enc.append(52, timestamp: at(1.234))
        enc.append(37, string: "O1")
        enc.append(17, string: "E1")
        enc.append(150, char: UInt8(ascii: "F"))
        enc.append(39, char: UInt8(ascii: "2"))
        enc.append(55, string: "VGA")
        enc.append(54, char: UInt8(ascii: "1"))
        enc.append(151, quantity: Quantity(0))
        enc.append(14, quantity: Quantity(100))
        enc.append(6, price: Price4(rawValue: 1_000_001))
        enc.append(31, price: Price4(rawValue: -5))
        enc.append(32, quantity: Quantity(100))
        let out = enc.finish()
        #expect(out != nil)
        let bytes = Array(out ?? UnsafeRawBufferPointer(start: nil, count: 0))
        #expect(String(decoding: bytes.prefix(10), as: UTF8.self) == "8=FIX.4.4\u{01}")
        var index = FIXFieldIndex()
        bytes.withUnsafeBytes { raw in
            #expect(index.parse(raw) == nil)
            let v = index.view
            #expect(FIXValidator().validate(v) == .valid)
            #expect(v.string(52) == "20261122-10:00:01.234")
            #expect(v.string(6) == "100.0001")
            #expect(v.string(31) == "-0.0005")
            #expect(v.price(6, as: Price4.self)?.rawValue == 1_000_001)
            #expect(v.price(31, as: Price4.self)?.rawValue == -5)
            #expect(v.string(151) == "0")
        }
        // The same bytes as the test helper computes independently.
        let sohs = bytes.indices.filter { bytes[$0] == 0x01 }
        let body = String(decoding: bytes[(sohs[1] + 1)...].dropLast(7), as: UTF8.self)
        #expect(fixBytes(body.replacingSOH) == bytes)
    }

    @Test("encoder refuses a message larger than its buffer instead of trapping")
    func encoderOverflow() {
        var enc = FIXEncoder(capacity: 128)
        enc.begin(.newOrderSingle)
        enc.append(58, string: String(repeating: "x", count: 200))
        #expect(enc.finish() == nil)
        enc.begin(.heartbeat)
        #expect(enc.finish() != nil)
    }

    @Test("wrong CheckSum, wrong BodyLength, bad header order are garbled with the right reason")
    func garbledReasons() {
        #expect(parseError(fixBytes(validNOSBody, checksum: "000")) == .badCheckSum)
        #expect(parseError(fixBytes(validNOSBody, checksum: "1x2")) == .badCheckSum)
        #expect(parseError(fixBytes(validNOSBody, bodyLength: 10)) == .bodyLengthMismatch)
        #expect(parseError(Array("9=5\u{01}8=FIX.4.4\u{01}35=0\u{01}10=000\u{01}".utf8)) == .missingBeginString)
        #expect(parseError(fixBytes("49=A|35=0|")) == .missingMsgType)
        #expect(parseError(Array("8=FIX.4.4\u{01}9=5\u{01}35=0\u{01}x=1\u{01}10=000\u{01}".utf8)) == .malformedField)
        #expect(parseError(Array(fixBytes(validNOSBody).dropLast())) == .malformedField)
    }

    @Test("each dictionary violation maps to its SessionRejectReason and RefTagID", arguments: [
        // (body, reason, RefTagID)
        (header("D", seq: 2) + "11=A|55=X|54=1|60=20261122-10:00:00|38=1|40=1|4000=1|", 0, 4000),
        (header("D", seq: 2) + "55=X|54=1|60=20261122-10:00:00|38=1|40=1|", 1, 11),
        ("35=D|56=EXEC|34=2|52=20261122-10:00:00|11=A|55=X|54=1|60=20261122-10:00:00|38=1|40=1|", 1, 49),
        (header("D", seq: 2) + "11=A|55=X|54=1|60=20261122-10:00:00|38=1|40=1|150=0|", 2, 150),
        (header("D", seq: 2) + "11=A|55=X|54=1|60=20261122-10:00:00|38=1|40=1|5001=x|", 3, 5001),
        (header("D", seq: 2) + "11=A|55=X|54=1|60=20261122-10:00:00|38=1|40=1|58=|", 4, 58),
        (header("D", seq: 2) + "11=A|55=X|54=Z|60=20261122-10:00:00|38=1|40=1|", 5, 54),
        (header("D", seq: 2) + "11=A|55=X|54=1|60=20261122-10:00:00|38=1|40=1|59=9|", 5, 59),
        (header("8", seq: 2) + "37=O|17=E|150=X|39=0|55=X|54=1|151=1|14=0|6=0|", 5, 150),
        (header("8", seq: 2) + "37=O|17=E|150=0|39=Q|55=X|54=1|151=1|14=0|6=0|", 5, 39),
        (header("D", seq: 2) + "11=A|55=X|54=1|60=20261122-10:00:00|38=abc|40=1|", 6, 38),
        (header("D", seq: 2) + "11=A|55=X|54=1|60=2026-11-22|38=1|40=1|", 6, 60),
        (header("D", seq: 2) + "11=A|55=X|54=1|60=20261122-10:00:00|38=1|40=1|44=1.2.3|", 6, 44),
        (header("A", seq: 1) + "98=0|108=x|", 6, 108),
        (header("ZZ", seq: 2), 11, 35),
        (header("D", seq: 2) + "11=A|55=X|55=Y|54=1|60=20261122-10:00:00|38=1|40=1|", 13, 55),
        (header("D", seq: 2) + "11=A|49=CLIENT|55=X|54=1|60=20261122-10:00:00|38=1|40=1|", 14, 49),
        (header("D", seq: 2) + "11=A|453=1|447=D|448=P|55=X|54=1|60=20261122-10:00:00|38=1|40=1|", 15, 447),
        (header("D", seq: 2) + "11=A|448=P|55=X|54=1|60=20261122-10:00:00|38=1|40=1|", 15, 448),
        (header("D", seq: 2) + "11=A|453=1|448=P|447=D|447=D|55=X|54=1|60=20261122-10:00:00|38=1|40=1|", 15, 447),
        (header("D", seq: 2) + "11=A|453=2|448=P|447=D|55=X|54=1|60=20261122-10:00:00|38=1|40=1|", 16, 453),
        (header("D", seq: 2) + "11=A|453=1|448=P|448=Q|55=X|54=1|60=20261122-10:00:00|38=1|40=1|", 16, 453),
        (header("4", seq: 2) + "36=x|", 6, 36),
        (header("2", seq: 2) + "7=1|", 1, 16),
    ])
    func rejectReasons(body: String, reason: Int, tag: Int) throws {
        let result = try #require(validate(fixBytes(body)))
        #expect(result == .reject(FIXRejection(FIXSessionRejectReason(rawValue: reason)!, tag: UInt32(tag))))
    }

    @Test("a FIX 4.4 MsgType Vega does not handle is unsupported (BusinessMessageReject), not invalid")
    func unsupportedMsgType() {
        #expect(validate(fixBytes(header("R", seq: 2) + "131=Q|")) == .unsupportedMessageType)
        #expect(validate(fixBytes(header("AE", seq: 2))) == .unsupportedMessageType)
        #expect(validate(fixBytes(header("#", seq: 2))) == .reject(FIXRejection(.invalidMsgType, tag: 35)))
    }

    @Test("user-defined tags are accepted only when allowed")
    func userDefinedTags() {
        let b = fixBytes(header("0", seq: 2) + "5001=x|")
        #expect(validate(b) == .reject(FIXRejection(.undefinedTag, tag: 5001)))
        #expect(validate(b, validator: FIXValidator(allowUserDefinedTags: true)) == .valid)
    }

    @Test("every message of the dictionary validates in its minimal form")
    func minimalMessagesValidate() {
        let bodies = [
            header("A", seq: 1) + "98=0|108=30|141=Y|553=u|554=p|",
            header("0", seq: 2), header("1", seq: 2) + "112=T|", header("2", seq: 2) + "7=1|16=0|",
            header("3", seq: 2) + "45=1|371=54|372=D|373=5|58=x|", header("4", seq: 2) + "123=Y|36=9|",
            header("5", seq: 2) + "58=bye|",
            header("F", seq: 2) + "41=A|11=B|55=X|54=1|60=20261122-10:00:00|38=100|",
            header("G", seq: 2) + "41=A|11=B|55=X|54=2|60=20261122-10:00:00|38=100|40=2|44=9.5|",
            header("H", seq: 2) + "11=A|55=X|54=1|",
            header("8", seq: 2) + "37=O|11=A|17=E|150=F|39=1|55=X|54=1|38=100|151=50|14=50|6=10|31=10|32=50|",
            header("9", seq: 2) + "37=O|11=B|41=A|39=8|434=1|102=1|58=unknown|",
            header("j", seq: 2) + "45=3|372=R|380=3|58=no|",
        ]
        for body in bodies {
            #expect(validate(fixBytes(body)) == .valid, "\(body)")
        }
    }

    @Test("UTCTimestamp formatting and parsing agree, including leap years and fractions")
    func timestamps() {
        for seconds in [0.0, 0.001, 59.999, 86_399.5, 40_000_000.123] {
            let t = at(seconds)
            let text = FIXTimestampFormat.string(t)
            let parsed = Array(text.utf8).withUnsafeBytes { FIXTimestampFormat.parse($0) }
            #expect(parsed == Timestamp(nanoseconds: t.nanoseconds / 1_000_000 * 1_000_000))
        }
        let leap = Array("20240229-23:59:59.123456".utf8).withUnsafeBytes { FIXTimestampFormat.parse($0) }
        #expect(leap?.nanoseconds == 1_709_251_199_123_456_000)
        #expect(Array("20230229-00:00:00".utf8).withUnsafeBytes { FIXTimestampFormat.parse($0) } == nil)
        #expect(Array("20231301-00:00:00".utf8).withUnsafeBytes { FIXTimestampFormat.parse($0) } == nil)
        #expect(FIXTimestampFormat.string(Timestamp(nanoseconds: 0)) == "19700101-00:00:00.000")
    }

    @Test("the validator's fast UTCTimestamp check agrees with the full parser on 50k seeded inputs")
    func timestampFastCheckAgrees() {
        var rng = SplitMix64(seed: 42)
        let alphabet = Array("0123456789-:.x".utf8)
        for i in 0..<50_000 {
            var text = Array(FIXTimestampFormat.string(Timestamp(nanoseconds: rng.next() % 4_000_000_000_000_000_000)).utf8)
            if i % 2 == 1 { text[rng.below(text.count)] = alphabet[rng.below(alphabet.count)] }
            if i % 7 == 0 { text = Array(text.prefix(17)) }
            let (fast, full) = text.withUnsafeBytes { (FIXTimestampFormat.isValid($0), FIXTimestampFormat.parse($0) != nil) }
            #expect(fast == full, "\(String(decoding: text, as: UTF8.self))")
            if fast != full { break }
        }
    }

    @Test("decimal prices convert exactly and refuse what would need rounding")
    func prices() {
        func p4(_ s: String) -> Int64? { Array(s.utf8).withUnsafeBytes { FIXView.parsePrice($0, as: Price4.self)?.rawValue } }
        #expect(p4("100") == 1_000_000)
        #expect(p4("100.25") == 1_002_500)
        #expect(p4("-0.0001") == -1)
        #expect(p4("1.23450") == 12_345)
        #expect(p4("1.23456") == nil)
        #expect(p4(".5") == 5_000)
        #expect(p4(".") == nil)
        #expect(p4("1e5") == nil)
        #expect(p4("99999999999999999999") == nil)
    }

    @Test("the framer finds messages in a stream with garbage, partial messages and a wrong BodyLength")
    func framing() {
        let m1 = fixBytes(header("0", seq: 1))
        let m2 = fixBytes(header("0", seq: 2), bodyLength: 5)
        let m3 = fixBytes(header("1", seq: 3) + "112=X|")
        let stream = Array("garbage\u{01}8=FI".utf8) + m1 + m2 + m3
        var found: [[UInt8]] = []
        var skipped: [FIXGarbledReason] = []
        var buffer: [UInt8] = []
        // Feed in 3-byte pieces to exercise partial frames.
        var offset = 0
        while offset < stream.count {
            buffer += stream[offset..<min(offset + 3, stream.count)]
            offset += 3
            loop: while true {
                let r = buffer.withUnsafeBytes { FIXFramer.next(in: $0, maxMessageSize: 4096) }
                switch r {
                case .needMore: break loop
                case .skip(let n, let reason):
                    skipped.append(reason)
                    buffer.removeFirst(n)
                case .message(let n):
                    found.append(Array(buffer.prefix(n)))
                    buffer.removeFirst(n)
                }
            }
        }
        #expect(found == [m1, m3])
        #expect(skipped.contains(.bodyLengthMismatch))
    }

    @Test("a BodyLength beyond the maximum is skipped, not waited for")
    func framerTooLarge() {
        let bytes = Array("8=FIX.4.4\u{01}9=999999999\u{01}35=0\u{01}".utf8)
        let r = bytes.withUnsafeBytes { FIXFramer.next(in: $0, maxMessageSize: 65_536) }
        #expect(r == .skip(count: 1, reason: .tooLarge))
    }

    @Test("100k seeded random and mutated inputs never crash the framer, parser or validator")
    func fuzz() {
        var rng = SplitMix64(seed: 0x5EED_F1A0)
        var index = FIXFieldIndex(capacity: 64)
        let validator = FIXValidator()
        let seed = fixBytes(validNOSBody)
        let alphabet: [UInt8] = Array("0123456789=|8935AD.-Y\u{01}".utf8)
        var valid = 0
        for i in 0..<100_000 {
            var input: [UInt8]
            if i % 2 == 0 {
                input = seed
                for _ in 0...rng.below(4) {
                    let pos = rng.below(input.count)
                    switch rng.below(3) {
                    case 0: input[pos] = alphabet[rng.below(alphabet.count)]
                    case 1: input.remove(at: pos)
                    default: input.insert(UInt8(truncatingIfNeeded: rng.next()), at: pos)
                    }
                }
            } else {
                input = (0..<rng.below(200)).map { _ in
                    rng.below(4) == 0 ? UInt8(truncatingIfNeeded: rng.next()) : alphabet[rng.below(alphabet.count)]
                }
                if rng.below(2) == 0 { input = Array("8=FIX.4.4\u{01}9=".utf8) + input }
            }
            input.withUnsafeBytes { raw in
                var rest = raw
                while rest.count > 0 {
                    switch FIXFramer.next(in: rest, maxMessageSize: 4096) {
                    case .needMore: rest = UnsafeRawBufferPointer(rebasing: rest[rest.count...])
                    case .skip(let n, _): rest = UnsafeRawBufferPointer(rebasing: rest[n...])
                    case .message(let n):
                        let frame = UnsafeRawBufferPointer(rebasing: rest[..<n])
                        if index.parse(frame) == nil, validator.validate(index.view) == .valid { valid += 1 }
                        rest = UnsafeRawBufferPointer(rebasing: rest[n...])
                    }
                }
                if index.parse(raw) == nil { _ = validator.validate(index.view) }
            }
        }
        // Some mutations leave the message intact (e.g. a digit replaced inside a value with the
        // checksum unchanged is garbled; a removed byte too): only a few stay valid.
        #expect(valid < 50_000)
    }
}

extension String {
    var replacingSOH: String { String(decoding: utf8.map { $0 == 0x01 ? UInt8(ascii: "|") : $0 }, as: UTF8.self) }
}
