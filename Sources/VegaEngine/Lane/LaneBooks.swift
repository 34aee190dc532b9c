import VegaCore
import VegaMarketData
import VegaTrading

/// One venue's feed decoded into its books: ITCH 5.0 handler over order-by-order books whose
/// updates land in a lane-local buffer the lane reads after each message.
public typealias LaneVenueBooks = ITCHHandler<OrderBooks<BookUpdateBuffer>>

/// The books of every venue of a lane, and the tables that tie them to the lane's keys.
///
/// Each venue keeps its own books in its own ITCH locates (order references of two venues
/// collide, so they cannot share one `OrderBooks`). Three tables connect them:
/// - lane locate → (venue, venue locate): what strategies read through ``LaneBookView``;
/// - (venue, venue locate) → lane locate: which strategies a venue's book update concerns;
/// - (venue, instrument) → venue locate: what risk and positions read through
///   ``VenueInstrumentBookView`` (they key books by instrument ID).
/// Venue locates are learnt from each venue's stock directory ('R' messages, matched by symbol),
/// so a venue may number its instruments however it likes.
///
/// Everything is allocated in `init`; lookups and updates are loads and stores.
public struct LaneBooks: ~Copyable {
    public let venueCount: Int
    public let instrumentCapacity: Int
    @usableFromInline let handlers: UnsafeMutablePointer<LaneVenueBooks>
    /// [lane locate] → venue << 16 | venue locate; `unmapped` until the venue defines it.
    @usableFromInline let venueLocateOfLaneLocate: UnsafeMutablePointer<UInt32>
    /// [venue << 16 | venue locate] → lane locate; 0: not one of ours.
    @usableFromInline let laneLocateOfVenueLocate: UnsafeMutablePointer<UInt16>
    /// [venue × instrumentCapacity + instrument] → venue locate + 1; 0: not defined (yet).
    @usableFromInline let venueLocateOfInstrument: UnsafeMutablePointer<UInt32>
    /// [venue × instrumentCapacity + instrument] → lane locate (static, from the setup); 0: none.
    @usableFromInline let laneLocateOfInstrument: UnsafeMutablePointer<UInt16>
    /// The lane's instruments: symbol (big-endian raw) and ID, for matching stock directories.
    @usableFromInline let symbols: UnsafeMutablePointer<UInt64>
    @usableFromInline let symbolInstruments: UnsafeMutablePointer<InstrumentID>
    @usableFromInline let symbolCount: Int
    /// Stock directory entries of our instruments seen, per venue (for reports).
    public var definitions: Int { _definitions }
    @usableFromInline var _definitions: Int = 0

    @usableFromInline static var unmapped: UInt32 { .max }

    public init(setup: LaneSetup) {
        venueCount = setup.venues.count
        instrumentCapacity = setup.capacity.instruments
        handlers = .allocate(capacity: venueCount)
        for v in 0..<venueCount {
            (handlers + v).initialize(to: ITCHHandler(sink: OrderBooks(configuration: setup.books,
                                                                        output: BookUpdateBuffer(capacity: 64))))
        }
        venueLocateOfLaneLocate = .allocate(capacity: 65_536)
        venueLocateOfLaneLocate.initialize(repeating: Self.unmapped, count: 65_536)
        laneLocateOfVenueLocate = .allocate(capacity: venueCount << 16)
        laneLocateOfVenueLocate.initialize(repeating: 0, count: venueCount << 16)
        venueLocateOfInstrument = .allocate(capacity: venueCount * instrumentCapacity)
        venueLocateOfInstrument.initialize(repeating: 0, count: venueCount * instrumentCapacity)
        laneLocateOfInstrument = .allocate(capacity: venueCount * instrumentCapacity)
        laneLocateOfInstrument.initialize(repeating: 0, count: venueCount * instrumentCapacity)
        for key in setup.bookKeys {
            laneLocateOfInstrument[Int(key.venue.rawValue) * instrumentCapacity + Int(key.instrument.rawValue)] = key.locate
        }
        symbolCount = setup.instruments.count
        symbols = .allocate(capacity: symbolCount)
        symbolInstruments = .allocate(capacity: symbolCount)
        for (n, i) in setup.instruments.enumerated() {
            (symbols + n).initialize(to: i.symbol.raw)
            (symbolInstruments + n).initialize(to: i.id)
        }
    }

    deinit {
        handlers.deinitialize(count: venueCount)
        handlers.deallocate()
        venueLocateOfLaneLocate.deallocate()
        laneLocateOfVenueLocate.deallocate()
        venueLocateOfInstrument.deallocate()
        laneLocateOfInstrument.deallocate()
        symbols.deallocate()
        symbolInstruments.deallocate()
    }

    /// Runs `body` on venue `venue`'s handler and books in place.
    @inlinable
    public mutating func withVenue<R>(_ venue: Int, _ body: (inout LaneVenueBooks) -> R) -> R {
        body(&handlers[venue])
    }

    /// The lane locate of a venue's book, 0 when it is not one of the lane's.
    @inlinable @inline(__always)
    public func laneLocate(venue: Int, venueLocate: UInt16) -> UInt16 {
        laneLocateOfVenueLocate[venue << 16 | Int(venueLocate)]
    }

