import VegaCore
import VegaOrderEntry
import VegaTrading

/// What the ``ClientGateway`` needs from a validated configuration, resolved once at start:
/// the client acceptor sessions and the drop-copy session (QuickFIX `.cfg` settings), and the
/// tables that turn a client's strings into the lane's integers (symbol → instrument and lane,
/// session → account and venue). Off the lane.
public struct ClientFlowPlan: Sendable {
    /// An instrument a client may trade.
    public struct Instrument: Sendable, Equatable {
        public var symbol: String
        public var id: InstrumentID
        /// Index of the lane that owns it in ``EnginePlan/lanes``.
        public var lane: Int
        public var tick: Price4
        public var venues: [VenueID]

        public init(symbol: String, id: InstrumentID, lane: Int, tick: Price4, venues: [VenueID]) {
            self.symbol = symbol
            self.id = id
            self.lane = lane
            self.tick = tick
            self.venues = venues
        }
    }

    public var configuration: ClientsConfiguration
    /// The acceptor sessions of ``ClientsConfiguration/sessions``, as the `.cfg` files define them.
    public var clientSessions: [FIXSessionSettings]
    /// The drop-copy initiator session, when configured.
    public var dropCopySession: FIXSessionSettings?
    public var instruments: [Instrument]
    /// Venue names by index (``VenueID`` raw value), for LastMkt and logs.
    public var venueNames: [String]
    /// Lane names by index.
    public var laneNames: [String]

    public init(configuration: ClientsConfiguration, clientSessions: [FIXSessionSettings], dropCopySession: FIXSessionSettings?,
                instruments: [Instrument], venueNames: [String], laneNames: [String]) {
        self.configuration = configuration
        self.clientSessions = clientSessions
        self.dropCopySession = dropCopySession
        self.instruments = instruments
        self.venueNames = venueNames
        self.laneNames = laneNames
    }

    /// The client flow of `c` (`nil` when it has no `[clients]`).
    /// - Throws: ``EngineError`` when a mapped session or an instrument's venue cannot be found
    ///   (a configuration from ``EngineConfiguration/load(path:host:)`` has passed those checks).
    public init?(configuration c: EngineConfiguration) throws {
        guard let clients = c.clients else { return nil }
        let all = c.fixSessions.flatMap(\.configuration.sessions)
        var sessions: [FIXSessionSettings] = []
        for s in clients.sessions {
            guard let settings = all.first(where: { $0.configuration.sessionID == s.sessionID && $0.configuration.role == .acceptor }) else {
                throw EngineError("\(c.source): clients: no acceptor session \(s.sessionID) in the [[fix_sessions]] files")
            }
            sessions.append(settings)
        }
        var dropCopy: FIXSessionSettings?
        if let d = clients.dropCopy {
            guard let settings = all.first(where: { $0.configuration.sessionID == d && $0.isDropCopy }) else {
                throw EngineError("\(c.source): clients.drop_copy: no DropCopy=Y session \(d) in the [[fix_sessions]] files")
            }
            dropCopy = settings
        }
        var instruments: [Instrument] = []
        for (n, lane) in c.lanes.enumerated() {
            for symbol in lane.instruments {
                guard let i = c.instrument(symbol: symbol) else { continue }
                var venues: [VenueID] = []
                for name in i.venues {
                    guard let v = c.venue(named: name) else { throw EngineError("\(c.source): instrument \(symbol): no venue \(name)") }
                    venues.append(v.id)
                }
                instruments.append(Instrument(symbol: symbol, id: i.id, lane: n, tick: i.tick, venues: venues))
            }
        }
        let venueNames = c.venues.sorted { $0.id.rawValue < $1.id.rawValue }.map(\.name)
        self.init(configuration: clients, clientSessions: sessions, dropCopySession: dropCopy, instruments: instruments,
                  venueNames: venueNames, laneNames: c.lanes.map(\.name))
    }
}
