import TOMLKit
import VegaCore
import VegaJournal
import VegaMarketData
import VegaOrderEntry
import VegaStrategy
import VegaTrading

/// Turns a parsed TOML document into an ``EngineConfiguration``, section by section, reporting
/// every problem to its ``ConfigurationDiagnostics`` and carrying on; cross-references are
/// checked where both ends were readable. Returns `nil` when something required could not be
/// built (the diagnostics then hold the reasons).
struct ConfigurationParser {
    let diagnostics: ConfigurationDiagnostics
    let host: ConfigurationHost
    let baseDirectory: String

    /// Engine backend, once read (nil: unreadable, backend-dependent checks are skipped).
    var backend: EngineSettings.Backend?
    var venuesByName: [String: VenueConfiguration] = [:]
    var instrumentsBySymbol: [String: InstrumentConfiguration] = [:]
    var accountsByName: [String: AccountConfiguration] = [:]
    var laneOfInstrument: [String: LaneConfiguration] = [:]
    /// Venues, instruments and accounts defined with problems (`"a venue:NYSE"`): references to
    /// them are not reported again — their own errors say what is wrong.
    var brokenNames: Set<String> = []

    init(diagnostics: ConfigurationDiagnostics, host: ConfigurationHost, baseDirectory: String) {
        self.diagnostics = diagnostics
        self.host = host
        self.baseDirectory = baseDirectory
    }

