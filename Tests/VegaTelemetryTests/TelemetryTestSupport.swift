import Logging
import Synchronization
@testable import VegaTelemetry

/// A swift-log handler that keeps every message, for asserting what was logged.
struct TelemetryCapturingLogHandler: LogHandler {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    final class Store: Sendable {
        let entries = Mutex<[Entry]>([])
        var all: [Entry] { entries.withLock { $0 } }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var flat: [String: String] = [:]
        for (k, v) in metadata { flat[k] = "\(v)" }
        for (k, v) in event.metadata ?? [:] { flat[k] = "\(v)" }
        store.entries.withLock { $0.append(Entry(level: event.level, message: "\(event.message)", metadata: flat)) }
    }

    /// A logger writing into a fresh store.
    static func logger(_ label: String = "test") -> (Logger, Store) {
        let store = Store()
        return (Logger(label: label) { _ in TelemetryCapturingLogHandler(store: store) }, store)
    }
}

/// A clock set whose true time advances by `step` nanoseconds at every read; the TSC runs at
/// `rate` ticks per second from `tickOrigin`, CLOCK_REALTIME from `realtimeOrigin`.
struct TelemetryFakeClocks: TSCCalibrationSource {
    var rate: Double
    var step: Double = 20
    var tickOrigin: Double = 1_000_000
    var monotonicOrigin: Double = 5_000_000_000
    var realtimeOrigin: Double = 1_790_000_000_000_000_000
    var phcOffset: Int64? = nil
    var monotonicFrozen = false
    var ticksFrozen = false
    var failRealtime: Int32? = nil
    var trueTime: Double = 0

    init(rate: Double) { self.rate = rate }

    mutating func advance() { trueTime += step }
    func ticks(atTrueTime t: Double) -> UInt64 { UInt64(tickOrigin + t * rate / 1e9) }
    func realtime(atTrueTime t: Double) -> UInt64 { UInt64(realtimeOrigin + t) }

    mutating func readTicks() -> UInt64 {
        advance()
        return ticksFrozen ? UInt64(tickOrigin) : ticks(atTrueTime: trueTime)
    }
    mutating func monotonicRawNanoseconds() throws(TSCCalibrationError) -> UInt64 {
        advance()
        return UInt64(monotonicOrigin + (monotonicFrozen ? 0 : trueTime))
    }
    mutating func realtimeNanoseconds() throws(TSCCalibrationError) -> UInt64 {
        advance()
        if let e = failRealtime { throw .clockReadFailed(clock: "CLOCK_REALTIME", errno: e) }
        return realtime(atTrueTime: trueTime)
    }
    mutating func phcMinusRealtimeNanoseconds() throws(TSCCalibrationError) -> Int64? { phcOffset }
    mutating func wait(nanoseconds: UInt64) { trueTime += Double(nanoseconds) }
}
