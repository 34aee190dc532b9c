import Glibc

/// Reads a journal directory: every segment in order, each record checked.
///
/// Off the lane (it maps whole files and allocates). Records' payloads point into mappings the
/// reader keeps until it is released.
public final class JournalReader {
    public struct Segment: Sendable {
        public var path: String
        public var header: JournalSegmentHeader
        public var bytes: Int
    }

    public let directory: String
    /// The readable segments, oldest first.
    public private(set) var segments: [Segment] = []
    /// Problems found in segment headers or numbering while opening.
    public private(set) var openProblems: [JournalProblem] = []
    private var maps: [UInt64: MappedFile] = [:]

    /// Opens `directory` and reads every segment's header.
    /// - Throws: ``JournalError`` if the directory cannot be listed.
    public init(directory: String) throws(JournalError) {
        self.directory = directory
        var found: [(UInt64, String, JournalSegmentHeader, Int)] = []
        for name in try Self.segmentFiles(in: directory) {
            let path = directory + "/" + name
            let file = try MappedFile.open(path: path, writable: false)
            switch JournalSegmentHeader.read(from: file.base, count: file.size) {
            case .success(let h):
                found.append((h.segment, path, h, file.size))
                maps[h.segment] = file
            case .failure(let p):
                openProblems.append(JournalProblem(file: path, offset: 0, kind: .badSegmentHeader(p)))
            }
        }
        found.sort { $0.0 < $1.0 }
        var expected: UInt64? = nil
        for (number, path, header, size) in found {
            if let e = expected, number != e {
                openProblems.append(JournalProblem(file: path, offset: 0, kind: .missingSegment(expected: e, found: number)))
            }
            expected = number + 1
            segments.append(Segment(path: path, header: header, bytes: size))
        }
    }

    /// Segment file names (`*.vjl`) in `directory`, unsorted.
    static func segmentFiles(in directory: String) throws(JournalError) -> [String] {
        guard let dir = opendir(directory) else {
            throw JournalError(path: directory, operation: "open directory", errno: Glibc.errno)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasSuffix("." + JournalFormat.segmentExtension) { names.append(name) }
        }
        return names
    }

    /// The outcome of walking the records.
    public struct Walk: Sendable {
        public var records: UInt64 = 0
        public var firstSequence: UInt64? = nil
        public var lastSequence: UInt64? = nil
        public var firstTimestamp: UInt64? = nil
        public var lastTimestamp: UInt64? = nil
        public var bytes: UInt64 = 0
        public var problems: [JournalProblem] = []
    }

    /// Calls `body` with every valid record from `sequence` on (1 = the start), in order,
    /// stopping at the first problem in a segment (which is reported in the result; walking
    /// resumes with the next segment). `body` returns `false` to stop early.
    @discardableResult
    public func forEach(from sequence: UInt64 = 0, _ body: (JournalRecord) throws -> Bool) rethrows -> Walk {
        var walk = Walk()
        walk.problems = openProblems
        var previousLast: UInt64? = nil
        for (i, segment) in segments.enumerated() {
            // Skip segments that end before `sequence` (the next one starts after it).
            if i + 1 < segments.count, segments[i + 1].header.firstSequence <= sequence { 
                previousLast = segments[i + 1].header.firstSequence - 1
                continue
            }
            guard let file = maps[segment.header.segment] else { continue }
            if let last = previousLast, segment.header.firstSequence != last + 1 {
                walk.problems.append(JournalProblem(
                    file: segment.path, offset: 0,
                    kind: .sequenceGap(expected: last + 1, found: segment.header.firstSequence)))
            }
            var scanner = SegmentScanner(base: file.base, size: file.size, firstSequence: segment.header.firstSequence)
            if sequence > segment.header.firstSequence, let start = indexedOffset(segment: segment, atOrBefore: sequence) {
                scanner.offset = start.offset
                scanner.expectedSequence = start.sequence
            }
            previousLast = segment.header.firstSequence - 1
            scan: while true {
                switch scanner.next() {
                case .end:
                    break scan
                case .problem(let kind, let offset):
                    walk.problems.append(JournalProblem(file: segment.path, offset: offset, kind: kind))
                    break scan
                case .record(let seq, let type, let flags, let ts, let payload, let offset):
                    previousLast = seq
                    guard seq >= sequence else { continue }
                    walk.records += 1
                    walk.bytes += UInt64(JournalFormat.recordLength(payloadLength: payload.count))
                    if walk.firstSequence == nil { walk.firstSequence = seq; walk.firstTimestamp = ts }
                    walk.lastSequence = seq
                    walk.lastTimestamp = ts
                    let record = JournalRecord(
                        sequence: seq, type: JournalRecordType(rawValue: type), flags: flags, timestamp: ts,
                        payload: payload, segment: segment.header.segment, offset: offset)
                    if try !body(record) { return walk }
                }
            }
        }
        return walk
    }

    /// Checks every record and index entry; the problems say where anything is wrong.
    public func verify() -> Walk {
        var walk = forEach { _ in true }
        for segment in segments { walk.problems += checkIndex(segment) }
        return walk
    }

