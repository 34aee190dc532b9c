import VegaCore
import VegaMarketData
import VegaTrading

/// Cross-venue arbitrage of one instrument on two venues: when one venue's best bid exceeds the
/// other's best ask by the fees of both plus the configured edge, buy on the cheap venue and
/// sell on the rich one, both immediate-or-cancel.
///
/// ## Decision
/// For each direction (buy on A / sell on B, and the reverse) with both sides present:
///
///     bid(rich) − ask(cheap) − fee(cheap) − fee(rich) ≥ edge      (edge ≥ 1 tick of Price4)
///
/// fires, sized `min(ask size on cheap, bid size on rich, maxClip)`, the buy at the cheap
/// venue's ask and the sell at the rich venue's bid (limit prices: an IOC never trades worse).
/// It fires only when idle and flat: never while legs are working.
///
/// ## Legs
/// When both legs are done (filled, expired or rejected), the strategy's position in the
/// instrument is the leg imbalance. Zero: back to idle. Otherwise it is counted
/// (``ArbitrageCounters/legImbalances``, ``unhedgedShares``) and, with `flattenImbalance`,
/// flattened by an IOC at the best price across both venues (through it by at most
/// `flattenSlippage`), again on each book event until flat; without it the strategy stops
/// (``phase`` `.unhedged`) and reports until the parameter is turned on.
///
/// Lane calls only: no allocation, no lock.
public struct CrossVenueArbitrage: Strategy, ~Copyable {
    public typealias Parameters = CrossVenueArbitrageParameters

    /// Where the strategy is in its cycle.
    @frozen
    public enum Phase: UInt8, Sendable, BitwiseCopyable {
        case idle
        /// Both legs sent; waiting until both are done.
        case legsWorking
        /// A flattening order is working.
        case flattening
        /// Holding a leg imbalance: flattening at the next book event, or (flattening off) halted.
        case unhedged
    }

    public let configuration: CrossVenueArbitrageConfiguration
    @usableFromInline var _parameters: CrossVenueArbitrageParameters
    @usableFromInline var _phase: Phase
    @usableFromInline var buyLeg: OrderID
    @usableFromInline var sellLeg: OrderID
    @usableFromInline var flattenOrder: OrderID
    @usableFromInline var _counters: ArbitrageCounters

    @inlinable public var parameters: CrossVenueArbitrageParameters { _parameters }
    @inlinable public var phase: Phase { _phase }
    @inlinable public var counters: ArbitrageCounters { _counters }

    /// - Precondition: `configuration.validate()` and `parameters.validate()` succeed.
    public init(configuration: CrossVenueArbitrageConfiguration, parameters: CrossVenueArbitrageParameters) {
        do {
            try configuration.validate()
            try parameters.validate()
        } catch { preconditionFailure("\(error)") }
        self.configuration = configuration
        _parameters = parameters
        _phase = .idle
        buyLeg = OrderID(0)
        sellLeg = OrderID(0)
        flattenOrder = OrderID(0)
        _counters = ArbitrageCounters()
    }

    /// Shares the strategy holds unhedged in the instrument (its position; + long, − short).
    @inlinable
    public func unhedgedShares(_ state: borrowing StrategyState) -> Int64 {
        state.position(configuration.instrument).net
    }

    @inlinable
    public mutating func apply(parameters: CrossVenueArbitrageParameters) { _parameters = parameters }

    @inlinable
    public mutating func onBookUpdate<Books: BookView & ~Copyable>(
        _ event: BookUpdateEvent, books: borrowing Books, context: inout StrategyContext
    ) {
        guard event.locate == configuration.first.locate || event.locate == configuration.second.locate else { return }
        switch _phase {
        case .idle: seek(books: books, context: &context)
        case .unhedged: if _parameters.flattenImbalance { flatten(books: books, context: &context) }
        case .legsWorking, .flattening: break
        }
    }

