import VegaCore
import VegaMarketData

/// One book per venue, all of the same ``BookView`` type, owned together: the usual
/// ``VenueBooks`` for a lane that builds each venue's feed into its own book.
///
/// Storage for `count` books is allocated in `init`; reads are one pointer offset plus the
/// book's own read. Books are reached through ``withBook(_:_:)`` to be updated by their feeds.
public struct VenueBookSet<Book: BookView & ~Copyable>: ~Copyable, VenueBooks {
    @usableFromInline let books: UnsafeMutablePointer<Book>
    public let count: Int

    /// Builds `count` books with `make(venue)`.
    public init(count: Int, make: (VenueID) -> Book) {
        precondition((1...256).contains(count), "VenueBookSet count must be in 1...256, got \(count)")
        self.count = count
        books = .allocate(capacity: count)
        for v in 0..<count { (books + v).initialize(to: make(VenueID(UInt8(v)))) }
    }

    deinit {
        books.deinitialize(count: count)
        books.deallocate()
    }

    /// Runs `body` on venue `venue`'s book in place (to apply its feed's events).
    @inlinable
    public mutating func withBook<R>(_ venue: VenueID, _ body: (inout Book) -> R) -> R {
        precondition(Int(venue.rawValue) < count, "no book for \(venue)")
        return body(&books[Int(venue.rawValue)])
    }

    @inlinable
    public func level(venue: VenueID, locate: UInt16, side: Side, index: Int) -> BookLevel? {
        guard Int(venue.rawValue) < count else { return nil }
        return books[Int(venue.rawValue)].level(locate: locate, side: side, index: index)
    }
}
