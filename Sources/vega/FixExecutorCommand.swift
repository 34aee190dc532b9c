import ArgumentParser
import Dispatch
import Logging
import VegaCore
import VegaOrderEntry
#if canImport(Glibc)
import Glibc
#endif

/// `vega fix executor`: a FIX acceptor that executes orders against a reference price.
struct FixExecutorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "executor",
        abstract: "Accept FIX 4.4 sessions and execute orders against a reference price (a test counterparty).",
        discussion: """
            Every NewOrderSingle is acknowledged (ExecutionReport New). Orders marketable against \
            the reference price fill at once at that price: market orders, buys at or above it, \
            sells at or below it. Others rest until cancelled or replaced (a replace that makes an \
            order marketable fills it). A duplicate ClOrdID is rejected (ExecutionReport Rejected, \
            OrdRejReason 6; OrderCancelReject 102=6 on a cancel/replace); a cancel or replace of \
            an unknown order gets OrderCancelReject 102=1, of a filled or cancelled one 102=0 \
            (too late). OrderStatusRequest is answered with ExecutionReport ExecType I.

            Every acceptor [SESSION] of the file is served (many clients, one port, routed by \
            CompIDs). An initiator session with DropCopy=Y receives a copy of every \
            ExecutionReport sent (the engine does it, in order). Prints one line per message received and sent; logs to stderr. \
            Stop with Ctrl-C (sessions log out first).

            Examples:
              vega fix executor --config executor.cfg
              vega fix executor --config executor.cfg --reference-price 101.25 --log-level debug
            """)

    @Option(name: .long, help: "QuickFIX-format session file (.cfg).")
    var config: String

    @Option(name: .long, help: "Price marketable orders fill at (decimal, e.g. 100 or 99.5).")
    var referencePrice: String = "100"

    @Option(name: .long, help: "Log level on stderr: trace, debug, info, notice, warning, error.")
    var logLevel: String = "info"

    func run() throws {
        let reference: Price4
        do { reference = try Price4(parsing: referencePrice) } catch {
            throw ValidationError("--reference-price: \(error)")
        }
        let settings: FIXConfiguration
        do { settings = try FIXConfiguration(contentsOf: config) } catch { throw ValidationError("\(error)") }
        let logger = FixSupport.logger(logLevel)
        for w in settings.warnings { logger.notice("\(w)") }
        let engine = try FIXEngine(settings: settings.sessions, logger: logger)
        let code = FixSupport.block {
            try await engine.start()
            let ports = await engine.acceptorPorts()
            print("executor: listening on port \(ports.map(String.init).joined(separator: ",")) reference-price \(reference)")
            fflush(nil)
            let stop = StopSignal(engine: engine)
            stop.install()
            var books: [FIXSessionID: FIXExecutorBook] = [:]
            for await event in engine.events {
                switch event {
                case .message(let id, let m):
                    print("<- \(id.targetCompID) \(FixSupport.describe(m))")
                    // In place: a copy out and back would copy the book's order maps per order.
                    let replies = books[id, default: FIXExecutorBook(referencePrice: reference)].handle(m, now: .now())
                    for r in replies {
                        engine.send(r, to: id)
                        print("-> \(id.targetCompID) \(r.msgType == .executionReport ? "ExecutionReport" : "OrderCancelReject") \(r.fields.filter { [11, 41, 150, 39, 31, 32, 151, 102].contains($0.tag) }.map { "\($0.tag)=\($0.value)" }.joined(separator: " "))")
                    }
                    fflush(nil)
                case .loggedOn(let id):
                    print("logon \(id)")
                    fflush(nil)
                case .disconnected(let id, let reason):
                    print("disconnected \(id): \(reason)")
                    fflush(nil)
                default:
                    break
                }
            }
            return 0
        }
        if code != 0 { throw ExitCode(code) }
    }
}

/// Ctrl-C / SIGTERM: log every session out, then end the event stream.
final class StopSignal: @unchecked Sendable {
    let engine: FIXEngine
    var sources: [any DispatchSourceSignal] = []
    init(engine: FIXEngine) { self.engine = engine }

    func install() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler { [engine] in Task { await engine.stop() } }
            s.resume()
            sources.append(s)
        }
    }
}
