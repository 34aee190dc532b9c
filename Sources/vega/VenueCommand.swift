import ArgumentParser
import Dispatch
import Logging
import VegaCore
import VegaMarketData
import VegaVenue
#if canImport(Glibc)
import Glibc
#endif

/// `vega venue`: simulated exchanges as network services.
struct VenueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "venue",
        abstract: "Run simulated venues as network services: ITCH over MoldUDP64 multicast, re-requests, OUCH over SoupBinTCP, FIX 4.4.",
        discussion: """
            Each [[venue]] of the TOML file runs on its own thread with its own matching engine, \
            publishing what happens as ITCH 5.0 in MoldUDP64 packets to a UDP multicast group \
            (heartbeats when idle, an end-of-session packet at the end), answering MoldUDP64 \
            re-requests on UDP, and accepting orders over OUCH 5.0 / SoupBinTCP 4.0 (one login \
            per [[venue.firm]]; the password comes from the environment variable password_env \
            names) and FIX 4.4 (the acceptor sessions of a QuickFIX .cfg file). Background \
            participants ([venue.flow]) keep the books alive. wire_latency_us delays everything \
            a venue sends, e.g. 120 for a second venue as far as NYSE is from NASDAQ.

            Ctrl-C or SIGTERM ends the day gracefully: resting orders are cancelled (answered on \
            OUCH and FIX), the feed sends its end-of-session packet, SoupBinTCP clients get End \
            of Session and FIX sessions Logout. Every stats_interval seconds each venue logs one \
            line of statistics on stderr.

            Example (Config/venue-example.toml is a longer one):

              stats_interval = 10
              [[venue]]
              name = "NASDAQ"
              market_data_session = "NASDAQ0001"
              wire_latency_us = 0
                [[venue.instrument]]
                locate = 1
                symbol = "AAPL"
                reference_price = "190.00"
                tick = "0.01"
                [venue.market_data]
                group = "239.192.1.1:26400"   # interface = "lo" (default), ttl = 1, loop = true
                [venue.rerequest]
                listen = "127.0.0.1:26401"
                [venue.ouch]
                listen = "127.0.0.1:15001"
                [[venue.firm]]
                firm = 1
                username = "FIRM01"
                password_env = "VEGA_FIRM01_PASSWORD"
                [venue.fix]
                sessions = "venue-fix.cfg"     # QuickFIX format, ConnectionType=acceptor
                firms = { CLIENT1 = 101 }      # TargetCompID -> firm number
                [venue.flow]
                seed = 7
                messages_per_second = 200

            Examples:
              VEGA_FIRM01_PASSWORD=secret vega venue --config Config/venue-example.toml
              vega venue --config venues.toml --duration 60 --log-level debug
              vega venue --config venues.toml --check
            """)

    @Option(name: .long, help: "The venues' TOML file.")
    var config: String

    @Option(name: .long, help: "Stop gracefully after this many seconds (default: run until Ctrl-C / SIGTERM).")
    var duration: Double?

    @Option(name: .long, help: "Log level on stderr: trace, debug, info, notice, warning, error.")
    var logLevel: String = "info"

    @Flag(name: .long, help: "Read and check the configuration, print what would run, and exit.")
    var check = false

    func validate() throws {
        if let duration, !(duration > 0 && duration.isFinite) {
            throw ValidationError("--duration must be a positive number of seconds, not \(duration)")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level \(logLevel): expected trace, debug, info, notice, warning, error or critical")
        }
    }

    func run() throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
        let settings: VenueServiceConfiguration
        do { settings = try VenueServiceConfiguration(contentsOf: config) } catch { throw ValidationError("\(error)") }
        var logger = Logger(label: "vega.venue")
        logger.logLevel = level
        for v in settings.venues {
            for w in v.fix?.warnings ?? [] { logger.notice("\(w)") }
        }
        if check {
            for v in settings.venues {
                let n = v.node
                print("venue \(n.name): \(n.instruments.count) instruments (\(n.instruments.map { $0.symbol.description }.joined(separator: ", "))), "
                      + "market data \(v.marketData.group)\(v.marketData.interface.map { " on \($0)" } ?? "") session \(n.marketDataSession), "
                      + "re-request \(v.reRequest.map { "\($0)" } ?? "none"), OUCH \(v.ouch.map { "\($0)" } ?? "none") for \(n.firms.count) firms, "
                      + "FIX \(v.fix.map { "\($0.sessions.count) sessions from \($0.path)" } ?? "none"), "
                      + "flow \(n.backgroundFlow.map { "\($0.messagesPerSecond)/s seed \($0.seed)" } ?? "none"), "
                      + "wire latency \(Double(v.wireLatencyNanoseconds) / 1_000) µs")
            }
            return
        }
        let service: VenueService
        do { service = try VenueService(configuration: settings, logger: logger) } catch { throw ValidationError("\(error)") }
        let duration = self.duration
        let code = FixSupport.block {
            try await service.start()
            for name in service.venueNames {
                let e = service.endpoints(name)!
                print("venue \(name): market data \(e.marketData) re-request \(e.reRequest.map { "\($0)" } ?? "none") "
                      + "ouch \(e.ouch.map { "\($0)" } ?? "none") fix \(e.fixPorts.isEmpty ? "none" : e.fixPorts.map(String.init).joined(separator: ","))")
            }
            fflush(nil)
            let stop = VenueStopSignal()
            stop.install()
            let deadline = duration.map { Timestamp<Monotonic>.now().nanoseconds + UInt64($0 * 1e9) }
            while !stop.requested {
                if let deadline, Timestamp<Monotonic>.now().nanoseconds >= deadline { break }
                try? await Task.sleep(nanoseconds: 20_000_000)
            }
            let final = await service.stop()
            for s in final { print(s) }
            fflush(nil)
            return 0
        }
        if code != 0 { throw ExitCode(code) }
    }
}

/// Ctrl-C / SIGTERM: ask the service to stop (the run loop notices and stops it gracefully).
final class VenueStopSignal: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []
    private let lock = DispatchQueue(label: "vega.venue.stop")
    private var stopped = false

    var requested: Bool { lock.sync { stopped } }

    func install() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler { [self] in lock.sync { stopped = true } }
            s.resume()
            sources.append(s)
        }
    }
}