    static let rootKeys = ["engine", "accounts", "venues", "instruments", "lanes", "strategies", "risk", "fix_sessions",
                           "clients", "journal", "telemetry"]
    static let nameAllowed = "1...32 characters: letters, digits, \"_\", \"-\", \".\""
    static func isNameCharacter(_ c: Unicode.Scalar) -> Bool {
        c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "-" || c == ".")
    }
    /// Price and quantity bounds of VegaStrategy's parameter checks (Price4 raw, shares).
    static let priceLimit: Int64 = 1 << 40
    static let quantityLimit: Int64 = 1 << 40

    mutating func parse(_ document: TOMLTable, source: String) -> EngineConfiguration? {
        let root = ConfigurationTable(document, path: "", keys: Self.rootKeys, diagnostics: diagnostics)
        let engine = parseEngine(root)
        let accounts = parseAccounts(root)
        let venues = parseVenues(root)
        let instruments = parseInstruments(root)
        let lanes = parseLanes(root, instruments: instruments)
        let strategies = parseStrategies(root)
        let risk = parseRisk(root)
        let fixSessions = parseFIXSessions(root)
        let clients = parseClients(root, fixSessions: fixSessions, venues: venues, strategies: strategies)
        let journal = parseJournal(root)
        let telemetry = parseTelemetry(root)
        guard let engine, let risk, diagnostics.errors.isEmpty else { return nil }
        var configuration = EngineConfiguration(
            source: source, engine: engine, accounts: accounts, venues: venues, instruments: instruments, lanes: lanes,
            strategies: strategies, risk: risk, fixSessions: fixSessions, journal: journal, telemetry: telemetry)
        configuration.risk = risk
        configuration.clients = clients
        checkRisk(configuration, root: root)
        return diagnostics.errors.isEmpty ? configuration : nil
    }

    // MARK: [engine]

    mutating func parseEngine(_ root: ConfigurationTable) -> EngineSettings? {
        guard let t = root.table("engine", keys: ["name", "backend", "cancel_on_stop"], required: true) else { return nil }
        let name = t.text("name", length: 1...64, required: true, allowed: "1...64 printable ASCII characters")
        backend = t.choice("backend", EngineSettings.Backend.self, required: true)
        let cancel = t.choice("cancel_on_stop", EngineSettings.CancelOnStop.self) ?? .all
        guard let name, let backend else { return nil }
        return EngineSettings(name: name, backend: backend, cancelOnStop: cancel)
    }

    // MARK: [[accounts]]

    mutating func parseAccounts(_ root: ConfigurationTable) -> [AccountConfiguration] {
        var out: [AccountConfiguration] = []
        var names: [String: String] = [:], ids: [Int64: String] = [:]
        for t in root.tables("accounts", keys: ["name", "id"]) {
            let name = t.text("name", length: 1...32, required: true, allowed: Self.nameAllowed, isAllowed: Self.isNameCharacter)
            let id = t.integer("id", 1...65_535, required: true)
            let uniqueName = unique(name, "name", in: &names, t)
            let uniqueID = unique(id, "id", in: &ids, t)
            guard let name, let id, uniqueName, uniqueID else {
                if let name, accountsByName[name] == nil { brokenNames.insert("an account:" + name) }
                continue
            }
            let account = AccountConfiguration(name: name, id: AccountID(UInt16(id)))
            accountsByName[name] = account
            out.append(account)
        }
        return out
    }

    /// Records `value` as used by `t`; reports a repeat (with who used it first). True when new.
    func unique<K: Hashable>(_ value: K?, _ key: String, in seen: inout [K: String], _ t: ConfigurationTable) -> Bool {
        guard let value else { return true }
        if let first = seen[value] {
            t.fail(key, "\(value is String ? ConfigurationTable.quoted("\(value)") : "\(value)") is already used by \(first)",
                   allowed: "each \(key) used once among [[\(first.prefix { $0 != "[" })]]")
            return false
        }
        seen[value] = t.path
        return true
    }

    /// Reports a reference to a name that is not defined (with the nearest defined one).
    func unknownName(_ name: String, at path: String, kind: String, known: [String]) {
        if brokenNames.contains(kind + ":" + name) { return }
        // Names defined with problems of their own are still names the user wrote: list them too.
        let known = known + brokenNames.filter { $0.hasPrefix(kind + ":") }.map { String($0.dropFirst(kind.count + 1)) }.sorted()
        let suggestion = ConfigurationTable.nearest(name, in: known)
        diagnostics.report(
            path, "\(ConfigurationTable.quoted(name)) is not \(kind)" + (suggestion.map { "; did you mean \"\($0)\"?" } ?? ""),
            allowed: known.isEmpty ? "none defined" : known.map { "\"\($0)\"" }.joined(separator: ", "))
    }

    // MARK: [[venues]]

    static let feedKeys = ["session", "backend", "line_a", "line_b", "recovery", "interface"] + liveFeedKeys
    static let orderEntryKeys = ["protocol", "host", "port", "username", "password_env", "target_comp_id", "heartbeat_s"]
        + liveOrderEntryKeys

    mutating func parseVenues(_ root: ConfigurationTable) -> [VenueConfiguration] {
        var out: [VenueConfiguration] = []
        var names: [String: String] = [:], ids: [Int64: String] = [:]
        let tables = root.tables("venues", keys: ["name", "id", "wire_latency_us", "feed", "order_entry", "fees", "sim"], required: true)
        if tables.isEmpty && root.has("venues") { root.fail("venues", "no venues", allowed: "at least one [[venues]] table") }
        for t in tables {
            let name = t.text("name", length: 1...32, required: true, allowed: Self.nameAllowed, isAllowed: Self.isNameCharacter)
            let id = t.integer("id", 0...255, required: true, allowed: "an integer 0...255 (the lane's venue index)")
            let latency = t.integer("wire_latency_us", 0...1_000_000) ?? 0
            let uniqueName = unique(name, "name", in: &names, t)
            let uniqueID = unique(id, "id", in: &ids, t)
            let feed = t.table("feed", keys: Self.feedKeys, required: true).flatMap { parseFeed($0) }
            let orderEntry = parseOrderEntry(t)
            let fees = parseFees(t)
            let sim = parseSim(t, id: id)
            guard let name, let id, uniqueName, uniqueID, let feed, let orderEntry else {
                if let name, venuesByName[name] == nil { brokenNames.insert("a venue:" + name) }
                continue
            }
            let venue = VenueConfiguration(name: name, id: VenueID(UInt8(id)), wireLatencyNanoseconds: UInt64(latency) * 1_000,
                                           feed: feed, orderEntry: orderEntry, fees: fees, sim: sim)
            venuesByName[name] = venue
            out.append(venue)
        }
        return out
    }

    func parseFeed(_ f: ConfigurationTable) -> FeedConfiguration? {
        let sessionText = f.text("session", length: 1...10, required: true,
                                 allowed: "1...10 printable ASCII characters (the MoldUDP64 session, space padded)")
        let feedBackend = f.choice("backend", FeedConfiguration.Backend.self, required: true)
        var lineA: HostPort? = nil, lineB: HostPort? = nil, recovery: HostPort? = nil, interface: String? = nil
        if let feedBackend, let backend, feedBackend.isLive != (backend == .live) {
            // The addresses are moot until the backends agree: report the disagreement only.
            if backend == .sim {
                f.fail("backend", "\"\(feedBackend.rawValue)\" needs [engine] backend = \"live\"",
                       allowed: "\"sim\" while [engine] backend = \"sim\"")
            } else {
                f.fail("backend", "\"sim\" needs [engine] backend = \"sim\"",
                       allowed: "\"udp\" | \"efvi\" | \"verbs\" while [engine] backend = \"live\"")
            }
            return nil
        }
        switch feedBackend {
        case .sim?:
            for key in ["line_a", "line_b", "recovery", "interface"] + Self.liveFeedKeys where f.has(key) {
                f.fail(key, "not used with backend = \"sim\" (the simulated link needs no addresses)", allowed: "omit it")
            }
        case .some:
            lineA = f.hostPort("line_a", required: true, multicast: true)
            lineB = f.hostPort("line_b", multicast: true)
            if let lineA, let lineB, lineA == lineB {
                f.fail("line_b", "is the same group:port as line_a", allowed: "a second group:port for A/B arbitration, or omit it")
            }
            recovery = f.hostPort("recovery")
            interface = f.text("interface", length: 1...15, required: true,
                               allowed: "a network interface name, 1...15 characters (e.g. \"eth0\", \"lo\")",
                               isAllowed: { $0.value > 0x20 && $0.value < 0x7F && $0 != "/" })
        case nil:
            break
        }
        guard let sessionText, let feedBackend, let session = MoldUDP64SessionID(sessionText) else { return nil }
        if feedBackend.isLive && (lineA == nil || interface == nil) { return nil }
        var feed = FeedConfiguration(session: session, backend: feedBackend, lineA: lineA, lineB: lineB, recovery: recovery, interface: interface)
        if feedBackend.isLive { parseLiveFeed(f, into: &feed) }
        return feed
    }

    func parseOrderEntry(_ venue: ConfigurationTable) -> OrderEntryConfiguration? {
        guard let o = venue.table("order_entry", keys: Self.orderEntryKeys, required: backend == .live) else {
            // Absent with the sim backend: OUCH to the simulated venue.
            return backend == .live ? nil : OrderEntryConfiguration(orderProtocol: .ouch)
        }
        let proto = o.choice("protocol", OrderEntryConfiguration.OrderProtocol.self, required: true)
        guard let backend else { return nil }
        if backend == .sim {
            for key in Self.orderEntryKeys where key != "protocol" && o.has(key) {
                o.fail(key, "not used with [engine] backend = \"sim\" (the simulated venue needs no address or credentials)",
                       allowed: "omit it")
            }
            return proto.map { OrderEntryConfiguration(orderProtocol: $0) }
        }
        let hostAllowed = "an IPv4 address, an IPv6 address or a host name"
        var host = o.string("host", required: true, allowed: hostAllowed)
        if let h = host, !(ConfigurationTable.isHostName(h) || ConfigurationTable.parseHostPort("[\(h)]:1") != nil) {
            o.fail("host", "\(ConfigurationTable.quoted(h)) is not allowed", allowed: hostAllowed)
            host = nil
        }
        let port = o.integer("port", 1...65_535, required: true)
        let password = o.environmentVariable("password_env", environment: self.host.environment)
        var username: String? = nil, target: String? = nil, heartbeat: Int64? = nil
        switch proto {
        case .ouch?:
            username = o.text("username", length: 1...6, required: true,
                              allowed: "1...6 printable ASCII characters (the SoupBinTCP login username)",
                              isAllowed: { $0.value > 0x20 && $0.value < 0x7F })
            for key in ["target_comp_id", "heartbeat_s"] where o.has(key) {
                o.fail(key, "only with protocol = \"fix\"", allowed: "omit it for OUCH")
            }
        case .fix?:
            let compID: (Unicode.Scalar) -> Bool = { $0.value > 0x20 && $0.value < 0x7F && $0 != "|" && $0 != "=" }
            username = o.text("username", length: 1...64, required: true,
                              allowed: "1...64 printable ASCII characters without spaces (our SenderCompID)", isAllowed: compID)
            target = o.text("target_comp_id", length: 1...64, required: true,
                            allowed: "1...64 printable ASCII characters without spaces (the venue's CompID)", isAllowed: compID)
            heartbeat = o.integer("heartbeat_s", 1...3_600) ?? 30
        case nil:
            break
        }
        guard let proto, let host, let port, let username else { return nil }
        if proto == .fix && target == nil { return nil }
        if o.has("password_env") && password == nil { return nil }
        var orderEntry = OrderEntryConfiguration(orderProtocol: proto, endpoint: HostPort(host: host, port: UInt16(port)), username: username,
                                                 passwordEnvironmentVariable: password, targetCompID: target, heartbeatSeconds: Int(heartbeat ?? 30))
        parseLiveOrderEntry(o, into: &orderEntry)
        return orderEntry
    }

    func parseFees(_ venue: ConfigurationTable) -> VenueFees {
        guard let f = venue.table("fees", keys: ["take_per_share", "make_per_share"]) else { return VenueFees() }
        let range: ClosedRange<Int64> = -10_000...10_000
        return VenueFees(takePerShare: f.price("take_per_share", range) ?? .zero, makePerShare: f.price("make_per_share", range) ?? .zero)
    }

    func parseSim(_ venue: ConfigurationTable, id: Int64?) -> SimulatedVenueConfiguration? {
        let s = venue.table("sim", keys: ["seed", "message_rate", "participants"])
        guard backend == .sim else {
            if s != nil { venue.fail("sim", "only with [engine] backend = \"sim\"", allowed: "omit [venues.sim] for a live venue") }
            return nil
        }
        let defaultSeed = UInt64(id ?? 0) + 1
        guard let s else { return SimulatedVenueConfiguration(seed: defaultSeed) }
        let seed = s.integer("seed", 0...Int64.max).map(UInt64.init) ?? defaultSeed
        let rate = s.integer("message_rate", 1...10_000_000) ?? 20_000
        let participants = s.integer("participants", 1...1_000) ?? 8
        return SimulatedVenueConfiguration(seed: seed, messageRate: UInt32(rate), participants: UInt32(participants))
    }

    // MARK: [[instruments]]

    mutating func parseInstruments(_ root: ConfigurationTable) -> [InstrumentConfiguration] {
        var out: [InstrumentConfiguration] = []
        var symbols: [String: String] = [:], ids: [Int64: String] = [:]
        let tables = root.tables("instruments", keys: ["symbol", "id", "tick", "lot", "reference_price", "venues"], required: true)
        for t in tables {
            let symbol = t.text("symbol", length: 1...8, required: true, allowed: "1...8 characters of A-Z, 0-9 and \".\"",
                                isAllowed: { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "." })
            let id = t.integer("id", 1...65_535, required: true)
            let tick = t.price("tick", 1...10_000_000, required: true)
            let lot = t.integer("lot", 1...1_000_000) ?? 1
            let reference = t.price("reference_price", 1...Self.priceLimit, required: true)
            if let tick, let reference, reference.rawValue % tick.rawValue != 0 {
                t.fail("reference_price", "\(ConfigurationTable.dollarText(reference.rawValue)) is not a multiple of the tick (\(ConfigurationTable.dollarText(tick.rawValue)))",
                       allowed: "a price on the instrument's tick grid")
            }
            let venues = venueList(t, "venues", count: nil)
            let uniqueSymbol = unique(symbol, "symbol", in: &symbols, t)
            let uniqueID = unique(id, "id", in: &ids, t)
            guard let symbol, let id, let tick, let reference, let venues, uniqueSymbol, uniqueID,
                  reference.rawValue % tick.rawValue == 0 else {
                if let symbol, instrumentsBySymbol[symbol] == nil { brokenNames.insert("an instrument:" + symbol) }
                continue
            }
            let instrument = InstrumentConfiguration(symbol: symbol, id: InstrumentID(UInt32(id)), tick: tick, lot: UInt64(lot),
                                                     referencePrice: reference, venues: venues)
            instrumentsBySymbol[symbol] = instrument
            out.append(instrument)
        }
        return out
    }

    /// An array of venue names: at least one (exactly `count` when given), defined, no repeats.
    func venueList(_ t: ConfigurationTable, _ key: String, count: Int?) -> [String]? {
        let allowed = count.map { "exactly \($0) different venue names from [[venues]]" } ?? "one or more venue names from [[venues]]"
        guard let names = t.strings(key, required: true, allowed: allowed) else { return nil }
        var ok = true
        if let count, names.count != count {
            t.fail(key, "\(names.count) venue\(names.count == 1 ? "" : "s") given", allowed: allowed)
            ok = false
        } else if names.isEmpty {
            t.fail(key, "is empty", allowed: allowed)
            ok = false
        }
        var seen: Set<String> = []
        for (i, name) in names.enumerated() {
            if venuesByName[name] == nil {
                unknownName(name, at: t.path(key) + "[\(i)]", kind: "a venue", known: venuesByName.keys.sorted())
                ok = false
            } else if !seen.insert(name).inserted {
                diagnostics.report(t.path(key) + "[\(i)]", "\(ConfigurationTable.quoted(name)) is listed twice", allowed: allowed)
                ok = false
            }
        }
        return ok ? names : nil
    }

    // MARK: [[lanes]]

    /// `poll` as written.
    enum PollName: String, CaseIterable { case busy, sleep }

    mutating func parseLanes(_ root: ConfigurationTable, instruments: [InstrumentConfiguration]) -> [LaneConfiguration] {
        var out: [LaneConfiguration] = []
        var names: [String: String] = [:], cores: [Int64: String] = [:]
        var owner: [String: String] = [:]  // symbol → lane path
        let tables = root.tables("lanes", keys: ["name", "core", "poll", "sleep_us", "instruments"], required: true)
        for t in tables {
            let name = t.text("name", length: 1...32, required: true, allowed: Self.nameAllowed, isAllowed: Self.isNameCharacter)
            var core = t.integer("core", 0...4_095, allowed: "a CPU number 0...\(host.onlineCPUs - 1) of this host, or omit it to leave the lane unpinned")
            if let c = core, c >= host.onlineCPUs {
                t.fail("core", "CPU \(c) is not online on this host (it has \(host.onlineCPUs): 0...\(host.onlineCPUs - 1))",
                       allowed: "0...\(host.onlineCPUs - 1), or omit it to leave the lane unpinned")
                core = nil
            }
            let uniqueCore = unique(core, "core", in: &cores, t)
            let pollName = t.choice("poll", PollName.self) ?? .busy
            var poll = LaneConfiguration.Poll.busy
            if pollName == .sleep {
                let us = t.integer("sleep_us", 1...1_000_000) ?? 50
                poll = .sleep(nanoseconds: UInt64(us) * 1_000)
            } else if t.has("sleep_us") {
                t.fail("sleep_us", "only with poll = \"sleep\"", allowed: "omit it, or set poll = \"sleep\"")
            }
            let uniqueName = unique(name, "name", in: &names, t)
            let symbols = t.strings("instruments", required: true, allowed: "one or more instrument symbols from [[instruments]]")
            var books: [LaneBook] = []
            var ok = symbols != nil
            if let symbols, symbols.isEmpty {
                t.fail("instruments", "is empty", allowed: "one or more instrument symbols from [[instruments]]")
                ok = false
            }
            for (i, symbol) in (symbols ?? []).enumerated() {
                let p = t.path("instruments") + "[\(i)]"
                guard let instrument = instrumentsBySymbol[symbol] else {
                    unknownName(symbol, at: p, kind: "an instrument", known: instruments.map(\.symbol))
                    ok = false
                    continue
                }
                if let first = owner[symbol] {
                    diagnostics.report(p, "\(ConfigurationTable.quoted(symbol)) is already on \(first)",
                                       allowed: "each instrument on exactly one lane")
                    ok = false
                    continue
                }
                owner[symbol] = t.path
                for venueName in instrument.venues {
                    guard let venue = venuesByName[venueName] else { continue }
                    if books.count == Int(UInt16.max) {
                        diagnostics.report(p, "the lane has more than 65535 books", allowed: "at most 65535 (instrument, venue) pairs per lane")
                        ok = false
                        break
                    }
                    books.append(LaneBook(instrument: instrument.id, symbol: symbol, venue: venue.id, locate: UInt16(books.count + 1)))
                }
            }
            guard let name, let symbols, ok, uniqueName, uniqueCore else { continue }
            let lane = LaneConfiguration(name: name, core: core.map(Int.init), poll: poll, instruments: symbols, books: books)
            for s in symbols { laneOfInstrument[s] = lane }
            out.append(lane)
        }
        if !tables.isEmpty {
            for instrument in instruments where owner[instrument.symbol] == nil {
                diagnostics.report(instrumentPath(instrument.symbol, root: root), "\(ConfigurationTable.quoted(instrument.symbol)) is on no lane",
                                   allowed: "each instrument on exactly one [[lanes]] entry's instruments")
            }
        }
        return out
    }

    /// `instruments[i]` of the instrument with this symbol, as written in the file.
    func instrumentPath(_ symbol: String, root: ConfigurationTable) -> String {
        guard let array = root.table["instruments"]?.tomlValue.array else { return "instruments" }
        for i in 0..<array.count where array[i].tomlValue.table?["symbol"]?.tomlValue.string == symbol {
            return "instruments[\(i)]"
        }
        return "instruments"
    }

    // MARK: [[strategies]]

    enum KindName: String, CaseIterable {
        case marketMaker = "market_maker"
        case crossVenueArbitrage = "cross_venue_arbitrage"
    }

    enum FairPriceName: String, CaseIterable { case mid, microprice }

    static let marketMakerKeys = ["quoting", "fair_price", "half_spread", "inventory_skew", "quote_size", "requote_threshold",
                                  "max_position", "max_working_orders", "widen_at_vpin", "toxic_widening", "pull_at_vpin",
                                  "tick_size", "vpin_bucket_volume", "vpin_bucket_count", "order_rate"]
    static let arbitrageKeys = ["enabled", "edge", "max_clip", "flatten_imbalance", "flatten_slippage",
                                "refusal_backoff_us", "max_refusal_backoff_us"]

    mutating func parseStrategies(_ root: ConfigurationTable) -> [StrategyConfiguration] {
        var out: [StrategyConfiguration] = []
        var names: [String: String] = [:], ids: [Int64: String] = [:]
        let tables = root.tables("strategies", keys: ["name", "kind", "id", "account", "instrument", "venue", "venues", "parameters"])
        for t in tables {
            let before = diagnostics.errors.count
            let name = t.text("name", length: 1...32, required: true, allowed: Self.nameAllowed, isAllowed: Self.isNameCharacter)
            let kind = t.choice("kind", KindName.self, required: true)
            let id = t.integer("id", 1...65_535, required: true)
            _ = unique(name, "name", in: &names, t)
            _ = unique(id, "id", in: &ids, t)
            var account: AccountConfiguration? = nil
            if let accountName = t.string("account", required: true, allowed: "an account name from [[accounts]]") {
                account = accountsByName[accountName]
                if account == nil { unknownName(accountName, at: t.path("account"), kind: "an account", known: accountsByName.keys.sorted()) }
            }
            var instrument: InstrumentConfiguration? = nil
            var lane: LaneConfiguration? = nil
            if let symbol = t.string("instrument", required: true, allowed: "an instrument symbol from [[instruments]]") {
                instrument = instrumentsBySymbol[symbol]
                if instrument == nil {
                    unknownName(symbol, at: t.path("instrument"), kind: "an instrument", known: instrumentsBySymbol.keys.sorted())
                } else {
                    lane = laneOfInstrument[symbol]
                }
            }
            let parameterKeys = kind == .crossVenueArbitrage ? Self.arbitrageKeys : kind == .marketMaker ? Self.marketMakerKeys
                : Self.marketMakerKeys + Self.arbitrageKeys
            let parameters = t.table("parameters", keys: parameterKeys, required: true)
            var built: StrategyConfiguration.Kind? = nil
            switch kind {
            case .marketMaker?:
                if t.has("venues") { t.fail("venues", "only for kind = \"cross_venue_arbitrage\"", allowed: "venue = \"NAME\" for a market maker") }
                built = marketMaker(t, parameters, instrument: instrument, lane: lane)
            case .crossVenueArbitrage?:
                if t.has("venue") { t.fail("venue", "only for kind = \"market_maker\"", allowed: "venues = [\"A\", \"B\"] for an arbitrage") }
                built = arbitrage(t, parameters, instrument: instrument, lane: lane)
            case nil:
                break
            }
            guard !diagnostics.hasErrors(since: before), let name, let id, let account, let instrument, let lane, let built else { continue }
            out.append(StrategyConfiguration(name: name, id: StrategyID(UInt16(id)), account: account.id, instrument: instrument.id,
                                             lane: lane.name, kind: built))
        }
        return out
    }

    /// The venue named at `path` if it is defined and trades `instrument` (reported otherwise).
    func tradingVenue(_ name: String, at path: String, instrument: InstrumentConfiguration?) -> VenueConfiguration? {
        guard let venue = venuesByName[name] else {
            unknownName(name, at: path, kind: "a venue", known: venuesByName.keys.sorted())
            return nil
        }
        if let instrument, !instrument.venues.contains(name) {
            diagnostics.report(path, "\(instrument.symbol) does not trade on \(name)",
                               allowed: "a venue in \(instrument.symbol)'s venues: " + instrument.venues.map { "\"\($0)\"" }.joined(separator: ", "))
            return nil
        }
        return venue
    }

    func marketMaker(_ t: ConfigurationTable, _ p: ConfigurationTable?, instrument: InstrumentConfiguration?,
                     lane: LaneConfiguration?) -> StrategyConfiguration.Kind? {
        var venue: VenueConfiguration? = nil
        if let name = t.string("venue", required: true, allowed: "the venue name where it quotes") {
            venue = tradingVenue(name, at: t.path("venue"), instrument: instrument)
        }
        guard let p else { return nil }
        let before = diagnostics.errors.count
        let limit = Self.priceLimit
        let quoting = p.bool("quoting") ?? true
        let fair = p.choice("fair_price", FairPriceName.self) ?? .mid
        let halfSpread = p.price("half_spread", 0...limit, required: true)
        let skew = p.price("inventory_skew", 0...limit) ?? .zero
        let quoteSize = p.integer("quote_size", 1...(1 << 32), required: true)
        let requote = p.price("requote_threshold", 0...limit) ?? .zero
        let maxPosition = p.integer("max_position", 1...Self.quantityLimit, required: true)
        let maxWorking = p.integer("max_working_orders", 1...Int64(UInt32.max)) ?? 2
        let widen = p.integer("widen_at_vpin", 0...1_000_000, allowed: "parts per million 0...1000000 (0: off)") ?? 0
        let toxic = p.price("toxic_widening", 0...limit) ?? .zero
        let pull = p.integer("pull_at_vpin", 0...1_000_000, allowed: "parts per million 0...1000000 (0: off)") ?? 0
        let orderRate = rate(p, "order_rate") ?? .unlimited
        let tickSize = p.price("tick_size", 1...limit) ?? instrument?.tick
        let bucketVolume = p.integer("vpin_bucket_volume", 1...Self.quantityLimit) ?? 10_000
        let bucketCount = p.integer("vpin_bucket_count", 1...(1 << 20)) ?? 50
        if let instrument {
            if let quoteSize, UInt64(quoteSize) % instrument.lot != 0 {
                p.fail("quote_size", "\(quoteSize) is not a multiple of \(instrument.symbol)'s lot (\(instrument.lot))",
                       allowed: "a multiple of the instrument's lot")
            }
            if let tickSize, tickSize.rawValue % instrument.tick.rawValue != 0 {
                p.fail("tick_size", "\(ConfigurationTable.dollarText(tickSize.rawValue)) is not a multiple of \(instrument.symbol)'s tick (\(ConfigurationTable.dollarText(instrument.tick.rawValue)))",
                       allowed: "a multiple of the instrument's tick")
            }
        }
        guard !diagnostics.hasErrors(since: before), let instrument, let lane, let venue, let halfSpread, let quoteSize,
              let maxPosition, let tickSize, let locate = lane.locate(instrument: instrument.id, venue: venue.id) else { return nil }
        let configuration = MarketMakerConfiguration(instrument: instrument.id, locate: locate, venue: venue.id, tickSize: tickSize,
                                                     vpinBucketVolume: UInt64(bucketVolume), vpinBucketCount: Int(bucketCount))
        let parameters = MarketMakerParameters(
            quoting: quoting, fairPrice: fair == .mid ? .mid : .microprice, halfSpread: halfSpread, inventorySkew: skew,
            quoteSize: Quantity(UInt64(quoteSize)), requoteThreshold: requote, maxPosition: Quantity(UInt64(maxPosition)),
            maxWorkingOrders: UInt32(maxWorking), widenAtVPIN: UInt32(widen), toxicWidening: toxic, pullAtVPIN: UInt32(pull),
            orderRate: orderRate)
        do throws(ParameterError) {
            try configuration.validate()
            try parameters.validate()
        } catch {
            report(error, strategy: t)
            return nil
        }
        return .marketMaker(configuration, parameters)
    }

    func arbitrage(_ t: ConfigurationTable, _ p: ConfigurationTable?, instrument: InstrumentConfiguration?,
                   lane: LaneConfiguration?) -> StrategyConfiguration.Kind? {
        var legs: [VenueConfiguration] = []
        let allowed = "exactly 2 different venue names from [[venues]] that trade the instrument"
        if let names = t.strings("venues", required: true, allowed: allowed) {
            if names.count != 2 {
                t.fail("venues", "\(names.count) venue\(names.count == 1 ? "" : "s") given", allowed: allowed)
            } else if names[0] == names[1] {
                t.fail("venues", "both legs are \(names[0])", allowed: allowed)
            } else {
                for (i, name) in names.enumerated() {
                    if let v = tradingVenue(name, at: t.path("venues") + "[\(i)]", instrument: instrument) { legs.append(v) }
                }
                for (i, v) in legs.enumerated() where v.fees.takePerShare.rawValue < 0 {
                    diagnostics.report(t.path("venues") + "[\(i)]",
                                       "\(v.name)'s fees.take_per_share (\(ConfigurationTable.dollarText(v.fees.takePerShare.rawValue))) is a rebate; the arbitrage prices its legs with a taking fee",
                                       allowed: "venues whose take_per_share is 0 or more")
                }
            }
        }
        guard let p else { return nil }
        let before = diagnostics.errors.count
        let limit = Self.priceLimit
        let enabled = p.bool("enabled") ?? true
        let edge = p.price("edge", 1...limit, required: true)
        let maxClip = p.integer("max_clip", 1...(1 << 32), required: true)
        let flatten = p.bool("flatten_imbalance") ?? true
        let slippage = p.price("flatten_slippage", 0...limit) ?? .zero
        let backoffLimit = Int64(CrossVenueArbitrageParameters.backoffLimit / 1_000)
        let backoff = p.integer("refusal_backoff_us", 0...backoffLimit) ?? 1_000
        let maxBackoff = p.integer("max_refusal_backoff_us", 0...backoffLimit) ?? Swift.max(1_000_000, backoff)
        if maxBackoff < backoff {
            p.fail("max_refusal_backoff_us", "\(maxBackoff) is below refusal_backoff_us (\(backoff))",
                   allowed: "\(backoff)...\(backoffLimit) microseconds")
        }
        if let instrument, let maxClip, UInt64(maxClip) % instrument.lot != 0 {
            p.fail("max_clip", "\(maxClip) is not a multiple of \(instrument.symbol)'s lot (\(instrument.lot))",
                   allowed: "a multiple of the instrument's lot")
        }
        guard !diagnostics.hasErrors(since: before), legs.count == 2, legs[0].fees.takePerShare.rawValue >= 0,
              legs[1].fees.takePerShare.rawValue >= 0, let instrument, let lane, let edge, let maxClip,
              let first = lane.locate(instrument: instrument.id, venue: legs[0].id),
              let second = lane.locate(instrument: instrument.id, venue: legs[1].id) else { return nil }
        let configuration = CrossVenueArbitrageConfiguration(
            instrument: instrument.id,
            first: ArbitrageVenue(venue: legs[0].id, locate: first, feePerShare: legs[0].fees.takePerShare),
            second: ArbitrageVenue(venue: legs[1].id, locate: second, feePerShare: legs[1].fees.takePerShare))
        let parameters = CrossVenueArbitrageParameters(enabled: enabled, edge: edge, maxClip: Quantity(UInt64(maxClip)),
                                                       flattenImbalance: flatten, flattenSlippage: slippage,
                                                       refusalBackoff: UInt64(backoff) * 1_000,
                                                       maxRefusalBackoff: UInt64(maxBackoff) * 1_000)
        do throws(ParameterError) {
            try configuration.validate()
            try parameters.validate()
        } catch {
            report(error, strategy: t)
            return nil
        }
        return .crossVenueArbitrage(configuration, parameters)
    }

    /// A VegaStrategy `validate()` failure under the strategy's key path: `MarketMaker.maxPosition`
    /// → `strategies[i].parameters.max_position`; a venue's locate or fee → `strategies[i].venues`.
    func report(_ error: ParameterError, strategy t: ConfigurationTable) {
        let field = error.parameter.split(separator: ".").last.map(String.init) ?? error.parameter
        let path = field == "locate" || field == "feePerShare" ? t.path("venues") : t.path("parameters") + "." + Self.snakeCase(field)
        diagnostics.report(path, "\(error.value) is not allowed", allowed: error.expected)
    }

    /// `maxPosition` → `max_position`, `widenAtVPIN` → `widen_at_vpin`.
    static func snakeCase(_ s: String) -> String {
        var out = ""
        let chars = Array(s)
        for (i, c) in chars.enumerated() {
            if c.isUppercase {
                let previousLower = i > 0 && chars[i - 1].isLowercase
                let nextLower = i + 1 < chars.count && chars[i + 1].isLowercase && i > 0 && chars[i - 1].isUppercase
                if previousLower || nextLower { out += "_" }
                out += c.lowercased()
            } else {
                out.append(c)
            }
        }
        return out
    }
}
