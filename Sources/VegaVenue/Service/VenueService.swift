import Logging
import Synchronization
import VegaCore
import VegaOrderEntry

/// Runs the venues of a ``VenueServiceConfiguration`` as network services, each ``VenueNode`` on
/// its own thread with its own sockets (see `VenueSocketHost`): MoldUDP64 to a multicast group,
/// a re-request server, OUCH over SoupBinTCP, FIX 4.4 acceptor sessions, and the venue's wire
/// latency on everything it sends. What `vega venue --config FILE` runs; tests drive it in
/// process on loopback and ephemeral ports.
///
/// Lifecycle: `init` makes the nodes and binds every socket (a bad address or a port in use
/// fails here, naming the venue and the socket); ``start()`` starts the FIX acceptors, opens
/// each venue (start of day on the feed) and starts its thread; ``stop()`` ends the day
/// gracefully — end-of-day cancels answered on OUCH and FIX, the MoldUDP64 end-of-session
/// packet, SoupBinTCP End of Session, then FIX Logout — and returns the final statistics.
/// Every `statisticsInterval` seconds each venue logs one line of statistics (swift-log, info).
///
/// Thread-safe. Off the lane.
public final class VenueService: Sendable {
    public let configuration: VenueServiceConfiguration
    let hosts: [VenueSocketHost]
    let logger: Logger
    private let state = Mutex<State>(State())

    struct State {
        var started = false
        var stopped: [VenueServiceStatistics]? = nil
        var fixPorts: [String: [Int]] = [:]
        var fixTasks: [Task<Void, Never>] = []
    }

    /// Makes every venue and binds its sockets.
    /// - Throws: ``VenueServiceError`` naming the venue, what could not be done and why.
    public init(configuration: VenueServiceConfiguration, logger: Logger = Logger(label: "vega.venue")) throws(VenueServiceError) {
        self.configuration = configuration
        self.logger = logger
        var hosts: [VenueSocketHost] = []
        for v in configuration.venues {
            var l = Logger(label: "vega.venue.\(v.node.name)")
            l.logLevel = logger.logLevel
            hosts.append(try VenueSocketHost(v, statisticsInterval: configuration.statisticsInterval, logger: l))
        }
        self.hosts = hosts
    }

    /// The venues' names, in configuration order.
    public var venueNames: [String] { hosts.map(\.settings.node.name) }

    /// Starts the FIX acceptors (listening when this returns), opens every venue and starts its
    /// thread. Call once.
    public func start() async throws {
        let already = state.withLock { s -> Bool in
            defer { s.started = true }
            return s.started
        }
        precondition(!already, "VenueService.start() called twice")
        for host in hosts {
            guard let engine = host.fixEngine else { continue }
            do {
                try await engine.start()
            } catch {
                throw VenueServiceError(venue: host.settings.node.name, operation: "start the FIX acceptors of \(host.settings.fix!.path)",
                                        reason: "\(error)")
            }
            let ports = await engine.acceptorPorts()
            let task = Task.detached { [host] in
                var loggedOn = Set<FIXSessionID>()
                for await event in engine.events {
                    switch event {
                    case .message(let id, let message):
                        host.enqueueFIX(id, message)
                    case .loggedOn(let id):
                        loggedOn.insert(id)
                        host.setFIXSessionsLoggedOn(loggedOn.count)
                    case .disconnected(let id, _):
                        loggedOn.remove(id)
                        host.setFIXSessionsLoggedOn(loggedOn.count)
                    default:
                        break
                    }
                }
            }
            state.withLock {
                $0.fixPorts[host.settings.node.name] = ports
                $0.fixTasks.append(task)
            }
            logger.info("venue \(host.settings.node.name): FIX acceptor on port \(ports.map(String.init).joined(separator: ","))",
                        metadata: ["sessions": "\(host.settings.fix!.sessions.count)"])
        }
        for host in hosts {
            guard host.start() else {
                throw VenueServiceError(venue: host.settings.node.name, operation: "start the venue thread", reason: "pthread_create failed")
            }
            let e = endpoints(host.settings.node.name)!
            logger.info("venue \(host.settings.node.name) open", metadata: [
                "market-data": "\(e.marketData)\(host.settings.marketData.interface.map { " on \($0)" } ?? "")",
                "re-request": "\(e.reRequest.map { "\($0)" } ?? "none")",
                "ouch": "\(e.ouch.map { "\($0)" } ?? "none")",
                "wire-latency-us": "\(Double(host.latency) / 1_000)",
            ])
        }
    }

    /// Where venue `name` can be reached (bound ports included), or `nil` for an unknown name.
    public func endpoints(_ name: String) -> VenueServiceEndpoints? {
        guard let host = hosts.first(where: { $0.settings.node.name == name }) else { return nil }
        var e = host.endpointsBase
        e.fixPorts = state.withLock { $0.fixPorts[name] } ?? []
        return e
    }

    /// Venue `name`'s statistics now, or `nil` for an unknown name.
    public func statistics(_ name: String) -> VenueServiceStatistics? {
        hosts.first { $0.settings.node.name == name }?.statistics
    }

    /// Ends every venue's day and stops: each venue thread closes its node and sends what is
    /// left (latency included), then the FIX sessions log out. Returns each venue's final
    /// statistics; calling it again returns the same.
    @discardableResult
    public func stop() async -> [VenueServiceStatistics] {
        if let done = state.withLock({ $0.stopped }) { return done }
        var out: [VenueServiceStatistics] = []
        for host in hosts { out.append(host.stopAndJoin()) }
        for host in hosts { await host.fixEngine?.stop() }
        let tasks = state.withLock { $0.fixTasks }
        for t in tasks { await t.value }
        for (i, host) in hosts.enumerated() { out[i] = host.statistics }
        state.withLock { $0.stopped = out }
        logger.info("venue service stopped")
        return out
    }
}
