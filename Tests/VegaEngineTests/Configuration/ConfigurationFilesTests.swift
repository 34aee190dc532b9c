import Testing
import VegaCore
import VegaEngine
import VegaJournal
import VegaOrderEntry
import VegaStrategy
import VegaTrading

@Suite("Configuration files: Config/demo.toml, Config/colo-example.toml, syntax errors")
struct ConfigurationFilesTests {
    @Test func demoTomlIsExactlyTheBuiltInDemo() throws {
        let loaded = try EngineConfiguration.load(path: ConfigTestSupport.configDirectory + "/demo.toml", host: ConfigTestSupport.host)
        let demo = EngineConfiguration.demo
        // Section by section first, so a difference says where it is.
        #expect(loaded.engine == demo.engine)
        #expect(loaded.accounts == demo.accounts)
        #expect(loaded.venues == demo.venues)
        #expect(loaded.instruments == demo.instruments)
        #expect(loaded.lanes == demo.lanes)
        #expect(loaded.strategies == demo.strategies)
        #expect(loaded.risk == demo.risk)
        #expect(loaded.telemetry == demo.telemetry)
        #expect(loaded.journal == nil)
        #expect(loaded == demo)
        #expect(loaded.source.hasSuffix("Config/demo.toml"))
    }

    @Test func demoIsWhatTheIssueAsksFor() throws {
        let demo = EngineConfiguration.demo
        #expect(demo.engine.backend == .sim)
        #expect(demo.venues.map(\.name) == ["NASDAQ", "NYSE"])
        #expect(demo.venues.map(\.id.rawValue) == [0, 1])
        #expect(demo.venues[1].wireLatencyNanoseconds == 120_000)
        #expect(demo.venues.allSatisfy { $0.sim != nil && $0.feed.backend == .sim })
        #expect(demo.instruments.map(\.symbol) == ["AAPL", "MSFT"])
        #expect(demo.instruments.allSatisfy { $0.venues == ["NASDAQ", "NYSE"] })
        #expect(demo.lanes.count == 1)
        var makers: [String] = []
        var arbitrages: [String] = []
        for s in demo.strategies {
            let symbol = demo.instruments.first { $0.id == s.instrument }!.symbol
            switch s.kind {
            case .marketMaker(let c, _):
                #expect(c.venue == VenueID(0))
                makers.append(symbol)
            case .crossVenueArbitrage(let c, _):
                #expect(c.first.venue != c.second.venue)
                arbitrages.append(symbol)
            }
        }
        #expect(makers == ["AAPL", "MSFT"])
        #expect(arbitrages == ["AAPL"])
        // The built-in value passes the same checks a file does.
        try demo.risk.validate(capacity: demo.tradingCapacity)
        for s in demo.strategies {
            switch s.kind {
            case .marketMaker(let c, let p):
                try c.validate()
                try p.validate()
            case .crossVenueArbitrage(let c, let p):
                try c.validate()
                try p.validate()
            }
        }
    }

