/// What the simulated network does to frames between a feed and a NIC: loss, duplication,
/// reordering and delay. All probabilities are per injected frame (duplication and reordering
/// per copy); all times are simulated nanoseconds.
///
/// Semantics chosen so that each counter and bound means exactly one thing:
/// - delay (`delayNanoseconds` + uniform `0...jitterNanoseconds`) never reorders on its own: a
///   frame arrives no earlier than the frame queued before it, as on a single physical path;
/// - reordering holds a copy back until `1...maxReorderDisplacement` (uniform) later frames have
///   gone ahead of it, or until nothing else is ready to pass it — so no frame is ever overtaken
///   by more than `maxReorderDisplacement` frames injected after it;
/// - a duplicate is a second copy queued right behind the first (and may itself be reordered).
public struct SimImpairments: Sendable, Equatable {
    public var lossProbability: Double
    public var duplicationProbability: Double
    public var reorderProbability: Double
    /// At most this many later frames overtake a reordered one. Must be ≥ 1 when reordering.
    public var maxReorderDisplacement: Int
    /// Fixed one-way delay from injection to arrival at the NIC, ns.
    public var delayNanoseconds: UInt64
    /// Extra delay, uniform in `0...jitterNanoseconds`, drawn per frame.
    public var jitterNanoseconds: UInt64

    public init(
        lossProbability: Double = 0, duplicationProbability: Double = 0, reorderProbability: Double = 0,
        maxReorderDisplacement: Int = 1, delayNanoseconds: UInt64 = 0, jitterNanoseconds: UInt64 = 0
    ) {
        self.lossProbability = lossProbability
        self.duplicationProbability = duplicationProbability
        self.reorderProbability = reorderProbability
        self.maxReorderDisplacement = maxReorderDisplacement
        self.delayNanoseconds = delayNanoseconds
        self.jitterNanoseconds = jitterNanoseconds
    }

    /// A perfect wire: every frame arrives once, in order, at once.
    public static let none = SimImpairments()

    /// Why the configuration cannot be used, or nil when it can.
    public var problem: String? {
        for (name, p) in [("lossProbability", lossProbability), ("duplicationProbability", duplicationProbability),
                          ("reorderProbability", reorderProbability)]
        where !(p >= 0 && p <= 1) {
            return "\(name) is \(p); expected a probability in 0...1"
        }
        if reorderProbability > 0, maxReorderDisplacement < 1 {
            return "maxReorderDisplacement is \(maxReorderDisplacement); expected ≥ 1 when reorderProbability > 0"
        }
        return nil
    }
}

/// What happened to frames on a simulated wire so far.
public struct SimWireCounters: Sendable, Equatable {
    /// Frames handed to `inject`.
    public var injected: UInt64 = 0
    /// Copies handed to the receiver (includes duplicates).
    public var delivered: UInt64 = 0
    /// Frames lost by the loss impairment.
    public var dropped: UInt64 = 0
    /// Extra copies made by the duplication impairment.
    public var duplicated: UInt64 = 0
    /// Copies held back by the reordering impairment.
    public var reordered: UInt64 = 0
    /// Copies discarded because every slot of the wire was in use (a NIC ring overrun: the
    /// receiver did not poll often enough). Not an impairment; counted apart from `dropped`.
    public var overflowed: UInt64 = 0
    /// Frames longer than a slot (stored truncated and flagged `VEGA_FRAME_TRUNCATED`).
    public var truncated: UInt64 = 0

    public init() {}
}

/// The outcome of one `inject`.
public enum SimInjectResult: Sendable, Equatable {
    /// Queued: one copy, or two when duplicated.
    case queued(copies: Int)
    /// Lost to the loss impairment.
    case dropped
    /// No free slot for the (first) copy: counted in `overflowed`.
    case overflowed
}
