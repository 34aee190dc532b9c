import VegaCore
import VegaMarketData
import VegaStrategy
import VegaTrading

/// Everything one lane needs to be built, in the lane's own terms: its venues (feed session,
/// order-entry login, fees), the instruments it owns, its strategy instances with their
/// parameters, risk limits and capacities.
///
/// Built from the engine's TOML configuration (``LaneSetup/init(configuration:lane:)``) or
/// directly by tests and benchmarks. A lane built twice from the same setup and fed the same
/// inputs makes the same decisions (that is what journal replay relies on).
///
/// ## Book keys
/// Strategies read books through one ``LaneBookView`` keyed by a *lane locate*: one per
/// (instrument, venue) pair, numbered from 1 in the order of ``instruments`` and, within an
/// instrument, of its ``Instrument/venues``. ``laneLocate(instrument:venue:)`` gives it. The
/// venues' own ITCH locates are learnt from their stock directories at run time.
public struct LaneSetup: Sendable {
    public struct Venue: Sendable, Equatable {
        /// The venue's index in the lane: ``LaneSetup/venues`` must be numbered 0, 1, 2, … in order.
        public var id: VenueID
        public var name: String
        /// The MoldUDP64 session the feed carries (packets of another session are dropped).
        public var feedSession: MoldUDP64SessionID
        /// OUCH over SoupBinTCP login.
        public var username: String
        public var password: String
        /// Fee per share when our order takes liquidity, and when it adds it (negative: a rebate).
        public var takeFeePerShare: Price4
        public var makeFeePerShare: Price4
        /// The feed's MoldUDP64 re-requests: an unanswered one is sent again after this long, at
        /// most `recoveryRetries` times, then its range is given up (`[venues.feed]`
        /// `recovery_timeout_ms`, `recovery_retries`).
        public var recoveryTimeoutNanoseconds: UInt64
        public var recoveryRetries: Int

        public init(id: VenueID, name: String, feedSession: MoldUDP64SessionID, username: String, password: String,
                    takeFeePerShare: Price4 = .zero, makeFeePerShare: Price4 = .zero,
                    recoveryTimeoutNanoseconds: UInt64 = UInt64(FeedConfiguration.defaultRecoveryTimeoutMilliseconds) * 1_000_000,
                    recoveryRetries: Int = FeedConfiguration.defaultRecoveryRetries) {
            self.id = id
            self.name = name
            self.feedSession = feedSession
            self.username = username
            self.password = password
            self.takeFeePerShare = takeFeePerShare
            self.makeFeePerShare = makeFeePerShare
            self.recoveryTimeoutNanoseconds = recoveryTimeoutNanoseconds
            self.recoveryRetries = recoveryRetries
        }

        /// The lane's MoldUDP64 session for this venue's feed.
        public var feedSessionConfiguration: MoldUDP64SessionConfiguration {
            MoldUDP64SessionConfiguration(session: feedSession, requestTimeoutNanoseconds: recoveryTimeoutNanoseconds,
                                          maxRetries: recoveryRetries)
        }
    }

    public struct Instrument: Sendable, Equatable {
        public var id: InstrumentID
        public var symbol: Symbol
        /// Where it trades, in the order lane locates are given.
        public var venues: [VenueID]

        public init(id: InstrumentID, symbol: Symbol, venues: [VenueID]) {
            self.id = id
            self.symbol = symbol
            self.venues = venues
        }
    }

    /// A market maker quoting `instrument` on `venue`.
    public struct MarketMakerSlot: Sendable {
        public var strategy: StrategyID
        public var account: AccountID
        public var instrument: InstrumentID
        public var venue: VenueID
        public var tickSize: Price4
        public var vpinBucketVolume: UInt64
        public var vpinBucketCount: Int
        public var parameters: MarketMakerParameters

        public init(strategy: StrategyID, account: AccountID, instrument: InstrumentID, venue: VenueID,
                    tickSize: Price4 = Price4(rawValue: 100), vpinBucketVolume: UInt64 = 10_000, vpinBucketCount: Int = 50,
                    parameters: MarketMakerParameters) {
            self.strategy = strategy
            self.account = account
            self.instrument = instrument
            self.venue = venue
            self.tickSize = tickSize
            self.vpinBucketVolume = vpinBucketVolume
            self.vpinBucketCount = vpinBucketCount
            self.parameters = parameters
        }
    }

    /// A cross-venue arbitrage of `instrument` between two venues (fees from the venues' take fees).
    public struct ArbitrageSlot: Sendable {
        public var strategy: StrategyID
        public var account: AccountID
        public var instrument: InstrumentID
        public var first: VenueID
        public var second: VenueID
        public var parameters: CrossVenueArbitrageParameters

        public init(strategy: StrategyID, account: AccountID, instrument: InstrumentID, first: VenueID, second: VenueID,
                    parameters: CrossVenueArbitrageParameters) {
            self.strategy = strategy
            self.account = account
            self.instrument = instrument
            self.first = first
            self.second = second
            self.parameters = parameters
        }
    }

    public var name: String
    public var venues: [Venue]
    public var instruments: [Instrument]
    public var marketMakers: [MarketMakerSlot]
    public var arbitrages: [ArbitrageSlot]
    public var limits: RiskLimits
    public var capacity: TradingCapacity
    /// Each venue's books (one `OrderBooks` per venue).
    public var books: BookConfiguration
    /// How often the lane runs its timers (session heartbeats and timeouts, feed recovery,
    /// strategy timers, stale-data checks), ns of lane time.
    public var timerInterval: UInt64
    /// Intents one event may produce per strategy, and working orders per strategy.
    public var intentCapacity: Int
    public var strategyOrderCapacity: Int