    @Test func coloExampleParsesAsALiveDeployment() throws {
        let c = try EngineConfiguration.load(path: ConfigTestSupport.configDirectory + "/colo-example.toml", host: ConfigTestSupport.host)
        #expect(c.engine.backend == .live)
        #expect(c.venues.allSatisfy { $0.feed.backend == .udp && $0.feed.interface != nil && $0.sim == nil })
        let nasdaq = try #require(c.venue(named: "NASDAQ"))
        #expect(nasdaq.feed.lineA == HostPort(host: "233.54.12.111", port: 26_477))
        #expect(nasdaq.feed.lineB == HostPort(host: "233.49.196.111", port: 26_477))
        #expect(nasdaq.feed.recovery == HostPort(host: "206.200.43.72", port: 18_000))
        #expect(nasdaq.orderEntry.orderProtocol == .ouch)
        #expect(nasdaq.orderEntry.endpoint == HostPort(host: "206.200.43.80", port: 15_000))
        #expect(nasdaq.orderEntry.passwordEnvironmentVariable == "VEGA_NASDAQ_PASSWORD")
        let nyse = try #require(c.venue(named: "NYSE"))
        #expect(nyse.orderEntry.orderProtocol == .fix)
        #expect(nyse.orderEntry.targetCompID == "NYSE")
        #expect(nyse.orderEntry.endpoint?.host == "nyse-oe.example.net")
        #expect(c.lanes.map(\.core) == [2, 3])
        let brk = try #require(c.instrument(symbol: "BRK.B"))
        #expect(c.risk.limits(for: brk.id).maxOrderQuantity == 500)
        #expect(c.risk.limits(for: brk.id).collarBasisPoints == 100)
        #expect(c.risk.limits(for: brk.id).maxLong == 10_000)  // inherited from instrument_defaults
        #expect(c.risk.limits(for: AccountID(2)).maxOpenOrders == 100)
        #expect(c.risk.limits(for: AccountID(2)).maxGrossNotional == 6_000_000 * 10_000)  // inherited
        #expect(c.fixSessions.count == 1)
        #expect(c.fixSessions[0].configuration.sessions.map(\.configuration.sessionID.targetCompID) == ["CLIENT1", "CLIENT2"])
        #expect(c.fixSessions[0].path == ConfigTestSupport.configDirectory + "/colo-sessions.cfg")
        let journal = try #require(c.journal)
        #expect(journal.directory == "/var/lib/vega/journal")
        #expect(journal.segmentBytes == 1_024 << 20)
        #expect(journal.sessionDayOffsetSeconds == -14_400)
        #expect(c.telemetry.metricsListen == HostPort(host: "10.20.0.5", port: 9_464))
        #expect(c.telemetry.metricsTokenEnvironmentVariable == "VEGA_METRICS_TOKEN")
        // Pinned cores are checked against the host: on a 2-CPU machine core 3 is refused.
        let small = ConfigurationHost(environment: ConfigTestSupport.host.environment, onlineCPUs: 2)
        do {
            _ = try EngineConfiguration.load(path: ConfigTestSupport.configDirectory + "/colo-example.toml", host: small)
            Issue.record("core 3 accepted on a 2-CPU host")
        } catch {
            #expect(error.errors.map(\.keyPath) == ["lanes[0].core", "lanes[1].core"])
        }
    }

    @Test func coloExampleNeedsItsSecretsInTheEnvironment() {
        let bare = ConfigurationHost(environment: [:], onlineCPUs: 16)
        do {
            _ = try EngineConfiguration.load(path: ConfigTestSupport.configDirectory + "/colo-example.toml", host: bare)
            Issue.record("loaded without the secrets it names")
        } catch {
            #expect(error.errors.map(\.keyPath) == ["venues[0].order_entry.password_env", "telemetry.metrics_token_env"])
            #expect(error.errors[0].problem == "environment variable VEGA_NASDAQ_PASSWORD is not set")
        }
    }

    @Test func syntaxErrorHasLineAndColumn() {
        let text = ConfigTestSupport.replacing("lot = 100", with: "lot = = 100")
        let errors = ConfigTestSupport.errors(text)
        #expect(errors.count == 1)
        let e = errors.first
        #expect(e?.line == 30)
        #expect(e?.column != nil)
        #expect(e?.problem.hasPrefix("TOML syntax:") == true)
        #expect(e?.description.hasPrefix("test.toml:30:") == true)
    }

    @Test func unreadableFileIsOneClearError() {
        do {
            _ = try EngineConfiguration.load(path: "/nonexistent/vega.toml", host: ConfigTestSupport.host)
            Issue.record("loaded a file that does not exist")
        } catch {
            #expect(error.errors.count == 1)
            #expect(error.description == "/nonexistent/vega.toml: cannot open the file: No such file or directory")
        }
    }

    @Test func everyProblemIsCollectedInFileOrder() {
        var text = ConfigTestSupport.replacing("id = 0", with: "id = 300")
        text = ConfigTestSupport.replacing("tick = 0.01", with: "tick = 0.00001", in: text)
        text = ConfigTestSupport.replacing("quote_size = 100", with: "quote_size = -5", in: text)
        text = ConfigTestSupport.replacing("backend = \"sim\"", with: "backend = \"sim\"\nflavour = 1", in: text)
        let errors = ConfigTestSupport.errors(text)
        #expect(errors.map(\.keyPath) == ["engine.flavour", "venues[0].id", "instruments[0].tick", "strategies[0].parameters.quote_size"])
        let lines = errors.compactMap(\.line)
        #expect(lines.count == 4 && lines == lines.sorted())
        let description = ConfigurationErrors(errors).description
        #expect(description.split(separator: "\n").count == 4)
        #expect(description.contains("test.toml:\(lines[3]): strategies[0].parameters.quote_size: -5 is not allowed (allowed: an integer 1...4294967296)"))
    }
}
