import ArgumentParser
import Logging
import VegaCore
import VegaOrderEntry
#if canImport(Glibc)
import Glibc
#endif

/// `vega fix send`: log on as an initiator, send order requests, print what comes back.
struct FixSendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Log on to a FIX 4.4 acceptor, send orders, cancels and replaces, and print the replies.",
        discussion: """
            Requests, one per argument or per line of --file (# starts a comment):
              new <ClOrdID> <buy|sell|short> <qty> <symbol> [<price>|market] [day|gtc|ioc|fok]
              cancel <ClOrdID> <OrigClOrdID> [<buy|sell> <symbol>]
              replace <ClOrdID> <OrigClOrdID> <qty> <price|market> [<buy|sell> <symbol>]
              status <ClOrdID> [<buy|sell> <symbol>]
            Side and symbol of cancel/replace/status default to those of the order named, when \
            it was sent earlier in the same run. A price makes a limit order; none (or market) a \
            market order.

            The tool waits until every request has an answer that carries its ClOrdID (an \
            ExecutionReport or OrderCancelReject), prints everything that arrives for another \
            --linger milliseconds, logs out and exits 0; it exits 1 if --timeout passes first.

            Examples:
              vega fix send --config client.cfg "new o1 buy 100 VGA 101.5"
              vega fix send --config client.cfg "new o1 sell 50 VGA 120 gtc" "replace o2 o1 50 99" "cancel c1 o2"
              vega fix send --config client.cfg --file orders.txt --raw
            """)

    @Option(name: .long, help: "QuickFIX-format session file (.cfg) with an initiator session.")
    var config: String

    @Option(name: .long, help: "Which initiator session to use, as SENDER:TARGET (default: the first).")
    var session: String?

    @Option(name: .long, help: "Read requests from this file, one per line.")
    var file: String?

    @Option(name: .long, help: "Seconds to wait for logon and for all answers.")
    var timeout: Int = 10

    @Option(name: .long, help: "Milliseconds to keep printing after the last answer (fills follow acks).")
    var linger: Int = 300

    @Flag(name: .long, help: "Also print each received message raw (| for SOH).")
    var raw = false

    @Option(name: .long, help: "Log level on stderr: trace, debug, info, notice, warning, error.")
    var logLevel: String = "warning"

    @Argument(help: "Requests (see above).")
    var requests: [String] = []

    func run() throws {
        var lines = requests
        if let file {
            guard let text = readText(file) else { throw ValidationError("--file \(file): cannot read it") }
            lines += text.split(separator: "\n").map { String($0.prefix { $0 != "#" }) }.filter { !$0.trimmingCharacters(in: " \t\r").isEmpty }
        }
        guard !lines.isEmpty else { throw ValidationError("no requests: give them as arguments or with --file (see --help)") }
        let settings: FIXConfiguration
        do { settings = try FIXConfiguration(contentsOf: config) } catch { throw ValidationError("\(error)") }
        let initiators = settings.sessions.filter { $0.configuration.role == .initiator && !$0.isDropCopy }
        guard var chosen = initiators.first else { throw ValidationError("\(config) has no initiator [SESSION]") }
        if let session {
            guard let s = initiators.first(where: { "\($0.configuration.sessionID.senderCompID):\($0.configuration.sessionID.targetCompID)" == session }) else {
                throw ValidationError("--session \(session): no initiator session with these CompIDs; have: \(initiators.map { "\($0.configuration.sessionID.senderCompID):\($0.configuration.sessionID.targetCompID)" }.joined(separator: ", "))")
            }
            chosen = s
        }
        var builder = RequestBuilder()
        var built: [FIXOutgoingMessage] = []
        for (i, line) in lines.enumerated() {
            do { built.append(try builder.build(line)) } catch { throw ValidationError("request \(i + 1) \"\(line)\": \(error.message)") }
        }
        let logger = FixSupport.logger(logLevel)
        let engine = try FIXEngine(settings: [chosen], logger: logger)
        let id = chosen.configuration.sessionID
        let timeout = self.timeout, linger = self.linger, raw = self.raw
        let messages = built
        let code = FixSupport.block {
            try await engine.start()
            let waiter = Deadline(engine: engine, seconds: timeout)
            var pending = Set(messages.compactMap { $0[11] })
            var sent = false
            var lingerTask: Task<Void, Never>? = nil
            var result: Int32 = 1
            for await event in engine.events {
                switch event {
                case .loggedOn:
                    print("logon \(id)")
                    if !sent {
                        sent = true
                        for m in messages { engine.send(m, to: id) }
                    }
                case .message(_, let m):
                    print("<- \(FixSupport.describe(m))")
                    if raw { print("   \(m)") }
                    if let c = m[11] { pending.remove(c) }
                    if pending.isEmpty && lingerTask == nil {
                        result = 0
                        lingerTask = Task {
                            try? await Task.sleep(for: .milliseconds(linger))
                            engine.logout(id, reason: "done")
                            await engine.stop()
                        }
                    }
                case .session(_, let e):
                    switch e {
                    case .rejectReceived, .logonRefused, .rejectSent: print("!! \(e)")
                    default: break
                    }
                case .disconnected(_, let reason):
                    if lingerTask == nil && !sent { print("disconnected: \(reason)") }
                case .connectionRefused(_, let reason):
                    print("refused: \(reason)")
                default:
                    break
                }
                fflush(nil)
            }
            waiter.cancel()
            if result != 0 {
                FixSupport.printError("vega fix send: no answer within \(timeout) s for: \(pending.sorted().joined(separator: ", "))")
            }
            return result
        }
        if code != 0 { throw ExitCode(code) }
    }

    func readText(_ path: String) -> String? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n == 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Stops the engine when the time is up (ends the event stream, so the tool exits 1).
