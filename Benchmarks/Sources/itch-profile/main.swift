// Runs one MarketDataBenchmarks loop over the generated file, for profilers:
//   itch-profile walk|decode|book|book-noprefetch|book-updates|book-handle|index-fixedmap|index-direct [passes] [file]
// e.g. perf record -e cpu-clock -g itch-profile decode 3
//      valgrind --tool=callgrind --branch-sim=yes <stripped copy> decode 1 <smaller file>
#if canImport(Glibc)
import Glibc
#endif
import CITCHFraming
import MarketDataBenchSupport
import VegaMarketData

let args = CommandLine.arguments
guard args.count >= 2, ["walk", "decode", "book", "book-noprefetch", "book-updates", "book-handle", "index-fixedmap", "index-direct"].contains(args[1]) else {
    log("usage: itch-profile walk|decode|book|book-noprefetch|book-updates|book-handle|index-fixedmap|index-direct [passes] [file]")
    exit(2)
}
let passes = args.count > 2 ? Int(args[2]) ?? 1 : 1
let path = args.count > 3 ? args[3] : itchPath
if args.count <= 3 { try ensureInputFile() }
let file = MappedITCHFile(path: path)
let samples = UnsafeMutablePointer<UInt64>.allocate(capacity: Int(file.messages / sampleEvery + 2))
for pass in 1...passes {
    // Fresh books (allocated and pre-faulted here, outside the timed region) for `book`.
    let tiny = BookConfiguration(maxInstruments: 1, maxOrders: 1, maxLevels: 1, maxLevelsPerSide: 1)
    var handler = ITCHHandler(sink: OrderBooks(configuration: args[1].hasPrefix("book") && args[1] != "book-updates"
                                                   ? feedBookConfiguration : tiny))
    // Books that publish every change into a buffer the loop clears (`book-updates` only).
    var publishing = ITCHHandler(sink: OrderBooks(configuration: args[1] == "book-updates" ? feedBookConfiguration : tiny,
                                                  output: BookUpdateBuffer(capacity: 64)))
    let c0 = threadCPUNanoseconds()
    var n: UInt64 = 0
    switch args[1] {
    case "walk": n = vega_itch_walk_framing(file.base.assumingMemoryBound(to: UInt8.self), file.count).messages
    case "decode": n = decodeOnly(file.bytes).0
    case "index-fixedmap": n = indexReplay(file.bytes, identity: false).0
    case "index-direct": n = indexReplay(file.bytes, identity: true).0
    case "book-noprefetch": n = decodeAndBookWithoutPrefetch(file.bytes, &handler)
    case "book-updates": n = decodeAndBookWithUpdates(file.bytes, &publishing).messages
    case "book-handle": n = decodeAndBookWithHandle(file.bytes, &handler)
    default: n = decodeAndBook(file.bytes, &handler, samples: samples, capacity: Int(file.messages / sampleEvery + 2)).messages
    }
    let c1 = threadCPUNanoseconds()
    log("\(args[1]) pass \(pass): \(n) messages, \(fmt(Double(c1 - c0) / Double(n), 2)) ns/msg CPU")
}
