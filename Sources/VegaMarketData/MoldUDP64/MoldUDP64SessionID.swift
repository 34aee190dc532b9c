/// A MoldUDP64 session: the 10 ASCII bytes that open every downstream and request packet
/// (NASDAQ pads on the right with spaces; the protocol treats them as opaque).
///
/// Held as the bytes in wire order — the first eight as a big-endian `UInt64`, the last two as a
/// big-endian `UInt16` — so comparing a packet's session with ours is two loads and two compares.
@frozen
public struct MoldUDP64SessionID: Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
    /// Bytes 0…7, first byte in the top bits.
    public var high: UInt64
    /// Bytes 8…9, byte 8 in the top bits.
    public var low: UInt16

    /// Written out (not synthesized) so that lane code can inline it.
    @inlinable
    public static func == (a: Self, b: Self) -> Bool { a.high == b.high && a.low == b.low }

    @inlinable
    public func hash(into hasher: inout Hasher) {
        hasher.combine(high)
        hasher.combine(low)
    }

    @inlinable
    public init(high: UInt64, low: UInt16) {
        self.high = high
        self.low = low
    }

    /// From the 10 bytes at `p` (a packet's first field). No allocation.
    @inlinable
    public init(readingFrom p: UnsafeRawPointer) {
        high = UInt64(bigEndian: p.loadUnaligned(as: UInt64.self))
        low = UInt16(bigEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
    }

    /// From text (off the lane): 1…10 printable ASCII characters, space-padded to 10; nil otherwise.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard (1...10).contains(bytes.count), bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        let padded = bytes + [UInt8](repeating: 0x20, count: 10 - bytes.count)
        var h: UInt64 = 0
        for i in 0..<8 { h = h << 8 | UInt64(padded[i]) }
        high = h
        low = UInt16(padded[8]) << 8 | UInt16(padded[9])
    }

    /// Writes the 10 bytes at `p`. No allocation.
    @inlinable
    public func write(to p: UnsafeMutableRawPointer) {
        p.storeBytes(of: high.bigEndian, as: UInt64.self)
        (p + 8).storeBytes(of: low.bigEndian, as: UInt16.self)
    }

    /// The 10 bytes, trailing spaces removed; bytes outside printable ASCII shown as `\xNN`.
    public var description: String {
        var bytes: [UInt8] = []
        for i in (0..<8).reversed() { bytes.append(UInt8(truncatingIfNeeded: high >> (UInt64(i) * 8))) }
        bytes.append(UInt8(truncatingIfNeeded: low >> 8))
        bytes.append(UInt8(truncatingIfNeeded: low))
        while bytes.last == 0x20 { bytes.removeLast() }
        return bytes.map { $0 >= 0x20 && $0 < 0x7F ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
    }
}
