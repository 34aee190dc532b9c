import VegaCore
import VegaMarketData
import VegaTrading

/// Instrument 1 (book locate 1) at venue 0, account 0, strategy 0 unless a test says otherwise.
let inst = InstrumentID(1)
let acct = AccountID(0)
let strat = StrategyID(0)
let smallCapacity = TradingCapacity(instruments: 8, accounts: 4, strategies: 4, venues: 4, openOrders: 64,
                                    execIDHistory: 64, finishedOrderHistory: 64, positionRecords: 64)

/// Price in whole currency units → Price4.
func px(_ units: Double) -> Price4 { Price4(rawValue: Int64((units * 10_000).rounded())) }

func times() -> EventTimes { EventTimes(exchange: Timestamp(nanoseconds: 0)) }

/// Real order books with instrument `locate` defined and the given resting orders
/// (price in currency units, shares).
func makeBook(locate: UInt16 = 1, bids: [(Double, UInt32)] = [], asks: [(Double, UInt32)] = []) -> OrderBooks<NoBookOutput> {
    var b = OrderBooks(configuration: BookConfiguration(maxInstruments: 8, maxOrders: 64, maxLevels: 64, maxLevelsPerSide: 16))
    _ = b.defineInstrument(locate: locate, symbol: Symbol(raw: 0x4142_4344_2020_2020), roundLot: 100, times: times())
    var ref: UInt64 = 1
    for (p, q) in bids {
        _ = b.addOrder(locate: locate, reference: ref, side: .buy, shares: q, price: px(p), attribution: 0, times: times())
        ref += 1
    }
    for (p, q) in asks {
        _ = b.addOrder(locate: locate, reference: ref, side: .sell, shares: q, price: px(p), attribution: 0, times: times())
        ref += 1
    }
    return b
}

/// A book with a 99.99 / 100.01 market in instrument 1.
func normalBook() -> OrderBooks<NoBookOutput> { makeBook(bids: [(99.99, 500)], asks: [(100.01, 500)]) }

func newOrder(_ id: UInt64, _ side: Side = .buy, price: Double = 100.00, qty: UInt64 = 100,
              instrument: InstrumentID = inst, account: AccountID = acct, strategy: StrategyID = strat,
              venue: VenueID = VenueID(0), postOnly: Bool = false) -> OrderIntent {
    OrderIntent(kind: .new, side: side, postOnly: postOnly, venue: venue, account: account, strategy: strategy,
                instrument: instrument, price: px(price), quantity: Quantity(qty), orderID: OrderID(id))
}

func cancel(_ o: OrderIntent) -> OrderIntent {
    var c = o
    c.kind = .cancel
    return c
}

func replace(_ o: OrderIntent, newID: UInt64, price: Double, qty: UInt64) -> OrderIntent {
    var r = o
    r.kind = .replace
    r.newOrderID = OrderID(newID)
    r.price = px(price)
    r.quantity = Quantity(qty)
    return r
}

func core(_ limits: RiskLimits = RiskLimits(), capacity: TradingCapacity = smallCapacity, now: UInt64 = 0) -> TradingCore {
    TradingCore(channel: try! RiskLimitsChannel(capacity: capacity, limits: limits), now: now)
}

/// Runs `body` with a scratch buffer for cancel intents.
func withCancels<R>(_ count: Int = 64, _ body: (UnsafeMutableBufferPointer<OrderIntent>) -> R) -> R {
    let buffer = UnsafeMutableBufferPointer<OrderIntent>.allocate(capacity: count)
    defer { buffer.deallocate() }
    return body(buffer)
}

func ack(_ id: UInt64) -> ExecutionReport { ExecutionReport(kind: .ack, orderID: OrderID(id)) }

func fill(_ id: UInt64, exec: UInt64, qty: UInt64, price: Double, fee: Int64 = 0, venue: VenueID = VenueID(0)) -> ExecutionReport {
    ExecutionReport(kind: .fill, venue: venue, orderID: OrderID(id), execID: exec, lastQuantity: Quantity(qty),
                    lastPrice: px(price), fee: Money4(rawValue: fee))
}

extension TradingCore {
    /// Venue message with no room needed for cancels (tests that expect none).
    mutating func venue(_ r: ExecutionReport, now: UInt64 = 0) -> OMSResult {
        withCancels { onExecution(r, now: now, cancels: $0).result }
    }
}
