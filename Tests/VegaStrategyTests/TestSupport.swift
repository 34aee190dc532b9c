import VegaCore
import VegaMarketData
import VegaStrategy
import VegaTrading

typealias Books = OrderBooks<NoBookOutput>

func times(_ n: UInt64 = 1) -> EventTimes { EventTimes(exchange: Timestamp(nanoseconds: n)) }
func now(_ n: UInt64 = 1) -> Timestamp<Monotonic> { Timestamp(nanoseconds: n) }
func px(_ raw: Int64) -> Price4 { Price4(rawValue: raw) }
func qty(_ n: UInt64) -> Quantity { Quantity(n) }

/// Order-by-order books (the lane's real books) with `locates` defined, built through the
/// same sink calls the ITCH handler makes.
func makeBooks(_ locates: [UInt16] = [7]) -> Books {
    var books = OrderBooks(configuration: BookConfiguration(maxInstruments: 4, maxOrders: 256, maxLevels: 256,
                                                            maxLevelsPerSide: 32),
                           output: NoBookOutput())
    for l in locates {
        _ = books.defineInstrument(locate: l, symbol: Symbol("S\(l)")!, roundLot: 100, times: times(0))
    }
    return books
}

extension OrderBooks where Output == NoBookOutput {
    /// Adds an order (reference `ref`) and expects the book to accept it.
    mutating func add(_ ref: UInt64, _ side: Side, _ shares: UInt32, _ price: Int64, locate: UInt16 = 7) {
        let r = addOrder(locate: locate, reference: ref, side: side, shares: shares, price: px(price), attribution: 0,
                         times: times())
        precondition(r == nil, "test book refused add \(ref): \(String(describing: r))")
    }

    mutating func delete(_ ref: UInt64, locate: UInt16 = 7) {
        let r = deleteOrder(locate: locate, reference: ref, times: times())
        precondition(r == nil, "test book refused delete \(ref): \(String(describing: r))")
    }
}

extension IntentBuffer {
    /// The intents as an array (tests only: allocates).
    var all: [OrderIntent] { withIntents { Array($0) } }
}

extension StrategyHost where S: ~Copyable {
    var intents: [OrderIntent] { context.intents.all }
}

// Swift Testing's #expect/#require capture a function call's receiver by copy, which a
// ~Copyable host cannot give: these read the host into plain values first.
extension StrategyHost where S: ~Copyable {
    subscript(order id: OrderID) -> WorkingOrder? { context.state.workingOrder(id) }
    subscript(position i: InstrumentID) -> StrategyPosition { context.state.position(i) }
    var openOrders: Int { context.state.workingOrderCount }
    var orders: [WorkingOrder] { (0..<context.state.workingOrderCount).map { context.state.workingOrder(at: $0) } }
}
