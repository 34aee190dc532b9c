import Glibc
import Logging
import Synchronization

/// An append-only journal: the lane appends to ``ring``; a writer thread copies records into
/// segment files (formatted in a small staging buffer, written with `pwrite`), checksums and numbers them, rolls files by size and session day,
/// keeps a seek index and makes records durable per the configured policy.
///
/// ```swift
/// let journal = try Journal.open(JournalConfiguration(directory: "/var/lib/vega/journal"))
/// try journal.start()
/// _ = journal.ring.tryAppend(type: .annotation, timestamp: now, bytes: note)   // on the lane
/// try journal.close()                                                          // drains, syncs
/// ```
///
/// Opening an existing directory continues it: the newest segment's torn tail (a crash while
/// writing) is trimmed and reported in ``recovery``, numbering continues after the last complete
/// record, and writing starts in a new segment. The newest segment's index (a hint the writer
/// syncs only when it closes a segment) is rebuilt from its records, so index entries lost or
/// damaged by a power cut are repaired (``JournalRecovery/indexRebuilt``). A directory with
/// corruption anywhere else is refused, since appending to it would hide the damage.
public final class Journal: @unchecked Sendable {
    // @unchecked Sendable: `ring` is an SPSC ring (lane produces, writer consumes); `state` is
    // touched only by the writer thread once started (and by the opener before); the rest are
    // atomics or a Mutex.

    /// The lane's side: append here (one producer thread).
    public let ring: JournalRing
    public let configuration: JournalConfiguration
    /// What opening found and repaired, if anything.
    public let recovery: JournalRecovery

    private let writtenSequenceAtomic = Atomic<UInt64>(0)
    private let durableSequenceAtomic = Atomic<UInt64>(0)
    private let stopRequested = Atomic<Bool>(false)
    private let failed = Atomic<Bool>(false)
    private let failureText = Mutex<String?>(nil)
    private let statistics = Mutex(JournalStatistics())
    private var state: WriterState
    private var thread: pthread_t? = nil
    private let logger = Logger(label: "vega.journal")

    /// The last sequence number written into a segment (visible to readers of the files).
    public var writtenSequence: UInt64 { writtenSequenceAtomic.load(ordering: .acquiring) }
    /// The last sequence number the durability policy has synced to the disk.
    public var durableSequence: UInt64 { durableSequenceAtomic.load(ordering: .acquiring) }
    /// `false` once the writer has hit an error (disk full, I/O error); see ``failure``.
    public var isHealthy: Bool { !failed.load(ordering: .relaxed) }
    public var failure: String? { failureText.withLock { $0 } }
    public var stats: JournalStatistics { statistics.withLock { $0 } }

    deinit { state.releaseBuffers() }

    private init(configuration: JournalConfiguration, state: WriterState, recovery: JournalRecovery) {
        self.configuration = configuration
        self.ring = JournalRing(capacity: configuration.ringBytes)
        self.state = state
        self.recovery = recovery
        writtenSequenceAtomic.store(state.nextSequence - 1, ordering: .relaxed)
        durableSequenceAtomic.store(state.nextSequence - 1, ordering: .relaxed)
    }

