#if canImport(Glibc)
import Glibc
#endif
import CSPSCBaseline
import Synchronization
import VegaCore

/// Where the peer runs.
public enum PeerPlacement: String, Sendable {
    /// A pinned thread of the benchmark process; the region is ordinary aligned memory.
    case thread
    /// A `ring-peer` process; the region is a `/dev/shm` file both map `MAP_SHARED`.
    case process
}

/// A running producer/peer pair over one region. Created in a benchmark's setup, stopped in
/// its teardown. All allocation happens here, before measuring.
public final class RingFixture: @unchecked Sendable {
    // @unchecked: mutated only by the benchmark's setup/teardown; the measured closure and the
    // peer share the region through atomics.
    public let implementation: RingImplementation
    public let control: FixtureControl
    public let swiftRings: SwiftRingPair?
    public private(set) var nextSequence: UInt64 = 0
    public let oneWay: UnsafeMutablePointer<UInt64>
    public let roundTrip: UnsafeMutablePointer<UInt64>
    public let batch: Int
    /// Every round trip's one-way and round-trip ns across all samples, for exact p99.9
    /// (the runner's text table stops at p99 and p100). Allocated here, filled in place.
    private let allOneWay: UnsafeMutablePointer<UInt64>
    private let allRoundTrip: UnsafeMutablePointer<UInt64>
    private let allCapacity: Int
    private var allCount = 0

    private let placement: PeerPlacement
    private let byteCount: Int
    private let shmPath: String?
    private var peerThread: pthread_t?
    private var peerProcess: pid_t?

    /// CPU for the producer (benchmark) thread and for the peer, when the host has two.
    public static let producerCPU: Int32 = 0
    public static let peerCPU: Int32 = 1

