import Foundation
import Logging
import ServiceLifecycle
import VegaTelemetry

/// The engine as a swift-service-lifecycle `Service`: ``run()`` starts an ``EngineRun``, reports
/// progress about once a second, and on graceful shutdown (SIGTERM/SIGINT through the
/// `ServiceGroup`, or `duration` elapsed) performs the graceful stop — working orders
/// cancelled per the plan, sessions logged out, journal drained and synced — then returns.
public final class EngineService: Service, @unchecked Sendable {
    public let plan: EnginePlan
    public let duration: Duration?
    let progress: @Sendable (EngineSnapshot) -> Void
    let logger: Logger
    /// The final snapshot, once ``run()`` has returned.
    public private(set) var final: EngineSnapshot?
    public private(set) var venueStatistics: [String] = []

    public init(plan: EnginePlan, duration: Duration?, logger: Logger = Logger(label: "vega.engine"),
                progress: @escaping @Sendable (EngineSnapshot) -> Void) {
        self.plan = plan
        self.duration = duration
        self.progress = progress
        self.logger = logger
    }

    public func run() async throws {
        let engine = EngineRun(plan: plan, logger: logger)
        try engine.start()
        let start = ContinuousClock.now
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                if let duration, ContinuousClock.now - start >= duration { break }
                try? await Task.sleep(for: .seconds(1))
                if Task.isShuttingDownGracefully || Task.isCancelled { break }
                progress(engine.snapshot())
            }
        } onGracefulShutdown: {
            self.logger.info("graceful stop requested")
        }
        final = engine.stop()
        venueStatistics = engine.venueStatistics.map { "\($0)" }
    }
}
