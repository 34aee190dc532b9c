import Glibc
import TOMLKit
import VegaCore
import VegaHardware
import VegaMarketData
import VegaOrderEntry

/// What `vega venue --config FILE` runs: one or more venues, each a ``VenueNode`` with its
/// sockets (MoldUDP64 to a UDP multicast group, a MoldUDP64 re-request server on UDP, OUCH over
/// SoupBinTCP on TCP, FIX 4.4 acceptor sessions from a QuickFIX `.cfg`) and a wire latency
/// applied to everything it sends. Read from TOML by ``init(contentsOf:environment:)``; see
/// `Config/venue-example.toml` for a commented example.
///
/// Secrets never live in the file: an OUCH firm's password comes from the environment variable
/// its `password_env` names (a `password` key is refused), a FIX session's from the `.cfg`'s
/// `PasswordEnvironmentVariable`.
public struct VenueServiceConfiguration: Sendable {
    /// Where a venue's MoldUDP64 packets go.
    public struct MarketData: Sendable, Equatable {
        /// The multicast group and port (`239.192.1.1:26400`).
        public var group: IPv4Endpoint
        /// The interface to send on (`lo` keeps the feed on this host; SO_BINDTODEVICE and
        /// IP_MULTICAST_IF, which need root); `nil`: the kernel's route for the group.
        public var interface: String?
        /// IP_MULTICAST_TTL: 0 never leaves the host, 1 stays on the local network.
        public var ttl: UInt8
        /// IP_MULTICAST_LOOP: deliver to listeners on this host (needed for tests and one-box setups).
        public var loop: Bool

        public init(group: IPv4Endpoint, interface: String? = "lo", ttl: UInt8 = 1, loop: Bool = true) {
            self.group = group
            self.interface = interface
            self.ttl = ttl
            self.loop = loop
        }
    }

    /// One venue and its transport.
    public struct Venue: Sendable {
        public var node: VenueNodeConfiguration
        public var marketData: MarketData
        /// The MoldUDP64 re-request server's UDP address (`127.0.0.1:0`: any free port); `nil`: none.
        public var reRequest: IPv4Endpoint?
        /// The OUCH/SoupBinTCP listening address; `nil`: no OUCH port.
        public var ouch: IPv4Endpoint?
        /// FIX acceptor sessions (QuickFIX `.cfg`, already read), with the firm each trades as.
        public var fix: FIX?
        /// Added to everything the venue publishes and answers (market data, re-request answers,
        /// OUCH and FIX replies), in nanoseconds: the wire between this venue and its clients.
        public var wireLatencyNanoseconds: UInt64
    }

    /// A venue's FIX acceptor sessions.
    public struct FIX: Sendable {
        /// The `.cfg` path as resolved (relative paths are relative to the TOML file's directory).
        public var path: String
        public var sessions: [FIXSessionSettings]
        /// Keys of the `.cfg` Vega does not use (from ``FIXConfiguration/warnings``).
        public var warnings: [String]
        /// The firm number each session trades as, by the client's CompID (the session's TargetCompID).
        public var firms: [String: UInt32]
    }

    /// Seconds between one-line statistics per venue in the log (0: none).
    public var statisticsInterval: Double
    public var venues: [Venue]

    public init(venues: [Venue], statisticsInterval: Double = 10) {
        self.venues = venues
        self.statisticsInterval = statisticsInterval
    }

    /// Reads and checks `path`. `environment` resolves `password_env` (default: the process's).
    /// - Throws: ``VenueConfigError`` naming the file, the key path (`venue[1].market_data.group`),
    ///   the value and what is accepted.
    public init(contentsOf path: String, environment: [String: String]? = nil) throws(VenueConfigError) {
        guard let bytes = Self.readFile(path) else {
            throw VenueConfigError(file: path, key: nil, message: "cannot read the file: \(String(cString: strerror(errno)))")
        }
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        try self.init(text: String(decoding: bytes, as: UTF8.self), file: path, directory: directory, environment: environment)
    }