    public init(name: String, venues: [Venue], instruments: [Instrument], marketMakers: [MarketMakerSlot] = [],
                arbitrages: [ArbitrageSlot] = [], limits: RiskLimits = RiskLimits(),
                capacity: TradingCapacity = TradingCapacity(instruments: 64, accounts: 8, strategies: 64, venues: 8),
                books: BookConfiguration = BookConfiguration(maxInstruments: 64, maxOrders: 1 << 16, maxLevels: 1 << 14,
                                                            maxLevelsPerSide: 512),
                timerInterval: UInt64 = 1_000_000, intentCapacity: Int = 16, strategyOrderCapacity: Int = 64) {
        self.name = name
        self.venues = venues
        self.instruments = instruments
        self.marketMakers = marketMakers
        self.arbitrages = arbitrages
        self.limits = limits
        self.capacity = capacity
        self.books = books
        self.timerInterval = timerInterval
        self.intentCapacity = intentCapacity
        self.strategyOrderCapacity = strategyOrderCapacity
    }

    /// The lane locate of `instrument`'s book on `venue`, or `nil` when it does not trade there.
    public func laneLocate(instrument: InstrumentID, venue: VenueID) -> UInt16? {
        var n: UInt16 = 0
        for i in instruments {
            for v in i.venues {
                n += 1
                if i.id == instrument && v == venue { return n }
            }
        }
        return nil
    }

    /// Every (lane locate, instrument, venue), in locate order.
    public var bookKeys: [(locate: UInt16, instrument: InstrumentID, venue: VenueID)] {
        var out: [(UInt16, InstrumentID, VenueID)] = []
        for i in instruments { for v in i.venues { out.append((UInt16(out.count + 1), i.id, v)) } }
        return out
    }

    /// Checks what the lane relies on; the error names the field and what is allowed.
    public func validate() throws(LaneSetupError) {
        func fail(_ field: String, _ problem: String) -> LaneSetupError { LaneSetupError(field: field, problem: problem) }
        if venues.isEmpty { throw fail("venues", "a lane needs at least one venue") }
        if venues.count > 16 { throw fail("venues", "\(venues.count) venues; at most 16 per lane") }
        for (n, v) in venues.enumerated() where Int(v.id.rawValue) != n {
            throw fail("venues[\(n)].id", "is \(v.id.rawValue); a lane's venues are numbered 0, 1, 2, … in order")
        }
        if instruments.isEmpty { throw fail("instruments", "a lane needs at least one instrument") }
        var seen = Set<UInt32>(), symbols = Set<UInt64>()
        for (n, i) in instruments.enumerated() {
            if Int(i.id.rawValue) >= capacity.instruments {
                throw fail("instruments[\(n)].id", "\(i.id.rawValue) is not below the capacity of \(capacity.instruments) instruments")
            }
            if !seen.insert(i.id.rawValue).inserted { throw fail("instruments[\(n)].id", "\(i.id.rawValue) is used twice") }
            if !symbols.insert(i.symbol.raw).inserted { throw fail("instruments[\(n)].symbol", "\(i.symbol) is listed twice") }
            if i.venues.isEmpty { throw fail("instruments[\(n)].venues", "\(i.symbol) trades on no venue") }
            for v in i.venues where Int(v.rawValue) >= venues.count {
                throw fail("instruments[\(n)].venues", "\(v) is not one of the lane's \(venues.count) venues")
            }
        }
        var strategies = Set<UInt16>()
        for (n, m) in marketMakers.enumerated() {
            if !strategies.insert(m.strategy.rawValue).inserted { throw fail("marketMakers[\(n)].strategy", "\(m.strategy) is used twice") }
            if laneLocate(instrument: m.instrument, venue: m.venue) == nil {
                throw fail("marketMakers[\(n)]", "\(m.instrument) does not trade on \(m.venue) in this lane")
            }
            do { try m.parameters.validate() } catch { throw fail("marketMakers[\(n)].parameters", error.description) }
        }
        for (n, a) in arbitrages.enumerated() {
            if !strategies.insert(a.strategy.rawValue).inserted { throw fail("arbitrages[\(n)].strategy", "\(a.strategy) is used twice") }
            if a.first == a.second { throw fail("arbitrages[\(n)]", "both legs on \(a.first); two different venues are needed") }
            for v in [a.first, a.second] where laneLocate(instrument: a.instrument, venue: v) == nil {
                throw fail("arbitrages[\(n)]", "\(a.instrument) does not trade on \(v) in this lane")
            }
            do { try a.parameters.validate() } catch { throw fail("arbitrages[\(n)].parameters", error.description) }
        }
        if strategies.count > 64 { throw fail("strategies", "\(strategies.count) strategies; at most 64 per lane") }
        if bookKeys.count > 4_000 { throw fail("instruments", "\(bookKeys.count) books; at most 4,000 per lane") }
        if timerInterval == 0 { throw fail("timerInterval", "must be above 0 ns") }
        do { try books.validate() } catch { throw fail("books", "\(error)") }
        do { try capacity.validate() } catch { throw fail("capacity", error.description) }
    }
}

/// A lane setup that cannot work, and why.
public struct LaneSetupError: Error, Equatable, CustomStringConvertible {
    public var field: String
    public var problem: String
    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }
    public var description: String { "lane setup: \(field): \(problem)" }
}
