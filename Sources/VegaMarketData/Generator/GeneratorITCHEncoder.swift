// The generator's own ITCH 5.0 encoder, written from the specification independently of Vega's
// decoder so the two readings cross-check each other (the Python reference book is the third).

/// Writes NASDAQ TotalView-ITCH 5.0 messages, byte for byte as the specification lays them out.
///
/// Every function writes one complete message at `destination` (which must have room for
/// `GeneratorITCHEncoder.maximumLength` bytes) and returns its length. Integers are big-endian, the
/// timestamp is the 6-byte count of nanoseconds since midnight, prices are `Price(4)` integers,
/// alpha fields are ASCII, space-padded on the right. No allocation; unaligned stores only, so any
/// offset in a buffer will do. Off the lane (the generator), but cheap enough for benchmarks.
public enum GeneratorITCHEncoder {
    /// Longest message this encoder writes ('P', 44 bytes).
    public static let maximumLength = 44

    /// Message lengths from the specification (type byte included), by type.
    public static func length(of type: UInt8) -> Int? {
        switch type {
        case UInt8(ascii: "S"): 12
        case UInt8(ascii: "R"): 39
        case UInt8(ascii: "H"): 25
        case UInt8(ascii: "A"): 36
        case UInt8(ascii: "F"): 40
        case UInt8(ascii: "E"): 31
        case UInt8(ascii: "C"): 36
        case UInt8(ascii: "X"): 23
        case UInt8(ascii: "D"): 19
        case UInt8(ascii: "U"): 35
        case UInt8(ascii: "P"): 44
        case UInt8(ascii: "Q"): 40
        case UInt8(ascii: "B"): 19
        default: nil
        }
    }

    // MARK: - Field writers

    @inline(__always)
    static func u8(_ p: UnsafeMutableRawPointer, _ offset: Int, _ v: UInt8) {
        p.storeBytes(of: v, toByteOffset: offset, as: UInt8.self)
    }
    @inline(__always)
    static func u16(_ p: UnsafeMutableRawPointer, _ offset: Int, _ v: UInt16) {
        p.storeBytes(of: v.bigEndian, toByteOffset: offset, as: UInt16.self)
    }
    @inline(__always)
    static func u32(_ p: UnsafeMutableRawPointer, _ offset: Int, _ v: UInt32) {
        p.storeBytes(of: v.bigEndian, toByteOffset: offset, as: UInt32.self)
    }
    @inline(__always)
    static func u64(_ p: UnsafeMutableRawPointer, _ offset: Int, _ v: UInt64) {
        p.storeBytes(of: v.bigEndian, toByteOffset: offset, as: UInt64.self)
    }
    /// The 6-byte timestamp: the low 48 bits, big-endian (a day has < 2^47 ns).
    @inline(__always)
    static func u48(_ p: UnsafeMutableRawPointer, _ offset: Int, _ v: UInt64) {
        u16(p, offset, UInt16(truncatingIfNeeded: v >> 32))
        u32(p, offset + 2, UInt32(truncatingIfNeeded: v))
    }
    /// Price(4) is an unsigned 4-byte field in ITCH 5.0; the generator never produces a price
    /// outside 0..<2^32 (≈ $429,496), so truncation here is a caller's bug, not data.
    @inline(__always)
    static func price4(_ p: UnsafeMutableRawPointer, _ offset: Int, _ raw: Int64) {
        u32(p, offset, UInt32(truncatingIfNeeded: raw))
    }

    /// The common header: type, stock locate, tracking number, timestamp (bytes 0..<11).
    @inline(__always)
    static func header(_ p: UnsafeMutableRawPointer, _ type: UInt8, locate: UInt16, tracking: UInt16,
                       timestamp: UInt64) {
        u8(p, 0, type)
        u16(p, 1, locate)
        u16(p, 3, tracking)
        u48(p, 5, timestamp)
    }

    // MARK: - Messages

    /// 'S' System Event (12): event code 'O','S','Q','M','E','C'. Locate 0.
    @discardableResult
    public static func systemEvent(_ p: UnsafeMutableRawPointer, tracking: UInt16 = 0, timestamp: UInt64,
                                   event: UInt8) -> Int {
        header(p, UInt8(ascii: "S"), locate: 0, tracking: tracking, timestamp: timestamp)
        u8(p, 11, event)
        return 12
    }

