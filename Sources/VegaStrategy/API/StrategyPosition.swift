import VegaCore

/// The strategy's position in one instrument, from its own fills.
///
/// Money is in Price4 raw units times shares (10^-4 currency units): exact integers, no floating
/// point, so a replay reproduces it bit for bit. Fees are not included (VegaTrading's P&L
/// carries them). Arithmetic wraps rather than traps: a position would need ~10^15 currency
/// units to overflow.
@frozen
public struct StrategyPosition: Sendable, Equatable, BitwiseCopyable {
    public var instrument: InstrumentID
    /// Shares held: positive long, negative short.
    public var net: Int64
    /// What the open position cost: signed like `net` (long: paid, positive; short: received,
    /// negative), Price4 raw × shares. When a position is reduced, the share of the basis that
    /// leaves is `basis × closed / |net|` rounded toward zero, so the basis is exact again at flat.
    public var costBasis: Int64
    /// Realized P&L, Price4 raw × shares.
    public var realizedPnL: Int64
    public var boughtShares: UInt64
    public var soldShares: UInt64

    @inlinable
    public init(instrument: InstrumentID) {
        self.instrument = instrument
        net = 0
        costBasis = 0
        realizedPnL = 0
        boughtShares = 0
        soldShares = 0
    }

    /// Average cost per share of the open position (rounded toward zero), zero when flat.
    @inlinable
    public var averagePrice: Price4 {
        net == 0 ? .zero : Price4(rawValue: costBasis / net)
    }

    /// Unrealized P&L if the position were marked at `mark`, Price4 raw × shares.
    @inlinable
    public func unrealizedPnL(mark: Price4) -> Int64 {
        mark.rawValue &* net &- costBasis
    }

    /// Applies one execution of `shares` on `side` at `price`.
    @inlinable
    public mutating func apply(side: Side, shares: UInt64, price: Price4) {
        guard shares > 0 else { return }
        let q = Int64(truncatingIfNeeded: shares)
        if side == .buy { boughtShares &+= shares } else { soldShares &+= shares }
        let signed = side == .buy ? q : 0 &- q
        if net == 0 || (net > 0) == (signed > 0) {
            net &+= signed
            costBasis &+= price.rawValue &* signed
            return
        }
        // Reducing (and perhaps flipping) the position.
        let held = net.magnitude
        let closing = Swift.min(shares, held)
        let released: Int64
        if closing == held {
            released = costBasis
        } else {
            // basis × closing / held without overflow: 128-bit intermediate.
            let product = Int128(costBasis) * Int128(closing)
            released = Int64(truncatingIfNeeded: product / Int128(held))
        }
        let closingSigned = Int64(truncatingIfNeeded: closing)
        let proceeds = price.rawValue &* closingSigned
        // Long: sold `closing` for `proceeds`, cost `released`. Short: bought back for `proceeds`,
        // had received `-released`.
        realizedPnL &+= net > 0 ? proceeds &- released : (0 &- released) &- proceeds
        costBasis &-= released
        net &+= net > 0 ? 0 &- closingSigned : closingSigned
        if shares > closing {
            let opening = Int64(truncatingIfNeeded: shares &- closing)
            let openingSigned = side == .buy ? opening : 0 &- opening
            net = openingSigned
            costBasis = price.rawValue &* openingSigned
        }
    }
}
