import VegaCore
import VegaMarketData
import VegaStrategy
import VegaTrading

let mmInstrument = InstrumentID(1)
let mmVenue = VenueID(1)
let mmLocate: UInt16 = 7
let mmStrategy = StrategyID(1)
let mmAccount = AccountID(5)

/// The `n`-th order ID a strategy with ID 1 hands out.
func oid(_ n: UInt64) -> OrderID { OrderID(1 << 48 | n) }

/// A market maker on a lane: real order-by-order books (built with the ITCH handler's sink
/// calls), the host, and the parameter channel a control thread would publish to.
struct MarketMakerRig: ~Copyable {
    var books: Books
    var host: StrategyHost<MarketMaker>
    let channel: ParameterChannel<MarketMakerParameters>
    var nextReference: UInt64 = 1

    init(_ parameters: MarketMakerParameters, vpinBucketVolume: UInt64 = 100, vpinBucketCount: Int = 2,
         intentCapacity: Int = 8) throws {
        books = makeBooks([mmLocate])
        channel = try ParameterChannel(parameters)
        let configuration = MarketMakerConfiguration(instrument: mmInstrument, locate: mmLocate, venue: mmVenue,
                                                     tickSize: px(100), vpinBucketVolume: vpinBucketVolume,
                                                     vpinBucketCount: vpinBucketCount)
        host = StrategyHost(strategy: MarketMaker(configuration: configuration, parameters: parameters),
                            context: StrategyContext(strategyID: mmStrategy, account: mmAccount,
                                                     intentCapacity: intentCapacity),
                            parameters: channel)
    }

    var intents: [OrderIntent] { host.intents }
    var counters: MarketMakerCounters { host.strategy.counters }

    /// Adds a resting order to the book and tells the strategy; returns its reference.
    @discardableResult
    mutating func add(_ side: Side, _ shares: UInt32, _ price: Int64) -> UInt64 {
        let ref = nextReference
        nextReference += 1
        books.add(ref, side, shares, price, locate: mmLocate)
        bookEvent()
        return ref
    }

    mutating func delete(_ ref: UInt64) {
        books.delete(ref, locate: mmLocate)
        bookEvent()
    }

    mutating func bookEvent() { host.onBookUpdate(BookUpdateEvent(locate: mmLocate, venue: mmVenue, times: times()), books: books) }
    mutating func ack(_ id: OrderID) { host.onAcknowledged(OrderAcknowledged(orderID: id, now: now()), books: books) }
    mutating func fill(_ id: OrderID, _ q: UInt64, _ price: Int64, leaves: UInt64) {
        host.onFill(OrderFilled(orderID: id, quantity: qty(q), price: px(price), leaves: qty(leaves), now: now()), books: books)
    }
    mutating func canceled(_ id: OrderID) { host.onCanceled(OrderCanceled(orderID: id, now: now()), books: books) }
    mutating func reject(_ id: OrderID, _ request: OrderIntent.Kind, replacement: OrderID = OrderID(0)) {
        host.onReject(OrderRejected(orderID: id, replacementID: replacement, request: request, source: .venue, now: now()),
                      books: books)
    }
    mutating func trade(_ shares: UInt64, _ price: Int64, aggressor: Side?) {
        host.onTrade(TradeEvent(locate: mmLocate, venue: mmVenue, price: px(price), shares: shares, aggressor: aggressor,
                                times: times()), books: books)
    }
}

func quote(_ side: Side, _ price: Int64, _ q: UInt64, _ id: OrderID) -> OrderIntent {
    OrderIntent(kind: .new, side: side, timeInForce: .day, postOnly: true, venue: mmVenue, account: mmAccount,
                strategy: mmStrategy, instrument: mmInstrument, price: px(price), quantity: qty(q), orderID: id)
}

func requote(_ side: Side, _ id: OrderID, to price: Int64, _ q: UInt64, newID: OrderID) -> OrderIntent {
    OrderIntent(kind: .replace, side: side, timeInForce: .day, postOnly: true, venue: mmVenue, account: mmAccount,
                strategy: mmStrategy, instrument: mmInstrument, price: px(price), quantity: qty(q), orderID: id,
                newOrderID: newID)
}

func cancel(_ side: Side, _ id: OrderID, price: Int64, leaves: UInt64) -> OrderIntent {
    OrderIntent(kind: .cancel, side: side, timeInForce: .day, postOnly: true, venue: mmVenue, account: mmAccount, strategy: mmStrategy,
                instrument: mmInstrument, price: px(price), quantity: qty(leaves), orderID: id)
}
