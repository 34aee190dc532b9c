import Testing
@testable import VegaOrderEntry

@Suite struct SoupBinTCPFieldTests {
    func parse(_ s: String) -> UInt64? { Array(s.utf8).withUnsafeBytes { SoupBinTCPNumeric.parse($0.baseAddress!) } }

    @Test func sequenceNumbersAreAsciiDecimalLeftPaddedWithSpaces() {
        #expect(parse(String(repeating: " ", count: 19) + "1") == 1)
        #expect(parse("12345" + String(repeating: " ", count: 15)) == 12345)  // right-padded is tolerated
        #expect(parse(String(repeating: " ", count: 20)) == 0)
        #expect(parse("00000000000000000042") == 42)
        #expect(parse("18446744073709551615") == UInt64.max)
        #expect(parse("18446744073709551616") == nil)  // overflow
        #expect(parse("         12x34      ") == nil)
        #expect(parse("       12  34       ") == nil)
        var out = [UInt8](repeating: 0, count: 20)
        out.withUnsafeMutableBytes { SoupBinTCPNumeric.write(907, to: $0.baseAddress!) }
        #expect(String(decoding: out, as: UTF8.self) == String(repeating: " ", count: 17) + "907")
        out.withUnsafeMutableBytes { SoupBinTCPNumeric.write(UInt64.max, to: $0.baseAddress!) }
        #expect(String(decoding: out, as: UTF8.self) == "18446744073709551615")
    }

    @Test func sessionsCompareWhateverTheirPaddingAndCredentialsIgnoreCase() {
        let left = Array("  SESSION1".utf8).withUnsafeBytes { SoupBinTCPSessionID(wire: $0.baseAddress!) }
        let right = Array("SESSION1  ".utf8).withUnsafeBytes { SoupBinTCPSessionID(wire: $0.baseAddress!) }
        #expect(left == right && left == SoupBinTCPSessionID("SESSION1"))
        #expect(left?.description == "SESSION1")
        #expect(Array("          ".utf8).withUnsafeBytes { SoupBinTCPSessionID(wire: $0.baseAddress!) }?.isBlank == true)
        #expect(Array("SES\u{1}ION1  ".utf8).withUnsafeBytes { SoupBinTCPSessionID(wire: $0.baseAddress!) } == nil)
        #expect(SoupBinTCPCredential("vega", width: 6) == SoupBinTCPCredential("VEGA", width: 6))
        #expect(SoupBinTCPCredential("vega", width: 6) != SoupBinTCPCredential("VEGB", width: 6))
        #expect(SoupBinTCPCredential("toolong", width: 6) == nil)
        #expect(SoupBinTCPSessionID("ELEVENCHARS") == nil)
    }
}
