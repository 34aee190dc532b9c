import Foundation
import Testing
import VegaEngine
import VegaOrderEntry
import VegaTrading

/// `[clients]`: sessions mapped to accounts and venues, the drop copy, the client StrategyID,
/// ring sizes — and precise errors for each bad value.
@Suite("[clients] configuration")
struct ClientsConfigurationTests {
    /// ConfigTestSupport.minimal (market maker id 1, account "main", venues NASDAQ and NYSE)
    /// with a sessions file in a fresh directory; `clients` is appended as the [clients] table.
    static func load(_ clients: String, cfg: String = CFTSupport.sessionsFile(dropCopyPort: 9999, clients: ["CLIENT1", "CLIENT2"]))
        throws -> Result<EngineConfiguration, ConfigurationErrors> {
        let dir = try CFTSupport.temporaryDirectory()
        try cfg.write(toFile: dir + "/sessions.cfg", atomically: true, encoding: .utf8)
        let text = ConfigTestSupport.minimal + "\n[[fix_sessions]]\nconfig = \"sessions.cfg\"\n\n" + clients
        do throws(ConfigurationErrors) {
            return .success(try EngineConfiguration.parse(toml: text, file: dir + "/vega.toml", host: ConfigTestSupport.host))
        } catch {
            return .failure(error)
        }
    }

    @Test("a valid [clients] maps each session to its account and venue, finds the drop copy and sizes the rings")
    func valid() throws {
        let r = try Self.load("""
            [clients]
            strategy_id = 9
            drop_copy = "DROPCOPY"
            inbound_ring = 256
            retain_finished_orders = 5000
              [[clients.sessions]]
              target_comp_id = "CLIENT1"
              account = "main"
              [[clients.sessions]]
              target_comp_id = "CLIENT2"
              sender_comp_id = "VEGA"
              account = "main"
              venue = "NYSE"
            """)
        let c = try r.get()
        let clients = try #require(c.clients)
        #expect(clients.strategy == StrategyID(9))
        #expect(clients.dropCopy == FIXSessionID(senderCompID: "VEGADC", targetCompID: "DROPCOPY"))
        #expect(clients.inboundRing == 256 && clients.outboundRing == 8_192)
        #expect(clients.retainFinishedOrders == 5_000)
        #expect(clients.sessions == [
            .init(sessionID: FIXSessionID(senderCompID: "VEGA", targetCompID: "CLIENT1"), accountName: "main", account: AccountID(1)),
            .init(sessionID: FIXSessionID(senderCompID: "VEGA", targetCompID: "CLIENT2"), accountName: "main", account: AccountID(1),
                  venue: VenueID(1)),
        ])
        // The client StrategyID fits the lanes' tables.
        #expect(c.tradingCapacity.strategies > 9)
        let plan = try #require(try ClientFlowPlan(configuration: c))
        #expect(plan.clientSessions.map(\.configuration.sessionID.targetCompID) == ["CLIENT1", "CLIENT2"])
        #expect(plan.dropCopySession?.isDropCopy == true)
        #expect(plan.instruments.map(\.symbol) == ["AAPL"] && plan.instruments[0].lane == 0)
    }

    @Test("bad values are reported with the key, the value and what is allowed")
    func errors() throws {
        let r = try Self.load("""
            [clients]
            strategy_id = 1
            drop_copy = "NOBODY"
            outbound_ring = 1000
            retain_finished_orders = 0
              [[clients.sessions]]
              target_comp_id = "CLIENT9"
              account = "main"
              [[clients.sessions]]
              target_comp_id = "CLIENT1"
              account = "mian"
              venue = "NYSEE"
            """)
        guard case .failure(let e) = r else {
            Issue.record("a bad [clients] was accepted")
            return
        }
        let byKey = Dictionary(e.errors.map { ($0.keyPath, $0.problem) }, uniquingKeysWith: { a, _ in a })
        #expect(byKey["clients.strategy_id"] == "1 is the id of strategy \"mm\"", "\(e)")
        #expect(byKey["clients.drop_copy"]?.contains("no DropCopy=Y initiator session with TargetCompID \"NOBODY\"") == true, "\(e)")
        #expect(byKey["clients.outbound_ring"] == "1000 is not a power of two", "\(e)")
        #expect(byKey["clients.retain_finished_orders"] == "0 is not allowed", "\(e)")
        #expect(byKey["clients.sessions[0].target_comp_id"]?.contains("no acceptor session with TargetCompID \"CLIENT9\"") == true, "\(e)")
        #expect(byKey["clients.sessions[1].account"]?.contains("\"mian\" is not an account") == true, "\(e)")
        #expect(byKey["clients.sessions[1].venue"]?.contains("\"NYSEE\" is not a venue") == true, "\(e)")
        #expect(e.errors.count == 7, "\(e)")
    }

    @Test("a [clients] without sessions, or mapping one session twice, is refused")
    func sessionsRequiredAndUnique() throws {
        guard case .failure(let none) = try Self.load("[clients]\nstrategy_id = 9\n") else {
            Issue.record("[clients] without sessions was accepted")
            return
        }
        #expect(none.errors.map(\.keyPath) == ["clients.sessions"])
        guard case .failure(let twice) = try Self.load("""
            [clients]
            strategy_id = 9
              [[clients.sessions]]
              target_comp_id = "CLIENT1"
              account = "main"
              [[clients.sessions]]
              target_comp_id = "CLIENT1"
              account = "main"
            """) else {
            Issue.record("a session mapped twice was accepted")
            return
        }
        #expect(twice.errors.map(\.keyPath) == ["clients.sessions[1].target_comp_id"])
        #expect(twice.errors.first?.problem.contains("is already mapped by clients.sessions[0]") == true)
    }
}

@Suite("Config/clients-demo.toml")
struct ClientsDemoConfigurationTests {
    @Test("the example with client flow loads, maps CLIENT1 to the main account, and plans a client acceptor on port 9878")
    func clientsDemoLoads() throws {
        let c = try EngineConfiguration.load(path: ConfigTestSupport.configDirectory + "/clients-demo.toml", host: ConfigTestSupport.host)
        let clients = try #require(c.clients)
        #expect(clients.strategy == StrategyID(60) && clients.dropCopy == nil)
        #expect(clients.sessions.map(\.sessionID) == [FIXSessionID(senderCompID: "VEGA", targetCompID: "CLIENT1")])
        #expect(clients.sessions.first?.account == c.account(named: "main")?.id)
        #expect(!c.strategies.contains { $0.id == clients.strategy })
        let plan = try EnginePlan(configuration: c, text: nil, host: ConfigTestSupport.host)
        let flow = try #require(plan.clients)
        #expect(flow.clientSessions.map(\.socketAcceptPort) == [9878])
        #expect(flow.instruments.map(\.symbol) == ["AAPL", "MSFT"])
        // The client's own file is an initiator to it.
        let client = try FIXConfiguration(contentsOf: ConfigTestSupport.configDirectory + "/clients-demo-client.cfg")
        #expect(client.sessions.map(\.socketConnectPort) == [9878])
    }
}
