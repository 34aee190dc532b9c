import CVegaFPGA
import VegaCore
import VegaHardware

/// Why an ``L2Book`` refused an FPGA event. Each is counted; the book is left as it was.
public enum L2Reject: UInt8, Sendable, CaseIterable {
    /// The locate is above 65,535, or all `maxInstruments` slots are taken.
    case unknownInstrument
    /// A level event whose side is neither 'B' nor 'S'.
    case invalidSide
    /// A `LEVEL_SET` or `LEVEL_DELETE` below the levels the book holds (a gap: the stream and
    /// the book disagree, or events were lost).
    case levelGap
    /// An event type this build does not know.
    case unknownType
}

/// Counts of what an ``L2Book`` applied and refused.
@frozen
public struct L2Counters: Sendable, Equatable, BitwiseCopyable {
    public var applied: UInt64 = 0
    /// `LEVEL_SET`s deeper than the book's depth: expected when the feed tracks more levels.
    public var beyondDepth: UInt64 = 0
    public var unknownInstrument: UInt64 = 0
    public var invalidSide: UInt64 = 0
    public var levelGap: UInt64 = 0
    public var unknownType: UInt64 = 0
    /// FPGA-reported feed gaps (`GAP` events).
    public var feedGaps: UInt64 = 0

    @inlinable public init() {}

    @inlinable
    public subscript(reason: L2Reject) -> UInt64 {
        switch reason {
        case .unknownInstrument: unknownInstrument
        case .invalidSide: invalidSide
        case .levelGap: levelGap
        case .unknownType: unknownType
        }
    }
}

/// A price-level book per instrument built from the FPGA feed handler's decoded L2 events
/// (`LEVEL_SET` / `LEVEL_DELETE` / `CLEAR`, plus `STATUS`, `TRADE`, `GAP`): the FPGA-fed twin
/// of ``OrderBooks``, read through the same ``BookView``.
///
/// ## Event semantics
/// - `LEVEL_SET` (side, `level` i, price, quantity, order_count): if level i already has that
///   price, its size and count are replaced; otherwise a new level is inserted at i and the
///   deeper levels shift down one (the deepest falls off at `depth`). So a snapshot — `CLEAR`
///   then `LEVEL_SET` 0, 1, 2, … per side, as ``OrderBooks/snapshotL2(locate:levels:into:)``
///   writes it — rebuilds the book exactly.
/// - `LEVEL_DELETE` (side, i): level i is removed, deeper levels shift up.
/// - `CLEAR`: side 0 clears the whole book, 'B' / 'S' one side.
/// - `STATUS`: `aux` is the ITCH trading-state byte. `TRADE`: the last trade. `GAP`: the
///   instrument (all, for instrument 0) is marked stale until its next `CLEAR`.
///
/// ## Contract
/// Storage (`maxInstruments × 2 × depth` levels of 24 bytes, plus a 256 KiB locate table) is
/// allocated and pre-faulted in `init`; ``apply(_:)`` and the reads never allocate or lock.
/// A level event costs O(depth) at worst (the shift), O(1) for an in-place update.
public struct L2Book: ~Copyable {
    /// Levels held per side.
    public let depth: Int
    public let maxInstruments: Int
    @usableFromInline let levels: UnsafeMutablePointer<BookLevel>
    @usableFromInline let counts: UnsafeMutablePointer<UInt16>
    @usableFromInline let info: UnsafeMutablePointer<L2InstrumentInfo>
    @usableFromInline let locateSlots: UnsafeMutablePointer<UInt32>
    @usableFromInline var usedInstruments: Int
    public var counters: L2Counters

    /// - Precondition: `1 <= maxInstruments <= 65_536`, `1 <= depth <= 65_535`.
    public init(maxInstruments: Int = 8_192, depth: Int = 30) {
        precondition((1...65_536).contains(maxInstruments), "L2Book maxInstruments must be in 1...65536, got \(maxInstruments)")
        precondition((1...65_535).contains(depth), "L2Book depth must be in 1...65535, got \(depth)")
        self.depth = depth
        self.maxInstruments = maxInstruments
        levels = .allocate(capacity: maxInstruments * 2 * depth)
        levels.initialize(repeating: .empty, count: maxInstruments * 2 * depth)
        counts = .allocate(capacity: maxInstruments * 2)
        counts.initialize(repeating: 0, count: maxInstruments * 2)
        info = .allocate(capacity: maxInstruments)
        info.initialize(repeating: L2InstrumentInfo(), count: maxInstruments)
        locateSlots = .allocate(capacity: 65_536)
        locateSlots.initialize(repeating: .max, count: 65_536)
        usedInstruments = 0
        counters = L2Counters()
    }

    deinit {
        levels.deallocate()
        counts.deallocate()
        info.deallocate()
        locateSlots.deallocate()
    }

    /// Bytes allocated by `init`.
    public var allocatedBytes: Int {
        maxInstruments * 2 * depth * MemoryLayout<BookLevel>.stride + maxInstruments * 2 * MemoryLayout<UInt16>.stride
            + maxInstruments * MemoryLayout<L2InstrumentInfo>.stride + 65_536 * MemoryLayout<UInt32>.stride
    }

