import CVegaSys
import Foundation
import Logging
import Synchronization
import VegaCore
import VegaHardware
import VegaHardwareSim
import VegaJournal
import VegaMarketData
import VegaOrderEntry
import VegaTelemetry
import VegaStrategy
import VegaTrading
import VegaVenue

/// Why a run could not start or stopped badly, with what to do about it.
public struct EngineError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// CLOCK_MONOTONIC in ns: the lane's `now` (the simulated venues' clocks follow the same clock).
@inline(__always)
public func engineMonotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// A running engine: on the HardwareSim backend the simulated venues (each a thread), on the
/// live backend none (the venues are external, reached over UDP multicast and TCP; see
/// `EngineRun-live.swift`); one thread per lane (pinned when configured, busy-polling or
/// sleeping when idle), the journal's writer thread and a profiler thread draining the lanes'
/// latency rings into HDR histograms. Both backends share the lane thread's life
/// (``drive(_:index:setup:maintain:)``), the journal, the profiler, snapshots and the stop.
///
/// ``start()`` brings everything up (and fails with the reason if anything cannot start);
/// ``snapshot()`` asks every lane for its state (the lane answers between polls, off its tick
/// path); ``stop()`` is the graceful stop: each lane cancels its working orders (if the plan
/// says so) and waits up to 300 ms for the venues' answers, logs out, then the venues close,
/// the journal is drained and synced, the latency profile written.
public final class EngineRun: @unchecked Sendable {
    public let plan: EnginePlan
    let logger: Logger
    let stopRequested = Atomic<Bool>(false)
    let snapshotRequests = Atomic<UInt64>(0)
    let started = Mutex<[LaneStart?]>([])
    let snapshots = Mutex<[LaneSnapshot?]>([])
    var hosts: [VenueSimHost] = []
    var journals: [Journal] = []
    var threads: [Thread] = []
    var profilerThread: Thread?
    let profilerStop = Atomic<Bool>(false)
    public private(set) var profiler: LatencyProfiler?
    let readers = Mutex<[LatencySampleReader]>([])
    var startedAt: UInt64 = 0
    var ringDirectory: String = ""
    var createdRingDirectory = false
    public private(set) var venueStatistics: [VenueNodeStatistics] = []
    /// One per lane when the plan has client flow (made in ``start()``, kept until the end).
    public private(set) var clientLinks: [LaneClientLink] = []
    /// The client FIX side, once ``startClients()`` has run.
    public private(set) var clientGateway: ClientGateway?

    enum LaneStart { case ready, failed(String) }

    public init(plan: EnginePlan, logger: Logger = Logger(label: "vega.engine")) {
        self.plan = plan
        self.logger = logger
    }

