import Foundation
import Glibc
import Logging
import Synchronization
import Testing
import VegaCore
import VegaEngine
import VegaHardware
import VegaTelemetry
import VegaVenue

/// A venue service on loopback (ephemeral ports, a multicast group of its own) and the engine
/// configuration text that trades against it on the live backend.
struct LBTVenue {
    static let password = "lbt-pw-1"
    static let environment = ["VEGA_LBT_PASSWORD": password]
    let service: VenueService
    let group: IPv4Endpoint
    let endpoints: VenueServiceEndpoints

    /// A group no other test uses: 239.197.<pid>.<n>, at a UDP port the kernel just handed out.
    static func uniqueGroup(_ n: Int) throws -> IPv4Endpoint {
        let probe = try UDPSocketQueue(.init(bind: try IPv4Endpoint("127.0.0.1:0"), timestamping: .none))
        return try IPv4Endpoint("239.197.\(getpid() % 250).\(n):\(probe.localPort)")
    }

    init(groupNumber: Int, messagesPerSecond: Int = 3_000) async throws {
        group = try Self.uniqueGroup(groupNumber)
        let text = """
            stats_interval = 0
            [[venue]]
            name = "LOOP"
            market_data_session = "LBT0000001"
            heartbeat_ms = 100
              [[venue.instrument]]
              locate = 1
              symbol = "AAPL"
              reference_price = "190.00"
              [venue.market_data]
              group = "\(group)"
              interface = "lo"
              ttl = 0
              [venue.rerequest]
              listen = "127.0.0.1:0"
              [venue.ouch]
              listen = "127.0.0.1:0"
              [[venue.firm]]
              firm = 1
              username = "LBT01"
              password_env = "VEGA_LBT_PASSWORD"
              [venue.flow]
              seed = 5
              messages_per_second = \(messagesPerSecond)
              participants = 8
            """
        let configuration = try VenueServiceConfiguration(text: text, file: "lbt-venue.toml", environment: Self.environment)
        service = try VenueService(configuration: configuration)
        try await service.start()
        endpoints = try #require(service.endpoints("LOOP"))
    }

    /// The engine's TOML: one live venue (this one), AAPL, one market maker. `ouchPort`
    /// overrides where order entry connects (a proxy, a closed port).
    func engineText(ouchPort: UInt16? = nil, reconnectMilliseconds: Int = 100) -> String {
        """
        [engine]
        name = "lbt"
        backend = "live"
        cancel_on_stop = "all"

        [[accounts]]
        name = "main"
        id = 1

        [[venues]]
        name = "LOOP"
        id = 0
          [venues.feed]
          session = "LBT0000001"
          backend = "udp"
          line_a = "\(group)"
          recovery = "\(endpoints.reRequest!)"
          interface = "lo"
          timestamping = "hardware"
          [venues.order_entry]
          protocol = "ouch"
          host = "127.0.0.1"
          port = \(ouchPort ?? endpoints.ouch!.port)
          username = "LBT01"
          password_env = "VEGA_LBT_PASSWORD"
          reconnect_ms = \(reconnectMilliseconds)

        [[instruments]]
        symbol = "AAPL"
        id = 1
        tick = 0.01
        lot = 100
        reference_price = 190.00
        venues = ["LOOP"]

        [[lanes]]
        name = "lane0"
        poll = "sleep"
        sleep_us = 20
        instruments = ["AAPL"]

        [[strategies]]
        name = "mm"
        kind = "market_maker"
        id = 1
        account = "main"
        instrument = "AAPL"
        venue = "LOOP"
          [strategies.parameters]
          half_spread = 0.01
          quote_size = 100
          requote_threshold = 0.01
          max_position = 5000
          max_working_orders = 4

        [telemetry]
        profile = "full"

        """
    }

    func plan(ouchPort: UInt16? = nil, reconnectMilliseconds: Int = 100) throws -> EnginePlan {
        let text = engineText(ouchPort: ouchPort, reconnectMilliseconds: reconnectMilliseconds)
        let host = ConfigurationHost(environment: Self.environment, onlineCPUs: 2)
        let c = try EngineConfiguration.parse(toml: text, file: "lbt-engine.toml", host: host)
        return try EnginePlan(configuration: c, text: text, host: host)
    }
}

/// Polls `body` (off the lane, ~every 50 ms) until it is true or `seconds` pass: a bound on
/// waiting, never a timing assertion.
@discardableResult
func lbtWait(seconds: Double = 60, _ body: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while !body() {
        if Date() > deadline { return body() }
        usleep(50_000)
    }
    return true
}


