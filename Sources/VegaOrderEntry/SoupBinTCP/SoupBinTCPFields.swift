// SoupBinTCP's fixed-width ASCII fields, held as integers so sessions never allocate for them.

@inlinable @inline(__always)
func _soupIsPrintable(_ b: UInt8) -> Bool { b >= 0x20 && b < 0x7F }

@inlinable @inline(__always)
func _soupUpper(_ b: UInt8) -> UInt8 { (b >= 0x61 && b <= 0x7A) ? b &- 0x20 : b }

/// A 10-byte session name (spec 2.2.1, 2.3.1), kept in canonical form: the name without surrounding
/// spaces, left-padded with spaces as the Login Accepted carries it. All spaces = blank (the login's
/// "currently active session").
@frozen
public struct SoupBinTCPSessionID: Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
    /// Bytes 0–7 of the padded field, big-endian.
    public var high: UInt64
    /// Bytes 8–9.
    public var low: UInt16

    @inlinable public init(high: UInt64, low: UInt16) { self.high = high; self.low = low }

    /// All spaces.
    @inlinable public static var blank: Self { Self(high: 0x2020_2020_2020_2020, low: 0x2020) }

    @inlinable public var isBlank: Bool { high == 0x2020_2020_2020_2020 && low == 0x2020 }

    /// Field-wise equality, inlinable (the synthesised `==` is not, across modules).
    @inlinable public func isSame(as other: Self) -> Bool { high == other.high && low == other.low }

    /// `name` (1–10 printable ASCII bytes, no surrounding spaces needed); `nil` if it does not fit.
    public init?(_ name: String) {
        let bytes = Array(name.utf8)
        guard bytes.count <= 10, bytes.allSatisfy(_soupIsPrintable) else { return nil }
        let s = bytes.withUnsafeBytes { SoupBinTCPSessionID(wire: $0.baseAddress!, count: bytes.count) }
        guard let s else { return nil }
        self = s
    }

    /// Reads a `count`-byte field (≤ 10) at `p` and canonicalises it; `nil` if a byte is not
    /// printable ASCII. No allocation.
    @inlinable
    public init?(wire p: UnsafeRawPointer, count: Int = 10) {
        var first = 0, last = count
        while first < count && p.load(fromByteOffset: first, as: UInt8.self) == 0x20 { first += 1 }
        while last > first && p.load(fromByteOffset: last - 1, as: UInt8.self) == 0x20 { last -= 1 }
        var high: UInt64 = 0x2020_2020_2020_2020, low: UInt16 = 0x2020
        let pad = 10 - (last - first)
        var i = first
        while i < last {
            let b = p.load(fromByteOffset: i, as: UInt8.self)
            guard _soupIsPrintable(b) else { return nil }
            let at = pad + (i - first)
            if at < 8 {
                let shift = UInt64(7 - at) * 8
                high = high & ~(0xFF << shift) | UInt64(b) << shift
            } else {
                let shift = UInt16(9 - at) * 8
                low = low & ~(0xFF << shift) | UInt16(b) << shift
            }
            i += 1
        }
        self.init(high: high, low: low)
    }

    /// Writes the 10-byte field (left-padded).
    @inlinable
    public func write(to p: UnsafeMutableRawPointer) {
        p.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
        p.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt16.self)
    }

    public var description: String {
        var bytes: [UInt8] = []
        for i in (0..<8).reversed() { bytes.append(UInt8(truncatingIfNeeded: high >> (UInt64(i) * 8))) }
        bytes.append(UInt8(truncatingIfNeeded: low >> 8)); bytes.append(UInt8(truncatingIfNeeded: low))
        return String(decoding: bytes, as: UTF8.self).trimmingSpaces
    }
}

