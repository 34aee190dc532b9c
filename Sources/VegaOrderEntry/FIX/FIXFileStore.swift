#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VegaCore

/// A message store in two files under a directory, so a restarted process resumes the session:
///
/// - `<BeginString>-<SenderCompID>-<TargetCompID>.seqnums`: one fixed-width line
///   `<nextSender> <nextTarget> <creationTimeNanos>`, rewritten in place (one `pwrite` of 64
///   bytes, so a crash leaves either the old or the new line).
/// - `….body`: the sent application messages, appended as records `seq(8, LE) length(4, LE)
///   bytes`. A torn record at the end (crash mid-write) is cut off on open.
///
/// Fsync policy (``SyncPolicy``): `.everyWrite` (the default) fsyncs after each saved message and
/// each sequence-number update, so nothing acknowledged by the OS is lost even on power loss;
/// `.none` leaves flushing to the kernel (survives a process crash, not a machine crash).
/// On open the next sender number is at least one past the highest stored message, so a crash
/// between saving a message and updating the numbers never reuses a number.
public final class FIXFileStore: FIXMessageStore {
    /// When data reaches the disk.
    public enum SyncPolicy: Sendable { case everyWrite, none }

    public let directory: String
    public let baseName: String
    public let syncPolicy: SyncPolicy
    public private(set) var nextSenderSeqNum = 1
    public private(set) var nextTargetSeqNum = 1
    public private(set) var creationTime: Timestamp<UTC>
    private var seqFD: Int32 = -1
    private var bodyFD: Int32 = -1
    private var bodyEnd: Int = 0
    private var index: [Int: (offset: Int, length: Int)] = [:]

    private var seqPath: String { directory + "/" + baseName + ".seqnums" }
    private var bodyPath: String { directory + "/" + baseName + ".body" }

    /// Opens (creating when missing) the store of `session` under `directory`.
    public init(directory: String, session: FIXSessionID, syncPolicy: SyncPolicy = .everyWrite,
                now: Timestamp<UTC> = .now()) throws(FIXStoreError) {
        self.directory = directory
        self.baseName = "\(session.beginString)-\(session.senderCompID)-\(session.targetCompID)"
        self.syncPolicy = syncPolicy
        self.creationTime = now
        try makeDirectories(directory)
        seqFD = open(seqPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if seqFD < 0 { throw fail(seqPath, "open") }
        bodyFD = open(bodyPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if bodyFD < 0 { throw fail(bodyPath, "open") }
        var line = [UInt8](repeating: 0, count: 64)
        let n = line.withUnsafeMutableBytes { pread(seqFD, $0.baseAddress, 64, 0) }
        if n > 0 {
            let parts = String(decoding: line[0..<n], as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\0" })
            if parts.count >= 3, let s = Int(parts[0]), let t = Int(parts[1]), let c = UInt64(parts[2]) {
                nextSenderSeqNum = s
                nextTargetSeqNum = t
                creationTime = Timestamp(nanoseconds: c)
            } else {
                throw FIXStoreError(path: seqPath, operation: "read", message: "not a sequence-number line: \(String(decoding: line[0..<n], as: UTF8.self))")
            }
        } else {
            try writeSeqNums()
        }
        try loadBody()
    }

    deinit {
        if seqFD >= 0 { close(seqFD) }
        if bodyFD >= 0 { close(bodyFD) }
    }

    private func fail(_ path: String, _ op: String) -> FIXStoreError {
        FIXStoreError(path: path, operation: op, message: String(cString: strerror(errno)))
    }

    private func makeDirectories(_ path: String) throws(FIXStoreError) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST { throw fail(current, "mkdir") }
        }
    }

    private func loadBody() throws(FIXStoreError) {
        var st = stat()
        if fstat(bodyFD, &st) != 0 { throw fail(bodyPath, "fstat") }
        let size = Int(st.st_size)
        var data = [UInt8](repeating: 0, count: size)
        if size > 0 {
            let n = data.withUnsafeMutableBytes { pread(bodyFD, $0.baseAddress, size, 0) }
            if n != size { throw fail(bodyPath, "read") }
        }
        var p = 0
        var highest = 0
        while p + 12 <= size {
            var seq = 0
            var len = 0
            for k in 0..<8 { seq |= Int(data[p + k]) << (8 * k) }
            for k in 0..<4 { len |= Int(data[p + 8 + k]) << (8 * k) }
            if p + 12 + len > size { break }
            index[seq] = (p + 12, len)
            highest = max(highest, seq)
            p += 12 + len
        }
        if p != size {
            // Torn last record: cut it so later appends start on a record boundary.
            if ftruncate(bodyFD, off_t(p)) != 0 { throw fail(bodyPath, "ftruncate") }
        }
        bodyEnd = p
        if highest + 1 > nextSenderSeqNum {
            nextSenderSeqNum = highest + 1
            try writeSeqNums()
        }
    }

    private func writeSeqNums() throws(FIXStoreError) {
        var text = "\(nextSenderSeqNum) \(nextTargetSeqNum) \(creationTime.nanoseconds)"
        text += String(repeating: " ", count: max(0, 63 - text.utf8.count)) + "\n"
        let bytes = Array(text.utf8)
        let n = bytes.withUnsafeBytes { pwrite(seqFD, $0.baseAddress, bytes.count, 0) }
        if n != bytes.count { throw fail(seqPath, "write") }
        if syncPolicy == .everyWrite && fsync(seqFD) != 0 { throw fail(seqPath, "fsync") }
    }

    public func setNextSenderSeqNum(_ value: Int) throws(FIXStoreError) {
        nextSenderSeqNum = value
        try writeSeqNums()
    }

    public func setNextTargetSeqNum(_ value: Int) throws(FIXStoreError) {
        nextTargetSeqNum = value
        try writeSeqNums()
    }

    public func save(seqNum: Int, bytes: [UInt8]) throws(FIXStoreError) {
        var record = [UInt8](repeating: 0, count: 12)
        for k in 0..<8 { record[k] = UInt8(truncatingIfNeeded: seqNum >> (8 * k)) }
        for k in 0..<4 { record[8 + k] = UInt8(truncatingIfNeeded: bytes.count >> (8 * k)) }
        record += bytes
        let n = record.withUnsafeBytes { pwrite(bodyFD, $0.baseAddress, record.count, off_t(bodyEnd)) }
        if n != record.count { throw fail(bodyPath, "write") }
        if syncPolicy == .everyWrite && fdatasync(bodyFD) != 0 { throw fail(bodyPath, "fdatasync") }
        index[seqNum] = (bodyEnd + 12, bytes.count)
        bodyEnd += record.count
    }

    public func messages(in range: ClosedRange<Int>) throws(FIXStoreError) -> [(seqNum: Int, bytes: [UInt8])] {
        var out: [(seqNum: Int, bytes: [UInt8])] = []
        for seq in index.keys.sorted() where range.contains(seq) {
            let entry = index[seq]!
            var bytes = [UInt8](repeating: 0, count: entry.length)
            let n = bytes.withUnsafeMutableBytes { pread(bodyFD, $0.baseAddress, entry.length, off_t(entry.offset)) }
            if n != entry.length { throw fail(bodyPath, "read") }
            out.append((seq, bytes))
        }
        return out
    }

    public func reset(now: Timestamp<UTC>) throws(FIXStoreError) {
        if ftruncate(bodyFD, 0) != 0 { throw fail(bodyPath, "ftruncate") }
        index = [:]
        bodyEnd = 0
        nextSenderSeqNum = 1
        nextTargetSeqNum = 1
        creationTime = now
        try writeSeqNums()
    }
}
