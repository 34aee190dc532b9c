import ArgumentParser
import Foundation
import VegaJournal

/// `vega journal`: read, check and measure Vega's append-only journals.
struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Read, verify and measure journals (the append-only record of everything a lane saw and decided).",
        discussion: """
            A journal is a directory of segment files (YYYYMMDD-NNNNNNNN.vjl, 4 KiB header then
            CRC32C-checked records numbered from 1 across segments) and a seek index per segment
            (.vjx). The engine writes one per lane; `vega demo --journal DIR` keeps the demo's.

            Examples:
              vega journal verify /var/lib/vega/journal      # exit 1 and say where on any bad record
              vega journal stats  /var/lib/vega/journal
              vega journal dump   /var/lib/vega/journal --from 1000 --count 20
              vega journal bench  /tmp/jbench --records 5000000 --durability every-batch
            """,
        subcommands: [JournalDumpCommand.self, JournalVerifyCommand.self, JournalStatsCommand.self, JournalBenchCommand.self])
}

func stderrLine(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

func openReader(_ directory: String, command: String) throws -> JournalReader {
    do {
        return try JournalReader(directory: directory)
    } catch {
        stderrLine("vega journal \(command): \(error)")
        throw ExitCode.failure
    }
}

struct JournalVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every record's length, CRC32C and sequence number, every segment header and index entry.",
        discussion: """
            Exits 0 when the journal is whole; exits 1 and prints each problem with its file and byte
            offset otherwise. A torn tail (the newest segment ends inside a record: the writer was
            killed or the machine lost power mid-write) is reported like any other problem; opening
            the journal to continue it trims the torn bytes and says so.
            """)

    @Argument(help: "The journal directory.")
    var directory: String

    func run() throws {
        let reader = try openReader(directory, command: "verify")
        let walk = reader.verify()
        let range = walk.firstSequence.map { "sequences \($0)…\(walk.lastSequence!)" } ?? "no records"
        print("vega journal verify: \(reader.segments.count) segments, \(walk.records) records (\(range)), \(walk.bytes) bytes")
        if walk.problems.isEmpty {
            print("  ok: every record checks")
            return
        }
        for p in walk.problems { print("  PROBLEM \(p)") }
        print("  \(walk.problems.count) problem(s)")
        throw ExitCode.failure
    }
}

struct JournalStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Summarise a journal: segments, records by type, sequence and time range, size.")

    @Argument(help: "The journal directory.")
    var directory: String

    func run() throws {
        let reader = try openReader(directory, command: "stats")
        var byType: [UInt16: (count: UInt64, bytes: UInt64)] = [:]
        let walk = reader.forEach { r in
            byType[r.type.rawValue, default: (0, 0)].count += 1
            byType[r.type.rawValue, default: (0, 0)].bytes += UInt64(r.payload.count)
            return true
        }
        print("vega journal stats: \(directory)")
        print("  segments: \(reader.segments.count)" + (reader.segments.isEmpty ? "" : " (\(reader.segments.first!.path.split(separator: "/").last!) … \(reader.segments.last!.path.split(separator: "/").last!))"))
        print("  records: \(walk.records), \(walk.bytes) bytes on disk")
        if let f = walk.firstSequence, let l = walk.lastSequence { print("  sequences: \(f) … \(l)") }
        if let f = walk.firstTimestamp, let l = walk.lastTimestamp {
            print("  timestamps: \(f) … \(l) ns (span \(String(format: "%.6f", Double(l &- f) / 1e9)) s)")
        }
        for (type, v) in byType.sorted(by: { $0.key < $1.key }) {
            print("  \(JournalRecordType(rawValue: type).name): \(v.count) records, \(v.bytes) payload bytes")
        }
        if !walk.problems.isEmpty {
            print("  problems: \(walk.problems.count) (run `vega journal verify \(directory)`)")
        }
    }
}

