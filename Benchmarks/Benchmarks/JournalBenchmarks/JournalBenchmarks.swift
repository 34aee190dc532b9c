// The journal's two costs: what the lane pays per record (an append into the ring while the
// writer drains it on another thread), and what the disk sustains (records/s from append to a
// synced segment under the every-batch policy). README.md in this package has the figures.
import Benchmark
import Glibc
import Synchronization
import VegaJournal

/// A ring with a thread draining it (and discarding), as the writer would without the disk.
final class DrainedRing: @unchecked Sendable {
    let ring = JournalRing(capacity: 1 << 22)
    let stop = Atomic<Bool>(false)
    var thread = pthread_t()

    func start() {
        let box = Unmanaged.passRetained(self)
        pthread_create(&thread, nil, { raw in
            let me = Unmanaged<DrainedRing>.fromOpaque(raw!).takeRetainedValue()
            while !me.stop.load(ordering: .relaxed) {
                if me.ring.drain({ blackHole($0.payload.count) }) == 0 { sched_yield() }
            }
            return nil
        }, box.toOpaque())
    }

    func finish() {
        stop.store(true, ordering: .relaxed)
        pthread_join(thread, nil)
    }
}

nonisolated(unsafe) var drained: DrainedRing?
nonisolated(unsafe) var payload64 = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 8)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 3,
        maxDuration: .seconds(3),
        maxIterations: 1_000)

    Benchmark("empty", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for i in benchmark.scaledIterations { blackHole(i) }
    }

    // The lane's cost of journaling one 64-byte record: copy into the ring, publish the tail.
    // A full ring (the drainer fell behind) is retried, so a slow drainer shows here.
    Benchmark(
        "journal-append-64B",
        configuration: .init(
            scalingFactor: .kilo,
            thresholds: [.mallocCountTotal: .init(absolute: [.p0: 0, .p25: 0, .p50: 0, .p75: 0, .p90: 0, .p99: 0, .p100: 0])],
            setup: {
                payload64.initializeMemory(as: UInt8.self, repeating: 0x5A)
                drained = DrainedRing()
                drained!.start()
            },
            teardown: {
                drained?.finish()
                drained = nil
            })
    ) { benchmark in
        let d = drained!
        let bytes = UnsafeRawBufferPointer(payload64)
        for i in benchmark.scaledIterations {
            while !d.ring.tryAppend(type: .marketDataFrame, timestamp: UInt64(i), bytes: bytes) {}
        }
    }

    // Records per second from the lane's append to a synced segment file: one million 64-byte
    // records per sample through a fresh journal (writer thread, every-batch durability),
    // including the final sync and the segment trim. On /tmp (the disk) and on /dev/shm (tmpfs:
    // the writer's own ceiling, no device under it).
    for (name, root) in [("disk", "/tmp"), ("tmpfs", "/dev/shm")] {
        Benchmark(
            "journal-to-\(name)-every-batch-64B",
            configuration: .init(metrics: [.wallClock, .throughput, writerCPUNanosecondsPerRecord, recordsPerBatch],
                                 scalingFactor: .mega, maxDuration: .seconds(10), maxIterations: 10)
        ) { benchmark in
            let dir = "\(root)/vega-journal-bench-\(getpid())"
            _ = system("rm -rf '\(dir)'")
            var config = JournalConfiguration(directory: dir)
            config.durability = .everyBatch
            config.ringBytes = 64 << 20
            config.segmentBytes = 256 << 20
            guard let journal = try? Journal.open(config), (try? journal.start()) != nil else { fatalError("cannot open \(dir)") }
            let bytes = UnsafeRawBufferPointer(payload64)
            benchmark.startMeasurement()
            for i in benchmark.scaledIterations {
                while !journal.ring.tryAppend(type: .marketDataFrame, timestamp: UInt64(i), bytes: bytes) { sched_yield() }
            }
            try? journal.close()
            benchmark.stopMeasurement()
            // The writer thread's own CPU per record (user + system, its CLOCK_THREAD_CPUTIME_ID
            // at the end) and how many records it took per batch (= per sync under every-batch).
            let stats = journal.stats
            precondition(stats.records == UInt64(benchmark.scaledIterations.count) && journal.isHealthy, "\(stats) \(journal.failure ?? "")")
            benchmark.measurement(writerCPUNanosecondsPerRecord, Int(stats.writerCPUNanoseconds / max(stats.records, 1)))
            benchmark.measurement(recordsPerBatch, Int(stats.records / max(stats.batches, 1)))
            _ = system("rm -rf '\(dir)'")
        }
    }

    // The writer alone, without a producer competing for the CPU: 500,000 64-byte records are
    // appended to the ring first (not timed), then the calling thread writes them out batch by
    // batch under the every-batch policy (copy, CRC32C, sparse index, one sync per batch of up
    // to 65,536) and closes the journal (final sync, trim). `writer records/s` is per sample of
    // wall time; `writer records/CPU-s` per second of the writing thread's own CPU time (on this
    // shared 2-vCPU VM the wall figure is mostly other people's builds; the CPU figure is the
    // writer's ceiling when it has a core, device waits excluded). 64 MiB segments: one per
    // sample, so the segment's preallocation (posix_fallocate zero-fills every page on tmpfs) is
    // spread over about as many records as in a long run of 256 MiB segments.
    let writerRecords = 500_000
    for (name, root) in [("disk", "/tmp"), ("tmpfs", "/dev/shm")] {
        Benchmark(
            "journal-writer-\(name)-every-batch-64B",
            configuration: .init(metrics: [.wallClock, writerRecordsPerSecond, writerRecordsPerCPUSecond],
                                 maxDuration: .seconds(10), maxIterations: 10)
        ) { benchmark in
            let dir = "\(root)/vega-journal-writer-bench-\(getpid())"
            _ = system("rm -rf '\(dir)'")
            var config = JournalConfiguration(directory: dir)
            config.durability = .everyBatch
            config.ringBytes = 64 << 20
            config.segmentBytes = 64 << 20
            guard let journal = try? Journal.open(config) else { fatalError("cannot open \(dir)") }
            let bytes = UnsafeRawBufferPointer(payload64)
            for i in 0..<writerRecords {
                guard journal.ring.tryAppend(type: .marketDataFrame, timestamp: UInt64(i), bytes: bytes) else {
                    fatalError("ring full after \(i) records")
                }
            }
            var ts0 = timespec(), ts1 = timespec(), cpu0 = timespec(), cpu1 = timespec()
            benchmark.startMeasurement()
            clock_gettime(CLOCK_MONOTONIC, &ts0)
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu0)
            var written = 0
            while true {
                let n = journal.flush()
                if n == 0 { break }
                written += n
            }
            try? journal.close()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu1)
            clock_gettime(CLOCK_MONOTONIC, &ts1)
            benchmark.stopMeasurement()
            precondition(written == writerRecords && journal.isHealthy, "wrote \(written) of \(writerRecords): \(journal.failure ?? "")")
            let ns = (ts1.tv_sec - ts0.tv_sec) * 1_000_000_000 + (ts1.tv_nsec - ts0.tv_nsec)
            benchmark.measurement(writerRecordsPerSecond, Int(Double(writerRecords) * 1e9 / Double(ns)))
            let cpuNs = (cpu1.tv_sec - cpu0.tv_sec) * 1_000_000_000 + (cpu1.tv_nsec - cpu0.tv_nsec)
            benchmark.measurement(writerRecordsPerCPUSecond, Int(Double(writerRecords) * 1e9 / Double(max(cpuNs, 1))))
            _ = system("rm -rf '\(dir)'")
        }
    }
}

let writerCPUNanosecondsPerRecord = BenchmarkMetric.custom("writer CPU ns/record", polarity: .prefersSmaller, useScalingFactor: false)
let recordsPerBatch = BenchmarkMetric.custom("records/batch", polarity: .prefersLarger, useScalingFactor: false)
let writerRecordsPerSecond = BenchmarkMetric.custom("writer records/s", polarity: .prefersLarger, useScalingFactor: false)
let writerRecordsPerCPUSecond = BenchmarkMetric.custom("writer records/CPU-s", polarity: .prefersLarger, useScalingFactor: false)