    /// The first record whose timestamp is at or after `timestamp` (timestamps are taken to be
    /// non-decreasing, as a lane's clock is), using the index to skip ahead.
    public func first(atOrAfter timestamp: UInt64) -> JournalRecord? {
        var start: UInt64 = 0
        for segment in segments {
            for entry in readIndex(segment) where entry.timestamp <= timestamp { start = max(start, entry.sequence) }
        }
        var found: JournalRecord? = nil
        forEach(from: start) { record in
            if record.timestamp >= timestamp { found = record; return false }
            return true
        }
        return found
    }

    /// The record with `sequence`, found through the index.
    public func record(sequence: UInt64) -> JournalRecord? {
        var found: JournalRecord? = nil
        forEach(from: sequence) { record in
            if record.sequence == sequence { found = record }
            return false
        }
        return found
    }

    // MARK: Index

    struct IndexEntry { var sequence: UInt64; var timestamp: UInt64; var offset: Int }

    static func indexPath(forSegment path: String) -> String {
        String(path.dropLast(JournalFormat.segmentExtension.count)) + JournalFormat.indexExtension
    }

    func readIndex(_ segment: Segment) -> [IndexEntry] {
        guard let file = try? MappedFile.open(path: Self.indexPath(forSegment: segment.path), writable: false) else { return [] }
        var entries: [IndexEntry] = []
        var o = 0
        while o + 24 <= file.size {
            let p = file.base + o
            entries.append(IndexEntry(
                sequence: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)),
                timestamp: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                offset: Int(UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self)))))
            o += 24
        }
        return entries
    }

    /// The last index entry at or before `sequence` that points at a real record with that
    /// sequence (the index is a hint; a bad entry is ignored, and ``verify()`` reports it).
    private func indexedOffset(segment: Segment, atOrBefore sequence: UInt64) -> (sequence: UInt64, offset: Int)? {
        guard let file = maps[segment.header.segment] else { return nil }
        var best: (UInt64, Int)? = nil
        for e in readIndex(segment) where e.sequence <= sequence && pointsAtRecord(file, e) {
            if best == nil || e.sequence > best!.0 { best = (e.sequence, e.offset) }
        }
        return best
    }

    private func pointsAtRecord(_ file: MappedFile, _ e: IndexEntry) -> Bool {
        guard e.offset >= JournalFormat.fileHeaderSize, e.offset + JournalFormat.recordHeaderSize <= file.size else { return false }
        var scanner = SegmentScanner(base: file.base, size: file.size, firstSequence: e.sequence)
        scanner.offset = e.offset
        if case .record(let seq, _, _, _, _, _) = scanner.next() { return seq == e.sequence }
        return false
    }

    /// Rewrites the index of the segment at `segmentPath` from its records (an entry at the first
    /// record and at every sequence ≡ 1 mod ``JournalFormat/indexStride``, as the writer makes
    /// them) if the index on the disk differs, and syncs it. Scanning stops at the first bad
    /// record, so call it after trimming a torn tail.
    /// - Returns: whether the index was rewritten.
    /// - Throws: ``JournalError`` if the segment cannot be read or the index written.
    static func rebuildIndex(segmentPath: String) throws(JournalError) -> Bool {
        let file = try MappedFile.open(path: segmentPath, writable: false)
        guard case .success(let header) = JournalSegmentHeader.read(from: file.base, count: file.size) else { return false }
        var bytes: [UInt8] = []
        var scanner = SegmentScanner(base: file.base, size: file.size, firstSequence: header.firstSequence)
        var first = true
        scan: while true {
            switch scanner.next() {
            case .end, .problem: break scan
            case .record(let seq, _, _, let ts, _, let offset):
                if first || (seq &- 1) % JournalFormat.indexStride == 0 {
                    withUnsafeBytes(of: seq.littleEndian) { bytes.append(contentsOf: $0) }
                    withUnsafeBytes(of: ts.littleEndian) { bytes.append(contentsOf: $0) }
                    withUnsafeBytes(of: UInt64(offset).littleEndian) { bytes.append(contentsOf: $0) }
                }
                first = false
            }
        }
        let path = indexPath(forSegment: segmentPath)
        let existing = try? MappedFile.open(path: path, writable: false)
        if let existing, existing.size == bytes.count,
           bytes.withUnsafeBytes({ memcmp($0.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!, existing.base, bytes.count) == 0 }) {
            return false
        }
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw JournalError(path: path, operation: "rebuild index", errno: Glibc.errno) }
        defer { Glibc.close(fd) }
        let code = bytes.withUnsafeBytes { raw -> Int32 in
            guard let base = raw.baseAddress else { return 0 }
            return journalWriteAll(fd, base, count: raw.count).errno
        }
        guard code == 0 else { throw JournalError(path: path, operation: "rebuild index", errno: code) }
        guard fdatasync(fd) == 0 else { throw JournalError(path: path, operation: "rebuild index", errno: Glibc.errno) }
        return true
    }

    private func checkIndex(_ segment: Segment) -> [JournalProblem] {
        guard let file = maps[segment.header.segment] else { return [] }
        return readIndex(segment).filter { !pointsAtRecord(file, $0) }.map {
            JournalProblem(file: Self.indexPath(forSegment: segment.path), offset: $0.offset, kind: .badIndexEntry(sequence: $0.sequence))
        }
    }
}
