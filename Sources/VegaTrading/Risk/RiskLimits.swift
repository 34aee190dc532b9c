import VegaCore

/// Every pre-trade limit and circuit-breaker threshold of a lane, as configuration states them.
///
/// A plain value: the engine fills it from TOML, ``validate(capacity:)`` checks it with errors
/// naming the field, and ``RiskLimitsChannel`` hands it to the lane (at start, and again
/// whenever it changes — no restart). Units: quantities in shares; money in ``Money4`` raw units
/// (10^-4 currency: `1_000_000` is 100.00); rates per second; times in nanoseconds.
/// "No limit" is `Int64.max` / `UInt64.max`; a breaker threshold of 0 is "off".
public struct RiskLimits: Sendable, Equatable {
    /// Limits of instruments not listed in ``instruments``.
    public var instrumentDefaults: InstrumentLimits
    /// Per-instrument limits (keyed by lane instrument number).
    public var instruments: [InstrumentID: InstrumentLimits]
    /// Limits of accounts not listed in ``accounts``.
    public var accountDefaults: AccountLimits
    public var accounts: [AccountID: AccountLimits]
    /// Lane-wide limits and policies.
    public var lane: LaneLimits

    public init(instrumentDefaults: InstrumentLimits = InstrumentLimits(), instruments: [InstrumentID: InstrumentLimits] = [:],
                accountDefaults: AccountLimits = AccountLimits(), accounts: [AccountID: AccountLimits] = [:],
                lane: LaneLimits = LaneLimits()) {
        self.instrumentDefaults = instrumentDefaults
        self.instruments = instruments
        self.accountDefaults = accountDefaults
        self.accounts = accounts
        self.lane = lane
    }

    /// The limits in force for `instrument`.
    public func limits(for instrument: InstrumentID) -> InstrumentLimits { instruments[instrument] ?? instrumentDefaults }

    /// The limits in force for `account`.
    public func limits(for account: AccountID) -> AccountLimits { accounts[account] ?? accountDefaults }
}

/// Limits of one instrument: order size, lane-wide position (including working orders), the
/// fat-finger collar, restriction.
@frozen
public struct InstrumentLimits: Sendable, Equatable, BitwiseCopyable {
    /// Largest single order, shares.
    public var maxOrderQuantity: UInt64
    /// Largest single order's price × quantity, ``Money4`` raw units.
    public var maxOrderNotional: Int64
    /// Largest long position the lane may reach if every working buy filled, shares.
    public var maxLong: Int64
    /// Largest short position (a positive number) if every working sell filled, shares.
    public var maxShort: Int64
    /// Largest |position| + working buys + working sells, shares.
    public var maxGross: Int64
    /// Collar override in basis points from the reference price (nil: the lane's ``LaneLimits/collar``).
    public var collarBasisPoints: UInt32?
    /// No new orders or replaces at all (cancels still go).
    public var restricted: Bool

    @inlinable
    public init(maxOrderQuantity: UInt64 = .max, maxOrderNotional: Int64 = .max, maxLong: Int64 = .max,
                maxShort: Int64 = .max, maxGross: Int64 = .max, collarBasisPoints: UInt32? = nil, restricted: Bool = false) {
        self.maxOrderQuantity = maxOrderQuantity
        self.maxOrderNotional = maxOrderNotional
        self.maxLong = maxLong
        self.maxShort = maxShort
        self.maxGross = maxGross
        self.collarBasisPoints = collarBasisPoints
        self.restricted = restricted
    }
}

/// An order or cancel rate: a token bucket refilled at `perSecond`, holding at most `burst`.
@frozen
public struct RateLimit: Sendable, Equatable, BitwiseCopyable {
    public var perSecond: UInt32
    public var burst: UInt32

    @inlinable
    public init(perSecond: UInt32, burst: UInt32) {
        self.perSecond = perSecond
        self.burst = burst
    }

    /// No limit.
    @inlinable public static var unlimited: RateLimit { RateLimit(perSecond: .max, burst: .max) }

    // Spelled out so it is inlinable: the lane compares against `.unlimited` on every check.
    @inlinable
    public static func == (lhs: RateLimit, rhs: RateLimit) -> Bool {
        lhs.perSecond == rhs.perSecond && lhs.burst == rhs.burst
    }
}

