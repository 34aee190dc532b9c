import ArgumentParser
import Foundation
import VegaCore
import VegaMarketData

/// `vega feed book FILE`: build the books from an ITCH 5.0 file and report what happened.
struct FeedBookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "book",
        abstract: "Build order-by-order books from an ITCH 5.0 file and report counts, anomalies and rate.",
        discussion: """
            FILE is in NASDAQ's file framing (a 2-byte big-endian length before each message), as the
            daily TotalView-ITCH 5.0 files and `vega feed generate` write it. Every message is decoded
            and applied to order-by-order books for every instrument of the stock directory, with the
            same decoder and books the lane uses.

            Reports messages by type, anomalies by reason (decoder rejects such as a wrong length or an
            invalid side; book rejects such as an unknown order reference or an over-execution), the
            rate in messages/s, and the books' final size.

            --top-of-book OUT.csv writes the final top of book of every instrument in the stock
            directory with the header
              locate,symbol,bid_price,bid_size,bid_orders,ask_price,ask_size,ask_orders
            (prices as ITCH Price(4) integers, an empty side as 0,0,0), ordered by locate — the format
            research users diff books in (Tests/ReferenceBook/itch_reference.py writes the same).

            Example: vega feed generate --seed 1 --messages 1000000 --symbols 2000 --out day.itch
                     vega feed book day.itch --top-of-book tob.csv
            """)

    @Argument(help: "The ITCH 5.0 file (2-byte length framing).")
    var file: String

    @Option(name: .customLong("top-of-book"), help: "Write the final top of book of every instrument to this CSV file.")
    var topOfBook: String?

    @Option(help: "Live orders the books are sized for (allocated up front).")
    var maxOrders: Int = 4 << 20

    @Option(help: "Price levels the books are sized for, all instruments and sides.")
    var maxLevels: Int = 2 << 20

    @Flag(help: "No progress lines.")
    var quiet = false

    func run() throws {
        let configuration = BookConfiguration(maxInstruments: 8_192, maxOrders: maxOrders, maxLevels: maxLevels)
        do {
            try configuration.validate()
        } catch {
            throw ValidationError("\(error)")
        }
        var run = ITCHFileBooks(configuration: configuration)
        do {
            try run.run(path: file, progressEvery: quiet ? 0 : 5_000_000) { n in
                FileHandle.standardError.write(Data("  … \(n) messages\n".utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("vega feed book: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let seconds = Double(run.elapsedNanoseconds) / 1e9
        let decoder = run.handler.decoder.counters
        var lines: [String] = []
        lines.append("vega feed book: \(run.framed) messages in \(String(format: "%.3f", seconds)) s"
            + " (\(String(format: "%.2f", Double(run.framed) / max(seconds, 1e-9) / 1e6)) M msgs/s,"
            + " \(String(format: "%.1f", Double(run.elapsedNanoseconds) / Double(max(run.framed, 1)))) ns/msg) from \(file)")
        lines.append("  by type: " + ITCHMessageType.allCases.compactMap { t in
            let n = decoder.messages(t)
            return n > 0 ? "\(Character(UnicodeScalar(t.rawValue)))=\(n)" : nil
        }.joined(separator: " "))
        let decodeRejects = ITCHReject.allCases.filter { decoder.rejects($0) > 0 }.map { "\($0)=\(decoder.rejects($0))" }
        lines.append("  decoder anomalies: " + (decodeRejects.isEmpty ? "none" : decodeRejects.joined(separator: " ")))
        let bookRejects = BookReject.allCases.filter { run.handler.bookRejects[$0] > 0 }.map { "\($0)=\(run.handler.bookRejects[$0])" }
        lines.append("  book anomalies: " + (bookRejects.isEmpty ? "none" : bookRejects.joined(separator: " ")))
        if let offset = run.truncatedAt { lines.append("  the file ends inside a frame at byte \(offset): the rest could not be framed") }
        lines += try Self.describe(run.handler.sink, topOfBook: topOfBook)
        print(lines.joined(separator: "\n"))
    }

    /// The books' final size, and the top-of-book CSV when asked for.
    static func describe(_ books: borrowing OrderBooks<NoBookOutput>, topOfBook: String?) throws -> [String] {
        var lines: [String] = []
        var crossed = 0
        for l in 0...Int(UInt16.max) where books.isDefined(locate: UInt16(l)) && books.isCrossed(locate: UInt16(l)) { crossed += 1 }
        lines.append("  books: \(books.instrumentCount) instruments, \(books.orderCount) live orders, \(books.levelCountTotal) price levels, \(crossed) crossed")
        if let topOfBook {
            let rows = TopOfBookCSV.rows(books)
            do {
                try (rows.joined(separator: "\n") + "\n").write(toFile: topOfBook, atomically: true, encoding: .utf8)
            } catch {
                FileHandle.standardError.write(Data("vega feed book: cannot write \(topOfBook): \(error)\n".utf8))
                throw ExitCode.failure
            }
            lines.append("  top of book: \(rows.count - 1) instruments written to \(topOfBook)")
        }
        return lines
    }
}