    /// What the 'R' Stock Directory carries besides the symbol; defaults describe a plain
    /// NASDAQ-listed common stock in good standing.
    public struct DirectoryFields: Sendable, Equatable {
        public var marketCategory: UInt8 = UInt8(ascii: "Q")
        public var financialStatus: UInt8 = UInt8(ascii: "N")
        public var roundLotSize: UInt32 = 100
        public var roundLotsOnly: UInt8 = UInt8(ascii: "N")
        public var issueClassification: UInt8 = UInt8(ascii: "C")
        /// Two ASCII bytes, big-endian ("Z " = not applicable).
        public var issueSubType: UInt16 = UInt16(UInt8(ascii: "Z")) << 8 | UInt16(UInt8(ascii: " "))
        public var authenticity: UInt8 = UInt8(ascii: "P")
        public var shortSaleThreshold: UInt8 = UInt8(ascii: "N")
        public var ipoFlag: UInt8 = UInt8(ascii: "N")
        public var luldTier: UInt8 = UInt8(ascii: "2")
        public var etpFlag: UInt8 = UInt8(ascii: "N")
        public var etpLeverageFactor: UInt32 = 0
        public var inverse: UInt8 = UInt8(ascii: "N")
        public init() {}
    }

    /// 'R' Stock Directory (39).
    @discardableResult
    public static func stockDirectory(_ p: UnsafeMutableRawPointer, locate: UInt16, tracking: UInt16 = 0,
                                      timestamp: UInt64, symbol: Symbol, fields: DirectoryFields) -> Int {
        header(p, UInt8(ascii: "R"), locate: locate, tracking: tracking, timestamp: timestamp)
        u64(p, 11, symbol.raw)
        u8(p, 19, fields.marketCategory)
        u8(p, 20, fields.financialStatus)
        u32(p, 21, fields.roundLotSize)
        u8(p, 25, fields.roundLotsOnly)
        u8(p, 26, fields.issueClassification)
        u16(p, 27, fields.issueSubType)
        u8(p, 29, fields.authenticity)
        u8(p, 30, fields.shortSaleThreshold)
        u8(p, 31, fields.ipoFlag)
        u8(p, 32, fields.luldTier)
        u8(p, 33, fields.etpFlag)
        u32(p, 34, fields.etpLeverageFactor)
        u8(p, 38, fields.inverse)
        return 39
    }

    /// 'H' Stock Trading Action (25): state 'H','P','Q','T'; `reason` is 4 ASCII bytes, big-endian.
    @discardableResult
    public static func tradingAction(_ p: UnsafeMutableRawPointer, locate: UInt16, tracking: UInt16 = 0,
                                     timestamp: UInt64, symbol: Symbol, state: UInt8, reason: UInt32) -> Int {
        header(p, UInt8(ascii: "H"), locate: locate, tracking: tracking, timestamp: timestamp)
        u64(p, 11, symbol.raw)
        u8(p, 19, state)
        u8(p, 20, UInt8(ascii: " "))  // Reserved
        u32(p, 21, reason)
        return 25
    }

    /// 'A' Add Order, no attribution (36); or 'F' with attribution (40) when `attribution` is given
    /// (an MPID, 4 ASCII bytes big-endian).
    @discardableResult
    public static func addOrder(_ p: UnsafeMutableRawPointer, locate: UInt16, tracking: UInt16 = 0, timestamp: UInt64,
                                reference: UInt64, side: UInt8, shares: UInt32, symbol: Symbol, price: Int64,
                                attribution: UInt32? = nil) -> Int {
        header(p, attribution == nil ? UInt8(ascii: "A") : UInt8(ascii: "F"), locate: locate, tracking: tracking, timestamp: timestamp)
        u64(p, 11, reference)
        u8(p, 19, side)
        u32(p, 20, shares)
        u64(p, 24, symbol.raw)
        price4(p, 32, price)
        guard let attribution else { return 36 }
        u32(p, 36, attribution)
        return 40
    }

    /// 'E' Order Executed (31).
    @discardableResult
    public static func orderExecuted(_ p: UnsafeMutableRawPointer, locate: UInt16, tracking: UInt16 = 0,
                                     timestamp: UInt64, reference: UInt64, shares: UInt32, matchNumber: UInt64) -> Int {
        header(p, UInt8(ascii: "E"), locate: locate, tracking: tracking, timestamp: timestamp)
        u64(p, 11, reference)
        u32(p, 19, shares)
        u64(p, 23, matchNumber)
        return 31
    }