    /// Parses TOML `text`; `file` names it in errors, `directory` resolves relative `.cfg` paths.
    public init(text: String, file: String = "<config>", directory: String = ".", environment: [String: String]? = nil) throws(VenueConfigError) {
        let env = environment ?? VenueServiceConfiguration.processEnvironment()
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw VenueConfigError(file: file, key: nil, message: "not valid TOML at line \(e.source.begin.line), column \(e.source.begin.column): \(e.description)")
        } catch {
            throw VenueConfigError(file: file, key: nil, message: "not valid TOML: \(error)")
        }
        let top = VenueTOMLTable(root, path: "", file: file)
        try top.allow(["stats_interval", "venue"])
        statisticsInterval = try top.double("stats_interval", default: 10, range: 0...86_400)
        let list = try top.tables("venue")
        guard !list.isEmpty else {
            throw VenueConfigError(file: file, key: "venue", message: "no [[venue]]; at least one venue is needed (see Config/venue-example.toml)")
        }
        var venues: [Venue] = []
        var names = Set<String>()
        for v in list {
            let venue = try Self.venue(v, directory: directory, environment: env)
            guard names.insert(venue.node.name).inserted else {
                throw VenueConfigError(file: file, key: v.key("name"), message: "\"\(venue.node.name)\" names another venue too; names must be unique")
            }
            venues.append(venue)
        }
        self.venues = venues
    }

    static func venue(_ t: VenueTOMLTable, directory: String, environment: [String: String]) throws(VenueConfigError) -> Venue {
        try t.allow(["name", "market_data_session", "order_entry_session", "wire_latency_us", "open_time", "max_packet",
                     "heartbeat_ms", "retained_messages", "instrument", "firm", "market_data", "rerequest", "ouch", "fix", "flow"])
        let name = try t.string("name")
        let mdSession = try t.string("market_data_session")
        guard !mdSession.isEmpty, MoldUDP64SessionID(mdSession) != nil else {
            throw t.error("market_data_session", "\"\(mdSession)\" is not a MoldUDP64 session: 1 to 10 printable ASCII characters")
        }
        let oeSession = try t.optionalString("order_entry_session") ?? mdSession
        // Instruments.
        var instruments: [VenueNodeConfiguration.Instrument] = []
        let instrumentTables = try t.tables("instrument")
        guard !instrumentTables.isEmpty else { throw t.error("instrument", "no [[venue.instrument]]; a venue lists at least one") }
        for i in instrumentTables {
            try i.allow(["locate", "symbol", "reference_price", "tick"])
            let locate = try i.int("locate", range: 1...65_535)
            let text = try i.string("symbol")
            guard let symbol = Symbol(text), !text.isEmpty, !text.contains(" ") else {
                throw i.error("symbol", "\"\(text)\" is not a symbol: 1 to 8 printable ASCII characters, no spaces")
            }
            let reference = try i.price("reference_price")
            guard reference.rawValue > 0 else { throw i.error("reference_price", "\"\(reference)\" must be positive") }
            let tick = try i.optionalPrice("tick") ?? Price4(rawValue: 100)
            guard tick.rawValue > 0 else { throw i.error("tick", "\"\(tick)\" must be positive") }
            instruments.append(.init(locate: UInt16(locate), symbol: symbol, referencePrice: reference, tick: tick.rawValue))
        }
        // OUCH firms.
        var firms: [VenueNodeConfiguration.Firm] = []
        for f in try t.tables("firm") {
            if f.has("password") {
                throw f.error("password", "secrets never go in the file; name an environment variable with password_env")
            }
            try f.allow(["firm", "username", "password_env"])
            let number = try f.int("firm", range: 0...Int(UInt32.max))
            let user = try f.string("username")
            let variable = try f.string("password_env")
            guard let password = environment[variable] else {
                throw f.error("password_env", "environment variable \(variable) is not set (it holds \(user)'s SoupBinTCP password)")
            }
            firms.append(.init(username: user, password: password, firm: UInt32(number)))
        }
        var node = VenueNodeConfiguration(name: name, marketDataSession: mdSession, orderEntrySession: oeSession,
                                          instruments: instruments, firms: firms)
        if let p = try t.optionalInt("max_packet", range: 72...65_507) { node.maximumPacketSize = p }
        if let ms = try t.optionalInt("heartbeat_ms", range: 1...3_600_000) { node.marketDataHeartbeatInterval = UInt64(ms) * 1_000_000 }
        if let n = try t.optionalInt("retained_messages", range: 1...(1 << 26)) { node.retainedMessages = n }
        if let open = try t.optionalString("open_time") {
            guard let seconds = FIXSchedule.parseTime(open) else { throw t.error("open_time", "\"\(open)\" is not HH:MM:SS") }
            node.timeOfDayAtOpen = UInt64(seconds) * 1_000_000_000
        }
        // Background flow.
        if let f = try t.optionalTable("flow") {
            try f.allow(["seed", "messages_per_second", "participants", "first_firm", "max_resting", "depth_ticks", "max_order_size"])
            var flow = VenueNodeConfiguration.BackgroundFlow(
                seed: UInt64(try f.int("seed", range: 0...Int.max)), messagesPerSecond: try f.double("messages_per_second", range: 0...10_000_000))
            if let n = try f.optionalInt("participants", range: 1...10_000) { flow.participants = UInt32(n) }
            if let n = try f.optionalInt("first_firm", range: 0...Int(UInt32.max - 10_000)) { flow.firstFirm = UInt32(n) }
            if let n = try f.optionalInt("max_resting", range: 1...1_000_000) { flow.maxRestingPerInstrument = n }
            if let n = try f.optionalInt("depth_ticks", range: 1...10_000) { flow.depthTicks = Int64(n) }
            if let n = try f.optionalInt("max_order_size", range: 1...Int(UInt32.max)) { flow.maxOrderSize = UInt32(n) }
            node.backgroundFlow = flow
        }
        do {
            try node.validate()
        } catch {
            // Name the TOML key for the node's field.
            if case .invalidConfiguration(_, let field, let value, let expected) = error {
                throw t.error(Self.tomlKey(field), "\(value); expected \(expected)")
            }
            throw t.error(nil, "\(error)")
        }
        // Market data.
        guard let md = try t.optionalTable("market_data") else {
            throw t.error("market_data", "missing [venue.market_data] (group = \"239.192.1.1:26400\")")
        }
        try md.allow(["group", "interface", "ttl", "loop"])
        let group = try md.endpoint("group")
        guard group.isMulticast, group.port != 0 else {
            throw md.error("group", "\"\(group)\" is not a multicast group with a port (224.0.0.0/4, e.g. 239.192.1.1:26400)")
        }
        let interface = try md.optionalString("interface") ?? "lo"
        if interface != "default" && if_nametoindex(interface) == 0 {
            throw md.error("interface", "\"\(interface)\" is not a network interface of this host (\"lo\", or \"default\" for the route's)")
        }
        let marketData = MarketData(group: group, interface: interface == "default" ? nil : interface,
                                    ttl: UInt8(try md.optionalInt("ttl", range: 0...255) ?? 1), loop: try md.optionalBool("loop") ?? true)
        // Re-request and OUCH.
        var reRequest: IPv4Endpoint? = nil
        if let r = try t.optionalTable("rerequest") {
            try r.allow(["listen"])
            reRequest = try r.endpoint("listen")
        }
        var ouch: IPv4Endpoint? = nil
        if let o = try t.optionalTable("ouch") {
            try o.allow(["listen"])
            ouch = try o.endpoint("listen")
            if firms.isEmpty { throw t.error("firm", "[venue.ouch] listens but no [[venue.firm]] may log in") }
        }
        // FIX.
        var fix: FIX? = nil
        if let x = try t.optionalTable("fix") {
            try x.allow(["sessions", "firms"])
            let file = try x.string("sessions")
            let resolved = file.hasPrefix("/") ? file : directory + "/" + file
            let cfg: FIXConfiguration
            do {
                cfg = try FIXConfiguration(contentsOf: resolved, environment: environment)
            } catch {
                throw x.error("sessions", "\(error)")
            }
            guard let firmTable = try x.optionalTable("firms") else {
                throw x.error("firms", "missing: give each session's client CompID its firm number ({ CLIENT1 = 101 })")
            }
            var byCompID: [String: UInt32] = [:]
            for key in firmTable.keys {
                byCompID[key] = UInt32(try firmTable.int(key, range: 0...Int(UInt32.max)))
            }
            for s in cfg.sessions {
                let client = s.configuration.sessionID.targetCompID
                guard s.configuration.role == .acceptor else {
                    throw x.error("sessions", "\(resolved): session \(s.configuration.sessionID) is an initiator; a venue only accepts (ConnectionType=acceptor)")
                }
                guard let number = byCompID[client] else {
                    throw x.error("firms", "no firm number for the session with TargetCompID \(client) (\(resolved)); add \(client) = <firm>")
                }
                if let flow = node.backgroundFlow, number >= flow.firstFirm, number - flow.firstFirm < flow.participants {
                    throw firmTable.error(client, "\(number) is a background participant's firm (\(flow.firstFirm)..<\(flow.firstFirm + flow.participants))")
                }
            }
            for key in byCompID.keys where !cfg.sessions.contains(where: { $0.configuration.sessionID.targetCompID == key }) {
                throw firmTable.error(key, "no acceptor session in \(resolved) has TargetCompID \(key)")
            }
            fix = FIX(path: resolved, sessions: cfg.sessions, warnings: cfg.warnings, firms: byCompID)
        }
        let latency = try t.double("wire_latency_us", default: 0, range: 0...10_000_000)
        return Venue(node: node, marketData: marketData, reRequest: reRequest, ouch: ouch, fix: fix,
                     wireLatencyNanoseconds: UInt64((latency * 1_000).rounded()))
    }

    /// The TOML key of a ``VenueNodeConfiguration`` field named in a validation error.
    static func tomlKey(_ field: String) -> String {
        var s = field
        for (from, to) in [("instruments[", "instrument["), ("firms[", "firm["), ("backgroundFlow.", "flow."),
                           ("referencePrice", "reference_price"), ("messagesPerSecond", "messages_per_second"),
                           ("maxRestingPerInstrument", "max_resting"), ("depthTicks", "depth_ticks"), ("maxOrderSize", "max_order_size"),
                           ("marketDataSession", "market_data_session"), ("orderEntrySession", "order_entry_session"),
                           ("maximumPacketSize", "max_packet"), ("retainedMessages", "retained_messages"),
                           ("timeOfDayAtOpen", "open_time"), ("marketDataHeartbeatInterval", "heartbeat_ms")] {
            s = s.replacing(from, with: to)
        }
        return s
    }

    /// The whole file, or `nil` (errno says why).
    static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { return out }
            out += chunk[0..<n]
        }
    }

    static func processEnvironment() -> [String: String] {
        var out: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { out[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return out
    }
}

/// A configuration problem: the file, the key path (`venue[0].market_data.group`), what is wrong
/// and what is accepted.
public struct VenueConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// Dotted TOML key path with array indexes, or `nil` for the whole file.
    public var key: String?
    public var message: String

    public init(file: String, key: String?, message: String) {
        self.file = file
        self.key = key
        self.message = message
    }

    public var description: String { "\(file): " + (key.map { "\($0): " } ?? "") + message }
}

