import VegaCore
import VegaJournal
import VegaStrategy
import VegaTrading

/// A whole deployment, read from one TOML file and fully validated: venues with their feeds,
/// order entry and fees; instruments; accounts; lanes and their cores; strategies with their
/// parameters; risk limits; client-facing FIX sessions; the journal; telemetry.
///
/// Get one from ``load(path:host:)`` or ``parse(toml:file:host:)`` (Config/README.md is the
/// users' reference for the file, key by key), or use ``demo``. A value that came from either
/// has passed every check: names referenced exist, identifiers are unique, every strategy's
/// instrument is on a lane and trades on the strategy's venue(s), the risk limits pass
/// ``RiskLimits/validate(capacity:)`` against ``tradingCapacity``, the strategies'
/// configurations and parameters pass their own `validate()`. Building one by hand skips those
/// checks.
///
/// Off the lane: a plain value with arrays and strings, built once at start. Order everywhere
/// is the file's order.
public struct EngineConfiguration: Sendable {
    /// Where this configuration came from (the path given to ``load(path:host:)``, the `file`
    /// given to ``parse(toml:file:host:)``, or `"<demo>"`); used in log lines.
    public var source: String
    /// `[engine]`: name, backend, stop policy.
    public var engine: EngineSettings
    /// `[[accounts]]`, in file order.
    public var accounts: [AccountConfiguration]
    /// `[[venues]]`, in file order. `venues[i].id` is the lane's venue index.
    public var venues: [VenueConfiguration]
    /// `[[instruments]]`, in file order.
    public var instruments: [InstrumentConfiguration]
    /// `[[lanes]]`, in file order; each instrument is on exactly one.
    public var lanes: [LaneConfiguration]
    /// `[[strategies]]`, in file order, with their ready VegaStrategy configurations and parameters.
    public var strategies: [StrategyConfiguration]
    /// `[risk]`: the lanes' limits (every lane starts with the same limits; instruments keyed by
    /// ``InstrumentConfiguration/id``, accounts by ``AccountConfiguration/id``). Valid against
    /// ``tradingCapacity``.
    public var risk: RiskLimits
    /// `[[fix_sessions]]`: client-facing FIX sessions, each a QuickFIX-format `.cfg` already parsed.
    public var fixSessions: [FIXSessionsFile]
    /// `[clients]`: client order flow over those sessions; `nil` when the file has none.
    public var clients: ClientsConfiguration? = nil
    /// `[journal]`; `nil` when the file has no `[journal]` table: no journal is written.
    public var journal: JournalConfiguration?
    /// `[telemetry]`: metrics endpoint and latency profiler.
    public var telemetry: TelemetryConfiguration

    /// Assembles a configuration without checking it (see the type's doc for what `load` checks).
    public init(source: String, engine: EngineSettings, accounts: [AccountConfiguration], venues: [VenueConfiguration],
                instruments: [InstrumentConfiguration], lanes: [LaneConfiguration], strategies: [StrategyConfiguration],
                risk: RiskLimits, fixSessions: [FIXSessionsFile] = [], journal: JournalConfiguration? = nil,
                telemetry: TelemetryConfiguration = TelemetryConfiguration()) {
        self.source = source
        self.engine = engine
        self.accounts = accounts
        self.venues = venues
        self.instruments = instruments
        self.lanes = lanes
        self.strategies = strategies
        self.risk = risk
        self.fixSessions = fixSessions
        self.journal = journal
        self.telemetry = telemetry
    }
}

/// `[engine]`: what the deployment is called, what it runs on, what a stop does.
public struct EngineSettings: Sendable, Equatable {
    /// `backend`: where packets come from and go to.
    public enum Backend: String, Sendable, Equatable, CaseIterable {
        /// Everything in process on VegaHardwareSim: every venue is simulated (`[venues.sim]`).
        case sim
        /// Real sockets / NICs: feeds on `udp`, `efvi` or `verbs`, order entry over TCP.
        case live
    }

