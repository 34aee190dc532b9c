import VegaCore

/// VPIN (volume-synchronized probability of informed trading, Easley, López de Prado and
/// O'Hara 2012): how one-sided recent volume is, as an order-flow toxicity signal.
///
/// ## Algorithm
/// Traded volume is cut into buckets of exactly `bucketVolume` shares; a trade larger than the
/// room left in a bucket is split, its remainder starting the next bucket(s), so every bucket
/// holds exactly `bucketVolume` shares. Each bucket's shares are classified buy or sell; VPIN
/// is the sum of `|buy − sell|` over the last `bucketCount` complete buckets divided by
/// `bucketCount × bucketVolume` — in [0, 1], 1 meaning every bucket was all one side.
///
/// ## Classification: the aggressor when the feed says, else the tick rule
/// The paper's bulk volume classification (a bar's volume split by Φ(ΔP/σ)) exists for data
/// that only has bars. A direct feed shows every print: ITCH executions name the resting
/// order's side, so the aggressor is known exactly, and for prints that do not say (e.g.
/// non-displayed 'P' trades via other paths) the tick rule — uptick buy, downtick sell, an
/// unchanged price repeats the previous classification — classifies each trade on its own
/// evidence. Both are integer and deterministic: a replay reproduces the signal bit for bit,
/// which a σ estimate and a floating-point CDF would not guarantee across builds. A trade that
/// cannot be classified (no aggressor and no earlier price) is counted in
/// ``unclassifiedShares`` and left out of the buckets.
///
/// ## Contract
/// `bucketCount` imbalances are kept in a ring allocated in `init`; ``add(shares:price:aggressor:)``
/// is O(1 + buckets completed), never allocates or locks. All arithmetic is on integers.
public struct VPIN: ~Copyable {
    public let bucketVolume: UInt64
    public let bucketCount: Int
    @usableFromInline let imbalances: UnsafeMutablePointer<UInt64>
    /// Next ring slot to write.
    @usableFromInline var head: Int
    @usableFromInline var _completedBuckets: UInt64
    @usableFromInline var _imbalanceSum: UInt64
    @usableFromInline var _bucketBuy: UInt64
    @usableFromInline var _bucketSell: UInt64
    @usableFromInline var lastPrice: Price4
    @usableFromInline var hasLastPrice: Bool
    @usableFromInline var lastDirection: Side?
    @usableFromInline var _unclassifiedShares: UInt64

    /// - Precondition: `bucketVolume >= 1`, `bucketCount >= 1` (validate configuration first).
    public init(bucketVolume: UInt64, bucketCount: Int) {
        precondition(bucketVolume >= 1, "VPIN bucketVolume must be at least 1, got \(bucketVolume)")
        precondition(bucketCount >= 1, "VPIN bucketCount must be at least 1, got \(bucketCount)")
        self.bucketVolume = bucketVolume
        self.bucketCount = bucketCount
        imbalances = .allocate(capacity: bucketCount)
        imbalances.initialize(repeating: 0, count: bucketCount)
        head = 0
        _completedBuckets = 0
        _imbalanceSum = 0
        _bucketBuy = 0
        _bucketSell = 0
        lastPrice = .zero
        hasLastPrice = false
        lastDirection = nil
        _unclassifiedShares = 0
    }

    deinit { imbalances.deallocate() }

    /// Buckets completed since creation.
    @inlinable public var completedBuckets: UInt64 { _completedBuckets }
    /// Whether `bucketCount` buckets have completed (before that, ``value`` averages fewer).
    @inlinable public var isReady: Bool { _completedBuckets >= UInt64(bucketCount) }
    /// Σ|buy − sell| over the buckets in the window, shares.
    @inlinable public var imbalanceSum: UInt64 { _imbalanceSum }
    /// Buy and sell shares in the bucket being filled.
    @inlinable public var currentBucket: (buy: UInt64, sell: UInt64) { (_bucketBuy, _bucketSell) }
    /// Shares that could not be classified (left out of the buckets).
    @inlinable public var unclassifiedShares: UInt64 { _unclassifiedShares }

    /// Buckets in the window: `bucketCount` once ready, the completed ones before.
    @inlinable
    public var windowBuckets: UInt64 { Swift.min(_completedBuckets, UInt64(bucketCount)) }

    /// VPIN over the window, in [0, 1]; 0 before any bucket completes. For display and
    /// logging; decisions use ``isAtLeast(partsPerMillion:)``, which is exact.
    @inlinable
    public var value: Double {
        let n = windowBuckets
        guard n > 0 else { return 0 }
        return Double(_imbalanceSum) / (Double(n) * Double(bucketVolume))
    }

    /// VPIN over the window in parts per million, rounded down.
    @inlinable
    public var partsPerMillion: UInt32 {
        let n = windowBuckets
        guard n > 0 else { return 0 }
        let den = UInt128(n) * UInt128(bucketVolume)
        return UInt32(truncatingIfNeeded: UInt128(_imbalanceSum) * 1_000_000 / den)
    }

    /// Whether the signal is ready and VPIN ≥ `partsPerMillion` / 10^6, exactly.
    @inlinable
    public func isAtLeast(partsPerMillion ppm: UInt32) -> Bool {
        guard isReady else { return false }
        let den = UInt128(bucketCount) * UInt128(bucketVolume)
        return UInt128(_imbalanceSum) * 1_000_000 >= UInt128(ppm) * den
    }

    /// Classifies and buckets one trade. Returns the side it was classified as, or `nil` when
    /// it could not be (counted in ``unclassifiedShares``).
    @inlinable @discardableResult
    public mutating func add(shares: UInt64, price: Price4, aggressor: Side? = nil) -> Side? {
        let side = classify(price: price, aggressor: aggressor)
        guard let side else {
            _unclassifiedShares &+= shares
            return nil
        }
        var remaining = shares
        while remaining > 0 {
            let room = bucketVolume &- (_bucketBuy &+ _bucketSell)
            let take = Swift.min(room, remaining)
            if side == .buy { _bucketBuy &+= take } else { _bucketSell &+= take }
            remaining &-= take
            if take == room { closeBucket() }
        }
        return side
    }

    @inlinable
    mutating func classify(price: Price4, aggressor: Side?) -> Side? {
        let side: Side?
        if let aggressor {
            side = aggressor
        } else if !hasLastPrice {
            side = nil
        } else if price > lastPrice {
            side = .buy
        } else if price < lastPrice {
            side = .sell
        } else {
            side = lastDirection
        }
        lastPrice = price
        hasLastPrice = true
        if side != nil { lastDirection = side }
        return side
    }

    @inlinable
    mutating func closeBucket() {
        let imbalance = _bucketBuy > _bucketSell ? _bucketBuy &- _bucketSell : _bucketSell &- _bucketBuy
        if _completedBuckets >= UInt64(bucketCount) { _imbalanceSum &-= imbalances[head] }
        imbalances[head] = imbalance
        _imbalanceSum &+= imbalance
        head = head &+ 1 == bucketCount ? 0 : head &+ 1
        _completedBuckets &+= 1
        _bucketBuy = 0
        _bucketSell = 0
    }
}
