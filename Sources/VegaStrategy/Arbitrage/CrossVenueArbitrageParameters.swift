import VegaCore
import VegaTrading

/// One venue of a ``CrossVenueArbitrage``: where its book is and what trading there costs.
@frozen
public struct ArbitrageVenue: Sendable, Equatable, BitwiseCopyable {
    public var venue: VenueID
    /// The instrument's book on this venue, in the lane's `BookView`.
    public var locate: UInt16
    /// Taking fee per share on this venue, Price4 raw (≥ 0; 30 = $0.0030).
    public var feePerShare: Price4

    @inlinable
    public init(venue: VenueID, locate: UInt16, feePerShare: Price4) {
        self.venue = venue
        self.locate = locate
        self.feePerShare = feePerShare
    }
}

/// A cross-venue arbitrage's fixed setup: one instrument on two venues.
public struct CrossVenueArbitrageConfiguration: Sendable, Equatable {
    public var instrument: InstrumentID
    public var first: ArbitrageVenue
    public var second: ArbitrageVenue

    public init(instrument: InstrumentID, first: ArbitrageVenue, second: ArbitrageVenue) {
        self.instrument = instrument
        self.first = first
        self.second = second
    }

    public func validate() throws(ParameterError) {
        if first.locate == second.locate {
            throw ParameterError(parameter: "CrossVenueArbitrage.second.locate", value: "\(second.locate)",
                                 expected: "a book other than the first venue's (\(first.locate))")
        }
        for (name, v) in [("first", first), ("second", second)] where v.feePerShare.rawValue < 0 || v.feePerShare.rawValue > 1 << 40 {
            throw ParameterError(parameter: "CrossVenueArbitrage.\(name).feePerShare", value: "\(v.feePerShare.rawValue)",
                                 expected: "0...\(Int64(1) << 40) (Price4 raw per share)")
        }
    }
}

/// A cross-venue arbitrage's run-time parameters.
@frozen
public struct CrossVenueArbitrageParameters: StrategyParameters {
    /// Take opportunities at all.
    public var enabled: Bool
    /// Profit per share required after both venues' fees, Price4 raw (≥ 1: a bid that only
    /// covers the fees is not an opportunity).
    public var edge: Price4
    /// Most shares per arbitrage (≥ 1).
    public var maxClip: Quantity
    /// When only one leg fills: send an IOC to flatten the difference (`true`) or stop and
    /// report it, holding the position until an operator acts (`false`).
    public var flattenImbalance: Bool
    /// How far through the best price a flattening IOC may go, Price4 raw (≥ 0).
    public var flattenSlippage: Price4
    /// After a cycle in which an order was refused: ns to wait before the next order (0: retry
    /// at once). Doubles with each refused cycle in a row, up to `maxRefusalBackoff`.
    public var refusalBackoff: UInt64
    /// The longest wait after refusals, ns (≥ `refusalBackoff`).
    public var maxRefusalBackoff: UInt64

    /// Longest `refusalBackoff` / `maxRefusalBackoff` accepted: one hour.
    public static let backoffLimit: UInt64 = 3_600_000_000_000

    @inlinable
    public init(enabled: Bool = true, edge: Price4, maxClip: Quantity, flattenImbalance: Bool = true,
                flattenSlippage: Price4 = .zero, refusalBackoff: UInt64 = 1_000_000,
                maxRefusalBackoff: UInt64 = 1_000_000_000) {
        self.enabled = enabled
        self.edge = edge
        self.maxClip = maxClip
        self.flattenImbalance = flattenImbalance
        self.flattenSlippage = flattenSlippage
        self.refusalBackoff = refusalBackoff
        self.maxRefusalBackoff = maxRefusalBackoff
    }

    public func validate() throws(ParameterError) {
        let limit: Int64 = 1 << 40
        if edge.rawValue < 1 || edge.rawValue > limit {
            throw ParameterError(parameter: "CrossVenueArbitrage.edge", value: "\(edge.rawValue)",
                                 expected: "1...\(limit) (Price4 raw per share)")
        }
        if maxClip.rawValue < 1 || maxClip.rawValue > 1 << 32 {
            throw ParameterError(parameter: "CrossVenueArbitrage.maxClip", value: "\(maxClip.rawValue)",
                                 expected: "1...\(UInt64(1) << 32) shares")
        }
        if flattenSlippage.rawValue < 0 || flattenSlippage.rawValue > limit {
            throw ParameterError(parameter: "CrossVenueArbitrage.flattenSlippage", value: "\(flattenSlippage.rawValue)",
                                 expected: "0...\(limit) (Price4 raw)")
        }
        if refusalBackoff > Self.backoffLimit {
            throw ParameterError(parameter: "CrossVenueArbitrage.refusalBackoff", value: "\(refusalBackoff)",
                                 expected: "0...\(Self.backoffLimit) ns")
        }
        if maxRefusalBackoff < refusalBackoff || maxRefusalBackoff > Self.backoffLimit {
            throw ParameterError(parameter: "CrossVenueArbitrage.maxRefusalBackoff", value: "\(maxRefusalBackoff)",
                                 expected: "\(refusalBackoff)...\(Self.backoffLimit) ns (at least refusalBackoff)")
        }
    }
}
