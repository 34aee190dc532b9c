import VegaCore
import VegaMarketData

/// Times whose exchange stamp is `n` ns, so tests can tell which message an update came from.
func bookTimes(_ n: UInt64 = 1) -> EventTimes {
    EventTimes(exchange: Timestamp(nanoseconds: n), nicNanoseconds: n &+ 1_000, kernelNanoseconds: n &+ 2_000,
               hasNIC: true, hasKernel: true)
}

func px(_ raw: Int64) -> Price4 { Price4(rawValue: raw) }

let aaplLocate: UInt16 = 7
let msft: UInt16 = 9

/// Small books with one or two instruments defined, recording updates.
func makeBooks(maxOrders: Int = 64, maxLevels: Int = 64, maxLevelsPerSide: Int = 16, define: [UInt16] = [aaplLocate])
    -> OrderBooks<BookUpdateBuffer>
{
    var books = OrderBooks(configuration: BookConfiguration(maxInstruments: 4, maxOrders: maxOrders, maxLevels: maxLevels,
                                                            maxLevelsPerSide: maxLevelsPerSide),
                           output: BookUpdateBuffer(capacity: 256))
    for l in define {
        _ = books.defineInstrument(locate: l, symbol: Symbol("S\(l)")!, roundLot: 100, times: bookTimes(0))
    }
    return books
}

extension OrderBooks where Output: ~Copyable {
    @discardableResult
    mutating func add(_ ref: UInt64, _ side: Side, _ shares: UInt32, _ price: Int64, locate: UInt16 = aaplLocate, t: UInt64 = 1)
        -> BookReject?
    {
        addOrder(locate: locate, reference: ref, side: side, shares: shares, price: px(price), attribution: 0, times: bookTimes(t))
    }

    func top(_ locate: UInt16 = aaplLocate) -> TopOfBook { topOfBook(locate: locate) }

    func levels(_ side: Side, _ locate: UInt16 = aaplLocate) -> [BookLevel] {
        (0..<levelCount(locate: locate, side: side)).map { level(locate: locate, side: side, index: $0)! }
    }
}

func lvl(_ price: Int64, _ shares: UInt64, _ orders: UInt32) -> BookLevel {
    BookLevel(price: px(price), shares: shares, orders: orders)
}

extension BookUpdateBuffer {
    var all: [BookUpdate] { withUpdates { Array($0) } }
}
