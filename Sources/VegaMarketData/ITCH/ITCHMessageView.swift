import VegaCore

// Zero-copy views: each ITCH message type is a struct holding one pointer to the message's first
// byte (the type byte). Accessors load big-endian fields in place with `loadUnaligned` (the same
// instructions as C; see SWIFT-PERFORMANCE.md). A view does not own or check its bytes: the
// decoder constructs one only after checking the buffer holds exactly the type's length, and the
// bytes must outlive the view (for a received frame: until the next receive on that queue).

/// What every ITCH 5.0 message view shares: the common 11-byte header.
///
/// Header layout (every type): type (0, 1), Stock Locate (1, 2), Tracking Number (3, 2),
/// Timestamp (5, 6: ns since midnight, big-endian).
public protocol ITCHMessageView: BitwiseCopyable {
    /// The type this view reads.
    static var messageType: ITCHMessageType { get }
    /// The message's first byte (its type byte).
    var base: UnsafeRawPointer { get }
    /// A view over `base` with no checks: `base` must point at `Self.messageType.length` readable bytes.
    init(unchecked base: UnsafeRawPointer)
}

extension ITCHMessageView {
    /// The message's exact length in bytes.
    @inlinable @inline(__always)
    public static var length: Int { messageType.length }

    /// Locate code of the instrument (0 for messages that are not about one: 'S', 'V', 'W').
    @inlinable @inline(__always)
    public var stockLocate: UInt16 { base._itchU16(1) }

    /// NASDAQ internal tracking number.
    @inlinable @inline(__always)
    public var trackingNumber: UInt16 { base._itchU16(3) }

    /// Exchange time: nanoseconds since midnight (US/Eastern), 48 bits on the wire.
    @inlinable @inline(__always)
    public var timestamp: Timestamp<SinceMidnight> { Timestamp(nanoseconds: base._itchTimestamp) }

    /// The message's bytes (exactly `length` of them).
    @inlinable @inline(__always)
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: Self.length) }
}

// MARK: - Field loads

// Internal helpers used by every view; `@usableFromInline` so views stay `@inlinable` across
// modules (the lane's callers must be able to inline them: see SWIFT-PERFORMANCE.md).
extension UnsafeRawPointer {
    @inlinable @inline(__always)
    func _itchU8(_ offset: Int) -> UInt8 { loadUnaligned(fromByteOffset: offset, as: UInt8.self) }

    @inlinable @inline(__always)
    func _itchU16(_ offset: Int) -> UInt16 {
        UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inlinable @inline(__always)
    func _itchU32(_ offset: Int) -> UInt32 {
        UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inlinable @inline(__always)
    func _itchU64(_ offset: Int) -> UInt64 {
        UInt64(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The 6-byte timestamp at offset 5, read as one 8-byte load at offset 3 (tracking number +
    /// timestamp) masked to 48 bits: one load instead of two, and every message is at least 12
    /// bytes long so bytes 3…10 are always there.
    @inlinable @inline(__always)
    var _itchTimestamp: UInt64 { _itchU64(3) & 0x0000_FFFF_FFFF_FFFF }

    /// An 8-byte Alpha field as a `Symbol` (first character in the top byte).
    @inlinable @inline(__always)
    func _itchSymbol(_ offset: Int) -> Symbol { Symbol(raw: _itchU64(offset)) }

    /// A Price(4) field: 4 bytes unsigned, 4 implied decimals. Never negative.
    @inlinable @inline(__always)
    func _itchPrice4(_ offset: Int) -> Price4 { Price4(rawValue: Int64(_itchU32(offset))) }

    /// A Buy/Sell Indicator byte as a `Side` ('B'/'S'), nil otherwise. A switch rather than
    /// `Side(rawValue:)`, whose synthesised body other modules cannot inline.
    @inlinable @inline(__always)
    func _itchSide(_ offset: Int) -> Side? {
        switch _itchU8(offset) {
        case 0x42: .buy
        case 0x53: .sell
        default: nil
        }
    }

    /// A Trading State byte ('H', 'P', 'Q', 'T'), nil otherwise.
    @inlinable @inline(__always)
    func _itchTradingState(_ offset: Int) -> TradingState? {
        switch _itchU8(offset) {
        case 0x48: .halted
        case 0x50: .paused
        case 0x51: .quotationOnly
        case 0x54: .trading
        default: nil
        }
    }

    /// A Price(8) field: 8 bytes unsigned, 8 implied decimals. Values above `Int64.max` come out
    /// negative; the decoder refuses them ('V' is the only Price(8) message).
    @inlinable @inline(__always)
    func _itchPrice8(_ offset: Int) -> Price8 { Price8(rawValue: Int64(bitPattern: _itchU64(offset))) }
}

/// A 4-byte Alpha field (MPID, attribution, trading action reason) as a big-endian `UInt32`:
/// first character in the top byte, as `OrderBookSink.addOrder(attribution:)` takes it.
public typealias ITCHAlpha4 = UInt32

/// A 2-byte Alpha field (Issue Sub-Type) as a big-endian `UInt16`.
public typealias ITCHAlpha2 = UInt16
