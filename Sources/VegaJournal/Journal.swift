import Glibc
import Logging
import Synchronization

/// An append-only journal: the lane appends to ``ring``; a writer thread copies records into
/// memory-mapped segment files, checksums and numbers them, rolls files by size and session day,
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
/// record, and writing starts in a new segment. A directory with corruption anywhere else is
/// refused, since appending to it would hide the damage.
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
            for problem in walk.problems {
                guard case .tornTail = problem.kind, problem.file == last.path else {
                    throw JournalError(path: problem.file, operation: "continue journal", detail: "\(problem); run `vega journal verify \(configuration.directory)` and move the damaged journal aside")
                }
                recovery.tornTail = problem
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
        }
        let state = WriterState(configuration: configuration, nextSegment: nextSegment, nextSequence: nextSequence)
        let journal = Journal(configuration: configuration, state: state, recovery: recovery)
        if let torn = recovery.tornTail {
            journal.logger.warning("journal: trimmed a torn tail: \(torn); continuing after sequence \(recovery.continuedAfterSequence ?? 0)")
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

    /// Starts the writer thread.
    public func start() throws(JournalError) {
        precondition(thread == nil, "Journal.start() called twice")
        let box = Unmanaged.passRetained(self)
        var t = pthread_t()
        let rc = pthread_create(&t, nil, { raw in
            let journal = Unmanaged<Journal>.fromOpaque(raw!).takeRetainedValue()
            journal.run()
            return nil
        }, box.toOpaque())
        guard rc == 0 else {
            box.release()
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
            if drainOnce() == 0 {
                state.idleTick(now: monotonicNanoseconds(), journal: self)
                published(written: state.nextSequence - 1)
                var ts = timespec(tv_sec: 0, tv_nsec: configuration.idleSleepNanoseconds)
                nanosleep(&ts, nil)
            }
        }
        while drainOnce() > 0 {}
        finish()
    }

    @discardableResult
    private func drainOnce() -> Int {
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
            published(written: local.nextSequence - 1)
            do throws(JournalError) {
                try local.batchDone(now: monotonicNanoseconds(), journal: self)
            } catch let e { error = error ?? e }
            statistics.withLock { $0.batches += 1; $0.records += UInt64(n) }
        }
        if let error { fail(error) }
        return n
    }

    private func finish() {
        do throws(JournalError) { try state.closeSegment(journal: self) } catch { fail(error) }
        published(written: state.nextSequence - 1)
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
}

/// The writer's counters.
public struct JournalStatistics: Sendable, Equatable {
    public var records: UInt64 = 0
    public var batches: UInt64 = 0
    public var syncs: UInt64 = 0
    public var syncNanosecondsTotal: UInt64 = 0
    public var syncNanosecondsMax: UInt64 = 0
    public var segmentsOpened: UInt64 = 0
}
