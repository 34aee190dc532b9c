// Fixed-width OUCH Alpha fields held as integers, so messages stay BitwiseCopyable, compare in one
// instruction and encode with one store. The integer holds the field's bytes in wire order
// (big-endian), spaces included.

/// Spaces in every byte of a `UInt64`.
@usableFromInline let _ouchSpaces64: UInt64 = 0x2020_2020_2020_2020

/// Packs up to `width` ASCII bytes of `string`, right-padded with spaces, or `nil` if it is longer or
/// not printable ASCII. Off the lane (builds from a `String`).
@usableFromInline
func _ouchPackAlpha(_ string: String, width: Int) -> (UInt64, UInt64)? {
    let bytes = Array(string.utf8)
    guard bytes.count <= width, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
    var out = [UInt8](repeating: 0x20, count: 16)
    for (i, b) in bytes.enumerated() { out[i] = b }
    var high: UInt64 = 0, low: UInt64 = 0
    for i in 0..<8 { high = high << 8 | UInt64(out[i]) }
    for i in 8..<16 { low = low << 8 | UInt64(out[i]) }
    return (high, low)
}

/// The text of `count` big-endian-packed bytes with trailing spaces removed (for logs and tests).
@usableFromInline
func _ouchUnpackAlpha(_ words: [UInt64], count: Int) -> String {
    var bytes: [UInt8] = []
    for w in words { for i in (0..<8).reversed() { bytes.append(UInt8(truncatingIfNeeded: w >> (UInt64(i) * 8))) } }
    bytes = Array(bytes.prefix(count))
    while let last = bytes.last, last == 0x20 { bytes.removeLast() }
    return String(decoding: bytes, as: UTF8.self)
}

/// An 8-byte OUCH Symbol ("Stock Symbol", Alpha 8): the wire bytes as one big-endian `UInt64`.
@frozen
public struct OUCHSymbol: Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
    public var rawValue: UInt64

    @inlinable public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// All spaces: "no symbol" where the field is optional (Mass Cancel: every symbol).
    @inlinable public static var blank: OUCHSymbol { OUCHSymbol(rawValue: _ouchSpaces64) }

    /// `symbol` right-padded with spaces; `nil` if longer than 8 bytes or not printable ASCII.
    /// Allocates (reads a `String`): build symbols before trading, not on the lane.
    public init?(_ symbol: String) {
        guard let (high, _) = _ouchPackAlpha(symbol, width: 8) else { return nil }
        rawValue = high
    }

    public var description: String { _ouchUnpackAlpha([rawValue], count: 8) }
}

/// A 4-byte OUCH Firm (Alpha 4, upper case by the spec; all spaces = the account's default firm).
@frozen
public struct OUCHFirm: Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
    public var rawValue: UInt32

    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// All spaces: the OUCH account's default firm.
    @inlinable public static var blank: OUCHFirm { OUCHFirm(rawValue: 0x2020_2020) }

    /// `firm` right-padded with spaces; `nil` if longer than 4 bytes or not printable ASCII.
    public init?(_ firm: String) {
        guard let (high, _) = _ouchPackAlpha(firm, width: 4) else { return nil }
        rawValue = UInt32(truncatingIfNeeded: high >> 32)
    }

    public var description: String { _ouchUnpackAlpha([UInt64(rawValue) << 32 | 0x2020_2020], count: 4) }
}

/// A 14-byte OUCH ClOrdID (Alpha 14): bytes 0–7 in `high`, bytes 8–13 in the low 48 bits of `low`.
@frozen
public struct OUCHClOrdID: Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    @inlinable public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low & 0xFFFF_FFFF_FFFF
    }

    /// All spaces.
    @inlinable public static var blank: OUCHClOrdID { OUCHClOrdID(high: _ouchSpaces64, low: _ouchSpaces64) }

    /// `id` right-padded with spaces; `nil` if longer than 14 bytes or not printable ASCII.
    public init?(_ id: String) {
        guard let (high, low) = _ouchPackAlpha(id, width: 14) else { return nil }
        self.init(high: high, low: low >> 16)
    }

    public var description: String { _ouchUnpackAlpha([high, low << 16], count: 14) }
}
