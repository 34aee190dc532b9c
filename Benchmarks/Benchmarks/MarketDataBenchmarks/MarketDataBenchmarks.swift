// ITCH 5.0 market data over one generated 20 M-message file, in one run: the C framing walk
// (the ceiling), Vega's decode-only pass, Vega's decode + order-by-order books (CPU time per
// message, sampled per-message latency, mallocs, peak memory), and the books' resident memory
// for 1 M live orders over 8,000 instruments. README.md ("Market data") explains each figure;
// itch-book-compare.sh runs these and the PyPI itch-book on the same file.
import Benchmark
#if canImport(Glibc)
import Glibc
#endif
import CITCHFraming
import MarketDataBenchSupport
import VegaCore
import VegaMarketData

let cpuPsPerMessage = BenchmarkMetric.custom("cpu ps/msg", polarity: .prefersSmaller, useScalingFactor: false)
let wallPsPerMessage = BenchmarkMetric.custom("wall ps/msg", polarity: .prefersSmaller, useScalingFactor: false)
let kMessagesPerCPUSecond = BenchmarkMetric.custom("k msgs/cpu-s", polarity: .prefersLarger, useScalingFactor: false)
let sampledLatency = BenchmarkMetric.custom("sampled msg ns", polarity: .prefersSmaller, useScalingFactor: false)
let booksRSSMiB = BenchmarkMetric.custom("books RSS MiB", polarity: .prefersSmaller, useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        // No .peakMemoryResident here: package-benchmark samples it from a background thread that
        // allocates (~500 mallocs/s, counted process-wide), which would hide the lane's zero.
        // Peak memory is measured by books-memory-… (package-benchmark) and by VmHWM/VmRSS below.
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, cpuPsPerMessage, wallPsPerMessage, kMessagesPerCPUSecond],
        timeUnits: .milliseconds,
        warmupIterations: 1,
        maxDuration: .seconds(60),
        maxIterations: 7,
        // mallocs per sample, held at exactly 0 against Thresholds/MarketDataBenchmarks.*.p90.json
        // (`thresholds check --metric mallocCountTotal`). A run that collects every metric shows
        // 16–18 per sample on every pass, the C walk and `empty-measured` included: that is
        // package-benchmark collecting its other metrics, not the code measured (README).
        thresholds: [.mallocCountTotal: .init(absolute: [.p0: 0, .p25: 0, .p50: 0, .p75: 0, .p90: 0, .p99: 0, .p100: 0])]
    )

    // The measuring loop alone: the reference for the malloc counts below.
    Benchmark("empty", configuration: .init(metrics: [.wallClock, .mallocCountTotal], timeUnits: .nanoseconds,
                                            warmupIterations: 3, maxDuration: .seconds(1), maxIterations: 1_000)) { benchmark in
        for i in benchmark.scaledIterations { blackHole(i) }
    }

    // The measuring machinery alone with an explicit start/stop, as the passes use it: the
    // reference for their malloc counts.
    // Same metrics as the passes (.cpuTotal included).
    Benchmark("empty-measured", configuration: .init(timeUnits: .nanoseconds)) { benchmark in
        benchmark.startMeasurement()
        blackHole(benchmark.scaledIterations.count)
        benchmark.stopMeasurement()
    }

    // One 64-byte Array per event: proves the malloc counter is live in this target, so the
    // zeros of the passes mean something (threshold 1,000 per sample).
    Benchmark("malloc-canary", configuration: .init(metrics: [.wallClock, .mallocCountTotal], timeUnits: .nanoseconds,
                                                    scalingFactor: .kilo, maxIterations: 100)) { benchmark in
        for i in benchmark.scaledIterations {
            blackHole([UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 64))
        }
    }

    passBenchmark("itch-framing-walk-c") { file in
        let w = vega_itch_walk_framing(file.base.assumingMemoryBound(to: UInt8.self), file.count)
        return (w.messages, w.type_sum)
    }

    passBenchmark("itch-decode-swift") { file in decodeOnly(file.bytes) }

    decodeBookBenchmark()
    decodeBookUpdatesBenchmark()
    booksMemoryBenchmark()
}

// MARK: - Pass statistics (own clocks, printed and saved for itch-book-compare.sh)

/// Per-iteration figures of one benchmark; the runner's warm-up iteration is dropped.
final class PassRecord: @unchecked Sendable {
    let name: String
    var calls = 0
    var cpuNs: [UInt64] = []
    var wallNs: [UInt64] = []
    var messages: UInt64 = 0
    var extra: [(String, String)] = []
    init(name: String) { self.name = name }