    /// `cancel_on_stop`: what SIGTERM does with working orders before logging out.
    public enum CancelOnStop: String, Sendable, Equatable, CaseIterable {
        /// Cancel every working order and wait (bounded) for the acks.
        case all
        /// Leave them working (the venue's own cancel-on-disconnect policy applies).
        case none
    }

    /// `name`: free text for logs and metrics labels (1...64 characters).
    public var name: String
    public var backend: Backend
    public var cancelOnStop: CancelOnStop

    public init(name: String, backend: Backend, cancelOnStop: CancelOnStop = .all) {
        self.name = name
        self.backend = backend
        self.cancelOnStop = cancelOnStop
    }
}

/// `[[accounts]]`: an account orders are booked to (risk limits, kill switches, P&L).
public struct AccountConfiguration: Sendable, Equatable {
    /// `name`: unique; strategies and `[risk.accounts.NAME]` refer to it.
    public var name: String
    /// `id`: 1...65535, unique.
    public var id: AccountID

    public init(name: String, id: AccountID) {
        self.name = name
        self.id = id
    }
}

extension EngineConfiguration {
    /// The venue called `name`, if any.
    public func venue(named name: String) -> VenueConfiguration? { venues.first { $0.name == name } }
    /// The instrument with this symbol, if any.
    public func instrument(symbol: String) -> InstrumentConfiguration? { instruments.first { $0.symbol == symbol } }
    /// The account called `name`, if any.
    public func account(named name: String) -> AccountConfiguration? { accounts.first { $0.name == name } }
    /// The lane that trades `instrument` (each instrument is on exactly one lane).
    public func lane(of instrument: InstrumentID) -> LaneConfiguration? {
        lanes.first { lane in lane.books.contains { $0.instrument == instrument } }
    }

    /// The sizes of a lane's trading tables that fit this configuration: the VegaTrading defaults,
    /// raised where an identifier needs more (an ID must be below its capacity). ``risk`` is
    /// valid against it. O(venues + instruments + accounts + strategies); allocates nothing.
    public var tradingCapacity: TradingCapacity {
        var c = TradingCapacity()
        c.instruments = max(c.instruments, (instruments.map { Int($0.id.rawValue) }.max() ?? 0) + 1)
        c.accounts = max(c.accounts, (accounts.map { Int($0.id.rawValue) }.max() ?? 0) + 1)
        c.strategies = max(c.strategies, (strategies.map { Int($0.id.rawValue) }.max() ?? 0) + 1)
        if let clients { c.strategies = max(c.strategies, Int(clients.strategy.rawValue) + 1) }
        c.venues = max(c.venues, (venues.map { Int($0.id.rawValue) }.max() ?? 0) + 1)
        return c
    }
}

extension EngineConfiguration: Equatable {
    /// Field by field, except ``source`` (where it was read from is not what it says).
    /// `JournalConfiguration` is not `Equatable`, so its fields are compared one by one; FIX
    /// session files compare by path and the session IDs they define.
    public static func == (a: EngineConfiguration, b: EngineConfiguration) -> Bool {
        a.engine == b.engine && a.accounts == b.accounts && a.venues == b.venues
            && a.instruments == b.instruments && a.lanes == b.lanes && a.strategies == b.strategies && a.risk == b.risk
            && a.fixSessions == b.fixSessions && a.clients == b.clients && a.telemetry == b.telemetry && journalsEqual(a.journal, b.journal)
    }

    static func journalsEqual(_ a: JournalConfiguration?, _ b: JournalConfiguration?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (x?, y?):
            return x.directory == y.directory && x.segmentBytes == y.segmentBytes && x.ringBytes == y.ringBytes
                && x.durability == y.durability && x.sessionDayOffsetSeconds == y.sessionDayOffsetSeconds
                && x.idleSleepNanoseconds == y.idleSleepNanoseconds && x.maximumBatch == y.maximumBatch
        default: return false
        }
    }
}
