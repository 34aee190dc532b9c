// The measured loops of MarketDataBenchmarks, in a library so `itch-profile` (perf, callgrind)
// runs exactly the same code. Each is `@inline(never)`: one symbol per pass in a profile.
#if canImport(Glibc)
import Glibc
#endif
import CITCHFraming
import VegaCore
import VegaMarketData

/// `vega feed book`'s configuration (FeedBookCommand), so the benchmark and the CLI run the
/// same books: 8,192 instruments, 4 Mi orders, 2 Mi levels, 1,024 levels per side.
public let feedBookConfiguration = BookConfiguration(maxInstruments: 8_192, maxOrders: 4 << 20, maxLevels: 2 << 20)

/// Every 1,024th message is timed with the TSC (see `decodeAndBook`).
public let sampleEvery: UInt64 = 1_024

public func fmt(_ x: Double, _ digits: Int) -> String {
    var buf = [CChar](repeating: 0, count: 64)
    _ = withVaList([x]) { vsnprintf(&buf, 64, "%.\(digits)f", $0) }
    return String(cString: buf)
}

/// Vega's decode pass alone: `ITCHFileReader.decodeNext` (framing + `ITCHDecoder`'s fast path:
/// length and field checks, per-type counters; the per-type switch for anything else) on every
/// message; each result is consumed (the
/// locate of every decoded message is summed, refusals counted), so nothing is optimised away.
@inline(never)
public func decodeOnly(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
    var reader = ITCHFileReader(unsafeBytes: bytes)
    var decoder = ITCHDecoder()
    var messages: UInt64 = 0, locates: UInt64 = 0, rejected: UInt64 = 0
    while let d = reader.decodeNext(&decoder) {
        messages &+= 1
        switch d {
        case .message(let m): locates &+= UInt64(m.stockLocate)
        case .rejected: rejected &+= 1
        }
    }
    precondition(rejected == 0, "the generated file should decode cleanly: \(rejected) refused")
    // Consume the counters too (they are part of the pass).
    return (messages, locates &+ decoder.counters.messages(.addOrder))
}

/// `ITCHFileBooks.run`'s loop (`ITCHHandler.handleNext`: the reader's decode fast path, the
/// look-ahead over the next three messages, `OrderBooks`), over the mapped bytes, with every
/// `sampleEvery`-th message's `handleNext` (decode + look-ahead + book) bracketed by TSC reads
/// into `samples`. The sampled message pays ~30–40 cycles of fences; the other 1,023 pay one
/// predictable branch.
@inline(never)
public func decodeAndBook(_ bytes: UnsafeRawBufferPointer, _ handler: inout ITCHHandler<OrderBooks<NoBookOutput>>,
                   samples: UnsafeMutablePointer<UInt64>, capacity: Int) -> (messages: UInt64, sampled: Int) {
    var reader = ITCHFileReader(unsafeBytes: bytes)
    let stamps = EventTimes(exchange: Timestamp(nanoseconds: 0))
    var messages: UInt64 = 0
    var k = 0
    let mask = sampleEvery &- 1  // hoisted: no global access in the loop
    while true {
        let sample = messages & mask == 0 && k < capacity
        var t0: UInt64 = 0
        if sample { t0 = vega_tsc_start() }
        guard handler.handleNext(&reader, stamps: stamps) != nil else { break }
        if sample { samples[k] = vega_tsc_end() &- t0; k += 1 }
        messages &+= 1
    }
    return (messages, k)
}


/// Books that publish: every change becomes a `BookUpdate` (depth, top-of-book and crossed
/// flags, the three stamps) in a `BookUpdateBuffer`, which the loop reads and clears after each
/// message, as the lane does. No sampling. Returns the messages and the updates published.
@inline(never)
public func decodeAndBookWithUpdates(_ bytes: UnsafeRawBufferPointer,
                                     _ handler: inout ITCHHandler<OrderBooks<BookUpdateBuffer>>) -> (messages: UInt64, updates: UInt64) {
    var reader = ITCHFileReader(unsafeBytes: bytes)
    let stamps = EventTimes(exchange: Timestamp(nanoseconds: 0))
    var messages: UInt64 = 0
    var updates: UInt64 = 0
    while handler.handleNext(&reader, stamps: stamps) != nil {
        updates &+= UInt64(handler.sink.output.count)
        handler.sink.output.removeAll()
        messages &+= 1
    }
    return (messages, updates)
}

/// `decodeAndBook` without the look-ahead (`ITCHHandler.prefetch(upcoming:)`), no sampling: for
/// `itch-profile book-noprefetch`, to measure what the prefetch buys on this machine.
@inline(never)
public func decodeAndBookWithoutPrefetch(_ bytes: UnsafeRawBufferPointer,
                                         _ handler: inout ITCHHandler<OrderBooks<NoBookOutput>>) -> UInt64 {
    var reader = ITCHFileReader(unsafeBytes: bytes)
    let stamps = EventTimes(exchange: Timestamp(nanoseconds: 0))
    var messages: UInt64 = 0
    while let decoded = reader.decodeNext(&handler.decoder) {
        if case .message(let m) = decoded { _ = handler.apply(m, stamps: stamps) }
        messages &+= 1
    }
    return messages
}

/// The loop before `handleNext`: `reader.next()`, the look-ahead, then `ITCHHandler.handle`
/// (the decoder's generic path over the frame's bytes), no sampling: `itch-profile
/// book-handle`, to compare the two in one binary.
@inline(never)
public func decodeAndBookWithHandle(_ bytes: UnsafeRawBufferPointer,
                                    _ handler: inout ITCHHandler<OrderBooks<NoBookOutput>>) -> UInt64 {
    var reader = ITCHFileReader(unsafeBytes: bytes)
    let stamps = EventTimes(exchange: Timestamp(nanoseconds: 0))
    var messages: UInt64 = 0
    loop: while true {
        switch reader.next() {
        case .message(let b):
            handler.prefetch(upcoming: reader)
            _ = handler.handle(b, stamps: stamps)
            messages &+= 1
        case .end, .truncatedFrame:
            break loop
        }
    }
    return messages
}