    func add(cpu: UInt64, wall: UInt64, messages: UInt64) {
        calls += 1
        if calls == 1 { return }  // the warm-up iteration
        cpuNs.append(cpu); wallNs.append(wall); self.messages = messages
    }

    static func median(_ v: [UInt64]) -> Double {
        let s = v.sorted()
        guard !s.isEmpty else { return .nan }
        return s.count % 2 == 1 ? Double(s[s.count / 2]) : Double(s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    func finish() {
        guard !cpuNs.isEmpty, messages > 0 else { return }
        let m = Double(messages)
        let cpu = Self.median(cpuNs) / m, wall = Self.median(wallNs) / m
        let cpuMin = Double(cpuNs.min()!) / m, cpuMax = Double(cpuNs.max()!) / m
        var fields: [(String, String)] = [
            ("name", "\"\(name)\""), ("file", "\"\(itchPath)\""), ("messages", "\(messages)"),
            ("iterations", "\(cpuNs.count)"),
            ("cpu_ns_per_msg_median", fmt(cpu, 3)), ("cpu_ns_per_msg_min", fmt(cpuMin, 3)),
            ("cpu_ns_per_msg_max", fmt(cpuMax, 3)), ("wall_ns_per_msg_median", fmt(wall, 3)),
            ("msgs_per_s_cpu", fmt(1e9 / cpu, 0)), ("msgs_per_s_wall", fmt(1e9 / wall, 0)),
        ]
        fields += extra
        let json = "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}\n"
        log("market data: " + json.dropLast())
        _ = mkdir(dataDirectory, 0o755)
        _ = mkdir(dataDirectory + "/results", 0o755)
        if let f = fopen(dataDirectory + "/results/\(name).json", "w") {
            fputs(json, f)
            fclose(f)
        }
    }
}

nonisolated(unsafe) var records: [String: PassRecord] = [:]

/// One whole pass over the mapped file per sample: CPU and wall time per message.
func passBenchmark(_ name: String, _ pass: @escaping @Sendable (MappedITCHFile) -> (UInt64, UInt64)) {
    Benchmark(name) { benchmark in
        guard let file = sharedFile, let record = records[name] else { fatalError("no fixture") }
        benchmark.startMeasurement()
        let c0 = threadCPUNanoseconds(), w0 = monotonicNanoseconds()
        let (messages, checksum) = pass(file)
        let w1 = monotonicNanoseconds(), c1 = threadCPUNanoseconds()
        benchmark.stopMeasurement()
        blackHole(checksum)
        precondition(messages == file.messages, "\(name) saw \(messages) messages, the file has \(file.messages)")
        record.add(cpu: c1 - c0, wall: w1 - w0, messages: messages)
        report(benchmark, cpu: c1 - c0, wall: w1 - w0, messages: messages)
    } setup: {
        _ = try loadSharedFile()
        records[name] = PassRecord(name: name)
    } teardown: {
        records[name]?.finish()
    }
}

func report(_ benchmark: Benchmark, cpu: UInt64, wall: UInt64, messages: UInt64) {
    benchmark.measurement(cpuPsPerMessage, Int(cpu * 1_000 / messages))
    benchmark.measurement(wallPsPerMessage, Int(wall * 1_000 / messages))
    benchmark.measurement(kMessagesPerCPUSecond, Int(Double(messages) / Double(cpu) * 1e6))
}

// MARK: - Decode only

// MARK: - Decode + books

/// TSC samples (ticks) of every iteration after the warm-up.
nonisolated(unsafe) var latencySamples: UnsafeMutablePointer<UInt64>?
nonisolated(unsafe) var latencySampleCount = 0
nonisolated(unsafe) var latencySampleCapacity = 0
nonisolated(unsafe) var tsc: TSCCalibration?

func decodeBookBenchmark() {
    let name = "itch-decode-book-swift"
    Benchmark(name, configuration: .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, cpuPsPerMessage, wallPsPerMessage, kMessagesPerCPUSecond,
                  sampledLatency, booksRSSMiB])
    ) { benchmark in
        guard let file = sharedFile, let record = records[name], let samples = latencySamples, let cal = tsc else {
            fatalError("no fixture")
        }
        // Fresh books every sample, built (allocated and pre-faulted) outside the measured region.
        let rssBefore = procStatusKiB("VmRSS")
        var handler = ITCHHandler(sink: OrderBooks(configuration: feedBookConfiguration))
        let isWarmup = record.calls == 0
        let base = isWarmup ? 0 : latencySampleCount
        benchmark.startMeasurement()
        let c0 = threadCPUNanoseconds(), w0 = monotonicNanoseconds()
        let (messages, sampled) = decodeAndBook(file.bytes, &handler, samples: samples + base,
                                                capacity: latencySampleCapacity - base)
        let w1 = monotonicNanoseconds(), c1 = threadCPUNanoseconds()
        benchmark.stopMeasurement()
        precondition(messages == file.messages, "saw \(messages) messages, the file has \(file.messages)")
        // Resident memory the books added, after the whole day (every page was touched at init).
        let booksKiB = procStatusKiB("VmRSS") - rssBefore
        benchmark.measurement(booksRSSMiB, booksKiB / 1_024)
        let rejects = handler.bookRejects
        let decoderRejects = ITCHReject.allCases.reduce(UInt64(0)) { $0 + handler.decoder.counters.rejects($1) }
        precondition(decoderRejects == 0, "decoder refused \(decoderRejects) messages")
        let bookRejects = BookReject.allCases.reduce(UInt64(0)) { $0 + rejects[$1] }
        precondition(bookRejects == 0, "books refused \(bookRejects) messages")
        if !isWarmup { latencySampleCount += sampled }
        record.add(cpu: c1 - c0, wall: w1 - w0, messages: messages)
        report(benchmark, cpu: c1 - c0, wall: w1 - w0, messages: messages)
        for i in 0..<sampled {
            let ticks = samples[base + i]
            let net = ticks > cal.emptyPairTicks ? ticks - cal.emptyPairTicks : 0
            benchmark.measurement(sampledLatency, Int(Double(net) / cal.ticksPerNanosecond))
        }
        if record.calls == 1 {
            record.extra.append(("final_live_orders", "\(handler.sink.orderCount)"))
            record.extra.append(("final_levels", "\(handler.sink.levelCountTotal)"))
            record.extra.append(("instruments", "\(handler.sink.instrumentCount)"))
            record.extra.append(("books_allocated_bytes", "\(handler.sink.allocatedBytes)"))
            record.extra.append(("books_rss_delta_kib", "\(booksKiB)"))
        }
    } setup: {
        let file = try loadSharedFile()
        records[name] = PassRecord(name: name)
        tsc = TSCCalibration.measure()
        latencySampleCapacity = Int(file.messages / sampleEvery + 1) * 8
        latencySamples = .allocate(capacity: latencySampleCapacity)
        latencySampleCount = 0
        log("market data: TSC \(fmt(tsc!.ticksPerNanosecond, 4)) ticks/ns, empty start/end pair \(tsc!.emptyPairTicks) ticks (subtracted)")
    } teardown: {
        guard let record = records[name], let samples = latencySamples, let cal = tsc else { return }
        var s = Array(UnsafeBufferPointer(start: samples, count: latencySampleCount)).map {
            Double($0 > cal.emptyPairTicks ? $0 - cal.emptyPairTicks : 0) / cal.ticksPerNanosecond
        }
        s.sort()
        func q(_ p: Double) -> String { s.isEmpty ? "null" : fmt(s[min(s.count - 1, Int(p * Double(s.count)))], 0) }
        record.extra += [("latency_samples", "\(s.count)"), ("latency_every", "\(sampleEvery)"),
                         ("latency_p50_ns", q(0.50)), ("latency_p90_ns", q(0.90)), ("latency_p99_ns", q(0.99)),
                         ("latency_p999_ns", q(0.999)), ("latency_max_ns", s.isEmpty ? "null" : fmt(s.last!, 0)),
                         ("tsc_ticks_per_ns", fmt(cal.ticksPerNanosecond, 4)), ("tsc_empty_pair_ticks", "\(cal.emptyPairTicks)"),
                         ("process_vmhwm_kib", "\(procStatusKiB("VmHWM"))")]
        record.finish()
        samples.deallocate()
        latencySamples = nil
    }
}

