import Testing
import VegaCore
import VegaEngine
import VegaStrategy
import VegaTrading

/// Every strategy and risk key reaches its field in the VegaStrategy / VegaTrading types: for
/// each, a one-line change in the TOML changes that field (and the base value is not already
/// the changed one, so the check can fail).
@Suite("Configuration mapping: every strategy and risk key into its VegaStrategy/VegaTrading field")
struct ConfigurationMappingTests {
    /// Every key written, each line unique, values away from the defaults.
    static let full = ConfigTestSupport.minimal.replacingOnce(
        "  [strategies.parameters]\n  half_spread = 0.02\n  quote_size = 100\n  max_position = 1000\n",
        with: """
              [strategies.parameters]
              quoting = true
              fair_price = "mid"
              half_spread = 0.02
              inventory_skew = 0.0001
              quote_size = 100
              requote_threshold = 0.01
              max_position = 1000
              max_working_orders = 3
              widen_at_vpin = 500000
              toxic_widening = 0.03
              pull_at_vpin = 900000
              tick_size = 0.01
              vpin_bucket_volume = 20000
              vpin_bucket_count = 40
              order_rate = { per_second = 300, burst = 30 }

            [[strategies]]
            name = "arb"
            kind = "cross_venue_arbitrage"
            id = 2
            account = "main"
            instrument = "AAPL"
            venues = ["NASDAQ", "NYSE"]
              [strategies.parameters]
              enabled = true
              edge = 0.0105
              max_clip = 200
              flatten_imbalance = true
              flatten_slippage = 0.04
              refusal_backoff_us = 1000
              max_refusal_backoff_us = 1000000

            [risk]
            max_open_orders = 201
            max_open_notional = 1000000.5
            self_match_prevention = true
            strategy_loss_limit = 9000
            max_rejects = 21
            reject_window_us = 2000000
            max_messages_per_second = 4000
            stale_market_data_us = 700
            position_breach = true
              [risk.collar]
              basis_points = 300
              reference = "touch"
              no_book = "reject"
              [risk.instrument_defaults]
              max_order_quantity = 1100
              max_order_notional = 400000.25
              max_long = 5100
              max_short = 5200
              max_gross = 10100
              collar_basis_points = 250
              restricted = false
              [risk.instruments.AAPL]
              max_long = 777
              [risk.account_defaults]
              max_open_orders = 301
              max_open_notional = 3000000
              max_long_notional = 3100000
              max_short_notional = 3200000
              max_gross_notional = 6300000
              order_rate = { per_second = 1001, burst = 101 }
              cancel_rate = { per_second = 2001, burst = 201 }
              loss_limit = 20000
              [risk.accounts.main]
              loss_limit = 15000.75

            """)

    struct Case: Sendable, CustomTestStringConvertible {
        var old: String
        var new: String
        var changed: @Sendable (EngineConfiguration) -> Bool
        var testDescription: String { "\(old) → \(new)" }

        init(_ old: String, _ new: String, _ changed: @escaping @Sendable (EngineConfiguration) -> Bool) {
            self.old = old
            self.new = new
            self.changed = changed
        }
    }

    static func mm(_ c: EngineConfiguration) -> (MarketMakerConfiguration, MarketMakerParameters) {
        guard case .marketMaker(let conf, let p) = c.strategies[0].kind else { fatalError("strategy 0 is the market maker") }
        return (conf, p)
    }

    static func arb(_ c: EngineConfiguration) -> (CrossVenueArbitrageConfiguration, CrossVenueArbitrageParameters) {
        guard case .crossVenueArbitrage(let conf, let p) = c.strategies[1].kind else { fatalError("strategy 1 is the arbitrage") }
        return (conf, p)
    }

    static let aapl = InstrumentID(1)
    static let main = AccountID(1)
    static let other = AccountID(9)
    static let other0 = InstrumentID(99)

