import Synchronization

/// One fair-price path per instrument, shared by every simulated venue that is given it, so
/// the same instrument's fair price moves together on all of them — as one stock's does across
/// real exchanges, held together by arbitrageurs. Without it each venue's background flow walks
/// on its own, the venues drift apart without bound, and a cross-venue arbitrage finds a
/// standing free lunch.
///
/// The path of an instrument (its ``key``: the symbol, the same on every venue) is a random walk
/// in ticks on a clock of buckets of `stepNanoseconds`: in each bucket it moves −1 or +1 tick
/// with probability `moveProbability` (half each), else stays; the move is a hash of the seed,
/// the key and the bucket number, so it does not depend on who asks first or how often. The
/// walk starts at 0 at the first bucket any venue asks about (the earliest `at` of the run).
/// Venues each add the offset to their own start price for the instrument and place their
/// participants' orders around it, so books differ by their own flow, not by their fair price.
///
/// Thread-safe (one lock; venue threads, never a lane). Cost per query: O(buckets since the
/// previous query of that key) hash steps; recent values (`history` buckets) are kept, so a
/// venue a little behind another still reads the path as it was at its own time; older times
/// read the oldest value kept.
public final class VenueReferencePrice: Sendable, Equatable {
    public let seed: UInt64
    public let stepNanoseconds: UInt64
    public let moveProbability: Double
    public let history: Int

    /// One instrument's walk: the value of bucket `b` is at `values[(b − origin) % history]`,
    /// for `b` from `newest − values.count + 1` through `newest`.
    struct Path {
        var newest: UInt64
        var values: [Int64]
    }

    struct State {
        var origin: UInt64?
        var paths: [UInt64: Path] = [:]
    }

    private let state = Mutex(State())

    /// - Parameters:
    ///   - stepNanoseconds: bucket length (≥ 1).
    ///   - moveProbability: chance of a one-tick move per bucket (0...1).
    ///   - history: buckets kept per instrument (≥ 1).
    public init(seed: UInt64, stepNanoseconds: UInt64 = 1_000_000, moveProbability: Double = 0.05, history: Int = 4_096) {
        precondition(stepNanoseconds >= 1 && (0...1).contains(moveProbability) && history >= 1)
        self.seed = seed
        self.stepNanoseconds = stepNanoseconds
        self.moveProbability = moveProbability
        self.history = history
    }

    public static func == (a: VenueReferencePrice, b: VenueReferencePrice) -> Bool { a === b }

    /// The path of `key` at time `at` (ns, the venues' common clock), in ticks from its start.
    public func offsetTicks(key: UInt64, at: UInt64) -> Int64 {
        let bucket = at / stepNanoseconds
        let history = UInt64(self.history)
        return state.withLock { s in
            let origin: UInt64
            if let o = s.origin { origin = o } else { s.origin = bucket; origin = bucket }
            guard bucket > origin else { return 0 }
            var path = s.paths.removeValue(forKey: key) ?? Path(newest: origin, values: [0])
            var value = path.values[Int((path.newest - origin) % history)]
            while path.newest < bucket {
                path.newest += 1
                value &+= move(key: key, bucket: path.newest)
                let slot = Int((path.newest - origin) % history)
                if slot == path.values.count { path.values.append(value) } else { path.values[slot] = value }
            }
            // The oldest bucket kept; earlier times read it.
            let oldest = path.newest + 1 - UInt64(path.values.count)
            let result = path.values[Int((Swift.max(bucket, oldest) - origin) % history)]
            s.paths[key] = path
            return result
        }
    }

    /// −1, 0 or +1 for `key`'s path in `bucket`.
    func move(key: UInt64, bucket: UInt64) -> Int64 {
        var z = seed &+ key &* 0x9E37_79B9_7F4A_7C15 &+ bucket &* 0xD1B5_4A32_D192_ED03
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let u = Double(z >> 11) / 9_007_199_254_740_992
        if u < moveProbability / 2 { return -1 }
        if u < moveProbability { return 1 }
        return 0
    }
}
