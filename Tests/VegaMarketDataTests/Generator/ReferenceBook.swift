import Foundation
import Testing
@testable import VegaMarketData

/// Runs the independent Python reference book (Tests/ReferenceBook/itch_reference.py) and parses
/// its CSV. The cross-check of Vega's books builds on this: generate with `generateAndRun`, build
/// Vega's books from the same `itchPath`, compare row by row with `rows`.
enum ReferenceBook {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    struct Run {
        var itchPath: String
        var rows: [ReferenceTopOfBook]
        var statistics: ITCHGeneratorStatistics
        var instruments: [GeneratedInstrument]
        /// The reference's summary line (rate, anomalies) from standard error.
        var summary: String
        /// Owns the temporary files; they go when the run does.
        var directory: TemporaryDirectory
    }

    /// Tests/ReferenceBook/itch_reference.py, found from this source file's path.
    static var scriptPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("ReferenceBook/itch_reference.py").path
    }

    /// The python3 on PATH, if any.
    static var python: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static var pythonAvailable: Bool { python != nil }

    /// Runs the reference on `itchPath` (`--strict`: any anomaly is a failure) and returns the
    /// final top of book rows and the summary line.
    static func run(itchPath: String, extraArguments: [String] = []) throws -> (rows: [ReferenceTopOfBook], summary: String) {
        guard let python else { throw Failure(description: "python3 not found on PATH") }
        let csv = itchPath + ".top.csv"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [scriptPath, itchPath, "--out", csv, "--strict"] + extraArguments
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "itch_reference.py exited \(process.terminationStatus): \(errorText)")
        }
        return (try parse(String(decoding: try readFile(csv), as: UTF8.self)), errorText)
    }

    /// Generates a session to a temporary file and runs the reference on it.
    static func generateAndRun(seed: UInt64, messages: UInt64, symbols: Int) throws -> Run {
        let directory = try TemporaryDirectory()
        let generator = try ITCHGenerator(ITCHGeneratorConfiguration(seed: seed, messages: messages, symbols: symbols))
        let path = directory.path + "/feed.itch"
        let stats = try generator.writeFiles(itchPath: path)
        let (rows, summary) = try run(itchPath: path)
        return Run(itchPath: path, rows: rows, statistics: stats, instruments: generator.instruments,
                   summary: summary, directory: directory)
    }

    static let header = "locate,symbol,bid_price,bid_size,bid_orders,ask_price,ask_size,ask_orders"

    static func parse(_ text: String) throws -> [ReferenceTopOfBook] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard lines.first.map(String.init) == header else {
            throw Failure(description: "unexpected header: \(lines.first ?? "<empty>")")
        }
        lines.removeFirst()
        return try lines.map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 8, let locate = UInt16(f[0]), let bp = Int64(f[2]), let bs = UInt64(f[3]),
                  let bo = Int(f[4]), let ap = Int64(f[5]), let asz = UInt64(f[6]), let ao = Int(f[7])
            else { throw Failure(description: "malformed row: \(line)") }
            return ReferenceTopOfBook(locate: locate, symbol: f[1], bidPrice: bp, bidSize: bs, bidOrders: bo,
                             askPrice: ap, askSize: asz, askOrders: ao)
        }
    }
}

/// A fresh directory under the system's temporary directory, removed when the last copy goes.
final class TemporaryDirectory: @unchecked Sendable {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("vega-itchgen-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

func readFile(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

@Suite("Python reference book on generated feeds")
struct GeneratorReferenceBookTests {
    @Test(.enabled(if: ReferenceBook.pythonAvailable, "python3 is not on PATH: the reference book cannot run"))
    func referenceHasARowPerInstrumentAndAgreesWithTheTestTracker() throws {
        let run = try ReferenceBook.generateAndRun(seed: 2026, messages: 200_000, symbols: 800)
        #expect(run.rows.count == 800)
        #expect(run.rows.map(\.locate) == Array(1...800))
        #expect(run.summary.contains("anomalies: none"), "\(run.summary)")
        var bothSides = 0
        for row in run.rows {
            #expect(!row.symbol.isEmpty)
            if row.bidPrice > 0, row.askPrice > 0 {
                bothSides += 1
                #expect(row.bidPrice < row.askPrice, "crossed: \(row)")
            }
            #expect((row.bidPrice == 0) == (row.bidSize == 0) && (row.bidSize == 0) == (row.bidOrders == 0))
            #expect((row.askPrice == 0) == (row.askSize == 0) && (row.askSize == 0) == (row.askOrders == 0))
        }
        #expect(bothSides > 100, "active instruments have two-sided books")

        // Two independent books over the same bytes: the Python reference and the tests' tracker.
        let tracker = InvariantTracker.check(try readFile(run.itchPath), instruments: run.instruments)
        #expect(tracker.violations.isEmpty)
        let mine = tracker.topOfBook()
        #expect(mine.count == run.rows.count)
        for (a, b) in zip(mine, run.rows) where a != b {
            Issue.record("tracker \(a) vs reference \(b)")
        }
    }

    @Test(.enabled(if: ReferenceBook.pythonAvailable, "python3 is not on PATH: the reference book cannot run"))
    func referenceSnapshotsFollowTheRequestedInterval() throws {
        let directory = try TemporaryDirectory()
        let generator = try ITCHGenerator(ITCHGeneratorConfiguration(seed: 8, messages: 20_000, symbols: 50))
        let path = directory.path + "/feed.itch"
        _ = try generator.writeFiles(itchPath: path)
        let snapshots = directory.path + "/snap.csv"
        _ = try ReferenceBook.run(itchPath: path, extraArguments: ["--every", "1000", "--snapshots", snapshots])
        let lines = String(decoding: try readFile(snapshots), as: UTF8.self).split(separator: "\n")
        #expect(lines.first.map(String.init) == "message," + ReferenceBook.header)
        let indices = lines.dropFirst().compactMap { Int($0.split(separator: ",")[0]) }
        #expect(!indices.isEmpty)
        #expect(indices.allSatisfy { $0 % 1000 == 0 })
    }
}
