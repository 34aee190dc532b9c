import CVegaNet
import VegaCore
import VegaHardware

/// What the handler did with one message. The non-book messages come back as `.event` so the
/// caller (feed handler, strategy hook, journal) can act on them without the handler knowing who
/// cares: a return value is the cheapest hook there is (no closure, no existential).
@frozen
public enum ITCHHandled {
    /// A book message, applied by the sink ('R', 'A', 'F', 'E', 'C', 'X', 'D', 'U', 'H', 'P', 'Q', 'B').
    case applied(ITCHMessageType)
    /// A book message the sink refused (counted in ``ITCHHandler/bookRejects``).
    case bookRejected(ITCHMessageType, BookReject)
    /// The bytes did not decode (counted in the decoder's counters).
    case decodeRejected(ITCHReject)
    /// A message that does not touch the books: 'S', 'Y', 'L', 'V', 'W', 'K', 'J', 'h', 'I', 'N', 'O'.
    case event(ITCHMessage)
}

/// Decodes ITCH 5.0 messages and drives an ``OrderBookSink`` with them.
///
/// Mapping: R→`defineInstrument`, A/F→`addOrder`, E/C→`executeOrder`, X→`cancelOrder`,
/// D→`deleteOrder`, U→`replaceOrder`, H→`setTradingState`, P/Q→`trade`, B→`brokenTrade`; every
/// call carries the message's exchange timestamp and the frame's NIC and kernel stamps.
///
/// Contract: `handle` never allocates, locks, traps or calls through an existential; the sink is
/// a generic parameter, so the whole path specialises for the concrete book (proved for a
/// concrete sink in `ITCHNoLocksProofs.swift`). Refusals (decode or book) are counted and never
/// stop the stream.
public struct ITCHHandler<Sink: OrderBookSink & ~Copyable>: ~Copyable {
    /// The books (or recorder) this handler drives.
    public var sink: Sink
    /// The decoder and its per-type / per-reason counters.
    public var decoder: ITCHDecoder
    /// The sink's refusals per reason.
    public var bookRejects: BookRejectCounters
    /// Where the look-ahead has got to in the reader ``handleNext(_:stamps:)`` walks (internal:
    /// only ``prefetch(upcoming:)`` moves it).
    @usableFromInline var lookAhead: ITCHLookAhead
    /// The last System Event code seen ('O', 'S', 'Q', 'M', 'E', 'C'), 0 before the first.
    public var lastSystemEvent: UInt8
    /// True once System Event 'C' (End of Messages: always the day's last message) arrived.
    @inlinable public var endOfMessages: Bool { lastSystemEvent == ITCHSystemEventCode.endOfMessages.rawValue }

    @inlinable
    public init(sink: consuming Sink) {
        self.sink = sink
        decoder = ITCHDecoder()
        bookRejects = BookRejectCounters()
        lookAhead = ITCHLookAhead()
        lastSystemEvent = 0
    }

    /// Gives the sink back (e.g. the books at the end of a file).
    @inlinable
    public consuming func takeSink() -> Sink { sink }

    /// Tells the sink about the messages ahead of `reader` (see
    /// ``OrderBookSink/prefetch(locate:reference:stage:)``), so their memory is warm when they are
    /// handled. Call it once per message, after the reader has moved past the message about to be
    /// handled, in a loop over one reader (``handleNext(_:stamps:)`` does). Each call moves the
    /// handler's ``ITCHLookAhead`` cursors one frame: stage 3 hints the frame
    /// ``ITCHLookAhead/stage3`` messages ahead, stage 2 the one ``ITCHLookAhead/stage2`` ahead,
    /// stage 1 the one ``ITCHLookAhead/stage1`` ahead, so each frame gets its three stages two
    /// messages apart. Reads only the bytes the framing says are there; changes no book state
    /// (counters included). A new reader (or one moved behind the cursors) restarts them.
    @inlinable @inline(__always)
    public mutating func prefetch(upcoming reader: borrowing ITCHFileReader) {
        if !lookAhead.follows(reader) { lookAhead.restart(reader) }
        if let (m, next) = reader.peek(at: lookAhead.offset3) {
            hint(m, stage: 3)
            lookAhead.offset3 = next
        }
        if let (m, next) = reader.peek(at: lookAhead.offset2) {
            hint(m, stage: 2)
            lookAhead.offset2 = next
        }
        if let (m, next) = reader.peek(at: lookAhead.offset1) {
            hint(m, stage: 1)
            lookAhead.offset1 = next
        }
    }

