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
    /// The last System Event code seen ('O', 'S', 'Q', 'M', 'E', 'C'), 0 before the first.
    public var lastSystemEvent: UInt8
    /// True once System Event 'C' (End of Messages: always the day's last message) arrived.
    @inlinable public var endOfMessages: Bool { lastSystemEvent == ITCHSystemEventCode.endOfMessages.rawValue }

    @inlinable
    public init(sink: consuming Sink) {
        self.sink = sink
        decoder = ITCHDecoder()
        bookRejects = BookRejectCounters()
        lastSystemEvent = 0
    }

    /// Gives the sink back (e.g. the books at the end of a file).
    @inlinable
    public consuming func takeSink() -> Sink { sink }

    /// Decodes one message and applies it. `stamps` carries the frame's NIC/kernel stamps; its
    /// `exchange` field is ignored (each message brings its own). No allocation, no locks.
    ///
    /// Uses ``ITCHDecoder/frame(_:)`` — table-driven checks, no branch on the type — so the
    /// one unpredictable branch per message is the switch in `apply(frame:)` that picks the book
    /// call.
    @inlinable
    public mutating func handle(_ bytes: UnsafeRawBufferPointer, stamps: EventTimes) -> ITCHHandled {
        switch decoder.frame(bytes) {
        case .frame(let frame): return apply(frame: frame, stamps: stamps)
        case .rejected(let reason): return .decodeRejected(reason)
        }
    }

    /// Applies one decoded message (already counted by the decoder that produced it).
    @inlinable
    public mutating func apply(_ message: ITCHMessage, stamps: EventTimes) -> ITCHHandled {
        apply(frame: ITCHFrame(type: message.type.rawValue, base: message.base), stamps: stamps)
    }

    /// Applies one accepted frame: one switch on the type byte picks the sink call.
    @inlinable
    public mutating func apply(frame: ITCHFrame, stamps: EventTimes) -> ITCHHandled {
        var t = stamps
        t.exchange = frame.timestamp
        let p = frame.base
        let reject: BookReject?
        let type: ITCHMessageType
        switch frame.type {
        case 0x52:  // 'R'
            let m = ITCHStockDirectory(unchecked: p)
            type = .stockDirectory
            reject = sink.defineInstrument(locate: m.stockLocate, symbol: m.stock, roundLot: m.roundLotSize, times: t)
        case 0x41:  // 'A'
            let m = ITCHAddOrder(unchecked: p)
            type = .addOrder
            // The decoder refused any side other than B/S, so the fallback is never taken.
            reject = sink.addOrder(locate: m.stockLocate, reference: m.orderReference, side: m.side ?? .buy,
                                   shares: m.shares, price: m.price, attribution: 0, times: t)
        case 0x46:  // 'F'
            let m = ITCHAddOrderMPID(unchecked: p)
            type = .addOrderMPID
            reject = sink.addOrder(locate: m.stockLocate, reference: m.orderReference, side: m.side ?? .buy,
                                   shares: m.shares, price: m.price, attribution: m.attribution, times: t)
        case 0x45:  // 'E'
            let m = ITCHOrderExecuted(unchecked: p)
            type = .orderExecuted
            // 'E' executes at the order's display price and is always printable.
            reject = sink.executeOrder(locate: m.stockLocate, reference: m.orderReference, shares: m.executedShares,
                                       matchNumber: m.matchNumber, price: nil, printable: true, times: t)
        case 0x43:  // 'C'
            let m = ITCHOrderExecutedWithPrice(unchecked: p)
            type = .orderExecutedWithPrice
            reject = sink.executeOrder(locate: m.stockLocate, reference: m.orderReference, shares: m.executedShares,
                                       matchNumber: m.matchNumber, price: m.executionPrice, printable: m.printable,
                                       times: t)
        case 0x58:  // 'X'
            let m = ITCHOrderCancel(unchecked: p)
            type = .orderCancel
            reject = sink.cancelOrder(locate: m.stockLocate, reference: m.orderReference, shares: m.cancelledShares, times: t)
        case 0x44:  // 'D'
            let m = ITCHOrderDelete(unchecked: p)
            type = .orderDelete
            reject = sink.deleteOrder(locate: m.stockLocate, reference: m.orderReference, times: t)
        case 0x55:  // 'U'
            let m = ITCHOrderReplace(unchecked: p)
            type = .orderReplace
            reject = sink.replaceOrder(locate: m.stockLocate, original: m.originalOrderReference,
                                       replacement: m.newOrderReference, shares: m.shares, price: m.price, times: t)
        case 0x48:  // 'H'
            let m = ITCHStockTradingAction(unchecked: p)
            // The decoder refused unknown states, so the fallback is never taken.
            sink.setTradingState(locate: m.stockLocate, state: m.tradingState ?? .halted, times: t)
            return .applied(.stockTradingAction)
        case 0x50:  // 'P'
            let m = ITCHTrade(unchecked: p)
            sink.trade(locate: m.stockLocate, kind: .nonCross(side: m.side ?? .buy), shares: UInt64(m.shares),
                       price: m.price, matchNumber: m.matchNumber, times: t)
            return .applied(.trade)
        case 0x51:  // 'Q'
            let m = ITCHCrossTrade(unchecked: p)
            sink.trade(locate: m.stockLocate, kind: .cross(crossType: m.crossType), shares: m.shares,
                       price: m.crossPrice, matchNumber: m.matchNumber, times: t)
            return .applied(.crossTrade)
        case 0x42:  // 'B'
            let m = ITCHBrokenTrade(unchecked: p)
            sink.brokenTrade(locate: m.stockLocate, matchNumber: m.matchNumber, times: t)
            return .applied(.brokenTrade)
        default:
            // Non-book messages ('S', 'Y', 'L', 'V', 'W', 'K', 'J', 'h', 'I', 'N', 'O'): rare, so
            // building the typed message (a second switch) costs nothing that matters.
            guard let messageType = ITCHMessageType(byte: frame.type),
                  case .message(let message) = ITCHDecoder.validate(UnsafeRawBufferPointer(start: p, count: messageType.length))
            else { return .decodeRejected(.unknownType) }   // unreachable: the decoder accepted it
            if case .systemEvent(let m) = message { lastSystemEvent = m.eventCode }
            return .event(message)
        }
        if let reject {
            bookRejects.count(reject)
            return .bookRejected(type, reject)
        }
        return .applied(type)
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