    /// 'C' Order Executed With Price (36): `printable` 'Y' or 'N'.
    @discardableResult
    public static func orderExecutedWithPrice(_ p: UnsafeMutableRawPointer, locate: UInt16, tracking: UInt16 = 0,
                                              timestamp: UInt64, reference: UInt64, shares: UInt32,
                                              matchNumber: UInt64, printable: UInt8, price: Int64) -> Int {
        header(p, UInt8(ascii: "C"), locate: locate, tracking: tracking, timestamp: timestamp)
        u64(p, 11, reference)
        u32(p, 19, shares)
        u64(p, 23, matchNumber)
        u8(p, 31, printable)
        price4(p, 32, price)
        return 36
    }

    /// 'X' Order Cancel (23): a partial cancel of `shares`.
    @discardableResult
    public static func orderCancel(_ p: UnsafeMutableRawPointer, locate: UInt16, tracking: UInt16 = 0,
                                   timestamp: UInt64, reference: UInt64, shares: UInt32) -> Int {
        header(p, UInt8(ascii: "X"), locate: locate, tracking: tracking, timestamp: timestamp)
        u64(p, 11, reference)
        u32(p, 19, shares)
        return 23
    }

    /// 'D' Order Delete (19).
    @discardableResult
    public static func orderDelete(_ p: UnsafeMutableRawPointer, locate: UInt16, tracking: UInt16 = 0,
                                   timestamp: UInt64, reference: UInt64) -> Int {
        header(p, UInt8(ascii: "D"), locate: locate, tracking: tracking, timestamp: timestamp)
        u64(p, 11, reference)
        return 19
    }

    /// 'U' Order Replace (35).
    @discardableResult
    public static func orderReplace(_ p: UnsafeMutableRawPointer, locate: UInt16, tracking: UInt16 = 0,
                                    timestamp: UInt64, original: UInt64, replacement: UInt64, shares: UInt32,
                                    price: Int64) -> Int {
        header(p, UInt8(ascii: "U"), locate: locate, tracking: tracking, timestamp: timestamp)
        u64(p, 11, original)
        u64(p, 19, replacement)
        u32(p, 27, shares)
        price4(p, 31, price)
        return 35
    }

    /// 'P' Trade, non-cross (44). NASDAQ has sent 0 as the order reference since 2019.
    @discardableResult
    public static func trade(_ p: UnsafeMutableRawPointer, locate: UInt16, tracking: UInt16 = 0, timestamp: UInt64,
                             reference: UInt64 = 0, side: UInt8, shares: UInt32, symbol: Symbol, price: Int64,
                             matchNumber: UInt64) -> Int {
        header(p, UInt8(ascii: "P"), locate: locate, tracking: tracking, timestamp: timestamp)
        u64(p, 11, reference)
        u8(p, 19, side)
        u32(p, 20, shares)
        u64(p, 24, symbol.raw)
        price4(p, 32, price)
        u64(p, 36, matchNumber)
        return 44
    }

    /// 'Q' Cross Trade (40): shares are 8 bytes here; cross type 'O','C','H','I'.
    @discardableResult
    public static func crossTrade(_ p: UnsafeMutableRawPointer, locate: UInt16, tracking: UInt16 = 0,
                                  timestamp: UInt64, shares: UInt64, symbol: Symbol, price: Int64,
                                  matchNumber: UInt64, crossType: UInt8) -> Int {
        header(p, UInt8(ascii: "Q"), locate: locate, tracking: tracking, timestamp: timestamp)
        u64(p, 11, shares)
        u64(p, 19, symbol.raw)
        price4(p, 27, price)
        u64(p, 31, matchNumber)
        u8(p, 39, crossType)
        return 40
    }

    /// 'B' Broken Trade (19).
    @discardableResult
    public static func brokenTrade(_ p: UnsafeMutableRawPointer, locate: UInt16, tracking: UInt16 = 0,
                                   timestamp: UInt64, matchNumber: UInt64) -> Int {
        header(p, UInt8(ascii: "B"), locate: locate, tracking: tracking, timestamp: timestamp)
        u64(p, 11, matchNumber)
        return 19
    }
}
