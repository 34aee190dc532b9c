import Foundation
import Logging
import Prometheus
import ServiceLifecycle
import VegaTelemetry
import VegaTrading

/// The engine as a swift-service-lifecycle `Service`: ``run()`` starts an ``EngineRun``, reports
/// progress about once a second, and on graceful shutdown (SIGTERM/SIGINT through the
/// `ServiceGroup`, or `duration` elapsed) performs the graceful stop — working orders
/// cancelled per the plan, sessions logged out, journal drained and synced — then returns.
/// Client FIX sessions (`[clients]`) start once the lanes are up and are logged out first at a
/// stop; the drop copy stops last, after the lanes' final reports.
public final class EngineService: Service, @unchecked Sendable {
    public let plan: EnginePlan
    public let duration: Duration?
    let progress: @Sendable (EngineSnapshot) -> Void
    let logger: Logger
    /// The final snapshot, once ``run()`` has returned.
    public private(set) var final: EngineSnapshot?
    /// The metrics endpoint's bound port while running (when the plan asks for one).
    public var metricsPort: Int? { endpoint?.port }
    var endpoint: MetricsEndpoint?
    var mirror: CounterMirror?

    public init(plan: EnginePlan, duration: Duration?, logger: Logger = Logger(label: "vega.engine"),
                progress: @escaping @Sendable (EngineSnapshot) -> Void) {
        self.plan = plan
        self.duration = duration
        self.progress = progress
        self.logger = logger
    }

    public func run() async throws {
        let engine = EngineRun(plan: plan, logger: logger)
        if let m = plan.metrics {
            let registry = PrometheusCollectorRegistry()
            let endpoint = MetricsEndpoint(registry: registry, configuration: .init(host: m.host, port: m.port, bearerToken: m.token))
            let port = try await endpoint.start()
            logger.info("metrics: http://\(m.host):\(port)/metrics\(m.token == nil ? "" : " (bearer token required)")")
            self.endpoint = endpoint
            mirror = CounterMirror(factory: PrometheusMetricsFactory(registry: registry))
        }
        do {
            try engine.start()
            do { try await engine.startClients() } catch {
                engine.stop()
                await engine.finishClients()
                throw error
            }
        } catch {
            await endpoint?.stop()
            throw error
        }
        let start = ContinuousClock.now
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                if let duration, ContinuousClock.now - start >= duration { break }
                try? await Task.sleep(for: .seconds(1))
                if Task.isShuttingDownGracefully || Task.isCancelled { break }
                let snapshot = engine.snapshot()
                publishMetrics(snapshot, clients: await engine.clientGateway?.statistics())
                progress(snapshot)
            }
        } onGracefulShutdown: {
            self.logger.info("graceful stop requested")
        }
        // Clients out first, the lanes, then the drop copy once it has the lanes' last reports.
        await engine.stopClients()
        final = engine.stop()
        await engine.finishClients()
        if let final { publishMetrics(final, clients: await engine.clientGateway?.statistics()) }
        await endpoint?.stop()
    }

    /// The lanes' counters, positions and P&L, the client gateway's counters (with `[clients]`)
    /// and the latency percentiles, into the metrics (absolute values copied off the lanes
    /// become counter increments; gauges are set).
    func publishMetrics(_ s: EngineSnapshot, clients: ClientGatewayStatistics? = nil) {
        guard let mirror else { return }
        var readings: [CounterReading] = []
        if let c = clients {
            readings += Self.clientReadings(c)
            try? mirror.set(gauge: "client_orders_retained", dimensions: [], to: Double(c.retainedOrders))
        }
        for lane in s.lanes {
            let d = [("lane", lane.name)]
            let c = lane.counters
            readings += [
                CounterReading("feed_frames", c.frames, dimensions: d),
                CounterReading("feed_messages", c.messages, dimensions: d),
                CounterReading("feed_gaps", lane.feedGaps, dimensions: d),
                CounterReading("book_events", c.bookEvents, dimensions: d),
                CounterReading("trade_events", c.tradeEvents, dimensions: d),
                CounterReading("strategy_calls", c.strategyCalls, dimensions: d),
                CounterReading("strategy_intents", c.intents, dimensions: d),
                CounterReading("orders_sent", c.ordersSent, dimensions: d + [("kind", "new")]),
                CounterReading("orders_sent", c.replacesSent, dimensions: d + [("kind", "replace")]),
                CounterReading("orders_sent", c.cancelsSent, dimensions: d + [("kind", "cancel")]),
                CounterReading("oms_fills", c.fills, dimensions: d),
                CounterReading("oms_filled_shares", c.filledShares, dimensions: d),
                CounterReading("oms_refused", c.omsRefused, dimensions: d),
                CounterReading("late_venue_answers", c.lateAnswers, dimensions: d),
                CounterReading("venue_rejects", c.venueRejects, dimensions: d),
                CounterReading("session_down_refusals", c.sessionDown, dimensions: d),
                CounterReading("session_disconnects", c.sessionDisconnects, dimensions: d),
                CounterReading("journal_overflows", lane.journalOverflows, dimensions: d),
                CounterReading("latency_samples_dropped", lane.latencyDropped, dimensions: d),
            ]
            for r in lane.riskRejects {
                readings.append(CounterReading("risk_rejects", r.count, dimensions: d + [("reason", r.reason)]))
            }
            try? mirror.set(gauge: "sessions_logged_in", dimensions: d, to: Double(lane.sessionsLoggedIn))
            try? mirror.set(gauge: "working_orders", dimensions: d, to: Double(lane.workingOrders))
            try? mirror.set(gauge: "pnl_net_dollars", dimensions: d, to: Double(lane.lane.netPnL) / 10_000)
            for st in lane.strategies {
                let sd = d + [("strategy", "\(st.id.rawValue)"), ("symbol", st.symbol)]
                try? mirror.set(gauge: "strategy_position_shares", dimensions: sd, to: Double(st.position))
                try? mirror.set(gauge: "strategy_pnl_net_dollars", dimensions: sd, to: Double(st.totals.netPnL) / 10_000)
            }
        }
        _ = mirror.update(readings)
        if let latency = s.latency { mirror.publish(latency, name: "tick_to_trade") }
    }

    /// The client gateway's counters as metric readings (`client_*`, `drop_copies_sent`).
    static func clientReadings(_ c: ClientGatewayStatistics) -> [CounterReading] {
        [
            CounterReading("client_messages_received", UInt64(c.received)),
            CounterReading("client_requests_forwarded", UInt64(c.forwarded)),
            CounterReading("client_requests_refused", UInt64(c.refusedOffLane), dimensions: [("where", "gateway")]),
            CounterReading("client_requests_refused", UInt64(c.inboundRingFull), dimensions: [("where", "inbound_ring_full")]),
            CounterReading("client_reports_sent", UInt64(c.sentToClients)),
            CounterReading("drop_copies_sent", UInt64(c.dropCopies)),
            CounterReading("client_events_unmatched", UInt64(c.unmatchedEvents)),
            CounterReading("client_events_missed", UInt64(c.missedEvents)),
            CounterReading("client_orders_forgotten", UInt64(c.forgottenOrders)),
        ]
    }
}
