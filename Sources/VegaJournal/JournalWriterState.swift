import Glibc

/// The writer thread's state: the open segment, its index, numbering and the sync policy.
///
/// Records are formatted into a small staging buffer (``stagingBytes``, allocated once, small
/// enough to stay in the core's cache) and written to the segment file with `pwrite` whenever
/// the buffer fills and at the end of every batch. Measured on this VM (issue 6, Benchmarks
/// README "Journal writer: pwrite from a staging buffer"), this costs the writer about half the
/// kernel CPU per record of storing into a shared mapping: a mapping makes the kernel allocate
/// and zero every new page-cache page before the writer overwrites it, `pwrite` of whole pages
/// only copies.
struct WriterState {
    let configuration: JournalConfiguration
    var nextSegment: UInt64
    var nextSequence: UInt64
    var segmentPath: String? = nil
    var segmentHeader: JournalSegmentHeader? = nil
    /// End of the segment's data, staged bytes included (the next record's file offset).
    var used = 0
    var syncedTo = 0
    var indexFD: Int32 = -1
    var indexPending: [UInt8] = []
    var sessionDay: UInt32 = 0
    var lastSyncAt: UInt64 = 0
    var unsyncedSequence: UInt64 = 0  // last sequence written to the file but not yet synced; 0 = none
    /// The last sequence written into the segment file (staged records excluded).
    var fileSequence: UInt64
    var segmentSize = 0
    var segmentFD: Int32 = -1
    /// The staging buffer: records not yet written to the file, `staged` bytes of it.
    let stage: UnsafeMutableRawPointer?
    var staged = 0
    /// Bytes of the segment whose write-back to the disk has been started (page-aligned).
    var writebackFrom = 0
    let syncEveryRecord: Bool
    let startsWriteback: Bool
    /// Runs the every-batch sync off the writer's path once the writer thread is started
    /// (``JournalSyncer``); nil for the other policies and for ``Journal/flush()``.
    var syncer: JournalSyncer? = nil

    /// The staging buffer's size: records are written to the file in `pwrite`s of up to this
    /// many bytes. A record longer than this is written straight from the ring.
    static var stagingBytes: Int { 256 << 10 }

    init(configuration: JournalConfiguration, nextSegment: UInt64, nextSequence: UInt64, reserve: Bool = true) {
        self.configuration = configuration
        self.nextSegment = nextSegment
        self.nextSequence = nextSequence
        self.fileSequence = nextSequence - 1
        syncEveryRecord = configuration.durability == .everyRecord
        startsWriteback = configuration.durability != .onClose
        if reserve {
            indexPending.reserveCapacity(64 * 1024)
            let p = UnsafeMutableRawPointer.allocate(byteCount: Self.stagingBytes, alignment: 4096)
            p.initializeMemory(as: UInt8.self, repeating: 0, count: Self.stagingBytes)
            stage = p
        } else {
            stage = nil
        }
    }

    /// Frees the staging buffer (the owning ``Journal``'s deinit; the state is not used after).
    func releaseBuffers() { stage?.deallocate() }

    /// Stands in for the real state while the writer works on a local copy (allocates nothing).
    static var placeholder: WriterState { WriterState(configuration: JournalConfiguration(directory: ""), nextSegment: 0, nextSequence: 1, reserve: false) }

    func currentSessionDay() -> UInt32 {
        let seconds = Int64(utcNanoseconds() / 1_000_000_000) + configuration.sessionDayOffsetSeconds
        return UInt32(clamping: seconds / 86_400)
    }

