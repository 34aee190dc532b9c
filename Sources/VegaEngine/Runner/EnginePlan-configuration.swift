import VegaCore
import VegaJournal
import VegaMarketData
import VegaStrategy
import VegaTrading
import VegaVenue

extension EnginePlan {
    /// The plan of a validated configuration: one ``LaneSetup`` per `[[lanes]]` entry and, per
    /// `[[venues]]` entry, a simulated venue (HardwareSim backend) or the live venue's addresses
    /// (live backend: ``LiveVenue``, what `vega run` connects to; nothing is simulated).
    ///
    /// Passwords: a venue's `password_env` names an environment variable (from `host`); a
    /// simulated venue without one gets a password made for this run, shared by the venue and
    /// the lane (nothing secret is ever in the file); a live venue must name one.
    /// - Throws: ``EngineError`` naming the setting that cannot be run and why.
    /// - Parameter text: the TOML the configuration was parsed from, journaled so replay can
    ///   rebuild the lanes (`nil`: not journaled; replay of such a journal is refused).
    /// - Parameter forReplay: build the lanes only, to replay a journal: passwords are not read
    ///   (login packets are not part of what replay compares) and no venue is simulated.
    public init(configuration c: EngineConfiguration, text: String?, host: ConfigurationHost = .current,
                profileFile: String? = nil, forReplay: Bool = false) throws {
        let venues = c.venues.sorted { $0.id.rawValue < $1.id.rawValue }
        for (n, v) in venues.enumerated() where Int(v.id.rawValue) != n {
            throw EngineError("\(c.source): venues: ids must be 0, 1, 2, … (found \(v.name) with id \(v.id.rawValue) at position \(n))")
        }
        let live = c.engine.backend == .live
        var liveVenues: [LiveVenue] = []
        if live && !forReplay {
            for v in venues { liveVenues.append(try Self.liveVenue(v, source: c.source)) }
        }
        var passwords: [String: String] = [:]
        var laneVenues: [LaneSetup.Venue] = []
        for v in venues {
            let username = v.orderEntry.username ?? "VEGA\(v.id.rawValue)"
            var password: String
            if forReplay {
                password = "replay"
            } else if let env = v.orderEntry.passwordEnvironmentVariable {
                guard let value = host.environment[env] else {
                    throw EngineError("\(c.source): venues[\(v.id.rawValue)].order_entry.password_env: the environment variable \(env) is not set")
                }
                password = value
            } else {
                password = String(UInt64.random(in: 0...UInt64.max) % 10_000_000_000)
            }
            passwords[v.name] = password
            laneVenues.append(LaneSetup.Venue(id: v.id, name: v.name, feedSession: v.feed.session, username: username,
                                              password: password, takeFeePerShare: v.fees.takePerShare,
                                              makeFeePerShare: v.fees.makePerShare,
                                              recoveryTimeoutNanoseconds: UInt64(v.feed.recoveryTimeoutMilliseconds) * 1_000_000,
                                              recoveryRetries: v.feed.recoveryRetries))
        }
        func venueID(_ name: String) throws -> VenueID {
            guard let v = c.venue(named: name) else { throw EngineError("\(c.source): no venue named \(name)") }
            return v.id
        }
        var lanes: [LanePlan] = []
        for lane in c.lanes {
            var instruments: [LaneSetup.Instrument] = []
            for symbol in lane.instruments {
                guard let i = c.instrument(symbol: symbol), let s = Symbol(symbol) else {
                    throw EngineError("\(c.source): lane \(lane.name): unknown instrument \(symbol)")
                }
                instruments.append(LaneSetup.Instrument(id: i.id, symbol: s, venues: try i.venues.map(venueID)))
            }
            var setup = LaneSetup(name: lane.name, venues: laneVenues, instruments: instruments, limits: c.risk,
                                  capacity: c.tradingCapacity)
            for s in c.strategies where s.lane == lane.name {
                switch s.kind {
                case .marketMaker(let m, let p):
                    setup.marketMakers.append(LaneSetup.MarketMakerSlot(
                        strategy: s.id, account: s.account, instrument: m.instrument, venue: m.venue, tickSize: m.tickSize,
                        vpinBucketVolume: m.vpinBucketVolume, vpinBucketCount: m.vpinBucketCount, parameters: p))
                    if setup.laneLocate(instrument: m.instrument, venue: m.venue) != m.locate {
                        throw EngineError("\(c.source): strategy \(s.name): book locate \(m.locate) disagrees with the lane's numbering")
                    }
                case .crossVenueArbitrage(let a, let p):
                    setup.arbitrages.append(LaneSetup.ArbitrageSlot(strategy: s.id, account: s.account, instrument: a.instrument,
                                                                    first: a.first.venue, second: a.second.venue, parameters: p))
                }
            }
            do { try setup.validate() } catch { throw EngineError("\(c.source): lane \(lane.name): \(error)") }
            let sleep: UInt64? = switch lane.poll {
            case .busy: nil
            case .sleep(let ns): ns
            }
            lanes.append(LanePlan(setup: setup, core: lane.core, idleSleepNanoseconds: sleep))
        }
        var simulated: [SimulatedVenue] = []
        // One fair-price path per instrument for all simulated venues: the same stock moves
        // together on every venue, as it does across real exchanges (independent walks would
        // drift apart and hand the arbitrage a standing profit).
        let reference = VenueReferencePrice(seed: venues.compactMap(\.sim?.seed).min().map { $0 ^ 0x5EED_F00D } ?? 0x5EED_F00D)
        for v in venues where !forReplay && !live {
            guard let sim = v.sim else {
                throw EngineError("\(c.source): venues[\(v.id.rawValue)] (\(v.name)): backend \"sim\" needs a [venues.sim] section")
            }
            var nodeInstruments: [VenueNodeConfiguration.Instrument] = []
            for i in c.instruments where i.venues.contains(v.name) {
                guard let s = Symbol(i.symbol) else { continue }
                nodeInstruments.append(VenueNodeConfiguration.Instrument(locate: UInt16(nodeInstruments.count + 1), symbol: s,
                                                                         referencePrice: i.referencePrice, tick: i.tick.rawValue))
            }
            let username = laneVenues[Int(v.id.rawValue)].username
            var flow = VenueNodeConfiguration.BackgroundFlow(seed: sim.seed, messagesPerSecond: Double(sim.messageRate))
            flow.participants = sim.participants
            flow.reference = reference
            let node = VenueNodeConfiguration(
                name: v.name, marketDataSession: v.feed.session.description, instruments: nodeInstruments,
                firms: [VenueNodeConfiguration.Firm(username: username, password: passwords[v.name] ?? "", firm: 1)],
                backgroundFlow: flow)
            simulated.append(SimulatedVenue(node: node, wireLatencyNanoseconds: v.wireLatencyNanoseconds))
        }
        let profiling: LaneProfiling = switch c.telemetry.profile {
        case .full: .full
        case .endpoints: .endpoints
        case .off: .off
        }
        var metrics: (host: String, port: Int, token: String?)?
        if let listen = c.telemetry.metricsListen, !forReplay {
            var token: String?
            if let env = c.telemetry.metricsTokenEnvironmentVariable {
                guard let value = host.environment[env] else {
                    throw EngineError("\(c.source): telemetry.metrics_token_env: the environment variable \(env) is not set")
                }
                token = value
            }
            metrics = (listen.host, Int(listen.port), token)
        }
        self.init(name: c.engine.name, lanes: lanes, venues: simulated, journal: c.journal, configurationText: text,
                  profiling: profiling, profileFile: profileFile ?? c.telemetry.profileFile,
                  outlierNanoseconds: c.telemetry.outlierNanoseconds, cancelOnStop: c.engine.cancelOnStop == .all)
        self.metrics = metrics
        self.clients = try forReplay ? nil : ClientFlowPlan(configuration: c)
        if live && !forReplay {
            backend = .live
            self.liveVenues = liveVenues
        }
    }
}
