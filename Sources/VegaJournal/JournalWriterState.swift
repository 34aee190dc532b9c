import Glibc

/// The writer thread's state: the open segment, its index, numbering and the sync policy.
struct WriterState {
    let configuration: JournalConfiguration
    var nextSegment: UInt64
    var nextSequence: UInt64
    var segment: MappedFile? = nil
    var segmentHeader: JournalSegmentHeader? = nil
    var used = 0
    var syncedTo = 0
    var indexFD: Int32 = -1
    var indexPending: [UInt8] = []
    var sessionDay: UInt32 = 0
    var lastSyncAt: UInt64 = 0
    var unsyncedSequence: UInt64 = 0  // last sequence written but not yet synced; 0 = none
    var populatedTo = 0  // bytes of the segment already faulted in ahead of `used`
    // The open segment's mapping as plain values, so the per-record path neither unwraps nor
    // retains `segment` (a class reference): nil base and 0 bytes while no segment is open.
    var base: UnsafeMutableRawPointer? = nil
    var segmentSize = 0
    var segmentFD: Int32 = -1
    /// Bytes of the segment whose write-back to the disk has been started (page-aligned).
    var writebackFrom = 0
    let syncEveryRecord: Bool
    let startsWriteback: Bool

    init(configuration: JournalConfiguration, nextSegment: UInt64, nextSequence: UInt64, reserve: Bool = true) {
        self.configuration = configuration
        self.nextSegment = nextSegment
        self.nextSequence = nextSequence
        syncEveryRecord = configuration.durability == .everyRecord
        startsWriteback = configuration.durability != .onClose
        if reserve { indexPending.reserveCapacity(64 * 1024) }
    }

    /// Stands in for the real state while the writer works on a local copy (allocates nothing).
    static var placeholder: WriterState { WriterState(configuration: JournalConfiguration(directory: ""), nextSegment: 0, nextSequence: 1, reserve: false) }

    func currentSessionDay() -> UInt32 {
        let seconds = Int64(utcNanoseconds() / 1_000_000_000) + configuration.sessionDayOffsetSeconds
        return UInt32(clamping: seconds / 86_400)
    }

    /// Copies one ring entry into the segment as a numbered, checksummed record.
    ///
    /// Per record: the 32-byte header and the payload stored into the mapping, and one CRC32C
    /// pass over the contiguous header-and-payload bytes (two calls: the CRC field is skipped).
    /// Everything else — rolling, faulting pages in ahead, starting write-back, the sparse index
    /// — happens once per segment, per 2 MiB, per 1 MiB and per 1,024 records respectively.
    @inline(__always)
    mutating func append(_ entry: JournalRingEntry, journal: Journal) throws(JournalError) {
        let count = entry.payload.count
        let length = JournalFormat.recordLength(payloadLength: count)
        if _slowPath(used &+ length > segmentSize) { try roll(toFit: length, journal: journal) }
        if _slowPath(used &+ length > populatedTo &- Self.populateAhead / 2) { populateAhead() }
        let p = base.unsafelyUnwrapped + used
        let sequence = nextSequence
        p.storeBytes(of: entry.type.rawValue.littleEndian, toByteOffset: 8, as: UInt16.self)
        p.storeBytes(of: entry.flags.littleEndian, toByteOffset: 10, as: UInt16.self)
        p.storeBytes(of: UInt32(truncatingIfNeeded: count).littleEndian, toByteOffset: 12, as: UInt32.self)
        p.storeBytes(of: sequence.littleEndian, toByteOffset: 16, as: UInt64.self)
        p.storeBytes(of: entry.timestamp.littleEndian, toByteOffset: 24, as: UInt64.self)
        if count > 0, let src = entry.payload.baseAddress {
            (p + JournalFormat.recordHeaderSize).copyMemory(from: src, byteCount: count)
        }
        // The length goes in with the CRC, last: until then the record reads as the end of the
        // data, so a process killed mid-copy leaves no torn record behind.
        p.storeBytes(of: UInt32(truncatingIfNeeded: length).littleEndian, as: UInt32.self)
        let crc = JournalFormat.recordCRC(record: p, payloadLength: count)
        p.storeBytes(of: crc.littleEndian, toByteOffset: 4, as: UInt32.self)

        if _slowPath(used == JournalFormat.fileHeaderSize || (sequence &- 1) % JournalFormat.indexStride == 0) {
            appendIndex(sequence: sequence, timestamp: entry.timestamp, offset: used)
        }
        used &+= length
        nextSequence &+= 1
        unsyncedSequence = sequence
        if _slowPath(used &- writebackFrom >= Self.writebackChunk) { startWriteback() }
        if _slowPath(syncEveryRecord) {
            journal.published(written: sequence)
            try sync(journal: journal)
        }
    }

    /// Opens the next segment for a record of `length` bytes that does not fit the open one.
    @inline(never)
    mutating func roll(toFit length: Int, journal: Journal) throws(JournalError) {
        try roll(journal: journal)
        guard used + length <= segmentSize else {
            throw JournalError(path: configuration.directory, operation: "append to", detail: "record of \(length) bytes does not fit a \(configuration.segmentBytes)-byte segment")
        }
    }

    /// How far ahead of the write position the writer faults the segment's pages in.
    static var populateAhead: Int { 4 << 20 }

