import Testing
import VegaCore
import VegaEngine
import VegaHardware
import VegaMarketData
import VegaVenue

/// The live backend's keys (`[venues.feed] timestamping`, `[venues.order_entry] reconnect_ms`),
/// their errors, and what the plan refuses to run live.
@Suite("Live backend configuration: keys, bad values, what the plan refuses")
struct LiveConfigurationTests {
    typealias S = ConfigTestSupport
    static let host = ConfigurationHost(environment: ["LCT_PW": "pw"], onlineCPUs: 4)

    /// One live venue, one instrument, one market maker; `feed`/`orderEntry` are added to their tables.
    static func text(feed: String = "", orderEntry: String = "") -> String {
        """
        [engine]
        name = "t"
        backend = "live"

        [[accounts]]
        name = "main"
        id = 1

        [[venues]]
        name = "LOOP"
        id = 0
          [venues.feed]
          session = "LOOP000001"
          backend = "udp"
          line_a = "239.192.7.1:26700"
          recovery = "127.0.0.1:26701"
          interface = "lo"
        \(feed)
          [venues.order_entry]
          protocol = "ouch"
          host = "127.0.0.1"
          port = 15071
          username = "LOOP01"
        \(orderEntry)

        [[instruments]]
        symbol = "AAPL"
        id = 1
        tick = 0.01
        lot = 100
        reference_price = 190.00
        venues = ["LOOP"]

        [[lanes]]
        name = "lane0"
        instruments = ["AAPL"]

        [[strategies]]
        name = "mm"
        kind = "market_maker"
        id = 1
        account = "main"
        instrument = "AAPL"
        venue = "LOOP"
          [strategies.parameters]
          half_spread = 0.02
          quote_size = 100
          max_position = 1000

        """
    }

    func onlyError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> ConfigurationError? {
        let errors = S.errors(text, host: Self.host, sourceLocation: sourceLocation)
        #expect(errors.count == 1, "\(ConfigurationErrors(errors))", sourceLocation: sourceLocation)
        return errors.first
    }

    @Test("Config/live-loopback.toml plans against the venue Config/venue-loopback.toml describes")
    func loopbackPairAgrees() throws {
        let host = ConfigurationHost(environment: ["VEGA_LOOPBACK_PASSWORD": "pw"], onlineCPUs: 2)
        let c = try EngineConfiguration.load(path: S.configDirectory + "/live-loopback.toml", host: host)
        let plan = try EnginePlan(configuration: c, text: nil, host: host)
        let venue = try VenueServiceConfiguration(contentsOf: S.configDirectory + "/venue-loopback.toml",
                                                  environment: ["VEGA_LOOPBACK_PASSWORD": "pw"]).venues[0]
        let live = try #require(plan.liveVenues.first)
        #expect(live.lineA == venue.marketData.group)
        #expect(live.recovery == venue.reRequest)
        #expect(live.orderEntry == venue.ouch)
        #expect(plan.lanes[0].setup.venues[0].feedSession.description.hasPrefix(venue.node.marketDataSession))
        #expect(venue.node.firms.map(\.username) == [plan.lanes[0].setup.venues[0].username])
    }