    /// Formats one ring entry as a numbered, checksummed record in the staging buffer.
    ///
    /// Per record: the 32-byte header and the payload stored into the staging buffer, and one
    /// CRC32C pass over the contiguous header-and-payload bytes (two calls: the CRC field is
    /// skipped). Everything else — rolling, writing the staged bytes to the file, starting
    /// write-back, the sparse index — happens once per segment, per 256 KiB, per 1 MiB and per
    /// 1,024 records respectively.
    @inline(__always)
    mutating func append(_ entry: JournalRingEntry, journal: Journal) throws(JournalError) {
        let count = entry.payload.count
        let length = JournalFormat.recordLength(payloadLength: count)
        if _slowPath(used &+ length > segmentSize) { try roll(toFit: length, journal: journal) }
        if _slowPath(staged &+ length > Self.stagingBytes) {
            try writeStaged()
            if length > Self.stagingBytes {
                try appendLarge(entry, length: length, journal: journal)
                return
            }
        }
        let p = stage.unsafelyUnwrapped + staged
        let sequence = nextSequence
        // The record's last 8 bytes first: zeroes the padding (the buffer is reused) before the
        // header and payload overwrite whatever of them they cover.
        p.storeBytes(of: UInt64(0), toByteOffset: length &- 8, as: UInt64.self)
        Self.storeHeader(p, length: length, entry: entry, sequence: sequence)
        if count > 0, let src = entry.payload.baseAddress {
            (p + JournalFormat.recordHeaderSize).copyMemory(from: src, byteCount: count)
        }
        let crc = JournalFormat.recordCRC(record: p, payloadLength: count)
        p.storeBytes(of: crc.littleEndian, toByteOffset: 4, as: UInt32.self)

        if _slowPath(used == JournalFormat.fileHeaderSize || (sequence &- 1) % JournalFormat.indexStride == 0) {
            appendIndex(sequence: sequence, timestamp: entry.timestamp, offset: used)
        }
        used &+= length
        staged &+= length
        nextSequence &+= 1
        if _slowPath(syncEveryRecord) {
            try writeStaged()
            journal.published(written: sequence)
            try sync(journal: journal)
        }
    }

    /// Stores a record's header fields at `p` — length, type, flags, payload length, sequence,
    /// timestamp — all but the CRC (bytes 4–7), which the caller computes over them and stores.
    @inline(__always)
    static func storeHeader(_ p: UnsafeMutableRawPointer, length: Int, entry: JournalRingEntry, sequence: UInt64) {
        p.storeBytes(of: UInt32(truncatingIfNeeded: length).littleEndian, as: UInt32.self)
        p.storeBytes(of: entry.type.rawValue.littleEndian, toByteOffset: 8, as: UInt16.self)
        p.storeBytes(of: entry.flags.littleEndian, toByteOffset: 10, as: UInt16.self)
        p.storeBytes(of: UInt32(truncatingIfNeeded: entry.payload.count).littleEndian, toByteOffset: 12, as: UInt32.self)
        p.storeBytes(of: sequence.littleEndian, toByteOffset: 16, as: UInt64.self)
        p.storeBytes(of: entry.timestamp.littleEndian, toByteOffset: 24, as: UInt64.self)
    }

    /// Writes a record longer than the staging buffer straight from the ring entry: the payload
    /// first, then the header, so a process killed in between leaves a header-less gap of zeros
    /// (the end of the data) or a record whose CRC fails with only zeros after it (a torn tail),
    /// never a record that checks with a missing payload. The padding is already zero (a new
    /// segment is zero-filled).
    @inline(never)
    mutating func appendLarge(_ entry: JournalRingEntry, length: Int, journal: Journal) throws(JournalError) {
        let count = entry.payload.count
        let sequence = nextSequence
        let h = stage.unsafelyUnwrapped  // empty: writeStaged() ran
        h.initializeMemory(as: UInt8.self, repeating: 0, count: JournalFormat.recordHeaderSize)
        Self.storeHeader(h, length: length, entry: entry, sequence: sequence)
        let crc = JournalFormat.recordCRC(header: h, payload: entry.payload.baseAddress, payloadLength: count)
        h.storeBytes(of: crc.littleEndian, toByteOffset: 4, as: UInt32.self)
        if let src = entry.payload.baseAddress, count > 0 {
            try writeFully(UnsafeRawPointer(src), count: count, at: used + JournalFormat.recordHeaderSize)
        }
        try writeFully(UnsafeRawPointer(h), count: JournalFormat.recordHeaderSize, at: used)
        if used == JournalFormat.fileHeaderSize || (sequence &- 1) % JournalFormat.indexStride == 0 {
            appendIndex(sequence: sequence, timestamp: entry.timestamp, offset: used)
        }
        used += length
        nextSequence += 1
        fileSequence = sequence
        unsyncedSequence = sequence
        if syncEveryRecord {
            journal.published(written: sequence)
            try sync(journal: journal)
        }
    }

    /// Writes the staged records to the segment file (one `pwrite`, retried until complete) and
    /// starts write-back of every whole MiB finished since the last start.
    /// - Throws: ``JournalError`` naming the segment (e.g. ENOSPC, EIO); the staged bytes are
    ///   then not counted as written.
    mutating func writeStaged() throws(JournalError) {
        guard staged > 0, let stage else { return }
        try writeFully(UnsafeRawPointer(stage), count: staged, at: used - staged)
        staged = 0
        fileSequence = nextSequence - 1
        unsyncedSequence = fileSequence
        if _slowPath(used &- writebackFrom >= Self.writebackChunk) { startWriteback() }
    }

