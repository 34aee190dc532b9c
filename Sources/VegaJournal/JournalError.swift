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

/// A file mapped into memory (readers: segments and indexes).
final class MappedFile {
    let path: String
    let fd: Int32
    private(set) var base: UnsafeMutableRawPointer
    private(set) var size: Int

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

    deinit {
        if size > 0 { munmap(base, size) }
        Glibc.close(fd)
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
