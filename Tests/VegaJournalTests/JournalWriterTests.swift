import Glibc
import Testing
import VegaJournal

/// The writer's staging buffer, batch bounds and the newest segment's index repair (issue 6).
@Suite struct JournalWriterTests {
    /// Records of every length 0…300 (padding of 0…7 bytes) written through the reused staging
    /// buffer: each record's padding must be zero on the disk, not a previous record's bytes.
    @Test func paddingIsZeroOnDiskAfterTheStagingBufferIsReused() throws {
        let dir = TempDirectory("jw-pad")
        defer { dir.remove() }
        var config = JournalConfiguration(directory: dir.path)
        config.ringBytes = 1 << 16
        config.segmentBytes = 4 << 20
        try writeJournal(config, count: 4_000)
        let reader = try JournalReader(directory: dir.path)
        let segment = reader.segments[0].path
        var checked = 0
        let walk = reader.forEach { record in
            let end = record.offset + 32 + record.payload.count
            let length = (32 + record.payload.count + 7) & ~7
            if length > end - record.offset {
                #expect(readBytes(segment, at: end, count: record.offset + length - end).allSatisfy { $0 == 0 },
                        "padding of record \(record.sequence)")
                checked += 1
            }
            return true
        }
        #expect(walk.records == 4_000 && walk.problems.isEmpty)
        #expect(checked > 3_000)
    }

    /// Records longer than the 256 KiB staging buffer go to the file straight from the ring,
    /// between ordinary ones, and read back whole and in order.
    @Test func recordsLargerThanTheStagingBufferRoundTrip() throws {
        let dir = TempDirectory("jw-large")
        defer { dir.remove() }
        var config = JournalConfiguration(directory: dir.path)
        config.ringBytes = 4 << 20
        config.segmentBytes = 8 << 20
        let sizes = [10, 300 << 10, 0, 700 << 10, 64, (256 << 10) - 32, (256 << 10) - 31, 1 << 20 - 16, 7]
        let journal = try Journal.open(config)
        for (i, size) in sizes.enumerated() {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i) }
            let ok = bytes.withUnsafeBytes { journal.ring.tryAppend(type: .annotation, timestamp: UInt64(i), bytes: $0) }
            #expect(ok, "append \(i)")
            journal.flush()
        }
        try journal.close()
        let reader = try JournalReader(directory: dir.path)
        var n = 0
        let walk = reader.forEach { record in
            let i = n
            #expect(record.sequence == UInt64(i + 1))
            #expect(record.payload.count == sizes[i])
            #expect(Array(record.payload) == (0..<sizes[i]).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i) })
            n += 1
            return true
        }
        #expect(n == sizes.count)
        #expect(walk.problems.isEmpty)
        #expect(reader.verify().problems.isEmpty)
    }

    /// A batch's records are in the segment file when the batch ends, whatever the policy:
    /// a reader opened while the journal is still open sees them all.
    @Test func aBatchIsInTheFileWhenItEndsEvenWithoutASync() throws {
        let dir = TempDirectory("jw-visible")
        defer { dir.remove() }
        var config = JournalConfiguration(directory: dir.path)
        config.ringBytes = 1 << 20
        config.segmentBytes = 4 << 20
        config.durability = .onClose
        let journal = try Journal.open(config)
        for i in 1...3_000 as ClosedRange<UInt64> {
            let ok = payload(for: i).withUnsafeBytes { journal.ring.tryAppend(type: .timer, timestamp: i, bytes: $0) }
            #expect(ok)
        }
        #expect(journal.flush() == 3_000)
        #expect(journal.writtenSequence == 3_000)
        #expect(journal.durableSequence == 0)
        let walk = try JournalReader(directory: dir.path).forEach { _ in true }
        #expect(walk.records == 3_000 && walk.lastSequence == 3_000)
        try journal.close()
        #expect(journal.durableSequence == 3_000)
    }

    /// `maximumBatch` bounds a batch, and under every-batch each batch is one sync.
    @Test func everyBatchSyncsOncePerBatchOfAtMostMaximumBatchRecords() throws {
        let dir = TempDirectory("jw-batch")
        defer { dir.remove() }
        var config = JournalConfiguration(directory: dir.path)
        config.ringBytes = 1 << 20
        config.segmentBytes = 4 << 20
        config.maximumBatch = 100
        let journal = try Journal.open(config)
        for i in 1...1_050 as ClosedRange<UInt64> {
            _ = payload(for: i, maxLength: 40).withUnsafeBytes { journal.ring.tryAppend(type: .timer, timestamp: i, bytes: $0) }
        }
        var batches: [Int] = []
        while true {
            let n = journal.flush()
            if n == 0 { break }
            batches.append(n)
            #expect(journal.durableSequence == journal.writtenSequence)
        }
        #expect(batches == Array(repeating: 100, count: 10) + [50])
        #expect(journal.stats.batches == 11)
        #expect(journal.stats.syncs == 11)
        try journal.close()
    }

    /// The index is synced only when a segment closes, so a power cut can leave the newest
    /// segment's index short or with a stale entry: opening rebuilds it from the records.
    @Test func aShortOrStaleIndexOfTheNewestSegmentIsRebuiltOnOpen() throws {
        let dir = TempDirectory("jw-index")
        defer { dir.remove() }
        var config = JournalConfiguration(directory: dir.path)
        config.ringBytes = 1 << 16
        config.segmentBytes = 4 << 20
        try writeJournal(config, count: 5_000)
        let index = dir.path + "/" + dir.files(withSuffix: ".vjx")[0]
        let good = readBytes(index, at: 0, count: 1_000)
        #expect(good.count == 5 * 24)  // sequences 1, 1025, 2049, 3073, 4097
        // Keep two entries, then one pointing nowhere (sequence 2049 at a wrong offset).
        var stale = Array(good[48..<72])
        stale[16] ^= 0x08
        #expect(truncate(index, 48) == 0)
        patch(index, at: 48, bytes: stale)
        #expect(try JournalReader(directory: dir.path).verify().problems.contains { p in
            if case .badIndexEntry(2049) = p.kind { return true }
            return false
        })

        let next = try writeJournal(config, count: 10, firstIndex: 5_001)
        #expect(next.recovery.indexRebuilt)
        #expect(next.recovery.continuedAfterSequence == 5_000)
        #expect(readBytes(index, at: 0, count: 1_000) == good)
        let reader = try JournalReader(directory: dir.path)
        #expect(reader.verify().problems.isEmpty)
        #expect(reader.record(sequence: 4_500).map { Array($0.payload) } == payload(for: 4_500))

        // A clean journal's index is left as it is.
        let again = try writeJournal(config, count: 1, firstIndex: 5_011)
        #expect(!again.recovery.indexRebuilt)
    }

    /// Only the newest segment's index is repaired: a closed segment's index was synced when it
    /// closed, so damage there is damage, and the journal is not continued.
    @Test func aBadIndexEntryInAnOlderSegmentStillRefusesToContinue() throws {
        let dir = TempDirectory("jw-oldindex")
        defer { dir.remove() }
        var config = JournalConfiguration(directory: dir.path)
        config.ringBytes = 1 << 16
        config.segmentBytes = 4 << 20
        try writeJournal(config, count: 3_000)
        try writeJournal(config, count: 10, firstIndex: 3_001)
        let index = dir.path + "/" + dir.files(withSuffix: ".vjx")[0]
        var entry = readBytes(index, at: 24, count: 24)
        entry[16] ^= 0x08
        patch(index, at: 24, bytes: entry)
        #expect(throws: JournalError.self) { _ = try Journal.open(config) }
    }

    /// The writer thread reports its own CPU time (the benchmarks divide it by the records).
    @Test func theWriterThreadReportsItsCPUTime() throws {
        let dir = TempDirectory("jw-cpu")
        defer { dir.remove() }
        var config = JournalConfiguration(directory: dir.path)
        config.ringBytes = 1 << 16
        config.segmentBytes = 4 << 20
        let journal = try Journal.open(config)
        try journal.start()
        var i: UInt64 = 1
        while i <= 20_000 {
            let ok = payload(for: i, maxLength: 64).withUnsafeBytes { journal.ring.tryAppend(type: .timer, timestamp: i, bytes: $0) }
            if ok { i += 1 } else { sched_yield() }
        }
        try journal.close()
        let stats = journal.stats
        #expect(stats.records == 20_000)
        #expect(stats.writerCPUNanoseconds > 0)
        #expect(stats.syncs >= 1 && stats.syncs <= stats.batches + 1)
    }

    /// Under every-batch with a writer thread the syncs run on their own thread: durability
    /// catches up with what was written without `close()`, the index never names a record that
    /// is not yet durable, and closing leaves everything durable and indexed.
    @Test func backgroundSyncsMakeEverythingDurableAndTheIndexNeverRunsAhead() throws {
        let dir = TempDirectory("jw-syncer")
        defer { dir.remove() }
        var config = JournalConfiguration(directory: dir.path)
        config.ringBytes = 1 << 20
        config.segmentBytes = 16 << 20
        config.maximumBatch = 500
        let journal = try Journal.open(config)
        try journal.start()
        var i: UInt64 = 1
        var indexChecks = 0
        while i <= 40_000 {
            let ok = payload(for: i, maxLength: 64).withUnsafeBytes { journal.ring.tryAppend(type: .timer, timestamp: i, bytes: $0) }
            if ok { i += 1 } else { sched_yield() }
            if i % 5_000 == 0, let name = dir.files(withSuffix: ".vjx").first {
                let bytes = readBytes(dir.path + "/" + name, at: 0, count: 1 << 16)
                let durable = journal.durableSequence  // read after the index: it only grows
                for k in stride(from: 0, to: bytes.count - 23, by: 24) {
                    let seq = bytes[k..<k + 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                    #expect(seq <= durable, "index entry \(seq) ahead of durable \(durable)")
                }
                indexChecks += 1
            }
        }
        // Durability catches up without close (bounded wait: a behaviour check, not a timing one).
        var waited = 0
        while journal.durableSequence < 40_000 && waited < 60_000 {
            var ts = timespec(tv_sec: 0, tv_nsec: 1_000_000)
            nanosleep(&ts, nil)
            waited += 1
        }
        #expect(journal.durableSequence == 40_000)
        #expect(journal.writtenSequence == 40_000)
        #expect(indexChecks > 0)
        try journal.close()
        #expect(journal.durableSequence == 40_000 && journal.isHealthy)
        let stats = journal.stats
        #expect(stats.syncs >= 1 && stats.syncs <= stats.batches)
        let reader = try JournalReader(directory: dir.path)
        let walk = reader.verify()
        #expect(walk.records == 40_000 && walk.problems.isEmpty)
        #expect(reader.record(sequence: 39_000)?.sequence == 39_000)
        // The index was complete at close: reopening finds nothing to rebuild.
        let again = try Journal.open(config)
        #expect(!again.recovery.indexRebuilt)
        try again.close()
    }
}
