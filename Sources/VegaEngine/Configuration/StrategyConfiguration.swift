import VegaCore
import VegaStrategy
import VegaTrading

/// `[[strategies]]`: one strategy instance, resolved to identifiers and handed over as the
/// VegaStrategy types it runs with.
public struct StrategyConfiguration: Sendable, Equatable {
    /// The strategy and its ready VegaStrategy values (both already `validate()`d).
    public enum Kind: Sendable, Equatable {
        /// `kind = "market_maker"`: quotes ``StrategyConfiguration/instrument`` on `venue`.
        case marketMaker(MarketMakerConfiguration, MarketMakerParameters)
        /// `kind = "cross_venue_arbitrage"`: takes ``StrategyConfiguration/instrument`` across
        /// exactly two venues.
        case crossVenueArbitrage(CrossVenueArbitrageConfiguration, CrossVenueArbitrageParameters)

        /// The name used in the file.
        public var name: String {
            switch self {
            case .marketMaker: "market_maker"
            case .crossVenueArbitrage: "cross_venue_arbitrage"
            }
        }
    }

    /// `name`: unique; for logs and metrics.
    public var name: String
    /// `id`: 1...65535, unique.
    public var id: StrategyID
    /// `account` resolved.
    public var account: AccountID
    /// `instrument` resolved.
    public var instrument: InstrumentID
    /// The lane it runs on (the lane of its instrument).
    public var lane: String
    /// `kind` + the venue(s) + `[strategies.parameters]`.
    public var kind: Kind

    public init(name: String, id: StrategyID, account: AccountID, instrument: InstrumentID, lane: String, kind: Kind) {
        self.name = name
        self.id = id
        self.account = account
        self.instrument = instrument
        self.lane = lane
        self.kind = kind
    }
}
