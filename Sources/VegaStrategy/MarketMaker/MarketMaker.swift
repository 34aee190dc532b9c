import VegaCore
import VegaMarketData
import VegaTrading

/// A two-sided market maker on one instrument: quotes a bid and an ask around a fair price,
/// skewed against its inventory, within its limits, and backs off when VPIN says the flow is
/// toxic.
///
/// ## Quotes
/// With fair price F (``MarketMakerParameters/FairPrice``: mid or microprice, kept as an exact
/// fraction), half-spread h (plus `toxicWidening` when VPIN ≥ `widenAtVPIN`), position p and
/// skew k per share:
///
///     bid = floor((F − h − p·k) / tick) · tick      ask = ceil((F + h − p·k) / tick) · tick
///
/// then kept passive (a bid at most best ask − tick, an ask at least best bid + tick; quotes are
/// post-only). A side is not quoted when its quote filling would take |position| beyond
/// `maxPosition`, when no new order fits under `maxWorkingOrders`, and neither side when a side
/// of the book is empty or crossed, when `quoting` is off or when VPIN ≥ `pullAtVPIN`.
///
/// ## Order handling
/// At most one order per side. Each event ends with a reconcile per side against the
/// strategy's own state: no order → send one (if wanted); an acknowledged order → cancel it if
/// no quote is wanted, replace it if the wanted price moved by more than `requoteThreshold` or
/// the size changed, else leave it; an order with a request in flight → wait for the answer. So
/// a quote is never duplicated (a side's next order is sent only once the previous one is known
/// gone), and no order is orphaned (every order is the side's order until it is gone).
///
/// ## Pace
/// New quotes and replaces take a token from the maker's own bucket (`orderRate`, on the lane's
/// clock ``StrategyContext/now``). With none left the side keeps its current order (or stays
/// empty), the hold-back is counted (``MarketMakerCounters/limitedByRate``) and a timer is set
/// for when the next token accrues, which requotes to whatever is wanted then. Cancels are never
/// held back: pulling a quote is how the maker protects itself.
///
/// ## Our own orders
/// A quote whose price would trade against one of the lane's own resting orders at the venue
/// (an arbitrage's leg, a client's order) is not sent (``MarketMakerCounters/heldBackSelfMatch``):
/// risk would refuse it as a self-match. The check is risk's own
/// (``StrategyContext/ownOrders``).
///
/// Lane calls only: no allocation, no lock. A book event costs a top-of-book read, the quote
/// arithmetic and a scan of the strategy's few open orders.
public struct MarketMaker: Strategy, ~Copyable {
    public typealias Parameters = MarketMakerParameters

    public let configuration: MarketMakerConfiguration
    @usableFromInline var _parameters: MarketMakerParameters
    /// The order flow toxicity signal, fed by the instrument's trades.
    public var vpin: VPIN
    @usableFromInline var bidSlot: QuoteSlot
    @usableFromInline var askSlot: QuoteSlot
    @usableFromInline var _counters: MarketMakerCounters
    /// The `orderRate` bucket (full at start).
    @usableFromInline var orderBucket: TokenBucket

    /// The parameters in force.
    @inlinable public var parameters: MarketMakerParameters { _parameters }
    /// What the strategy has done, for tests and telemetry.
    @inlinable public var counters: MarketMakerCounters { _counters }

    /// - Precondition: `configuration.validate()` and `parameters.validate()` succeed.
    public init(configuration: MarketMakerConfiguration, parameters: MarketMakerParameters) {
        do {
            try configuration.validate()
            try parameters.validate()
        } catch { preconditionFailure("\(error)") }
        self.configuration = configuration
        _parameters = parameters
        vpin = VPIN(bucketVolume: configuration.vpinBucketVolume, bucketCount: configuration.vpinBucketCount)
        bidSlot = QuoteSlot(orderID: OrderID(0))
        askSlot = QuoteSlot(orderID: OrderID(0))
        _counters = MarketMakerCounters()
        orderBucket = TokenBucket(limit: parameters.orderRate, now: 0)
    }

    @inlinable
    public mutating func apply(parameters: MarketMakerParameters) {
        _parameters = parameters
        _counters.parameterChanges &+= 1
    }

