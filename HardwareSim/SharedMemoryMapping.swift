import Glibc
import VegaHardware

/// A shared mapping of a file (normally under /dev/shm) that two processes see at once.
/// Unmapped and closed on deinit. Setup only: nothing here runs per frame.
struct SharedMemoryMapping: ~Copyable {
    let base: UnsafeMutableRawPointer
    let length: Int
    let fd: Int32

    /// Creates (or truncates) `path` to `bytes` and maps it read-write. Fresh pages read as zero.
    init(creating path: String, bytes: Int) throws(HardwareSetupError) {
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o660)
        guard fd >= 0 else { throw .system("create \(path)", negativeErrno: -errno) }
        guard ftruncate(fd, off_t(bytes)) == 0 else {
            let e = errno
            close(fd)
            throw .system("size \(path) to \(bytes) bytes", negativeErrno: -e)
        }
        try self.init(fd: fd, length: bytes, path: path)
    }

    /// Maps an existing `path` read-write, its whole length.
    init(existing path: String) throws(HardwareSetupError) {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw .system("open \(path)", negativeErrno: -errno) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            throw .system("stat \(path)", negativeErrno: -e)
        }
        guard st.st_size > 0 else {
            close(fd)
            throw HardwareSetupError(.invalid, "open \(path)", "the file is empty; expected a frame ring written by SharedMemoryFrameWriter")
        }
        try self.init(fd: fd, length: Int(st.st_size), path: path)
    }

    private init(fd: Int32, length: Int, path: String) throws(HardwareSetupError) {
        let p = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
        guard let p, p != MAP_FAILED else {
            let e = errno
            close(fd)
            throw .system("mmap \(path)", negativeErrno: -e)
        }
        base = p
        self.length = length
        self.fd = fd
    }

    deinit {
        munmap(base, length)
        close(fd)
    }
}