    @inlinable
    public mutating func onFill<Books: BookView & ~Copyable>(
        _ event: OrderFilled, books: borrowing Books, context: inout StrategyContext
    ) {
        if event.orderID.rawValue == buyLeg.rawValue { _counters.boughtShares &+= event.quantity.rawValue }
        if event.orderID.rawValue == sellLeg.rawValue { _counters.soldShares &+= event.quantity.rawValue }
        advance(books: books, context: &context)
    }

    @inlinable
    public mutating func onCanceled<Books: BookView & ~Copyable>(
        _ event: OrderCanceled, books: borrowing Books, context: inout StrategyContext
    ) { advance(books: books, context: &context) }

    @inlinable
    public mutating func onReject<Books: BookView & ~Copyable>(
        _ event: OrderRejected, books: borrowing Books, context: inout StrategyContext
    ) {
        _counters.rejects &+= 1
        advance(books: books, context: &context)
    }

    /// The opportunity in the books now, if any: which venue to buy on, prices and size.
    @inlinable
    public func opportunity<Books: BookView & ~Copyable>(books: borrowing Books) -> ArbitrageOpportunity? {
        let a = books.topOfBook(locate: configuration.first.locate)
        let b = books.topOfBook(locate: configuration.second.locate)
        if let o = check(buy: configuration.first, buyTop: a, sell: configuration.second, sellTop: b) { return o }
        return check(buy: configuration.second, buyTop: b, sell: configuration.first, sellTop: a)
    }

    @inlinable
    func check(buy: ArbitrageVenue, buyTop: TopOfBook, sell: ArbitrageVenue, sellTop: TopOfBook) -> ArbitrageOpportunity? {
        guard buyTop.ask.orders != 0, buyTop.ask.shares != 0, sellTop.bid.orders != 0, sellTop.bid.shares != 0 else {
            return nil
        }
        let profit = Int128(sellTop.bid.price.rawValue) - Int128(buyTop.ask.price.rawValue)
            - Int128(buy.feePerShare.rawValue) - Int128(sell.feePerShare.rawValue)
        guard profit >= Int128(_parameters.edge.rawValue) else { return nil }
        // Two-argument min: the variadic three-argument one builds an array.
        let size = Swift.min(Swift.min(buyTop.ask.shares, sellTop.bid.shares), _parameters.maxClip.rawValue)
        return ArbitrageOpportunity(buyVenue: buy.venue, buyPrice: buyTop.ask.price, sellVenue: sell.venue,
                                    sellPrice: sellTop.bid.price, quantity: Quantity(size),
                                    profitPerShare: Price4(rawValue: Int64(profit)))
    }

    @inlinable
    mutating func seek<Books: BookView & ~Copyable>(books: borrowing Books, context: inout StrategyContext) {
        guard _parameters.enabled, let o = opportunity(books: books) else { return }
        // Both legs or neither; and only from flat with nothing open.
        guard context.state.position(configuration.instrument).net == 0, context.state.workingOrderCount == 0 else {
            return
        }
        guard context.intents.remaining >= 2, context.state.orderCapacity >= 2 else {
            _counters.skippedNoRoom &+= 1
            return
        }
        let instrument = configuration.instrument
        guard let b = context.submitNew(instrument: instrument, venue: o.buyVenue, side: .buy, price: o.buyPrice,
                                        quantity: o.quantity, timeInForce: .immediateOrCancel, postOnly: false),
              let s = context.submitNew(instrument: instrument, venue: o.sellVenue, side: .sell, price: o.sellPrice,
                                        quantity: o.quantity, timeInForce: .immediateOrCancel, postOnly: false)
        else { return }
        buyLeg = b
        sellLeg = s
        _phase = .legsWorking
        _counters.fired &+= 1
    }