    /// Opens (creating or continuing) the journal in `configuration.directory`.
    /// - Throws: ``JournalError`` for an invalid configuration, an unusable directory or a
    ///   corrupt journal (naming the file and offset).
    public static func open(_ configuration: JournalConfiguration) throws(JournalError) -> Journal {
        let problems = configuration.validate()
        guard problems.isEmpty else {
            throw JournalError(path: configuration.directory, operation: "configure journal in", detail: problems.joined(separator: "; "))
        }
        try makeDirectories(configuration.directory)
        var recovery = JournalRecovery()
        var nextSegment: UInt64 = 1
        var nextSequence: UInt64 = 1
        let reader = try JournalReader(directory: configuration.directory)
        if let last = reader.segments.last {
            let walk = reader.verify()
            let lastIndex = JournalReader.indexPath(forSegment: last.path)
            for problem in walk.problems {
                if case .tornTail = problem.kind, problem.file == last.path {
                    recovery.tornTail = problem
                    continue
                }
                // The newest segment's index is rebuilt below: its bad entries are repaired, not fatal.
                if case .badIndexEntry = problem.kind, problem.file == lastIndex { continue }
                throw JournalError(path: problem.file, operation: "continue journal", detail: "\(problem); run `vega journal verify \(configuration.directory)` and move the damaged journal aside")
            }
            nextSegment = last.header.segment + 1
            nextSequence = (walk.lastSequence ?? (last.header.firstSequence - 1)) + 1
            recovery.continuedAfterSequence = nextSequence - 1
            if let torn = recovery.tornTail {
                // Trim the torn bytes so the segment verifies clean; the recovery keeps the record of it.
                let fd = Glibc.open(torn.file, O_RDWR | O_CLOEXEC)
                if fd >= 0 {
                    _ = ftruncate(fd, off_t(torn.offset))
                    _ = fdatasync(fd)
                    Glibc.close(fd)
                }
            }
            recovery.indexRebuilt = try JournalReader.rebuildIndex(segmentPath: last.path)
        }
        let state = WriterState(configuration: configuration, nextSegment: nextSegment, nextSequence: nextSequence)
        let journal = Journal(configuration: configuration, state: state, recovery: recovery)
        if let torn = recovery.tornTail {
            journal.logger.warning("journal: trimmed a torn tail: \(torn); continuing after sequence \(recovery.continuedAfterSequence ?? 0)")
        }
        if recovery.indexRebuilt {
            journal.logger.notice("journal: rebuilt the index of the newest segment from its records (entries were missing or stale)")
        }
        return journal
    }

