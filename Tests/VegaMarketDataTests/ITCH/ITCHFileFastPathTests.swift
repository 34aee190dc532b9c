import Testing
import VegaCore
@testable import VegaMarketData
import VegaTestSupport

// The file input's fast paths (`ITCHFileReader.decodeNext`'s one-compare framed key,
// `ITCHHandler.handleNext`, the books' price look-ahead) must change nothing but speed: the same
// results, the same counters, the same books as the plain `next()` + `decode` / `handle` walk.

/// Nanoseconds in a day: the first timestamp the decoder refuses.
private let fastPathDayEnd: UInt64 = 86_400 * 1_000_000_000

/// A file of random frames — valid messages of every type, valid ones mutated (lengths off by
/// one, a wrong type byte, a zero shares field, a bad side), unknown types, zero-length frames
/// and long junk — in NASDAQ's framing, with an optional cut-off tail.
private func fastPathRandomFile(_ rng: inout SplitMix64, frames: Int) -> [UInt8] {
    var file: [UInt8] = []
    for _ in 0..<frames {
        var message: [UInt8]
        let type = ITCHMessageType.allCases[Int(rng.next() % UInt64(ITCHMessageType.allCases.count))]
        message = (0..<type.length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        message[0] = type.rawValue
        message[5] = 0  // a timestamp inside the day, mostly
        if type == .addOrder || type == .addOrderMPID || type == .trade { message[19] = rng.next() % 2 == 0 ? 0x42 : 0x53 }
        switch rng.next() % 10 {
        case 0: message.append(UInt8(truncatingIfNeeded: rng.next()))  // one byte too long
        case 1: message.removeLast()  // one byte short
        case 2: message[0] = UInt8(truncatingIfNeeded: rng.next())  // any type byte
        case 3: message = []  // a zero-length frame
        case 4: message = (0..<Int(rng.next() % 400)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }  // junk, up to 399 bytes
        case 5 where message.count > 24: message[20] = 0; message[21] = 0; message[22] = 0; message[23] = 0  // zero shares for A/F/P
        case 6 where message.count > 19: message[19] = UInt8(truncatingIfNeeded: rng.next())  // a side byte, maybe bad
        case 7 where message.count >= 11:  // a timestamp at the day's end (0x4E94_914F_0000 ns), either side of it
            let ts = [fastPathDayEnd &- 1, fastPathDayEnd, fastPathDayEnd &+ 1, fastPathDayEnd &- 0x1_0000, fastPathDayEnd &+ 0xFFFF,
                      0xFFFF_FFFF_FFFF][Int(rng.next() % 6)]
            for i in 0..<6 { message[5 + i] = UInt8(truncatingIfNeeded: ts >> (40 - 8 * UInt64(i))) }
        default: break
        }
        file += [UInt8(message.count >> 8), UInt8(message.count & 0xFF)] + message
    }
    if rng.next() % 4 == 0, !file.isEmpty { file.removeLast(Int(rng.next() % UInt64(min(file.count, 40)))) }
    return file
}

@Suite("ITCH file fast path: same results as the plain walk")
struct ITCHFileFastPathTests {
    @Test("decodeNext equals next() + decode on random files, result by result and counter by counter")
    func decodeNextMatchesThePlainWalk() {
        let seed: UInt64 = 0xFA57_0001
        var rng = SplitMix64(seed: seed)
        var fastMessages = 0
        for round in 0..<300 {
            let file = fastPathRandomFile(&rng, frames: Int(rng.next() % 400))
            file.withUnsafeBytes { bytes in
                var fast = ITCHFileReader(unsafeBytes: bytes)
                var plain = ITCHFileReader(unsafeBytes: bytes)
                var fastDecoder = ITCHDecoder(), plainDecoder = ITCHDecoder()
                while true {
                    let a = fast.decodeNext(&fastDecoder)
                    var b: ITCHDecoded?
                    switch plain.next() {
                    case .message(let m): b = plainDecoder.decode(m)
                    case .end: b = nil
                    case .truncatedFrame:
                        plainDecoder.countFramingReject(.truncatedFrame)
                        b = .rejected(.truncatedFrame)
                    }
                    #expect(fast.offset == plain.offset, "seed \(seed) round \(round)")
                    switch (a, b) {
                    case (nil, nil): break
                    case (.message(let x)?, .message(let y)?):
                        #expect(x.base == y.base && x.type == y.type, "seed \(seed) round \(round)")
                        fastMessages += 1
                    case (.rejected(let x)?, .rejected(let y)?): #expect(x == y, "seed \(seed) round \(round)")
                    default: Issue.record("seed \(seed) round \(round): \(String(describing: a)) vs \(String(describing: b))")
                    }
                    if a == nil || b == nil { break }
                }
                for type in ITCHMessageType.allCases {
                    #expect(fastDecoder.counters.messages(type) == plainDecoder.counters.messages(type))
                }
                for reason in ITCHReject.allCases {
                    #expect(fastDecoder.counters.rejects(reason) == plainDecoder.counters.rejects(reason))
                }
            }
        }
        #expect(fastMessages > 10_000, "the random files hold enough valid messages to exercise the fast path")
    }

    @Test("a frame whose length and type match a rule but whose fields are bad is refused for the same reason")
    func framedKeyMatchStillChecksTheFields() {
        let add = encoded { $0.addOrder(ITCHHeader(stockLocate: 1, timestamp: Timestamp(nanoseconds: 5)), reference: 1,
                                        side: 0x42, shares: 10, stock: Symbol("IBM")!, price: Price4(rawValue: 100)) }
        var badSide = add; badSide[19] = 0x58
        var noShares = add; for i in 20..<24 { noShares[i] = 0 }
        var lateTimestamp = add; lateTimestamp[5] = 0xFF
        // Padding behind so all three are far enough from the end for the fast path.
        let padding = [[UInt8]](repeating: add, count: 20)
        let file = fileFramed([badSide, noShares, lateTimestamp] + padding)
        var decoder = ITCHDecoder()
        var results: [ITCHDecoded] = []
        file.withUnsafeBytes { bytes in
            var reader = ITCHFileReader(unsafeBytes: bytes)
            #expect(bytes.count - 3 * 38 > ITCHFileReader.fastPathMargin)
            while let d = reader.decodeNext(&decoder) { results.append(d) }
        }
        guard results.count == 23 else { Issue.record("\(results.count) results"); return }
        if case .rejected(let r) = results[0] { #expect(r == .invalidSide) } else { Issue.record("bad side accepted") }
        if case .rejected(let r) = results[1] { #expect(r == .invalidShares) } else { Issue.record("no shares accepted") }
        if case .rejected(let r) = results[2] { #expect(r == .invalidTimestamp) } else { Issue.record("late time accepted") }
        #expect(decoder.counters.messages(.addOrder) == 20)
    }

    @Test("the fast path's 32-bit timestamp check refuses exactly what the 48-bit one does, at the day's end")
    func timestampAtTheDaysEnd() {
        // The fast path compares the timestamp's top 32 bits with nanosecondsPerDay >> 16, which
        // is exact only because the limit's low 16 bits are 0.
        #expect(UInt64(ITCHDecodeRules.timestampTop32Limit) << 16 == ITCHDecoder.nanosecondsPerDay)
        let stamps: [UInt64] = [0, fastPathDayEnd - 0x1_0001, fastPathDayEnd - 0x1_0000, fastPathDayEnd - 1, fastPathDayEnd,
                                fastPathDayEnd + 1, fastPathDayEnd + 0xFFFF, fastPathDayEnd + 0x1_0000, 0xFFFF_FFFF_FFFF]
        let add = encoded { $0.addOrder(ITCHHeader(stockLocate: 1, timestamp: Timestamp(nanoseconds: 5)), reference: 1,
                                        side: 0x53, shares: 10, stock: Symbol("IBM")!, price: Price4(rawValue: 100)) }
        let delete = encoded { $0.orderDelete(ITCHHeader(stockLocate: 1, timestamp: Timestamp(nanoseconds: 5)), reference: 1) }
        var messages: [[UInt8]] = []
        for ts in stamps {
            for base in [add, delete] {
                var m = base
                for i in 0..<6 { m[5 + i] = UInt8(truncatingIfNeeded: ts >> (40 - 8 * UInt64(i))) }
                messages.append(m)
            }
        }
        // Padding behind so every message above is far enough from the end for the fast path.
        let file = fileFramed(messages + [[UInt8]](repeating: delete, count: 20))
        var decoder = ITCHDecoder()
        var results: [ITCHDecoded] = []
        file.withUnsafeBytes { bytes in
            var reader = ITCHFileReader(unsafeBytes: bytes)
            #expect(bytes.count - 2 * stamps.count * 38 > ITCHFileReader.fastPathMargin)
            while let d = reader.decodeNext(&decoder) { results.append(d) }
        }
        guard results.count == messages.count + 20 else { Issue.record("\(results.count) results"); return }
        for (i, m) in messages.enumerated() {
            let ts = stamps[i / 2]
            switch results[i] {
            case .message(let view):
                #expect(ts < fastPathDayEnd, "timestamp \(ts) accepted")
                #expect(view.timestamp.nanoseconds == ts)
            case .rejected(let reason):
                #expect(ts >= fastPathDayEnd && reason == .invalidTimestamp, "timestamp \(ts): \(reason)")
            }
            // And the message path (`decode`: the same checks behind the length compare).
            var other = ITCHDecoder()
            let plain = m.withUnsafeBytes { other.decode($0) }
            if case .message = plain { #expect(ts < fastPathDayEnd) } else { #expect(ts >= fastPathDayEnd) }
        }
        #expect(decoder.counters.rejects(.invalidTimestamp) == UInt64(2 * stamps.filter { $0 >= fastPathDayEnd }.count))
    }

    @Test("handleNext builds the same books and counters as next() + handle on a generated session")
    func handleNextMatchesHandle() throws {
        let (bytes, _, stats) = try generateInMemory(seed: 0xFA57_0002, messages: 200_000, symbols: 300)
        #expect(stats.messages == 200_000)
        let configuration = BookConfiguration(maxInstruments: 512, maxOrders: 1 << 17, maxLevels: 1 << 16, maxLevelsPerSide: 256)
        var fast = ITCHHandler(sink: OrderBooks(configuration: configuration))
        var plain = ITCHHandler(sink: OrderBooks(configuration: configuration))
        let stamps = EventTimes(exchange: Timestamp(nanoseconds: 0))
        var fastSteps = 0, plainSteps = 0
        bytes.withUnsafeBytes { raw in
            var reader = ITCHFileReader(unsafeBytes: raw)
            while fast.handleNext(&reader, stamps: stamps) != nil { fastSteps += 1 }
            var plainReader = ITCHFileReader(unsafeBytes: raw)
            loop: while true {
                switch plainReader.next() {
                case .message(let m):
                    _ = plain.handle(m, stamps: stamps)
                    plainSteps += 1
                case .end, .truncatedFrame: break loop
                }
            }
        }
        #expect(fastSteps == 200_000 && plainSteps == 200_000)
        #expect(fast.decoder.counters.totalMessages == 200_000 && fast.decoder.counters.totalRejects == 0)
        for type in ITCHMessageType.allCases {
            #expect(fast.decoder.counters.messages(type) == plain.decoder.counters.messages(type))
        }
        #expect(fast.sink.counters == plain.sink.counters)
        #expect(fast.sink.orderCount == plain.sink.orderCount && fast.sink.levelCountTotal == plain.sink.levelCountTotal)
        #expect(fast.sink.orderCount > 0)
        #expect(TopOfBookCSV.rows(fast.sink) == TopOfBookCSV.rows(plain.sink))
    }
}