/// A TOML table with the key path that reached it, so every error names its key.
struct VenueTOMLTable {
    let table: TOMLTable
    let path: String
    let file: String

    init(_ table: TOMLTable, path: String, file: String) {
        self.table = table
        self.path = path
        self.file = file
    }

    func key(_ k: String) -> String { path.isEmpty ? k : "\(path).\(k)" }
    func error(_ k: String?, _ message: String) -> VenueConfigError {
        VenueConfigError(file: file, key: k.map(key) ?? (path.isEmpty ? nil : path), message: message)
    }

    var keys: [String] { table.keys }
    func has(_ k: String) -> Bool { table[k] != nil }

    /// Refuses keys not in `allowed` (a typo must not be silently ignored).
    func allow(_ allowed: [String]) throws(VenueConfigError) {
        for k in table.keys.sorted() where !allowed.contains(k) {
            throw error(k, "unknown key; allowed here: \(allowed.joined(separator: ", "))")
        }
    }

    private func value(_ k: String) -> (any TOMLValueConvertible)? { table[k] }

    private func wrongType(_ k: String, _ v: any TOMLValueConvertible, _ expected: String) -> VenueConfigError {
        error(k, "has type \(v.type), expected \(expected)")
    }

    func optionalString(_ k: String) throws(VenueConfigError) -> String? {
        guard let v = value(k) else { return nil }
        guard let s = v.string else { throw wrongType(k, v, "a string") }
        return s
    }

