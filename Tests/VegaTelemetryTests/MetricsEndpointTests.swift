import CoreMetrics
import Foundation
import Glibc
import Logging
import Prometheus
import Testing
@testable import VegaTelemetry

/// A one-request HTTP/1.1 client over a plain POSIX socket (no NIO on the client side, so the
/// test does not share the server's machinery).
enum TelemetryHTTPClient {
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    static func request(port: Int, method: String = "GET", path: String = "/metrics", headers: [String] = []) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(rc == 0, "connect: errno \(errno)")
        let text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            + headers.map { $0 + "\r\n" }.joined() + "\r\n"
        let bytes = Array(text.utf8)
        try #require(bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) } == bytes.count)
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            received.append(contentsOf: chunk[0..<n])
        }
        let all = String(decoding: received, as: UTF8.self)
        let parts = all.components(separatedBy: "\r\n\r\n")
        let head = parts[0].components(separatedBy: "\r\n")
        let status = Int(head[0].split(separator: " ")[1]) ?? -1
        var hs: [String: String] = [:]
        for line in head.dropFirst() {
            if let colon = line.firstIndex(of: ":") {
                hs[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return Response(status: status, headers: hs, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }
}

/// Prometheus text format, parsed: types by family, values by series line.
struct TelemetryScrape {
    var types: [String: String] = [:]
    var values: [String: Double] = [:]

    init(_ text: String) {
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let p = line.split(separator: " ")
                if p.count == 4 { types[String(p[2])] = String(p[3]) }
            } else if !line.hasPrefix("#"), let space = line.lastIndex(of: " ") {
                values[String(line[..<space])] = Double(line[line.index(after: space)...])
            }
        }
    }
}

