#if canImport(Glibc)
import Glibc
#endif
import Testing
import VegaCore
import VegaEngine
import VegaJournal
import VegaStrategy

/// Each kind of problem: the key path it names, what it says is wrong, what it allows.
@Suite("Configuration errors: key paths, problems, allowed values")
struct ConfigurationErrorTests {
    typealias S = ConfigTestSupport

    /// The single error `text` produces.
    func only(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> ConfigurationError? {
        let errors = S.errors(text, sourceLocation: sourceLocation)
        #expect(errors.count == 1, "\(ConfigurationErrors(errors))", sourceLocation: sourceLocation)
        return errors.first
    }

    @Test func minimalConfigurationIsValid() throws {
        let c = try #require(S.parse(S.minimal))
        #expect(c.strategies.count == 1)
        #expect(c.lanes[0].books.map(\.locate) == [1, 2])
    }

    @Test func unknownKeySuggestsTheNearMiss() {
        let e = only(S.replacing("session = \"NASDAQ0001\"", with: "session = \"NASDAQ0001\"\n  line_aa = \"x\""))
        #expect(e?.keyPath == "venues[0].feed.line_aa")
        #expect(e?.problem == "unknown key; did you mean \"line_a\"?")
        #expect(e?.line == 14)
    }

    @Test func unknownKeyFarFromAnyListsTheTable() {
        let e = only(S.replacing("[engine]", with: "[engine]\ncolour = 1"))
        #expect(e?.keyPath == "engine.colour")
        #expect(e?.problem == "unknown key")
        #expect(e?.allowed == "the keys of this table: name, backend, cancel_on_stop")
    }

    @Test func unknownTopLevelTable() {
        let e = only(S.minimal + "\n[jurnal]\ndirectory = \"j\"\n")
        #expect(e?.keyPath == "jurnal")
        #expect(e?.problem == "unknown key; did you mean \"journal\"?")
    }

    @Test func wrongTypeSaysWhatWasFound() {
        let e = only(S.replacing("lot = 100", with: "lot = \"100\""))
        #expect(e?.keyPath == "instruments[0].lot")
        #expect(e?.problem == "\"100\" is a string")
        #expect(e?.allowed == "an integer 1...1000000")
    }

    @Test func outOfRangeInteger() {
        let e = only(S.replacing("quote_size = 100", with: "quote_size = -5"))
        #expect(e?.description == "test.toml:47: strategies[0].parameters.quote_size: -5 is not allowed (allowed: an integer 1...4294967296)")
    }

    @Test func missingRequiredKey() {
        let e = only(S.replacing("  max_position = 1000\n", with: ""))
        #expect(e?.keyPath == "strategies[0].parameters.max_position")
        #expect(e?.problem == "missing")
        #expect(e?.allowed == "an integer 1...1099511627776")
        #expect(e?.line == 45)  // the [strategies.parameters] header
    }

    @Test func missingRequiredTable() {
        let errors = S.errors(S.replacing("[engine]\nname = \"t\"\nbackend = \"sim\"\n", with: ""))
        #expect(errors.first?.keyPath == "engine")
        #expect(errors.first?.problem == "missing")
    }

    @Test func choiceListsTheAllowedValuesAndTheNearMiss() {
        let e = only(S.replacing("backend = \"sim\"", with: "backend = \"simm\""))
        #expect(e?.keyPath == "engine.backend")
        #expect(e?.problem == "\"simm\" is not allowed; did you mean \"sim\"?")
        #expect(e?.allowed == "\"sim\" | \"live\"")
    }

    @Test func priceWithMoreThanFourDecimalsIsRefusedNotRounded() {
        let e = only(S.replacing("take_per_share = 0.0030", with: "take_per_share = 0.00305"))
        #expect(e?.keyPath == "venues[0].fees.take_per_share")
        #expect(e?.problem == "0.00305 has more than 4 decimals")
        #expect(e?.allowed == "dollars with at most 4 decimals, -1...1")
        let s = only(S.replacing("half_spread = 0.02", with: "half_spread = \"0.02001\""))
        #expect(s?.problem == "\"0.02001\" has more than 4 decimals")
    }

    @Test func pricesAcceptIntegersFloatsAndDecimalStrings() throws {
        var text = S.replacing("take_per_share = 0.0030", with: "take_per_share = \"0.0031\"")
        text = S.replacing("reference_price = 190.00", with: "reference_price = 190", in: text)
        let c = try #require(S.parse(text))
        #expect(c.venues[0].fees.takePerShare.rawValue == 31)
        #expect(c.instruments[0].referencePrice.rawValue == 1_900_000)
    }

    @Test func priceOffTheTickGrid() {
        let e = only(S.replacing("reference_price = 190.00", with: "reference_price = 190.005"))
        #expect(e?.keyPath == "instruments[0].reference_price")
        #expect(e?.problem == "190.005 is not a multiple of the tick (0.01)")
    }

    @Test func unknownReferenceSuggestsTheNearName() {
        let e = only(S.replacing("venues = [\"NASDAQ\", \"NYSE\"]", with: "venues = [\"NASDAQ\", \"NYS\"]"))
        #expect(e?.keyPath == "instruments[0].venues[1]")
        #expect(e?.problem == "\"NYS\" is not a venue; did you mean \"NYSE\"?")
        #expect(e?.allowed == "\"NASDAQ\", \"NYSE\"")
    }

    @Test func duplicateIdentifierNamesTheFirstUser() {
        let e = only(S.replacing("id = 1\n  [venues.feed]\n  session = \"NYSE000001\"", with: "id = 0\n  [venues.feed]\n  session = \"NYSE000001\""))
        #expect(e?.keyPath == "venues[1].id")
        #expect(e?.problem == "0 is already used by venues[0]")
        #expect(e?.allowed == "each id used once among [[venues]]")
    }

    @Test func duplicateName() {
        let renamed = S.replacing("name = \"NYSE\"", with: "name = \"NASDAQ\"")
        let e = only(S.replacing("venues = [\"NASDAQ\", \"NYSE\"]", with: "venues = [\"NASDAQ\"]", in: renamed))
        #expect(e?.keyPath == "venues[1].name")
        #expect(e?.problem == "\"NASDAQ\" is already used by venues[0]")
    }

    @Test func coreMustBeOnlineOnThisHost() {
        let text = S.replacing("name = \"lane0\"", with: "name = \"lane0\"\ncore = 4")
        let e = S.errors(text, host: ConfigurationHost(environment: [:], onlineCPUs: 2)).first
        #expect(e?.keyPath == "lanes[0].core")
        #expect(e?.problem == "CPU 4 is not online on this host (it has 2: 0...1)")
        #expect(e?.allowed == "0...1, or omit it to leave the lane unpinned")
        #expect(S.parse(text, host: ConfigurationHost(environment: [:], onlineCPUs: 8))?.lanes[0].core == 4)
    }

    @Test func instrumentOnNoLaneAndOnTwoLanes() {
        let noLane = S.errors(S.replacing("instruments = [\"AAPL\"]", with: "instruments = []"))
        #expect(noLane.map(\.keyPath) == ["instruments[0]", "lanes[0].instruments"])
        #expect(noLane.first?.problem == "\"AAPL\" is on no lane")
        let twice = only(S.minimal.replacingFirst("[[strategies]]", with: "[[lanes]]\nname = \"lane1\"\ninstruments = [\"AAPL\"]\n\n[[strategies]]"))
        #expect(twice?.keyPath == "lanes[1].instruments[0]")
        #expect(twice?.problem == "\"AAPL\" is already on lanes[0]")
    }

    @Test func marketMakerVenueMustTradeTheInstrument() {
        let text = S.replacing("venues = [\"NASDAQ\", \"NYSE\"]", with: "venues = [\"NYSE\"]")
        let e = only(text)
        #expect(e?.keyPath == "strategies[0].venue")
        #expect(e?.problem == "AAPL does not trade on NASDAQ")
        #expect(e?.allowed == "a venue in AAPL's venues: \"NYSE\"")
    }

    /// A second strategy for ``ConfigTestSupport/minimal``: an arbitrage of AAPL on NASDAQ and
    /// NYSE with only the required parameters (more parameters can be appended).
    static let arbitrage = """

        [[strategies]]
        name = "arb"
        kind = "cross_venue_arbitrage"
        id = 2
        account = "main"
        instrument = "AAPL"
        venues = ["NASDAQ", "NYSE"]
          [strategies.parameters]
          edge = 0.01
          max_clip = 100
        """

    @Test func arbitrageNeedsTwoDifferentVenues() {
        let arb = Self.arbitrage.replacingFirst("[\"NASDAQ\", \"NYSE\"]", with: "[\"NASDAQ\", \"NASDAQ\"]")
        let same = only(S.minimal + arb)
        #expect(same?.keyPath == "strategies[1].venues")
        #expect(same?.problem == "both legs are NASDAQ")
        let one = only(S.minimal + arb.replacingFirst("[\"NASDAQ\", \"NASDAQ\"]", with: "[\"NASDAQ\"]"))
        #expect(one?.problem == "1 venue given")
        #expect(one?.allowed == "exactly 2 different venue names from [[venues]] that trade the instrument")
        let c = S.parse(S.minimal + arb.replacingFirst("[\"NASDAQ\", \"NASDAQ\"]", with: "[\"NASDAQ\", \"NYSE\"]"))
        #expect(c?.strategies.count == 2)
        let venueKey = only(S.minimal + arb.replacingFirst("venues = [\"NASDAQ\", \"NASDAQ\"]", with: "venues = [\"NASDAQ\", \"NYSE\"]\nvenue = \"NYSE\""))
        #expect(venueKey?.keyPath == "strategies[1].venue")
        #expect(venueKey?.problem == "only for kind = \"market_maker\"")
    }

    @Test func arbitrageBackoffDefaultsAndItsCeilingBelowItsStartIsRefused() throws {
        let arb = Self.arbitrage
        let c = try #require(S.parse(S.minimal + arb))
        guard case .crossVenueArbitrage(_, let p) = c.strategies[1].kind else {
            Issue.record("strategy 1 is not the arbitrage")
            return
        }
        #expect(p.refusalBackoff == 1_000_000 && p.maxRefusalBackoff == 1_000_000_000)
        // A start above the default ceiling raises the ceiling with it.
        let long = try #require(S.parse(S.minimal + arb + "\n  refusal_backoff_us = 5000000"))
        guard case .crossVenueArbitrage(_, let q) = long.strategies[1].kind else { return }
        #expect(q.refusalBackoff == 5_000_000_000 && q.maxRefusalBackoff == 5_000_000_000)
        let e = only(S.minimal + arb + "\n  refusal_backoff_us = 2000\n  max_refusal_backoff_us = 1000")
        #expect(e?.keyPath == "strategies[1].parameters.max_refusal_backoff_us")
        #expect(e?.problem == "1000 is below refusal_backoff_us (2000)")
        #expect(e?.allowed == "2000...3600000000 microseconds")
    }

    @Test func simFeedNeedsNoAddressesAndLiveFeedNeedsThem() {
        let sim = only(S.replacing("session = \"NASDAQ0001\"", with: "session = \"NASDAQ0001\"\n  line_a = \"239.1.1.1:1000\""))
        #expect(sim?.keyPath == "venues[0].feed.line_a")
        #expect(sim?.problem == "not used with backend = \"sim\" (the simulated link needs no addresses)")
        let udp = only(S.replacing("backend = \"sim\"\n  [venues.fees]", with: "backend = \"udp\"\n  [venues.fees]"))
        #expect(udp?.keyPath == "venues[0].feed.backend")
        #expect(udp?.problem == "\"udp\" needs [engine] backend = \"live\"")
    }

    @Test func liveVenueChecks() {
        let live = """
            [engine]
            name = "live"
            backend = "live"

            [[venues]]
            name = "X"
            id = 0
              [venues.feed]
              session = "SESSION12345"
              backend = "efvi"
              line_a = "10.0.0.1:26400"
              line_b = "239.1.1.1:99999"
              recovery = "host_with_underscore:1"
              [venues.order_entry]
              protocol = "ouch"
              host = "127.0.0.1"
              port = 0
              username = "TOOLONGNAME"
              password_env = "hunter2 secret!"
              target_comp_id = "X"
              [venues.sim]
              seed = 1

            [[instruments]]
            symbol = "aapl"
            id = 1
            tick = 0
            reference_price = 1
            venues = ["X"]

            [[lanes]]
            name = "l"
            poll = "busy"
            sleep_us = 10
            instruments = ["AAPL"]
            """
        let errors = S.errors(live)
        let byPath = Dictionary(errors.map { ($0.keyPath, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byPath["venues[0].feed.session"]?.allowed == "1...10 printable ASCII characters (the MoldUDP64 session, space padded)")
        #expect(byPath["venues[0].feed.line_a"]?.problem == "\"10.0.0.1:26400\" is not a multicast group")
        #expect(byPath["venues[0].feed.line_b"]?.problem == "\"239.1.1.1:99999\" is not allowed")
        #expect(byPath["venues[0].feed.recovery"]?.problem == "\"host_with_underscore:1\" is not allowed")
        #expect(byPath["venues[0].feed.interface"]?.problem == "missing")
        #expect(byPath["venues[0].order_entry.port"]?.problem == "0 is not allowed")
        #expect(byPath["venues[0].order_entry.username"]?.allowed == "1...6 printable ASCII characters (the SoupBinTCP login username)")
        #expect(byPath["venues[0].order_entry.password_env"]?.problem == "is not an environment variable name (value not shown: it may be a secret)")
        #expect(byPath["venues[0].order_entry.password_env"]?.description.contains("hunter2") == false)
        #expect(byPath["venues[0].order_entry.target_comp_id"]?.problem == "only with protocol = \"fix\"")
        #expect(byPath["venues[0].sim"]?.problem == "only with [engine] backend = \"sim\"")
        #expect(byPath["instruments[0].symbol"]?.problem == "\"aapl\" is not allowed")
        #expect(byPath["instruments[0].tick"]?.problem == "0 is not allowed")
        #expect(byPath["lanes[0].sleep_us"]?.problem == "only with poll = \"sleep\"")
        #expect(byPath["lanes[0].instruments[0]"]?.problem == "\"AAPL\" is not an instrument")
        #expect(errors.count == 14, "\(ConfigurationErrors(errors))")
    }

    @Test func liveVenueWithoutOrderEntry() {
        let live = """
            [engine]
            name = "live"
            backend = "live"
            [[venues]]
            name = "X"
            id = 0
              [venues.feed]
              session = "S"
              backend = "udp"
              line_a = "239.1.1.1:26400"
              interface = "eth0"
            [[instruments]]
            symbol = "A"
            id = 1
            tick = 0.01
            reference_price = 1
            venues = ["X"]
            [[lanes]]
            name = "l"
            instruments = ["A"]
            """
        let e = only(live)
        #expect(e?.keyPath == "venues[0].order_entry")
        #expect(e?.problem == "missing")
        let fix = S.parse(live + "\n[venues.order_entry]\nprotocol = \"fix\"\nhost = \"::1\"\nport = 9100\nusername = \"ME\"\ntarget_comp_id = \"THEM\"\n")
        #expect(fix?.venues[0].orderEntry.endpoint?.description == "[::1]:9100")
        #expect(fix?.venues[0].orderEntry.heartbeatSeconds == 30)
    }

    @Test func aMarketMakersOrderRateIsCheckedLikeTheRiskRates() {
        let zero = only(S.replacing("max_position = 1000", with: "max_position = 1000\n  order_rate = { per_second = 0, burst = 5 }"))
        #expect(zero?.keyPath == "strategies[0].parameters.order_rate.per_second")
        let word = only(S.replacing("max_position = 1000", with: "max_position = 1000\n  order_rate = \"fast\""))
        #expect(word?.keyPath == "strategies[0].parameters.order_rate")
        #expect(word?.allowed == "{ per_second = 1...1000000000, burst = 1...1000000 }, or \"none\" for no limit")
    }

    @Test func strategyValidateIsTheBackstopForCrossFieldRules() {
        // Each value is in its own range; MarketMakerParameters.validate() refuses the pair.
        let e = only(S.replacing("max_position = 1000", with: "max_position = 100\n  widen_at_vpin = 500\n  pull_at_vpin = 400"))
        #expect(e?.keyPath == "strategies[0].parameters.pull_at_vpin")
        #expect(e?.problem == "400 is not allowed")
        #expect(e?.allowed == "at least widenAtVPIN (500) when both are set")
        let lot = only(S.replacing("quote_size = 100", with: "quote_size = 150"))
        #expect(lot?.keyPath == "strategies[0].parameters.quote_size")
        #expect(lot?.problem == "150 is not a multiple of AAPL's lot (100)")
    }

    @Test func riskOverridesNameDefinedInstrumentsAndAccounts() {
        let text = S.minimal + """

            [risk]
            max_open_orders = "lots"
              [risk.instruments.APPL]
              max_long = 10
              [risk.accounts.main]
              order_rate = { per_second = 0, burst = 5 }
              loss_limit = -1
            """
        let errors = S.errors(text)
        #expect(errors.map(\.keyPath) == ["risk.max_open_orders", "risk.instruments.APPL", "risk.accounts.main.order_rate.per_second",
                                          "risk.accounts.main.loss_limit"])
        #expect(errors[0].allowed == "an integer 1...1099511627776, or \"none\" for no limit")
        #expect(errors[1].problem == "\"APPL\" is not an instrument; did you mean \"AAPL\"?")
        #expect(errors[2].problem == "0 is not allowed")
        #expect(errors[3].problem == "-1 is not allowed")
    }

    @Test func fixSessionFileErrorsAreReportedUnderTheirKey() throws {
        let dir = "/tmp/vega-config-test-\(getpid())"
        #expect(mkdir(dir, 0o755) == 0 || errno == EEXIST)
        let cfg = dir + "/bad.cfg"
        try writeFile(cfg, "[DEFAULT]\nConnectionType=acceptor\nSocketAcceptPort=9878\n[SESSION]\nBeginString=FIX.4.2\nSenderCompID=A\nTargetCompID=B\n")
        let toml = dir + "/vega.toml"
        try writeFile(toml, S.minimal + "\n[[fix_sessions]]\nconfig = \"bad.cfg\"\n[[fix_sessions]]\nconfig = \"missing.cfg\"\n")
        defer {
            unlink(cfg)
            unlink(toml)
            rmdir(dir)
        }
        do {
            _ = try EngineConfiguration.load(path: toml, host: S.host)
            Issue.record("a FIX 4.2 session file was accepted")
        } catch {
            #expect(error.errors.map(\.keyPath) == ["fix_sessions[0].config", "fix_sessions[1].config"])
            #expect(error.errors[0].problem == "\(cfg):5: BeginString: \"FIX.4.2\" is not supported; allowed: FIX.4.4")
            #expect(error.errors[0].file == toml)
            #expect(error.errors[0].line == 51)
            #expect(error.errors[1].problem.hasPrefix("\(dir)/missing.cfg:0: cannot read the file"))
        }
    }

    @Test func journalAndTelemetryRules() {
        let text = S.minimal + """

            [journal]
            directory = "j"
            durability = "timer"
            ring_mb = 3

            [telemetry]
            metrics_token_env = "VEGA_METRICS_TOKEN"
            profile = "off"
            profile_file = "x.vprof"
            outlier_ns = 0
            """
        let errors = S.errors(text)
        #expect(errors.map(\.keyPath) == ["journal.sync_interval_ms", "journal.ring_mb", "telemetry.metrics_token_env",
                                          "telemetry.profile_file", "telemetry.outlier_ns"])
        #expect(errors[0].problem == "missing")
        #expect(errors[1].problem == "3 is not a power of two")
        #expect(errors[2].problem == "only with metrics_listen")
    }

    @Test func journalSegmentTooSmallForTheRingIsVegaJournalsOwnCheck() throws {
        let e = only(S.minimal + "\n[journal]\ndirectory = \"j\"\nsegment_mb = 1\nring_mb = 64\n")
        #expect(e?.keyPath == "journal.segment_mb")
        #expect(e?.problem.hasPrefix("1048576 (a multiple of 4096 holding the header and the largest record") == true)
        let ok = try #require(S.parse(S.minimal + "\n[journal]\ndirectory = \"j\"\ndurability = \"timer\"\nsync_interval_ms = 5\n"))
        #expect(ok.journal?.durability == .interval(nanoseconds: 5_000_000))
    }

    func writeFile(_ path: String, _ text: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0)
        defer { close(fd) }
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count)
    }
}

extension String {
    /// The first occurrence of `old` replaced (test helper; Foundation-free).
    fileprivate func replacingFirst(_ old: String, with new: String) -> String {
        ConfigTestSupport.replacing(old, with: new, in: self)
    }
}
