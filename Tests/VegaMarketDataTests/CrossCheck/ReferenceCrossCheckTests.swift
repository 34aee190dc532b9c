import Foundation
import Testing
import VegaCore
@testable import VegaMarketData

/// Vega's decoder + books against the independent Python reference book, over a generated session
/// of a million messages: the final top of book of every instrument, and the top of book of the
/// instrument each sampled message names, at every 997th message along the way.
///
/// Three independent readings of the ITCH 5.0 spec meet here: the generator's encoder, Vega's
/// decoder and books, and the Python reference.
@Suite("Cross-check against the Python reference book")
struct ReferenceCrossCheckTests {
    static let every = 997

    @Test("1,000,000 generated messages: final and intermediate top of book identical to the reference")
    func millionMessagesMatchTheReference() throws {
        guard let python = ReferenceBook.python else {
            print("SKIP millionMessagesMatchTheReference: python3 is not installed")
            return
        }
        let directory = try TemporaryDirectory()
        let path = directory.path + "/session.itch"
        let generator = try ITCHGenerator(ITCHGeneratorConfiguration(seed: 20_261_122, messages: 1_000_000, symbols: 2_000))
        let stats = try generator.writeFiles(itchPath: path)
        #expect(stats.messages == 1_000_000)

        // The reference: final CSV and snapshots.
        let referenceCSV = path + ".reference.csv", referenceSnapshots = path + ".reference.snapshots"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [ReferenceBook.scriptPath, path, "--out", referenceCSV, "--strict",
                             "--every", String(Self.every), "--snapshots", referenceSnapshots]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let referenceSummary = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "reference failed: \(referenceSummary)")

        // Vega: the same file, message by message, sampling the same instruments at the same points.
        var handler = ITCHHandler(sink: OrderBooks(configuration: BookConfiguration(maxInstruments: 8_192, maxOrders: 1 << 20, maxLevels: 1 << 20)))
        var reader = try ITCHFileReader(path: path)
        var snapshots: [String] = []
        var count = 0
        let stamps = EventTimes(exchange: Timestamp(nanoseconds: 0))
        walk: while true {
            switch reader.next() {
            case .message(let bytes):
                _ = handler.handle(bytes, stamps: stamps)
                count += 1
                if count % Self.every == 0, bytes.count >= 3 {
                    let locate = UInt16(bytes[1]) << 8 | UInt16(bytes[2])
                    if locate != 0, handler.sink.isDefined(locate: locate) {
                        let t = handler.sink.topOfBook(locate: locate)
                        let symbol = handler.sink.symbol(locate: locate)?.description ?? ""
                        snapshots.append("\(count),\(locate),\(symbol),\(t.bidPrice.rawValue),\(t.bidSize),\(t.bidOrders),"
                            + "\(t.askPrice.rawValue),\(t.askSize),\(t.askOrders)")
                    }
                }
            case .end:
                break walk
            case .truncatedFrame(let offset):
                Issue.record("generated file truncated at \(offset)")
                break walk
            }
        }
        #expect(count == 1_000_000)
        #expect(handler.decoder.counters.totalRejects == 0, "the generator writes only valid messages")
        #expect(handler.bookRejects.total == 0, "and keeps every book invariant")

        let referenceFinal = try String(contentsOfFile: referenceCSV, encoding: .utf8).split(separator: "\n").map(String.init)
        let vegaFinal = TopOfBookCSV.rows(handler.sink)
        #expect(vegaFinal.count == 2_001, "a row per directory instrument, plus the header")
        #expect(vegaFinal.count == referenceFinal.count)
        let finalDiffs = zip(vegaFinal, referenceFinal).filter { $0 != $1 }
        #expect(finalDiffs.isEmpty, "first differences (vega, reference): \(finalDiffs.prefix(5))")

        let referenceSnaps = try String(contentsOfFile: referenceSnapshots, encoding: .utf8).split(separator: "\n").map(String.init)
            .filter { !$0.hasPrefix("message,") }
        #expect(snapshots.count > 900, "about one sample per 997 messages")
        #expect(snapshots.count == referenceSnaps.count)
        let snapDiffs = zip(snapshots, referenceSnaps).filter { $0 != $1 }
        #expect(snapDiffs.isEmpty, "first differences (vega, reference): \(snapDiffs.prefix(5))")
    }
}
