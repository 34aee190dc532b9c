import VegaCore
import VegaMarketData

/// One venue in the router's table: whether it is up, what it costs, how far it is, its lot size.
///
/// Fees are per share in ``Money4`` raw units (10^-4 currency: 30 is $0.0030); a negative fee
/// is a rebate. `takeFee` applies to orders that remove liquidity, `makeFee` to resting orders
/// that add it.
@frozen
public struct VenueInfo: Sendable, Equatable, BitwiseCopyable {
    @frozen
    public enum Status: UInt8, Sendable, BitwiseCopyable {
        case up, down
    }

    public var status: Status
    public var takeFee: Int64
    public var makeFee: Int64
    /// Estimated one-way order latency, ns (an average the lane updates from acks).
    public var latency: UInt64
    /// Orders must be a multiple of this (≥ 1).
    public var lotSize: UInt64

    @inlinable
    public init(status: Status = .up, takeFee: Int64 = 0, makeFee: Int64 = 0, latency: UInt64 = 0, lotSize: UInt64 = 1) {
        self.status = status
        self.takeFee = takeFee
        self.makeFee = makeFee
        self.latency = latency
        self.lotSize = max(1, lotSize)
    }
}

/// Per-venue routing counters: what was sent there and what came of it.
@frozen
public struct VenueRoutingCounters: Sendable, Equatable, BitwiseCopyable {
    /// Routing decisions that chose the venue (a split counts once per venue it used).
    public var decisions: UInt64 = 0
    public var routedQuantity: UInt64 = 0
    public var fills: UInt64 = 0
    public var filledQuantity: UInt64 = 0
    public var rejects: UInt64 = 0
    /// Times it was skipped because it was down.
    public var skippedDown: UInt64 = 0

    @inlinable public init() {}
}

/// One piece of a routed order: `quantity` to `venue`, limited at `price`.
@frozen
public struct RouteLeg: Sendable, Equatable, BitwiseCopyable {
    public var venue: VenueID
    public var quantity: Quantity
    /// The leg's limit: the worst displayed price it takes at that venue (or the order's own
    /// limit for a posting leg).
    public var price: Price4

    @inlinable
    public init(venue: VenueID, quantity: Quantity, price: Price4) {
        self.venue = venue
        self.quantity = quantity
        self.price = price
    }
}

/// The books of every venue, read by the router: each venue's book of the instrument, through
/// ``BookView``'s level reads. Conformers keep the calls `@inlinable` (the router is generic over it).
public protocol VenueBooks: ~Copyable {
    /// The `index`-th level of `side` of `locate` at `venue` (0 = best), or nil.
    func level(venue: VenueID, locate: UInt16, side: Side, index: Int) -> BookLevel?
}