    /// A stock directory entry from `venue`: if the symbol is one of ours, ties the venue's locate
    /// to the lane's keys. Returns the instrument it defined, if any. O(instruments): stock
    /// directories arrive before the open, never between ticks.
    @inlinable
    public mutating func define(venue: Int, venueLocate: UInt16, symbol: UInt64) -> InstrumentID? {
        for n in 0..<symbolCount where symbols[n] == symbol {
            let instrument = symbolInstruments[n]
            let slot = venue * instrumentCapacity + Int(instrument.rawValue)
            venueLocateOfInstrument[slot] = UInt32(venueLocate) &+ 1
            let lane = laneLocateOfInstrument[slot]
            if lane != 0 {
                laneLocateOfVenueLocate[venue << 16 | Int(venueLocate)] = lane
                venueLocateOfLaneLocate[Int(lane)] = UInt32(venue) << 16 | UInt32(venueLocate)
            }
            _definitions &+= 1
            return instrument
        }
        return nil
    }

    /// What strategies read: every book of the lane by lane locate.
    @inlinable
    public var view: LaneBookView {
        LaneBookView(handlers: handlers, venueLocateOfLaneLocate: venueLocateOfLaneLocate)
    }

    /// What risk and positions read for orders to `venue`: its books by instrument ID.
    @inlinable
    public func venueView(_ venue: Int) -> VenueInstrumentBookView {
        VenueInstrumentBookView(books: handlers + venue,
                                venueLocates: venueLocateOfInstrument + venue * instrumentCapacity,
                                instrumentCapacity: instrumentCapacity)
    }
}

/// Every book of a lane, keyed by lane locate (see ``LaneSetup``). A pair of pointers into the
/// lane's ``LaneBooks``: valid while they live, read on the lane only. O(1) reads, no allocation.
@frozen
public struct LaneBookView: BookView {
    @usableFromInline let handlers: UnsafeMutablePointer<LaneVenueBooks>
    @usableFromInline let venueLocateOfLaneLocate: UnsafeMutablePointer<UInt32>

    @inlinable
    init(handlers: UnsafeMutablePointer<LaneVenueBooks>, venueLocateOfLaneLocate: UnsafeMutablePointer<UInt32>) {
        self.handlers = handlers
        self.venueLocateOfLaneLocate = venueLocateOfLaneLocate
    }

    @inlinable @inline(__always)
    public func topOfBook(locate: UInt16) -> TopOfBook {
        let packed = venueLocateOfLaneLocate[Int(locate)]
        guard packed != LaneBooks.unmapped else { return TopOfBook(bid: .empty, ask: .empty) }
        return handlers[Int(packed >> 16)].sink.topOfBook(locate: UInt16(truncatingIfNeeded: packed))
    }

    @inlinable
    public func level(locate: UInt16, side: Side, index: Int) -> BookLevel? {
        let packed = venueLocateOfLaneLocate[Int(locate)]
        guard packed != LaneBooks.unmapped else { return nil }
        return handlers[Int(packed >> 16)].sink.level(locate: UInt16(truncatingIfNeeded: packed), side: side, index: index)
    }

    @inlinable
    public func levelCount(locate: UInt16, side: Side) -> Int {
        let packed = venueLocateOfLaneLocate[Int(locate)]
        guard packed != LaneBooks.unmapped else { return 0 }
        return handlers[Int(packed >> 16)].sink.levelCount(locate: UInt16(truncatingIfNeeded: packed), side: side)
    }
}

/// One venue's books keyed by ``VegaTrading/InstrumentID`` (as ``VegaTrading/InstrumentID/bookLocate``):
/// the book risk checks an order to that venue against, and positions are marked from.
@frozen
public struct VenueInstrumentBookView: BookView {
    @usableFromInline let books: UnsafeMutablePointer<LaneVenueBooks>
    @usableFromInline let venueLocates: UnsafeMutablePointer<UInt32>
    @usableFromInline let instrumentCapacity: Int

    @inlinable
    init(books: UnsafeMutablePointer<LaneVenueBooks>, venueLocates: UnsafeMutablePointer<UInt32>, instrumentCapacity: Int) {
        self.books = books
        self.venueLocates = venueLocates
        self.instrumentCapacity = instrumentCapacity
    }

    @inlinable @inline(__always)
    func venueLocate(_ instrument: UInt16) -> UInt16? {
        guard Int(instrument) < instrumentCapacity else { return nil }
        let v = venueLocates[Int(instrument)]
        return v == 0 ? nil : UInt16(truncatingIfNeeded: v &- 1)
    }

    @inlinable @inline(__always)
    public func topOfBook(locate: UInt16) -> TopOfBook {
        guard let l = venueLocate(locate) else { return TopOfBook(bid: .empty, ask: .empty) }
        return books.pointee.sink.topOfBook(locate: l)
    }

    @inlinable
    public func level(locate: UInt16, side: Side, index: Int) -> BookLevel? {
        guard let l = venueLocate(locate) else { return nil }
        return books.pointee.sink.level(locate: l, side: side, index: index)
    }

    @inlinable
    public func levelCount(locate: UInt16, side: Side) -> Int {
        guard let l = venueLocate(locate) else { return 0 }
        return books.pointee.sink.levelCount(locate: l, side: side)
    }
}