/// Limits of one account, summed over its instruments.
@frozen
public struct AccountLimits: Sendable, Equatable, BitwiseCopyable {
    public var maxOpenOrders: Int64
    /// Σ leaves × price of its live orders, ``Money4`` raw units.
    public var maxOpenNotional: Int64
    /// Cost of its long positions + its working buys' notional (the long exposure if they all filled).
    public var maxLongNotional: Int64
    /// Cost of its short positions + its working sells' notional.
    public var maxShortNotional: Int64
    /// Long + short exposure as above.
    public var maxGrossNotional: Int64
    /// New orders and replaces per second.
    public var orderRate: RateLimit
    /// Cancels per second.
    public var cancelRate: RateLimit
    /// Trip the account's kill switch when its net P&L falls to −this (``Money4`` raw; 0 = off).
    public var lossLimit: Int64

    @inlinable
    public init(maxOpenOrders: Int64 = .max, maxOpenNotional: Int64 = .max, maxLongNotional: Int64 = .max,
                maxShortNotional: Int64 = .max, maxGrossNotional: Int64 = .max, orderRate: RateLimit = .unlimited,
                cancelRate: RateLimit = .unlimited, lossLimit: Int64 = 0) {
        self.maxOpenOrders = maxOpenOrders
        self.maxOpenNotional = maxOpenNotional
        self.maxLongNotional = maxLongNotional
        self.maxShortNotional = maxShortNotional
        self.maxGrossNotional = maxGrossNotional
        self.orderRate = orderRate
        self.cancelRate = cancelRate
        self.lossLimit = lossLimit
    }
}

/// The fat-finger collar: how far an order may be priced through the reference.
@frozen
public struct CollarPolicy: Sendable, Equatable, BitwiseCopyable {
    @frozen
    public enum Reference: UInt8, Sendable, BitwiseCopyable {
        /// The touch the order would trade against: a buy against the best ask, a sell against the
        /// best bid (the other side when that one is empty).
        case touch
        /// The mid (either side alone when the other is empty).
        case mid
    }

    @frozen
    public enum NoBook: UInt8, Sendable, BitwiseCopyable {
        /// Refuse (`noReferencePrice`): nothing to check the price against.
        case reject
        /// Let it through unchecked (e.g. the opening of a thin instrument).
        case allow
    }

    /// How far through the reference a buy may be priced above it or a sell below it, in basis
    /// points (1 bp = 0.01 %). `UInt32.max`: collar off.
    public var basisPoints: UInt32
    public var reference: Reference
    public var noBook: NoBook

    @inlinable
    public init(basisPoints: UInt32 = .max, reference: Reference = .touch, noBook: NoBook = .reject) {
        self.basisPoints = basisPoints
        self.reference = reference
        self.noBook = noBook
    }
}

/// Lane-wide limits, policies and circuit-breaker thresholds.
@frozen
public struct LaneLimits: Sendable, Equatable, BitwiseCopyable {
    public var maxOpenOrders: Int64
    public var maxOpenNotional: Int64
    public var collar: CollarPolicy
    /// Refuse an order that would trade against one of our own resting orders at the same venue.
    public var selfMatchPrevention: Bool
    /// Trip a strategy's kill switch when its net P&L falls to −this (``Money4`` raw; 0 = off).
    public var strategyLossLimit: Int64
    /// Trip the strategy's kill switch after this many venue rejects within ``rejectWindow`` (0 = off).
    public var maxRejects: UInt32
    public var rejectWindow: UInt64
    /// Trip the global kill switch when more than this many messages (new, cancel, replace) go
    /// out within one second (0 = off).
    public var maxMessagesPerSecond: UInt32
    /// Refuse orders in, and trip the kill switch of, an instrument whose market data is older
    /// than this, ns (0 = off).
    public var staleMarketData: UInt64
    /// Trip an instrument's kill switch when fills take its position beyond its maxLong/maxShort.
    public var positionBreach: Bool

    @inlinable
    public init(maxOpenOrders: Int64 = .max, maxOpenNotional: Int64 = .max, collar: CollarPolicy = CollarPolicy(),
                selfMatchPrevention: Bool = true, strategyLossLimit: Int64 = 0, maxRejects: UInt32 = 0,
                rejectWindow: UInt64 = 1_000_000_000, maxMessagesPerSecond: UInt32 = 0, staleMarketData: UInt64 = 0,
                positionBreach: Bool = true) {
        self.maxOpenOrders = maxOpenOrders
        self.maxOpenNotional = maxOpenNotional
        self.collar = collar
        self.selfMatchPrevention = selfMatchPrevention
        self.strategyLossLimit = strategyLossLimit
        self.maxRejects = maxRejects
        self.rejectWindow = rejectWindow
        self.maxMessagesPerSecond = maxMessagesPerSecond
        self.staleMarketData = staleMarketData
        self.positionBreach = positionBreach
    }
}