@Suite("Metrics: counter mirror and the Prometheus endpoint, scraped over TCP")
struct MetricsEndpointTests {
    @Test("lane counters scraped over a real socket: deltas, types, labels, gauges, latency summaries")
    func scrapeShowsMirroredCounters() async throws {
        let registry = PrometheusCollectorRegistry()
        let mirror = CounterMirror(factory: PrometheusMetricsFactory(registry: registry))
        let endpoint = MetricsEndpoint(registry: registry, configuration: .init(port: 0))
        let port = try await endpoint.start()
        #expect(port > 0 && endpoint.port == port)

        #expect(mirror.update([CounterReading("feed_messages", 1_000, dimensions: [("venue", "XNAS")]),
                               CounterReading("feed_messages", 40, dimensions: [("venue", "ARCA")]),
                               CounterReading("risk_rejects", 3)]) == 0)
        #expect(try mirror.update(counter: "feed_messages", dimensions: [("venue", "XNAS")], absolute: 1_500) == 500)
        try mirror.set(gauge: "oms_open_orders", to: 17)
        let profiler = LatencyProfiler(configuration: .init(calibration: TelemetrySampleFactory.calibration))
        for i in 1...1_000 { profiler.add(TelemetrySampleFactory.sample(i)) }
        mirror.publish(profiler.report())

        let r = try TelemetryHTTPClient.request(port: port)
        #expect(r.status == 200)
        #expect(r.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let scrape = TelemetryScrape(r.body)
        #expect(scrape.types["vega_feed_messages"] == "counter")
        #expect(scrape.types["vega_oms_open_orders"] == "gauge")
        #expect(scrape.types["vega_latency_nanoseconds"] == "gauge")
        #expect(scrape.values["vega_feed_messages{venue=\"XNAS\"}"] == 1_500)
        #expect(scrape.values["vega_feed_messages{venue=\"ARCA\"}"] == 40)
        #expect(scrape.values["vega_risk_rejects"] == 3)
        #expect(scrape.values["vega_oms_open_orders"] == 17)
        let p50 = try #require(scrape.values["vega_latency_nanoseconds{series=\"laneReceive->txHanded\",quantile=\"0.5\"}"])
        #expect(p50 == Double(profiler.report()[.laneToTx]!.p50))
        #expect(scrape.values["vega_latency_samples{series=\"bookUpdated\"}"] == 1_000)

        await endpoint.stop()
        #expect(endpoint.port == nil)
    }

    @Test("counters never go negative: a lane restart is a reset, counted")
    func counterResets() throws {
        let registry = PrometheusCollectorRegistry()
        let mirror = CounterMirror(factory: PrometheusMetricsFactory(registry: registry), prefix: "t")
        #expect(try mirror.update(counter: "journal_records", absolute: 100) == 100)
        #expect(try mirror.update(counter: "journal_records", absolute: 100) == 0)
        #expect(try mirror.update(counter: "journal_records", absolute: 30) == 30)
        #expect(mirror.resets == 1)
        #expect(TelemetryScrape(registry.emitToString()).values["t_journal_records"] == 130)
    }

    @Test("bad names, kind clashes and label clashes are refused with a reason and counted, never reach the registry")
    func refusals() throws {
        let registry = PrometheusCollectorRegistry()
        let (logger, store) = TelemetryCapturingLogHandler.logger()
        let mirror = CounterMirror(factory: PrometheusMetricsFactory(registry: registry), logger: logger)
        try mirror.update(counter: "session_logons", absolute: 1)
        #expect(throws: CounterMirrorError.invalidName("9lives")) { try mirror.update(counter: "9lives", absolute: 1) }
        #expect(throws: CounterMirrorError.invalidName("feed-messages")) { try mirror.update(counter: "feed-messages", absolute: 1) }
        #expect(throws: CounterMirrorError.invalidName("fix44_messages"), "the backend would rewrite it to fix___messages") {
            try mirror.update(counter: "fix44_messages", absolute: 1)
        }
        #expect(throws: CounterMirrorError.invalidLabel(name: "x", label: "__reserved")) {
            try mirror.update(counter: "x", dimensions: [("__reserved", "1")], absolute: 1)
        }
        #expect(throws: CounterMirrorError.kindConflict(name: "vega_session_logons", existing: "counter", requested: "gauge")) {
            try mirror.set(gauge: "session_logons", to: 1)
        }
        #expect(throws: CounterMirrorError.labelConflict(name: "vega_session_logons", existing: [], requested: ["venue"])) {
            try mirror.update(counter: "session_logons", dimensions: [("venue", "X")], absolute: 1)
        }
        #expect(mirror.update([CounterReading("ok_one", 5), CounterReading("bad name", 5)]) == 1)
        #expect(mirror.rejected == 1)
        #expect(store.all.contains { $0.level == .error && $0.message.contains("'bad name' is not valid") })
        #expect(TelemetryScrape(registry.emitToString()).values["vega_ok_one"] == 5)
    }

    @Test("with a bearer token: 401 without it or with a wrong one, 200 with it")
    func bearerToken() async throws {
        let registry = PrometheusCollectorRegistry()
        try CounterMirror(factory: PrometheusMetricsFactory(registry: registry)).update(counter: "up", absolute: 1)
        let endpoint = MetricsEndpoint(registry: registry, configuration: .init(port: 0, bearerToken: "s3cr3t-token"))
        let port = try await endpoint.start()
        defer { Task { await endpoint.stop() } }
        let none = try TelemetryHTTPClient.request(port: port)
        #expect(none.status == 401 && none.headers["www-authenticate"] == "Bearer")
        #expect(!none.body.contains("vega_up"))
        #expect(try TelemetryHTTPClient.request(port: port, headers: ["Authorization: Bearer wrong"]).status == 401)
        #expect(try TelemetryHTTPClient.request(port: port, headers: ["Authorization: Bearer s3cr3t-tokenX"]).status == 401)
        #expect(try TelemetryHTTPClient.request(port: port, headers: ["Authorization: Basic s3cr3t-token"]).status == 401)
        let ok = try TelemetryHTTPClient.request(port: port, headers: ["Authorization: Bearer s3cr3t-token"])
        #expect(ok.status == 200 && ok.body.contains("vega_up 1"))
        await endpoint.stop()
    }

    @Test("other paths are 404, other methods 405 with Allow; HEAD has headers and no body")
    func routing() async throws {
        let registry = PrometheusCollectorRegistry()
        try CounterMirror(factory: PrometheusMetricsFactory(registry: registry)).set(gauge: "g", to: 2)
        let endpoint = MetricsEndpoint(registry: registry, configuration: .init(port: 0))
        let port = try await endpoint.start()
        #expect(try TelemetryHTTPClient.request(port: port, path: "/").status == 404)
        #expect(try TelemetryHTTPClient.request(port: port, path: "/metricsx").status == 404)
        #expect(try TelemetryHTTPClient.request(port: port, path: "/metrics?x=1").status == 200)
        let post = try TelemetryHTTPClient.request(port: port, method: "POST")
        #expect(post.status == 405 && post.headers["allow"] == "GET, HEAD")
        #expect(try TelemetryHTTPClient.request(port: port, method: "DELETE").status == 405)
        let head = try TelemetryHTTPClient.request(port: port, method: "HEAD")
        #expect(head.status == 200 && head.body.isEmpty && Int(head.headers["content-length"] ?? "") ?? 0 > 0)
        await endpoint.stop()
    }

    @Test("start twice is refused; a port in use is a bind error naming it; stop frees the port for a restart")
    func lifecycle() async throws {
        // A port below the kernel's ephemeral range (32768…): an ephemeral port freed by stop()
        // can be taken at once by a client socket of a test running in parallel, which would make
        // the restart below fail for a reason that is not the endpoint's.
        var endpoint = MetricsEndpoint(registry: PrometheusCollectorRegistry(), configuration: .init(port: 0))
        var port = 0
        for candidate in stride(from: 20_000 + Int(getpid() % 5_000), to: 32_000, by: 7) {
            endpoint = MetricsEndpoint(registry: PrometheusCollectorRegistry(), configuration: .init(port: candidate))
            if let p = try? await endpoint.start() { port = p; break }
        }
        try #require(port != 0, "no free port below the ephemeral range")
        await #expect(throws: MetricsEndpointError.alreadyRunning(port: port)) { try await endpoint.start() }
        let clash = MetricsEndpoint(registry: PrometheusCollectorRegistry(), configuration: .init(port: port))
        do {
            try await clash.start()
            Issue.record("bound a port already in use")
            await clash.stop()
        } catch {
            guard case .bindFailed(_, let p, _) = error else { Issue.record("\(error)"); return }
            #expect(p == port)
        }
        await endpoint.stop()
        await endpoint.stop()  // idempotent
        let again = MetricsEndpoint(registry: PrometheusCollectorRegistry(), configuration: .init(port: port))
        // The listening socket's close completes on its event loop as the group shuts down; allow
        // the kernel a moment (bounded) before calling the port still taken.
        var restarted: Int?
        for _ in 0..<40 where restarted == nil {
            restarted = try? await again.start()
            if restarted == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(restarted == port, "the port was not free again within 2 s of stop()")
        await again.stop()
        await #expect(throws: MetricsEndpointError.invalidPort(70_000)) {
            try await MetricsEndpoint(registry: PrometheusCollectorRegistry(), configuration: .init(port: 70_000)).start()
        }
    }

    @Test("the token comes from a named environment variable; unset or empty is a specific error")
    func tokenFromEnvironment() throws {
        setenv("VEGA_TEST_METRICS_TOKEN", "abc123", 1)
        #expect(try MetricsEndpoint.Configuration.bearerToken(fromEnvironment: "VEGA_TEST_METRICS_TOKEN") == "abc123")
        setenv("VEGA_TEST_METRICS_TOKEN_EMPTY", "", 1)
        #expect(throws: MetricsEndpointError.tokenVariableInvalid("VEGA_TEST_METRICS_TOKEN_EMPTY")) {
            try MetricsEndpoint.Configuration.bearerToken(fromEnvironment: "VEGA_TEST_METRICS_TOKEN_EMPTY")
        }
        #expect(throws: MetricsEndpointError.tokenVariableUnset("VEGA_TEST_METRICS_TOKEN_UNSET_X")) {
            try MetricsEndpoint.Configuration.bearerToken(fromEnvironment: "VEGA_TEST_METRICS_TOKEN_UNSET_X")
        }
    }
}