/// The same pass with books that publish: every change a `BookUpdate` (depth, flags, stamps) in
/// a buffer the loop reads and clears after each message, as the lane's books do. Beside
/// `itch-decode-book-swift` (books read by polling, `NoBookOutput`) it shows what the updates
/// cost; itch-book's `tables=bbo` mode is the nearer peer to this one.
func decodeBookUpdatesBenchmark() {
    let name = "itch-decode-book-updates-swift"
    Benchmark(name, configuration: .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, cpuPsPerMessage, wallPsPerMessage, kMessagesPerCPUSecond])
    ) { benchmark in
        guard let file = sharedFile, let record = records[name] else { fatalError("no fixture") }
        // Fresh books every sample, built outside the measured region.
        var handler = ITCHHandler(sink: OrderBooks(configuration: feedBookConfiguration,
                                                   output: BookUpdateBuffer(capacity: 64)))
        benchmark.startMeasurement()
        let c0 = threadCPUNanoseconds(), w0 = monotonicNanoseconds()
        let (messages, updates) = decodeAndBookWithUpdates(file.bytes, &handler)
        let w1 = monotonicNanoseconds(), c1 = threadCPUNanoseconds()
        benchmark.stopMeasurement()
        blackHole(updates)
        precondition(messages == file.messages, "saw \(messages) messages, the file has \(file.messages)")
        precondition(handler.sink.counters.updatesDropped == 0, "the update buffer overflowed")
        record.add(cpu: c1 - c0, wall: w1 - w0, messages: messages)
        report(benchmark, cpu: c1 - c0, wall: w1 - w0, messages: messages)
        if record.calls == 1 { record.extra.append(("updates_published", "\(updates)")) }
    } setup: {
        _ = try loadSharedFile()
        records[name] = PassRecord(name: name)
    } teardown: {
        records[name]?.finish()
    }
}

