import Foundation
import Logging
import Synchronization
import Testing
import VegaCore
import VegaEngine
import VegaOrderEntry

/// Records a FIX engine's events (test code: allocates, locks).
final class CFTRecorder: Sendable {
    final class Box: Sendable { let events = Mutex<[FIXEngineEvent]>([]) }
    let box = Box()
    let task: Task<Void, Never>

    init(_ engine: FIXEngine) {
        let box = self.box
        task = Task { for await e in engine.events { box.events.withLock { $0.append(e) } } }
    }

    var all: [FIXEngineEvent] { box.events.withLock { $0 } }

    func messages() -> [FIXMessage] {
        all.compactMap { if case .message(_, let m) = $0 { m } else { nil } }
    }

    var logons: Int { all.filter { if case .loggedOn = $0 { true } else { false } }.count }
}

enum CFTSupport {
    /// Waits for `condition`, checking every 10 ms, for at most `seconds` (generous: the
    /// condition decides, not the clock).
    static func eventually(_ seconds: Double = 60, _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return await condition()
    }

    static func quietLogger(_ label: String = "test.clients") -> Logger {
        var l = Logger(label: label)
        l.logLevel = .critical
        return l
    }

    static func settings(_ text: String) throws -> [FIXSessionSettings] {
        try FIXConfiguration(text: "[DEFAULT]\nBeginString=FIX.4.4\n" + text).sessions
    }

    static func temporaryDirectory() throws -> String {
        var template = Array("/tmp/vega-clients-test-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw CFTError("mkdtemp failed")
        }
        return String(cString: made)
    }

    /// The sessions file of the engine: the client acceptor(s) and, when `dropCopyPort` is
    /// given, a drop-copy initiator to it.
    static func sessionsFile(dropCopyPort: Int?, clients: [String] = ["CLIENT1"]) -> String {
        var s = """
            [DEFAULT]
            BeginString=FIX.4.4
            HeartBtInt=30
            ReconnectInterval=1

            """
        for c in clients {
            s += """
                [SESSION]
                ConnectionType=acceptor
                SocketAcceptHost=127.0.0.1
                SocketAcceptPort=0
                SenderCompID=VEGA
                TargetCompID=\(c)

                """
        }
        if let dropCopyPort {
            s += """
                [SESSION]
                ConnectionType=initiator
                SocketConnectHost=127.0.0.1
                SocketConnectPort=\(dropCopyPort)
                DropCopy=Y
                SenderCompID=VEGADC
                TargetCompID=DROPCOPY

                """
        }
        return s
    }

    /// Two simulated venues, AAPL on both, one lane, no strategies (so a client's marketable
    /// order meets only the simulated market), the demo's risk limits, and `[clients]`.
    static func engineTOML(dropCopy: Bool, clients: [String] = ["CLIENT1"]) -> String {
        var t = """
            [engine]
            name = "clients-test"
            backend = "sim"
            cancel_on_stop = "all"

            [[accounts]]
            name = "client"
            id = 2

            [[venues]]
            name = "NASDAQ"
            id = 0
              [venues.feed]
              session = "NASDAQ0001"
              backend = "sim"
              [venues.fees]
              take_per_share = 0.0030
              make_per_share = -0.0020
              [venues.sim]
              seed = 1
              message_rate = 20000
              participants = 8

            [[venues]]
            name = "NYSE"
            id = 1
              [venues.feed]
              session = "NYSE000001"
              backend = "sim"
              [venues.fees]
              take_per_share = 0.0028
              make_per_share = -0.0015
              [venues.sim]
              seed = 2
              message_rate = 20000
              participants = 8

            [[instruments]]
            symbol = "AAPL"
            id = 1
            tick = 0.01
            lot = 100
            reference_price = 190.00
            venues = ["NASDAQ", "NYSE"]

            [[lanes]]
            name = "lane0"
            poll = "busy"
            instruments = ["AAPL"]

            [risk]
            max_open_orders = 200
            max_open_notional = 2000000.00
            self_match_prevention = true
            max_messages_per_second = 5000
            stale_market_data_us = 0
              [risk.collar]
              basis_points = 500
              reference = "touch"
              no_book = "reject"
              [risk.instrument_defaults]
              max_order_quantity = 1000
              max_order_notional = 500000.00
              max_long = 5000
              max_short = 5000
              max_gross = 10000
              [risk.account_defaults]
              max_open_orders = 200
              max_open_notional = 2000000.00

            [[fix_sessions]]
            config = "sessions.cfg"

            [clients]
            strategy_id = 7

            """
        if dropCopy { t += "drop_copy = \"DROPCOPY\"\n" }
        for c in clients {
            t += """
                  [[clients.sessions]]
                  target_comp_id = "\(c)"
                  account = "client"
                  venue = "smart"

                """
        }
        return t
    }

    /// A running engine with client flow: the configuration written to a temporary directory,
    /// the engine started on HardwareSim, then its client sessions. Returns the acceptor port.
    static func startEngine(dropCopyPort: Int?, clients: [String] = ["CLIENT1"]) async throws -> (EngineRun, Int) {
        let dir = try temporaryDirectory()
        try sessionsFile(dropCopyPort: dropCopyPort, clients: clients).write(toFile: dir + "/sessions.cfg", atomically: true, encoding: .utf8)
        let toml = engineTOML(dropCopy: dropCopyPort != nil, clients: clients)
        let configuration = try EngineConfiguration.parse(toml: toml, file: dir + "/engine.toml")
        var plan = try EnginePlan(configuration: configuration, text: toml)
        plan.profiling = .off
        let engine = EngineRun(plan: plan, logger: quietLogger("test.engine"))
        try engine.start()
        let ports = try await engine.startClients()
        guard let port = ports.first else { throw CFTError("no client acceptor port") }
        return (engine, port)
    }

    /// Waits until the lane has seen the simulated books for a while (so risk's collar has a touch).
    static func waitForBooks(_ engine: EngineRun) async -> Bool {
        await eventually { engine.snapshot().lanes.first.map { $0.counters.bookEvents > 200 } ?? false }
    }

    /// Vega's own FIX initiator as the client `name`.
    static func client(_ name: String, port: Int) throws -> FIXEngine {
        try FIXEngine(settings: try settings("""
            ConnectionType=initiator
            SocketConnectHost=127.0.0.1
            SocketConnectPort=\(port)
            HeartBtInt=30
            ReconnectInterval=1
            [SESSION]
            SenderCompID=\(name)
            TargetCompID=VEGA
            """), logger: quietLogger())
    }
}

struct CFTError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

extension FIXMessage {
    /// `tag=value` of the tags, for failure messages.
    func cftPick(_ tags: [UInt32]) -> String { tags.map { "\($0)=\(self[$0] ?? "-")" }.joined(separator: " ") }
}
