// fix-executor-bench: Vega's FIX acceptor running the executor of `vega fix executor`
// (FIXExecutorBook: ack, then fill marketable orders at the reference price) on the engine's
// event loop (FIXEngine onMessage), without the command's per-message printing — the counterpart of `qf-acceptor --quiet` in the session
// round-trip benchmark of fix-compare.sh (QuickFIX initiator → this → ExecutionReports).
//
// usage: fix-executor-bench --config FILE.cfg [--reference-price PX]
// Prints `LISTENING port=<p>` once listening (SocketAcceptPort=0 picks a free port), runs until
// SIGTERM/SIGINT, logs the sessions out and prints `DONE received=<n>`.
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import VegaCore
import VegaOrderEntry

func fail(_ message: String) -> Never {
    let line = "fix-executor-bench: \(message)\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    exit(2)
}

var config: String?
var reference = "100"
var arguments = CommandLine.arguments.dropFirst()
while let a = arguments.popFirst() {
    switch a {
    case "--config": config = arguments.popFirst()
    case "--reference-price": reference = arguments.popFirst() ?? ""
    default: fail("unknown argument \(a); usage: fix-executor-bench --config FILE.cfg [--reference-price PX]")
    }
}
guard let config else { fail("--config is required") }
guard let referencePrice = try? Price4(parsing: reference) else { fail("--reference-price \(reference) is not a price") }
let settings: FIXConfiguration
do { settings = try FIXConfiguration(contentsOf: config) } catch { fail("\(error)") }
/// The executor's books, one per session. Touched only on the engine's event loop (the
/// handler runs there), hence `@unchecked Sendable`.
final class ExecutorBooks: @unchecked Sendable {
    let referencePrice: Price4
    var books: [FIXSessionID: FIXExecutorBook] = [:]
    var received = 0
    init(referencePrice: Price4) { self.referencePrice = referencePrice }

    func handle(_ id: FIXSessionID, _ m: FIXMessage) -> [FIXOutgoingMessage] {
        received += 1
        // In place: copying the book out of the dictionary and back (`var book = books[id]`)
        // left its order maps shared, so every order copied all of them (O(orders) per order:
        // the throughput collapse with many orders).
        return books[id, default: FIXExecutorBook(referencePrice: referencePrice)].handle(m, now: .now())
    }
}

/// A function, not top-level code: a closure formed in top-level code is main-actor isolated
/// and would trap when the event loop calls it.
func makeHandler(_ books: ExecutorBooks) -> FIXEngine.MessageHandler {
    { id, m in books.handle(id, m) }
}

let books = ExecutorBooks(referencePrice: referencePrice)
// The book runs on the engine's event loop as each order is processed (FIXEngine onMessage):
// replies are written in the same pass and flushed once per read burst.
let engine = try FIXEngine(settings: settings.sessions, onMessage: makeHandler(books))
try await engine.start()
guard let port = await engine.acceptorPorts().first else { fail("no acceptor session in \(config)") }
print("LISTENING port=\(port)")
fflush(nil)  // all streams: the parent waits for this line

/// SIGINT/SIGTERM stop the engine, which ends `events`. A function, not top-level code: top-level
/// code is main-actor isolated, and a handler closure formed there traps when the signal queue runs it.
func stopOnSignals(_ engine: FIXEngine) -> [any DispatchSourceSignal] {
    [SIGINT, SIGTERM].map { sig in
        signal(sig, SIG_IGN)
        let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
        s.setEventHandler { Task { await engine.stop() } }
        s.resume()
        return s
    }
}
let signalSources = stopOnSignals(engine)

// Session events (logons, disconnects) still arrive here; the stream ends when the engine stops.
for await _ in engine.events {}
print("DONE received=\(books.received)")
fflush(nil)
