import Testing
import VegaCore
@testable import VegaMarketData

// The look-ahead's cursors (`ITCHLookAhead`, driven by `ITCHHandler.handleNext`): every order
// message gets its three hints, stage 3, 2 and 1, exactly `stage3`, `stage2` and `stage1` messages
// before it is applied, with the right locate, reference, and (stage 1 of A/F/U) price and side.
// Wrong hints would only slow the books, so only a recording sink can tell.

/// What the recording sink saw, in order: hints, and the test loop's marker after each step.
enum LookAheadEvent: Equatable {
    case hint(stage: Int, locate: UInt16, reference: UInt64, price: UInt32?, sideByte: UInt8?)
    case step
}

final class LookAheadLog {
    var events: [LookAheadEvent] = []
}

/// Records the hints; applies nothing (every book call is accepted and ignored).
struct HintRecordingSink: OrderBookSink {
    let log: LookAheadLog

    func prefetch(locate: UInt16, reference: UInt64, stage: Int) {
        log.events.append(.hint(stage: stage, locate: locate, reference: reference, price: nil, sideByte: nil))
    }
    func prefetch(locate: UInt16, reference: UInt64, price: UInt32, sideByte: UInt8, stage: Int) {
        log.events.append(.hint(stage: stage, locate: locate, reference: reference, price: price, sideByte: sideByte))
    }
    mutating func defineInstrument(locate: UInt16, symbol: Symbol, roundLot: UInt32, times: EventTimes) -> BookReject? { nil }
    mutating func addOrder(locate: UInt16, reference: UInt64, side: Side, shares: UInt32, price: Price4,
                           attribution: UInt32, times: EventTimes) -> BookReject? { nil }
    mutating func executeOrder(locate: UInt16, reference: UInt64, shares: UInt32, matchNumber: UInt64,
                               price: Price4?, printable: Bool, times: EventTimes) -> BookReject? { nil }
    mutating func cancelOrder(locate: UInt16, reference: UInt64, shares: UInt32, times: EventTimes) -> BookReject? { nil }
    mutating func deleteOrder(locate: UInt16, reference: UInt64, times: EventTimes) -> BookReject? { nil }
    mutating func replaceOrder(locate: UInt16, original: UInt64, replacement: UInt64, shares: UInt32, price: Price4,
                               times: EventTimes) -> BookReject? { nil }
    mutating func setTradingState(locate: UInt16, state: TradingState, times: EventTimes) {}
    mutating func trade(locate: UInt16, kind: TradeKind, shares: UInt64, price: Price4, matchNumber: UInt64, times: EventTimes) {}
    mutating func brokenTrade(locate: UInt16, matchNumber: UInt64, times: EventTimes) {}
    mutating func markStale(locate: UInt16?) {}
}

@Suite("ITCH look-ahead cursors")
struct ITCHLookAheadTests {
    /// The hint stage `stage` must give message `bytes` (nil: none, not an order message).
    static func expectedHint(_ m: [UInt8], stage: Int) -> LookAheadEvent? {
        guard m.count >= 19, let type = m.first, "AFECXDU".utf8.contains(type) else { return nil }
        func be(_ at: Int, _ n: Int) -> UInt64 { m[at..<(at + n)].reduce(0) { $0 << 8 | UInt64($1) } }
        let locate = UInt16(be(1, 2)), reference = be(11, 8)
        if stage == 1 {
            if (type == UInt8(ascii: "A") || type == UInt8(ascii: "F")) && m.count >= 36 {
                return .hint(stage: 1, locate: locate, reference: reference, price: UInt32(be(32, 4)), sideByte: m[19])
            }
            if type == UInt8(ascii: "U") && m.count >= 35 {
                return .hint(stage: 1, locate: locate, reference: reference, price: UInt32(be(31, 4)), sideByte: 0)
            }
        }
        return .hint(stage: stage, locate: locate, reference: reference, price: nil, sideByte: nil)
    }

    /// What a walk of `messages` must record: per step j, the stage-3, 2 and 1 hints of messages
    /// j + stage3, j + stage2 and j + stage1, then the step marker.
    static func expectedWalk(_ messages: [[UInt8]]) -> [LookAheadEvent] {
        var out: [LookAheadEvent] = []
        for j in messages.indices {
            for (stage, ahead) in [(3, ITCHLookAhead.stage3), (2, ITCHLookAhead.stage2), (1, ITCHLookAhead.stage1)]
            where j + ahead < messages.count {
                if let h = expectedHint(messages[j + ahead], stage: stage) { out.append(h) }
            }
            out.append(.step)
        }
        return out
    }

