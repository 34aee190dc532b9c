import VegaCore

/// Simulated participants that keep a venue's books alive: they add, cancel, replace and trade
/// around a fair price that random-walks, deterministically under a seed.
///
/// The default mix follows the ITCH generator's NASDAQ-like statistics (adds ≈ 45 %, full
/// cancels ≈ 39 %, replaces ≈ 8 %, marketable orders ≈ 6 %, partial cancels ≈ 2 % of actions)
/// once a book holds half its cap of resting orders; below that, removals turn into adds in
/// proportion, so books fill up and stay two-sided. Each call to
/// ``step(_:into:)`` performs one action on the engine and returns it.
public struct VenueBackgroundFlow {
    public struct Configuration: Sendable, Equatable {
        public var seed: UInt64
        /// The firm number the participants trade under (self-match prevention sees one firm per
        /// participant: `firstFirm`, `firstFirm + 1`, …).
        public var firstFirm: UInt32 = 1_000
        public var participants: UInt32 = 8
        /// Starting fair price per instrument (Price(4)); instruments not listed start at 100.00.
        public var startPrices: [UInt16: Price4] = [:]
        public var tick: Int64 = 100  // $0.01 in Price(4)
        /// Tick per instrument (Price(4)); instruments not listed use `tick`.
        public var ticks: [UInt16: Int64] = [:]
        /// How far from the fair price passive orders are placed, in ticks (uniform 0…this).
        public var depthTicks: Int64 = 10
        /// Random-walk step of the fair price per action, in ticks (−1, 0 or +1 with this chance).
        public var driftProbability: Double = 0.02
        public var maxOrderSize: UInt32 = 500
        /// Resting orders the participants keep per instrument at most (older ones get canceled).
        public var maxRestingPerInstrument: Int = 200
        // Mix, in parts per thousand.
        public var addPerMille: UInt64 = 450
        public var cancelPerMille: UInt64 = 390
        public var replacePerMille: UInt64 = 80
        public var marketablePerMille: UInt64 = 60
        public var partialCancelPerMille: UInt64 = 20
        /// A fair-price path shared with other venues (``VenueReferencePrice``): when set, an
        /// instrument listed in `referenceKeys` takes its fair price from it at each action's
        /// time (``step(_:into:at:)``) — start price plus the path's offset — instead of its own
        /// random walk (`driftProbability` unused for it).
        public var reference: VenueReferencePrice?
        /// Per locate, the instrument's key in `reference` (its symbol: the same on every venue).
        public var referenceKeys: [UInt16: UInt64] = [:]
        /// With a reference: how far, in ticks, this venue's fair price may stray from it. The
        /// deviation walks (one tick with `driftProbability` per action) within ±this, so venues
        /// dislocate for a while — what a cross-venue arbitrage lives on — and come back.
        public var referenceDeviationTicks: Int64 = 4

        public init(seed: UInt64) { self.seed = seed }
    }

    /// What one step did.
    public enum Action: Sendable, Equatable {
        case add(token: UInt64, locate: UInt16)
        case marketable(token: UInt64, locate: UInt16)
        case cancel(token: UInt64, locate: UInt16)
        case partialCancel(token: UInt64, locate: UInt16)
        case replace(token: UInt64, newToken: UInt64, locate: UInt16)
    }

    public let configuration: Configuration
    public let locates: [UInt16]
    private var state: UInt64
    private var fair: [UInt16: Int64] = [:]
    /// With a reference: this venue's deviation from it per locate, in ticks.
    private var deviation: [UInt16: Int64] = [:]
    private var resting: [UInt16: [(token: UInt64, firm: UInt32)]] = [:]
    private var nextToken: UInt64 = 1

    public init(configuration: Configuration, locates: [UInt16]) {
        precondition(!locates.isEmpty, "background flow needs at least one instrument")
        self.configuration = configuration
        self.locates = locates
        state = configuration.seed &* 0x9E37_79B9_7F4A_7C15 | 1
        for l in locates { fair[l] = configuration.startPrices[l]?.rawValue ?? 1_000_000 }
    }

    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func below(_ n: UInt64) -> UInt64 { n == 0 ? 0 : next() % n }

    /// The current fair price of `locate`.
    public func fairPrice(_ locate: UInt16) -> Price4? { fair[locate].map { Price4(rawValue: $0) } }

    /// Performs one participant action on `engine`, appending the engine's events to `events`.
    @discardableResult
    public mutating func step(_ engine: inout MatchingEngine, into events: inout [VenueEvent]) -> Action {
        step(&engine, into: &events, at: nil)
    }

