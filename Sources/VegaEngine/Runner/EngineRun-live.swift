import Glibc
import Logging
import Synchronization
import VegaHardware
import VegaJournal
import VegaOrderEntry
import VegaTrading

extension EngineRun {
    typealias LiveLane = Lane<LiveFeedQueue, LiveOrderEntryQueue, LiveLaneTap>

    /// The live lane: per venue a ``LiveFeedQueue`` (multicast feed and re-requests) and a
    /// ``LiveOrderEntryQueue`` (OUCH over SoupBinTCP), the same ``Lane`` as HardwareSim's, the
    /// same ``drive(_:index:setup:maintain:)``; ``LiveLaneUpkeep`` collects TX stamps and
    /// reconnects between polls. A socket that cannot be opened, joined or connected fails the
    /// start with the venue, the address and the system's reason.
    func liveLaneMain(_ index: Int, setup: LaneSetup, journal: Journal?) {
        let venues = plan.liveVenues
        let sendLog = UnsafeMutablePointer<LiveTxSendLog>.allocate(capacity: 1)
        sendLog.initialize(to: LiveTxSendLog())
        defer { sendLog.deallocate() }
        let now0 = engineMonotonicNanoseconds()
        var lane: LiveLane
        do {
            let channel = try RiskLimitsChannel(capacity: setup.capacity, limits: setup.limits)
            let tap = LiveLaneTap(journal: journal, receiveStamps: true, sendLog: plan.profiling == .off ? nil : sendLog)
            let core = try LaneCore(setup: setup, limits: channel, tap: tap, now: now0, profiling: plan.profiling)
            lane = try LiveLane(
                core: core, setup: setup, journal: journal, now: now0,
                marketData: { v in
                    let venue = venues[v]
                    do throws(HardwareSetupError) {
                        return try LiveFeedQueue(venue, session: setup.venues[v].feedSession)
                    } catch {
                        throw EngineError("venue \(venue.name): market data \(venue.lineA) on \(venue.interface): \(Self.withErrno(error))")
                    }
                },
                orderEntry: { v in
                    let venue = venues[v]
                    do throws(HardwareSetupError) {
                        return try LiveOrderEntryQueue(venue: v, remote: venue.orderEntry, sendLog: sendLog,
                                                       holdTransmits: venue.recovery != nil)
                    } catch {
                        throw EngineError("venue \(venue.name): order entry (OUCH/SoupBinTCP) \(venue.orderEntry): \(Self.withErrno(error))")
                    }
                })
        } catch {
            failLane(index, "\(error)")
            return
        }
        for v in venues.indices {
            let venue = venues[v]
            lane.withMarketDataQueue(v) { q in
                let recovery = venue.recovery.map { "re-requests to \($0)" } ?? "no re-request server"
                logger.info("lane \(setup.name): venue \(venue.name): market data \(q.info), \(recovery)")
                if venue.timestamping == .hardware, let why = q.hardwareUnavailableReason {
                    logger.notice("lane \(setup.name): venue \(venue.name): no hardware RX stamps (\(why)); using the kernel's software stamps")
                }
                if venue.timestamping != .none && !q.softwareStamps {
                    logger.warning("""
                        lane \(setup.name): venue \(venue.name): the kernel did not deliver a software RX stamp to a probe; \
                        frames may arrive unstamped (the profiler then starts at lane receive)
                        """)
                }
            }
            lane.withOrderEntryQueue(v) { q in
                logger.info("lane \(setup.name): venue \(venue.name): order entry \(q.info)")
            }
        }
        let upkeep = LiveLaneUpkeep(venues: venues, lane: setup.name, logger: logger)
        catchUp(&lane, setup: setup, upkeep: upkeep)
        drive(&lane, index: index, setup: setup) { lane, now in upkeep.maintain(&lane, now: now) }
        if upkeep.reconnects > 0 {
            logger.info("lane \(setup.name): \(upkeep.reconnects) order-entry reconnection(s) during the run")
        }
        _ = consume lane   // before the send log it points at goes
    }

