import VegaCore

/// A message the decoder accepted: its type byte and where its bytes start. Two words; the typed
/// views (`ITCHAddOrder(unchecked: frame.base)`, …) are free to make from it.
@frozen
public struct ITCHFrame: BitwiseCopyable {
    /// The ITCH type byte ('A', 'E', …).
    public let type: UInt8
    public let base: UnsafeRawPointer

    @inlinable
    public init(type: UInt8, base: UnsafeRawPointer) {
        self.type = type
        self.base = base
    }

    /// The message's exchange time (ns since midnight).
    @inlinable public var timestamp: Timestamp<SinceMidnight> { Timestamp(nanoseconds: base._itchTimestamp) }
}

/// The outcome of ``ITCHDecoder/frame(_:)``: an accepted frame, or the reason it was refused.
@frozen
public enum ITCHFramed: BitwiseCopyable {
    case frame(ITCHFrame)
    case rejected(ITCHReject)
}

extension ITCHDecoder {
    /// The lane's decode: the same acceptance rules as ``decode(_:)``, evaluated from a per-type
    /// rule (a constant table the compiler builds from a switch) with one well-predicted branch,
    /// instead of a switch on the type — on a mixed feed every switch on the type byte is an
    /// indirect jump the CPU mispredicts. A refused message (rare) takes the slow path once more,
    /// only to name its reason. Counts exactly as `decode` does. No allocation, no locks.
    @inlinable
    public mutating func frame(_ bytes: UnsafeRawBufferPointer) -> ITCHFramed {
        let count = bytes.count
        if _fastPath(count >= 12), let p = bytes.baseAddress {
            let type = p._itchU8(0)
            let rule = Self.rule(type)
            // Rule bytes: 0 length, 1 side offset, 2 shares offset, 3 price offset, 4 printable
            // offset, 5 "check on the slow path" (H's state and V's Price(8)s: rare types).
            let length = Int(truncatingIfNeeded: rule & 0xFF)
            if _fastPath(length == count && (rule >> 40) & 0xFF == 0) {
                // Offsets of absent checks are 0: those loads read the type byte harmlessly, and
                // every present offset lies inside `length` bytes by construction of the rule.
                let sideOffset = Int(truncatingIfNeeded: (rule >> 8) & 0xFF)
                let sharesOffset = Int(truncatingIfNeeded: (rule >> 16) & 0xFF)
                let priceOffset = Int(truncatingIfNeeded: (rule >> 24) & 0xFF)
                let printableOffset = Int(truncatingIfNeeded: (rule >> 32) & 0xFF)
                let side = p._itchU8(sideOffset)
                let shares = p._itchU32(sharesOffset)
                let price = p._itchU32(priceOffset)
                let printable = p._itchU8(printableOffset)
                var bad: UInt32 = p._itchTimestamp >= Self.nanosecondsPerDay ? 1 : 0
                bad |= (sideOffset != 0 && side != 0x42 && side != 0x53) ? 1 : 0
                bad |= (sharesOffset != 0 && shares == 0) ? 1 : 0
                bad |= (priceOffset != 0 && (price == 0 || Int64(price) > Self.maximumPrice4)) ? 1 : 0
                bad |= (printableOffset != 0 && printable != 0x59 && printable != 0x4E) ? 1 : 0
                if _fastPath(bad == 0) {
                    counters.countType(byte: type)
                    return .frame(ITCHFrame(type: type, base: p))
                }
            }
        }
        // Slow path: the full checks, to name the reason (or accept a rare type).
        switch Self.validate(bytes) {
        case .message(let m):
            counters.countType(byte: m.type.rawValue)
            return .frame(ITCHFrame(type: m.type.rawValue, base: m.base))
        case .rejected(let reason):
            counters.count(reason)
            return .rejected(reason)
        }
    }

    /// Per-type acceptance rule (see `frame`). A switch over constants, which the optimiser turns
    /// into a table load: no branch on the type. Unknown types have length 0 (never matches).
    @inlinable @inline(__always)
    static func rule(_ type: UInt8) -> UInt64 {
        // length | side << 8 | shares << 16 | price << 24 | printable << 32 | slow << 40
        switch type {
        case 0x53: 12                                              // S
        case 0x52: 39                                              // R
        case 0x48: 25 | 1 << 40                                    // H: state checked on the slow path
        case 0x59: 20                                              // Y
        case 0x4C: 26                                              // L
        case 0x56: 35 | 1 << 40                                    // V: Price(8) sign on the slow path
        case 0x57: 12                                              // W
        case 0x4B: 28                                              // K
        case 0x4A: 35                                              // J
        case 0x68: 21                                              // h
        case 0x41: 36 | 19 << 8 | 20 << 16 | 32 << 24              // A: side, shares, price
        case 0x46: 40 | 19 << 8 | 20 << 16 | 32 << 24              // F
        case 0x45: 31 | 19 << 16                                   // E: shares
        case 0x43: 36 | 19 << 16 | 32 << 24 | 31 << 32             // C: shares, price, printable
        case 0x58: 23 | 19 << 16                                   // X: shares
        case 0x44: 19                                              // D
        case 0x55: 35 | 27 << 16 | 31 << 24                        // U: shares, price
        case 0x50: 44 | 19 << 8 | 20 << 16 | 32 << 24              // P: side, shares, price
        case 0x51: 40                                              // Q
        case 0x42: 19                                              // B
        case 0x49: 50                                              // I
        case 0x4E: 20                                              // N
        case 0x4F: 48                                              // O
        default: 0
        }
    }
}
