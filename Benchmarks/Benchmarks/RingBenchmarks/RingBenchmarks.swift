// Ring hand-off latency and throughput, Swift SPSCRing vs the same design in C, between two
// threads and between two processes; plus FixedMap vs Dictionary lookups and the broadcast
// ring's per-event cost. README.md in this package explains each figure.
import Benchmark
#if canImport(Glibc)
import Glibc
#endif
import CSPSCBaseline
import RingBenchSupport
import VegaCore

/// Round trips per latency sample (the throughput samples push 1,000,000 messages each).
let latencyBatch = 1_000
let ringCapacity = 1024

/// The fixture of the benchmark being run. Set by its setup, cleared by its teardown; the
/// runner runs one benchmark at a time, and the measured closure only reads it.
nonisolated(unsafe) var fixture: RingFixture?

let oneWayMetric = BenchmarkMetric.custom("one-way ns", polarity: .prefersSmaller, useScalingFactor: false)
let halfRoundTripMetric = BenchmarkMetric.custom("round trip/2 ns", polarity: .prefersSmaller, useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 3,
        maxDuration: .seconds(3),
        maxIterations: 1_000,
        // Allocation is the budget we hold exactly: zero per event, checked against the
        // Thresholds/ files. Time is too noisy on a shared 2-core VM to gate on.
        thresholds: [.mallocCountTotal: .init(absolute: [.p0: 0, .p25: 0, .p50: 0, .p75: 0, .p90: 0, .p99: 0, .p100: 0])]
    )

    // What the measuring loop itself costs (16 mallocs per sample before scaling): the
    // reference every other benchmark's malloc count is read against.
    Benchmark("empty", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for i in benchmark.scaledIterations { blackHole(i) }
    }

    // A benchmark that allocates exactly once per event, so the malloc counter is shown to
    // work: if this ever reports 0, the zeros above prove nothing (interposer not loaded).
    Benchmark("malloc-canary", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for i in benchmark.scaledIterations {
            blackHole([UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 64))
        }
    }

    for placement in [PeerPlacement.thread, .process] {
        for implementation in [RingImplementation.swift, .c] {
            latencyBenchmark(placement: placement, implementation: implementation)
            throughputBenchmark(placement: placement, implementation: implementation)
        }
    }

    fixedMapBenchmarks()
    broadcastBenchmark()
}

/// Ping-pong through two rings: the producer stamps CLOCK_MONOTONIC and pushes; the echo peer
/// pops, stamps and pushes back. Reports one-way latency (peer stamp − producer stamp: one
/// hand-off plus one clock read) and round trip / 2, per message, as custom metrics.
func latencyBenchmark(placement: PeerPlacement, implementation: RingImplementation) {
    Benchmark(
        "spsc-latency-\(placement.rawValue)-\(implementation.rawValue)",
        configuration: .init(
            metrics: [.wallClock, .mallocCountTotal, oneWayMetric, halfRoundTripMetric],
            scalingFactor: .kilo, maxIterations: 500)
    ) { benchmark in
        guard let f = fixture else { fatalError("no fixture") }
        f.pinProducer()
        let first = f.claimSequences(latencyBatch)
        benchmark.startMeasurement()
        let checksum: UInt64
        switch implementation {
        case .swift:
            let rings = f.swiftRings!
            checksum = swiftPing(
                output: rings.a, input: rings.b, firstSequence: first, count: latencyBatch,
                oneWay: f.oneWay, roundTrip: f.roundTrip)
        case .c:
            checksum = vega_c_ping(
                f.control.ringA, f.control.ringB, UInt64(ringCapacity), first, UInt64(latencyBatch),
                f.oneWay, f.roundTrip)
        }
        benchmark.stopMeasurement()
        // Every message came back, in order: the sum of the sequence numbers sent.
        let n = UInt64(latencyBatch)
        precondition(checksum == first &* n &+ n &* (n - 1) / 2, "lost or reordered echo")
        for i in 0..<latencyBatch {
            benchmark.measurement(oneWayMetric, Int(f.oneWay[i]))
            benchmark.measurement(halfRoundTripMetric, Int(f.roundTrip[i] / 2))
        }
        f.keepBatch(latencyBatch)
    } setup: {
        fixture = try RingFixture(
            implementation: implementation, mode: .echo, placement: placement, capacity: ringCapacity,
            batch: latencyBatch, keepSamples: 520 * latencyBatch)
    } teardown: {
        // The text table stops at p99; print exact p99.9 from every round trip of the run.
        if let f = fixture {
            let line = f.percentileSummary(name: "spsc-latency-\(placement.rawValue)-\(implementation.rawValue)") + "\n"
            _ = line.withCString { write(2, $0, strlen($0)) }
        }
        fixture = nil
    }
}

/// One producer pushing 1,000,000 64-byte messages as fast as the ring takes them to a sink peer;
/// a sample ends when the peer has consumed them all. `throughput` is messages per second.
func throughputBenchmark(placement: PeerPlacement, implementation: RingImplementation) {
    Benchmark(
        "spsc-throughput-\(placement.rawValue)-\(implementation.rawValue)",
        configuration: .init(
            metrics: [.throughput, .wallClock, .mallocCountTotal],
            scalingFactor: .mega, maxIterations: 60)
    ) { benchmark in
        guard let f = fixture else { fatalError("no fixture") }
        f.pinProducer()
        // .mega scaling: 1,000,000 iterations per sample; push exactly that many messages so
        // the framework's throughput figure is messages per second.
        let count = benchmark.scaledIterations.count
        let first = f.claimSequences(count)
        benchmark.startMeasurement()
        switch implementation {
        case .swift:
            swiftProduce(output: f.swiftRings!.a, firstSequence: first, count: count)
        case .c:
            vega_c_produce(f.control.ringA, UInt64(ringCapacity), first, UInt64(count))
        }
        f.waitForConsumed(first &+ UInt64(count))
        benchmark.stopMeasurement()
    } setup: {
        fixture = try RingFixture(
            implementation: implementation, mode: .sink, placement: placement, capacity: ringCapacity,
            batch: 1)
    } teardown: {
        fixture = nil
    }
}