    public init(
        implementation: RingImplementation, mode: PeerMode, placement: PeerPlacement, capacity: Int, batch: Int,
        keepSamples: Int = 0
    ) throws {
        allCapacity = keepSamples
        allOneWay = .allocate(capacity: max(keepSamples, 1))
        allOneWay.initialize(repeating: 0, count: max(keepSamples, 1))
        allRoundTrip = .allocate(capacity: max(keepSamples, 1))
        allRoundTrip.initialize(repeating: 0, count: max(keepSamples, 1))
        self.implementation = implementation
        self.placement = placement
        self.batch = batch
        let bytes = FixtureLayout.byteCount(capacity: capacity)
        self.byteCount = bytes
        let region: UnsafeMutableRawPointer
        switch placement {
        case .thread:
            region = .allocate(byteCount: bytes, alignment: 4096)
            self.shmPath = nil
        case .process:
            let path = "/dev/shm/vega-ring-bench-\(getpid())-\(implementation.rawValue)-\(mode.rawValue)"
            let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
            guard fd >= 0 else { throw FixtureError("open \(path)", errno) }
            defer { close(fd) }
            guard ftruncate(fd, off_t(bytes)) == 0 else { throw FixtureError("ftruncate \(path)", errno) }
            guard let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), p != MAP_FAILED else {
                throw FixtureError("mmap \(path)", errno)
            }
            region = p
            self.shmPath = path
        }
        region.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)  // pre-fault
        let control = FixtureControl(region: region, capacity: capacity)
        control.initializeControl()
        self.control = control
        switch implementation {
        case .swift:
            self.swiftRings = try SwiftRingPair(control: control, initialize: true)
        case .c:
            vega_spsc_initialize(control.ringA, UInt64(capacity))
            vega_spsc_initialize(control.ringB, UInt64(capacity))
            self.swiftRings = nil
        }
        oneWay = .allocate(capacity: batch)
        oneWay.initialize(repeating: 0, count: batch)
        roundTrip = .allocate(capacity: batch)
        roundTrip.initialize(repeating: 0, count: batch)

        switch placement {
        case .thread:
            let pinPeer = vega_bench_cpu_count() > 1
            let rings = swiftRings
            peerThread = try startThread {
                if pinPeer { _ = vega_bench_pin_thread(RingFixture.peerCPU) }
                runPeer(implementation: implementation, mode: mode, control: control, swiftRings: rings)
            }
        case .process:
            peerProcess = try spawnPeer(
                arguments: [implementation.rawValue, mode.rawValue, shmPath!, String(capacity), String(RingFixture.peerCPU)])
        }
        try waitUntilReady()
        // Both sides have it mapped now: drop the name so a crash leaves nothing in /dev/shm.
        if let shmPath { unlink(shmPath) }
    }

    /// Pins the calling (benchmark) thread next to the peer, when there are two CPUs. Called
    /// by each measured closure before measuring: the runner may move closures between threads.
    public func pinProducer() {
        if vega_bench_cpu_count() > 1 { _ = vega_bench_pin_thread(RingFixture.producerCPU) }
    }

    /// Appends the last batch's `oneWay`/`roundTrip` values to the run's record (no
    /// allocation; values beyond the reserved space are dropped).
    public func keepBatch(_ n: Int) {
        let take = min(n, allCapacity - allCount)
        if take <= 0 { return }
        (allOneWay + allCount).update(from: oneWay, count: take)
        (allRoundTrip + allCount).update(from: roundTrip, count: take)
        allCount += take
    }

    /// p50 / p99 / p99.9 / max of the kept one-way and round-trip/2 values, as a line.
    public func percentileSummary(name: String) -> String {
        guard allCount > 0 else { return "\(name): no samples" }
        var oneWay = UnsafeMutableBufferPointer(start: allOneWay, count: allCount)
        var roundTrip = UnsafeMutableBufferPointer(start: allRoundTrip, count: allCount)
        oneWay.sort()
        roundTrip.sort()
        func p(_ values: UnsafeMutableBufferPointer<UInt64>, _ q: Double, half: Bool = false) -> UInt64 {
            let v = values[min(values.count - 1, Int(Double(values.count) * q))]
            return half ? v / 2 : v
        }
        return "\(name) (\(allCount) round trips): one-way ns p50 \(p(oneWay, 0.5)) p99 \(p(oneWay, 0.99)) "
            + "p99.9 \(p(oneWay, 0.999)) max \(oneWay[allCount - 1]); round trip/2 ns p50 \(p(roundTrip, 0.5, half: true)) "
            + "p99 \(p(roundTrip, 0.99, half: true)) p99.9 \(p(roundTrip, 0.999, half: true)) max \(roundTrip[allCount - 1] / 2)"
    }

    /// Claims `count` sequence numbers for the next batch.
    public func claimSequences(_ count: Int) -> UInt64 {
        defer { nextSequence &+= UInt64(count) }
        return nextSequence
    }

    /// Spins until the sink has consumed `total` messages (the end of a throughput sample).
    public func waitForConsumed(_ total: UInt64) {
        while control.consumed.pointee.load(ordering: .acquiring) < total {}
    }

    private func waitUntilReady() throws {
        let deadline = Timestamp<Monotonic>.now() + .seconds(10)
        while control.ready.pointee.load(ordering: .acquiring) == 0 {
            if Timestamp<Monotonic>.now() > deadline { throw FixtureError("peer not ready after 10 s", 0) }
            if let pid = peerProcess {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid {
                    peerProcess = nil
                    throw FixtureError("ring-peer exited with status \(status) before attaching", 0)
                }
            }
            sched_yield()
        }
    }

    /// Stops the peer and releases the region.
    public func stop() {
        control.stop.pointee.store(1, ordering: .releasing)
        if let t = peerThread {
            pthread_join(t, nil)
            peerThread = nil
        }
        if let pid = peerProcess {
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            peerProcess = nil
        }
    }

    deinit {
        stop()
        switch placement {
        case .thread: control.region.deallocate()
        case .process:
            munmap(control.region, byteCount)
            if let shmPath { unlink(shmPath) }  // already gone unless setup failed
        }
        oneWay.deallocate()
        roundTrip.deallocate()
        allOneWay.deallocate()
        allRoundTrip.deallocate()
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    init(_ what: String, _ code: Int32) {
        description = code == 0 ? what : "\(what): \(String(cString: strerror(code)))"
    }
}

private final class ThreadBody {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}

private func startThread(_ body: @escaping @Sendable () -> Void) throws -> pthread_t {
    var thread = pthread_t()
    let argument = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    let rc = pthread_create(&thread, nil, { argument in
        Unmanaged<ThreadBody>.fromOpaque(argument!).takeRetainedValue().body()
        return nil
    }, argument)
    guard rc == 0 else { throw FixtureError("pthread_create", rc) }
    return thread
}

/// Starts `ring-peer` from the directory of the running executable (SwiftPM builds it there,
/// as a dependency of the benchmark target).
private func spawnPeer(arguments: [String]) throws -> pid_t {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard n > 0 else { throw FixtureError("readlink /proc/self/exe", errno) }
    let exe = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let directory = exe[..<(exe.lastIndex(of: "/") ?? exe.endIndex)]
    let peerPath = "\(directory)/ring-peer"
    guard access(peerPath, X_OK) == 0 else {
        throw FixtureError("ring-peer not found at \(peerPath); build the Benchmarks package's ring-peer product", 0)
    }
    let argv = ([peerPath] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    // The runner's threads block most signals and posix_spawn would pass that mask on: reset
    // it, so the peer can be stopped with an ordinary SIGTERM.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, peerPath, nil, &attributes, argv, environ)
    guard rc == 0 else { throw FixtureError("posix_spawn \(peerPath)", rc) }
    return pid
}
