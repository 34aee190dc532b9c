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
/// It fires only when idle and flat: never while legs are working. Nor when either leg would
/// trade against one of the lane's own resting orders there (say the market maker's quote is
/// the best ask): risk would refuse that leg as a self-match while the other went out alone, so
/// the opportunity is skipped and counted (``ArbitrageCounters/skippedSelfMatch``) — our own
/// displayed size is not liquidity we can take.
///
/// ## Legs
/// When both legs are done (filled, expired or rejected), the strategy's position in the
/// instrument is the leg imbalance. Zero: back to idle. Otherwise it is counted
/// (``ArbitrageCounters/legImbalances``, ``unhedgedShares``) and, with `flattenImbalance`,
/// flattened by an IOC at the best price across both venues (through it by at most
/// `flattenSlippage`), again on each book event until flat; without it the strategy stops
/// (``phase`` `.unhedged`) and reports until the parameter is turned on.
///
/// ## Refusals back off
/// A cycle in which risk, the lane or the venue refused one of its orders ends in
/// ``Phase/backingOff``: no new order until a timer `refusalBackoff` after the refusal, the
/// wait doubling with each refused cycle in a row up to `maxRefusalBackoff` and back to
/// `refusalBackoff` after a cycle with no refusal. A refused opportunity usually persists (the
/// order rate is spent, a kill switch is thrown, the session is down), and retrying it on every
/// book event only spends the order rate and floods the risk log. (`refusalBackoff` 0: retry at
/// once, as before.) A flattening order refused backs off the same way, then flattens again.
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
        /// An order of the last cycle was refused: waiting for the timer (``backoffDeadline``),
        /// then idle (flat) or unhedged again.
        case backingOff
    }

    public let configuration: CrossVenueArbitrageConfiguration
    @usableFromInline var _parameters: CrossVenueArbitrageParameters
    @usableFromInline var _phase: Phase
    @usableFromInline var buyLeg: OrderID
    @usableFromInline var sellLeg: OrderID
    @usableFromInline var flattenOrder: OrderID
    @usableFromInline var _counters: ArbitrageCounters
    /// One of the current cycle's orders was refused, at `lastRefusal` (lane monotonic ns).
    @usableFromInline var cycleRefused: Bool
    @usableFromInline var lastRefusal: UInt64
    /// The wait the next refused cycle gets (0: `refusalBackoff`).
    @usableFromInline var nextBackoff: UInt64
    @usableFromInline var _backoffDeadline: UInt64

    @inlinable public var parameters: CrossVenueArbitrageParameters { _parameters }
    @inlinable public var phase: Phase { _phase }
    @inlinable public var counters: ArbitrageCounters { _counters }
    /// While ``phase`` is `.backingOff`: when the strategy resumes (lane monotonic time).
    @inlinable public var backoffDeadline: Timestamp<Monotonic>? {
        _phase == .backingOff ? Timestamp(nanoseconds: _backoffDeadline) : nil
    }

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
        cycleRefused = false
        lastRefusal = 0
        nextBackoff = 0
        _backoffDeadline = 0
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
        case .legsWorking, .flattening, .backingOff: break
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
        let id = event.orderID.rawValue
        if id == buyLeg.rawValue || id == sellLeg.rawValue || id == flattenOrder.rawValue {
            cycleRefused = true
            lastRefusal = event.now.nanoseconds
        }
        advance(books: books, context: &context)
    }

    @inlinable
    public mutating func onTimer<Books: BookView & ~Copyable>(
        now: Timestamp<Monotonic>, books: borrowing Books, context: inout StrategyContext
    ) {
        guard _phase == .backingOff else { return }
        if context.state.position(configuration.instrument).net == 0 {
            _phase = .idle
            seek(books: books, context: &context)
        } else {
            _phase = .unhedged
            if _parameters.flattenImbalance { flatten(books: books, context: &context) }
        }
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
        // A leg that would trade against our own resting order is refused by risk (self-match):
        // the other leg would go out alone.
        let own = context.ownOrders
        if own.wouldSelfMatch(instrument: instrument, venue: o.buyVenue, side: .buy, price: o.buyPrice)
            || own.wouldSelfMatch(instrument: instrument, venue: o.sellVenue, side: .sell, price: o.sellPrice) {
            _counters.skippedSelfMatch &+= 1
            return
        }
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
                _counters.completed &+= 1
                if !backOffIfRefused(context: &context) { _phase = .idle }
            } else {
                // Flatten at once even when a leg was refused: the refusal is what left the
                // position open. A refused flattening order backs off.
                cycleRefused = false
                _counters.legImbalances &+= 1
                _counters.lastImbalance = context.state.position(configuration.instrument).net
                _phase = .unhedged
                if _parameters.flattenImbalance { flatten(books: books, context: &context) }
            }
        case .flattening:
            guard !context.state.isOpen(flattenOrder) else { return }
            flattenOrder = OrderID(0)
            if !backOffIfRefused(context: &context) {
                _phase = context.state.position(configuration.instrument).net == 0 ? .idle : .unhedged
            }
        case .idle, .unhedged, .backingOff:
            break
        }
    }

    /// At the end of a cycle (legs or flattening done): when one of its orders was refused and
    /// backing off is on, enters `.backingOff` with the timer set and returns `true`; otherwise
    /// (and after a cycle with no refusal) resets the wait to `refusalBackoff` and returns `false`.
    @inlinable
    mutating func backOffIfRefused(context: inout StrategyContext) -> Bool {
        let refused = cycleRefused
        cycleRefused = false
        let base = _parameters.refusalBackoff
        guard refused, base > 0 else {
            nextBackoff = 0
            return false
        }
        let wait = Swift.max(nextBackoff, base)
        nextBackoff = Swift.min(wait <= UInt64.max / 2 ? wait &* 2 : UInt64.max, Swift.max(_parameters.maxRefusalBackoff, base))
        _backoffDeadline = lastRefusal &+ wait
        context.scheduleTimer(at: Timestamp(nanoseconds: _backoffDeadline))
        _phase = .backingOff
        _counters.backoffs &+= 1
        return true
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
        let own = context.ownOrders
        let side: Side = net > 0 ? .sell : .buy
        let pa = flattenPrice(a, venue: configuration.first.venue, side: side, slip: slip, own: own)
        let pb = flattenPrice(b, venue: configuration.second.venue, side: side, slip: slip, own: own)
        let venue: VenueID, price: Int64
        if let x = pa, let y = pb {
            // Sell at the higher bid, buy at the lower ask; ties go to the first venue.
            let useA = side == .sell ? x >= y : x <= y
            venue = useA ? configuration.first.venue : configuration.second.venue
            price = useA ? x : y
        } else if let x = pa {
            venue = configuration.first.venue
            price = x
        } else if let y = pb {
            venue = configuration.second.venue
            price = y
        } else {
            return
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

extension CrossVenueArbitrage {
    /// A venue's price for a flattening IOC on `side` (through its best by `slip`), if the venue
    /// has that side and the IOC would not trade against our own resting order there.
    @inlinable
    func flattenPrice(_ top: TopOfBook, venue: VenueID, side: Side, slip: Int64, own: OwnOrdersView) -> Int64? {
        let level = side == .sell ? top.bid : top.ask
        guard level.orders != 0 else { return nil }
        let price = side == .sell ? level.price.rawValue &- slip : level.price.rawValue &+ slip
        guard price > 0,
              !own.wouldSelfMatch(instrument: configuration.instrument, venue: venue, side: side,
                                  price: Price4(rawValue: price))
        else { return nil }
        return price
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
    /// Opportunities not taken because a leg would have traded against our own resting order.
    public var skippedSelfMatch: UInt64 = 0
    /// Cycles that ended in ``CrossVenueArbitrage/Phase/backingOff`` (an order refused).
    public var backoffs: UInt64 = 0
    @inlinable public init() {}
}
