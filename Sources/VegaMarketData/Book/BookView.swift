import VegaCore

/// One aggregated price level: its price, the shares displayed there and how many orders.
/// An absent level (empty side, or deeper than the book) reads as all zeros.
@frozen
public struct BookLevel: Sendable, Equatable, BitwiseCopyable, CustomStringConvertible {
    public var price: Price4
    public var shares: UInt64
    public var orders: UInt32

    @inlinable
    public init(price: Price4, shares: UInt64, orders: UInt32) {
        self.price = price
        self.shares = shares
        self.orders = orders
    }

    @inlinable public static var empty: BookLevel { BookLevel(price: .zero, shares: 0, orders: 0) }

    public var description: String { "\(price.rawValue)x\(shares)(\(orders))" }
}

/// Best bid and offer of one instrument. An empty side is price 0, size 0, 0 orders (the CSV
/// convention of `vega feed book --top-of-book`).
@frozen
public struct TopOfBook: Sendable, Equatable, BitwiseCopyable, CustomStringConvertible {
    public var bid: BookLevel
    public var ask: BookLevel

    @inlinable
    public init(bid: BookLevel, ask: BookLevel) {
        self.bid = bid
        self.ask = ask
    }

    @inlinable public var bidPrice: Price4 { bid.price }
    @inlinable public var bidSize: UInt64 { bid.shares }
    @inlinable public var bidOrders: UInt32 { bid.orders }
    @inlinable public var askPrice: Price4 { ask.price }
    @inlinable public var askSize: UInt64 { ask.shares }
    @inlinable public var askOrders: UInt32 { ask.orders }

    /// Both sides present and the bid at or above the ask. ITCH can show this transiently
    /// (e.g. around crosses); the books keep both sides as sent and report it.
    @inlinable public var isCrossed: Bool {
        bid.orders != 0 && ask.orders != 0 && bid.price >= ask.price
    }

    public var description: String { "\(bid) / \(ask)" }
}

/// What a strategy reads from a book, whichever way it was built: from ITCH order by order
/// (``OrderBooks``) or from the FPGA's decoded L2 events (``L2Book``).
///
/// Every requirement is a lane call: O(1), no allocation, no lock. Conformers mark them
/// `@inlinable` so a strategy generic over `BookView` specialises.
public protocol BookView: ~Copyable {
    /// Best bid and offer of `locate`; all zeros for an unknown instrument or empty sides.
    func topOfBook(locate: UInt16) -> TopOfBook
    /// The `index`-th level of `side` (0 = best), or `nil` when the side has fewer levels.
    func level(locate: UInt16, side: Side, index: Int) -> BookLevel?
    /// Number of levels on `side` (for an L2 book: of those it holds, at most its depth).
    func levelCount(locate: UInt16, side: Side) -> Int
}