    func writeFully(_ p: UnsafeRawPointer, count: Int, at offset: Int) throws(JournalError) {
        let (done, code) = journalWriteAll(segmentFD, p, count: count, at: offset)
        guard code != 0 else { return }
        throw JournalError(path: segmentPath ?? configuration.directory,
                           operation: "write \(count - done) bytes at offset \(offset + done) of", errno: code)
    }

    /// Opens the next segment for a record of `length` bytes that does not fit the open one.
    @inline(never)
    mutating func roll(toFit length: Int, journal: Journal) throws(JournalError) {
        try roll(journal: journal)
        guard used + length <= segmentSize else {
            throw JournalError(path: configuration.directory, operation: "append to", detail: "record of \(length) bytes does not fit a \(configuration.segmentBytes)-byte segment")
        }
    }

    /// How many written bytes accumulate before the writer asks the kernel to start writing them back.
    static var writebackChunk: Int { 1 << 20 }

    /// Starts write-back of the whole pages written since the last call, without waiting
    /// (`posix_fadvise(DONTNEED)` on Linux starts write-back of the range; the pages just written
    /// are dirty or under write-back, which it does not evict). The policy's sync then finds most
    /// of a batch already on its way to the disk instead of starting it all at the batch's end.
    /// Durability is unchanged: only the sync makes records durable. Not for `.onClose`.
    @inline(never)
    mutating func startWriteback() {
        let page = 4096
        let end = (used &- staged) & ~(page - 1)
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

    /// Ends a batch: writes the staged records to the file (all policies: they are then visible
    /// to readers and survive the process dying), then syncs if the policy says so.
    mutating func batchDone(now: UInt64, journal: Journal) throws(JournalError) {
        try writeStaged()
        if let syncer {
            // The index entries the previous syncs made durable, then hand this batch over.
            try flushIndex(upTo: journal.durableSequence)
            if unsyncedSequence != 0, segmentFD >= 0 {
                syncer.request(fd: segmentFD, sequence: unsyncedSequence, path: segmentPath ?? configuration.directory)
                unsyncedSequence = 0
            }
            return
        }
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
        if segmentFD >= 0, currentSessionDay() != sessionDay, unsyncedSequence == 0 {
            do throws(JournalError) { try closeSegment(journal: journal) } catch { journal.fail(error) }
        }
    }

    /// Makes every record written so far durable: writes what is staged, `fdatasync`s the
    /// segment (one system call; the segment's blocks were reserved when it was created), then
    /// appends the pending index entries with `write` — *after* the segment's sync, so an index
    /// entry never points at a record that is not on the disk. The index is synced only when the
    /// segment is closed: it is a hint, and opening a journal rebuilds the newest segment's index
    /// from its records (``Journal/open(_:)``), so an index entry lost with the power costs
    /// nothing. Publishes ``Journal/durableSequence`` after the segment's sync.
    mutating func sync(journal: Journal, syncIndex: Bool = false) throws(JournalError) {
        try writeStaged()
        let started = monotonicNanoseconds()
        if segmentFD >= 0, used > syncedTo {
            guard fdatasync(segmentFD) == 0 else {
                throw JournalError(path: segmentPath ?? configuration.directory, operation: "fdatasync", errno: Glibc.errno)
            }
            syncedTo = used
        }
        try flushIndex(sync: syncIndex)
        lastSyncAt = monotonicNanoseconds()
        if unsyncedSequence != 0 {
            journal.published(durable: unsyncedSequence, syncNanoseconds: lastSyncAt &- started)
            unsyncedSequence = 0
        }
    }

    mutating func flushIndex(sync: Bool) throws(JournalError) {
        guard indexFD >= 0 else { return }
        let path = segmentPath.map { JournalReader.indexPath(forSegment: $0) } ?? configuration.directory
        if !indexPending.isEmpty {
            let code = indexPending.withUnsafeBytes { journalWriteAll(indexFD, $0.baseAddress!, count: $0.count).errno }
            guard code == 0 else { throw JournalError(path: path, operation: "write index", errno: code) }
            indexPending.removeAll(keepingCapacity: true)
        }
        if sync && fdatasync(indexFD) != 0 { throw JournalError(path: path, operation: "fdatasync index", errno: Glibc.errno) }
    }

    /// Writes the pending index entries whose sequence is at most `bound` (durable records only).
    mutating func flushIndex(upTo bound: UInt64) throws(JournalError) {
        guard indexFD >= 0, !indexPending.isEmpty else { return }
        let k = indexPending.withUnsafeBytes { raw -> Int in
            var k = 0
            while k + 24 <= raw.count && UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)) <= bound { k += 24 }
            return k
        }
        guard k > 0 else { return }
        let ok = indexPending.withUnsafeBytes { raw -> Bool in
            var off = 0
            while off < k {
                let n = write(indexFD, raw.baseAddress! + off, k - off)
                if n < 0 { if Glibc.errno == EINTR { continue }; return false }
                off += n
            }
            return true
        }
        let path = segmentPath.map { JournalReader.indexPath(forSegment: $0) } ?? configuration.directory
        guard ok else { throw JournalError(path: path, operation: "write index", errno: Glibc.errno) }
        indexPending.removeFirst(k)
    }

    /// Closes the open segment (if any) and opens the next one: creates the file, reserves its
    /// `segmentBytes` (`posix_fallocate`, so a full disk shows here and not mid-batch), writes and
    /// syncs its header, creates its index and syncs the directory.
    mutating func roll(journal: Journal) throws(JournalError) {
        try closeSegment(journal: journal)
        let day = currentSessionDay()
        let name = JournalFormat.segmentName(sessionDay: day, segment: nextSegment)
        let path = configuration.directory + "/" + name
        let size = configuration.segmentBytes
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw JournalError(path: path, operation: "create", errno: Glibc.errno) }
        let rc = posix_fallocate(fd, 0, off_t(size))
        if rc != 0 {
            Glibc.close(fd)
            unlink(path)
            throw JournalError(path: path, operation: "reserve \(size) bytes for", errno: rc)
        }
        segmentFD = fd
        segmentPath = path
        let header = JournalSegmentHeader(
            segment: nextSegment, firstSequence: nextSequence, createdUTCNanoseconds: utcNanoseconds(), sessionDay: day)
        let h = UnsafeMutableRawPointer.allocate(byteCount: JournalFormat.fileHeaderSize, alignment: 4096)
        defer { h.deallocate() }
        header.write(to: h)
        do throws(JournalError) {
            try writeFully(UnsafeRawPointer(h), count: JournalFormat.fileHeaderSize, at: 0)
            guard fdatasync(fd) == 0 else { throw JournalError(path: path, operation: "fdatasync", errno: Glibc.errno) }
        } catch {
            Glibc.close(fd)
            segmentFD = -1
            segmentPath = nil
            throw error
        }
        let indexPath = JournalReader.indexPath(forSegment: path)
        let ifd = Glibc.open(indexPath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
        guard ifd >= 0 else {
            Glibc.close(fd)
            segmentFD = -1
            segmentPath = nil
            throw JournalError(path: indexPath, operation: "create index", errno: Glibc.errno)
        }
        syncDirectory(configuration.directory)
        segmentHeader = header
        segmentSize = size
        indexFD = ifd
        used = JournalFormat.fileHeaderSize
        syncedTo = used
        staged = 0
        writebackFrom = 0
        sessionDay = day
        nextSegment += 1
        journal.rolled(to: path)
    }

    /// Syncs the open segment and its index, trims the segment to its data and closes both.
    mutating func closeSegment(journal: Journal) throws(JournalError) {
        guard segmentFD >= 0 else { return }
        syncer?.waitIdle()
        try sync(journal: journal, syncIndex: true)
        let fd = segmentFD
        let path = segmentPath ?? configuration.directory
        segmentFD = -1
        segmentPath = nil
        segmentHeader = nil
        segmentSize = 0
        if indexFD >= 0 { Glibc.close(indexFD) }
        indexFD = -1
        defer { Glibc.close(fd) }
        guard ftruncate(fd, off_t(used)) == 0 else { throw JournalError(path: path, operation: "trim", errno: Glibc.errno) }
        guard fdatasync(fd) == 0 else { throw JournalError(path: path, operation: "fdatasync", errno: Glibc.errno) }
    }
}

/// Writes all `count` bytes at `p` to `fd` — at `offset` with `pwrite`, or at the file position
/// with `write` when `offset` is nil — retrying on EINTR and short writes. Returns the bytes
/// written and 0, or how far it got and the errno that stopped it (EIO for a call that wrote
/// nothing).
func journalWriteAll(_ fd: Int32, _ p: UnsafeRawPointer, count: Int, at offset: Int? = nil) -> (done: Int, errno: Int32) {
    var done = 0
    while done < count {
        let n = offset.map { pwrite(fd, p + done, count - done, off_t($0 + done)) } ?? write(fd, p + done, count - done)
        if n < 0 {
            if Glibc.errno == EINTR { continue }
            return (done, Glibc.errno)
        }
        if n == 0 { return (done, EIO) }
        done += n
    }
    return (done, 0)
}