    func string(_ k: String) throws(VenueConfigError) -> String {
        guard let s = try optionalString(k) else { throw error(k, "missing (a string)") }
        return s
    }

    func optionalInt(_ k: String, range: ClosedRange<Int>) throws(VenueConfigError) -> Int? {
        guard let v = value(k) else { return nil }
        guard let n = v.int else { throw wrongType(k, v, "an integer") }
        guard range.contains(n) else { throw error(k, "\(n) is out of range \(range.lowerBound)...\(range.upperBound)") }
        return n
    }

    func int(_ k: String, range: ClosedRange<Int>) throws(VenueConfigError) -> Int {
        guard let n = try optionalInt(k, range: range) else { throw error(k, "missing (an integer in \(range.lowerBound)...\(range.upperBound))") }
        return n
    }

    /// An integer or a float.
    func double(_ k: String, default d: Double? = nil, range: ClosedRange<Double>) throws(VenueConfigError) -> Double {
        guard let v = value(k) else {
            if let d { return d }
            throw error(k, "missing (a number in \(range.lowerBound)...\(range.upperBound))")
        }
        guard let x = v.double ?? v.int.map(Double.init) else { throw wrongType(k, v, "a number") }
        guard x.isFinite, range.contains(x) else { throw error(k, "\(x) is out of range \(range.lowerBound)...\(range.upperBound)") }
        return x
    }