    /// The late join (``LiveFeedQueue``): polls until every feed has fetched the session's start
    /// from its re-request server — the books are built, the strategies hear nothing of the
    /// replayed day (``Lane/muteStrategies(_:now:)``, until every session is logged in) and the
    /// order-entry queues hold the SoupBinTCP logins. Then releases the logins. Bounded at 20 s: a
    /// longer catch-up goes on while the lane logs in and trades (the log says so).
    func catchUp(_ lane: inout LiveLane, setup: LaneSetup, upkeep: LiveLaneUpkeep) {
        let venues = plan.liveVenues
        let held = lane.driverCounters.transmitErrors
        let deadline = engineMonotonicNanoseconds() &+ 20_000_000_000
        // Heard again once every session is logged in (`drive`).
        lane.muteStrategies(true, now: engineMonotonicNanoseconds())
        func catching(_ lane: borrowing LiveLane) -> [String] {
            venues.indices.compactMap { v in lane.withMarketDataQueue(v) { $0.isCatchingUp } ? venues[v].name : nil }
        }
        while !stopRequested.load(ordering: .relaxed) {
            let now = engineMonotonicNanoseconds()
            _ = lane.pollOnce(now: now)
            upkeep.maintain(&lane, now: now)
            let names = catching(lane)
            if names.isEmpty { break }
            if now > deadline {
                logger.warning("""
                    lane \(setup.name): the feeds of \(names.joined(separator: ", ")) are still catching up after 20 s; \
                    logging in anyway (the books fill in as the catch-up goes on)
                    """)
                break
            }
        }
        // The login bytes the held queues refused were not failures.
        lane.driverCounters.transmitErrors = held
        for v in venues.indices { lane.orderEntry[v].holdTransmits = false }
    }

    /// "connect 127.0.0.1:1: Connection refused (errno 111)".
    static func withErrno(_ e: HardwareSetupError) -> String {
        if case .system(let code) = e.kind { return "\(e) (errno \(code))" }
        return "\(e)"
    }
}

/// What the live backend does between two polls of a lane, on the lane thread: collect the
/// order-entry sockets' TX stamps for the profiler (``LiveLaneTap/matchTransmitStamp(venue:_:)``),
/// and look after the order-entry connections — a lost connection ends its SoupBinTCP session
/// (counted in ``LaneCounters/sessionDisconnects``, logged; the lane refuses orders to that venue
/// while it is down), then is re-established every `reconnect_ms` with a non-blocking connect and
/// a new login that requests the session and the next sequence number the lane has not seen
/// (SoupBinTCP rejoin: nothing is delivered twice, nothing is missed).
///
/// Cheap when nothing happens: one comparison per poll round; the sockets are looked at when a
/// path waits for its TX stamp, when the lane counted a queue error, and once a millisecond.
final class LiveLaneUpkeep {
    let venues: [EnginePlan.LiveVenue]
    let laneName: String
    let logger: Logger
    let stamps: UnsafeMutableBufferPointer<TxTimestamp>
    var nextHousekeeping: UInt64 = 0
    var lastErrors: UInt64 = 0
    var down: [Bool]
    var nextAttempt: [UInt64]
    var failedAttempts: [Int]
    var catchUpReported: [Bool]
    /// Connections re-established.
    private(set) var reconnects = 0

    init(venues: [EnginePlan.LiveVenue], lane: String, logger: Logger) {
        self.venues = venues
        laneName = lane
        self.logger = logger
        stamps = .allocate(capacity: 64)
        down = Array(repeating: false, count: venues.count)
        nextAttempt = Array(repeating: 0, count: venues.count)
        failedAttempts = Array(repeating: 0, count: venues.count)
        catchUpReported = Array(repeating: false, count: venues.count)
    }

    deinit { stamps.deallocate() }

