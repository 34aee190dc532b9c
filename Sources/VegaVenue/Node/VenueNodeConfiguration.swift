import VegaCore
import VegaMarketData
import VegaOrderEntry

/// Everything one ``VenueNode`` needs to know: its name, its MoldUDP64 and SoupBinTCP sessions,
/// what it lists, who may log in, the background flow and the protocol timers.
///
/// A plain value: build it in code or from a file (the venue service reads TOML into it).
/// ``validate()`` (also run by `VenueNode.init`) says what is wrong with a field, naming it.
/// Times are nanoseconds.
public struct VenueNodeConfiguration: Sendable {
    /// One listed instrument.
    public struct Instrument: Sendable, Equatable {
        /// The ITCH stock locate (unique per venue, ≥ 1).
        public var locate: UInt16
        public var symbol: Symbol
        /// Where the background flow's fair price starts.
        public var referencePrice: Price4
        /// Price increment (Price(4) units, 100 = $0.01). The background flow quotes on it; the
        /// matching engine itself accepts any positive price.
        public var tick: Int64

        public init(locate: UInt16, symbol: Symbol, referencePrice: Price4, tick: Int64 = 100) {
            self.locate = locate
            self.symbol = symbol
            self.referencePrice = referencePrice
            self.tick = tick
        }
    }

    /// One firm allowed to trade over OUCH/SoupBinTCP.
    public struct Firm: Sendable, Equatable {
        /// SoupBinTCP username (1–6 printable ASCII; compared case-insensitively).
        public var username: String
        /// SoupBinTCP password (≤ 10 printable ASCII; compared case-insensitively).
        public var password: String
        /// The firm number the matching engine sees (self-match prevention groups by it). Must not
        /// fall in the background participants' range.
        public var firm: UInt32

        public init(username: String, password: String, firm: UInt32) {
            self.username = username
            self.password = password
            self.firm = firm
        }
    }

    /// Simulated participants (``VenueBackgroundFlow``) trading at a steady rate.
    public struct BackgroundFlow: Sendable, Equatable {
        public var seed: UInt64
        /// Participant actions (adds, cancels, replaces, marketable orders) per second of `now`.
        public var messagesPerSecond: Double
        /// Participants trade as firms `firstFirm ..< firstFirm + participants`.
        public var participants: UInt32 = 8
        public var firstFirm: UInt32 = 1_000
        /// Resting background orders per instrument at most.
        public var maxRestingPerInstrument: Int = 200
        /// Passive orders go up to this many ticks from the fair price.
        public var depthTicks: Int64 = 10
        public var maxOrderSize: UInt32 = 500
        /// Actions performed by one `step` at most, so a venue thread that was descheduled for a
        /// while catches up over several steps instead of in one burst.
        public var maxActionsPerStep: Int = 1_000
        /// A fair-price path shared with the other simulated venues of the process (keyed by
        /// symbol), so their prices move together; `nil`: this venue's own random walk.
        public var reference: VenueReferencePrice?

        public init(seed: UInt64, messagesPerSecond: Double) {
            self.seed = seed
            self.messagesPerSecond = messagesPerSecond
        }
    }

    /// A name for logs and file names (printable, no `/`).
    public var name: String
    /// MoldUDP64 session of the market-data feed (1–10 printable ASCII).
    public var marketDataSession: String
    /// SoupBinTCP session of the order-entry ports (1–10 printable ASCII).
    public var orderEntrySession: String
    public var instruments: [Instrument]
    public var firms: [Firm]
    /// `nil`: no background flow (only the firms trade).
    public var backgroundFlow: BackgroundFlow?
    /// Largest MoldUDP64 datagram (UDP payload).
    public var maximumPacketSize: Int = 1400
    /// ITCH messages the MoldUDP64 re-request server keeps.
    public var retainedMessages: Int = 1 << 18
    /// A MoldUDP64 heartbeat goes out after this long without a packet (NASDAQ: 1 s).
    public var marketDataHeartbeatInterval: UInt64 = 1_000_000_000
    /// SoupBinTCP server timers (spec 1.3 / 2.3.1 defaults).
    public var orderEntryHeartbeatInterval: UInt64 = 1_000_000_000
    public var orderEntryIdleTimeout: UInt64 = 15_000_000_000
    public var orderEntryLoginTimeout: UInt64 = 30_000_000_000
    /// Sequenced messages (OUCH replies) kept per firm for the day, and their bytes: allocated
    /// when the node is made. A firm whose store fills loses further replies (counted, logged).
    public var repliesPerFirm: Int = 1 << 18
    public var replyBytesPerFirm: Int = 1 << 24
    /// The time of day (ns since midnight, the ITCH and OUCH timestamp) at `open(now:)`; later
    /// timestamps are this plus the `now` elapsed since. NASDAQ's market opens at 09:30.
    public var timeOfDayAtOpen: UInt64 = 34_200_000_000_000

