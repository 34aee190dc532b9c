/// A point on a tick-to-trade path where the time is taken.
///
/// Two kinds of stamp: the lane stages (``laneReceive`` … ``txHanded``) are TSC ticks read on the
/// lane with ``laneTicks()`` and converted to nanoseconds off the lane with a
/// ``TSCCalibration``; ``nicRx``, ``kernelRx`` and ``txTimestamp`` are nanosecond times reported by
/// the NIC or the kernel (see ``TickToTradeSample`` for their timescales). The raw values are the
/// order of the path and are part of the profile file format: never renumber them.
public enum LatencyStage: UInt8, CaseIterable, Sendable, BitwiseCopyable, Comparable, CustomStringConvertible {
    /// The NIC's hardware receive stamp (PHC time), when the backend has one.
    case nicRx = 0
    /// The kernel's software receive stamp (`SO_TIMESTAMPING`, `CLOCK_REALTIME`).
    case kernelRx = 1
    /// The lane took the frame from its queue.
    case laneReceive = 2
    /// The order book applied the event.
    case bookUpdated = 3
    /// The strategy returned its decision.
    case strategyDecided = 4
    /// Pre-trade risk passed the order.
    case riskPassed = 5
    /// The order's bytes were encoded (OUCH / FIX).
    case orderEncoded = 6
    /// The bytes were handed to the kernel or the NIC's TX queue.
    case txHanded = 7
    /// The transmit stamp the backend reported afterwards (software or hardware), when it did.
    case txTimestamp = 8

    /// `true` for the stages stamped on the lane in TSC ticks; `false` for the nanosecond stamps
    /// the NIC or the kernel supply.
    @inlinable
    public var isLaneStage: Bool { self.rawValue >= 2 && self.rawValue <= 7 }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The identifier used in files, metrics labels and on the command line (`bookUpdated`).
    public var name: String {
        switch self {
        case .nicRx: "nicRx"
        case .kernelRx: "kernelRx"
        case .laneReceive: "laneReceive"
        case .bookUpdated: "bookUpdated"
        case .strategyDecided: "strategyDecided"
        case .riskPassed: "riskPassed"
        case .orderEncoded: "orderEncoded"
        case .txHanded: "txHanded"
        case .txTimestamp: "txTimestamp"
        }
    }

    /// A name for reports and plots ("book updated").
    public var humanName: String {
        switch self {
        case .nicRx: "NIC RX (hardware stamp)"
        case .kernelRx: "kernel RX (software stamp)"
        case .laneReceive: "lane receive"
        case .bookUpdated: "book updated"
        case .strategyDecided: "strategy decided"
        case .riskPassed: "risk passed"
        case .orderEncoded: "order encoded"
        case .txHanded: "TX handed"
        case .txTimestamp: "TX timestamp"
        }
    }

    public var description: String { name }

    /// The stage called `name` (``name``, case-insensitive), or `nil`.
    public init?(name: String) {
        guard let s = Self.allCases.first(where: { $0.name.lowercased() == name.lowercased() }) else { return nil }
        self = s
    }
}
