import VegaCore
import VegaMarketData
import VegaStrategy
import VegaTrading

extension EngineConfiguration {
    /// The configuration `vega demo` runs with no arguments; `Config/demo.toml` is the same
    /// thing as a file (a test holds them equal).
    ///
    /// Two simulated venues, NASDAQ (id 0) and NYSE (id 1, 120 µs away), AAPL and MSFT trading
    /// on both, one unpinned busy-polling lane; a market maker per instrument quoting on NASDAQ
    /// and a cross-venue arbitrage on AAPL; moderate risk limits; no journal (the demo's
    /// `--journal DIR` adds one); the full latency profile kept in memory.
    public static var demo: EngineConfiguration {
        let nasdaq = VenueConfiguration(
            name: "NASDAQ", id: VenueID(0), wireLatencyNanoseconds: 0,
            feed: FeedConfiguration(session: MoldUDP64SessionIDText.make("NASDAQ0001"), backend: .sim),
            orderEntry: OrderEntryConfiguration(orderProtocol: .ouch),
            fees: VenueFees(takePerShare: Money4(rawValue: 30), makePerShare: Money4(rawValue: -20)),
            sim: SimulatedVenueConfiguration(seed: 1, messageRate: 20_000, participants: 8))
        let nyse = VenueConfiguration(
            name: "NYSE", id: VenueID(1), wireLatencyNanoseconds: 120_000,
            feed: FeedConfiguration(session: MoldUDP64SessionIDText.make("NYSE000001"), backend: .sim),
            orderEntry: OrderEntryConfiguration(orderProtocol: .ouch),
            fees: VenueFees(takePerShare: Money4(rawValue: 28), makePerShare: Money4(rawValue: -15)),
            sim: SimulatedVenueConfiguration(seed: 2, messageRate: 20_000, participants: 8))
        let aapl = InstrumentConfiguration(symbol: "AAPL", id: InstrumentID(1), tick: Price4(rawValue: 100), lot: 100,
                                           referencePrice: Price4(rawValue: 1_900_000), venues: ["NASDAQ", "NYSE"])
        let msft = InstrumentConfiguration(symbol: "MSFT", id: InstrumentID(2), tick: Price4(rawValue: 100), lot: 100,
                                           referencePrice: Price4(rawValue: 4_200_000), venues: ["NASDAQ", "NYSE"])
        // Books in file order: AAPL@NASDAQ 1, AAPL@NYSE 2, MSFT@NASDAQ 3, MSFT@NYSE 4.
        let lane = LaneConfiguration(
            name: "lane0", core: nil, poll: .busy, instruments: ["AAPL", "MSFT"],
            books: [
                LaneBook(instrument: aapl.id, symbol: "AAPL", venue: nasdaq.id, locate: 1),
                LaneBook(instrument: aapl.id, symbol: "AAPL", venue: nyse.id, locate: 2),
                LaneBook(instrument: msft.id, symbol: "MSFT", venue: nasdaq.id, locate: 3),
                LaneBook(instrument: msft.id, symbol: "MSFT", venue: nyse.id, locate: 4),
            ])
        let account = AccountConfiguration(name: "main", id: AccountID(1))
        func marketMakerParameters() -> MarketMakerParameters {
            MarketMakerParameters(
                quoting: true, fairPrice: .microprice, halfSpread: Price4(rawValue: 200), inventorySkew: Price4(rawValue: 1),
                quoteSize: Quantity(100), requoteThreshold: Price4(rawValue: 100), maxPosition: Quantity(1_000),
                maxWorkingOrders: 4, widenAtVPIN: 600_000, toxicWidening: Price4(rawValue: 200), pullAtVPIN: 850_000,
                orderRate: RateLimit(perSecond: 300, burst: 30))
        }
        let strategies = [
            StrategyConfiguration(
                name: "mm-aapl", id: StrategyID(1), account: account.id, instrument: aapl.id, lane: "lane0",
                kind: .marketMaker(MarketMakerConfiguration(instrument: aapl.id, locate: 1, venue: nasdaq.id, tickSize: aapl.tick,
                                                            vpinBucketVolume: 10_000, vpinBucketCount: 50),
                                   marketMakerParameters())),
            StrategyConfiguration(
                name: "mm-msft", id: StrategyID(2), account: account.id, instrument: msft.id, lane: "lane0",
                kind: .marketMaker(MarketMakerConfiguration(instrument: msft.id, locate: 3, venue: nasdaq.id, tickSize: msft.tick,
                                                            vpinBucketVolume: 10_000, vpinBucketCount: 50),
                                   marketMakerParameters())),
            StrategyConfiguration(
                name: "arb-aapl", id: StrategyID(3), account: account.id, instrument: aapl.id, lane: "lane0",
                kind: .crossVenueArbitrage(
                    CrossVenueArbitrageConfiguration(
                        instrument: aapl.id,
                        first: ArbitrageVenue(venue: nasdaq.id, locate: 1, feePerShare: nasdaq.fees.takePerShare),
                        second: ArbitrageVenue(venue: nyse.id, locate: 2, feePerShare: nyse.fees.takePerShare)),
                    CrossVenueArbitrageParameters(enabled: true, edge: Price4(rawValue: 100), maxClip: Quantity(100),
                                                  flattenImbalance: true, flattenSlippage: Price4(rawValue: 200)))),
        ]
        let risk = RiskLimits(
            instrumentDefaults: InstrumentLimits(maxOrderQuantity: 1_000, maxOrderNotional: 500_000 * 10_000, maxLong: 5_000,
                                                 maxShort: 5_000, maxGross: 10_000),
            accountDefaults: AccountLimits(maxOpenOrders: 200, maxOpenNotional: 2_000_000 * 10_000,
                                           orderRate: RateLimit(perSecond: 1_000, burst: 100),
                                           cancelRate: RateLimit(perSecond: 2_000, burst: 200), lossLimit: 25_000 * 10_000),
            lane: LaneLimits(maxOpenOrders: 200, maxOpenNotional: 2_000_000 * 10_000,
                             collar: CollarPolicy(basisPoints: 500, reference: .touch, noBook: .reject),
                             selfMatchPrevention: true, strategyLossLimit: 10_000 * 10_000, maxRejects: 20,
                             rejectWindow: 1_000_000_000, maxMessagesPerSecond: 5_000, staleMarketData: 0, positionBreach: true))
        return EngineConfiguration(
            source: "<demo>", engine: EngineSettings(name: "demo", backend: .sim, cancelOnStop: .all), accounts: [account],
            venues: [nasdaq, nyse], instruments: [aapl, msft], lanes: [lane], strategies: strategies, risk: risk,
            fixSessions: [], journal: nil,
            telemetry: TelemetryConfiguration(metricsListen: nil, metricsTokenEnvironmentVariable: nil, profile: .full,
                                              profileFile: nil, outlierNanoseconds: 20_000))
    }
}

/// Session IDs written in source, known to be valid.
enum MoldUDP64SessionIDText {
    static func make(_ text: StaticString) -> MoldUDP64SessionID {
        guard let id = MoldUDP64SessionID("\(text)") else { preconditionFailure("invalid MoldUDP64 session literal \(text)") }
        return id
    }
}