    @inlinable
    public mutating func onBookUpdate<Books: BookView & ~Copyable>(
        _ event: BookUpdateEvent, books: borrowing Books, context: inout StrategyContext
    ) {
        guard event.locate == configuration.locate else { return }
        requote(books: books, context: &context)
    }

    @inlinable
    public mutating func onTrade<Books: BookView & ~Copyable>(
        _ event: TradeEvent, books: borrowing Books, context: inout StrategyContext
    ) {
        guard event.locate == configuration.locate else { return }
        vpin.add(shares: event.shares, price: event.price, aggressor: event.aggressor)
        requote(books: books, context: &context)
    }

    @inlinable
    public mutating func onAcknowledged<Books: BookView & ~Copyable>(
        _ event: OrderAcknowledged, books: borrowing Books, context: inout StrategyContext
    ) { requote(books: books, context: &context) }

    @inlinable
    public mutating func onFill<Books: BookView & ~Copyable>(
        _ event: OrderFilled, books: borrowing Books, context: inout StrategyContext
    ) {
        _counters.fills &+= 1
        requote(books: books, context: &context)
    }

    /// Counts the reject and does not requote now: resending on the reject itself would turn a
    /// persistent refusal (a post-only that would cross, a risk limit) into a reject loop. The
    /// side is quoted again at the next book event, trade or timer.
    @inlinable
    public mutating func onReject<Books: BookView & ~Copyable>(
        _ event: OrderRejected, books: borrowing Books, context: inout StrategyContext
    ) {
        _counters.rejects &+= 1
    }

    @inlinable
    public mutating func onCanceled<Books: BookView & ~Copyable>(
        _ event: OrderCanceled, books: borrowing Books, context: inout StrategyContext
    ) { requote(books: books, context: &context) }

    @inlinable
    public mutating func onTimer<Books: BookView & ~Copyable>(
        now: Timestamp<Monotonic>, books: borrowing Books, context: inout StrategyContext
    ) { requote(books: books, context: &context) }

    /// The bid and ask the strategy wants now (`nil`: that side not quoted), from `top` and
    /// position `position`. Pure: no state changes.
    @inlinable
    public func desiredQuotes(top: TopOfBook, position: Int64) -> (bid: Quote?, ask: Quote?) {
        let v = vpinVerdicts
        return Self.quotes(top: top, position: position, parameters: _parameters, tick: configuration.tickSize.rawValue,
                           pull: v.pull, widen: v.widen)
    }

    /// Whether VPIN is at `pullAtVPIN` and at `widenAtVPIN` (each `false` when unset).
    @inlinable @inline(__always)
    var vpinVerdicts: (pull: Bool, widen: Bool) {
        let p = _parameters
        return (p.pullAtVPIN != 0 && vpin.isAtLeast(partsPerMillion: p.pullAtVPIN),
                p.widenAtVPIN != 0 && vpin.isAtLeast(partsPerMillion: p.widenAtVPIN))
    }

