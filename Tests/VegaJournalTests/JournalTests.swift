import Glibc
import Testing
import VegaJournal

@Suite struct JournalTests {
    @Test func everyRecordReadsBackInOrderWithTypeTimestampAndPayload() throws {
        let dir = TempDirectory()
        defer { dir.remove() }
        var config = JournalConfiguration(directory: dir.path)
        config.ringBytes = 1 << 16
        config.segmentBytes = 1 << 20
        try writeJournal(config, count: 5_000)
        let reader = try JournalReader(directory: dir.path)
        var expected: UInt64 = 1
        let walk = reader.forEach { record in
            #expect(record.sequence == expected)
            #expect(record.type == .annotation)
            #expect(record.timestamp == 1_000 + expected * 10)
            #expect(Array(record.payload) == payload(for: expected))
            expected += 1
            return true
        }
        #expect(walk.records == 5_000)
        #expect(walk.problems.isEmpty)
        #expect(reader.verify().problems.isEmpty)
    }

    @Test func segmentsRollBySizeAndSequenceNumbersRunAcrossThem() throws {
        let dir = TempDirectory()
        defer { dir.remove() }
        var config = JournalConfiguration(directory: dir.path)
        config.ringBytes = 1 << 14
        config.segmentBytes = 64 << 10
        try writeJournal(config, count: 3_000)
        let segments = dir.files(withSuffix: ".vjl")
        #expect(segments.count > 5)
        #expect(dir.files(withSuffix: ".vjx").count == segments.count)
        let reader = try JournalReader(directory: dir.path)
        #expect(reader.segments.map(\.header.segment) == Array(1...UInt64(segments.count)))
        let walk = reader.verify()
        #expect(walk.records == 3_000)
        #expect(walk.firstSequence == 1 && walk.lastSequence == 3_000)
        #expect(walk.problems.isEmpty)
        // Closed segments are trimmed to their data.
        for s in reader.segments { #expect(s.bytes < config.segmentBytes) }
    }

    @Test func seekingBySequenceAndByTimeFindsTheRightRecord() throws {
        let dir = TempDirectory()
        defer { dir.remove() }
        var config = JournalConfiguration(directory: dir.path)
        config.ringBytes = 1 << 14
        config.segmentBytes = 128 << 10
        try writeJournal(config, count: 10_000)
        let reader = try JournalReader(directory: dir.path)
        for seq: UInt64 in [1, 2, 1024, 1025, 4_097, 7_777, 10_000] {
            let r = reader.record(sequence: seq)
            #expect(r?.sequence == seq)
            #expect(r.map { Array($0.payload) } == payload(for: seq))
        }
        #expect(reader.record(sequence: 10_001) == nil)
        // Timestamps are 1_000 + 10 × sequence: 55_555 falls between 5_455 and 5_456.
        #expect(reader.first(atOrAfter: 55_555)?.sequence == 5_456)
        #expect(reader.first(atOrAfter: 55_550)?.sequence == 5_455)
        #expect(reader.first(atOrAfter: 0)?.sequence == 1)
    }

    @Test func reopeningContinuesNumberingInANewSegment() throws {
        let dir = TempDirectory()
        defer { dir.remove() }
        var config = JournalConfiguration(directory: dir.path)
        config.ringBytes = 1 << 14
        config.segmentBytes = 1 << 20
        try writeJournal(config, count: 100)
        let second = try writeJournal(config, count: 50, firstIndex: 101)
        #expect(second.recovery.continuedAfterSequence == 100)
        #expect(second.recovery.tornTail == nil)
        let reader = try JournalReader(directory: dir.path)
        #expect(reader.segments.count == 2)
        #expect(reader.segments[1].header.firstSequence == 101)
        var expected: UInt64 = 1
        let walk = reader.forEach { r in
            #expect(Array(r.payload) == payload(for: expected))
            expected += 1
            return true
        }
        #expect(walk.records == 150 && walk.problems.isEmpty)
    }

    @Test func aTornTailIsReportedWithItsPlaceThenTrimmedWhenTheJournalContinues() throws {
        let dir = TempDirectory()
        defer { dir.remove() }
        var config = JournalConfiguration(directory: dir.path)
        config.ringBytes = 1 << 14
        config.segmentBytes = 1 << 20
        try writeJournal(config, count: 200)
        let segment = dir.path + "/" + dir.files(withSuffix: ".vjl")[0]
        let end = fileSize(segment)
        // A record half written when the power went: a plausible header, a payload cut short.
        var torn = [UInt8](repeating: 0, count: 40)
        torn[0] = 72  // length 72
        torn[12] = 40  // payload 40
        torn[16] = 201  // sequence 201
        for i in 32..<40 { torn[i] = 0xAB }
        patch(segment, at: end, bytes: torn + [UInt8](repeating: 0, count: 32))
        let walk = try JournalReader(directory: dir.path).verify()
        #expect(walk.records == 200)
        #expect(walk.problems.count == 1)
        #expect(walk.problems.first?.offset == end)
        #expect(walk.problems.first?.file == segment)
        if case .tornTail = walk.problems.first?.kind {} else { Issue.record("expected a torn tail, got \(walk.problems)") }

        let next = try writeJournal(config, count: 10, firstIndex: 201)
        #expect(next.recovery.tornTail?.offset == end)
        #expect(next.recovery.continuedAfterSequence == 200)
        let after = try JournalReader(directory: dir.path).verify()
        #expect(after.problems.isEmpty)
        #expect(after.records == 210)
        #expect(fileSize(segment) == end)
    }

    @Test func aCorruptRecordInTheMiddleIsReportedAndTheJournalIsNotContinued() throws {
        let dir = TempDirectory()
        defer { dir.remove() }
        var config = JournalConfiguration(directory: dir.path)
        config.ringBytes = 1 << 14
        config.segmentBytes = 1 << 20
        try writeJournal(config, count: 300)
        let segment = dir.path + "/" + dir.files(withSuffix: ".vjl")[0]
        let reader = try JournalReader(directory: dir.path)
        guard let victim = reader.record(sequence: 150) else { Issue.record("no record 150"); return }
        let at = victim.offset + 32 + 0  // first payload byte (payload(for:150) is non-empty? ensure below)
        #expect(!payload(for: 150).isEmpty)
        let original = readBytes(segment, at: at, count: 1)
        patch(segment, at: at, bytes: [original[0] ^ 0x01])
        let walk = try JournalReader(directory: dir.path).verify()
        #expect(walk.records == 149)
        #expect(walk.problems.contains { p in
            if case .corruptRecord = p.kind { return p.offset == victim.offset && p.file == segment }
            return false
        })
        #expect(throws: JournalError.self) { _ = try Journal.open(config) }
    }

    @Test func durableSequenceAdvancesPerPolicy() throws {
        let dir = TempDirectory()
        defer { dir.remove() }
        var config = JournalConfiguration(directory: dir.path)
        config.ringBytes = 1 << 14
        config.durability = .onClose
        let journal = try Journal.open(config)
        for i in 1...10 as ClosedRange<UInt64> {
            _ = payload(for: i).withUnsafeBytes { journal.ring.tryAppend(type: .timer, timestamp: i, bytes: $0) }
        }
        journal.flush()
        #expect(journal.writtenSequence == 10)
        #expect(journal.durableSequence == 0)
        try journal.close()
        #expect(journal.durableSequence == 10)

        let dir2 = TempDirectory()
        defer { dir2.remove() }
        var batch = JournalConfiguration(directory: dir2.path)
        batch.ringBytes = 1 << 14
        batch.durability = .everyBatch
        let j2 = try Journal.open(batch)
        _ = payload(for: 1).withUnsafeBytes { j2.ring.tryAppend(type: .timer, timestamp: 1, bytes: $0) }
        j2.flush()
        #expect(j2.durableSequence == 1)
        #expect(j2.stats.syncs >= 1)
        try j2.close()
    }

    @Test func theWriterThreadDrainsWhileTheLaneAppends() throws {
        let dir = TempDirectory()
        defer { dir.remove() }
        var config = JournalConfiguration(directory: dir.path)
        config.ringBytes = 1 << 16
        config.segmentBytes = 1 << 20
        let journal = try Journal.open(config)
        try journal.start()
        var i: UInt64 = 1
        while i <= 50_000 {
            let ok = payload(for: i, maxLength: 100).withUnsafeBytes { journal.ring.tryAppend(type: .marketDataFrame, timestamp: i, bytes: $0) }
            if ok { i += 1 } else { sched_yield() }
        }
        try journal.close()
        #expect(journal.writtenSequence == 50_000)
        #expect(journal.durableSequence == 50_000)
        let walk = try JournalReader(directory: dir.path).verify()
        #expect(walk.records == 50_000 && walk.problems.isEmpty)
    }

    @Test func invalidConfigurationIsRefusedNamingEachKey() {
        var config = JournalConfiguration(directory: "")
        config.ringBytes = 5000
        config.segmentBytes = 4097
        config.maximumBatch = 0
        let problems = config.validate()
        #expect(problems.contains { $0.hasPrefix("directory:") })
        #expect(problems.contains { $0.hasPrefix("ring_bytes: 5000") })
        #expect(problems.contains { $0.hasPrefix("segment_bytes: 4097") })
        #expect(problems.contains { $0.hasPrefix("maximum_batch: 0") })
        #expect(JournalDurability(parsing: "interval:5") == .interval(nanoseconds: 5_000_000))
        #expect(JournalDurability(parsing: "sometimes") == nil)
    }
}
