import Testing
import VegaCore
import VegaHardware
import VegaMarketData

// Compile-time proofs that the ITCH lane path neither allocates, locks, retains/releases, nor
// calls through an existential or an unspecialised generic: each wrapper is `@_noLocks` over a
// concrete type, so if the decoder, the file walk or the handler (specialised for ProofSink) did
// any of that, this file would not compile. The checker refuses calls it cannot see, and debug
// builds compile file by file, so the sink used here is defined in this file.

/// A `~Copyable` sink that only counts, like a book's fast path would touch only its own memory.
struct ProofSink: OrderBookSink, ~Copyable {
    var events: UInt64 = 0
    var lastTimes = EventTimes(exchange: Timestamp(nanoseconds: 0))

    mutating func defineInstrument(locate: UInt16, symbol: Symbol, roundLot: UInt32, times: EventTimes) -> BookReject? {
        events &+= 1; lastTimes = times; return locate == 0 ? .unknownInstrument : nil
    }
    mutating func addOrder(locate: UInt16, reference: UInt64, side: Side, shares: UInt32, price: Price4,
                           attribution: UInt32, times: EventTimes) -> BookReject? {
        events &+= 1; lastTimes = times; return reference == 0 ? .duplicateOrder : nil
    }
    mutating func executeOrder(locate: UInt16, reference: UInt64, shares: UInt32, matchNumber: UInt64,
                               price: Price4?, printable: Bool, times: EventTimes) -> BookReject? {
        events &+= 1; lastTimes = times; return nil
    }
    mutating func cancelOrder(locate: UInt16, reference: UInt64, shares: UInt32, times: EventTimes) -> BookReject? {
        events &+= 1; lastTimes = times; return nil
    }
    mutating func deleteOrder(locate: UInt16, reference: UInt64, times: EventTimes) -> BookReject? {
        events &+= 1; lastTimes = times; return .unknownOrder
    }
    mutating func replaceOrder(locate: UInt16, original: UInt64, replacement: UInt64, shares: UInt32, price: Price4,
                               times: EventTimes) -> BookReject? {
        events &+= 1; lastTimes = times; return nil
    }
    mutating func setTradingState(locate: UInt16, state: TradingState, times: EventTimes) { events &+= 1; lastTimes = times }
    mutating func trade(locate: UInt16, kind: TradeKind, shares: UInt64, price: Price4, matchNumber: UInt64, times: EventTimes) {
        events &+= 1; lastTimes = times
    }
    mutating func brokenTrade(locate: UInt16, matchNumber: UInt64, times: EventTimes) { events &+= 1; lastTimes = times }
    mutating func markStale(locate: UInt16?) { events &+= 1 }
}

@_noLocks @inline(never)
func proofDecode(_ decoder: inout ITCHDecoder, _ bytes: UnsafeRawBufferPointer) -> ITCHDecoded {
    decoder.decode(bytes)
}

/// Reads every field of a book message, so the views' accessors are checked too.
@_noLocks @inline(never)
func proofReadAdd(_ bytes: UnsafeRawBufferPointer) -> Int64 {
    guard case .message(.addOrderMPID(let m)) = ITCHDecoder.validate(bytes) else { return -1 }
    return Int64(truncatingIfNeeded: m.orderReference &+ UInt64(m.shares) &+ m.stock.raw &+ UInt64(m.attribution))
        &+ m.price.rawValue &+ Int64(m.stockLocate) &+ Int64(truncatingIfNeeded: m.timestamp.nanoseconds)
        &+ (m.side == .buy ? 1 : 2)
}

@_noLocks @inline(never)
func proofHandle(_ handler: inout ITCHHandler<ProofSink>, _ bytes: UnsafeRawBufferPointer, _ stamps: EventTimes) -> Bool {
    if case .decodeRejected = handler.handle(bytes, stamps: stamps) { return false }
    return true
}

@_noLocks @inline(never)
func proofWalk(_ reader: inout ITCHFileReader, _ handler: inout ITCHHandler<ProofSink>, _ stamps: EventTimes) -> Int {
    var n = 0
    while true {
        switch reader.next() {
        case .message(let m): _ = handler.handle(m, stamps: stamps); n &+= 1
        case .end, .truncatedFrame: return n
        }
    }
}

/// The file input's decode fast path (the look-ahead, `prefetch(upcoming:)`, is not provable
/// from here: the checker reports a call it cannot see).
@_noLocks @inline(never)
func proofDecodeNext(_ reader: inout ITCHFileReader, _ decoder: inout ITCHDecoder) -> Int {
    var n = 0
    while reader.decodeNext(&decoder) != nil { n &+= 1 }
    return n
}

@_noLocks @inline(never)
func proofEncode(_ buffer: UnsafeMutableRawBufferPointer, _ reference: UInt64) -> Int {
    let e = ITCHEncoder(buffer)
    return e.fileFramed {
        $0.addOrder(ITCHHeader(stockLocate: 1, timestamp: Timestamp(nanoseconds: 5)), reference: reference, side: 0x42,
                    shares: 10, stock: Symbol(raw: 0x4142_4320_2020_2020), price: Price4(rawValue: 100), attribution: 0x4E53_4451)
    }
}

@_noLocks @inline(never)
func proofFrameStamps(_ frame: RxFrame) -> EventTimes { EventTimes(frame: frame) }

@Suite("ITCH no-locks wrappers")
struct ITCHNoLocksProofTests {
    @Test func wrappersBehaveLikeTheOperationsTheyProve() {
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBytes { proofEncode($0, 77) }
        #expect(n == 42)
        buffer.withUnsafeBytes { raw in
            let message = UnsafeRawBufferPointer(rebasing: raw[2..<n])
            var decoder = ITCHDecoder()
            guard case .message(.addOrderMPID(let m)) = proofDecode(&decoder, message) else { Issue.record("decode"); return }
            #expect(m.orderReference == 77)
            #expect(proofReadAdd(message) > 0)

            var handler = ITCHHandler(sink: ProofSink())
            let stamps = EventTimes(exchange: Timestamp(nanoseconds: 0), nicNanoseconds: 3, hasNIC: true)
            #expect(proofHandle(&handler, message, stamps))
            #expect(proofHandle(&handler, UnsafeRawBufferPointer(rebasing: raw[2..<5]), stamps) == false)

            var reader = ITCHFileReader(unsafeBytes: UnsafeRawBufferPointer(rebasing: raw[0..<n]))
            #expect(proofWalk(&reader, &handler, stamps) == 1)
            #expect(handler.sink.events == 2)
            var again = ITCHFileReader(unsafeBytes: UnsafeRawBufferPointer(rebasing: raw[0..<n]))
            var fileDecoder = ITCHDecoder()
            #expect(proofDecodeNext(&again, &fileDecoder) == 1 && fileDecoder.counters.messages(.addOrderMPID) == 1)
            #expect(handler.sink.lastTimes.nicNanoseconds == 3 && handler.sink.lastTimes.exchange.nanoseconds == 5)
        }
    }
}
