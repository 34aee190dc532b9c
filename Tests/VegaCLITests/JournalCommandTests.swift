import Foundation
import Glibc
import Testing
import VegaJournal
@testable import VegaHardware

@Suite("vega journal, as the built binary")
struct JournalCommandTests {
    /// A fresh directory path under /tmp (not created).
    func scratch(_ label: String) -> String {
        "/tmp/vega-jcli-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    @Test("kill -9 in mid-write loses nothing that was reported durable, and the journal continues")
    func killNineLosesNothingDurable() throws {
        let dir = scratch("kill")
        defer { _ = system("rm -rf '\(dir)'") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try builtVegaBinary())
        process.arguments = ["journal", "bench", dir, "--records", "50000000", "--payload", "40",
                             "--segment-mib", "16", "--ring-mib", "1", "--report-durable"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Read `durable N` lines until the journal has rolled a few segments, then SIGKILL it
        // while it is still writing.
        var lastDurable: UInt64 = 0
        var buffer = ""
        let deadline = Date().addingTimeInterval(300)
        while lastDurable < 700_000 && Date() < deadline && process.isRunning {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }
            buffer += String(decoding: data, as: UTF8.self)
            while let nl = buffer.firstIndex(of: "\n") {
                let line = buffer[..<nl]
                buffer = String(buffer[buffer.index(after: nl)...])
                if line.hasPrefix("durable "), let n = UInt64(line.dropFirst(8)) { lastDurable = n }
            }
        }
        #expect(process.isRunning, "the bench must still be writing when it is killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(lastDurable >= 700_000)

        let walk = try JournalReader(directory: dir).verify()
        // Everything reported durable is there, whole and in order; at most a torn tail follows.
        #expect((walk.lastSequence ?? 0) >= lastDurable)
        #expect(walk.firstSequence == 1)
        #expect(walk.records == walk.lastSequence ?? 0)
        for p in walk.problems {
            guard case .tornTail = p.kind else { Issue.record("unexpected problem after kill -9: \(p)"); continue }
        }
        // Continuing the journal trims any torn tail and numbers on from the last complete record.
        var config = JournalConfiguration(directory: dir)
        config.ringBytes = 1 << 16
        config.segmentBytes = 1 << 20
        let journal = try Journal.open(config)
        #expect(journal.recovery.continuedAfterSequence == walk.lastSequence)
        _ = Array("after restart".utf8).withUnsafeBytes { journal.ring.tryAppend(type: .annotation, timestamp: 1, bytes: $0) }
        try journal.close()
        let after = try JournalReader(directory: dir).verify()
        #expect(after.problems.isEmpty, "\(after.problems)")
        #expect(after.lastSequence == (walk.lastSequence ?? 0) + 1)

        let verify = Subprocess.run(try builtVegaBinary(), ["journal", "verify", dir], timeoutMilliseconds: 120_000)
        #expect(verify.exitStatus == 0, "\(verify.output)")
        #expect(verify.output.contains("ok: every record checks"))
    }

    @Test("vega journal verify exits 1 naming the file and offset of a corrupt record; dump and stats read it")
    func verifyReportsCorruptionWithItsPlace() throws {
        let dir = scratch("corrupt")
        defer { _ = system("rm -rf '\(dir)'") }
        let bench = Subprocess.run(try builtVegaBinary(), ["journal", "bench", dir, "--records", "2000", "--payload", "24",
                                                           "--segment-mib", "1", "--ring-mib", "1"], timeoutMilliseconds: 120_000)
        #expect(bench.exitStatus == 0, "\(bench.output)")
        let ok = Subprocess.run(try builtVegaBinary(), ["journal", "verify", dir], timeoutMilliseconds: 60_000)
        #expect(ok.exitStatus == 0, "\(ok.output)")
        #expect(ok.output.contains("2000 records (sequences 1…2000)"))

        let stats = Subprocess.run(try builtVegaBinary(), ["journal", "stats", dir], timeoutMilliseconds: 60_000)
        #expect(stats.output.contains("annotation: 2000 records, 48000 payload bytes"))
        let dump = Subprocess.run(try builtVegaBinary(), ["journal", "dump", dir, "--from", "1999"], timeoutMilliseconds: 60_000)
        #expect(dump.output.split(separator: "\n").filter { $0.hasPrefix("1999 ") || $0.hasPrefix("2000 ") }.count == 2)

        // Flip one payload byte of record 1000.
        let reader = try JournalReader(directory: dir)
        let victim = try #require(reader.record(sequence: 1000))
        let file = reader.segments[0].path
        let fd = open(file, O_RDWR)
        var byte: UInt8 = 0
        _ = pread(fd, &byte, 1, off_t(victim.offset + 40))
        byte ^= 0x80
        _ = pwrite(fd, &byte, 1, off_t(victim.offset + 40))
        close(fd)
        let bad = Subprocess.run(try builtVegaBinary(), ["journal", "verify", dir], timeoutMilliseconds: 60_000)
        #expect(bad.exitStatus == 1)
        #expect(bad.output.contains("PROBLEM \(file) at byte \(victim.offset): corrupt record: CRC32C"), "\(bad.output)")
    }

    @Test("vega journal refuses a bench into a non-empty directory and an unknown durability")
    func benchRefusesBadArguments() throws {
        let r = Subprocess.run(try builtVegaBinary(), ["journal", "bench", "/tmp", "--records", "1"], timeoutMilliseconds: 60_000)
        #expect(r.exitStatus != 0)
        #expect(r.output.contains("is not empty"))
        let d = Subprocess.run(try builtVegaBinary(), ["journal", "bench", scratch("x"), "--durability", "sometimes"], timeoutMilliseconds: 60_000)
        #expect(d.exitStatus != 0)
        #expect(d.output.contains("--durability 'sometimes'"))
    }
}
