import ArgumentParser
import Foundation
import VegaMarketData

/// `vega feed generate`: a deterministic NASDAQ TotalView-ITCH 5.0 session, to a file in NASDAQ's
/// framing and optionally as MoldUDP64 packets. The benchmark input and the cross-check input.
struct FeedGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a deterministic, realistic NASDAQ TotalView-ITCH 5.0 session.",
        discussion: """
            Writes a full trading day for SYMBOLS synthetic instruments: S 'O', the stock directory
            (R, locates 1...SYMBOLS, tickers A, B, ..., AA, ...), S 'S', H 'T' for each instrument,
            S 'Q' and opening crosses, then order flow over market hours, closing crosses and
            S 'M', 'E', 'C'. MESSAGES counts every message in the file, these included.

            The flow looks like a NASDAQ day: about 45 % adds (A and F), 39 % deletes, 8 % replaces,
            4 % executions (E and C), 2 % partial cancels, 2 % non-displayed trades (P), and rare
            halts with their resumes (H), intraday crosses (Q) and broken trades (B). Activity is
            Zipf-skewed: a few instruments carry most of the messages, many carry almost none.

            Every message keeps the books valid: executions, cancels, deletes and replaces name
            live orders, never take more shares than remain, and executions take the oldest order
            at the best price; bids stay below asks; order references are unique; timestamps
            strictly increase. The same --seed and sizes give the same bytes on every machine.

            --out gets NASDAQ's file framing: each message preceded by its 2-byte big-endian length
            (what `vega feed book` and Tests/ReferenceBook/itch_reference.py read).
            --moldudp64 also writes the same messages as MoldUDP64 downstream packets (10-byte
            session, 8-byte sequence of the first message, 2-byte count, then 2-byte-length message
            blocks; sequences start at 1 and are contiguous; the last packet is the end-of-session
            marker, count 0xFFFF), each packet preceded by its 2-byte big-endian length.

            Examples:
              vega feed generate --seed 7 --messages 1000000 --symbols 8000 --out day.itch
              vega feed generate --seed 7 --messages 20000000 --symbols 8000 --out bench.itch \\
                  --moldudp64 bench.mold --session BENCH00001
              python3 Tests/ReferenceBook/itch_reference.py day.itch --out top.csv
            """)

    @Option(help: "Seed: the whole file is a function of it and the sizes.")
    var seed: UInt64 = 1

    @Option(help: "Total messages in the file (session and directory messages included).")
    var messages: UInt64 = 1_000_000

    @Option(help: "Instruments in the stock directory (1...65535).")
    var symbols: Int = 8_000

    @Option(help: "Output file, NASDAQ ITCH framing (2-byte big-endian length per message).")
    var out: String

    @Option(name: .customLong("moldudp64"), help: "Also write the messages as MoldUDP64 packets to this file (2-byte length per packet).")
    var moldUDP64: String?

    @Option(help: "MoldUDP64 session name (up to 10 ASCII characters).")
    var session: String = "VEGAGEN001"

    @Option(help: "Largest MoldUDP64 packet in bytes (UDP payload, header included).")
    var maxPacketSize: Int = 1400

    @Option(help: "Zipf exponent of activity across instruments (0 = uniform; 1 ≈ NASDAQ).")
    var zipf: Double = 1.0

    @Option(help: "Most live orders one instrument may hold (adds become deletes at the cap).")
    var maxOrdersPerSymbol: Int = 5_000

    @Flag(help: "No progress lines on standard error.")
    var quiet = false

    func run() throws {
        var configuration = ITCHGeneratorConfiguration(seed: seed, messages: messages, symbols: symbols)
        configuration.zipfExponent = zipf
        configuration.maxLiveOrdersPerSymbol = maxOrdersPerSymbol
        let started = Date()
        do {
            let generator = try ITCHGenerator(configuration)
            // Progress about every 5 % (at least every million) so a 20 M-message run shows life.
            let interval = max(1_000_000, messages / 20)
            let stats = try generator.writeFiles(
                itchPath: out, moldUDP64Path: moldUDP64, session: session, maximumPacketSize: maxPacketSize,
                progressInterval: quiet ? 0 : interval
            ) { written in
                let seconds = Date().timeIntervalSince(started)
                let line = String(format: "vega feed generate: %llu / %llu messages (%.0f%%), %.2f M msgs/s\n",
                                  written, messages, Double(written) * 100 / Double(messages),
                                  Double(written) / max(seconds, 1e-9) / 1e6)
                FileHandle.standardError.write(Data(line.utf8))
            }
            let seconds = Date().timeIntervalSince(started)
            print(summary(stats, seconds: seconds))
        } catch {
            FileHandle.standardError.write(Data("vega feed generate: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func summary(_ stats: ITCHGeneratorStatistics, seconds: Double) -> String {
        let types = "SRHAFEXDUCPQB".map { type in "\(type)=\(stats.count(type))" }.joined(separator: " ")
        var text = String(
            format: "vega feed generate: %llu messages, %llu bytes in %.3f s (%.2f M msgs/s) to %@",
            stats.messages, stats.messageBytes + 2 * stats.messages, seconds,
            Double(stats.messages) / max(seconds, 1e-9) / 1e6, out)
        if let moldUDP64 { text += " and \(moldUDP64) (session \(session))" }
        text += "\n  \(types)\n  live orders at end \(stats.liveOrdersAtEnd), peak \(stats.peakLiveOrders), halts \(stats.halts)"
        return text
    }
}
