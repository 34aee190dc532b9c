import Glibc
import VegaCore
import VegaHardware
import VegaHardwareSim

/// Frames whose content says which injection they were: 8 bytes of index, then a pattern
/// derived from it, so a test can tell a duplicate, a reordered frame or a torn copy apart.
enum TestFrame {
    static func make(_ index: UInt64, length: Int = 32) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        for b in 0..<8 { out[b] = UInt8(truncatingIfNeeded: index >> (8 * UInt64(b))) }
        for k in 8..<length { out[k] = UInt8(truncatingIfNeeded: index &* 31 &+ UInt64(k)) }
        return out
    }

    /// The index a frame carries, or nil when its pattern does not match its index.
    static func index(of bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard bytes.count >= 8 else { return nil }
        var index: UInt64 = 0
        for b in 0..<8 { index |= UInt64(bytes[b]) << (8 * UInt64(b)) }
        for k in 8..<bytes.count where bytes[k] != UInt8(truncatingIfNeeded: index &* 31 &+ UInt64(k)) { return nil }
        return index
    }
}

/// One delivered frame as a test compares it.
struct Delivered: Equatable {
    var index: UInt64
    var hardware: UInt64?
    var software: UInt64?
}

extension RxBatch {
    /// Appends the frames of the last receive to `out`; a frame with a broken pattern is
    /// recorded with index `UInt64.max` so a comparison fails loudly.
    func collect(into out: inout [Delivered]) {
        for i in 0..<count {
            let f = self[i]
            out.append(Delivered(index: TestFrame.index(of: f.bytes) ?? .max,
                                 hardware: f.hardwareTimestamp?.nanoseconds, software: f.softwareTimestamp?.nanoseconds))
        }
    }
}

/// A file under /dev/shm private to this test process (and the child it spawns, which finds it
/// through its parent's pid).
func shmPath(_ name: String, pid: pid_t = getpid()) -> String { "/dev/shm/vega-simtest-\(pid)-\(name)" }

/// Waits for `condition` without sleeping blindly: polls it, yielding the CPU, until it holds or
/// `seconds` (a generous bound, not a timing assertion) pass. Returns whether it held.
// Bounds are generous on purpose: an exit-test child is a fresh process of the debug test binary,
// and on a loaded 2-core machine it has taken more than a minute to start.
func waitUntil(seconds: Double = 300, _ condition: () -> Bool) -> Bool {
    let deadline = Timestamp<Monotonic>.now().nanoseconds + UInt64(seconds * 1e9)
    while !condition() {
        if Timestamp<Monotonic>.now().nanoseconds > deadline { return false }
        sched_yield()
    }
    return true
}

/// `waitUntil` for test bodies: between checks it suspends (20 µs) instead of holding a thread,
/// so the exit-test child's launch and other tests on Swift Testing's small thread pool (two
/// threads on this machine) keep running. Returns whether `condition` held within the bound.
func waitUntilAsync(seconds: Double = 300, _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = Timestamp<Monotonic>.now().nanoseconds + UInt64(seconds * 1e9)
    while try !condition() {
        if Timestamp<Monotonic>.now().nanoseconds > deadline { return false }
        try? await Task.sleep(nanoseconds: 20_000)
    }
    return true
}

/// A Fenwick tree over frame indices: how many of those seen so far are greater than `i`.
struct GreaterCounter {
    var tree: [Int]
    init(size: Int) { tree = [Int](repeating: 0, count: size + 1) }
    mutating func add(_ i: Int) {
        var k = i + 1
        while k < tree.count { tree[k] += 1; k += k & -k }
    }
    func countAtMost(_ i: Int) -> Int {
        var k = i + 1, s = 0
        while k > 0 { s += tree[k]; k -= k & -k }
        return s
    }
}

/// Runs `body` on its own OS thread and awaits its result. A reader that must keep pace with
/// another process cannot live on Swift Testing's cooperative pool, where CPU-heavy tests
/// running in parallel can hold both threads for seconds. `body` must not record issues (no
/// test context on that thread): return what the test should check.
func onDedicatedThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
        let job = Unmanaged.passRetained(ThreadJob { continuation.resume(returning: body()) })
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { arg in
            Unmanaged<ThreadJob>.fromOpaque(arg!).takeRetainedValue().run()
            return nil
        }, job.toOpaque())
        precondition(rc == 0, "pthread_create failed: \(rc)")
        pthread_detach(thread)
    }
}

/// A closure handed to a new pthread (which takes ownership of the retained reference).
final class ThreadJob: @unchecked Sendable {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}
