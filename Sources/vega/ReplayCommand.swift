import ArgumentParser
import Foundation
import VegaCore
import VegaHardware
import VegaMarketData
import VegaEngine

/// `vega replay --pcap FILE`: drive the books from a capture; `vega replay --journal DIR`: replay
/// an engine's journal through the same lane code and print the hash of what it decided and sent.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a pcap capture into the order books, or an engine journal through the lane.",
        discussion: """
            --journal DIR: rebuilds the lane from the configuration recorded at the head of the journal
            of `vega demo --journal DIR` or `vega run` and feeds it every recorded input (market-data
            frames, order-entry bytes, timers, the stop) with the time the live lane used. It prints

              output hash: <hex>

            over every decision (intent and risk verdict) and every outbound OUCH message the replay
            produced, the same hash of what the journal says the live lane did, and whether they are
            identical; it exits non-zero when they are not (or the journal is torn or corrupt).

            --pcap FILE:
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
    var pcap: String?

    @Option(help: "An engine journal directory to replay through the lane (see above).")
    var journal: String?

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

    func validate() throws {
        guard (pcap == nil) != (journal == nil) else {
            throw ValidationError("give exactly one of --pcap FILE (books from a capture) or --journal DIR (the lane from a journal)")
        }
    }

    func run() throws {
        if let journal {
            try replayJournal(journal)
            return
        }
        guard let pcap else { return }
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

extension ReplayCommand {
    func replayJournal(_ directory: String) throws {
        let laneName = URL(fileURLWithPath: directory).lastPathComponent
        let result: LaneReplay.Result
        do {
            result = try LaneReplay.run(directory: directory) { text in
                let configuration = try EngineConfiguration.parse(toml: text, file: "\(directory) (journaled configuration)")
                let plan = try EnginePlan(configuration: configuration, text: text, forReplay: true)
                guard let lane = plan.lanes.first(where: { $0.setup.name == laneName }) ?? plan.lanes.first else {
                    throw ValidationError("the journaled configuration has no lane")
                }
                return lane.setup
            }
        } catch {
            throw ValidationError("replay \(directory): \(error)")
        }
        for p in result.problems { print("journal problem: \(p)") }
        print("replayed \(result.inputs) inputs (\(result.records) records): \(result.replayed.decisions) decisions, "
              + "\(result.replayed.outboundMessages) outbound messages")
        print("journal hash: \(result.journaled.hex) (\(result.journaled.decisions) decisions, \(result.journaled.outboundMessages) outbound messages)")
        print("match: \(result.matches ? "identical" : "DIFFERENT")")
        print("output hash: \(result.replayed.hex)")
        if !result.matches || !result.problems.isEmpty { throw ExitCode.failure }
    }
}
