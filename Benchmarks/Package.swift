// swift-tools-version:6.1
// Vega's benchmarks: a separate package so the main build and CI never compile the benchmark
// tool (it builds in release, ~4 minutes here). Run from this directory:
//   swift package --scratch-path <dir> benchmark
// See README.md for what each benchmark measures and the latest figures.
import PackageDescription

let package = Package(
    name: "VegaBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Vega", path: ".."),
        // Only the MallocInterposer trait: the default traits pull in a runtime interposer
        // package that is not available on our build machines (see SWIFT-PERFORMANCE.md).
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The same SPSC ring design in C11 (layout, padding, cached indices, acquire/release),
        // as the baseline the Swift ring is measured against in the same run.
        .target(name: "CSPSCBaseline", path: "Sources/CSPSCBaseline"),
        // Fixtures and the Swift side's producer/peer loops, shared by the benchmark and
        // ring-peer so both processes run identical code.
        .target(
            name: "RingBenchSupport",
            dependencies: [.product(name: "VegaCore", package: "Vega"), "CSPSCBaseline"],
            path: "Sources/RingBenchSupport"),
        // The second process of the cross-process benchmarks; built next to the benchmark
        // binary because RingBenchmarks depends on it.
        .executableTarget(
            name: "ring-peer",
            dependencies: ["RingBenchSupport", "CSPSCBaseline", .product(name: "VegaCore", package: "Vega")],
            path: "Sources/ring-peer"),
        // A C loop that only walks ITCH's 2-byte file framing: the ceiling the Swift decoder is
        // measured against (MarketDataBenchmarks), plus the TSC reads used to sample latency.
        .target(name: "CITCHFraming", path: "Sources/CITCHFraming"),
        // The market-data benchmarks' input file and measured loops, shared with itch-profile.
        .target(
            name: "MarketDataBenchSupport",
            dependencies: [.product(name: "VegaCore", package: "Vega"), .product(name: "VegaMarketData", package: "Vega"), "CITCHFraming"],
            path: "Sources/MarketDataBenchSupport"),
        // Runs one of those loops over the file, for perf / callgrind (README, "Market data").
        .executableTarget(
            name: "itch-profile",
            dependencies: ["MarketDataBenchSupport", "CITCHFraming", .product(name: "VegaMarketData", package: "Vega")],
            path: "Sources/itch-profile"),
        // ITCH 5.0 over a generated 20 M-message file: C framing walk, Vega decode-only, Vega
        // decode + order-by-order books, and the books' memory for 1 M orders / 8,000 instruments.
        .executableTarget(
            name: "MarketDataBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "VegaCore", package: "Vega"),
                .product(name: "VegaMarketData", package: "Vega"),
                "CITCHFraming", "MarketDataBenchSupport",
            ],
            path: "Benchmarks/MarketDataBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // The journal: the lane's cost per record and the records/s a disk sustains.
        .executableTarget(
            name: "JournalBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "VegaJournal", package: "Vega"),
            ],
            path: "Benchmarks/JournalBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // OUCH 5.0 codec: encode Enter Order, decode Executed (ns per message, mallocs per sample).
        .executableTarget(
            name: "OUCHBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "VegaCore", package: "Vega"),
                .product(name: "VegaOrderEntry", package: "Vega"),
            ],
            path: "Benchmarks/OUCHBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // The strategy layer: a market maker's decision on a book event (StrategyHost over
        // order-by-order books), TSC per call and CPU per batch, mallocs held at 0.
        .executableTarget(
            name: "StrategyBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "VegaCore", package: "Vega"),
                .product(name: "VegaMarketData", package: "Vega"),
                .product(name: "VegaTrading", package: "Vega"),
                .product(name: "VegaStrategy", package: "Vega"),
                "CITCHFraming", "MarketDataBenchSupport",
            ],
            path: "Benchmarks/StrategyBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // The whole lane in process (VegaEngine): ITCH frame in memory → order bytes out, the market
        // maker deciding on every tick (issue 7's p50 < 500 ns / p99 < 2 µs / 0 mallocs).
        .executableTarget(
            name: "LaneBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "VegaCore", package: "Vega"),
                .product(name: "VegaHardware", package: "Vega"),
                .product(name: "VegaMarketData", package: "Vega"),
                .product(name: "VegaOrderEntry", package: "Vega"),
                .product(name: "VegaTrading", package: "Vega"),
                .product(name: "VegaStrategy", package: "Vega"),
                .product(name: "VegaEngine", package: "Vega"),
                "CITCHFraming", "MarketDataBenchSupport", "LaneBenchSupport",
            ],
            path: "Benchmarks/LaneBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // The lane benchmarks' fixture, shared with `lane-profile` (callgrind/perf of the same ticks).
        .target(
            name: "LaneBenchSupport",
            dependencies: [
                .product(name: "VegaCore", package: "Vega"), .product(name: "VegaHardware", package: "Vega"),
                .product(name: "VegaMarketData", package: "Vega"), .product(name: "VegaOrderEntry", package: "Vega"),
                .product(name: "VegaTrading", package: "Vega"), .product(name: "VegaStrategy", package: "Vega"),
                .product(name: "VegaEngine", package: "Vega"), "CITCHFraming",
            ],
            path: "Sources/LaneBenchSupport"),
        .executableTarget(
            name: "lane-profile",
            dependencies: ["LaneBenchSupport", "MarketDataBenchSupport"],
            path: "Sources/lane-profile"),
        // The risk check's scenario and measured loop, shared by TradingBenchmarks and
        // `risk-profile` (one check loop for callgrind/perf: `risk-profile [checks]`).
        .target(
            name: "TradingBenchSupport",
            dependencies: [.product(name: "VegaCore", package: "Vega"), .product(name: "VegaMarketData", package: "Vega"),
                           .product(name: "VegaTrading", package: "Vega"), "CITCHFraming"],
            path: "Sources/TradingBenchSupport"),
        .executableTarget(
            name: "risk-profile",
            dependencies: ["TradingBenchSupport", "MarketDataBenchSupport"],
            path: "Sources/risk-profile"),
        // The trading lane: a full pre-trade risk check (every check on), an OMS fill update, a
        // fill through OMS + positions + breakers (VegaTrading), with per-operation TSC latency.
        .executableTarget(
            name: "TradingBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "VegaCore", package: "Vega"),
                .product(name: "VegaMarketData", package: "Vega"),
                .product(name: "VegaTrading", package: "Vega"),
                "CITCHFraming", "MarketDataBenchSupport", "TradingBenchSupport",
            ],
            path: "Benchmarks/TradingBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // FIX fixtures (Fixtures/FIX, shared with qf-bench) and the codec loops.
        .target(
            name: "FIXBenchSupport",
            dependencies: [.product(name: "VegaCore", package: "Vega"), .product(name: "VegaOrderEntry", package: "Vega")],
            path: "Sources/FIXBenchSupport"),
        // Vega's acceptor + the executor of `vega fix executor`, quiet: the far end of the session
        // round trip in fix-compare.sh.
        .executableTarget(
            name: "fix-executor-bench",
            dependencies: [.product(name: "VegaCore", package: "Vega"), .product(name: "VegaOrderEntry", package: "Vega")],
            path: "Sources/fix-executor-bench"),
        // FIX 4.4: parse + validate a NewOrderSingle, encode an ExecutionReport (fix-compare.sh
        // runs QuickFIX's qf-bench on the same bytes in the same run).
        .executableTarget(
            name: "FIXBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "VegaCore", package: "Vega"),
                .product(name: "VegaOrderEntry", package: "Vega"),
                "FIXBenchSupport",
            ],
            path: "Benchmarks/FIXBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // The venue simulator's matching engine: orders/s and per-order latency for a mix of adds,
        // cancels and marketable orders on a pre-filled book; mallocs reported.
        .executableTarget(
            name: "VenueBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "VegaCore", package: "Vega"),
                .product(name: "VegaVenue", package: "Vega"),
                "CITCHFraming", "MarketDataBenchSupport",
            ],
            path: "Benchmarks/VenueBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // The latency profiler's cost on the lane: laneTicks() (one rdtsc), a record into the
        // recorder's ring while a thread drains it, six stage stamps + record; mallocs held at 0.
        .executableTarget(
            name: "TelemetryBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "VegaTelemetry", package: "Vega"),
            ],
            path: "Benchmarks/TelemetryBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "RingBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "VegaCore", package: "Vega"),
                "RingBenchSupport", "CSPSCBaseline", "ring-peer",
            ],
            path: "Benchmarks/RingBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ]
)
