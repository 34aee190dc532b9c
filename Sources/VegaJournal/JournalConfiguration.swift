/// When the writer makes records durable (written back to the disk and waited for).
///
/// Whatever the policy, a record the writer has written to its segment — every record of a
/// batch, when the batch ends (``Journal/writtenSequence``) — survives the *process* dying
/// (`kill -9`): the written pages belong to the kernel's page cache. The policy decides what
/// survives the *machine* dying, and when ``Journal/durableSequence`` advances: only after the
/// `fdatasync` of the segment that holds the record has returned.
public enum JournalDurability: Sendable, Equatable, CustomStringConvertible {
    /// Sync after every record: the strongest and slowest (one `pwrite` and one `fdatasync` each).
    case everyRecord
    /// Sync after every batch (the default) — group commit. A batch is every record waiting in
    /// the ring when the writer looks, at most ``JournalConfiguration/maximumBatch``; the writer
    /// writes the batch to the segment, then one `fdatasync` of the segment covers it and the
    /// batch's last sequence is published as durable. With a writer thread (``Journal/start()``)
    /// the sync runs on a sync thread while the writer formats the next batch; a batch that ends
    /// while a sync runs waits for the next sync, which then covers every batch written before it
    /// starts — so under load syncs get rarer and bigger, while an idle journal syncs a lone
    /// record as soon as the writer sees it (within `idleSleepNanoseconds`). Without a writer
    /// thread (``Journal/flush()``) each batch is synced in line before `flush()` returns.
    case everyBatch
    /// Sync at most every `nanoseconds` (and at roll and close).
    case interval(nanoseconds: UInt64)
    /// Never sync except at roll and close: survives process crashes, not power loss.
    case onClose

    public var description: String {
        switch self {
        case .everyRecord: "every-record"
        case .everyBatch: "every-batch"
        case .interval(let ns): "interval(\(ns / 1_000_000)ms)"
        case .onClose: "on-close"
        }
    }

    /// Parses `every-record`, `every-batch`, `on-close` or `interval:MS` (milliseconds).
    public init?(parsing text: String) {
        switch text {
        case "every-record": self = .everyRecord
        case "every-batch": self = .everyBatch
        case "on-close": self = .onClose
        default:
            guard text.hasPrefix("interval:"), let ms = UInt64(text.dropFirst("interval:".count)), ms > 0 else { return nil }
            self = .interval(nanoseconds: ms * 1_000_000)
        }
    }
}

/// How a journal is laid out and written. Validate with ``validate()`` before opening.
public struct JournalConfiguration: Sendable {
    /// The directory holding the segment and index files (created if missing).
    public var directory: String
    /// A segment's size on disk before it rolls over (preallocated; trimmed when closed).
    public var segmentBytes: Int = 256 << 20
    /// The lane→writer ring's size; a record's payload may be up to a quarter of it.
    public var ringBytes: Int = 64 << 20
    public var durability: JournalDurability = .everyBatch
    /// Where the session day starts relative to UTC midnight, in seconds (e.g. -4 × 3600 for a
    /// day that rolls at 20:00 UTC). A new segment starts when the session day changes.
    public var sessionDayOffsetSeconds: Int64 = 0
    /// How long the writer sleeps when the ring is empty.
    public var idleSleepNanoseconds: Int = 20_000
    /// The most records the writer takes from the ring before it syncs (per the policy).
    public var maximumBatch: Int = 65_536

    public init(directory: String) { self.directory = directory }

    /// Each problem as "key: what is wrong (what is allowed)".
    public func validate() -> [String] {
        var problems: [String] = []
        if directory.isEmpty { problems.append("directory: empty (give a path)") }
        if ringBytes < 4096 || ringBytes & (ringBytes - 1) != 0 {
            problems.append("ring_bytes: \(ringBytes) (a power of two ≥ 4096)")
        }
        let maxRecord = JournalFormat.recordLength(payloadLength: max(0, ringBytes / 4 - 16))
        if segmentBytes < JournalFormat.fileHeaderSize + maxRecord || segmentBytes % 4096 != 0 {
            problems.append("segment_bytes: \(segmentBytes) (a multiple of 4096 holding the header and the largest record, ≥ \(JournalFormat.fileHeaderSize + maxRecord) for this ring)")
        }
        if case .interval(let ns) = durability, ns == 0 { problems.append("durability: interval of 0 (use every-record)") }
        if idleSleepNanoseconds < 0 { problems.append("idle_sleep_ns: negative") }
        if maximumBatch < 1 { problems.append("maximum_batch: \(maximumBatch) (≥ 1)") }
        if abs(sessionDayOffsetSeconds) >= 86_400 { problems.append("session_day_offset: \(sessionDayOffsetSeconds) s (within ±86399)") }
        return problems
    }
}
