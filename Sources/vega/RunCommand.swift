import ArgumentParser
import Foundation
import Logging
import VegaEngine

/// `vega run --config FILE`: the engine as a service, until SIGTERM/SIGINT (or --duration).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the engine described by a TOML configuration until SIGTERM or SIGINT.",
        discussion: """
            Reads FILE (see Config/README.md for every key; Config/demo.toml is the demo's), checks it
            — every problem is reported with the file, the key, what is wrong and what is allowed — and
            starts the venues, lanes, journal and profiler it describes. Progress is printed every
            second. On SIGTERM or SIGINT the stop is graceful: working orders are cancelled (if
            engine.cancel_on_stop = "all"), the order-entry sessions log out, the journal is drained
            and synced, the latency profile written; then the same report as `vega demo` is printed.

            backend = "sim" runs simulated venues in process over HardwareSim's shared-memory rings;
            backend = "live" connects to external venues over kernel sockets: ITCH/MoldUDP64 from a
            UDP multicast group (SO_TIMESTAMPING RX stamps), re-requests over UDP, OUCH/SoupBinTCP
            over TCP (TX stamps), reconnecting when a connection is lost. Config/live-loopback.toml
            trades against `vega venue --config Config/venue-loopback.toml` on this host.

            Examples:
              vega run --config Config/demo.toml
              vega run --config Config/demo.toml --duration 60 --profile /tmp/run.vprof
              VEGA_LOOPBACK_PASSWORD=pw vega run --config Config/live-loopback.toml
            """)

    @Option(help: "The engine's TOML configuration.")
    var config: String

    @Option(help: "Stop after this many seconds (default: run until SIGTERM/SIGINT).")
    var duration: Int?

    @Option(help: "Write the latency profile here (overrides telemetry.profile_file).")
    var profile: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        if let duration, !(1...31_536_000).contains(duration) {
            throw ValidationError("--duration must be 1…31536000 seconds, got \(duration)")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level \(logLevel): expected one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
        let (configuration, text) = try EngineCommandSupport.load(config)
        let plan = try EnginePlan(configuration: configuration, text: text, profileFile: profile)
        let venues = plan.backend == .live ? "\(plan.liveVenues.count) live venue(s)" : "\(plan.venues.count) venue(s)"
        print("vega run: \(configuration.engine.name): \(venues), \(plan.lanes.count) lane(s)")
        let final = try await EngineCommandSupport.runService(plan: plan, duration: duration.map { .seconds($0) })
        EngineCommandSupport.printReport(final, plan: plan)
    }
}
