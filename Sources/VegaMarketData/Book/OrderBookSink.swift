import VegaCore

// The contract between what decodes the feed (the ITCH 5.0 handler) and what keeps the books.
// Written first so that the decoder and the books can be built apart and meet here; the books
// never see ITCH bytes, and the decoder never sees a price level.

/// An instrument's 8-byte ASCII symbol, space-padded on the right as ITCH carries it ("AAPL    ").
/// Stored as the 8 bytes in wire order (big-endian load), so equality and hashing are one compare.
@frozen
public struct Symbol: Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
    /// The 8 symbol bytes as a big-endian `UInt64` (first character in the top byte).
    public var raw: UInt64

    @inlinable
    public init(raw: UInt64) { self.raw = raw }

    /// From text (off the lane): up to 8 ASCII characters, space-padded; nil otherwise.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count <= 8, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        var r: UInt64 = 0
        for i in 0..<8 { r = r << 8 | UInt64(i < bytes.count ? bytes[i] : 0x20) }
        raw = r
    }

    /// The symbol without its padding.
    public var description: String {
        var bytes: [UInt8] = []
        for i in (0..<8).reversed() { bytes.append(UInt8(truncatingIfNeeded: raw >> (UInt64(i) * 8))) }
        while bytes.last == 0x20 { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The three clocks every book event carries: the exchange's stamp from the message, and the
/// NIC hardware and kernel software stamps of the frame that brought it. Trivial and 32 bytes,
/// so it travels by value on the lane.
@frozen
public struct EventTimes: Sendable, Equatable, BitwiseCopyable {
    /// Exchange time, ns since midnight (the ITCH message's 6-byte timestamp).
    public var exchange: Timestamp<SinceMidnight>
    /// NIC hardware RX stamp (PHC timescale), valid when `hasNIC`.
    public var nicNanoseconds: UInt64
    /// Kernel software RX stamp (CLOCK_REALTIME), valid when `hasKernel`.
    public var kernelNanoseconds: UInt64
    public var hasNIC: Bool
    public var hasKernel: Bool

    @inlinable
    public init(exchange: Timestamp<SinceMidnight>, nicNanoseconds: UInt64 = 0, kernelNanoseconds: UInt64 = 0,
                hasNIC: Bool = false, hasKernel: Bool = false) {
        self.exchange = exchange
        self.nicNanoseconds = nicNanoseconds
        self.kernelNanoseconds = kernelNanoseconds
        self.hasNIC = hasNIC
        self.hasKernel = hasKernel
    }

    @inlinable public var nic: Timestamp<TAI>? { hasNIC ? Timestamp(nanoseconds: nicNanoseconds) : nil }
    @inlinable public var kernel: Timestamp<UTC>? { hasKernel ? Timestamp(nanoseconds: kernelNanoseconds) : nil }
}

/// Why a book refused an event. Each is counted; nothing already accepted is lost.
public enum BookReject: UInt8, Sendable, CaseIterable, BitwiseCopyable {
    /// The order reference is not live (never added, or already gone).
    case unknownOrder
    /// An add (or a replace's new reference) reuses a live reference.
    case duplicateOrder
    /// The stock locate has no instrument (no stock directory message yet) or is out of range.
    case unknownInstrument
    /// The message's locate disagrees with the order's instrument.
    case instrumentMismatch
    /// More shares executed or cancelled than the order has: the order is removed, the excess counted.
    case overExecution
    /// Zero shares, or a price that is zero/negative where one is required.
    case invalidQuantity
    case invalidPrice
    /// The pre-sized order or level capacity is exhausted (configuration too small).
    case orderCapacity
    case levelCapacity
}

/// ITCH trading states ('H' halted, 'P' paused, 'Q' quotation only, 'T' trading).
public enum TradingState: UInt8, Sendable {
    case halted = 0x48, paused = 0x50, quotationOnly = 0x51, trading = 0x54
}

/// What kind of trade a trade event is.
public enum TradeKind: Sendable, Equatable {
    /// 'P': a match against a non-displayed order; `side` is the resting order's side.
    case nonCross(side: Side)
    /// 'Q': an opening/closing/IPO/halt cross; `crossType` is ITCH's byte ('O', 'C', 'H', 'I').
    case cross(crossType: UInt8)
}

/// Receives the order-by-order events of a feed, decoded. Implemented by the order books (and by
/// test recorders). Every method is a lane call: no allocation, no locks; `@inlinable` in
/// implementations so the handler's generic use specialises.
public protocol OrderBookSink: ~Copyable {
    /// A hint, not an event: a message about `reference` on `locate` will be applied soon, so warm
    /// the memory it will touch. Each upcoming message gets three hints, a few messages apart, in
    /// the order `stage` 3, 2, 1 (``ITCHLookAhead``); stage 1 comes last before the message is
    /// applied. Each stage may read what the one before warmed. Changes no state and refuses
    /// nothing; any values are safe (a message that turns out bad is still decoded and refused as
    /// usual). Default: nothing.
    func prefetch(locate: UInt16, reference: UInt64, stage: Int)
    /// The same hint for a message that puts an order at `price` ('A'/'F': `sideByte` is the
    /// message's side byte; 'U': `sideByte` 0, the original order's side), so the level it
    /// joins can be warmed too. Same rules as above. Default: the hint without the price.
    func prefetch(locate: UInt16, reference: UInt64, price: UInt32, sideByte: UInt8, stage: Int)
    /// 'R' stock directory: the instrument at `locate` exists from now on.
    mutating func defineInstrument(locate: UInt16, symbol: Symbol, roundLot: UInt32, times: EventTimes) -> BookReject?
    /// 'A' / 'F' add order. `attribution` is the MPID for 'F' (4 ASCII bytes, big-endian), 0 for 'A'.
    mutating func addOrder(locate: UInt16, reference: UInt64, side: Side, shares: UInt32, price: Price4,
                           attribution: UInt32, times: EventTimes) -> BookReject?
    /// 'E' (price nil: at the order's price) and 'C' (price given; `printable` as sent).
    mutating func executeOrder(locate: UInt16, reference: UInt64, shares: UInt32, matchNumber: UInt64,
                               price: Price4?, printable: Bool, times: EventTimes) -> BookReject?
    /// 'X' partial cancel.
    mutating func cancelOrder(locate: UInt16, reference: UInt64, shares: UInt32, times: EventTimes) -> BookReject?
    /// 'D' delete.
    mutating func deleteOrder(locate: UInt16, reference: UInt64, times: EventTimes) -> BookReject?
    /// 'U' replace: the original leaves the book, the replacement joins at the back of its level
    /// (ITCH: a replace loses priority), same side and instrument.
    mutating func replaceOrder(locate: UInt16, original: UInt64, replacement: UInt64, shares: UInt32, price: Price4,
                               times: EventTimes) -> BookReject?
    /// 'H' trading action.
    mutating func setTradingState(locate: UInt16, state: TradingState, times: EventTimes)
    /// 'P' / 'Q' trades (they do not change the displayed book).
    mutating func trade(locate: UInt16, kind: TradeKind, shares: UInt64, price: Price4, matchNumber: UInt64, times: EventTimes)
    /// 'B' broken trade.
    mutating func brokenTrade(locate: UInt16, matchNumber: UInt64, times: EventTimes)
    /// The feed lost messages it could not recover: the books of `locate` (nil: every book) can
    /// no longer be trusted until rebuilt (e.g. from a snapshot or a new session).
    mutating func markStale(locate: UInt16?)
}

extension OrderBookSink where Self: ~Copyable {
    @inlinable @inline(__always)
    public func prefetch(locate: UInt16, reference: UInt64, stage: Int) {}

    @inlinable @inline(__always)
    public func prefetch(locate: UInt16, reference: UInt64, price: UInt32, sideByte: UInt8, stage: Int) {
        prefetch(locate: locate, reference: reference, stage: stage)
    }
}
