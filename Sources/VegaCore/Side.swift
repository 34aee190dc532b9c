/// The side of an order: its raw value is the ASCII byte ITCH 5.0 and OUCH use on the wire
/// (`'B'` buy, `'S'` sell), so decoding is `Side(rawValue: byte)` with no table.
@frozen
public enum Side: UInt8, Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
    case buy = 0x42  // 'B'
    case sell = 0x53  // 'S'

    /// The other side (the side an order on this side trades against).
    @inlinable @inline(__always)
    public var opposite: Side { self == .buy ? .sell : .buy }

    /// +1 for buy, -1 for sell: the sign of a fill's effect on a position.
    @inlinable @inline(__always)
    public var sign: Int64 { self == .buy ? 1 : -1 }

    public var description: String { self == .buy ? "buy" : "sell" }
}