struct JournalDumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Print records one per line: sequence, timestamp, type, length and a decoded summary.",
        discussion: """
            Market-data frames show their queue, NIC (TAI) and kernel (UTC) receive stamps and length;
            order-entry messages show session, protocol and, for FIX, the message with SOH shown as |.
            Other payloads are shown in hex (the first --hex-bytes bytes).

            Example: vega journal dump DIR --type order-entry-out --count 50
            """)

    @Argument(help: "The journal directory.")
    var directory: String

    @Option(help: "Start at this sequence number.")
    var from: UInt64 = 1

    @Option(help: "Print at most this many records.")
    var count: Int = .max

    @Option(help: "Only records of this type (market-data-frame, order-entry-in, order-entry-out, strategy-decision, risk-verdict, config-change, kill-switch, annotation, timer, or a number).")
    var type: String?

    @Option(help: "How many payload bytes to show in hex.")
    var hexBytes: Int = 32

    func run() throws {
        let filter: UInt16?
        if let type {
            guard let t = Self.parseType(type) else { throw ValidationError("unknown record type '\(type)'; see --help for the names") }
            filter = t
        } else {
            filter = nil
        }
        let reader = try openReader(directory, command: "dump")
        var printed = 0
        let walk = reader.forEach(from: from) { r in
            if let filter, r.type.rawValue != filter { return true }
            print(Self.line(r, hexBytes: hexBytes))
            printed += 1
            return printed < count
        }
        for p in walk.problems { stderrLine("vega journal dump: \(p)") }
        if !walk.problems.isEmpty { throw ExitCode.failure }
    }

    static func parseType(_ text: String) -> UInt16? {
        if let n = UInt16(text) { return n }
        for n in UInt16(1)...9 where JournalRecordType(rawValue: n).name == text { return n }
        return nil
    }

    static func line(_ r: JournalRecord, hexBytes: Int) -> String {
        var s = "\(r.sequence) t=\(r.timestamp) \(r.type.name) len=\(r.payload.count)"
        if let (h, bytes) = r.frame {
            s += " queue=\(h.queue) nic=\(h.nicNanoseconds) kernel=\(h.kernelNanoseconds) frame=\(bytes.count)B " + hex(bytes, hexBytes)
        } else if let (h, bytes) = r.message {
            s += " session=\(h.session) protocol=\(h.wireProtocol)"
            if h.wireProtocol == .fix {
                s += " " + String(decoding: bytes.map { $0 == 0x01 ? UInt8(ascii: "|") : ($0 < 0x20 || $0 > 0x7E ? UInt8(ascii: ".") : $0) }, as: UTF8.self)
            } else {
                s += " " + hex(bytes, hexBytes)
            }
        } else if r.type == .annotation, r.payload.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            s += " \"" + String(decoding: r.payload, as: UTF8.self) + "\""
        } else {
            s += " " + hex(r.payload, hexBytes)
        }
        return s
    }

    static func hex(_ bytes: UnsafeRawBufferPointer, _ limit: Int) -> String {
        let shown = bytes.prefix(limit).map { b in (b < 16 ? "0" : "") + String(b, radix: 16) }.joined()
        return bytes.count > limit ? shown + "…" : shown
    }
}