    /// The hint for one upcoming message: A, F, E, C, X, D and U carry the order reference at
    /// offset 11 (U: the original), the locate at 1; A and F their side at 19 and price at 32,
    /// U its new price at 31 (each read only when the frame is the type's full length).
    @inlinable @inline(__always)
    func hint(_ bytes: UnsafeRawBufferPointer, stage: Int) {
        guard bytes.count >= 19, let p = bytes.baseAddress else { return }
        let type = p._itchU8(0)
        let t = Int(type) &- 0x40
        // Bits for 'A' 0x41, 'C' 0x43, 'D' 0x44, 'E' 0x45, 'F' 0x46, 'U' 0x55, 'X' 0x58.
        let orderTypes: UInt32 = 1 << 1 | 1 << 3 | 1 << 4 | 1 << 5 | 1 << 6 | 1 << 0x15 | 1 << 0x18
        guard t >= 0, t < 32, orderTypes &>> UInt32(t) & 1 != 0 else { return }
        let locate = p._itchU16(1), reference = p._itchU64(11)
        if stage == 1 {
            // Only the last stage uses the price (to find the level an order joins).
            if (type == 0x41 || type == 0x46) && bytes.count >= 36 {
                sink.prefetch(locate: locate, reference: reference, price: p._itchU32(32), sideByte: p._itchU8(19),
                              stage: 1)
                return
            }
            if type == 0x55 && bytes.count >= 35 {
                sink.prefetch(locate: locate, reference: reference, price: p._itchU32(31), sideByte: 0, stage: 1)
                return
            }
        }
        sink.prefetch(locate: locate, reference: reference, stage: stage)
    }

    /// File input's loop step: decodes the next message of `reader` (its fast path,
    /// ``ITCHFileReader/decodeNext(_:)``), moves the look-ahead (``prefetch(upcoming:)``), and
    /// applies it. Nil at the end of the file; a truncated final
    /// frame comes back as `.decodeRejected(.truncatedFrame)` (counted) and ends the walk.
    /// Same results and counters as `reader.next()` + ``handle(_:stamps:)``. No allocation.
    @inlinable @inline(__always)
    public mutating func handleNext(_ reader: inout ITCHFileReader, stamps: EventTimes) -> ITCHHandled? {
        guard let decoded = reader.decodeNext(&decoder) else { return nil }
        prefetch(upcoming: reader)
        switch decoded {
        case .message(let m): return apply(m, stamps: stamps)
        case .rejected(let reason): return .decodeRejected(reason)
        }
    }

    /// Decodes one message and applies it. `stamps` carries the frame's NIC/kernel stamps; its
    /// `exchange` field is ignored (each message brings its own). No allocation, no locks.
    @inlinable
    public mutating func handle(_ bytes: UnsafeRawBufferPointer, stamps: EventTimes) -> ITCHHandled {
        switch decoder.decode(bytes) {
        case .message(let m): return apply(m, stamps: stamps)
        case .rejected(let reason): return .decodeRejected(reason)
        }
    }

    /// Applies one decoded message (already counted by the decoder that produced it).
    @inlinable
    public mutating func apply(_ message: ITCHMessage, stamps: EventTimes) -> ITCHHandled {
        var t = stamps
        t.exchange = message.timestamp
        let reject: BookReject?
        let type: ITCHMessageType
        switch message {
        case .stockDirectory(let m):
            type = .stockDirectory
            reject = sink.defineInstrument(locate: m.stockLocate, symbol: m.stock, roundLot: m.roundLotSize, times: t)
        case .addOrder(let m):
            type = .addOrder
            // The decoder refused any side other than B/S, so the fallback is never taken.
            reject = sink.addOrder(locate: m.stockLocate, reference: m.orderReference, side: m.side ?? .buy,
                                   shares: m.shares, price: m.price, attribution: 0, times: t)
        case .addOrderMPID(let m):
            type = .addOrderMPID
            reject = sink.addOrder(locate: m.stockLocate, reference: m.orderReference, side: m.side ?? .buy,
                                   shares: m.shares, price: m.price, attribution: m.attribution, times: t)
        case .orderExecuted(let m):
            type = .orderExecuted
            // 'E' executes at the order's display price and is always printable.
            reject = sink.executeOrder(locate: m.stockLocate, reference: m.orderReference, shares: m.executedShares,
                                       matchNumber: m.matchNumber, price: nil, printable: true, times: t)
        case .orderExecutedWithPrice(let m):
            type = .orderExecutedWithPrice
            reject = sink.executeOrder(locate: m.stockLocate, reference: m.orderReference, shares: m.executedShares,
                                       matchNumber: m.matchNumber, price: m.executionPrice, printable: m.printable,
                                       times: t)
        case .orderCancel(let m):
            type = .orderCancel
            reject = sink.cancelOrder(locate: m.stockLocate, reference: m.orderReference, shares: m.cancelledShares, times: t)
        case .orderDelete(let m):
            type = .orderDelete
            reject = sink.deleteOrder(locate: m.stockLocate, reference: m.orderReference, times: t)
        case .orderReplace(let m):
            type = .orderReplace
            reject = sink.replaceOrder(locate: m.stockLocate, original: m.originalOrderReference,
                                       replacement: m.newOrderReference, shares: m.shares, price: m.price, times: t)
        case .stockTradingAction(let m):
            // The decoder refused unknown states, so the fallback is never taken.
            sink.setTradingState(locate: m.stockLocate, state: m.tradingState ?? .halted, times: t)
            return .applied(.stockTradingAction)
        case .trade(let m):
            sink.trade(locate: m.stockLocate, kind: .nonCross(side: m.side ?? .buy), shares: UInt64(m.shares),
                       price: m.price, matchNumber: m.matchNumber, times: t)
            return .applied(.trade)
        case .crossTrade(let m):
            sink.trade(locate: m.stockLocate, kind: .cross(crossType: m.crossType), shares: m.shares,
                       price: m.crossPrice, matchNumber: m.matchNumber, times: t)
            return .applied(.crossTrade)
        case .brokenTrade(let m):
            sink.brokenTrade(locate: m.stockLocate, matchNumber: m.matchNumber, times: t)
            return .applied(.brokenTrade)
        case .systemEvent(let m):
            lastSystemEvent = m.eventCode
            return .event(message)
        case .regSHORestriction, .marketParticipantPosition, .mwcbDeclineLevel, .mwcbStatus,
             .ipoQuotingPeriodUpdate, .luldAuctionCollar, .operationalHalt, .noii, .rpii, .dlcrPriceDiscovery:
            return .event(message)
        }
        if let reject {
            bookRejects.count(reject)
            return .bookRejected(type, reject)
        }
        return .applied(type)
    }
}