    func maintain(_ lane: inout EngineRun.LiveLane, now: UInt64) {
        let errors = lane.driverCounters.receiveErrors &+ lane.driverCounters.transmitErrors
        let waiting = lane.core.tap.pendingTransmits > 0
        let due = now >= nextHousekeeping || errors != lastErrors
        guard waiting || due else { return }
        for v in 0..<venues.count {
            while true {
                let n = (try? lane.orderEntry[v].drainTxTimestamps(into: stamps)) ?? 0
                for i in 0..<n { lane.core.tap.matchTransmitStamp(venue: v, stamps[i]) }
                if n < stamps.count { break }
            }
        }
        lane.core.tap.expirePendingTransmits(now: now)
        guard due else { return }
        lastErrors = errors
        nextHousekeeping = now &+ 1_000_000
        for v in 0..<venues.count {
            look(after: v, &lane, now: now)
            if !catchUpReported[v] {
                let (catching, next, outcome) = lane.withMarketDataQueue(v) { ($0.isCatchingUp, $0.catchUpNext, $0.catchUpOutcome) }
                if !catching {
                    catchUpReported[v] = true
                    if venues[v].recovery != nil {
                        let why = outcome.map { " (\($0.rawValue))" } ?? ""
                        if outcome == .serverSilentBehindGroup || outcome == .requestFailed {
                            logger.warning("lane \(laneName): venue \(venues[v].name): late join: sequences 1..<\(next) fetched from the re-request server\(why); reading the group, which reports the rest as a gap")
                        } else {
                            logger.info("lane \(laneName): venue \(venues[v].name): late join: sequences 1..<\(next) fetched from the re-request server\(why); reading the group")
                        }
                    }
                }
            }
        }
    }

    func look(after v: Int, _ lane: inout EngineRun.LiveLane, now: UInt64) {
        let venue = venues[v]
        let queue = lane.orderEntry
        let sessions = lane.core.sessions
        if queue[v].isConnected {
            // The session may have ended on its own (a protocol violation, the venue silent past
            // the idle timeout) with the socket up: drop the socket and start again.
            guard sessions[v].soup.isClosed, let reason = sessions[v].soup.closeReason else { return }
            switch reason {
            case .logout, .endOfSession, .loginRejected: return   // ours, the venue's day, or credentials: not retried
            default: queue[v].drop(reason: HardwareError("SoupBinTCP session", code: ECONNABORTED))
            }
        }
        if !down[v] {
            down[v] = true
            failedAttempts[v] = 0
            lane.orderEntryLost(venue: v, now: now)
            let why = queue[v].lastError.map { "\($0)" } ?? "\(sessions[v].soup.closeReason.map { "\($0)" } ?? "closed")"
            let plan = venue.reconnectIntervalNanoseconds > 0
                ? "reconnecting every \(venue.reconnectIntervalNanoseconds / 1_000_000) ms"
                : "not reconnecting (reconnect_ms = 0)"
            logger.error("""
                lane \(laneName): venue \(venue.name): order-entry connection to \(venue.orderEntry) lost: \(why); \
                orders to \(venue.name) are refused until it is back; \(plan)
                """)
            nextAttempt[v] = now
        }
        guard venue.reconnectIntervalNanoseconds > 0, now >= nextAttempt[v] else { return }
        switch queue[v].reconnectStep() {
        case .inProgress:
            return
        case .failed(let code):
            failedAttempts[v] += 1
            nextAttempt[v] = now &+ venue.reconnectIntervalNanoseconds
            if failedAttempts[v] == 1 || failedAttempts[v] % 30 == 0 {
                logger.warning("""
                    lane \(laneName): venue \(venue.name): reconnecting to \(venue.orderEntry) failed: \
                    \(String(cString: strerror(code))) (errno \(code)), attempt \(failedAttempts[v])
                    """)
            }
        case .connected:
            lane.orderEntryReconnected(venue: v, now: now)
            let checkpoint = sessions[v].soup.checkpoint
            down[v] = false
            reconnects += 1
            logger.notice("""
                lane \(laneName): venue \(venue.name): reconnected to \(venue.orderEntry); logging in to session \
                "\(checkpoint.session)" at sequence \(checkpoint.nextSequence)
                """)
        }
    }
}
