// FIX 4.4 codec: parse + validate a NewOrderSingle and encode an ExecutionReport with Vega's codec
// (VegaOrderEntry: FIXFieldIndex, FIXValidator, FIXEncoder), on the bytes of
// Benchmarks/Fixtures/FIX that qf-bench feeds QuickFIX in the same run of fix-compare.sh.
// Each sample times `operationsPerSample` operations with the thread's CPU clock and the
// monotonic clock; the per-operation medians go to Benchmarks/.data/results/fix-*.json.
// Mallocs per sample are held at 0 by Thresholds/FIXBenchmarks.*.p90.json
// (`thresholds check --target FIXBenchmarks --metric mallocCountTotal`).
import Benchmark
import FIXBenchSupport
#if canImport(Glibc)
import Glibc
#endif
import VegaCore
import VegaOrderEntry

let cpuPsPerOp = BenchmarkMetric.custom("cpu ps/op", polarity: .prefersSmaller, useScalingFactor: false)
let wallPsPerOp = BenchmarkMetric.custom("wall ps/op", polarity: .prefersSmaller, useScalingFactor: false)
let operationsPerSample = 200_000

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, cpuPsPerOp, wallPsPerOp],
        timeUnits: .milliseconds,
        warmupIterations: 1,
        maxDuration: .seconds(20),
        maxIterations: 15,
        thresholds: [.mallocCountTotal: .init(absolute: [.p0: 0, .p25: 0, .p50: 0, .p75: 0, .p90: 0, .p99: 0, .p100: 0])]
    )

    // The measuring loop alone: the reference for the malloc counts below.
    Benchmark("empty", configuration: .init(metrics: [.wallClock, .mallocCountTotal], timeUnits: .nanoseconds,
                                            warmupIterations: 3, maxDuration: .seconds(1), maxIterations: 1_000)) { benchmark in
        for i in benchmark.scaledIterations { blackHole(i) }
    }

    // The machinery with an explicit start/stop and the same metrics as the codec benchmarks.
    Benchmark("empty-measured", configuration: .init(timeUnits: .nanoseconds)) { benchmark in
        benchmark.startMeasurement()
        blackHole(benchmark.scaledIterations.count)
        benchmark.stopMeasurement()
    }

    // One 64-byte Array per event: proves the malloc counter is live in this target, so the
    // zeros of the codec benchmarks mean something (threshold 1,000 per sample).
    Benchmark("malloc-canary", configuration: .init(metrics: [.wallClock, .mallocCountTotal], timeUnits: .nanoseconds,
                                                    scalingFactor: .kilo, maxIterations: 100)) { benchmark in
        for i in benchmark.scaledIterations {
            blackHole([UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 64))
        }
    }

    codecBenchmark("fix-nos-parse-validate") { record in
        let nos = pinned(loadFIXFixture("new-order-single.fix"))
        // Through a pointer: a captured `var` would be a box with an exclusivity check per access.
        let index = UnsafeMutablePointer<FIXFieldIndex>.allocate(capacity: 1)
        index.initialize(to: FIXFieldIndex(capacity: 64))
        let validator = FIXValidator()
        let fields = parseAndValidate(&index.pointee, validator, nos)
        precondition(fields == 18, "Vega refused the NewOrderSingle fixture, or split it into \(fields) fields, not 18")
        record.bytes = nos.count
        return { n in
            var sum = 0
            for _ in 0..<n { sum &+= parseAndValidate(&index.pointee, validator, nos) }
            precondition(sum == 18 &* n, "a parse failed")
            return sum
        }
    }

    // The same bytes through the two separate passes (parse, then validate): the reference.
    codecBenchmark("fix-nos-parse-then-validate") { record in
        let nos = pinned(loadFIXFixture("new-order-single.fix"))
        let index = UnsafeMutablePointer<FIXFieldIndex>.allocate(capacity: 1)
        index.initialize(to: FIXFieldIndex(capacity: 64))
        let validator = FIXValidator()
        precondition(parseThenValidate(&index.pointee, validator, nos) == 18, "Vega refused the NewOrderSingle fixture")
        record.bytes = nos.count
        return { n in
            var sum = 0
            for _ in 0..<n { sum &+= parseThenValidate(&index.pointee, validator, nos) }
            precondition(sum == 18 &* n, "a parse failed")
            return sum
        }
    }

    // The lane's encoder with the order's template: FIXExecutionReportOrder holds the order's
    // constant fields rendered once (measured below as fix-er-order-set); each report writes the
    // header, the per-report fields and copies the order's text.
    codecBenchmark("fix-er-encode") { record in
        let fixture = loadFIXFixture("execution-report.fix")
        let values = ExecutionReportValues(fixture: fixture)
        let encoder = UnsafeMutablePointer<FIXExecutionReportEncoder>.allocate(capacity: 1)
        encoder.initialize(to: FIXExecutionReportEncoder(senderCompID: values.senderText, targetCompID: values.targetText))
        let order = UnsafeMutablePointer<FIXExecutionReportOrder>.allocate(capacity: 1)
        order.initialize(to: FIXExecutionReportOrder())
        precondition(setExecutionReportOrder(&order.pointee, values), "the fixture order does not fit the template")
        guard let first = encodeExecutionReport(&encoder.pointee, order.pointee, values), Array(first) == fixture else {
            fatalError("Vega's templated ExecutionReport differs from the fixture Benchmarks/Fixtures/FIX/execution-report.fix")
        }
        record.bytes = fixture.count
        return { n in
            var sum = 0
            for _ in 0..<n { sum &+= encodeExecutionReport(&encoder.pointee, order.pointee, values)!.count }
            return sum
        }
    }

    // What the template costs once per order (or replace): rendering its nine fields.
    codecBenchmark("fix-er-order-set") { record in
        let fixture = loadFIXFixture("execution-report.fix")
        let values = ExecutionReportValues(fixture: fixture)
        let order = UnsafeMutablePointer<FIXExecutionReportOrder>.allocate(capacity: 1)
        order.initialize(to: FIXExecutionReportOrder())
        record.bytes = fixture.count
        return { n in
            var sum = 0
            for _ in 0..<n { sum &+= setExecutionReportOrder(&order.pointee, values) ? 1 : 0 }
            precondition(sum == n, "the fixture order does not fit the template")
            return sum
        }
    }

    // FIXExecutionReportEncoder with every field passed per report (no order template).
    codecBenchmark("fix-er-encode-fields") { record in
        let fixture = loadFIXFixture("execution-report.fix")
        let values = ExecutionReportValues(fixture: fixture)
        let encoder = UnsafeMutablePointer<FIXExecutionReportEncoder>.allocate(capacity: 1)
        encoder.initialize(to: FIXExecutionReportEncoder(senderCompID: values.senderText, targetCompID: values.targetText))
        guard let first = encodeExecutionReport(&encoder.pointee, values), Array(first) == fixture else {
            fatalError("Vega's ExecutionReport differs from the fixture Benchmarks/Fixtures/FIX/execution-report.fix")
        }
        record.bytes = fixture.count
        return { n in
            var sum = 0
            for _ in 0..<n { sum &+= encodeExecutionReport(&encoder.pointee, values)!.count }
            return sum
        }
    }

    // The general FIXEncoder (one append per field), which the session uses for any message.
    codecBenchmark("fix-er-encode-general") { record in
        let fixture = loadFIXFixture("execution-report.fix")
        let values = ExecutionReportValues(fixture: fixture)
        let encoder = UnsafeMutablePointer<FIXEncoder>.allocate(capacity: 1)
        encoder.initialize(to: FIXEncoder(capacity: 1024))
        guard let first = encodeExecutionReportGeneral(&encoder.pointee, values), Array(first) == fixture else {
            fatalError("Vega's general-encoder ExecutionReport differs from the fixture")
        }
        record.bytes = fixture.count
        return { n in
            var sum = 0
            for _ in 0..<n { sum &+= encodeExecutionReportGeneral(&encoder.pointee, values)!.count }
            return sum
        }
    }
}

