import Testing
import VegaCore
import VegaMarketData
import VegaTestSupport

// Seeded random-bytes fuzzing, run in CI: millions of inputs through the decoder, the handler and
// the file reader. The properties: nothing traps (a trap fails the whole test process), every
// input is counted exactly once, an accepted message has exactly its type's length, and the file
// reader's frames tile the input exactly. A failure names its seed; rerun with it to replay.

private let typeBytes = ITCHMessageType.allCases.map(\.rawValue)

/// A valid message of a random type (random payload, header fixed up), as mutation seed.
private func validMessage(_ rng: inout SplitMix64, into buffer: UnsafeMutableRawBufferPointer) -> Int {
    let type = ITCHMessageType.allCases[Int(rng.next() % UInt64(ITCHMessageType.allCases.count))]
    for i in 0..<type.length { buffer[i] = UInt8(truncatingIfNeeded: rng.next()) }
    buffer[0] = type.rawValue
    buffer[5] = 0  // keep the timestamp below 24 h most of the time
    return type.length
}

@Suite("ITCH fuzz (seeded)")
struct ITCHFuzzTests {
    /// Inputs per run: 2 M random buffers + 1 M mutated valid messages, a few seconds in debug.
    static let randomInputs = 2_000_000
    static let mutatedInputs = 1_000_000

    @Test("random bytes of length 0…64 never trap and are each counted once")
    func randomBytes() {
        let seed: UInt64 = 0xF022_0001
        var rng = SplitMix64(seed: seed)
        var decoder = ITCHDecoder()
        var accepted: UInt64 = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 1)
        defer { buffer.deallocate() }
        for _ in 0..<Self.randomInputs {
            let n = Int(rng.next() % 65)
            var i = 0
            while i < n {
                var word = rng.next()
                for _ in 0..<8 where i < n { buffer[i] = UInt8(truncatingIfNeeded: word); word >>= 8; i += 1 }
            }
            // Half the time make the type byte a real one, so the length and field checks are reached.
            if n > 0, rng.next() & 1 == 0 { buffer[0] = typeBytes[Int(rng.next() % UInt64(typeBytes.count))] }
            let input = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            if case .message(let m) = decoder.decode(input) {
                accepted += 1
                #expect(m.type.length == n && m.base == input.baseAddress, "seed \(seed)")
            }
        }
        let c = decoder.counters
        #expect(c.totalMessages + c.totalRejects == UInt64(Self.randomInputs), "seed \(seed)")
        #expect(c.totalMessages == accepted)
        #expect(c.rejects(.truncated) > 0 && c.rejects(.unknownType) > 0 && c.rejects(.lengthMismatch) > 0)
    }

    @Test("mutated valid messages through the handler never trap and keep both counter sets consistent")
    func mutatedMessagesThroughTheHandler() {
        let seed: UInt64 = 0xF022_0002
        var rng = SplitMix64(seed: seed)
        var handler = ITCHHandler(sink: CountingSink())
        var results = (applied: UInt64(0), bookRejected: UInt64(0), decodeRejected: UInt64(0), events: UInt64(0))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 1)
        defer { buffer.deallocate() }
        for _ in 0..<Self.mutatedInputs {
            var n = validMessage(&rng, into: buffer)
            switch rng.next() % 4 {
            case 0: buffer[Int(rng.next() % UInt64(n))] = UInt8(truncatingIfNeeded: rng.next())  // flip a byte
            case 1: n = Int(rng.next() % UInt64(n))  // truncate
            case 2: n = min(64, n + 1 + Int(rng.next() % 8))  // overrun
            default: break  // as is (still random fields)
            }
            switch handler.handle(UnsafeRawBufferPointer(rebasing: buffer[0..<n]), stamps: EventTimes(exchange: .init(nanoseconds: 0))) {
            case .applied: results.applied += 1
            case .bookRejected: results.bookRejected += 1
            case .decodeRejected: results.decodeRejected += 1
            case .event: results.events += 1
            }
        }
        let c = handler.decoder.counters
        #expect(c.totalMessages + c.totalRejects == UInt64(Self.mutatedInputs), "seed \(seed)")
        #expect(c.totalRejects == results.decodeRejected)
        #expect(c.totalMessages == results.applied + results.bookRejected + results.events)
        #expect(handler.bookRejects.total == results.bookRejected)
        #expect(handler.sink.calls == results.applied + results.bookRejected)
    }

    @Test("random files: the reader's frames tile the bytes exactly and never read past them")
    func randomFiles() {
        let seed: UInt64 = 0xF022_0003
        var rng = SplitMix64(seed: seed)
        for _ in 0..<20_000 {
            let n = Int(rng.next() % 300)
            var file = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            // Mostly-plausible lengths so walks go several frames deep.
            var at = 0
            while at + 1 < n { file[at] = 0; file[at + 1] = UInt8(rng.next() % 60); at += 2 + Int(file[at + 1]) }
            file.withUnsafeBytes { bytes in
                var reader = ITCHFileReader(unsafeBytes: bytes)
                var decoder = ITCHDecoder()
                var covered = 0, frames = 0
                loop: while true {
                    switch reader.next() {
                    case .message(let m):
                        frames += 1
                        covered += 2 + m.count
                        #expect(m.baseAddress! + m.count <= bytes.baseAddress! + bytes.count)
                        _ = decoder.decode(m)
                    case .end: break loop
                    case .truncatedFrame(let offset):
                        #expect(offset == covered)
                        covered = bytes.count
                    }
                }
                #expect(covered == bytes.count, "seed \(seed)")
                #expect(decoder.counters.totalMessages + decoder.counters.totalRejects == UInt64(frames))
            }
        }
    }
}

/// A sink that only counts calls (the fuzz test cares about consistency, not content) and refuses
/// some, so the book-reject path is exercised too.
struct CountingSink: OrderBookSink {
    var calls: UInt64 = 0
    private mutating func call(_ key: UInt64) -> BookReject? {
        calls += 1
        return key % 5 == 0 ? BookReject.allCases[Int(key % UInt64(BookReject.allCases.count))] : nil
    }
    mutating func defineInstrument(locate: UInt16, symbol: Symbol, roundLot: UInt32, times: EventTimes) -> BookReject? { call(UInt64(locate)) }
    mutating func addOrder(locate: UInt16, reference: UInt64, side: Side, shares: UInt32, price: Price4, attribution: UInt32, times: EventTimes) -> BookReject? { call(reference) }
    mutating func executeOrder(locate: UInt16, reference: UInt64, shares: UInt32, matchNumber: UInt64, price: Price4?, printable: Bool, times: EventTimes) -> BookReject? { call(reference) }
    mutating func cancelOrder(locate: UInt16, reference: UInt64, shares: UInt32, times: EventTimes) -> BookReject? { call(reference) }
    mutating func deleteOrder(locate: UInt16, reference: UInt64, times: EventTimes) -> BookReject? { call(reference) }
    mutating func replaceOrder(locate: UInt16, original: UInt64, replacement: UInt64, shares: UInt32, price: Price4, times: EventTimes) -> BookReject? { call(original) }
    mutating func setTradingState(locate: UInt16, state: TradingState, times: EventTimes) { calls += 1 }
    mutating func trade(locate: UInt16, kind: TradeKind, shares: UInt64, price: Price4, matchNumber: UInt64, times: EventTimes) { calls += 1 }
    mutating func brokenTrade(locate: UInt16, matchNumber: UInt64, times: EventTimes) { calls += 1 }
    mutating func markStale(locate: UInt16?) {}
}