    /// Where two event lists first differ (a length difference counts at the shorter's end); nil
    /// when equal. Compared this way so a failure reports one index, not both lists.
    static func firstDifference(_ a: [LookAheadEvent], _ b: [LookAheadEvent]) -> Int? {
        if let i = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset { return i }
        return a.count == b.count ? nil : min(a.count, b.count)
    }

    static func frames(_ bytes: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        bytes.withUnsafeBytes { raw in
            var reader = ITCHFileReader(unsafeBytes: raw)
            while case .message(let m) = reader.next() { out.append(Array(m)) }
        }
        return out
    }

    static func walk(_ handler: inout ITCHHandler<HintRecordingSink>, _ bytes: [UInt8], log: LookAheadLog) -> [LookAheadEvent] {
        log.events.removeAll()
        let stamps = EventTimes(exchange: Timestamp(nanoseconds: 0))
        bytes.withUnsafeBytes { raw in
            var reader = ITCHFileReader(unsafeBytes: raw)
            while handler.handleNext(&reader, stamps: stamps) != nil { log.events.append(.step) }
        }
        return log.events
    }

    @Test("every order message gets stages 3, 2, 1 at stage3, stage2, stage1 messages ahead")
    func hintsArriveOnSchedule() throws {
        #expect(ITCHLookAhead.stage3 > ITCHLookAhead.stage2 && ITCHLookAhead.stage2 > ITCHLookAhead.stage1
                && ITCHLookAhead.stage1 >= 1)
        let (bytes, _, _) = try generateInMemory(seed: 0x10_0CA7, messages: 20_000, symbols: 50)
        let messages = Self.frames(bytes)
        #expect(messages.count == 20_000)
        let log = LookAheadLog()
        var handler = ITCHHandler(sink: HintRecordingSink(log: log))
        let seen = Self.walk(&handler, bytes, log: log)
        let expected = Self.expectedWalk(messages)
        #expect(Self.firstDifference(seen, expected) == nil)
        // The schedule is not vacuous: adds' last stage carries the price, others do not.
        #expect(seen.contains { if case .hint(1, _, _, .some, _) = $0 { true } else { false } })
        #expect(seen.contains { if case .hint(3, _, _, _, _) = $0 { true } else { false } })
    }

    @Test("a new reader over the same or other bytes restarts the cursors")
    func newReaderRestarts() throws {
        let (a, _, _) = try generateInMemory(seed: 0x10_0CA8, messages: 3_000, symbols: 20)
        let (b, _, _) = try generateInMemory(seed: 0x10_0CA9, messages: 2_000, symbols: 20)
        let log = LookAheadLog()
        var handler = ITCHHandler(sink: HintRecordingSink(log: log))
        let expectedA = Self.expectedWalk(Self.frames(a))
        #expect(Self.firstDifference(Self.walk(&handler, a, log: log), expectedA) == nil)
        // The same bytes again (the cursors were left at the end), then other bytes.
        #expect(Self.firstDifference(Self.walk(&handler, a, log: log), expectedA) == nil)
        #expect(Self.firstDifference(Self.walk(&handler, b, log: log), Self.expectedWalk(Self.frames(b))) == nil)
    }

    @Test("a file shorter than the look-ahead, and a truncated last frame, hint only what is there")
    func shortAndTruncatedFiles() throws {
        let (bytes, _, _) = try generateInMemory(seed: 0x10_0CAA, messages: 400, symbols: 5)
        let messages = Self.frames(bytes)
        let log = LookAheadLog()
        var handler = ITCHHandler(sink: HintRecordingSink(log: log))
        for n in [1, 2, 3, 5, 7, 40] {
            let head = messages.prefix(n).flatMap { [UInt8($0.count >> 8), UInt8($0.count & 0xFF)] + $0 }
            #expect(Self.firstDifference(Self.walk(&handler, head, log: log), Self.expectedWalk(Array(messages.prefix(n)))) == nil)
            // A cut in the last frame: that frame is neither hinted nor stepped over as a message.
            let cut = Array(head.dropLast(3))
            let seen = Self.walk(&handler, cut, log: log)
            #expect(seen.filter { $0 == .step }.count == n)
            #expect(Self.firstDifference(seen.filter { $0 != .step },
                                         Self.expectedWalk(Array(messages.prefix(n - 1))).filter { $0 != .step }) == nil)
        }
    }
}
