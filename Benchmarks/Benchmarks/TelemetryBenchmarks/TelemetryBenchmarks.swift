// The latency profiler's cost on the lane: one TSC read (laneTicks), one record into the
// recorder's ring while a profiler thread drains it, and a whole path's telemetry (six stage
// stamps and the record). README.md in this package has the figures.
import Benchmark
import Glibc
import Synchronization
import VegaTelemetry

/// A thread draining a recorder's consumer (and discarding), as the profiler's thread would
/// without the histograms.
final class TelemetryDrainer: @unchecked Sendable {
    let reader: LatencySampleReader
    let stop = Atomic<Bool>(false)
    var thread = pthread_t()

    init(_ reader: LatencySampleReader) { self.reader = reader }

    func start() {
        let box = Unmanaged.passRetained(self)
        pthread_create(&thread, nil, { raw in
            let me = Unmanaged<TelemetryDrainer>.fromOpaque(raw!).takeRetainedValue()
            while !me.stop.load(ordering: .relaxed) {
                if me.reader.drain({ blackHole($0.sequence) }) == 0 { sched_yield() }
            }
            return nil
        }, box.toOpaque())
    }

    func finish() {
        stop.store(true, ordering: .relaxed)
        pthread_join(thread, nil)
    }
}

nonisolated(unsafe) var recorder: LatencyRecorder? = nil
nonisolated(unsafe) var drainer: TelemetryDrainer? = nil

/// The lane's loops. `recordOnly` is proved free of allocation, locks and reference counting by
/// the compiler (`@_noLocks`); the two that read the TSC are not marked: across the package
/// boundary the checker rejects the inlined `vega_rdtsc` call ("not available in this module")
/// even inside `_unsafePerformance` — their malloc thresholds (0) still hold them.
func stampAndRecord(_ r: inout LatencyRecorder, iterations: Int) -> Int {
    var retries = 0
    for i in 0..<iterations {
        var s = TickToTradeSample(venue: 1, locate: 42, sequence: UInt64(truncatingIfNeeded: i), orderID: 7)
        s.stamp(.laneReceive)
        s.stamp(.bookUpdated)
        s.stamp(.strategyDecided)
        s.stamp(.riskPassed)
        s.stamp(.orderEncoded)
        s.stamp(.txHanded)
        while !r.record(s) { retries &+= 1 }
    }
    return retries
}

@_noLocks
func recordOnly(_ r: inout LatencyRecorder, iterations: Int) -> Int {
    var retries = 0
    var s = TickToTradeSample(venue: 1, locate: 42, sequence: 0, orderID: 7)
    s.laneReceiveTicks = 1_000
    s.txHandedTicks = 2_000
    for i in 0..<iterations {
        s.sequence = UInt64(truncatingIfNeeded: i)
        while !r.record(s) { retries &+= 1 }
    }
    return retries
}

func readTicks(iterations: Int) -> UInt64 {
    var x: UInt64 = 0
    for _ in 0..<iterations { x ^= laneTicks() }
    return x
}

var thresholdsZeroMallocs: [BenchmarkMetric: BenchmarkThresholds] { [
    .mallocCountTotal: .init(absolute: [.p0: 0, .p25: 0, .p50: 0, .p75: 0, .p90: 0, .p99: 0, .p100: 0]),
] }

func startRecorder() {
    recorder = LatencyRecorder(capacity: 1 << 16)
    drainer = TelemetryDrainer(recorder!.consumer())
    drainer!.start()
}

func stopRecorder() {
    drainer?.finish()
    if let r = recorder.take() {
        if r.dropped != 0 { fatalError("record() dropped \(r.dropped): the loops retry, so nothing may be dropped") }
    }
    drainer = nil
}

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

    // One 64-byte Array per iteration: proves the malloc counter is live (threshold 1,000).
    Benchmark("malloc-canary", configuration: .init(metrics: [.wallClock, .mallocCountTotal], timeUnits: .nanoseconds,
                                                    scalingFactor: .kilo, maxIterations: 100)) { benchmark in
        for i in benchmark.scaledIterations {
            blackHole([UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 64))
        }
    }

    // One rdtsc: wall clock per 1,000 reads.
    Benchmark("lane-ticks", configuration: .init(scalingFactor: .kilo, thresholds: thresholdsZeroMallocs)) { benchmark in
        blackHole(readTicks(iterations: benchmark.scaledIterations.count))
    }

    // One 96-byte sample pushed into the ring while another thread drains it. A full ring is
    // retried (a dropped sample would make the loop cheaper), so a slow drainer shows here.
    Benchmark(
        "latency-record",
        configuration: .init(scalingFactor: .kilo, thresholds: thresholdsZeroMallocs, setup: startRecorder, teardown: stopRecorder)
    ) { benchmark in
        guard var r = recorder.take() else { fatalError("no recorder") }
        blackHole(recordOnly(&r, iterations: benchmark.scaledIterations.count))
        recorder = consume r
    }

    // A whole path's telemetry on the lane: six stage stamps (laneReceive … txHanded) and the
    // record.
    Benchmark(
        "latency-stamp6-record",
        configuration: .init(scalingFactor: .kilo, thresholds: thresholdsZeroMallocs, setup: startRecorder, teardown: stopRecorder)
    ) { benchmark in
        guard var r = recorder.take() else { fatalError("no recorder") }
        blackHole(stampAndRecord(&r, iterations: benchmark.scaledIterations.count))
        recorder = consume r
    }
}