    /// Starts venues, journal, profiler and lanes; returns when every lane is logged in to every
    /// venue (or after 5 s, with an error naming what did not come up).
    public func start() throws {
        guard !plan.lanes.isEmpty else { throw EngineError("nothing to run: the plan has no lanes") }
        switch plan.backend {
        case .sim:
            for lane in plan.lanes where lane.setup.venues.count != plan.venues.count {
                throw EngineError("lane \(lane.setup.name) trades on \(lane.setup.venues.count) venues but \(plan.venues.count) are simulated")
            }
        case .live:
            for lane in plan.lanes where lane.setup.venues.count != plan.liveVenues.count {
                throw EngineError("lane \(lane.setup.name) trades on \(lane.setup.venues.count) venues but the plan has \(plan.liveVenues.count) live venues")
            }
            if !plan.venues.isEmpty { throw EngineError("the live backend simulates no venue, but the plan lists \(plan.venues.count)") }
        }
        // Rings (HardwareSim only: the live venues are external).
        if plan.backend == .live {
            // No rings.
        } else if let dir = plan.ringDirectory {
            ringDirectory = dir
        } else {
            var template = Array("/tmp/vega-run-XXXXXX".utf8CString)
            guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
                throw EngineError("cannot create a directory for the HardwareSim rings in /tmp: \(String(cString: strerror(errno)))")
            }
            ringDirectory = String(cString: made)
            createdRingDirectory = true
        }
        for (i, v) in plan.venues.enumerated() {
            do {
                hosts.append(try VenueSimHost(configuration: v.node, directory: "\(ringDirectory)/venue-\(i)-\(v.node.name)",
                                              wireLatencyNanoseconds: v.wireLatencyNanoseconds))
            } catch {
                throw EngineError("simulated venue \(v.node.name): \(error)")
            }
        }
        // Calibrate the TSC before anything busy-polls.
        let calibration: TSCCalibration
        do { calibration = try TSCCalibration.measure() } catch {
            throw EngineError("TSC calibration failed: \(error) (the latency profiler needs an invariant TSC)")
        }
        profiler = LatencyProfiler(configuration: .init(calibration: calibration, outlierThresholdNanoseconds: plan.outlierNanoseconds),
                                   logger: Logger(label: "vega.latency"))
        // Journals: one per lane (the journal ring has one producer: the lane).
        for lane in plan.lanes {
            guard var j = plan.journal else { break }
            if plan.lanes.count > 1 { j.directory += "/\(lane.setup.name)" }
            do {
                let journal = try Journal.open(j)
                try journal.start()
                if let text = plan.configurationText {
                    // Before the lane thread exists: the lane is the ring's only producer after this.
                    let bytes = Array(text.utf8)
                    _ = bytes.withUnsafeBytes {
                        journal.ring.tryAppend(type: .configurationChange, timestamp: engineMonotonicNanoseconds(), bytes: $0)
                    }
                }
                journals.append(journal)
            } catch {
                throw EngineError("journal \(j.directory): \(error)")
            }
        }
        if let clients = plan.clients {
            clientLinks = plan.lanes.map {
                LaneClientLink(setup: $0.setup, strategy: clients.configuration.strategy,
                               replicateVenueReports: clients.dropCopySession != nil,
                               inboundCapacity: clients.configuration.inboundRing, outboundCapacity: clients.configuration.outboundRing)
            }
        }
        for h in hosts { h.start() }
        startedAt = engineMonotonicNanoseconds()
        started.withLock { $0 = Array(repeating: nil, count: plan.lanes.count) }
        snapshots.withLock { $0 = Array(repeating: nil, count: plan.lanes.count) }
        for index in plan.lanes.indices {
            let t = Thread { [self] in self.laneMain(index) }
            t.name = "vega-lane-\(plan.lanes[index].setup.name)"
            t.stackSize = 8 << 20
            threads.append(t)
            t.start()
        }
        let p = profiler!
        let pt = Thread { [self] in
            while !self.profilerStop.load(ordering: .acquiring) {
                for r in self.readers.withLock({ $0 }) { _ = p.drain(r) }
                usleep(5_000)
            }
            for r in self.readers.withLock({ $0 }) { _ = p.drain(r) }
        }
        pt.name = "vega-profiler"
        profilerThread = pt
        pt.start()
        // Wait for the lanes.
        let deadline = engineMonotonicNanoseconds() + 30_000_000_000
        while true {
            let states = started.withLock { $0 }
            if let failure = states.compactMap({ s -> String? in if case .failed(let why) = s { why } else { nil } }).first {
                _ = stop()
                throw EngineError(failure)
            }
            if states.allSatisfy({ if case .ready = $0 { true } else { false } }) { break }
            if engineMonotonicNanoseconds() > deadline {
                _ = stop()
                throw EngineError("the lanes did not log in to every venue within 30 s (see the log)")
            }
            usleep(2_000)
        }
    }

    /// Starts the client FIX sessions and the drop copy (when the plan has them), after
    /// ``start()`` returned: the lanes are up. Returns the client acceptor ports.
    @discardableResult
    public func startClients() async throws -> [Int] {
        guard let clients = plan.clients, clientGateway == nil else { return [] }
        let gateway = try ClientGateway(plan: clients, links: clientLinks, logger: logger)
        clientGateway = gateway
        do { return try await gateway.start() } catch {
            await gateway.finish()
            throw EngineError("client FIX sessions: \(error)")
        }
    }

    /// The first step of a stop: logs the clients out (their orders stay with the lanes, which
    /// cancel them per the plan).
    public func stopClients() async { await clientGateway?.stopClients() }

    /// The last step, after ``stop()``: the lanes' final events reach the drop copy, which then
    /// logs out.
    public func finishClients() async { await clientGateway?.finish() }

    /// Every lane's state now (each lane answers between two polls) and the latency so far.
    public func snapshot() -> EngineSnapshot {
        let request = snapshotRequests.add(1, ordering: .acquiringAndReleasing).newValue
        let deadline = engineMonotonicNanoseconds() + 200_000_000
        // Wait (briefly) until each lane has answered this request.
        while engineMonotonicNanoseconds() < deadline {
            if snapshots.withLock({ $0.allSatisfy { ($0?.answered ?? 0) >= request } }) { break }
            usleep(1_000)
        }
        return EngineSnapshot(elapsedNanoseconds: engineMonotonicNanoseconds() - startedAt,
                              lanes: snapshots.withLock { $0.compactMap { $0 } }, latency: profiler?.report())
    }

    /// The graceful stop (see the type's documentation). Returns the final snapshot.
    @discardableResult
    public func stop() -> EngineSnapshot {
        stopRequested.store(true, ordering: .releasing)
        for t in threads { while !t.isFinished { usleep(1_000) } }
        threads = []
        venueStatistics = hosts.map { $0.stop() }
        hosts = []
        profilerStop.store(true, ordering: .releasing)
        if let pt = profilerThread { while !pt.isFinished { usleep(1_000) } }
        profilerThread = nil
        for j in journals {
            do { try j.close() } catch { logger.error("journal close failed: \(error)") }
        }
        journals = []
        if let path = plan.profileFile, let profiler {
            do { try profiler.write(to: path) } catch { logger.error("could not write the latency profile \(path): \(error)") }
        }
        if createdRingDirectory { try? FileManager.default.removeItem(atPath: ringDirectory) }
        return EngineSnapshot(elapsedNanoseconds: engineMonotonicNanoseconds() - startedAt,
                              lanes: snapshots.withLock { $0.compactMap { $0 } }, latency: profiler?.report())
    }

    // MARK: the lane thread

    func laneMain(_ index: Int) {
        let lanePlan = plan.lanes[index]
        let setup = lanePlan.setup
        if let cpu = lanePlan.core {
            do { try LinuxHost().pinCurrentThread(toCPU: cpu) } catch {
                failLane(index, "cannot pin to CPU \(cpu): \(error)")
                return
            }
        }
        let journal = index < journals.count ? journals[index] : nil
        switch plan.backend {
        case .sim: simLaneMain(index, setup: setup, journal: journal)
        case .live: liveLaneMain(index, setup: setup, journal: journal)
        }
    }

    /// Reports that lane `index` could not start (``start()`` then fails with `why`).
    func failLane(_ index: Int, _ why: String) {
        let name = plan.lanes[index].setup.name
        logger.error("lane \(name): \(why)")
        started.withLock { $0[index] = .failed("lane \(name): \(why)") }
    }

    /// The HardwareSim lane: its queues are the simulated venues' shared-memory rings.
    func simLaneMain(_ index: Int, setup: LaneSetup, journal: Journal?) {
        let now0 = engineMonotonicNanoseconds()
        typealias SimLane = Lane<SharedMemoryFrameQueue, SharedMemoryFrameQueue, LiveLaneTap>
        var lane: SimLane
        do {
            let channel = try RiskLimitsChannel(capacity: setup.capacity, limits: setup.limits)
            let core = try LaneCore(setup: setup, limits: channel, tap: LiveLaneTap(journal: journal, receiveStamps: false),
                                    now: now0, profiling: plan.profiling)
            let hosts = self.hosts
            lane = try SimLane(core: core, setup: setup, journal: journal, now: now0,
                               marketData: { v in try SharedMemoryFrameQueue(path: hosts[v].marketDataPath) },
                               orderEntry: { v in
                                   guard let path = hosts[v].orderEntryPath(firm: setup.venues[v].username) else {
                                       throw EngineError("venue \(setup.venues[v].name) has no firm \(setup.venues[v].username)")
                                   }
                                   return try SharedMemoryFrameQueue(path: path)
                               })
        } catch {
            failLane(index, "\(error)")
            return
        }
        drive(&lane, index: index, setup: setup) { _, _ in }
    }

    /// The lane thread's life on any backend, once its lane is built: log in to every venue,
    /// poll until the stop is requested (answering snapshot requests between polls), then the
    /// graceful stop. `maintain` runs after every poll round (and while waiting at start and
    /// stop), on the lane thread, with the lane's `now`: the live backend's connection upkeep
    /// and TX-stamp collection; nothing for HardwareSim.
    func drive<MD: PacketQueue & ~Copyable, OE: PacketQueue & ~Copyable>(
        _ lane: inout Lane<MD, OE, LiveLaneTap>, index: Int, setup: LaneSetup,
        maintain: (inout Lane<MD, OE, LiveLaneTap>, UInt64) -> Void
    ) {
        let lanePlan = plan.lanes[index]
        if index < clientLinks.count { lane.core.attachClients(clientLinks[index]) }
        readers.withLock { $0.append(lane.core.tap.recorder.consumer()) }
        // Log in: the sessions sent their Login Requests when made; flush them and wait. The
        // strategies hear no market data meanwhile: every order they asked for would be refused
        // for a session not yet up.
        lane.muteStrategies(true, now: engineMonotonicNanoseconds())
        lane.handleTimer(now: engineMonotonicNanoseconds())
        let loginDeadline = engineMonotonicNanoseconds() + 10_000_000_000
        while lane.core.counters.logins < UInt64(setup.venues.count) {
            let now = engineMonotonicNanoseconds()
            _ = lane.pollOnce(now: now)
            maintain(&lane, now)
            if engineMonotonicNanoseconds() > loginDeadline {
                var states: [String] = []
                for v in 0..<setup.venues.count {
                    lane.core.withSession(v) { states.append("\(setup.venues[v].name): \($0.soup.state), closed by \($0.soup.closeReason.map { "\($0)" } ?? "-")") }
                }
                failLane(index, "not logged in to every venue after 10 s (\(lane.core.counters.logins) of \(setup.venues.count)); "
                         + "\(lane.driverCounters.orderEntryFrames) order-entry frames received; " + states.joined(separator: "; "))
                return
            }
            if stopRequested.load(ordering: .relaxed) { return }
        }
        lane.muteStrategies(false, now: engineMonotonicNanoseconds())
        started.withLock { $0[index] = .ready }
        logger.info("lane \(setup.name) running on \(lanePlan.core.map { "CPU \($0)" } ?? "any CPU"), \(setup.venues.count) venues logged in")

        var seenRequests = snapshotRequests.load(ordering: .relaxed)
        publish(&lane, index: index, setup: setup, answered: seenRequests)
        let sleep = lanePlan.idleSleepNanoseconds
        while !stopRequested.load(ordering: .relaxed) {
            let now = engineMonotonicNanoseconds()
            let n = lane.pollOnce(now: now)
            maintain(&lane, now)
            let requested = snapshotRequests.load(ordering: .relaxed)
            if requested != seenRequests {
                seenRequests = requested
                publish(&lane, index: index, setup: setup, answered: requested)
            }
            if n == 0, let sleep {
                var ts = timespec(tv_sec: Int(sleep / 1_000_000_000), tv_nsec: Int(sleep % 1_000_000_000))
                nanosleep(&ts, nil)
            }
        }
        // Graceful stop: cancel what works, collect the answers, log out.
        if plan.cancelOnStop {
            // Orders still PendingNew/PendingReplace are canceled as their answers arrive (the
            // shutdown kill switch); the wait ends when nothing is open, or after 2 s.
            let n = lane.cancelAll(now: engineMonotonicNanoseconds())
            let deadline = engineMonotonicNanoseconds() + 2_000_000_000
            while engineMonotonicNanoseconds() < deadline && lane.core.trading.orders.openOrderCount > 0 {
                let now = engineMonotonicNanoseconds()
                _ = lane.pollOnce(now: now)
                maintain(&lane, now)
            }
            let open = lane.core.trading.orders.openOrderCount
            logger.info("lane \(setup.name): \(n) cancels sent at stop, \(lane.core.counters.killCancels) in all, \(open) orders still open")
        }
        lane.logout(now: engineMonotonicNanoseconds())
        maintain(&lane, engineMonotonicNanoseconds())
        // Paths still waiting for a TX stamp are recorded without one.
        lane.core.tap.flushPendingTransmits()
        publish(&lane, index: index, setup: setup, answered: .max)
    }

    func publish<MD: PacketQueue & ~Copyable, OE: PacketQueue & ~Copyable>(
        _ lane: inout Lane<MD, OE, LiveLaneTap>, index: Int, setup: LaneSetup, answered: UInt64
    ) {
        var s = LaneSnapshot(name: setup.name)
        s.answered = answered
        s.counters = lane.core.counters
        s.driver = lane.driverCounters
        s.lane = lane.core.trading.positions.laneTotals
        s.workingOrders = Int64(lane.core.trading.orders.openOrderCount)
        for v in 0..<lane.venueCount {
            let c = lane.withFeed(v) { $0.counters }
            s.feedGaps += c.gaps
            s.feedDelivered += c.delivered
            s.feedRecovered += c.recoveredMessages
            s.feedLost += c.lostMessages
            lane.core.withSession(v) { session in
                if session.isLoggedIn { s.sessionsLoggedIn += 1 }
                s.ouchUnknownReferences += session.counters.unknownReference
                s.ouchMalformed += session.counters.malformed
            }
        }
        s.journalOverflows = lane.core.tap.journalOverflows + lane.driverCounters.journalOverflows
        s.latencyDropped = lane.core.tap.recorder.dropped
        s.transmitStampsMatched = lane.core.tap.transmitStampsMatched
        s.transmitStampsMissed = lane.core.tap.transmitStampsMissed
        for r in RiskReject.allCases {
            let n = lane.core.trading.risk.rejectCount(r)
            if n > 0 { s.riskRejects.append(("\(r)", n)) }
        }
        for r in OMSReject.allCases {
            let n = lane.core.trading.orders.rejectCount(r)
            if n > 0 { s.omsRejects.append(("\(r)", n)) }
        }
        let symbols = Dictionary(uniqueKeysWithValues: setup.instruments.map { ($0.id, $0.symbol.description) })
        for (n, m) in setup.marketMakers.enumerated() {
            let p = lane.core.trading.positions.position(strategy: m.strategy, instrument: m.instrument)
            s.strategies.append(StrategySnapshot(id: m.strategy, kind: "market maker", instrument: m.instrument,
                                                 symbol: symbols[m.instrument] ?? "?", position: p.quantity,
                                                 totals: lane.core.trading.positions.totals(strategy: m.strategy),
                                                 marketMaker: lane.core.withMarketMaker(n) { $0.strategy.counters }))
        }
        for (n, a) in setup.arbitrages.enumerated() {
            let p = lane.core.trading.positions.position(strategy: a.strategy, instrument: a.instrument)
            s.strategies.append(StrategySnapshot(id: a.strategy, kind: "arbitrage", instrument: a.instrument,
                                                 symbol: symbols[a.instrument] ?? "?", position: p.quantity,
                                                 totals: lane.core.trading.positions.totals(strategy: a.strategy),
                                                 arbitrage: lane.core.withArbitrage(n) { $0.strategy.counters }))
        }
        snapshots.withLock { $0[index] = s }
    }
}
