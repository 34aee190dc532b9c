import Glibc

/// The every-batch policy's sync, on a thread of its own: the writer hands it "the segment's
/// data is written up to sequence S" at the end of each batch and goes on formatting and writing
/// the next batch while this thread runs `fdatasync` and then publishes S as durable.
///
/// Group commit, pipelined: a request that arrives while a sync runs replaces any request still
/// waiting (one `fdatasync` covers everything written before it starts), so under load syncs get
/// rarer and bigger and the writer never waits for the device except when it closes a segment
/// (``waitIdle()``, so a segment's descriptor is never closed under a sync). The contract of
/// ``Journal/durableSequence`` is unchanged: S is published only after an `fdatasync` that began
/// after every record up to S had been written to the file.
///
/// Off the lane: a mutex and a condition variable, one wake-up per batch.
final class JournalSyncer: @unchecked Sendable {
    // @unchecked Sendable: every mutable field is read and written under `lock`.
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private let changed: UnsafeMutablePointer<pthread_cond_t>
    private var requestFD: Int32 = -1
    private var requestSequence: UInt64 = 0  // 0 = nothing waiting
    private var requestPath = ""
    private var inFlight = false
    private var stopping = false
    private var thread: pthread_t? = nil

    init() {
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_mutex_t())
        pthread_mutex_init(lock, nil)
        changed = .allocate(capacity: 1)
        changed.initialize(to: pthread_cond_t())
        pthread_cond_init(changed, nil)
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(lock)
        changed.deallocate()
        lock.deallocate()
    }

    /// Starts the thread; it holds `journal` until ``stop()``.
    func start(journal: Journal) throws(JournalError) {
        let box = Unmanaged.passRetained(journal)
        var t = pthread_t()
        let rc = pthread_create(&t, nil, { raw in
            let journal = Unmanaged<Journal>.fromOpaque(raw!).takeRetainedValue()
            journal.syncer?.run(journal: journal)
            return nil
        }, box.toOpaque())
        guard rc == 0 else {
            box.release()
            throw JournalError(path: journal.configuration.directory, operation: "start sync thread for", errno: rc)
        }
        thread = t
    }

    /// Asks for the segment open as `fd` to be synced and `sequence` published as durable.
    /// Returns at once.
    func request(fd: Int32, sequence: UInt64, path: String) {
        pthread_mutex_lock(lock)
        requestFD = fd
        requestSequence = sequence
        requestPath = path
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(lock)
    }

    /// Waits until no sync is running or waiting (before the writer closes a segment).
    func waitIdle() {
        pthread_mutex_lock(lock)
        while requestSequence != 0 || inFlight { pthread_cond_wait(changed, lock) }
        pthread_mutex_unlock(lock)
    }

    /// Finishes what was requested, stops the thread and joins it.
    func stop() {
        pthread_mutex_lock(lock)
        stopping = true
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(lock)
        if let t = thread { pthread_join(t, nil) }
        thread = nil
    }

    private func run(journal: Journal) {
        pthread_mutex_lock(lock)
        while true {
            while requestSequence == 0 && !stopping { pthread_cond_wait(changed, lock) }
            if requestSequence == 0 { break }  // stopping, nothing left
            let fd = requestFD, sequence = requestSequence, path = requestPath
            requestSequence = 0
            inFlight = true
            pthread_mutex_unlock(lock)
            let started = monotonicNanoseconds()
            if fdatasync(fd) == 0 {
                journal.published(durable: sequence, syncNanoseconds: monotonicNanoseconds() &- started)
            } else {
                journal.fail(JournalError(path: path, operation: "fdatasync", errno: Glibc.errno))
            }
            pthread_mutex_lock(lock)
            inFlight = false
            pthread_cond_broadcast(changed)
        }
        pthread_mutex_unlock(lock)
    }
}
