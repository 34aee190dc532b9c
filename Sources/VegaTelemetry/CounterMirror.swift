import CoreMetrics
import Logging
import Synchronization

/// One absolute counter value read from the lane.
public struct CounterReading: Sendable, Equatable {
    /// Metric name without the mirror's prefix, e.g. `feed_messages` (letters, digits, `_`).
    public var name: String
    /// Label pairs, e.g. `[("venue", "XNAS")]`.
    public var dimensions: [(String, String)]
    /// The lane counter's current absolute value.
    public var value: UInt64

    public init(_ name: String, _ value: UInt64, dimensions: [(String, String)] = []) {
        self.name = name
        self.value = value
        self.dimensions = dimensions
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.name == b.name && a.value == b.value && a.dimensions.elementsEqual(b.dimensions, by: ==)
    }
}

/// Why the mirror refused a metric. It never lets a bad name or a kind clash reach the metrics
/// backend (swift-prometheus traps on both).
public enum CounterMirrorError: Error, Equatable, CustomStringConvertible {
    /// `name` is not a metric name the backend keeps as given: letters, `_`, digits 0 and 9, not
    /// starting with a digit (swift-prometheus 2.4.1 rewrites the digits 1–8).
    case invalidName(String)
    /// Label `label` of `name` is not a label name the backend keeps as given (the same rule as
    /// names, and not `__…`).
    case invalidLabel(name: String, label: String)
    /// `name` is already a `existing` (counter or gauge) and cannot become a `requested`.
    case kindConflict(name: String, existing: String, requested: String)
    /// `name` was first used with labels `existing` (sorted names) and now with `requested`: one
    /// family must keep one label set (Prometheus forbids mixing labelled and unlabelled series).
    case labelConflict(name: String, existing: [String], requested: [String])

    public var description: String {
        switch self {
        case .invalidName(let n):
            "metric name '\(n)' is not valid: use letters, '_' and the digits 0 and 9 (swift-prometheus 2.4.1 rewrites 1–8), not starting with a digit"
        case .invalidLabel(let n, let l):
            "metric '\(n)': label '\(l)' is not valid: use letters, '_' and the digits 0 and 9, not starting with a digit or '__'"
        case .kindConflict(let n, let e, let r): "metric '\(n)' is a \(e); it cannot also be a \(r)"
        case .labelConflict(let n, let e, let r): "metric '\(n)' has labels \(e); it cannot also have labels \(r)"
        }
    }
}

/// Mirrors the lane's absolute counters into swift-metrics: once a second or so, the engine copies
/// its lane counters (plain `UInt64`s) off the lane and hands them to ``update(_:)``; each becomes
/// a `Counter` incremented by the delta since the previous update, so the backend (Prometheus)
/// sees a monotonic counter. Gauges are set as given; ``publish(_:)`` turns a ``LatencyReport``
/// into gauges.
///
/// A counter that went backwards (the lane restarted and its count began again) is treated as a
/// reset: the new value is the increment, and ``resets`` counts it — never a negative increment.
///
/// Thread-safe; allocates (metric handles on first use, dictionary lookups): off the lane.
public final class CounterMirror: Sendable {
    /// The swift-metrics factory the handles are made with (pass one per test; the engine passes
    /// the factory it bootstrapped, or a `PrometheusMetricsFactory` directly).
    public let factory: any MetricsFactory
    /// Prepended with `_` to every name (`vega` → `vega_feed_messages`); empty for none.
    public let prefix: String
    let logger: Logger

    struct Entry {
        var counter: Counter?
        var gauge: Gauge?
        var last: UInt64
    }

    struct State {
        var entries: [String: Entry] = [:]
        var families: [String: (kind: String, labels: [String])] = [:]
        var resets: UInt64 = 0
        var rejected: UInt64 = 0
    }

    let state = Mutex(State())

    public init(factory: any MetricsFactory, prefix: String = "vega", logger: Logger = Logger(label: "vega.telemetry.metrics")) {
        self.factory = factory
        self.prefix = prefix
        self.logger = logger
    }

    /// Counters that went backwards and were treated as restarted.
    public var resets: UInt64 { state.withLock { $0.resets } }

    /// Readings refused by ``update(_:)`` (each logged with its ``CounterMirrorError``).
    public var rejected: UInt64 { state.withLock { $0.rejected } }