    /// Faults in the next pages of the segment before the writer reaches them
    /// (MADV_POPULATE_WRITE, Linux 5.14+), so the copy loop does not take a page fault every
    /// 4 KiB. On older kernels the call fails harmlessly and pages fault on first touch as before.
    @inline(never)
    mutating func populateAhead() {
        guard let base else { return }
        let start = max(populatedTo, used)
        let end = min(segmentSize, start + Self.populateAhead)
        guard end > start else { return }
        _ = madvise(base + start, end - start, 23 /* MADV_POPULATE_WRITE */)
        populatedTo = end
    }

    /// How many written bytes accumulate before the writer asks the kernel to start writing them back.
    static var writebackChunk: Int { 1 << 20 }

    /// Starts write-back of the whole pages written since the last call, without waiting
    /// (`posix_fadvise(DONTNEED)` on Linux starts write-back of the range; it cannot evict pages
    /// that are mapped, as these are). The policy's sync then finds most of a batch already on
    /// its way to the disk instead of starting it all at the batch's end. Durability is
    /// unchanged: only the sync makes records durable. Not for `.onClose` (nothing waits).
    @inline(never)
    mutating func startWriteback() {
        let page = 4096
        let end = used & ~(page - 1)
        guard end > writebackFrom else { return }
        if startsWriteback && segmentFD >= 0 {
            _ = posix_fadvise(segmentFD, off_t(writebackFrom), off_t(end - writebackFrom), POSIX_FADV_DONTNEED)
        }
        writebackFrom = end
    }

    mutating func appendIndex(sequence: UInt64, timestamp: UInt64, offset: Int) {
        withUnsafeBytes(of: sequence.littleEndian) { indexPending.append(contentsOf: $0) }
        withUnsafeBytes(of: timestamp.littleEndian) { indexPending.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt64(offset).littleEndian) { indexPending.append(contentsOf: $0) }
    }

    mutating func batchDone(now: UInt64, journal: Journal) throws(JournalError) {
        switch configuration.durability {
        case .everyRecord, .everyBatch: try sync(journal: journal)
        case .interval(let ns): if now &- lastSyncAt >= ns { try sync(journal: journal) }
        case .onClose: break
        }
    }

    mutating func idleTick(now: UInt64, journal: Journal) {
        if case .interval(let ns) = configuration.durability, unsyncedSequence != 0, now &- lastSyncAt >= ns {
            do throws(JournalError) { try sync(journal: journal) } catch { journal.fail(error) }
        }
        // A new session day rolls even when nothing is being written.
        if segment != nil, currentSessionDay() != sessionDay, unsyncedSequence == 0 {
            do throws(JournalError) { try closeSegment(journal: journal) } catch { journal.fail(error) }
        }
    }

    /// Writes the segment's new bytes and the pending index entries back to the disk and waits.
    mutating func sync(journal: Journal) throws(JournalError) {
        let started = monotonicNanoseconds()
        if let file = segment, used > syncedTo {
            try file.sync(from: syncedTo, to: used)
            syncedTo = used
        }
        try flushIndex(sync: true)
        lastSyncAt = monotonicNanoseconds()
        if unsyncedSequence != 0 {
            journal.published(durable: unsyncedSequence, syncNanoseconds: lastSyncAt &- started)
            unsyncedSequence = 0
        }
    }

    mutating func flushIndex(sync: Bool) throws(JournalError) {
        guard indexFD >= 0, !indexPending.isEmpty else { return }
        let path = segment.map { JournalReader.indexPath(forSegment: $0.path) } ?? configuration.directory
        let ok = indexPending.withUnsafeBytes { raw -> Bool in
            var off = 0
            while off < raw.count {
                let n = write(indexFD, raw.baseAddress! + off, raw.count - off)
                if n < 0 { if Glibc.errno == EINTR { continue }; return false }
                off += n
            }
            return true
        }
        guard ok else { throw JournalError(path: path, operation: "write index", errno: Glibc.errno) }
        indexPending.removeAll(keepingCapacity: true)
        if sync && fdatasync(indexFD) != 0 { throw JournalError(path: path, operation: "fdatasync index", errno: Glibc.errno) }
    }

    /// Closes the open segment (if any) and opens the next one.
    mutating func roll(journal: Journal) throws(JournalError) {
        try closeSegment(journal: journal)
        let day = currentSessionDay()
        let name = JournalFormat.segmentName(sessionDay: day, segment: nextSegment)
        let path = configuration.directory + "/" + name
        let file = try MappedFile.create(path: path, size: configuration.segmentBytes)
        let header = JournalSegmentHeader(
            segment: nextSegment, firstSequence: nextSequence, createdUTCNanoseconds: utcNanoseconds(), sessionDay: day)
        header.write(to: file.base)
        try file.sync(from: 0, to: JournalFormat.fileHeaderSize)
        let indexPath = JournalReader.indexPath(forSegment: path)
        let fd = Glibc.open(indexPath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw JournalError(path: indexPath, operation: "create index", errno: Glibc.errno) }
        syncDirectory(configuration.directory)
        segment = file
        segmentHeader = header
        base = file.base
        segmentSize = file.size
        segmentFD = file.fd
        indexFD = fd
        used = JournalFormat.fileHeaderSize
        syncedTo = used
        populatedTo = 0
        writebackFrom = 0
        sessionDay = day
        nextSegment += 1
        journal.rolled(to: path)
    }

    /// Syncs the open segment, trims it to its data and closes it.
    mutating func closeSegment(journal: Journal) throws(JournalError) {
        guard let file = segment else { return }
        try sync(journal: journal)
        try file.close(trimmingTo: used)
        if indexFD >= 0 { Glibc.close(indexFD) }
        indexFD = -1
        segment = nil
        segmentHeader = nil
        base = nil
        segmentSize = 0
        segmentFD = -1
    }
}
