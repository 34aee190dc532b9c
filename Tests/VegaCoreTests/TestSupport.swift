#if canImport(Glibc)
import Glibc
#endif

/// Shares a `~Copyable` value (a ring) between threads the way one shares an `Atomic`.
final class Shared<Value: ~Copyable & Sendable>: Sendable {
    let value: Value
    init(_ value: consuming Value) { self.value = value }
}

private final class ThreadBody {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}

/// A real OS thread (not a task on the cooperative pool, which spinning would starve).
struct TestThread: ~Copyable {
    private let thread: pthread_t

    init(_ body: @escaping @Sendable () -> Void) {
        var thread = pthread_t()
        let argument = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        let rc = pthread_create(&thread, nil, { argument in
            Unmanaged<ThreadBody>.fromOpaque(argument!).takeRetainedValue().body()
            return nil
        }, argument)
        precondition(rc == 0, "pthread_create failed: \(rc)")
        self.thread = thread
    }

    consuming func join() {
        pthread_join(thread, nil)
    }
}

/// Lets the other thread run: these tests share 2 cores with every other test, so spinning
/// without yielding could stall the peer for a whole scheduler slice.
@inline(__always)
func backOff() { sched_yield() }

/// A 128-byte aligned, zeroed region standing in for a caller's mapping.
struct AlignedRegion: ~Copyable {
    let pointer: UnsafeMutableRawPointer
    init(byteCount: Int) {
        pointer = .allocate(byteCount: byteCount, alignment: 128)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
    }
    deinit { pointer.deallocate() }
}

/// A shared-memory file mapped twice at different addresses: what two processes attaching to
/// one ring see, without forking the test runner.
struct DoubleMapping: ~Copyable {
    let first: UnsafeMutableRawPointer
    let second: UnsafeMutableRawPointer
    let byteCount: Int

    init(byteCount: Int) {
        let name = "/dev/shm/vega-core-test-\(getpid())-\(UInt64.random(in: 0 ... .max))"
        let fd = open(name, O_RDWR | O_CREAT | O_EXCL, 0o600)
        precondition(fd >= 0, "open \(name): errno \(errno)")
        unlink(name)
        precondition(ftruncate(fd, off_t(byteCount)) == 0, "ftruncate: errno \(errno)")
        func map() -> UnsafeMutableRawPointer {
            let p = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
            precondition(p != MAP_FAILED, "mmap: errno \(errno)")
            return p!
        }
        first = map()
        second = map()
        close(fd)
        self.byteCount = byteCount
    }

    deinit {
        munmap(first, byteCount)
        munmap(second, byteCount)
    }
}
