import VegaCore
import VegaMarketData

/// A trading strategy the lane runs: it sees events, the books (read-only) and its own state,
/// and answers with order intents written through its ``StrategyContext``.
///
/// The lane (``StrategyHost``) is generic over the strategy and the books, so every call is
/// statically dispatched and specialised: no existentials, no allocation. Implementations
/// mark their methods `@inlinable` for the same reason, and must not allocate, lock or block:
/// each call is on the lane's critical path, between a market-data packet and the order it
/// may cause.
///
/// Before a call, the lane has already applied the event to ``StrategyContext/state`` (a fill
/// has moved the position and the order's open shares; a cancel has removed the order), and
/// has handed the strategy any parameters published since the previous event
/// (``apply(parameters:)``). Events the strategy does not implement default to doing nothing.
public protocol Strategy: ~Copyable {
    /// The strategy's run-time parameters: published off the lane through a
    /// ``ParameterChannel``, validated there, picked up between events.
    associatedtype Parameters: StrategyParameters

    /// Takes newly published (already validated) parameters. Called on the lane before the
    /// next event; the strategy acts on them in that event's handler.
    mutating func apply(parameters: Parameters)

    /// The book of `event.locate` changed.
    mutating func onBookUpdate<Books: BookView & ~Copyable>(
        _ event: BookUpdateEvent, books: borrowing Books, context: inout StrategyContext)
    /// A trade printed.
    mutating func onTrade<Books: BookView & ~Copyable>(
        _ event: TradeEvent, books: borrowing Books, context: inout StrategyContext)
    /// A new order or a replacement was acknowledged.
    mutating func onAcknowledged<Books: BookView & ~Copyable>(
        _ event: OrderAcknowledged, books: borrowing Books, context: inout StrategyContext)
    /// One of the strategy's orders executed.
    mutating func onFill<Books: BookView & ~Copyable>(
        _ event: OrderFilled, books: borrowing Books, context: inout StrategyContext)
    /// A request was refused.
    mutating func onReject<Books: BookView & ~Copyable>(
        _ event: OrderRejected, books: borrowing Books, context: inout StrategyContext)
    /// An order is gone (cancelled, expired).
    mutating func onCanceled<Books: BookView & ~Copyable>(
        _ event: OrderCanceled, books: borrowing Books, context: inout StrategyContext)
    /// The strategy's timer fired; `now` is lane monotonic time.
    mutating func onTimer<Books: BookView & ~Copyable>(
        now: Timestamp<Monotonic>, books: borrowing Books, context: inout StrategyContext)
}

extension Strategy where Self: ~Copyable {
    @inlinable
    public mutating func onTrade<Books: BookView & ~Copyable>(
        _ event: TradeEvent, books: borrowing Books, context: inout StrategyContext) {}
    @inlinable
    public mutating func onAcknowledged<Books: BookView & ~Copyable>(
        _ event: OrderAcknowledged, books: borrowing Books, context: inout StrategyContext) {}
    @inlinable
    public mutating func onFill<Books: BookView & ~Copyable>(
        _ event: OrderFilled, books: borrowing Books, context: inout StrategyContext) {}
    @inlinable
    public mutating func onReject<Books: BookView & ~Copyable>(
        _ event: OrderRejected, books: borrowing Books, context: inout StrategyContext) {}
    @inlinable
    public mutating func onCanceled<Books: BookView & ~Copyable>(
        _ event: OrderCanceled, books: borrowing Books, context: inout StrategyContext) {}
    @inlinable
    public mutating func onTimer<Books: BookView & ~Copyable>(
        now: Timestamp<Monotonic>, books: borrowing Books, context: inout StrategyContext) {}
}