    static func makeDirectories(_ path: String) throws(JournalError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            if mkdir(prefix, 0o755) != 0 && Glibc.errno != EEXIST {
                throw JournalError(path: prefix, operation: "create directory", errno: Glibc.errno)
            }
            prefix += "/"
        }
    }

    /// Syncs for the writer under `every-batch` (``JournalSyncer``); set by ``start()``.
    private(set) var syncer: JournalSyncer? = nil

    /// Starts the writer thread (and, under `every-batch`, the thread that runs its syncs).
    public func start() throws(JournalError) {
        precondition(thread == nil, "Journal.start() called twice")
        if configuration.durability == .everyBatch {
            let s = JournalSyncer()
            syncer = s
            try s.start(journal: self)
            state.syncer = s
        }
        let box = Unmanaged.passRetained(self)
        var t = pthread_t()
        let rc = pthread_create(&t, nil, { raw in
            let journal = Unmanaged<Journal>.fromOpaque(raw!).takeRetainedValue()
            journal.run()
            return nil
        }, box.toOpaque())
        guard rc == 0 else {
            box.release()
            state.syncer = nil
            syncer?.stop()
            throw JournalError(path: configuration.directory, operation: "start writer thread for", errno: rc)
        }
        thread = t
    }

    /// Drains what the lane appended, syncs, trims the open segment and stops the writer.
    /// The lane must have stopped appending.
    public func close() throws(JournalError) {
        if let t = thread {
            stopRequested.store(true, ordering: .releasing)
            pthread_join(t, nil)
            thread = nil
            syncer?.stop()
        } else {
            drainOnce()  // never started: write what is there from this thread
            finish()
        }
        if let failure { throw JournalError(path: configuration.directory, operation: "write journal", detail: failure) }
    }

    /// Writes everything in the ring now, from the calling thread (tests and single-threaded
    /// tools that never call ``start()``). Returns how many records were written.
    @discardableResult
    public func flush() -> Int {
        precondition(thread == nil, "flush() is for journals without a writer thread")
        return drainOnce()
    }

    // MARK: Writer thread

    private func run() {
        while !stopRequested.load(ordering: .acquiring) {
            if drainOnce(onWriterThread: true) == 0 {
                state.idleTick(now: monotonicNanoseconds(), journal: self)
                published(written: state.fileSequence)
                var ts = timespec(tv_sec: 0, tv_nsec: configuration.idleSleepNanoseconds)
                nanosleep(&ts, nil)
            }
        }
        while drainOnce(onWriterThread: true) > 0 {}
        finish()
        let cpu = threadCPUNanoseconds()
        statistics.withLock { $0.writerCPUNanoseconds = cpu }
    }

    @discardableResult
    private func drainOnce(onWriterThread: Bool = false) -> Int {
        guard isHealthy else {
            // After a failure keep emptying the ring so the lane sees overflows only if it
            // checks health; nothing more is written.
            return ring.drain(limit: configuration.maximumBatch) { _ in }
        }
        var error: JournalError? = nil
        // Work on a local copy of the writer's state for the whole batch: a class's stored
        // property would pay a dynamic exclusivity check on every record.
        var local = WriterState.placeholder
        swap(&local, &state)
        defer { swap(&local, &state) }
        let n = ring.drain(limit: configuration.maximumBatch) { entry in
            guard error == nil else { return }
            do throws(JournalError) {
                try local.append(entry, journal: self)
            } catch let e { error = e }
        }
        if n > 0 {
            do throws(JournalError) {
                try local.writeStaged()
                published(written: local.fileSequence)
                try local.batchDone(now: monotonicNanoseconds(), journal: self)
            } catch let e { error = error ?? e }
            let cpu = onWriterThread ? threadCPUNanoseconds() : 0
            statistics.withLock {
                $0.batches += 1
                $0.records += UInt64(n)
                if onWriterThread { $0.writerCPUNanoseconds = cpu }
            }
        }
        if let error { fail(error) }
        return n
    }

    private func finish() {
        do throws(JournalError) { try state.closeSegment(journal: self) } catch { fail(error) }
        published(written: state.fileSequence)
    }

    func fail(_ error: JournalError) {
        failureText.withLock { if $0 == nil { $0 = error.description } }
        failed.store(true, ordering: .relaxed)
        logger.error("\(error)")
    }

    func published(written: UInt64) { writtenSequenceAtomic.store(written, ordering: .releasing) }
    func published(durable: UInt64, syncNanoseconds: UInt64) {
        durableSequenceAtomic.store(durable, ordering: .releasing)
        statistics.withLock {
            $0.syncs += 1
            $0.syncNanosecondsTotal += syncNanoseconds
            $0.syncNanosecondsMax = max($0.syncNanosecondsMax, syncNanoseconds)
        }
    }
    func rolled(to path: String) {
        statistics.withLock { $0.segmentsOpened += 1 }
        logger.debug("journal: writing \(path)")
    }
}

/// What opening a journal found and repaired.
public struct JournalRecovery: Sendable, Equatable {
    /// The torn tail trimmed from the newest segment, if there was one.
    public var tornTail: JournalProblem? = nil
    /// The last complete record found in an existing journal (numbering continues after it).
    public var continuedAfterSequence: UInt64? = nil
    /// `true` when the newest segment's index on the disk lacked entries or had stale ones
    /// (a power cut after a batch's sync: the index is synced only when a segment closes) and
    /// was rewritten from the segment's records.
    public var indexRebuilt: Bool = false
}

/// The writer's counters.
public struct JournalStatistics: Sendable, Equatable {
    public var records: UInt64 = 0
    public var batches: UInt64 = 0
    public var syncs: UInt64 = 0
    public var syncNanosecondsTotal: UInt64 = 0
    public var syncNanosecondsMax: UInt64 = 0
    public var segmentsOpened: UInt64 = 0
    /// CPU time the writer thread has used since it started (user + system, from
    /// `CLOCK_THREAD_CPUTIME_ID`, read once per batch and at the end); 0 for a journal written
    /// by ``Journal/flush()`` without a writer thread.
    public var writerCPUNanoseconds: UInt64 = 0
}

/// The calling thread's CPU time (user + system), ns.
func threadCPUNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}