/// A TCP relay on 127.0.0.1 between the engine and the venue's OUCH port, which a test can cut:
/// every relayed connection is closed at once (both sides), as a network failure would.
final class LBTProxy: @unchecked Sendable {
    let listener: TCPListener
    var listenFD: Int32 { listener.fd }
    var port: UInt16 { listener.port }
    let target: IPv4Endpoint
    let cuts = Atomic<Int>(0)
    let stopping = Atomic<Bool>(false)
    let accepted = Atomic<Int>(0)
    var thread: Thread?

    init(target: IPv4Endpoint) throws {
        self.target = target
        listener = try TCPListener(bind: try IPv4Endpoint("127.0.0.1:0"))
        let t = Thread { [self] in self.relay() }
        thread = t
        t.start()
    }

    func cut() { cuts.add(1, ordering: .relaxed) }

    func stop() {
        stopping.store(true, ordering: .relaxed)
        while thread?.isFinished == false { usleep(1_000) }
    }

    private func relay() {
        var pairs: [(client: Int32, upstream: Int32)] = []
        var seenCuts = 0
        var buffer = [UInt8](repeating: 0, count: 65_536)
        func closeAll() {
            for p in pairs { close(p.client); close(p.upstream) }
            pairs = []
        }
        while !stopping.load(ordering: .relaxed) {
            let c = cuts.load(ordering: .relaxed)
            if c != seenCuts {
                seenCuts = c
                closeAll()
            }
            var fds = [pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)]
            for p in pairs {
                fds.append(pollfd(fd: p.client, events: Int16(POLLIN), revents: 0))
                fds.append(pollfd(fd: p.upstream, events: Int16(POLLIN), revents: 0))
            }
            _ = poll(&fds, nfds_t(fds.count), 10)
            if fds[0].revents & Int16(POLLIN) != 0 {
                let client = accept(listenFD, nil, nil)
                if client >= 0 {
                    let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                    var a = target.sockaddr
                    let ok = withUnsafePointer(to: &a) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                    }
                    if ok == 0 {
                        var one: Int32 = 1
                        setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                        setsockopt(upstream, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                        pairs.append((client, upstream))
                        accepted.add(1, ordering: .relaxed)
                    } else {
                        close(client)
                        close(upstream)
                    }
                }
            }
            var dead: [Int] = []
            for (i, p) in pairs.enumerated() {
                for (from, to, k) in [(p.client, p.upstream, 1 + 2 * i), (p.upstream, p.client, 2 + 2 * i)]
                where fds.count > k && fds[k].revents != 0 {
                    let n = buffer.withUnsafeMutableBytes { recv(from, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
                    if n == 0 || (n < 0 && errno != EAGAIN) {
                        dead.append(i)
                        break
                    }
                    var off = 0
                    while off < n {
                        let w = buffer.withUnsafeBytes { send(to, $0.baseAddress! + off, n - off, Int32(MSG_NOSIGNAL)) }
                        if w <= 0 { break }
                        off += w
                    }
                }
            }
            for i in Set(dead).sorted(by: >) {
                close(pairs[i].client)
                close(pairs[i].upstream)
                pairs.remove(at: i)
            }
        }
        closeAll()
    }
}

@Suite("The live backend: a lane on UDP multicast and TCP against a venue service on loopback", .serialized)
struct LiveBackendTests {
    @Test("books are built from the multicast feed, orders go out and are acknowledged over TCP, fills come back, kernel RX → TX stamps pair up, the stop cancels and logs out")
    func tradesAgainstAVenueOnLoopback() async throws {
        let venue = try await LBTVenue(groupNumber: 1)
        let plan = try venue.plan()
        #expect(plan.backend == .live && plan.venues.isEmpty && plan.liveVenues.count == 1)
        let engine = EngineRun(plan: plan)
        do {
            try engine.start()
        } catch {
            await venue.service.stop()
            throw error
        }
        let traded = lbtWait {
            let s = engine.snapshot()
            guard let lane = s.lanes.first else { return false }
            return lane.counters.fills > 0 && lane.transmitStampsMatched > 0
                && (s.latency?.row(for: .endToEnd(from: .kernelRx, to: .txTimestamp))?.count ?? 0) > 0
        }
        let running = engine.snapshot()
        let final = engine.stop()
        // After the engine's Logout the venue closes the connection.
        let closed = lbtWait(seconds: 30) { venue.service.statistics("LOOP")?.tcpConnectionsOpen == 0 }
        let venueStatistics = await venue.service.stop()
        #expect(traded, "no fill with a paired TX stamp within the bound: \(running.lanes.first.map { "\($0.counters) \($0.driver) feed gaps \($0.feedGaps) recovered \($0.feedRecovered) lost \($0.feedLost)" } ?? "no lane")")
        let lane = try #require(final.lanes.first)
        #expect(lane.sessionsLoggedIn == 0, "logged out at stop")
        #expect(running.lanes.first?.sessionsLoggedIn == 1)
        #expect(lane.counters.messages > 0 && lane.counters.bookEvents > 0, "books built from the multicast feed")
        #expect(lane.counters.ordersSent > 0)
        #expect(lane.counters.executionReports > lane.counters.fills, "acknowledgements as well as fills came back over TCP")
        #expect(lane.counters.fills > 0)
        #expect(lane.counters.sessionDisconnects == 0)
        // The stop throws the shutdown kill switch: what works is canceled, orders answered during
        // the stop (PendingNew, PendingReplace then) are canceled on their answers, nothing new
        // goes out — and nothing is left open once the venue has answered.
        #expect(lane.workingOrders == 0,
                "\(lane.workingOrders) orders still open after the stop: \(lane.counters); risk \(lane.riskRejects), OMS \(lane.omsRejects)")
        #expect(lane.transmitStampsMatched > 0)
        #expect(closed, "the venue still has the connection open after the engine stopped")
        let node = try #require(venueStatistics.first)
        #expect(node.tcpBytesIn > 0 && node.tcpBytesOut > 0)
        // The profiler saw the kernel's stamps at both ends, in order.
        let report = try #require(final.latency)
        let kernelToTx = try #require(report.row(for: .endToEnd(from: .kernelRx, to: .txTimestamp)))
        #expect(kernelToTx.count > 0 && kernelToTx.p50 > 0)
        let kernelToHanded = try #require(report.row(for: .endToEnd(from: .kernelRx, to: .txHanded)))
        #expect(kernelToHanded.count > 0)
    }