    @Test("the live keys are read, with their defaults, into the plan's live venue")
    func keysReachThePlan() throws {
        let defaults = try #require(S.parse(Self.text(orderEntry: "  password_env = \"LCT_PW\""), host: Self.host))
        #expect(defaults.venues[0].feed.timestamping == .hardware)
        #expect(defaults.venues[0].orderEntry.reconnectMilliseconds == 1_000)
        let text = Self.text(feed: "  timestamping = \"software\"", orderEntry: "  password_env = \"LCT_PW\"\n  reconnect_ms = 0")
        let c = try #require(S.parse(text, host: Self.host))
        #expect(c.venues[0].feed.timestamping == .software)
        #expect(c.venues[0].orderEntry.reconnectMilliseconds == 0)
        let plan = try EnginePlan(configuration: c, text: text, host: Self.host)
        #expect(plan.backend == .live)
        #expect(plan.venues.isEmpty, "nothing is simulated")
        #expect(plan.liveVenues == [EnginePlan.LiveVenue(
            name: "LOOP", interface: "lo", lineA: try IPv4Endpoint("239.192.7.1:26700"), recovery: try IPv4Endpoint("127.0.0.1:26701"),
            orderEntry: try IPv4Endpoint("127.0.0.1:15071"), timestamping: .software, reconnectIntervalNanoseconds: 0)])
        #expect(plan.lanes[0].setup.venues[0].username == "LOOP01")
        #expect(plan.lanes[0].setup.venues[0].password == "pw", "from the environment variable password_env names")
    }

    @Test("recovery_timeout_ms and recovery_retries reach the lane's MoldUDP64 session; the session's defaults otherwise")
    func recoveryTimingReachesTheLane() throws {
        let defaults = try EnginePlan(configuration: try #require(S.parse(Self.text(orderEntry: "  password_env = \"LCT_PW\""), host: Self.host)),
                                      text: nil, host: Self.host)
        let session = defaults.lanes[0].setup.venues[0].feedSessionConfiguration
        let library = MoldUDP64SessionConfiguration()
        #expect(session.requestTimeoutNanoseconds == library.requestTimeoutNanoseconds)
        #expect(session.maxRetries == library.maxRetries)
        let text = Self.text(feed: "  recovery_timeout_ms = 25\n  recovery_retries = 8", orderEntry: "  password_env = \"LCT_PW\"")
        let c = try #require(S.parse(text, host: Self.host))
        #expect(c.venues[0].feed.recoveryTimeoutMilliseconds == 25)
        #expect(c.venues[0].feed.recoveryRetries == 8)
        let configured = try EnginePlan(configuration: c, text: text, host: Self.host).lanes[0].setup.venues[0].feedSessionConfiguration
        #expect(configured.requestTimeoutNanoseconds == 25_000_000)
        #expect(configured.maxRetries == 8)
        #expect(configured.session == c.venues[0].feed.session)
    }

    @Test("recovery timing: out of range, not an integer, or without a re-request server is refused by key")
    func badRecoveryTiming() {
        let zero = onlyError(Self.text(feed: "  recovery_timeout_ms = 0"))
        #expect(zero?.keyPath == "venues[0].feed.recovery_timeout_ms")
        #expect(zero?.allowed?.contains("1...10000") == true, "\(String(describing: zero))")
        let many = onlyError(Self.text(feed: "  recovery_retries = 101"))
        #expect(many?.keyPath == "venues[0].feed.recovery_retries")
        #expect(many?.allowed?.contains("0...100") == true, "\(String(describing: many))")
        let word = onlyError(Self.text(feed: "  recovery_retries = \"three\""))
        #expect(word?.keyPath == "venues[0].feed.recovery_retries")
        let orphan = onlyError(Self.text(feed: "  recovery_timeout_ms = 10").replacingFirst("  recovery = \"127.0.0.1:26701\"\n", with: ""))
        #expect(orphan?.keyPath == "venues[0].feed.recovery_timeout_ms")
        #expect(orphan?.problem.contains("needs `recovery`") == true, "\(String(describing: orphan))")
    }

    @Test("a host name is resolved to IPv4 for the plan")
    func hostNameResolves() throws {
        let text = Self.text(orderEntry: "  password_env = \"LCT_PW\"").replacingFirst("host = \"127.0.0.1\"", with: "host = \"localhost\"")
        let c = try #require(S.parse(text, host: Self.host))
        let plan = try EnginePlan(configuration: c, text: text, host: Self.host)
        #expect(plan.liveVenues[0].orderEntry == (try IPv4Endpoint("127.0.0.1:15071")))
    }

    @Test("timestamping must be one of none, software, hardware")
    func badTimestamping() {
        let e = onlyError(Self.text(feed: "  timestamping = \"nic\""))
        #expect(e?.keyPath == "venues[0].feed.timestamping")
        #expect(e?.problem == "\"nic\" is not allowed")
        #expect(e?.allowed == "\"none\" | \"software\" | \"hardware\"")
    }

    @Test("reconnect_ms must be an integer 0...3600000")
    func badReconnect() {
        let e = onlyError(Self.text(orderEntry: "  reconnect_ms = -1"))
        #expect(e?.keyPath == "venues[0].order_entry.reconnect_ms")
        #expect(e?.problem.contains("-1") == true, "\(String(describing: e))")
        #expect(e?.allowed?.contains("0...3600000") == true)
        let f = onlyError(Self.text(orderEntry: "  reconnect_ms = \"soon\""))
        #expect(f?.keyPath == "venues[0].order_entry.reconnect_ms")
    }

    @Test("the live keys are refused with the sim backend")
    func liveKeysRefusedWithSim() {
        let feed = onlyError(S.replacing("backend = \"sim\"\n  [venues.fees]", with: "backend = \"sim\"\n  timestamping = \"software\"\n  [venues.fees]"))
        #expect(feed?.keyPath == "venues[0].feed.timestamping")
        #expect(feed?.problem.contains("not used with backend = \"sim\"") == true, "\(String(describing: feed))")
        let oe = onlyError(S.replacing("  [venues.fees]", with: "  [venues.order_entry]\n  protocol = \"ouch\"\n  reconnect_ms = 10\n  [venues.fees]"))
        #expect(oe?.keyPath == "venues[0].order_entry.reconnect_ms")
    }

    @Test("the plan refuses what the live lanes cannot run, naming the key")
    func planRefusals() throws {
        func refusal(_ text: String) -> String {
            guard let c = S.parse(text, host: Self.host) else { return "did not parse" }
            do {
                _ = try EnginePlan(configuration: c, text: text, host: Self.host)
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        let noPassword = refusal(Self.text())
        #expect(noPassword.contains("venues[0] (LOOP).order_entry.password_env: required"), "\(noPassword)")
        let lineB = refusal(Self.text(feed: "  line_b = \"239.192.7.2:26700\"", orderEntry: "  password_env = \"LCT_PW\""))
        #expect(lineB.contains("feed.line_b"), "\(lineB)")
        let efvi = refusal(Self.text(orderEntry: "  password_env = \"LCT_PW\"").replacingFirst("backend = \"udp\"", with: "backend = \"efvi\""))
        #expect(efvi.contains("feed.backend = \"efvi\"") && efvi.contains("use backend = \"udp\""), "\(efvi)")
        let unresolvable = refusal(Self.text(orderEntry: "  password_env = \"LCT_PW\"")
            .replacingFirst("host = \"127.0.0.1\"", with: "host = \"no-such-host.invalid\""))
        #expect(unresolvable.contains("order_entry.host: cannot resolve no-such-host.invalid"), "\(unresolvable)")
    }
}

extension String {
    /// `self` with the first `old` replaced by `new` (unchanged when absent).
    fileprivate func replacingFirst(_ old: String, with new: String) -> String {
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(old) { return String(self[..<i]) + new + String(self[index(i, offsetBy: old.count)...]) }
            i = index(after: i)
        }
        return self
    }
}