    /// Mirrors one absolute counter value; returns the increment applied.
    /// - Throws: ``CounterMirrorError`` for an invalid name or label, or a name already used as a
    ///   gauge or with other labels.
    @discardableResult
    public func update(counter name: String, dimensions: [(String, String)] = [], absolute: UInt64) throws(CounterMirrorError) -> UInt64 {
        let full = try checked(name, dimensions, kind: "counter")
        let key = Self.key(full, dimensions)
        let (counter, delta) = state.withLock { s -> (Counter, UInt64) in
            var entry = s.entries[key] ?? Entry(counter: nil, gauge: nil, last: 0)
            let counter = entry.counter ?? Counter(label: full, dimensions: dimensions, factory: factory)
            let delta: UInt64
            if absolute >= entry.last {
                delta = absolute - entry.last
            } else {
                delta = absolute
                s.resets &+= 1
            }
            entry.counter = counter
            entry.last = absolute
            s.entries[key] = entry
            return (counter, delta)
        }
        var remaining = delta
        while remaining > 0 {
            let step = min(remaining, UInt64(Int64.max))
            counter.increment(by: Int64(step))
            remaining -= step
        }
        return delta
    }

    /// Mirrors a batch of counters (the engine's once-a-second snapshot). A reading that is refused
    /// is logged with its reason and counted in ``rejected``; the others are applied. Returns how
    /// many were refused.
    @discardableResult
    public func update(_ readings: [CounterReading]) -> Int {
        var refused = 0
        for r in readings {
            do {
                try update(counter: r.name, dimensions: r.dimensions, absolute: r.value)
            } catch {
                refused += 1
                state.withLock { $0.rejected &+= 1 }
                logger.error("metric refused: \(error)", metadata: ["metric": "\(r.name)"])
            }
        }
        return refused
    }

    /// Sets gauge `name` to `value`.
    /// - Throws: ``CounterMirrorError`` as ``update(counter:dimensions:absolute:)`` does.
    public func set(gauge name: String, dimensions: [(String, String)] = [], to value: Double) throws(CounterMirrorError) {
        let full = try checked(name, dimensions, kind: "gauge")
        let key = Self.key(full, dimensions)
        let gauge = state.withLock { s -> Gauge in
            if let g = s.entries[key]?.gauge { return g }
            let g = Gauge(label: full, dimensions: dimensions, factory: factory)
            s.entries[key] = Entry(counter: nil, gauge: g, last: 0)
            return g
        }
        gauge.record(value)
    }

    /// Publishes a latency report as gauges: `<prefix>_latency_nanoseconds{series=…,quantile=…}`
    /// for p50 (0.5), p99 (0.99), p99.9 (0.999) and max (1), and
    /// `<prefix>_latency_samples{series=…}` with each series' count.
    public func publish(_ report: LatencyReport, name: String = "latency") {
        for row in report.rows {
            let quantiles: [(String, UInt64)] = [("0.5", row.p50), ("0.99", row.p99), ("0.999", row.p999), ("1", row.max)]
            do {
                for (q, v) in quantiles {
                    try set(gauge: "\(name)_nanoseconds", dimensions: [("series", row.series.name), ("quantile", q)], to: Double(v))
                }
                try set(gauge: "\(name)_samples", dimensions: [("series", row.series.name)], to: Double(row.count))
            } catch {
                state.withLock { $0.rejected &+= 1 }
                logger.error("latency gauges refused: \(error)")
            }
        }
    }

    // MARK: - Names

    private func checked(_ name: String, _ dimensions: [(String, String)], kind: String) throws(CounterMirrorError) -> String {
        guard Self.isValidName(name) else { throw .invalidName(name) }
        for (label, _) in dimensions where !Self.isValidName(label) || label.hasPrefix("__") {
            throw .invalidLabel(name: name, label: label)
        }
        let full = prefix.isEmpty ? name : "\(prefix)_\(name)"
        let labels = dimensions.map(\.0).sorted()
        let conflict: CounterMirrorError? = state.withLock { s in
            if let f = s.families[full] {
                if f.kind != kind { return .kindConflict(name: full, existing: f.kind, requested: kind) }
                if f.labels != labels { return .labelConflict(name: full, existing: f.labels, requested: labels) }
                return nil
            }
            s.families[full] = (kind, labels)
            return nil
        }
        if let conflict { throw conflict }
        return full
    }

    /// Letters, `_`, and the digits 0 and 9, not starting with a digit. swift-prometheus 2.4.1's
    /// name check accepts only the digits `0` and `9` and silently rewrites the others, so two
    /// distinct names could land on one family (and it traps on a kind clash): refuse them here.
    static func isValidName(_ s: String) -> Bool {
        guard let first = s.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return s.utf8.allSatisfy { c in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c)
                || c == UInt8(ascii: "0") || c == UInt8(ascii: "9") || c == UInt8(ascii: "_")
        }
    }

    static func key(_ name: String, _ dimensions: [(String, String)]) -> String {
        var k = name
        for (l, v) in dimensions.sorted(by: { $0.0 < $1.0 }) { k += "\u{0}\(l)=\(v)" }
        return k
    }
}