    @Test("an order-entry address nobody listens on fails the start with the venue, the address and errno's text")
    func connectionRefusedAtStart() async throws {
        let venue = try await LBTVenue(groupNumber: 2, messagesPerSecond: 100)
        // A port that was just free: bind, read it, close.
        let closedPort = try LBTVenue.uniqueGroup(3).port
        let engine = EngineRun(plan: try venue.plan(ouchPort: closedPort))
        var message = ""
        do {
            try engine.start()
            engine.stop()
        } catch {
            message = "\(error)"
        }
        await venue.service.stop()
        #expect(message.contains("venue LOOP"), "\(message)")
        #expect(message.contains("127.0.0.1:\(closedPort)"), "\(message)")
        #expect(message.contains("Connection refused") && message.contains("errno \(ECONNREFUSED)"), "\(message)")
    }

    @Test("a lost order-entry connection is counted and logged, orders are refused while it is down, and it comes back: reconnected, the session rejoined at the next sequence, trading again")
    func reconnectsAfterALostConnection() async throws {
        let venue = try await LBTVenue(groupNumber: 4)
        let proxy = try LBTProxy(target: try #require(venue.endpoints.ouch))
        let engine = EngineRun(plan: try venue.plan(ouchPort: proxy.port, reconnectMilliseconds: 50))
        do {
            try engine.start()
        } catch {
            proxy.stop()
            await venue.service.stop()
            throw error
        }
        func lane() -> LaneSnapshot? { engine.snapshot().lanes.first }
        let acknowledged = lbtWait { (lane()?.counters.executionReports ?? 0) > 0 }
        let before = lane()
        proxy.cut()
        let rejoined = lbtWait {
            guard let l = lane() else { return false }
            return l.counters.sessionDisconnects >= 1 && l.counters.logins >= 2 && l.sessionsLoggedIn == 1
        }
        let reconnected = lane()
        // Trading again over the new connection: more execution reports than at the reconnection.
        let tradingAgain = lbtWait { (lane()?.counters.executionReports ?? 0) > (reconnected?.counters.executionReports ?? .max) }
        let final = engine.stop()
        proxy.stop()
        await venue.service.stop()
        #expect(acknowledged, "no execution report before the cut: \(before.map { "\($0.counters)" } ?? "-")")
        #expect(rejoined, "not logged in again after the cut: \(reconnected.map { "\($0.counters)" } ?? "-")")
        #expect(tradingAgain, "no execution report after reconnecting")
        #expect(proxy.accepted.load(ordering: .relaxed) == 2, "one connection at start, one after the cut")
        let l = try #require(final.lanes.first)
        #expect(l.counters.sessionDisconnects == 1)
        #expect(l.counters.logins == 2)
        #expect(l.ouchUnknownReferences == 0, "the rejoin replayed nothing twice and skipped nothing the lane knew")
    }
}