    /// One participant action at time `at` (ns on the clock the venues share): with a
    /// ``Configuration/reference``, the instrument's fair price is the shared path's at `at`.
    @discardableResult
    public mutating func step(_ engine: inout MatchingEngine, into events: inout [VenueEvent], at: UInt64?) -> Action {
        var c = configuration
        let locate = locates[Int(below(UInt64(locates.count)))]
        c.tick = c.ticks[locate] ?? c.tick
        let drifts = Double(below(1_000_000)) / 1_000_000 < c.driftProbability
        if let reference = c.reference, let at, let key = c.referenceKeys[locate] {
            var d = deviation[locate] ?? 0
            if drifts {
                let bound = max(c.referenceDeviationTicks, 0)
                // At the bound the step is back toward the reference.
                let up = d <= -bound ? true : d >= bound ? false : below(2) == 0
                if bound > 0 { d += up ? 1 : -1 }
                deviation[locate] = d
            }
            let start = c.startPrices[locate]?.rawValue ?? 1_000_000
            fair[locate] = max(start &+ (reference.offsetTicks(key: key, at: at) &+ d) &* c.tick, c.tick * 10)
        } else if drifts {
            fair[locate]! += (below(2) == 0 ? -1 : 1) * c.tick
            fair[locate] = max(fair[locate]!, c.tick * 10)
        }
        // Forget orders that are no longer on the book (filled or canceled by the engine).
        resting[locate, default: []].removeAll { engine.reference(token: $0.token, firm: $0.firm) == nil }
        let total = c.addPerMille + c.cancelPerMille + c.replacePerMille + c.marketablePerMille + c.partialCancelPerMille
        var roll = below(max(total, 1))
        let count = resting[locate]!.count
        if count >= c.maxRestingPerInstrument { roll = c.addPerMille }  // too many resting: cancel
        // Below half the cap, removals turn into adds in proportion, so the books settle around
        // half full instead of draining (real books hold far more orders than trade or cancel).
        let half = UInt64(max(c.maxRestingPerInstrument / 2, 1))
        if roll >= c.addPerMille && UInt64(count) < half && below(half) >= UInt64(count) { roll = 0 }
        if count == 0 { roll = 0 }  // nothing to cancel: add
        let firm = c.firstFirm + UInt32(below(UInt64(c.participants)))
        if roll < c.addPerMille {
            let side: Side = below(2) == 0 ? .buy : .sell
            let offset = Int64(1 + below(UInt64(c.depthTicks))) * c.tick
            let price = side == .buy ? fair[locate]! - offset : fair[locate]! + offset
            let token = take()
            engine.submit(VenueOrderRequest(token: token, firm: firm, locate: locate, side: side,
                                            price: Price4(rawValue: max(price, c.tick)), quantity: size(), timeInForce: .day,
                                            selfMatch: .cancelNewest), into: &events)
            resting[locate]!.append((token, firm))
            return .add(token: token, locate: locate)
        }
        roll -= c.addPerMille
        if roll < c.cancelPerMille {
            let w = resting[locate]!.remove(at: Int(below(UInt64(count))))
            engine.cancel(token: w.token, firm: w.firm, into: &events)
            return .cancel(token: w.token, locate: locate)
        }
        roll -= c.cancelPerMille
        if roll < c.replacePerMille {
            let i = Int(below(UInt64(count)))
            let w = resting[locate]![i]
            let newToken = take()
            if let ref = engine.reference(token: w.token, firm: w.firm), let o = engine.restingOrder(ref) {
                let offset = Int64(1 + below(UInt64(c.depthTicks))) * c.tick
                let price = o.side == .buy ? fair[locate]! - offset : fair[locate]! + offset
                engine.replace(previousToken: w.token, firm: w.firm, newToken: newToken, price: Price4(rawValue: max(price, c.tick)),
                               quantity: size(), into: &events)
                resting[locate]![i] = (newToken, w.firm)
            }
            return .replace(token: w.token, newToken: newToken, locate: locate)
        }
        roll -= c.replacePerMille
        if roll < c.marketablePerMille {
            let side: Side = below(2) == 0 ? .buy : .sell
            let token = take()
            let price = side == .buy ? fair[locate]! + c.depthTicks * c.tick : max(fair[locate]! - c.depthTicks * c.tick, c.tick)
            engine.submit(VenueOrderRequest(token: token, firm: firm, locate: locate, side: side, price: Price4(rawValue: price),
                                            quantity: size(), timeInForce: .immediateOrCancel, selfMatch: .cancelNewest), into: &events)
            return .marketable(token: token, locate: locate)
        }
        let w = resting[locate]![Int(below(UInt64(count)))]
        if let ref = engine.reference(token: w.token, firm: w.firm), let o = engine.restingOrder(ref), o.quantity > 1 {
            engine.cancel(token: w.token, firm: w.firm, leaves: o.quantity / 2, into: &events)
        }
        return .partialCancel(token: w.token, locate: locate)
    }

    private mutating func take() -> UInt64 {
        defer { nextToken += 1 }
        return nextToken
    }

    private mutating func size() -> UInt32 {
        // Mostly round lots, sometimes odd lots, like the real feed.
        below(5) == 0 ? UInt32(1 + below(99)) : UInt32(100 * (1 + below(UInt64(max(configuration.maxOrderSize / 100, 1)))))
    }
}