// MARK: - Per-operation statistics (own clocks, printed and saved for fix-compare.sh)

final class CodecRecord: @unchecked Sendable {
    let name: String
    var bytes = 0
    var calls = 0
    var cpuNs: [Double] = []
    var wallNs: [Double] = []
    init(name: String) { self.name = name }

    static func median(_ v: [Double]) -> Double {
        let s = v.sorted()
        guard !s.isEmpty else { return .nan }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    func finish() {
        guard !cpuNs.isEmpty else { return }
        let json = "{\"name\": \"\(name)\", \"cpu_ns_per_op_median\": \(fmt(Self.median(cpuNs), 2)), "
            + "\"cpu_ns_per_op_min\": \(fmt(cpuNs.min()!, 2)), \"wall_ns_per_op_median\": \(fmt(Self.median(wallNs), 2)), "
            + "\"operations_per_sample\": \(operationsPerSample), \"samples\": \(cpuNs.count), \"message_bytes\": \(bytes)}\n"
        log("fix: " + json.dropLast())
        _ = mkdir(fixDataDirectory, 0o755)
        _ = mkdir(fixDataDirectory + "/results", 0o755)
        if let f = fopen(fixDataDirectory + "/results/\(name).json", "w") {
            fputs(json, f)
            fclose(f)
        }
    }
}

nonisolated(unsafe) var codecRecords: [String: CodecRecord] = [:]
nonisolated(unsafe) var codecLoops: [String: (Int) -> Int] = [:]

/// `prepare` builds the fixture and returns the loop (n operations → checksum); it runs in
/// setup, outside the measured region, and allocates there only.
func codecBenchmark(_ name: String, _ prepare: @escaping (CodecRecord) -> (Int) -> Int) {
    Benchmark(name) { benchmark in
        guard let record = codecRecords[name], let loop = codecLoops[name] else { fatalError("no fixture") }
        benchmark.startMeasurement()
        let c0 = threadCPUNanoseconds(), w0 = monotonicNanoseconds()
        let checksum = loop(operationsPerSample)
        let w1 = monotonicNanoseconds(), c1 = threadCPUNanoseconds()
        benchmark.stopMeasurement()
        blackHole(checksum)
        record.calls += 1
        let cpu = Double(c1 - c0) / Double(operationsPerSample), wall = Double(w1 - w0) / Double(operationsPerSample)
        if record.calls > 1 {  // the first call is the runner's warm-up
            record.cpuNs.append(cpu)
            record.wallNs.append(wall)
        }
        benchmark.measurement(cpuPsPerOp, Int(cpu * 1_000))
        benchmark.measurement(wallPsPerOp, Int(wall * 1_000))
    } setup: {
        let record = CodecRecord(name: name)
        codecRecords[name] = record
        codecLoops[name] = prepare(record)
    } teardown: {
        codecRecords[name]?.finish()
    }
}
