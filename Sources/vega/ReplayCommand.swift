import ArgumentParser
import Foundation
import VegaCore
import VegaHardware
import VegaMarketData

/// `vega replay --pcap FILE`: drive the books from a capture.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Drive the order books from a pcap capture of a MoldUDP64 / ITCH 5.0 feed.",
        discussion: """
            Replays FILE (pcap or pcapng, e.g. from `vega capture`) as a packet queue through the same
            MoldUDP64 session, ITCH 5.0 decoder and order books the lane runs live. --pace recorded
            releases each packet when its recorded inter-arrival time has passed; --pace fast (default)
            replays as fast as possible. Each frame carries its recorded timestamp.

            The session starts at the first sequence number in the capture. Gaps are detected as live;
            with no re-request server to ask, they are given up and the books marked stale, and the
            report says so.

            Example: vega replay --pcap feed-a.pcap --port 26400 --top-of-book tob.csv
            """)

    @Option(help: "The capture to replay.")
    var pcap: String

    @Option(help: "fast (as fast as possible) or recorded (recorded inter-arrival times).")
    var pace: Pace = .fast

    @Option(help: "Only UDP datagrams to this destination port (0: all).")
    var port: UInt16 = 0

    @Option(name: .customLong("top-of-book"), help: "Write the final top of book of every instrument to this CSV file.")
    var topOfBook: String?

    @Option(help: "Live orders the books are sized for.")
    var maxOrders: Int = 4 << 20

    enum Pace: String, ExpressibleByArgument, CaseIterable {
        case fast, recorded
    }

    func run() throws {
        var replay: PcapBooks
        do {
            replay = try PcapBooks(
                path: pcap, filter: port == 0 ? .all : CaptureFilter(destinationPort: port),
                pace: pace == .fast ? .asFastAsPossible : .recorded,
                configuration: BookConfiguration(maxInstruments: 8_192, maxOrders: maxOrders, maxLevels: 2 << 20))
        } catch {
            FileHandle.standardError.write(Data("vega replay: \(error)\n".utf8))
            throw ExitCode.failure
        }
        replay.run(progressEvery: 1_000_000) { n in FileHandle.standardError.write(Data("  … \(n) packets\n".utf8)) }
        let c = replay.feed.session.counters
        let seconds = Double(replay.elapsedNanoseconds) / 1e9
        var lines = ["vega replay: \(pcap): \(c.delivered) messages in \(String(format: "%.3f", seconds)) s"
            + " (\(String(format: "%.2f", Double(c.delivered) / max(seconds, 1e-9) / 1e6)) M msgs/s)"]
        lines.append("  session: delivered \(c.delivered), gaps \(c.gaps), duplicates \(c.duplicates), lost \(c.lostMessages), given up \(c.giveUps)")
        let skipped = replay.feed.lineA.skipped
        lines.append("  capture: \(replay.feed.lineA.delivered) datagrams, skipped \(skipped)")
        let decoder = replay.feed.output.consumer.decoder.counters
        let decodeRejects = ITCHReject.allCases.filter { decoder.rejects($0) > 0 }.map { "\($0)=\(decoder.rejects($0))" }
        lines.append("  decoder anomalies: " + (decodeRejects.isEmpty ? "none" : decodeRejects.joined(separator: " ")))
        let rejects = replay.feed.output.consumer.bookRejects
        let bookRejects = BookReject.allCases.filter { rejects[$0] > 0 }.map { "\($0)=\(rejects[$0])" }
        lines.append("  book anomalies: " + (bookRejects.isEmpty ? "none" : bookRejects.joined(separator: " ")))
        if c.giveUps > 0 { lines.append("  books marked stale: messages were missing from the capture") }
        lines += try FeedBookCommand.describe(replay.feed.output.consumer.sink, topOfBook: topOfBook)
        print(lines.joined(separator: "\n"))
    }
}