/// The look-ahead's three cursors over a file reader's frames: the byte offsets of the frames its
/// stages hint next, ``stage3``, ``stage2`` and ``stage1`` messages ahead of the message being
/// handled.
///
/// Why two messages between stages: on a book far larger than the last-level cache every link of
/// a message's chain (window entry → order slot → level and queue neighbours) is a DRAM round trip,
/// 130 ns on the machine measured (`Benchmarks/README.md`, "Sixth round"), more than one message's
/// time. One cursor per stage, moved one frame a call, costs one framing read per stage: the same as
/// peeking the next three frames from the reader each time, which only reaches one message apart.
@frozen
public struct ITCHLookAhead {
    /// Messages ahead of the one being handled at which each stage hints.
    public static var stage1: Int { 2 }
    public static var stage2: Int { 4 }
    public static var stage3: Int { 6 }

    /// Byte offset of the next frame each stage hints (a frame's length prefix).
    @usableFromInline var offset1: Int
    @usableFromInline var offset2: Int
    @usableFromInline var offset3: Int
    /// The reader the cursors walk: its bytes' start and length.
    @usableFromInline var start: UnsafeRawPointer?
    @usableFromInline var count: Int
    /// `reader.offset` at the last call: a reader that did not move forward is a new walk.
    @usableFromInline var last: Int

    @inlinable
    public init() {
        offset1 = -1
        offset2 = -1
        offset3 = -1
        start = nil
        count = -1
        last = Int.max
    }

    /// Whether the cursors walk `reader` and are still ahead of it (and notes where it is).
    /// `reader.offset` is the frame after the message being handled, which stage 1 is at or beyond.
    @inlinable @inline(__always)
    mutating func follows(_ reader: borrowing ITCHFileReader) -> Bool {
        let here = reader.offset
        defer { last = here }
        return start == reader.start && count == reader.count && here > last && offset1 >= here
    }

    /// Puts the cursors ``stage1``, ``stage2`` and ``stage3`` messages after the one whose frame
    /// ends at `reader.offset` (fewer where the reader ends sooner).
    @inlinable
    mutating func restart(_ reader: borrowing ITCHFileReader) {
        start = reader.start
        count = reader.count
        offset1 = Self.skip(reader, from: reader.offset, frames: Self.stage1 &- 1)
        offset2 = Self.skip(reader, from: offset1, frames: Self.stage2 &- Self.stage1)
        offset3 = Self.skip(reader, from: offset2, frames: Self.stage3 &- Self.stage2)
    }

    @inlinable
    static func skip(_ reader: borrowing ITCHFileReader, from offset: Int, frames: Int) -> Int {
        var o = offset
        var k = 0
        while k < frames, let (_, next) = reader.peek(at: o) {
            o = next
            k &+= 1
        }
        return o
    }
}

extension EventTimes {
    /// The stamps of a received frame, for ``ITCHHandler/handle(_:stamps:)`` (the exchange time
    /// is filled in per message).
    @inlinable
    public init(frame: RxFrame) {
        // Read the flags directly: `Optional` + `??` would be a generic call on the lane.
        let flags = frame.meta.flags
        let hasNIC = flags & UInt32(VEGA_FRAME_HAS_HW) != 0
        let hasKernel = flags & UInt32(VEGA_FRAME_HAS_SW) != 0
        self.init(exchange: Timestamp(nanoseconds: 0),
                  nicNanoseconds: hasNIC ? frame.meta.hw_ns : 0,
                  kernelNanoseconds: hasKernel ? frame.meta.sw_ns : 0,
                  hasNIC: hasNIC, hasKernel: hasKernel)
    }
}