    func optionalBool(_ k: String) throws(VenueConfigError) -> Bool? {
        guard let v = value(k) else { return nil }
        guard let b = v.bool else { throw wrongType(k, v, "true or false") }
        return b
    }

    /// A decimal price written as a string (`"190.25"`: exact, never a float).
    func optionalPrice(_ k: String) throws(VenueConfigError) -> Price4? {
        guard let v = value(k) else { return nil }
        guard let s = v.string else { throw wrongType(k, v, "a decimal string such as \"190.25\" (exact, not a float)") }
        do { return try Price4(parsing: s) } catch { throw self.error(k, "\(error)") }
    }

    func price(_ k: String) throws(VenueConfigError) -> Price4 {
        guard let p = try optionalPrice(k) else { throw error(k, "missing (a decimal string such as \"190.25\")") }
        return p
    }

    func endpoint(_ k: String) throws(VenueConfigError) -> IPv4Endpoint {
        let s = try string(k)
        do { return try IPv4Endpoint(s) } catch { throw self.error(k, "\"\(s)\" is not an IPv4 address:port (\(error))") }
    }

    func optionalTable(_ k: String) throws(VenueConfigError) -> VenueTOMLTable? {
        guard let v = value(k) else { return nil }
        guard let t = v.table else { throw wrongType(k, v, "a table") }
        return VenueTOMLTable(t, path: key(k), file: file)
    }

    /// An array of tables (`[[venue]]`); a single table counts as one.
    func tables(_ k: String) throws(VenueConfigError) -> [VenueTOMLTable] {
        guard let v = value(k) else { return [] }
        if let t = v.table { return [VenueTOMLTable(t, path: key(k), file: file)] }
        guard let a = v.array else { throw wrongType(k, v, "an array of tables ([[\(key(k))]])") }
        var out: [VenueTOMLTable] = []
        for i in 0..<a.count {
            guard let t = a[i].table else { throw error("\(k)[\(i)]", "has type \(a[i].type), expected a table") }
            out.append(VenueTOMLTable(t, path: "\(key(k))[\(i)]", file: file))
        }
        return out
    }
}
