import VegaCore
import VegaTrading

/// A market maker's run-time parameters (see ``MarketMaker`` for how each is used).
///
/// Prices are Price4 (10^-4 currency units); quantities are shares.
@frozen
public struct MarketMakerParameters: StrategyParameters {
    /// What the quotes are centred on.
    @frozen
    public enum FairPrice: UInt8, Sendable, BitwiseCopyable {
        /// (best bid + best ask) / 2.
        case mid
        /// Size-weighted: (bid × askSize + ask × bidSize) / (bidSize + askSize), which leans
        /// toward the side with less displayed size (the side more likely to trade through).
        case microprice
    }

    /// Quote at all; `false` cancels the quotes.
    public var quoting: Bool
    public var fairPrice: FairPrice
    /// Distance from the fair price to each quote before skew and rounding (≥ 0).
    public var halfSpread: Price4
    /// Quote shift per share of position, against the position: long `n` shares moves both
    /// quotes down by `n × inventorySkew` (≥ 0).
    public var inventorySkew: Price4
    /// Shares per quote (≥ 1).
    public var quoteSize: Quantity
    /// A working quote is replaced only when the desired price differs from it by more than
    /// this (≥ 0; 0 requotes on any move). Keeps book flicker from becoming a cancel storm.
    public var requoteThreshold: Price4
    /// |position| limit: a side is not quoted if its full quote filling would take the position
    /// beyond it (≥ `quoteSize`).
    public var maxPosition: Quantity
    /// Open orders (any state) the strategy may have; no new quote beyond it (≥ 1).
    public var maxWorkingOrders: UInt32
    /// VPIN (parts per million) at or above which the half-spread grows by `toxicWidening`;
    /// 0 disables.
    public var widenAtVPIN: UInt32
    public var toxicWidening: Price4
    /// VPIN (parts per million) at or above which all quotes are pulled; 0 disables.
    public var pullAtVPIN: UInt32
    /// The strategy's own pace for new quotes and replaces (cancels are never held back): a
    /// token bucket on the lane's clock. Set it below the account's risk `orderRate`, which the
    /// other strategies of the account share, so the maker paces itself instead of having
    /// requotes refused. A quote held back is sent when a token accrues (a timer). Default:
    /// ``VegaTrading/RateLimit/unlimited``.
    public var orderRate: RateLimit

    @inlinable
    public init(quoting: Bool = true, fairPrice: FairPrice = .mid, halfSpread: Price4, inventorySkew: Price4 = .zero,
                quoteSize: Quantity, requoteThreshold: Price4 = .zero, maxPosition: Quantity,
                maxWorkingOrders: UInt32 = 2, widenAtVPIN: UInt32 = 0, toxicWidening: Price4 = .zero,
                pullAtVPIN: UInt32 = 0, orderRate: RateLimit = .unlimited) {
        self.quoting = quoting
        self.fairPrice = fairPrice
        self.halfSpread = halfSpread
        self.inventorySkew = inventorySkew
        self.quoteSize = quoteSize
        self.requoteThreshold = requoteThreshold
        self.maxPosition = maxPosition
        self.maxWorkingOrders = maxWorkingOrders
        self.widenAtVPIN = widenAtVPIN
        self.toxicWidening = toxicWidening
        self.pullAtVPIN = pullAtVPIN
        self.orderRate = orderRate
    }

    public func validate() throws(ParameterError) {
        func fail(_ name: String, _ value: some CustomStringConvertible, _ expected: String) -> ParameterError {
            ParameterError(parameter: "MarketMaker.\(name)", value: value.description, expected: expected)
        }
        // Bounds keep every intermediate of the quote arithmetic far inside Int64/Int128.
        let priceLimit: Int64 = 1 << 40
        if halfSpread.rawValue < 0 || halfSpread.rawValue > priceLimit {
            throw fail("halfSpread", halfSpread.rawValue, "0...\(priceLimit) (Price4 raw)")
        }
        if inventorySkew.rawValue < 0 || inventorySkew.rawValue > priceLimit {
            throw fail("inventorySkew", inventorySkew.rawValue, "0...\(priceLimit) (Price4 raw per share)")
        }
        if quoteSize.rawValue < 1 || quoteSize.rawValue > 1 << 32 {
            throw fail("quoteSize", quoteSize.rawValue, "1...\(UInt64(1) << 32) shares")
        }
        if requoteThreshold.rawValue < 0 || requoteThreshold.rawValue > priceLimit {
            throw fail("requoteThreshold", requoteThreshold.rawValue, "0...\(priceLimit) (Price4 raw)")
        }
        if maxPosition < quoteSize || maxPosition.rawValue > 1 << 40 {
            throw fail("maxPosition", maxPosition.rawValue, "quoteSize (\(quoteSize.rawValue))...\(UInt64(1) << 40) shares")
        }
        if maxWorkingOrders < 1 { throw fail("maxWorkingOrders", maxWorkingOrders, "at least 1") }
        if widenAtVPIN > 1_000_000 { throw fail("widenAtVPIN", widenAtVPIN, "0...1000000 ppm") }
        if pullAtVPIN > 1_000_000 { throw fail("pullAtVPIN", pullAtVPIN, "0...1000000 ppm") }
        if toxicWidening.rawValue < 0 || toxicWidening.rawValue > priceLimit {
            throw fail("toxicWidening", toxicWidening.rawValue, "0...\(priceLimit) (Price4 raw)")
        }
        if orderRate != .unlimited && (orderRate.perSecond < 1 || orderRate.burst < 1) {
            throw fail("orderRate", "\(orderRate.perSecond)/s burst \(orderRate.burst)", "perSecond ≥ 1 and burst ≥ 1, or unlimited")
        }
        if widenAtVPIN != 0 && pullAtVPIN != 0 && pullAtVPIN < widenAtVPIN {
            throw fail("pullAtVPIN", pullAtVPIN, "at least widenAtVPIN (\(widenAtVPIN)) when both are set")
        }
    }
}
