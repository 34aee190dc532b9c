import Glibc

/// Why a journal operation failed: the path, what was being done, and the system's reason.
public struct JournalError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var errno: Int32
    public var detail: String?

    public init(path: String, operation: String, errno: Int32 = 0, detail: String? = nil) {
        self.path = path
        self.operation = operation
        self.errno = errno
        self.detail = detail
    }

    public var description: String {
        var s = "journal: \(operation) \(path)"
        if errno != 0 { s += ": " + String(cString: strerror(errno)) + " (errno \(errno))" }
        if let detail { s += ": " + detail }
        return s
    }
}

/// A file mapped into memory, read-write (the writer's segment) or read-only (readers).
final class MappedFile {
    let path: String
    let fd: Int32
    private(set) var base: UnsafeMutableRawPointer
    private(set) var size: Int

    /// Creates `path` (which must not exist) with `size` zero bytes and maps it read-write.
    static func create(path: String, size: Int) throws(JournalError) -> MappedFile {
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw JournalError(path: path, operation: "create", errno: Glibc.errno) }
        // posix_fallocate reserves the blocks now, so a full disk is found at roll time and
        // not as SIGBUS when the writer touches a page of a sparse file.
        let rc = posix_fallocate(fd, 0, off_t(size))
        if rc != 0 {
            Glibc.close(fd)
            unlink(path)
            throw JournalError(path: path, operation: "reserve \(size) bytes for", errno: rc)
        }
        return try map(path: path, fd: fd, size: size, writable: true)
    }

    /// Maps an existing file; read-only unless `writable`.
    static func open(path: String, writable: Bool) throws(JournalError) -> MappedFile {
        let fd = Glibc.open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC)
        guard fd >= 0 else { throw JournalError(path: path, operation: "open", errno: Glibc.errno) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = Glibc.errno
            Glibc.close(fd)
            throw JournalError(path: path, operation: "stat", errno: e)
        }
        return try map(path: path, fd: fd, size: Int(st.st_size), writable: writable)
    }

    private static func map(path: String, fd: Int32, size: Int, writable: Bool) throws(JournalError) -> MappedFile {
        if size == 0 { return MappedFile(path: path, fd: fd, base: UnsafeMutableRawPointer(bitPattern: 8)!, size: 0) }
        let prot = writable ? (PROT_READ | PROT_WRITE) : PROT_READ
        guard let p = mmap(nil, size, prot, MAP_SHARED, fd, 0), p != MAP_FAILED else {
            let e = Glibc.errno
            Glibc.close(fd)
            throw JournalError(path: path, operation: "mmap", errno: e)
        }
        return MappedFile(path: path, fd: fd, base: p, size: size)
    }

    private init(path: String, fd: Int32, base: UnsafeMutableRawPointer, size: Int) {
        self.path = path
        self.fd = fd
        self.base = base
        self.size = size
    }

    /// Writes the pages holding `[from, to)` back to the disk and waits for it.
    func sync(from: Int, to: Int) throws(JournalError) {
        guard to > from else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = from & ~(page - 1)
        guard msync(base + start, to - start, MS_SYNC) == 0 else {
            throw JournalError(path: path, operation: "msync", errno: Glibc.errno)
        }
    }

    /// Unmaps, trims the file to `length` bytes and closes it.
    func close(trimmingTo length: Int?) throws(JournalError) {
        if size > 0 { munmap(base, size) }
        size = 0
        defer { Glibc.close(fd) }
        if let length {
            guard ftruncate(fd, off_t(length)) == 0 else {
                throw JournalError(path: path, operation: "trim", errno: Glibc.errno)
            }
            guard fdatasync(fd) == 0 else { throw JournalError(path: path, operation: "fdatasync", errno: Glibc.errno) }
        }
    }

    deinit {
        if size > 0 {
            munmap(base, size)
            Glibc.close(fd)
        }
    }
}

/// Syncs a directory so a file created or renamed in it survives a power loss.
func syncDirectory(_ path: String) {
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd >= 0 {
        fsync(fd)
        close(fd)
    }
}

/// Wall-clock UTC nanoseconds (the writer's clock for creation times and session days).
func utcNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}
