import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import VegaCore
import VegaEngine
import VegaJournal
import VegaTelemetry
import VegaStrategy
import VegaTrading
import VegaVenue
import UnixSignals

/// `vega demo`: Vega's main job on the simulated default — two simulated venues and the engine
/// trading on HardwareSim, with live progress and a closing report.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Trade against two simulated venues on HardwareSim: market making and cross-venue arbitrage.",
        discussion: """
            Starts two simulated venues, NASDAQ and NYSE (each a matching engine with seeded background
            flow, publishing ITCH 5.0 over MoldUDP64 and taking OUCH 5.0 over SoupBinTCP, 120 µs of wire
            latency to NYSE), and one engine lane with a market maker per instrument on NASDAQ and a
            cross-venue arbitrage of AAPL — all over HardwareSim shared-memory rings, no NIC needed.
            Every second it prints orders, fills, positions, P&L and tick-to-trade latency; at the end,
            a report whose last line reads

              orders=N fills=N p50_ns=N p99_ns=N

            (tick-to-trade: from the lane receiving a market-data frame to the order handed to the
            order-entry queue, for every frame that caused an order).

            The configuration is Config/demo.toml built in (`--config FILE` runs another one; see
            Config/README.md). `--journal DIR` keeps the journal of every input and decision; replay it
            with `vega replay --journal DIR`. `--profile FILE` writes the latency histograms for
            `vega profile FILE --svg plot.svg`. Ctrl-C stops early, gracefully.

            Examples:
              vega demo
              vega demo --duration 30 --journal /tmp/demo-journal --profile /tmp/demo.vprof
            """)

    @Option(help: "Seconds to trade before stopping (1…86400).")
    var duration: Int = 10

    @Option(help: "Keep the journal in this directory (replay it with `vega replay --journal DIR`).")
    var journal: String?

    @Option(help: "Write the latency profile here (read it with `vega profile FILE`).")
    var profile: String?

    @Option(help: "Run this TOML configuration instead of the built-in demo (backend = \"sim\").")
    var config: String?

    func validate() throws {
        guard (1...86_400).contains(duration) else { throw ValidationError("--duration must be 1…86400 seconds, got \(duration)") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = .warning
            return h
        }
        let (configuration, text) = try EngineCommandSupport.load(config)
        var plan = try EnginePlan(configuration: configuration, text: text, profileFile: profile)
        if let journal {
            var j = configuration.journal ?? JournalConfiguration(directory: journal)
            j.directory = journal
            plan.journal = j
        }
        print("vega demo: \(plan.venues.count) simulated venues (\(plan.venues.map { "\($0.node.name) +\($0.wireLatencyNanoseconds / 1_000) µs" }.joined(separator: ", "))), "
              + "\(plan.lanes.count) lane(s), \(plan.lanes.flatMap { $0.setup.marketMakers }.count) market maker(s), "
              + "\(plan.lanes.flatMap { $0.setup.arbitrages }.count) arbitrage(s); trading for \(duration) s")
        let final = try await EngineCommandSupport.runService(plan: plan, duration: .seconds(duration))
        EngineCommandSupport.printReport(final, plan: plan)
    }
}

/// Shared by `vega demo` and `vega run`.
enum EngineCommandSupport {
    static func load(_ path: String?) throws -> (EngineConfiguration, String) {
        if let path {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            do {
                return (try EngineConfiguration.parse(toml: text, file: path), text)
            } catch {
                throw ValidationError("\(error)")
            }
        }
        return (EngineConfiguration.demo, EngineConfiguration.demoText)
    }

    static func runService(plan: EnginePlan, duration: Duration?) async throws -> EngineSnapshot {
        let logger = Logger(label: "vega.engine")
        let isTTY = isatty(STDOUT_FILENO) == 1
        let service = EngineService(plan: plan, duration: duration, logger: logger) { snapshot in
            let line = progressLine(snapshot)
            if isTTY { print("\u{1B}[2K\r" + line, terminator: "") } else { print(line) }
            fflush(nil)
        }
        let group = ServiceGroup(configuration: .init(services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            if isTTY { print("") }
            throw ValidationError("engine: \(error)")
        }
        if isTTY { print("") }
        guard let final = service.final else { throw ValidationError("the engine stopped without a final report") }
        return final
    }

    static func progressLine(_ s: EngineSnapshot) -> String {
        let seconds = s.elapsedNanoseconds / 1_000_000_000
        var positions: [String] = []
        var pnl: Int64 = 0
        for lane in s.lanes {
            pnl += lane.lane.netPnL
            var bySymbol: [String: Int64] = [:]
            for st in lane.strategies { bySymbol[st.symbol, default: 0] += st.position }
            positions += bySymbol.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value >= 0 ? "+" : "")\($0.value)" }
        }
        let row = s.latency?.row(for: .laneToTx)
        return "t=\(seconds)s orders=\(s.orders) fills=\(s.fills) pos[\(positions.joined(separator: " "))] pnl=\(formatDollars(pnl))"
            + (row.map { " tick-to-trade p50=\(formatNanoseconds($0.p50)) p99=\(formatNanoseconds($0.p99)) (\($0.count))" } ?? "")
    }