    /// Moves the cycle on when its orders are done.
    @inlinable
    mutating func advance<Books: BookView & ~Copyable>(books: borrowing Books, context: inout StrategyContext) {
        switch _phase {
        case .legsWorking:
            guard !context.state.isOpen(buyLeg), !context.state.isOpen(sellLeg) else { return }
            buyLeg = OrderID(0)
            sellLeg = OrderID(0)
            if context.state.position(configuration.instrument).net == 0 {
                _phase = .idle
                _counters.completed &+= 1
            } else {
                _counters.legImbalances &+= 1
                _counters.lastImbalance = context.state.position(configuration.instrument).net
                _phase = .unhedged
                if _parameters.flattenImbalance { flatten(books: books, context: &context) }
            }
        case .flattening:
            guard !context.state.isOpen(flattenOrder) else { return }
            flattenOrder = OrderID(0)
            _phase = context.state.position(configuration.instrument).net == 0 ? .idle : .unhedged
        case .idle, .unhedged:
            break
        }
    }

    /// Sends one IOC for the whole imbalance at the best price across both venues.
    @inlinable
    mutating func flatten<Books: BookView & ~Copyable>(books: borrowing Books, context: inout StrategyContext) {
        let net = context.state.position(configuration.instrument).net
        guard net != 0 else {
            _phase = .idle
            return
        }
        let a = books.topOfBook(locate: configuration.first.locate)
        let b = books.topOfBook(locate: configuration.second.locate)
        let slip = _parameters.flattenSlippage.rawValue
        let side: Side, venue: VenueID, price: Int64
        if net > 0 {
            // Sell at the higher bid.
            let useA = a.bid.orders != 0 && (b.bid.orders == 0 || a.bid.price >= b.bid.price)
            guard useA || b.bid.orders != 0 else { return }
            side = .sell
            venue = useA ? configuration.first.venue : configuration.second.venue
            price = (useA ? a.bid.price : b.bid.price).rawValue &- slip
            guard price > 0 else { return }
        } else {
            // Buy at the lower ask.
            let useA = a.ask.orders != 0 && (b.ask.orders == 0 || a.ask.price <= b.ask.price)
            guard useA || b.ask.orders != 0 else { return }
            side = .buy
            venue = useA ? configuration.first.venue : configuration.second.venue
            price = (useA ? a.ask.price : b.ask.price).rawValue &+ slip
        }
        guard let id = context.submitNew(instrument: configuration.instrument, venue: venue, side: side,
                                         price: Price4(rawValue: price), quantity: Quantity(net.magnitude),
                                         timeInForce: .immediateOrCancel, postOnly: false)
        else { return }
        flattenOrder = id
        _phase = .flattening
        _counters.flattenOrders &+= 1
    }
}

/// An arbitrage the books offer: buy `quantity` at `buyPrice` on `buyVenue`, sell at `sellPrice`
/// on `sellVenue`, for `profitPerShare` after fees.
@frozen
public struct ArbitrageOpportunity: Sendable, Equatable, BitwiseCopyable {
    public var buyVenue: VenueID
    public var buyPrice: Price4
    public var sellVenue: VenueID
    public var sellPrice: Price4
    public var quantity: Quantity
    public var profitPerShare: Price4

    @inlinable
    public init(buyVenue: VenueID, buyPrice: Price4, sellVenue: VenueID, sellPrice: Price4, quantity: Quantity,
                profitPerShare: Price4) {
        self.buyVenue = buyVenue
        self.buyPrice = buyPrice
        self.sellVenue = sellVenue
        self.sellPrice = sellPrice
        self.quantity = quantity
        self.profitPerShare = profitPerShare
    }
}

/// Counts of what a ``CrossVenueArbitrage`` did.
@frozen
public struct ArbitrageCounters: Sendable, Equatable, BitwiseCopyable {
    /// Arbitrages sent (two legs each).
    public var fired: UInt64 = 0
    /// Cycles that ended flat.
    public var completed: UInt64 = 0
    /// Cycles that ended with one leg filled more than the other.
    public var legImbalances: UInt64 = 0
    /// Shares left unhedged by the latest such cycle (+ long, − short), for the report.
    public var lastImbalance: Int64 = 0
    public var flattenOrders: UInt64 = 0
    public var boughtShares: UInt64 = 0
    public var soldShares: UInt64 = 0
    public var rejects: UInt64 = 0
    /// Opportunities not taken because the intent buffer or order table had no room for both legs.
    public var skippedNoRoom: UInt64 = 0
    @inlinable public init() {}
}