// MARK: - Memory for 1 M live orders, 8,000 instruments

/// Builds books sized for 1 Mi orders / 1 Mi levels / 8,000 instruments, defines 8,000
/// instruments and adds 1,000,000 orders (125 per instrument, 32 price levels a side), and
/// measures the process's resident memory before and after (VmRSS; VmHWM reset before).
func booksMemoryBenchmark() {
    let name = "books-memory-1m-orders-8000-instruments"
    Benchmark(name, configuration: .init(
        metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident, .peakMemoryResidentDelta, booksRSSMiB],
        warmupIterations: 0, maxIterations: 3, thresholds: [:])
    ) { benchmark in
        let configuration = BookConfiguration(maxInstruments: 8_000, maxOrders: 1 << 20, maxLevels: 1 << 20)
        resetPeakRSS()
        let rss0 = procStatusKiB("VmRSS")
        var books = OrderBooks(configuration: configuration)
        let t = EventTimes(exchange: Timestamp(nanoseconds: 34_200_000_000_000))
        for i in 0..<8_000 {
            let r = books.defineInstrument(locate: UInt16(i + 1), symbol: Symbol(raw: 0x4141_4141_2020_2020 &+ UInt64(i) << 32),
                                           roundLot: 100, times: t)
            precondition(r == nil)
        }
        for o in 0..<1_000_000 {
            let instrument = o % 8_000, side: Side = (o / 8_000) % 2 == 0 ? .buy : .sell
            let level = Int64((o / 16_000) % 32)
            let price = side == .buy ? 1_000_000 - level * 100 : 1_000_100 + level * 100
            let r = books.addOrder(locate: UInt16(instrument + 1), reference: UInt64(o + 1), side: side, shares: 100,
                                   price: Price4(rawValue: price), attribution: 0, times: t)
            precondition(r == nil)
        }
        precondition(books.orderCount == 1_000_000)
        let rss1 = procStatusKiB("VmRSS"), hwm = procStatusKiB("VmHWM")
        benchmark.measurement(booksRSSMiB, (rss1 - rss0) / 1_024)
        log("market data: {\"name\": \"\(name)\", \"live_orders\": \(books.orderCount), \"levels\": \(books.levelCountTotal), "
            + "\"instruments\": \(books.instrumentCount), \"allocated_bytes\": \(books.allocatedBytes), "
            + "\"vmrss_before_kib\": \(rss0), \"vmrss_after_kib\": \(rss1), \"vmhwm_after_kib\": \(hwm), "
            + "\"rss_delta_mib\": \(fmt(Double(rss1 - rss0) / 1024, 1))}")
        if let f = fopen(dataDirectory + "/results/\(name).json", "w") {
            fputs("{\"name\": \"\(name)\", \"live_orders\": \(books.orderCount), \"levels\": \(books.levelCountTotal), "
                  + "\"instruments\": \(books.instrumentCount), \"allocated_bytes\": \(books.allocatedBytes), "
                  + "\"vmrss_before_kib\": \(rss0), \"vmrss_after_kib\": \(rss1), \"vmhwm_after_kib\": \(hwm)}\n", f)
            fclose(f)
        }
    }
}
