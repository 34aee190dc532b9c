import VegaCore
@testable import VegaOrderEntry
import VegaTestSupport

/// Builds a complete FIX 4.4 message from `body` written with `|` for SOH (starting at 35=),
/// with BodyLength and CheckSum computed — unless overridden to make a broken one.
func fixBytes(_ body: String, bodyLength: Int? = nil, checksum: String? = nil, begin: String = "FIX.4.4") -> [UInt8] {
    var b = Array(body.utf8).map { $0 == UInt8(ascii: "|") ? 0x01 : $0 }
    if b.last != 0x01 { b.append(0x01) }
    var msg = Array("8=\(begin)\u{01}9=\(bodyLength ?? b.count)\u{01}".utf8) + b
    let sum = msg.reduce(0) { ($0 + Int($1)) & 0xFF }
    let cs = checksum ?? String(repeating: "0", count: 3 - String(sum).count) + String(sum)
    msg += Array("10=\(cs)\u{01}".utf8)
    return msg
}

/// The header a counterparty CLIENT sends to EXEC with `seq` at 2026-11-22 10:00:00 UTC.
func header(_ type: String, seq: Int, sender: String = "CLIENT", target: String = "EXEC", time: String = "20261122-10:00:00.000") -> String {
    "35=\(type)|49=\(sender)|56=\(target)|34=\(seq)|52=\(time)|"
}

let validNOSBody = "35=D|49=CLIENT|56=EXEC|34=2|52=20261122-10:00:00.000|11=ORD1|453=2|448=TRADER1|447=D|452=11|448=FIRM|447=D|452=1|55=VGA|54=1|60=20261122-10:00:00.000|38=100|40=2|44=100.25|59=0|"

/// Parses and validates one message with a fresh index.
func validate(_ bytes: [UInt8], validator: FIXValidator = FIXValidator()) -> FIXValidation? {
    var index = FIXFieldIndex()
    return bytes.withUnsafeBytes { raw -> FIXValidation? in
        if index.parse(raw) != nil { return nil }
        return validator.validate(index.view)
    }
}

func parseError(_ bytes: [UInt8]) -> FIXGarbledReason? {
    var index = FIXFieldIndex()
    return bytes.withUnsafeBytes { index.parse($0) }
}

/// 2026-11-22 10:00:00 UTC plus `seconds`.
func at(_ seconds: Double) -> Timestamp<UTC> {
    Timestamp(nanoseconds: UInt64(1_795_341_600_000_000_000 + Int64((seconds * 1_000_000_000).rounded())))
}

extension SplitMix64 {
    /// In 0..<n, for fuzz inputs.
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
