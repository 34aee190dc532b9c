import VegaCore

/// Builds order-by-order books from an ITCH 5.0 file in NASDAQ's file framing: the research path
/// (`vega feed book`), the reference cross-check and the benchmarks all use this one loop.
///
/// Off the lane in the sense that it owns a whole file, but the loop itself is the lane's: one
/// decode and one book call per message, no allocation after the books are built.
public struct ITCHFileBooks: ~Copyable {
    public var handler: ITCHHandler<OrderBooks<NoBookOutput>>
    /// Messages framed from the file (decoded or not).
    public private(set) var framed: UInt64 = 0
    /// Where the framing broke, if the file ends mid-frame.
    public private(set) var truncatedAt: Int?
    /// Wall time of `run`, ns (CLOCK_MONOTONIC).
    public private(set) var elapsedNanoseconds: UInt64 = 0

    public init(configuration: BookConfiguration) {
        handler = ITCHHandler(sink: OrderBooks(configuration: configuration))
    }

    /// Reads the whole file. `progress` is called every `progressEvery` messages (0: never).
    public mutating func run(path: String, progressEvery: UInt64 = 0, progress: (UInt64) -> Void = { _ in })
        throws(ITCHFileError)
    {
        var reader = try ITCHFileReader(path: path)
        let start = Timestamp<Monotonic>.now().nanoseconds
        // The file carries only exchange time; NIC and kernel stamps are absent, not zero.
        let stamps = EventTimes(exchange: Timestamp(nanoseconds: 0))
        // A countdown, not `framed % progressEvery`: no division per message in the loop.
        var untilProgress = progressEvery
        // `handleNext`: the reader's decode fast path, the look-ahead, the books (it counts a
        // truncated final frame itself).
        while true {
            let at = reader.offset
            guard let handled = handler.handleNext(&reader, stamps: stamps) else { break }
            if case .decodeRejected(.truncatedFrame) = handled {
                truncatedAt = at
                break
            }
            framed &+= 1
            if progressEvery > 0 {
                untilProgress &-= 1
                if untilProgress == 0 {
                    progress(framed)
                    untilProgress = progressEvery
                }
            }
        }
        elapsedNanoseconds = Timestamp<Monotonic>.now().nanoseconds &- start
    }

    /// The books.
    public var books: OrderBooks<NoBookOutput> {
        _read { yield handler.sink }
    }
}

/// The top of book of every instrument in the stock directory, as research users compare books:
/// `locate,symbol,bid_price,bid_size,bid_orders,ask_price,ask_size,ask_orders`, prices as ITCH
/// Price(4) integers, an empty side as 0,0,0, ordered by locate.
public enum TopOfBookCSV {
    public static let header = "locate,symbol,bid_price,bid_size,bid_orders,ask_price,ask_size,ask_orders"

    public static func rows<Output: BookOutput & ~Copyable>(_ books: borrowing OrderBooks<Output>) -> [String] {
        var out = [header]
        for locate in 0...Int(UInt16.max) {
            let l = UInt16(locate)
            guard books.isDefined(locate: l) else { continue }
            let t = books.topOfBook(locate: l)
            let symbol = books.symbol(locate: l)?.description ?? ""
            out.append("\(locate),\(symbol),\(t.bidPrice.rawValue),\(t.bidSize),\(t.bidOrders),\(t.askPrice.rawValue),\(t.askSize),\(t.askOrders)")
        }
        return out
    }
}