    public init(name: String, marketDataSession: String, orderEntrySession: String? = nil,
                instruments: [Instrument], firms: [Firm], backgroundFlow: BackgroundFlow? = nil) {
        self.name = name
        self.marketDataSession = marketDataSession
        self.orderEntrySession = orderEntrySession ?? marketDataSession
        self.instruments = instruments
        self.firms = firms
        self.backgroundFlow = backgroundFlow
    }

    /// The first problem with this configuration, naming the field, its value and what is accepted.
    public func validate() throws(VenueNodeError) {
        func bad(_ field: String, _ value: Any, _ expected: String) -> VenueNodeError {
            VenueNodeError.invalidConfiguration(venue: name, field: field, value: "\(value)", expected: expected)
        }
        guard !name.isEmpty, !name.contains("/"), name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw bad("name", name, "printable ASCII without spaces or '/'")
        }
        guard MoldUDP64SessionID(marketDataSession) != nil, !marketDataSession.isEmpty else {
            throw bad("marketDataSession", marketDataSession, "1 to 10 printable ASCII characters")
        }
        guard let s = SoupBinTCPSessionID(orderEntrySession), !s.isBlank else {
            throw bad("orderEntrySession", orderEntrySession, "1 to 10 printable ASCII characters")
        }
        guard !instruments.isEmpty else { throw bad("instruments", "[]", "at least one instrument") }
        var locates = Set<UInt16>(), symbols = Set<Symbol>()
        for (i, instrument) in instruments.enumerated() {
            guard instrument.locate >= 1 else { throw bad("instruments[\(i)].locate", instrument.locate, "1...65535") }
            guard locates.insert(instrument.locate).inserted else {
                throw bad("instruments[\(i)].locate", instrument.locate, "a locate not used by another instrument")
            }
            guard symbols.insert(instrument.symbol).inserted else {
                throw bad("instruments[\(i)].symbol", instrument.symbol, "a symbol not used by another instrument")
            }
            guard OUCHSymbol(instrument.symbol.description) != nil else {
                throw bad("instruments[\(i)].symbol", instrument.symbol, "1 to 8 printable ASCII characters")
            }
            guard instrument.tick > 0 else { throw bad("instruments[\(i)].tick", instrument.tick, "> 0") }
            guard instrument.referencePrice.rawValue > 0 else {
                throw bad("instruments[\(i)].referencePrice", instrument.referencePrice, "> 0")
            }
        }
        var usernames = Set<String>(), firmIDs = Set<UInt32>()
        for (i, firm) in firms.enumerated() {
            guard !firm.username.isEmpty, SoupBinTCPCredential(firm.username, width: 6) != nil else {
                throw bad("firms[\(i)].username", firm.username, "1 to 6 printable ASCII characters")
            }
            guard SoupBinTCPCredential(firm.password, width: 10) != nil else {
                throw bad("firms[\(i)].password", "(\(firm.password.utf8.count) characters)", "at most 10 printable ASCII characters")
            }
            guard usernames.insert(firm.username.uppercased()).inserted else {
                throw bad("firms[\(i)].username", firm.username, "a username not used by another firm (case-insensitive)")
            }
            guard firmIDs.insert(firm.firm).inserted else {
                throw bad("firms[\(i)].firm", firm.firm, "a firm number not used by another firm")
            }
            if let flow = backgroundFlow, firm.firm >= flow.firstFirm, firm.firm - flow.firstFirm < flow.participants {
                throw bad("firms[\(i)].firm", firm.firm,
                          "outside the background participants' \(flow.firstFirm)..<\(flow.firstFirm + flow.participants)")
            }
        }
        if let flow = backgroundFlow {
            guard flow.messagesPerSecond >= 0, flow.messagesPerSecond.isFinite else {
                throw bad("backgroundFlow.messagesPerSecond", flow.messagesPerSecond, "a finite rate ≥ 0")
            }
            guard flow.participants >= 1 else { throw bad("backgroundFlow.participants", flow.participants, "≥ 1") }
            guard flow.maxRestingPerInstrument >= 1 else {
                throw bad("backgroundFlow.maxRestingPerInstrument", flow.maxRestingPerInstrument, "≥ 1")
            }
            guard flow.depthTicks >= 1 else { throw bad("backgroundFlow.depthTicks", flow.depthTicks, "≥ 1") }
            guard flow.maxOrderSize >= 1 else { throw bad("backgroundFlow.maxOrderSize", flow.maxOrderSize, "≥ 1") }
            guard flow.maxActionsPerStep >= 1 else { throw bad("backgroundFlow.maxActionsPerStep", flow.maxActionsPerStep, "≥ 1") }
        }
        // A MoldUDP64 packet must hold its 20-byte header plus the longest ITCH message (50 + 2).
        guard maximumPacketSize >= 72, maximumPacketSize <= 65_507 else {
            throw bad("maximumPacketSize", maximumPacketSize, "72...65507 bytes")
        }
        guard retainedMessages >= 1 else { throw bad("retainedMessages", retainedMessages, "≥ 1") }
        guard marketDataHeartbeatInterval > 0 else { throw bad("marketDataHeartbeatInterval", 0, "> 0 ns") }
        guard orderEntryHeartbeatInterval > 0 else { throw bad("orderEntryHeartbeatInterval", 0, "> 0 ns") }
        guard repliesPerFirm >= 1 else { throw bad("repliesPerFirm", repliesPerFirm, "≥ 1") }
        guard replyBytesPerFirm >= 1024 else { throw bad("replyBytesPerFirm", replyBytesPerFirm, "≥ 1024") }
        guard timeOfDayAtOpen < 86_400_000_000_000 else {
            throw bad("timeOfDayAtOpen", timeOfDayAtOpen, "nanoseconds since midnight, < 86400e9")
        }
    }
}

