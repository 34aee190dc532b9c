/// One latency distribution the profiler keeps: a stage's own time, or a span end to end.
public enum LatencySeries: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Time from the previous stamped stage of the same sample to `stage` (a stage skipped —
    /// not stamped — is bridged, e.g. kernelRx → laneReceive when there is no NIC stamp).
    case stage(LatencyStage)
    /// Time from `from` to `to` of the same sample, recorded only when both are stamped.
    case endToEnd(from: LatencyStage, to: LatencyStage)

    /// The lane's own tick-to-trade: ``LatencyStage/laneReceive`` → ``LatencyStage/txHanded``.
    public static let laneToTx = LatencySeries.endToEnd(from: .laneReceive, to: .txHanded)

    /// The end-to-end spans a profiler keeps by default: the lane's own, from the kernel's and the
    /// NIC's receive stamps to TX handed, and from them to the TX stamp (wire to wire).
    public static let defaultEndToEnd: [LatencySeries] = [
        .laneToTx,
        .endToEnd(from: .kernelRx, to: .txHanded),
        .endToEnd(from: .nicRx, to: .txHanded),
        .endToEnd(from: .kernelRx, to: .txTimestamp),
        .endToEnd(from: .nicRx, to: .txTimestamp),
    ]

    /// The identifier used in files, metrics labels and `vega profile --stage`:
    /// `bookUpdated` for a stage, `laneReceive->txHanded` for a span.
    public var name: String {
        switch self {
        case .stage(let s): s.name
        case .endToEnd(let from, let to): "\(from.name)->\(to.name)"
        }
    }

    /// A label for tables and plots: "book updated" or "lane receive → TX handed".
    public var humanName: String {
        switch self {
        case .stage(let s): s.humanName
        case .endToEnd(let from, let to): "\(from.humanName) → \(to.humanName)"
        }
    }

    public var description: String { name }

    /// The series called `name` (``name``, case-insensitive; `-`, `→` or `..` between a span's
    /// stages), or `nil`.
    public init?(name: String) {
        for separator in ["->", "→", ".."] where name.contains(separator) {
            let parts = name.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, let from = LatencyStage(name: parts[0].trimmingSpaces),
                  let to = LatencyStage(name: parts[1].trimmingSpaces), from < to else { return nil }
            self = .endToEnd(from: from, to: to)
            return
        }
        guard let s = LatencyStage(name: name.trimmingSpaces) else { return nil }
        self = .stage(s)
    }

    /// Stages first in path order, then spans by start and end.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.stage(let a), .stage(let b)): a < b
        case (.stage, .endToEnd): true
        case (.endToEnd, .stage): false
        case (.endToEnd(let a, let b), .endToEnd(let c, let d)): (a, b) < (c, d)
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
