import Foundation
import Testing
import VegaCore
import VegaHardware
import VegaMarketData
import VegaOrderEntry
import VegaVenue
import VegaTestSupport

/// `vega venue`'s TOML: what a good file gives, and for bad ones the exact message, naming the
/// key path, the value and what is accepted.
@Suite("Venue service configuration")
struct VenueServiceConfigurationTests {
    static let group = try! IPv4Endpoint("239.198.40.1:26400")
    static var good: String { vstVenueTOML(name: "CFG", session: "VSTCFG0001", group: group) }

    func error(_ text: String, environment: [String: String] = vstEnvironment, directory: String = ".") -> String {
        do {
            _ = try VenueServiceConfiguration(text: text, file: "v.toml", directory: directory, environment: environment)
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test("a good file: instruments, firms with passwords from the environment, addresses, latency, defaults")
    func goodFile() throws {
        let c = try VenueServiceConfiguration(text: Self.good + Self.good.replacingOccurrences(of: "stats_interval = 0\n", with: "")
            .replacingOccurrences(of: "\"CFG\"", with: "\"CFG2\"").replacingOccurrences(of: "wire_latency_us = 0.0", with: "wire_latency_us = 120"),
                                              environment: vstEnvironment)
        #expect(c.statisticsInterval == 0 && c.venues.count == 2)
        let v = c.venues[0]
        #expect(v.node.name == "CFG" && v.node.marketDataSession == "VSTCFG0001" && v.node.orderEntrySession == "VSTCFG0001")
        #expect(v.node.instruments.map(\.locate) == [5, 6] && v.node.instruments.map { $0.symbol.description } == ["ZVZZT", "VGA"])
        #expect(v.node.instruments[0].referencePrice == Price4(rawValue: 1_000_000) && v.node.instruments[0].tick == 100)
        #expect(v.node.firms.map(\.password) == ["one", "two"] && v.node.firms.map(\.firm) == [1, 2])
        #expect(v.node.marketDataHeartbeatInterval == 50_000_000 && v.node.backgroundFlow == nil)
        #expect(v.marketData == .init(group: Self.group, interface: "lo", ttl: 0, loop: true))
        let anyPort = try IPv4Endpoint("127.0.0.1:0")
        #expect(v.reRequest == anyPort && v.ouch == anyPort && v.fix == nil)
        #expect(c.venues.map(\.wireLatencyNanoseconds) == [0, 120_000])
    }

    @Test("the example in Config/ parses (with its passwords in the environment)")
    func exampleParses() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/venue-example.toml").path
        let c = try VenueServiceConfiguration(contentsOf: path, environment: ["VEGA_NASDAQ_FIRM01_PASSWORD": "p1", "VEGA_NYSE_FIRM01_PASSWORD": "p2"])
        #expect(c.venues.map(\.node.name) == ["NASDAQ", "NYSE"])
        #expect(c.venues.map(\.wireLatencyNanoseconds) == [0, 120_000])
        #expect(c.venues[0].fix?.sessions.count == 1 && c.venues[0].fix?.firms == ["CLIENT1": 101])
        #expect(c.venues[0].node.backgroundFlow?.messagesPerSecond == 200 && c.venues[0].node.timeOfDayAtOpen == 34_200_000_000_000)
    }

    @Test("bad files: each error names the file, the key path, the value and what is accepted")
    func preciseErrors() throws {
        let g = Self.good
        #expect(error("") == "v.toml: venue: no [[venue]]; at least one venue is needed (see Config/venue-example.toml)")
        #expect(error("[[venue]\n").hasPrefix("v.toml: not valid TOML at line 1"))
        #expect(error(g.replacingOccurrences(of: "heartbeat_ms = 50", with: "heartbeat_ms = 50\nheartbeat = 1"))
                == "v.toml: venue[0].heartbeat: unknown key; allowed here: name, market_data_session, order_entry_session, wire_latency_us, open_time, max_packet, heartbeat_ms, retained_messages, instrument, firm, market_data, rerequest, ouch, fix, flow")
        #expect(error(g.replacingOccurrences(of: "locate = 6", with: "locate = \"6\""))
                == "v.toml: venue[0].instrument[1].locate: has type string, expected an integer")
        #expect(error(g.replacingOccurrences(of: "locate = 6", with: "locate = 5"))
                == "v.toml: venue[0].instrument[1].locate: 5; expected a locate not used by another instrument")
        #expect(error(g.replacingOccurrences(of: "locate = 6", with: "locate = 70000"))
                == "v.toml: venue[0].instrument[1].locate: 70000 is out of range 1...65535")
        #expect(error(g.replacingOccurrences(of: "reference_price = \"50.00\"", with: "reference_price = 50.0"))
                == "v.toml: venue[0].instrument[1].reference_price: has type floating-point number, expected a decimal string such as \"190.25\" (exact, not a float)")
        #expect(error(g.replacingOccurrences(of: "reference_price = \"50.00\"", with: "reference_price = \"50.001x\"")).hasPrefix(
            "v.toml: venue[0].instrument[1].reference_price: price \"50.001x\": unexpected character"))
        #expect(error(g.replacingOccurrences(of: "239.198.40.1", with: "10.1.2.3"))
                == "v.toml: venue[0].market_data.group: \"10.1.2.3:26400\" is not a multicast group with a port (224.0.0.0/4, e.g. 239.192.1.1:26400)")
        #expect(error(g.replacingOccurrences(of: "interface = \"lo\"", with: "interface = \"nosuch0\""))
                == "v.toml: venue[0].market_data.interface: \"nosuch0\" is not a network interface of this host (\"lo\", or \"default\" for the route's)")
        #expect(error(g.replacingOccurrences(of: "listen = \"127.0.0.1:0\"\n  [venue.ouch]", with: "listen = \"127.0.0.300:1\"\n  [venue.ouch]")).hasPrefix(
            "v.toml: venue[0].rerequest.listen: \"127.0.0.300:1\" is not an IPv4 address:port"))
        #expect(error(g, environment: ["VST_FIRM1_PASSWORD": "one"])
                == "v.toml: venue[0].firm[1].password_env: environment variable VST_FIRM2_PASSWORD is not set (it holds FIRM2's SoupBinTCP password)")
        #expect(error(g.replacingOccurrences(of: "password_env = \"VST_FIRM1_PASSWORD\"", with: "password = \"one\""))
                == "v.toml: venue[0].firm[0].password: secrets never go in the file; name an environment variable with password_env")
        #expect(error(g.replacingOccurrences(of: "username = \"FIRM2\"", with: "username = \"TOOLONGNAME\""))
                == "v.toml: venue[0].firm[1].username: TOOLONGNAME; expected 1 to 6 printable ASCII characters")
        #expect(error(g.replacingOccurrences(of: "market_data_session = \"VSTCFG0001\"", with: "market_data_session = \"ELEVENCHARS\""))
                == "v.toml: venue[0].market_data_session: \"ELEVENCHARS\" is not a MoldUDP64 session: 1 to 10 printable ASCII characters")
        #expect(error(g.replacingOccurrences(of: "  [venue.market_data]\n  group = \"239.198.40.1:26400\"\n  interface = \"lo\"\n  ttl = 0\n", with: ""))
                == "v.toml: venue[0].market_data: missing [venue.market_data] (group = \"239.192.1.1:26400\")")
        #expect(error(g + "[venue.flow]\nseed = 1\nmessages_per_second = 10\nfirst_firm = 2\n")
                == "v.toml: venue[0].firm[1].firm: 2; expected outside the background participants' 2..<10")
        #expect(error(g.replacingOccurrences(of: "wire_latency_us = 0.0", with: "wire_latency_us = -1"))
                == "v.toml: venue[0].wire_latency_us: -1.0 is out of range 0.0...10000000.0")
        let twice = g + g.replacingOccurrences(of: "stats_interval = 0\n", with: "")
        #expect(error(twice) == "v.toml: venue[1].name: \"CFG\" names another venue too; names must be unique")
    }

    @Test("FIX sessions: the .cfg is read relative to the TOML; every acceptor needs a firm; its errors keep their line")
    func fixSessions() throws {
        let dir = try ScratchDirectory("venue-cfg")
        defer { dir.remove() }
        try dir.write("fix.cfg", """
            [DEFAULT]
            ConnectionType=acceptor
            SocketAcceptPort=0
            [SESSION]
            BeginString=FIX.4.4
            SenderCompID=VENUE
            TargetCompID=CLIENT1
            [SESSION]
            BeginString=FIX.4.4
            SenderCompID=VENUE
            TargetCompID=CLIENT2

            """)
        let fix = "  [venue.fix]\n  sessions = \"fix.cfg\"\n  firms = { CLIENT1 = 101, CLIENT2 = 102 }\n"
        let c = try VenueServiceConfiguration(text: vstVenueTOML(name: "CFG", session: "VSTCFG0001", group: Self.group, fix: fix),
                                              directory: dir.path, environment: vstEnvironment)
        #expect(c.venues[0].fix?.sessions.map(\.configuration.sessionID.targetCompID) == ["CLIENT1", "CLIENT2"])
        #expect(c.venues[0].fix?.firms == ["CLIENT1": 101, "CLIENT2": 102] && c.venues[0].fix?.path == dir.path + "/fix.cfg")
        func fixError(_ fix: String) -> String {
            error(vstVenueTOML(name: "CFG", session: "VSTCFG0001", group: Self.group, fix: fix), directory: dir.path)
        }
        #expect(fixError("  [venue.fix]\n  sessions = \"fix.cfg\"\n  firms = { CLIENT1 = 101 }\n")
                == "v.toml: venue[0].fix.firms: no firm number for the session with TargetCompID CLIENT2 (\(dir.path)/fix.cfg); add CLIENT2 = <firm>")
        #expect(fixError("  [venue.fix]\n  sessions = \"fix.cfg\"\n  firms = { CLIENT1 = 101, CLIENT2 = 102, CLIENT3 = 103 }\n")
                == "v.toml: venue[0].fix.firms.CLIENT3: no acceptor session in \(dir.path)/fix.cfg has TargetCompID CLIENT3")
        #expect(fixError("  [venue.fix]\n  sessions = \"none.cfg\"\n  firms = { CLIENT1 = 101 }\n")
                == "v.toml: venue[0].fix.sessions: \(dir.path)/none.cfg:0: cannot read the file: No such file or directory")
        try dir.write("bad.cfg", "[SESSION]\nBeginString=FIX.4.2\nSenderCompID=V\nTargetCompID=C\nConnectionType=acceptor\nSocketAcceptPort=0\n")
        #expect(fixError("  [venue.fix]\n  sessions = \"bad.cfg\"\n  firms = { C = 1 }\n")
                == "v.toml: venue[0].fix.sessions: \(dir.path)/bad.cfg:2: BeginString: \"FIX.4.2\" is not supported; allowed: FIX.4.4")
    }
}
