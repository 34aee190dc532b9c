import CVegaSys
import Testing

@Suite struct CRC32CTests {
    @Test func knownVectorsMatchTheCastagnoliPolynomial() {
        let digits = Array("123456789".utf8)
        #expect(digits.withUnsafeBytes { vega_crc32c(0, $0.baseAddress, $0.count) } == 0xE306_9283)
        #expect(digits.withUnsafeBytes { vega_crc32c_portable(0, $0.baseAddress, $0.count) } == 0xE306_9283)
        // RFC 3720 B.4: 32 bytes of zeros and of 0xFF.
        let zeros = [UInt8](repeating: 0, count: 32)
        let ones = [UInt8](repeating: 0xFF, count: 32)
        #expect(zeros.withUnsafeBytes { vega_crc32c(0, $0.baseAddress, 32) } == 0x8A91_36AA)
        #expect(ones.withUnsafeBytes { vega_crc32c(0, $0.baseAddress, 32) } == 0x62A8_AB43)
    }

    @Test func hardwareAndTableAgreeOnEveryLengthAndSplit() {
        var x: UInt64 = 42
        let data = (0..<1024).map { _ -> UInt8 in x ^= x << 13; x ^= x >> 7; x ^= x << 17; return UInt8(truncatingIfNeeded: x) }
        data.withUnsafeBytes { raw in
            for length in 0...300 {
                let whole = vega_crc32c(0, raw.baseAddress, length)
                #expect(whole == vega_crc32c_portable(0, raw.baseAddress, length))
                let split = length / 3
                let continued = vega_crc32c(vega_crc32c(0, raw.baseAddress, split), raw.baseAddress! + split, length - split)
                #expect(continued == whole)
            }
        }
    }
}