    static func printReport(_ s: EngineSnapshot, plan: EnginePlan) {
        print("\n== Report (\(String(format: "%.1f", Double(s.elapsedNanoseconds) / 1e9)) s)")
        for lane in s.lanes {
            let c = lane.counters
            print("lane \(lane.name): frames \(c.frames), messages \(c.messages), book events \(c.bookEvents), trades seen \(c.tradeEvents), strategy calls \(c.strategyCalls)")
            print("  orders \(c.ordersSent) new, \(c.replacesSent) replaces, \(c.cancelsSent) cancels; risk rejects \(c.riskRejects), venue rejects \(c.venueRejects), send failures \(c.sendFailures), refused while a session was down \(c.sessionDown)")
            if !lane.riskRejects.isEmpty {
                print("  risk rejects by reason: " + lane.riskRejects.map { "\($0.reason) \($0.count)" }.joined(separator: ", "))
            }
            if !lane.omsRejects.isEmpty {
                print("  OMS refusals by reason: " + lane.omsRejects.map { "\($0.reason) \($0.count)" }.joined(separator: ", "))
            }
            if c.lateAnswers > 0 {
                print("  late venue answers (cancel/replace rejected after the order had finished): \(c.lateAnswers)")
            }
            print("  fills \(c.fills) (\(c.filledShares) shares); feed gaps \(lane.feedGaps); journal overflows \(lane.journalOverflows); latency samples dropped \(lane.latencyDropped)")
            for st in lane.strategies {
                let t = st.totals
                print("  \(st.kind) #\(st.id.rawValue) \(st.symbol): position \(st.position), realized \(formatDollars(t.realized)), unrealized \(formatDollars(t.unrealized)), fees \(formatDollars(t.fees)), net \(formatDollars(t.netPnL))")
                if let m = st.marketMaker {
                    print("    quotes \(m.newQuotes) new, \(m.replaces) replaced, \(m.cancels) cancelled; held back: \(m.limitedByRate) by its order_rate, \(m.heldBackSelfMatch) as crossing our own orders, \(m.limitedByWorkingOrders) by max_working_orders; \(m.requotesSuppressed) moves within requote_threshold; rejects \(m.rejects)")
                }
                if let a = st.arbitrage {
                    print("    cycles \(a.fired) fired, \(a.completed) ended flat, \(a.legImbalances) imbalanced (\(a.flattenOrders) flattening orders); not taken: \(a.skippedSelfMatch) against our own order, \(a.skippedNoRoom) no room; orders refused \(a.rejects), back-offs \(a.backoffs)")
                }
            }
            if plan.backend == .live {
                print("  order entry: logins \(c.logins), disconnects \(c.sessionDisconnects); TX stamps matched \(lane.transmitStampsMatched), missed \(lane.transmitStampsMissed)")
            }
            print("  lane P&L: net \(formatDollars(lane.lane.netPnL)) (realized \(formatDollars(lane.lane.realized)), fees \(formatDollars(lane.lane.fees))); working orders at stop \(lane.workingOrders)")
        }
        if let report = s.latency {
            print("latency (ns):")
            print(report.description.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        }
        if let j = plan.journal { print("journal: \(j.directory) (replay: vega replay --journal \(j.directory))") }
        if let p = plan.profileFile { print("latency profile: \(p) (vega profile \(p) --svg plot.svg)") }
        let row = s.latency?.row(for: .laneToTx)
        print("orders=\(s.orders) fills=\(s.fills) p50_ns=\(row?.p50 ?? 0) p99_ns=\(row?.p99 ?? 0)")
    }
}
