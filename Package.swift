// swift-tools-version:6.1
// Vega: a low-latency trading stack for Linux. See ../shared/ARCHITECTURE.md for the picture.
//
// Layout (the folder names are the architecture):
//   Sources/VegaCore      value types and the lane's fixed-capacity containers
//   Sources/VegaHardware  hardware protocols and their live backends over CShims
//   HardwareSim/          VegaHardwareSim: the same protocols in software, deterministic under a seed
//   CShims/               one C target per hardware concern
//   Sources/vega          the command-line tool
//
// Release builds are whole-module optimised (SwiftPM's default for -c release); the language
// mode is Swift 6 with complete strict concurrency checking.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Vega",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vega", targets: ["vega"]),
        .library(name: "VegaCore", targets: ["VegaCore"]),
        .library(name: "VegaHardware", targets: ["VegaHardware"]),
        .library(name: "VegaHardwareSim", targets: ["VegaHardwareSim"]),
        .library(name: "VegaMarketData", targets: ["VegaMarketData"]),
        .library(name: "VegaOrderEntry", targets: ["VegaOrderEntry"]),
        .library(name: "VegaTrading", targets: ["VegaTrading"]),
        .library(name: "VegaStrategy", targets: ["VegaStrategy"]),
        .library(name: "VegaJournal", targets: ["VegaJournal"]),
        .library(name: "VegaVenue", targets: ["VegaVenue"]),
        .library(name: "VegaTelemetry", targets: ["VegaTelemetry"]),
        .library(name: "VegaEngine", targets: ["VegaEngine"]),
    ],
    traits: [
        .trait(name: "EfVi", description: "Build the Solarflare ef_vi backend (needs the Onload SDK: etherfabric/*.h and libciul1)."),
        .trait(name: "ExaNIC", description: "Build the ExaNIC backend (needs libexanic and its headers)."),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // MARK: C shims — kernel headers only, always built.
        .target(name: "CVegaNet", path: "CShims/CVegaNet"),
        .target(name: "CVegaTime", path: "CShims/CVegaTime"),
        .target(name: "CVegaFPGA", path: "CShims/CVegaFPGA"),
        .target(name: "CVegaSys", path: "CShims/CVegaSys"),

        // MARK: C shims — Debian system libraries (Scripts/install-deps.sh installs them).
        .systemLibrary(
            name: "CVegaVerbs", path: "CShims/CVegaVerbs", pkgConfig: "libibverbs",
            providers: [.apt(["libibverbs-dev"])]),
        .systemLibrary(
            name: "CVegaNUMA", path: "CShims/CVegaNUMA", pkgConfig: "numa",
            providers: [.apt(["libnuma-dev"])]),
        .systemLibrary(
            name: "CVegaPcap", path: "CShims/CVegaPcap", pkgConfig: "libpcap",
            providers: [.apt(["libpcap-dev"])]),

        // MARK: C shims — vendor SDKs not in Debian: real code only under a trait and with the SDK present.
        .target(
            name: "CVegaEFVI", path: "CShims/CVegaEFVI",
            cSettings: [.define("VEGA_EFVI", .when(traits: ["EfVi"]))],
            linkerSettings: [.linkedLibrary("ciul1", .when(traits: ["EfVi"]))]),
        .target(
            name: "CVegaExaNIC", path: "CShims/CVegaExaNIC",
            cSettings: [.define("VEGA_EXANIC", .when(traits: ["ExaNIC"]))],
            linkerSettings: [.linkedLibrary("exanic", .when(traits: ["ExaNIC"]))]),

        // MARK: Swift modules
        .target(name: "VegaCore", swiftSettings: swiftSettings),
        .target(
            name: "VegaHardware",
            dependencies: [
                "VegaCore", "CVegaNet", "CVegaTime", "CVegaFPGA", "CVegaSys",
                "CVegaVerbs", "CVegaNUMA", "CVegaPcap", "CVegaEFVI", "CVegaExaNIC",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "VegaHardwareSim",
            dependencies: ["VegaCore", "VegaHardware", "CVegaNet", "CVegaFPGA", "CVegaSys"],
            path: "HardwareSim",
            swiftSettings: swiftSettings),
        .target(
            name: "VegaMarketData",
            dependencies: [
                "VegaCore", "VegaHardware", "CVegaFPGA", "CVegaNet", "CVegaPcap",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        // Order entry: FIX 4.4, SoupBinTCP 4.0, OUCH 5.0 codecs and sans-IO sessions (FIX/, SoupBinTCP/,
        // OUCH/), their transports off the lane (Transport/) and drop copy (DropCopy/).
        .target(
            name: "VegaOrderEntry",
            dependencies: [
                "VegaCore",
                .product(name: "Logging", package: "swift-log"),
                // NIO only in Transport/: codecs, sessions and the store never import it.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings),
        // Everything between a strategy's intent and the order bytes: risk, kill switches, OMS,
        // positions and P&L, smart order routing.
        .target(
            name: "VegaTrading",
            dependencies: [
                "VegaCore", "VegaMarketData",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        // The strategy API and the native strategies (market maker, cross-venue arbitrage, VPIN).
        .target(
            name: "VegaStrategy",
            dependencies: [
                "VegaCore", "VegaMarketData", "VegaTrading",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        // The append-only journal: lane→writer ring, memory-mapped CRC32C-checked segments, index,
        // readers, verification.
        .target(
            name: "VegaJournal",
            dependencies: [
                "VegaCore", "CVegaSys",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        // The venue simulator: price-time matching, ITCH/MoldUDP64 publication, OUCH/FIX acceptors
        // (Matching/, Publishing/, Flow/, Gateways/), and the venue as a service over sockets or
        // HardwareSim links (Service/).
        .target(
            name: "VegaVenue",
            dependencies: [
                "VegaCore", "VegaHardware", "VegaHardwareSim", "VegaMarketData", "VegaOrderEntry",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),
        // Latency profiler (stage stamps, TSC, HDR histograms, plots) and metrics (swift-metrics
        // with a Prometheus endpoint). Fed from the lane through rings; never on the lane itself.
        .target(
            name: "VegaTelemetry",
            dependencies: [
                "VegaCore", "CVegaSys", "CVegaTime",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),
        // The engine: lanes wiring feeds, books, strategies, risk, OMS and order entry; the TOML
        // configuration (Configuration/); start/stop (swift-service-lifecycle); the demo.
        .target(
            name: "VegaEngine",
            dependencies: [
                "VegaCore", "VegaHardware", "VegaHardwareSim", "VegaMarketData", "VegaOrderEntry", "VegaTrading",
                "VegaStrategy", "VegaJournal", "VegaVenue", "VegaTelemetry", "CVegaSys",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "vega",
            dependencies: [
                "VegaCore", "VegaHardware", "VegaHardwareSim", "VegaMarketData", "VegaJournal", "VegaOrderEntry",
                "VegaTrading", "VegaStrategy", "VegaVenue", "VegaTelemetry", "VegaEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),

        // MARK: Tests
        // Helpers more than one test target uses: child processes with line collection, the QuickFIX
        // drivers and their .cfg files, printed FIX messages, scratch directories, a seeded generator.
        .target(name: "VegaTestSupport", path: "Tests/VegaTestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "VegaCoreTests", dependencies: ["VegaCore", "VegaTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "VegaHardwareTests",
            dependencies: [
                "VegaCore", "VegaHardware", "VegaHardwareSim", "CVegaNet", "CVegaFPGA", "CVegaSys", "CVegaNUMA",
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "VegaHardwareSimTests",
            dependencies: ["VegaCore", "VegaHardware", "VegaHardwareSim"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "VegaMarketDataTests",
            dependencies: ["VegaCore", "VegaHardware", "VegaHardwareSim", "VegaMarketData", "CVegaFPGA", "CVegaNet", "CVegaPcap", "VegaTestSupport"],
            exclude: ["ITCH/fuzz.sh"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "VegaOrderEntryTests",
            dependencies: [
                "VegaCore", "VegaOrderEntry", "VegaTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "VegaTradingTests",
            dependencies: [
                "VegaCore", "VegaMarketData", "VegaTrading",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "VegaStrategyTests",
            dependencies: [
                "VegaCore", "VegaMarketData", "VegaTrading", "VegaStrategy",
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "VegaJournalTests",
            dependencies: ["VegaCore", "VegaJournal", "CVegaSys"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "VegaVenueTests",
            dependencies: [
                "VegaCore", "VegaHardware", "VegaHardwareSim", "VegaMarketData", "VegaOrderEntry", "VegaVenue", "VegaTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "VegaTelemetryTests",
            dependencies: [
                "VegaCore", "VegaTelemetry",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "VegaEngineTests",
            dependencies: [
                "VegaCore", "VegaHardware", "VegaHardwareSim", "VegaMarketData", "VegaOrderEntry", "VegaTrading",
                "VegaStrategy", "VegaJournal", "VegaVenue", "VegaTelemetry", "VegaEngine", "VegaTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "VegaCLITests",
            dependencies: ["vega", "VegaHardware", "VegaJournal", "VegaTelemetry"],
            swiftSettings: swiftSettings),
    ]
)