    /// Applies one FPGA event. Returns the reason it was refused (counted), or `nil`.
    /// Lane call: no allocation, no lock; O(depth) at worst.
    @inlinable
    public mutating func apply(_ event: FPGAEvent) -> L2Reject? {
        switch Int32(event.type) {
        case Int32(VEGA_FPGA_EV_HEARTBEAT):
            counters.applied &+= 1
            return nil
        case Int32(VEGA_FPGA_EV_GAP):
            counters.feedGaps &+= 1
            if event.instrument == 0 {
                for s in 0..<usedInstruments { info[s].stale = true }
            } else if event.instrument <= 0xFFFF, let s = existingSlot(UInt16(event.instrument)) {
                info[s].stale = true
            }
            counters.applied &+= 1
            return nil
        case Int32(VEGA_FPGA_EV_LEVEL_SET), Int32(VEGA_FPGA_EV_LEVEL_DELETE), Int32(VEGA_FPGA_EV_CLEAR),
             Int32(VEGA_FPGA_EV_STATUS), Int32(VEGA_FPGA_EV_TRADE):
            break
        default:
            counters.unknownType &+= 1
            return .unknownType
        }
        guard event.instrument <= 0xFFFF, let slot = slotCreating(UInt16(event.instrument)) else {
            counters.unknownInstrument &+= 1
            return .unknownInstrument
        }
        switch Int32(event.type) {
        case Int32(VEGA_FPGA_EV_CLEAR):
            if event.side == 0 {
                counts[slot &* 2] = 0
                counts[slot &* 2 &+ 1] = 0
                info[slot].stale = false
            } else if let side = sideFromByte(event.side) {
                counts[slot &* 2 &+ sideIndex(side)] = 0
            } else {
                counters.invalidSide &+= 1
                return .invalidSide
            }
        case Int32(VEGA_FPGA_EV_STATUS):
            info[slot].state = UInt8(truncatingIfNeeded: event.aux)
        case Int32(VEGA_FPGA_EV_TRADE):
            info[slot].lastTradePrice = event.price
            info[slot].lastTradeShares = event.quantity
        default:
            guard let side = sideFromByte(event.side) else {
                counters.invalidSide &+= 1
                return .invalidSide
            }
            let side2 = slot &* 2 &+ sideIndex(side)
            let base = levels + side2 &* depth
            let count = Int(counts[side2])
            let i = Int(event.level)
            if Int32(event.type) == Int32(VEGA_FPGA_EV_LEVEL_DELETE) {
                if i >= depth { counters.beyondDepth &+= 1; break }
                guard i < count else { counters.levelGap &+= 1; return .levelGap }
                let moving = count &- 1 &- i
                if moving > 0 { moveEntries(to: base + i, from: base + (i &+ 1), count: moving) }
                counts[side2] = UInt16(truncatingIfNeeded: count &- 1)
            } else {
                if i >= depth { counters.beyondDepth &+= 1; break }
                guard i <= count else { counters.levelGap &+= 1; return .levelGap }
                let level = BookLevel(price: Price4(rawValue: event.price), shares: UInt64(event.quantity),
                                      orders: event.order_count)
                if i < count && base[i].price.rawValue == event.price {
                    base[i] = level
                } else {
                    // Insert at i; at full depth the deepest level falls off.
                    let kept = count < depth ? count : depth &- 1
                    let moving = kept &- i
                    if moving > 0 { moveEntries(to: base + (i &+ 1), from: base + i, count: moving) }
                    base[i] = level
                    counts[side2] = UInt16(truncatingIfNeeded: kept &+ 1)
                }
            }
        }
        info[slot].exchangeNanoseconds = event.exchange_timestamp_ns
        counters.applied &+= 1
        return nil
    }

    /// Whether the instrument's book was marked stale (a `GAP`) and not cleared since.
    @inlinable
    public func isStale(locate: UInt16) -> Bool {
        guard let s = existingSlot(locate) else { return false }
        return info[s].stale
    }

    /// The last `STATUS` byte seen (ITCH 'H', 'P', 'Q', 'T'), 0 if none.
    @inlinable
    public func tradingStateByte(locate: UInt16) -> UInt8 {
        guard let s = existingSlot(locate) else { return 0 }
        return info[s].state
    }

    @inlinable @inline(__always)
    func sideIndex(_ side: Side) -> Int { isBuy(side) ? 0 : 1 }

    @inlinable @inline(__always)
    func existingSlot(_ locate: UInt16) -> Int? {
        let s = locateSlots[Int(locate)]
        return s == .max ? nil : Int(s)
    }

    @inlinable @inline(__always)
    mutating func slotCreating(_ locate: UInt16) -> Int? {
        let s = locateSlots[Int(locate)]
        if s != .max { return Int(s) }
        guard usedInstruments < maxInstruments else { return nil }
        let n = usedInstruments
        usedInstruments &+= 1
        locateSlots[Int(locate)] = UInt32(truncatingIfNeeded: n)
        return n
    }
}

extension L2Book: BookView {
    @inlinable
    public func topOfBook(locate: UInt16) -> TopOfBook {
        TopOfBook(bid: level(locate: locate, side: .buy, index: 0) ?? .empty,
                  ask: level(locate: locate, side: .sell, index: 0) ?? .empty)
    }

    @inlinable
    public func level(locate: UInt16, side: Side, index: Int) -> BookLevel? {
        guard let s = existingSlot(locate) else { return nil }
        let side2 = s &* 2 &+ sideIndex(side)
        guard index >= 0, index < Int(counts[side2]) else { return nil }
        return levels[side2 &* depth &+ index]
    }

    @inlinable
    public func levelCount(locate: UInt16, side: Side) -> Int {
        guard let s = existingSlot(locate) else { return 0 }
        return Int(counts[s &* 2 &+ sideIndex(side)])
    }
}

/// Per-instrument state of an ``L2Book`` beside its levels.
@frozen @usableFromInline
struct L2InstrumentInfo {
    @usableFromInline var lastTradePrice: Int64 = 0
    @usableFromInline var exchangeNanoseconds: UInt64 = 0
    @usableFromInline var lastTradeShares: UInt32 = 0
    @usableFromInline var state: UInt8 = 0
    @usableFromInline var stale: Bool = false
    @inlinable init() {}
}