/// A Username (6) or Password (10) in canonical form: upper-cased (both are case-insensitive,
/// spec 2.3.1) and right-padded with spaces. `width` is 6 or 10.
@frozen
public struct SoupBinTCPCredential: Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt16
    public var width: UInt8

    @inlinable public init(high: UInt64, low: UInt16, width: UInt8) { self.high = high; self.low = low; self.width = width }

    /// `text` as a `width`-byte field; `nil` if longer or not printable ASCII.
    public init?(_ text: String, width: Int) {
        let bytes = Array(text.utf8)
        guard width == 6 || width == 10, bytes.count <= width, bytes.allSatisfy(_soupIsPrintable) else { return nil }
        let padded = bytes + [UInt8](repeating: 0x20, count: width - bytes.count)
        guard let c = padded.withUnsafeBytes({ SoupBinTCPCredential(wire: $0.baseAddress!, width: width) }) else { return nil }
        self = c
    }

    /// Reads a `width`-byte field at `p`, upper-casing it; `nil` if a byte is not printable ASCII.
    @inlinable
    public init?(wire p: UnsafeRawPointer, width: Int) {
        var high: UInt64 = 0x2020_2020_2020_2020, low: UInt16 = 0x2020
        var i = 0
        while i < width {
            let b = p.load(fromByteOffset: i, as: UInt8.self)
            guard _soupIsPrintable(b) else { return nil }
            let u = _soupUpper(b)
            if i < 8 {
                let shift = UInt64(7 - i) * 8
                high = high & ~(0xFF << shift) | UInt64(u) << shift
            } else {
                let shift = UInt16(9 - i) * 8
                low = low & ~(0xFF << shift) | UInt16(u) << shift
            }
            i += 1
        }
        self.init(high: high, low: low, width: UInt8(width))
    }

    /// Writes the `width`-byte field.
    @inlinable
    public func write(to p: UnsafeMutableRawPointer) {
        var i = 0
        while i < Int(width) {
            let b: UInt8 = i < 8 ? UInt8(truncatingIfNeeded: high >> (UInt64(7 - i) * 8))
                                 : UInt8(truncatingIfNeeded: low >> (UInt16(9 - i) * 8))
            p.storeBytes(of: b, toByteOffset: i, as: UInt8.self)
            i += 1
        }
    }

    public var description: String {
        var bytes: [UInt8] = []
        for i in 0..<Int(width) {
            bytes.append(i < 8 ? UInt8(truncatingIfNeeded: high >> (UInt64(7 - i) * 8))
                               : UInt8(truncatingIfNeeded: low >> (UInt16(9 - i) * 8)))
        }
        return String(decoding: bytes, as: UTF8.self).trimmingSpaces
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

/// The 20-byte numeric sequence fields (spec 2.2.1, 2.3.1): ASCII decimal, left-padded with spaces.
public enum SoupBinTCPNumeric {
    @inlinable public static var width: Int { 20 }

    /// Parses the field at `p`: optional leading spaces, decimal digits, optional trailing spaces
    /// (some clients right-pad). All spaces reads as 0. `nil` for any other byte or a value above
    /// `UInt64.max`. No allocation.
    @inlinable
    public static func parse(_ p: UnsafeRawPointer) -> UInt64? {
        var i = 0
        while i < width && p.load(fromByteOffset: i, as: UInt8.self) == 0x20 { i += 1 }
        var value: UInt64 = 0
        while i < width {
            let b = p.load(fromByteOffset: i, as: UInt8.self)
            if b == 0x20 { break }
            guard b >= 0x30 && b <= 0x39 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(b - 0x30))
            guard !o1 && !o2 else { return nil }
            value = a
            i += 1
        }
        while i < width {
            guard p.load(fromByteOffset: i, as: UInt8.self) == 0x20 else { return nil }
            i += 1
        }
        return value
    }

    /// Writes `value` right-justified, left-padded with spaces. No allocation.
    @inlinable
    public static func write(_ value: UInt64, to p: UnsafeMutableRawPointer) {
        var v = value
        var i = width - 1
        repeat {
            p.storeBytes(of: UInt8(0x30 + v % 10), toByteOffset: i, as: UInt8.self)
            v /= 10
            i -= 1
        } while v > 0 && i >= 0
        while i >= 0 { p.storeBytes(of: UInt8(0x20), toByteOffset: i, as: UInt8.self); i -= 1 }
    }
}