    /// ``desiredQuotes(top:position:)`` given the VPIN verdicts (`pull`: VPIN ≥ `pullAtVPIN`,
    /// `widen`: VPIN ≥ `widenAtVPIN`, each only when set). Static: an instance method called
    /// from `requote` copied the whole strategy (328 bytes) for every call.
    @inlinable
    static func quotes(top: TopOfBook, position: Int64, parameters p: MarketMakerParameters, tick tickRaw: Int64,
                       pull: Bool, widen: Bool) -> (bid: Quote?, ask: Quote?) {
        guard p.quoting, top.bid.orders != 0, top.ask.orders != 0, top.bid.shares != 0, top.ask.shares != 0,
              top.bid.price < top.ask.price
        else { return (nil, nil) }
        if pull { return (nil, nil) }
        var half = p.halfSpread.rawValue
        if widen {
            half &+= p.toxicWidening.rawValue  // both ≤ 2^40 (validated)
        }
        let bidPx = top.bid.price.rawValue, askPx = top.ask.price.rawValue
        let micro = p.fairPrice == .microprice
        var bid: Int64, ask: Int64
        if let q = quoteBounds64(bidPrice: bidPx, askPrice: askPx, bidSize: top.bid.shares, askSize: top.ask.shares,
                                 microprice: micro, half: half, position: position,
                                 skewPerShare: p.inventorySkew.rawValue, tick: tickRaw) {
            (bid, ask) = q
        } else {
            (bid, ask) = quoteBounds128(bidPrice: bidPx, askPrice: askPx, bidSize: top.bid.shares,
                                        askSize: top.ask.shares, microprice: micro, half: half, position: position,
                                        skewPerShare: p.inventorySkew.rawValue, tick: tickRaw)
        }
        let tick = tickRaw
        // Post-only quotes must not reach the other side.
        if bid >= askPx { bid = askPx &- tick }
        if ask <= bidPx { ask = bidPx &+ tick }
        let size = p.quoteSize
        // Position and quote size are far below 2^62 (quoteSize ≤ 2^32, maxPosition ≤ 2^40).
        let limit = Int64(p.maxPosition.rawValue)
        let q = Int64(size.rawValue)
        let bidQuote: Quote? = position <= limit &- q && bid > 0
            ? Quote(price: Price4(rawValue: bid), quantity: size) : nil
        let askQuote: Quote? = position >= q &- limit && ask > 0
            ? Quote(price: Price4(rawValue: ask), quantity: size) : nil
        return (bidQuote, askQuote)
    }

    /// Brings both sides' orders in line with the desired quotes.
    @inlinable
    mutating func requote<Books: BookView & ~Copyable>(books: borrowing Books, context: inout StrategyContext) {
        let top = books.topOfBook(locate: configuration.locate)
        let position = context.state.position(configuration.instrument).net
        let v = vpinVerdicts
        let wanted = Self.quotes(top: top, position: position, parameters: _parameters, tick: configuration.tickSize.rawValue,
                                 pull: v.pull, widen: v.widen)
        bidSlot = reconcile(side: .buy, slot: bidSlot, wanted: wanted.bid, context: &context)
        askSlot = reconcile(side: .sell, slot: askSlot, wanted: wanted.ask, context: &context)
    }

    @inlinable
    mutating func reconcile(side: Side, slot: QuoteSlot, wanted: Quote?, context: inout StrategyContext) -> QuoteSlot {
        var slot = slot
        let p = _parameters
        var current: WorkingOrder? = nil
        if slot.orderID.rawValue != 0 {
            if let o = context.state.workingOrder(slot.orderID) {
                current = o
            } else if slot.replacementID.rawValue != 0, let o = context.state.workingOrder(slot.replacementID) {
                slot.orderID = slot.replacementID
                slot.replacementID = OrderID(0)
                current = o
            } else {
                slot = QuoteSlot(orderID: OrderID(0))
            }
        }
        guard let current else {
            guard let wanted else { return slot }
            guard context.state.workingOrderCount < Int(p.maxWorkingOrders) else {
                _counters.limitedByWorkingOrders &+= 1
                return slot
            }
            guard !crossesOurOwn(side: side, price: wanted.price, excluding: OrderID(0), ownOrders: context.ownOrders) else {
                return slot
            }
            guard orderToken(context: &context) else { return slot }
            if let id = context.submitNew(instrument: configuration.instrument, venue: configuration.venue, side: side,
                                          price: wanted.price, quantity: wanted.quantity, timeInForce: .day,
                                          postOnly: true) {
                slot = QuoteSlot(orderID: id)
                _counters.newQuotes &+= 1
                orderBucket.take(p.orderRate)
            }
            return slot
        }
        // The replace is promoted under the replacement's ID by the state once acknowledged.
        if current.status == .pendingReplace { slot.replacementID = current.replacementID }
        guard current.status == .working else { return slot }  // a request is in flight: wait for its answer
        guard let wanted else {
            if context.submitCancel(current.orderID) { _counters.cancels &+= 1 }
            return slot
        }
        let moved = (wanted.price.rawValue &- current.price.rawValue).magnitude
        if moved > UInt64(p.requoteThreshold.rawValue) || wanted.quantity.rawValue != current.quantity.rawValue {
            guard !crossesOurOwn(side: side, price: wanted.price, excluding: current.orderID, ownOrders: context.ownOrders) else {
                return slot
            }
            guard orderToken(context: &context) else { return slot }
            if let newID = context.submitReplace(current.orderID, price: wanted.price, quantity: wanted.quantity) {
                slot.replacementID = newID
                _counters.replaces &+= 1
                orderBucket.take(p.orderRate)
            }
        } else if moved != 0 {
            _counters.requotesSuppressed &+= 1
        }
        return slot
    }
}

