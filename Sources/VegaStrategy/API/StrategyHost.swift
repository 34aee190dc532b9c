import VegaCore
import VegaMarketData

/// Runs one strategy on the lane: picks up published parameters between events, keeps the
/// strategy's own state up to date from the venue's answers, and calls the strategy.
///
/// After each call the requests are in `context.intents`; the lane hands them to risk and the
/// OMS, and the next call starts with an empty buffer (so intents the lane did not take are
/// dropped, never sent twice). Generic over the strategy and (per call) the books: fully
/// specialised, no existentials. Every method is a lane call: no allocation, no lock; its cost
/// is the strategy's plus a parameter poll (one atomic load when nothing changed).
public struct StrategyHost<S: Strategy & ~Copyable>: ~Copyable {
    public var strategy: S
    public var context: StrategyContext
    @usableFromInline var parameters: ParameterSubscription<S.Parameters>
    @usableFromInline var _parameterChanges: UInt64

    /// Parameter sets applied since creation (the initial one included).
    @inlinable public var parameterChanges: UInt64 { _parameterChanges }
    /// The version of the parameters the strategy runs with.
    @inlinable public var parameterVersion: UInt64 { parameters.version }

    /// Hosts `strategy`, handing it the channel's current parameters at once.
    public init(strategy: consuming S, context: consuming StrategyContext, parameters: ParameterChannel<S.Parameters>) {
        self.strategy = strategy
        self.context = context
        self.parameters = ParameterSubscription(parameters)
        _parameterChanges = 0
        while parameters.version > self.parameters.version { refreshParameters() }
    }

    @inlinable
    mutating func refreshParameters() {
        if let p = parameters.poll() {
            strategy.apply(parameters: p)
            _parameterChanges &+= 1
        }
    }

    @inlinable
    mutating func begin() {
        context.intents.removeAll()
        refreshParameters()
    }

    /// A book changed.
    @inlinable
    public mutating func onBookUpdate<Books: BookView & ~Copyable>(_ event: BookUpdateEvent, books: borrowing Books) {
        begin()
        strategy.onBookUpdate(event, books: books, context: &context)
    }

    /// A trade printed.
    @inlinable
    public mutating func onTrade<Books: BookView & ~Copyable>(_ event: TradeEvent, books: borrowing Books) {
        begin()
        strategy.onTrade(event, books: books, context: &context)
    }

    /// The venue acknowledged an order or replacement.
    @inlinable
    public mutating func onAcknowledged<Books: BookView & ~Copyable>(_ event: OrderAcknowledged, books: borrowing Books) {
        begin()
        context._state.applyAcknowledged(event.orderID)
        strategy.onAcknowledged(event, books: books, context: &context)
    }

    /// One of the strategy's orders executed.
    @inlinable
    public mutating func onFill<Books: BookView & ~Copyable>(_ event: OrderFilled, books: borrowing Books) {
        begin()
        context._state.applyFill(event)
        strategy.onFill(event, books: books, context: &context)
    }

    /// A request was refused (by risk, the venue or the lane).
    @inlinable
    public mutating func onReject<Books: BookView & ~Copyable>(_ event: OrderRejected, books: borrowing Books) {
        begin()
        context._state.applyRejected(event)
        strategy.onReject(event, books: books, context: &context)
    }

    /// An order is gone without (further) execution.
    @inlinable
    public mutating func onCanceled<Books: BookView & ~Copyable>(_ event: OrderCanceled, books: borrowing Books) {
        begin()
        context._state.applyCanceled(event.orderID)
        strategy.onCanceled(event, books: books, context: &context)
    }

    /// The strategy's timer (see ``StrategyContext/timerDeadline``, cleared before the call).
    @inlinable
    public mutating func onTimer<Books: BookView & ~Copyable>(now: Timestamp<Monotonic>, books: borrowing Books) {
        begin()
        context._timerDeadline = 0
        strategy.onTimer(now: now, books: books, context: &context)
    }

    /// Any event, by kind (for replay and for lanes that queue events as values).
    @inlinable
    public mutating func handle<Books: BookView & ~Copyable>(_ event: StrategyEvent, books: borrowing Books) {
        switch event {
        case .book(let e): onBookUpdate(e, books: books)
        case .trade(let e): onTrade(e, books: books)
        case .acknowledged(let e): onAcknowledged(e, books: books)
        case .filled(let e): onFill(e, books: books)
        case .rejected(let e): onReject(e, books: books)
        case .canceled(let e): onCanceled(e, books: books)
        case .timer(let now): onTimer(now: now, books: books)
        }
    }
}
