import VegaCore
import VegaTrading

/// `[[instruments]]`: a tradable instrument and the venues it trades on.
public struct InstrumentConfiguration: Sendable, Equatable {
    /// `symbol`: 1...8 characters of A-Z, 0-9 and `.` (the ITCH stock symbol); unique.
    public var symbol: String
    /// `id`: 1...65535, unique: the lane's instrument number (risk tables, positions) and, through
    /// ``InstrumentID/bookLocate``, a book number.
    public var id: InstrumentID
    /// `tick`: the price grid, Price4 (> 0; the file gives dollars).
    public var tick: Price4
    /// `lot`: orders are multiples of this many shares (1...1,000,000).
    public var lot: UInt64
    /// `reference_price`: the simulated venue's start price and the collar's fallback reference
    /// (> 0, a multiple of ``tick``).
    public var referencePrice: Price4
    /// `venues`: names from `[[venues]]`, at least one, no repeats, in file order.
    public var venues: [String]

    public init(symbol: String, id: InstrumentID, tick: Price4, lot: UInt64, referencePrice: Price4, venues: [String]) {
        self.symbol = symbol
        self.id = id
        self.tick = tick
        self.lot = lot
        self.referencePrice = referencePrice
        self.venues = venues
    }
}

/// `[[lanes]]`: one pinned thread and the instruments it owns.
public struct LaneConfiguration: Sendable, Equatable {
    /// `poll` (+ `sleep_us`): what the lane does when its queues are empty.
    public enum Poll: Sendable, Equatable {
        /// Spin (the default): lowest latency, one core at 100 %.
        case busy
        /// Sleep this many nanoseconds (the file gives `sleep_us`, 1...1,000,000 µs).
        case sleep(nanoseconds: UInt64)
    }

    /// `name`: unique.
    public var name: String
    /// `core`: the CPU to pin the thread to; `nil` (omitted) leaves it unpinned. Checked at load
    /// to be below the number of online CPUs and not shared with another lane.
    public var core: Int?
    public var poll: Poll
    /// `instruments`: symbols, each on exactly one lane.
    public var instruments: [String]
    /// The lane's books, one per (instrument, venue it trades on), numbered from the file:
    /// instruments in this lane's `instruments` order, each instrument's venues in its `venues`
    /// order; `books[i].locate == i + 1`. Strategies' configurations use these locates.
    public var books: [LaneBook]

    public init(name: String, core: Int? = nil, poll: Poll = .busy, instruments: [String], books: [LaneBook]) {
        self.name = name
        self.core = core
        self.poll = poll
        self.instruments = instruments
        self.books = books
    }

    /// The locate of `instrument`'s book on `venue` in this lane, if it has one.
    public func locate(instrument: InstrumentID, venue: VenueID) -> UInt16? {
        books.first { $0.instrument == instrument && $0.venue == venue }?.locate
    }
}

/// One book of a lane: an instrument on one venue, and its number in the lane's `BookView`.
public struct LaneBook: Sendable, Equatable {
    public var instrument: InstrumentID
    public var symbol: String
    public var venue: VenueID
    /// 1...65535; the lane's books are numbered 1, 2, … in ``LaneConfiguration/books`` order.
    public var locate: UInt16

    public init(instrument: InstrumentID, symbol: String, venue: VenueID, locate: UInt16) {
        self.instrument = instrument
        self.symbol = symbol
        self.venue = venue
        self.locate = locate
    }
}