    static let cases: [Case] = [
        // MarketMakerParameters and MarketMakerConfiguration
        Case("quoting = true", "quoting = false") { mm($0).1.quoting == false },
        Case("fair_price = \"mid\"", "fair_price = \"microprice\"") { mm($0).1.fairPrice == .microprice },
        Case("half_spread = 0.02", "half_spread = 0.0275") { mm($0).1.halfSpread == Price4(rawValue: 275) },
        Case("inventory_skew = 0.0001", "inventory_skew = 0.0003") { mm($0).1.inventorySkew == Price4(rawValue: 3) },
        Case("quote_size = 100", "quote_size = 300") { mm($0).1.quoteSize == Quantity(300) },
        Case("requote_threshold = 0.01", "requote_threshold = 0.05") { mm($0).1.requoteThreshold == Price4(rawValue: 500) },
        Case("max_position = 1000", "max_position = 4000") { mm($0).1.maxPosition == Quantity(4_000) },
        Case("max_working_orders = 3", "max_working_orders = 6") { mm($0).1.maxWorkingOrders == 6 },
        Case("widen_at_vpin = 500000", "widen_at_vpin = 510000") { mm($0).1.widenAtVPIN == 510_000 },
        Case("toxic_widening = 0.03", "toxic_widening = 0.07") { mm($0).1.toxicWidening == Price4(rawValue: 700) },
        Case("pull_at_vpin = 900000", "pull_at_vpin = 950000") { mm($0).1.pullAtVPIN == 950_000 },
        Case("tick_size = 0.01", "tick_size = 0.05") { mm($0).0.tickSize == Price4(rawValue: 500) },
        Case("vpin_bucket_volume = 20000", "vpin_bucket_volume = 25000") { mm($0).0.vpinBucketVolume == 25_000 },
        Case("vpin_bucket_count = 40", "vpin_bucket_count = 45") { mm($0).0.vpinBucketCount == 45 },
        Case("order_rate = { per_second = 300, burst = 30 }", "order_rate = { per_second = 50, burst = 5 }") {
            mm($0).1.orderRate == RateLimit(perSecond: 50, burst: 5)
        },
        Case("order_rate = { per_second = 300, burst = 30 }", "order_rate = \"none\"") { mm($0).1.orderRate == .unlimited },
        Case("venue = \"NASDAQ\"", "venue = \"NYSE\"") { mm($0).0.venue == VenueID(1) && mm($0).0.locate == 2 },
        // CrossVenueArbitrageParameters and CrossVenueArbitrageConfiguration
        Case("enabled = true", "enabled = false") { arb($0).1.enabled == false },
        Case("edge = 0.0105", "edge = 0.0205") { arb($0).1.edge == Price4(rawValue: 205) },
        Case("max_clip = 200", "max_clip = 500") { arb($0).1.maxClip == Quantity(500) },
        Case("flatten_imbalance = true", "flatten_imbalance = false") { arb($0).1.flattenImbalance == false },
        Case("flatten_slippage = 0.04", "flatten_slippage = 0.06") { arb($0).1.flattenSlippage == Price4(rawValue: 600) },
        Case("refusal_backoff_us = 1000", "refusal_backoff_us = 2500") { arb($0).1.refusalBackoff == 2_500_000 },
        Case("max_refusal_backoff_us = 1000000", "max_refusal_backoff_us = 40000") { arb($0).1.maxRefusalBackoff == 40_000_000 },
        Case("take_per_share = 0.0030", "take_per_share = 0.0035") { arb($0).0.first.feePerShare == Price4(rawValue: 35) },
        Case("venues = [\"NASDAQ\", \"NYSE\"]\n  [strategies.parameters]\n  enabled", "venues = [\"NYSE\", \"NASDAQ\"]\n  [strategies.parameters]\n  enabled") {
            arb($0).0.first.venue == VenueID(1) && arb($0).0.first.locate == 2 && arb($0).0.second.locate == 1
        },
        // LaneLimits and CollarPolicy
        Case("max_open_orders = 201", "max_open_orders = 202") { $0.risk.lane.maxOpenOrders == 202 },
        Case("max_open_notional = 1000000.5", "max_open_notional = \"none\"") { $0.risk.lane.maxOpenNotional == .max },
        Case("max_open_notional = 1000000.5", "max_open_notional = 1000000.25") { $0.risk.lane.maxOpenNotional == 10_000_002_500 },
        Case("self_match_prevention = true", "self_match_prevention = false") { $0.risk.lane.selfMatchPrevention == false },
        Case("strategy_loss_limit = 9000", "strategy_loss_limit = 9500.5") { $0.risk.lane.strategyLossLimit == 95_005_000 },
        Case("max_rejects = 21", "max_rejects = 0") { $0.risk.lane.maxRejects == 0 },
        Case("reject_window_us = 2000000", "reject_window_us = 1500") { $0.risk.lane.rejectWindow == 1_500_000 },
        Case("max_messages_per_second = 4000", "max_messages_per_second = 4100") { $0.risk.lane.maxMessagesPerSecond == 4_100 },
        Case("stale_market_data_us = 700", "stale_market_data_us = 900") { $0.risk.lane.staleMarketData == 900_000 },
        Case("position_breach = true", "position_breach = false") { $0.risk.lane.positionBreach == false },
        Case("basis_points = 300", "basis_points = 350") { $0.risk.lane.collar.basisPoints == 350 },
        Case("basis_points = 300", "basis_points = \"none\"") { $0.risk.lane.collar.basisPoints == .max },
        Case("reference = \"touch\"", "reference = \"mid\"") { $0.risk.lane.collar.reference == .mid },
        Case("no_book = \"reject\"", "no_book = \"allow\"") { $0.risk.lane.collar.noBook == .allow },
        // InstrumentLimits: defaults (seen through an instrument without an override) and override
        Case("max_order_quantity = 1100", "max_order_quantity = 1200") { $0.risk.limits(for: other0).maxOrderQuantity == 1_200 },
        Case("max_order_notional = 400000.25", "max_order_notional = 400000.75") { $0.risk.limits(for: other0).maxOrderNotional == 4_000_007_500 },
        Case("max_long = 5100", "max_long = 5150") { $0.risk.limits(for: other0).maxLong == 5_150 },
        Case("max_short = 5200", "max_short = 5250") { $0.risk.limits(for: other0).maxShort == 5_250 },
        Case("max_gross = 10100", "max_gross = 10150") { $0.risk.limits(for: other0).maxGross == 10_150 },
        Case("collar_basis_points = 250", "collar_basis_points = 260") { $0.risk.limits(for: other0).collarBasisPoints == 260 },
        Case("collar_basis_points = 250", "collar_basis_points = \"none\"") { $0.risk.limits(for: other0).collarBasisPoints == .max },
        Case("restricted = false", "restricted = true") { $0.risk.limits(for: other0).restricted },
        Case("max_long = 777", "max_long = 778") { $0.risk.limits(for: aapl).maxLong == 778 && $0.risk.limits(for: aapl).maxShort == 5_200 },
        // AccountLimits: defaults (an account without an override) and override
        Case("max_open_orders = 301", "max_open_orders = 302") { $0.risk.limits(for: other).maxOpenOrders == 302 },
        Case("max_open_notional = 3000000", "max_open_notional = 3000001") { $0.risk.limits(for: other).maxOpenNotional == 30_000_010_000 },
        Case("max_long_notional = 3100000", "max_long_notional = 3100001") { $0.risk.limits(for: other).maxLongNotional == 31_000_010_000 },
        Case("max_short_notional = 3200000", "max_short_notional = 3200001") { $0.risk.limits(for: other).maxShortNotional == 32_000_010_000 },
        Case("max_gross_notional = 6300000", "max_gross_notional = 6300001") { $0.risk.limits(for: other).maxGrossNotional == 63_000_010_000 },
        Case("per_second = 1001", "per_second = 1002") { $0.risk.limits(for: other).orderRate == RateLimit(perSecond: 1_002, burst: 101) },
        Case("burst = 101", "burst = 102") { $0.risk.limits(for: other).orderRate == RateLimit(perSecond: 1_001, burst: 102) },
        Case("cancel_rate = { per_second = 2001, burst = 201 }", "cancel_rate = { per_second = 2002, burst = 202 }") {
            $0.risk.limits(for: other).cancelRate == RateLimit(perSecond: 2_002, burst: 202)
        },
        Case("cancel_rate = { per_second = 2001, burst = 201 }", "cancel_rate = \"none\"") { $0.risk.limits(for: other).cancelRate == .unlimited },
        Case("loss_limit = 20000", "loss_limit = 20001") { $0.risk.limits(for: other).lossLimit == 200_010_000 },
        Case("loss_limit = 15000.75", "loss_limit = 15000.5") {
            $0.risk.limits(for: main).lossLimit == 150_005_000 && $0.risk.limits(for: main).maxOpenOrders == 301
        },
    ]

    @Test func fullConfigurationParses() throws {
        let c = try #require(ConfigTestSupport.parse(Self.full))
        #expect(c.strategies.count == 2)
        #expect(c.risk.limits(for: Self.aapl).maxLong == 777)
    }

    @Test(arguments: ConfigurationMappingTests.cases)
    func keyReachesItsField(_ c: Case) throws {
        let base = try #require(ConfigTestSupport.parse(Self.full))
        #expect(!c.changed(base), "the base value already satisfies the check: it could not fail")
        let changed = try #require(ConfigTestSupport.parse(Self.full.replacingOnce(c.old, with: c.new)))
        #expect(c.changed(changed))
    }
}

extension String {
    /// The first occurrence of `old` replaced (which must be present).
    fileprivate func replacingOnce(_ old: String, with new: String) -> String {
        ConfigTestSupport.replacing(old, with: new, in: self)
    }
}