final class Deadline: @unchecked Sendable {
    let task: Task<Void, Never>
    init(engine: FIXEngine, seconds: Int) {
        task = Task {
            try? await Task.sleep(for: .seconds(seconds))
            if !Task.isCancelled { await engine.stop() }
        }
    }
    func cancel() { task.cancel() }
}

/// Turns request lines into FIX messages, remembering each order's side and symbol.
struct RequestBuilder {
    struct Failure: Error { var message: String }
    var known: [String: (side: String, symbol: String, qty: String)] = [:]

    static func side(_ s: String) -> String? {
        switch s.lowercased() {
        case "buy", "b", "1": "1"
        case "sell", "s", "2": "2"
        case "short", "5": "5"
        default: nil
        }
    }

    static func tif(_ s: String) -> String? {
        switch s.lowercased() {
        case "day": "0"
        case "gtc": "1"
        case "ioc": "3"
        case "fok": "4"
        default: nil
        }
    }

    func now() -> String { FIXTimestampFormat.string(.now()) }

    func price(_ s: String) throws(Failure) -> String? {
        if s.lowercased() == "market" { return nil }
        guard (try? Price8(parsing: s)) != nil else { throw Failure(message: "\"\(s)\" is not a price (decimal) or market") }
        return s
    }

    func sideSymbol(_ words: [String], from: Int, orig: String) throws(Failure) -> (String, String, String?) {
        if words.count >= from + 2 {
            guard let side = RequestBuilder.side(words[from]) else { throw Failure(message: "\"\(words[from])\" is not buy, sell or short") }
            return (side, words[from + 1], known[orig]?.qty)
        }
        guard let k = known[orig] else { throw Failure(message: "order \(orig) was not sent in this run: give <buy|sell> <symbol>") }
        return (k.side, k.symbol, k.qty)
    }

    mutating func build(_ line: String) throws(Failure) -> FIXOutgoingMessage {
        let w = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let verb = w.first?.lowercased() else { throw Failure(message: "empty request") }
        switch verb {
        case "new":
            guard w.count >= 5 else { throw Failure(message: "expected: new <ClOrdID> <buy|sell|short> <qty> <symbol> [<price>|market] [tif]") }
            guard let side = RequestBuilder.side(w[2]) else { throw Failure(message: "\"\(w[2])\" is not buy, sell or short") }
            guard let q = UInt64(w[3]), q > 0 else { throw Failure(message: "\"\(w[3])\" is not a positive whole quantity") }
            var fields: [(UInt32, String)] = [(11, w[1]), (55, w[4]), (54, side), (60, now()), (38, String(q))]
            let px = w.count >= 6 ? try price(w[5]) : nil
            fields.append((40, px == nil ? "1" : "2"))
            if let px { fields.append((44, px)) }
            if w.count >= 7 {
                guard let t = RequestBuilder.tif(w[6]) else { throw Failure(message: "\"\(w[6])\" is not day, gtc, ioc or fok") }
                fields.append((59, t))
            }
            known[w[1]] = (side, w[4], String(q))
            return FIXOutgoingMessage(.newOrderSingle, fields)
        case "cancel":
            guard w.count >= 3 else { throw Failure(message: "expected: cancel <ClOrdID> <OrigClOrdID> [<buy|sell> <symbol>]") }
            let (side, symbol, qty) = try sideSymbol(w, from: 3, orig: w[2])
            var fields: [(UInt32, String)] = [(41, w[2]), (11, w[1]), (55, symbol), (54, side), (60, now())]
            if let qty { fields.append((38, qty)) }
            known[w[1]] = (side, symbol, qty ?? "0")
            return FIXOutgoingMessage(.orderCancelRequest, fields)
        case "replace":
            guard w.count >= 5 else { throw Failure(message: "expected: replace <ClOrdID> <OrigClOrdID> <qty> <price|market> [<buy|sell> <symbol>]") }
            guard let q = UInt64(w[3]), q > 0 else { throw Failure(message: "\"\(w[3])\" is not a positive whole quantity") }
            let px = try price(w[4])
            let (side, symbol, _) = try sideSymbol(w, from: 5, orig: w[2])
            var fields: [(UInt32, String)] = [(41, w[2]), (11, w[1]), (55, symbol), (54, side), (60, now()), (38, String(q)), (40, px == nil ? "1" : "2")]
            if let px { fields.append((44, px)) }
            known[w[1]] = (side, symbol, String(q))
            return FIXOutgoingMessage(.orderCancelReplaceRequest, fields)
        case "status":
            guard w.count >= 2 else { throw Failure(message: "expected: status <ClOrdID> [<buy|sell> <symbol>]") }
            let (side, symbol, _) = try sideSymbol(w, from: 2, orig: w[1])
            return FIXOutgoingMessage(.orderStatusRequest, [(11, w[1]), (55, symbol), (54, side)])
        default:
            throw Failure(message: "unknown request \"\(verb)\"; expected new, cancel, replace or status")
        }
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