struct JournalBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure this disk: append synthetic records through the lane's ring and report throughput and sync cost.",
        discussion: """
            Appends --records records of --payload bytes from this thread (as a lane would) while the
            journal's writer thread drains them into DIR under the --durability policy (every-record,
            every-batch, interval:MS, on-close). Reports records/s to disk, the lane's append cost and
            the sync latency. With --report-durable it prints `durable N` whenever the durable sequence
            advances (the crash tests kill it with SIGKILL and check nothing durable was lost).

            DIR must be empty or absent (a bench never continues a real journal by accident).
            """)

    @Argument(help: "An empty or absent directory to write into.")
    var directory: String

    @Option(help: "How many records to append.")
    var records: Int = 5_000_000

    @Option(help: "Payload bytes per record.")
    var payload: Int = 64

    @Option(help: "every-record, every-batch, interval:MS or on-close.")
    var durability: String = "every-batch"

    @Option(help: "Segment size in MiB.")
    var segmentMib: Int = 256

    @Option(help: "Ring size in MiB (a power of two).")
    var ringMib: Int = 64

    @Flag(help: "Print `durable N` as the durable sequence advances.")
    var reportDurable = false

    func run() throws {
        guard let policy = JournalDurability(parsing: durability) else {
            throw ValidationError("--durability '\(durability)': use every-record, every-batch, interval:MS or on-close")
        }
        guard records > 0, payload >= 0 else { throw ValidationError("--records must be > 0 and --payload ≥ 0") }
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: directory), !existing.isEmpty {
            throw ValidationError("\(directory) is not empty: give an empty or absent directory")
        }
        var config = JournalConfiguration(directory: directory)
        config.durability = policy
        config.segmentBytes = segmentMib << 20
        config.ringBytes = ringMib << 20
        let journal: Journal
        do {
            journal = try Journal.open(config)
            try journal.start()
        } catch {
            stderrLine("vega journal bench: \(error)")
            throw ExitCode.failure
        }
        let bytes = [UInt8](repeating: 0x5A, count: payload)
        var appendNanos: UInt64 = 0
        var appendSamples: UInt64 = 0
        var fullSpins: UInt64 = 0
        var lastDurable: UInt64 = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var i = 0
        try bytes.withUnsafeBytes { raw in
            while i < records {
                // Time one append in 64 (two clock reads cost more than an append).
                let sampled = i & 63 == 0
                let t0 = sampled ? DispatchTime.now().uptimeNanoseconds : 0
                if journal.ring.tryAppend(type: .annotation, timestamp: UInt64(i), bytes: raw) {
                    if sampled {
                        appendNanos &+= DispatchTime.now().uptimeNanoseconds &- t0
                        appendSamples += 1
                    }
                    i += 1
                } else {
                    fullSpins += 1
                    guard journal.isHealthy else {
                        stderrLine("vega journal bench: \(journal.failure ?? "writer failed")")
                        throw ExitCode.failure
                    }
                    sched_yield()
                }
                if reportDurable, i & 1023 == 0 {
                    let d = journal.durableSequence
                    if d != lastDurable {
                        print("durable \(d)")
                        fflush(nil)
                        lastDurable = d
                    }
                }
            }
        }
        let appended = DispatchTime.now().uptimeNanoseconds
        do { try journal.close() } catch {
            stderrLine("vega journal bench: \(error)")
            throw ExitCode.failure
        }
        if reportDurable { print("durable \(journal.durableSequence)") }
        let end = DispatchTime.now().uptimeNanoseconds
        let s = journal.stats
        let seconds = Double(end - start) / 1e9
        print("vega journal bench: \(records) records of \(payload) B, durability \(policy)")
        print("  to disk: \(String(format: "%.2f", Double(records) / seconds / 1e6)) M records/s, \(String(format: "%.1f", Double(records * JournalFormat.recordLength(payloadLength: payload)) / seconds / 1e6)) MB/s (\(String(format: "%.3f", seconds)) s incl. final sync)")
        print("  lane: \(String(format: "%.1f", Double(appendNanos) / Double(max(appendSamples, 1)))) ns per append (mean of 1 in 64, incl. one clock read), \(fullSpins) waits on a full ring, appends done in \(String(format: "%.3f", Double(appended - start) / 1e9)) s")
        print("  writer: \(s.batches) batches, \(s.syncs) syncs, sync mean \(s.syncs > 0 ? s.syncNanosecondsTotal / s.syncs / 1000 : 0) µs max \(s.syncNanosecondsMax / 1000) µs, \(s.segmentsOpened) segments")
    }
}
