// OUCH 5.0 codec cost: encode an Enter Order, decode an Executed (ns per message, mallocs). Each
// sample times a batch of 10,000,000 messages with the thread's CPU clock and CLOCK_MONOTONIC around
// the loop (package-benchmark's cpuTotal is far too coarse for one message, SWIFT-PERFORMANCE.md),
// and reports picoseconds per message as custom metrics: "cpu ps/msg" is the figure to quote on a
// shared machine (wall time there includes time preempted by other processes). Mallocs per sample
// are held at 0 by Thresholds/OUCHBenchmarks.* (`thresholds check --metric mallocCountTotal`; a run
// collecting every metric shows 16 per sample everywhere, `empty` included: package-benchmark's own).
import Benchmark
#if canImport(Glibc)
import Glibc
#endif
import VegaCore
import VegaOrderEntry

let cpuPsPerMessage = BenchmarkMetric.custom("cpu ps/msg", polarity: .prefersSmaller, useScalingFactor: false)
let wallPsPerMessage = BenchmarkMetric.custom("wall ps/msg", polarity: .prefersSmaller, useScalingFactor: false)
let batch = 10_000_000

@inline(__always)
func threadCPUNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, cpuPsPerMessage, wallPsPerMessage],
        timeUnits: .milliseconds,
        warmupIterations: 2,
        maxDuration: .seconds(20),
        maxIterations: 15,
        thresholds: [.mallocCountTotal: .init(absolute: [.p0: 0, .p25: 0, .p50: 0, .p75: 0, .p90: 0, .p99: 0, .p100: 0])]
    )

    // The measuring machinery alone, with the same explicit start/stop: the reference for mallocs.
    Benchmark("empty") { benchmark in
        benchmark.startMeasurement()
        blackHole(benchmark.scaledIterations.count)
        benchmark.stopMeasurement()
    }

    // One 64-byte Array per event: proves the malloc counter is live, so the zeros mean something.
    Benchmark("malloc-canary", configuration: .init(metrics: [.wallClock, .mallocCountTotal], timeUnits: .nanoseconds,
                                                    scalingFactor: .kilo, maxIterations: 100)) { benchmark in
        for i in benchmark.scaledIterations { blackHole([UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 64)) }
    }

    Benchmark("ouch-encode-enter-order") { benchmark in
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1_024 * 64, alignment: 64)
        defer { buffer.deallocate() }
        let order = OUCHEnterOrder(userRefNum: 1, side: .buy, quantity: 100, symbol: OUCHSymbol(rawValue: 0x4141_504C_2020_2020),
                                   price: Price4(rawValue: 1_502_500), timeInForce: .day, display: .visible,
                                   capacity: .agency, intermarketSweep: .notEligible, crossType: .continuous,
                                   clOrdID: OUCHClOrdID(high: 0x5645_4741_2D30_3030, low: 0x3030_3030_3031))
        benchmark.startMeasurement()
        let c0 = threadCPUNanoseconds(), t0 = monotonicNanoseconds()
        let bytes = encodeEnterOrders(order, count: batch, into: buffer)
        let t1 = monotonicNanoseconds(), c1 = threadCPUNanoseconds()
        benchmark.stopMeasurement()
        precondition(bytes == batch * OUCHEnterOrder.fixedLength)
        blackHole(buffer.load(fromByteOffset: 1, as: UInt32.self))
        benchmark.measurement(cpuPsPerMessage, Int((c1 - c0) * 1_000 / UInt64(batch)))
        benchmark.measurement(wallPsPerMessage, Int((t1 - t0) * 1_000 / UInt64(batch)))
    }

    Benchmark("ouch-decode-executed") { benchmark in
        let stride = 64
        let messages = UnsafeMutableRawBufferPointer.allocate(byteCount: 1_024 * stride, alignment: 64)
        defer { messages.deallocate() }
        for i in 0..<1_024 {
            let m = OUCHOrderExecuted(timestamp: OUCHTimestamp(nanoseconds: 34_200_000_000_000 + UInt64(i)), userRefNum: UInt32(i),
                                      quantity: UInt32(100 + i), price: Price4(rawValue: 1_500_000 + Int64(i)),
                                      liquidityFlag: i % 2 == 0 ? .added : .removed, matchNumber: UInt64(i) * 7)
            precondition(m.encode(into: UnsafeMutableRawBufferPointer(rebasing: messages[(i * stride)..<(i * stride + stride)])) == 36)
        }
        var decoder = OUCHDecoder()
        benchmark.startMeasurement()
        let c0 = threadCPUNanoseconds(), t0 = monotonicNanoseconds()
        let sum = decodeExecuted(&decoder, UnsafeRawBufferPointer(messages), stride: stride, count: batch)
        let t1 = monotonicNanoseconds(), c1 = threadCPUNanoseconds()
        benchmark.stopMeasurement()
        precondition(decoder.counters.decoded == UInt64(batch) && decoder.counters.rejected == 0)
        blackHole(sum)
        benchmark.measurement(cpuPsPerMessage, Int((c1 - c0) * 1_000 / UInt64(batch)))
        benchmark.measurement(wallPsPerMessage, Int((t1 - t0) * 1_000 / UInt64(batch)))
    }
}