/// Why a ``VenueNode`` or ``VenueSimHost`` could not be made.
public enum VenueNodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A configuration value is unusable: the venue, the field, its value and what is accepted.
    case invalidConfiguration(venue: String, field: String, value: String, expected: String)
    /// Setting up the simulated host failed: what it was doing, on which path, and why.
    case host(operation: String, path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let venue, let field, let value, let expected):
            "venue \(venue): \(field) is \(value); expected \(expected)"
        case .host(let operation, let path, let reason):
            "venue host: \(operation) \(path): \(reason)"
        }
    }
}

/// What a ``VenueNode`` did so far.
public struct VenueNodeStatistics: Sendable, Equatable, CustomStringConvertible {
    /// Orders accepted and refused by the matching engine (background flow included).
    public var ordersAccepted: UInt64 = 0
    public var ordersRejected: UInt64 = 0
    public var executions: UInt64 = 0
    public var executedShares: UInt64 = 0
    public var restingOrders: Int = 0
    /// Background participants' actions performed.
    public var backgroundActions: UInt64 = 0
    /// ITCH messages published, MoldUDP64 data packets and heartbeats sent.
    public var itchMessages: UInt64 = 0
    public var marketDataPackets: UInt64 = 0
    public var marketDataHeartbeats: UInt64 = 0
    /// MoldUDP64 re-requests received, answered with a packet, refused (malformed, other session,
    /// out of range).
    public var reRequests: UInt64 = 0
    public var reRequestsAnswered: UInt64 = 0
    public var reRequestsRefused: UInt64 = 0
    /// Order-entry connections made, logins accepted and refused, connections ended.
    public var connections: UInt64 = 0
    public var logins: UInt64 = 0
    public var loginsRejected: UInt64 = 0
    public var disconnects: UInt64 = 0
    /// OUCH messages received from firms, and those refused as malformed.
    public var ouchMessages: UInt64 = 0
    public var ouchMalformed: UInt64 = 0
    /// OUCH replies queued to firms, and those lost because a firm's reply store was full.
    public var ouchReplies: UInt64 = 0
    public var ouchRepliesDropped: UInt64 = 0
    /// Bytes for a connection the node does not know (closed or never made).
    public var bytesForUnknownConnection: UInt64 = 0
    /// ITCH publication failures (should stay 0; logged).
    public var publishErrors: UInt64 = 0

    public init() {}

    public var description: String {
        "accepted \(ordersAccepted) rejected \(ordersRejected) executions \(executions) shares \(executedShares) "
            + "resting \(restingOrders) flow \(backgroundActions) itch \(itchMessages) packets \(marketDataPackets) "
            + "heartbeats \(marketDataHeartbeats) re-requests \(reRequests) (answered \(reRequestsAnswered), "
            + "refused \(reRequestsRefused)) connections \(connections) logins \(logins) login-rejects \(loginsRejected) "
            + "disconnects \(disconnects) ouch-in \(ouchMessages) ouch-malformed \(ouchMalformed) "
            + "ouch-out \(ouchReplies) ouch-dropped \(ouchRepliesDropped)"
    }
}

/// Identifies one order-entry connection of a ``VenueNode`` (never reused within a node).
public struct VenueConnectionID: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "connection \(rawValue)" }
}
