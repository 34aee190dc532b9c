import VegaCore
import VegaMarketData

/// Concatenates message pieces written field by field (each piece one spec field).
func wire(_ parts: [UInt8]...) -> [UInt8] { parts.flatMap { $0 } }

/// An Alpha field: the ASCII bytes of `text` (already padded by the caller, as on the wire).
func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

/// The header used by the hand-built messages: locate 0x0102 (258), tracking 0x0304 (772),
/// timestamp 0x1F1ACED9F07B = 34,200,000,000,123 ns = 09:30:00.000000123.
let handHeader: [UInt8] = [0x01, 0x02, 0x03, 0x04, 0x1F, 0x1A, 0xCE, 0xD9, 0xF0, 0x7B]
let handTimestamp = Timestamp<SinceMidnight>(nanoseconds: 34_200_000_000_123)

/// Runs `body` on the decoding of `bytes` (the views are valid only inside).
func withDecoded<R>(_ bytes: [UInt8], _ body: (ITCHDecoded) throws -> R) rethrows -> R {
    try bytes.withUnsafeBytes { try body(ITCHDecoder.validate($0)) }
}

/// Encodes one message with `body` into a fresh 64-byte buffer and returns exactly its bytes.
func encoded(_ body: (ITCHEncoder) -> Int) -> [UInt8] {
    var buffer = [UInt8](repeating: 0xEE, count: 64)
    let n = buffer.withUnsafeMutableBytes { body(ITCHEncoder($0)) }
    return Array(buffer.prefix(n))
}

/// Wraps messages in NASDAQ's file framing (2-byte big-endian length before each).
func fileFramed(_ messages: [[UInt8]]) -> [UInt8] {
    var out: [UInt8] = []
    for m in messages {
        out.append(UInt8(m.count >> 8))
        out.append(UInt8(m.count & 0xFF))
        out += m
    }
    return out
}

/// What a recording sink saw: one case per sink call, with every argument.
enum SinkCall: Equatable {
    case define(locate: UInt16, symbol: Symbol, roundLot: UInt32, times: EventTimes)
    case add(locate: UInt16, reference: UInt64, side: Side, shares: UInt32, price: Price4, attribution: UInt32, times: EventTimes)
    case execute(locate: UInt16, reference: UInt64, shares: UInt32, matchNumber: UInt64, price: Price4?, printable: Bool, times: EventTimes)
    case cancel(locate: UInt16, reference: UInt64, shares: UInt32, times: EventTimes)
    case delete(locate: UInt16, reference: UInt64, times: EventTimes)
    case replace(locate: UInt16, original: UInt64, replacement: UInt64, shares: UInt32, price: Price4, times: EventTimes)
    case tradingState(locate: UInt16, state: TradingState, times: EventTimes)
    case trade(locate: UInt16, kind: TradeKind, shares: UInt64, price: Price4, matchNumber: UInt64, times: EventTimes)
    case broken(locate: UInt16, matchNumber: UInt64, times: EventTimes)
    case stale(locate: UInt16?)
}

/// A test sink that records every call and answers with `nextReject` (then clears it).
struct RecordingSink: OrderBookSink {
    var calls: [SinkCall] = []
    var nextReject: BookReject?

    private mutating func answer() -> BookReject? {
        defer { nextReject = nil }
        return nextReject
    }

    mutating func defineInstrument(locate: UInt16, symbol: Symbol, roundLot: UInt32, times: EventTimes) -> BookReject? {
        calls.append(.define(locate: locate, symbol: symbol, roundLot: roundLot, times: times)); return answer()
    }
    mutating func addOrder(locate: UInt16, reference: UInt64, side: Side, shares: UInt32, price: Price4,
                           attribution: UInt32, times: EventTimes) -> BookReject? {
        calls.append(.add(locate: locate, reference: reference, side: side, shares: shares, price: price,
                          attribution: attribution, times: times)); return answer()
    }
    mutating func executeOrder(locate: UInt16, reference: UInt64, shares: UInt32, matchNumber: UInt64,
                               price: Price4?, printable: Bool, times: EventTimes) -> BookReject? {
        calls.append(.execute(locate: locate, reference: reference, shares: shares, matchNumber: matchNumber,
                              price: price, printable: printable, times: times)); return answer()
    }
    mutating func cancelOrder(locate: UInt16, reference: UInt64, shares: UInt32, times: EventTimes) -> BookReject? {
        calls.append(.cancel(locate: locate, reference: reference, shares: shares, times: times)); return answer()
    }
    mutating func deleteOrder(locate: UInt16, reference: UInt64, times: EventTimes) -> BookReject? {
        calls.append(.delete(locate: locate, reference: reference, times: times)); return answer()
    }
    mutating func replaceOrder(locate: UInt16, original: UInt64, replacement: UInt64, shares: UInt32, price: Price4,
                               times: EventTimes) -> BookReject? {
        calls.append(.replace(locate: locate, original: original, replacement: replacement, shares: shares,
                              price: price, times: times)); return answer()
    }
    mutating func setTradingState(locate: UInt16, state: TradingState, times: EventTimes) {
        calls.append(.tradingState(locate: locate, state: state, times: times))
    }
    mutating func trade(locate: UInt16, kind: TradeKind, shares: UInt64, price: Price4, matchNumber: UInt64, times: EventTimes) {
        calls.append(.trade(locate: locate, kind: kind, shares: shares, price: price, matchNumber: matchNumber, times: times))
    }
    mutating func brokenTrade(locate: UInt16, matchNumber: UInt64, times: EventTimes) {
        calls.append(.broken(locate: locate, matchNumber: matchNumber, times: times))
    }
    mutating func markStale(locate: UInt16?) { calls.append(.stale(locate: locate)) }
}