extension MarketMaker {
    /// Whether a quote at `price` would trade against one of the lane's own resting orders at the
    /// maker's venue (another strategy's, or a client's): risk would refuse it as a self-match.
    /// Counted; the side keeps its current order (or stays empty) until the price is clear.
    /// Takes the view, not the context: a borrowed context was copied (176 bytes) for the call.
    @inlinable @inline(__always)
    mutating func crossesOurOwn(side: Side, price: Price4, excluding: OrderID, ownOrders: OwnOrdersView) -> Bool {
        // `case .some`, not `!= nil`: the latter calls OrderID's `==`, opaque across modules.
        guard case .some = ownOrders.firstSelfMatch(instrument: configuration.instrument, venue: configuration.venue,
                                                     side: side, price: price, excluding: excluding)
        else { return false }
        _counters.heldBackSelfMatch &+= 1
        return true
    }

    /// Whether `orderRate` has a token now (refilling first; takes none). If not, counts the
    /// hold-back and asks for a timer when the next token will have accrued.
    @inlinable @inline(__always)
    mutating func orderToken(context: inout StrategyContext) -> Bool {
        let limit = _parameters.orderRate
        let now = context.now.nanoseconds
        if orderBucket.available(limit, now: now) { return true }
        _counters.limitedByRate &+= 1
        // One token accrues every 10^9 / perSecond ns; a 1 ns floor, and no division by zero
        // (a validated limited rate has perSecond ≥ 1).
        let wait = Swift.max(1_000_000_000 / UInt64(Swift.max(limit.perSecond, 1)), 1)
        context.scheduleTimer(at: Timestamp(nanoseconds: now &+ wait))
        return false
    }
}

/// A price and size to quote.
@frozen
public struct Quote: Sendable, Equatable, BitwiseCopyable {
    public var price: Price4
    public var quantity: Quantity
    @inlinable
    public init(price: Price4, quantity: Quantity) {
        self.price = price
        self.quantity = quantity
    }
}

/// One side's order: the working order's ID, and a replacement's while one is in flight.
@frozen @usableFromInline
struct QuoteSlot: BitwiseCopyable {
    @usableFromInline var orderID: OrderID
    @usableFromInline var replacementID: OrderID
    // No default argument: a default's generator is an opaque call on the lane.
    @inlinable init(orderID: OrderID) {
        self.orderID = orderID
        replacementID = OrderID(0)
    }
}

/// Counts of what a ``MarketMaker`` did.
@frozen
public struct MarketMakerCounters: Sendable, Equatable, BitwiseCopyable {
    public var newQuotes: UInt64 = 0
    public var replaces: UInt64 = 0
    public var cancels: UInt64 = 0
    /// Book changes that moved a desired quote by no more than `requoteThreshold` (no message sent).
    public var requotesSuppressed: UInt64 = 0
    /// New quotes not sent because `maxWorkingOrders` orders were open.
    public var limitedByWorkingOrders: UInt64 = 0
    /// New quotes and replaces held back because `orderRate` had no token (sent later, on a timer).
    public var limitedByRate: UInt64 = 0
    /// New quotes and replaces not sent because their price would trade against one of the lane's
    /// own resting orders at the venue (risk would refuse them as self-matches).
    public var heldBackSelfMatch: UInt64 = 0
    public var fills: UInt64 = 0
    public var rejects: UInt64 = 0
    public var parameterChanges: UInt64 = 0
    @inlinable public init() {}
}

/// Bid and ask before the passivity clamp, when every intermediate fits in `Int64` (mid
/// always does; microprice unless price × size is beyond ~9.2 × 10^18), else `nil`. Two
/// 64-bit divisions; the 128-bit fallback costs library calls.
@inlinable
func quoteBounds64(bidPrice: Int64, askPrice: Int64, bidSize: UInt64, askSize: UInt64, microprice: Bool, half: Int64,
                   position: Int64, skewPerShare: Int64, tick: Int64) -> (bid: Int64, ask: Int64)? {
    // Each step reports overflow; any one sends the caller to the 128-bit path.
    let num: Int64, den: Int64
    if microprice {
        guard bidSize <= UInt64(Int64.max), askSize <= UInt64(Int64.max) else { return nil }
        let bs = Int64(bidSize), asz = Int64(askSize)
        let x = bidPrice.multipliedReportingOverflow(by: asz)
        let y = askPrice.multipliedReportingOverflow(by: bs)
        let n = x.partialValue.addingReportingOverflow(y.partialValue)
        let d = bs.addingReportingOverflow(asz)
        if x.overflow || y.overflow || n.overflow || d.overflow { return nil }
        num = n.partialValue
        den = d.partialValue
    } else {
        let n = bidPrice.addingReportingOverflow(askPrice)
        if n.overflow { return nil }
        num = n.partialValue
        den = 2
    }
    let skew = position.multipliedReportingOverflow(by: skewPerShare)
    if skew.overflow { return nil }
    let lowOffset = half.addingReportingOverflow(skew.partialValue)
    let highOffset = half.subtractingReportingOverflow(skew.partialValue)
    if lowOffset.overflow || highOffset.overflow { return nil }
    let lowScaled = lowOffset.partialValue.multipliedReportingOverflow(by: den)
    let highScaled = highOffset.partialValue.multipliedReportingOverflow(by: den)
    let step = den.multipliedReportingOverflow(by: tick)
    if lowScaled.overflow || highScaled.overflow || step.overflow || step.partialValue <= 0 { return nil }
    let low = num.subtractingReportingOverflow(lowScaled.partialValue)
    let high = num.addingReportingOverflow(highScaled.partialValue)
    if low.overflow || high.overflow { return nil }
    // |low / step| ≤ |low| / tick, so multiplying back by tick cannot overflow.
    return (floorDivide64(low.partialValue, step.partialValue) &* tick,
            ceilDivide64(high.partialValue, step.partialValue) &* tick)
}

/// The same in 128-bit arithmetic, exact for every validated input; results are clamped to
/// the Int64 range (such a quote is refused as non-positive or never reached in practice).
@inlinable
func quoteBounds128(bidPrice: Int64, askPrice: Int64, bidSize: UInt64, askSize: UInt64, microprice: Bool, half: Int64,
                    position: Int64, skewPerShare: Int64, tick: Int64) -> (bid: Int64, ask: Int64) {
    let bidPx = Int128(bidPrice), askPx = Int128(askPrice)
    let num: Int128, den: Int128
    if microprice {
        let bs = Int128(bidSize), asz = Int128(askSize)
        num = bidPx * asz + askPx * bs
        den = bs + asz
    } else {
        num = bidPx + askPx
        den = 2
    }
    let skew = Int128(position) * Int128(skewPerShare)
    let t = Int128(tick)
    let bid = floorDivide(num - (Int128(half) + skew) * den, den * t) * t
    let ask = ceilDivide(num + (Int128(half) - skew) * den, den * t) * t
    return (clampToInt64(bid), clampToInt64(ask))
}

@inlinable
func clampToInt64(_ x: Int128) -> Int64 {
    x > Int128(Int64.max) ? Int64.max : x < Int128(Int64.min) ? Int64.min : Int64(x)
}

@inlinable
func floorDivide64(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q &- 1 : q
}

@inlinable
func ceilDivide64(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) == (b < 0)) ? q &+ 1 : q
}

@inlinable
func floorDivide(_ a: Int128, _ b: Int128) -> Int128 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

@inlinable
func ceilDivide(_ a: Int128, _ b: Int128) -> Int128 {
    let q = a / b
    return (a % b != 0 && (a < 0) == (b < 0)) ? q + 1 : q
}
