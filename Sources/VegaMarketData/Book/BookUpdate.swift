import VegaCore

/// One change to a book, as the books publish it: 64 bytes (one cache line), trivially
/// copyable, so it goes through a ring or a lane-local buffer by value.
///
/// For a level change, `price` / `shares` / `orders` are the level's state *after* the change
/// (`shares == 0 && orders == 0`: the level is gone) and `depth` its index on its side (0 =
/// best; for a removed level, where it was). A strategy on the same lane therefore learns
/// "what changed" from the update alone, without scanning the book.
@frozen
public struct BookUpdate: Sendable, Equatable, BitwiseCopyable {
    /// What an update describes.
    @frozen
    public enum Kind: UInt8, Sendable, BitwiseCopyable {
        /// A price level's size or order count changed, or it appeared or disappeared.
        case level = 1
        /// A trade printed (E, printable C, P, Q): `price`, `shares`; `side` is the resting side
        /// (for a cross, `.buy` by convention and `flags` has `.cross`).
        case trade = 2
        /// A trade was broken ('B'); `shares` is 0, `price` 0.
        case brokenTrade = 3
        /// The trading state changed; `orders` carries the ITCH state byte.
        case tradingState = 4
        /// The book was marked stale (the feed lost messages it could not recover).
        case stale = 5
        /// The book was cleared (recovery, rebuild).
        case cleared = 6
    }

    /// Flags describing a level change.
    @frozen
    public struct Flags: OptionSet, Sendable, Equatable, BitwiseCopyable {
        public var rawValue: UInt8
        @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// No flag. (Spelled out: an `[]` literal of an OptionSet builds an array first.)
        @inlinable public static var none: Flags { Flags(rawValue: 0) }
        /// The best level of the side changed (`depth == 0`).
        @inlinable public static var topOfBook: Flags { Flags(rawValue: 1) }
        /// The level is new.
        @inlinable public static var levelAdded: Flags { Flags(rawValue: 2) }
        /// The level is gone.
        @inlinable public static var levelRemoved: Flags { Flags(rawValue: 4) }
        /// After this change the instrument's best bid is at or above its best ask.
        @inlinable public static var crossed: Flags { Flags(rawValue: 8) }
        /// A 'Q' cross trade.
        @inlinable public static var cross: Flags { Flags(rawValue: 16) }
        /// The update concerns every instrument (`markStale(locate: nil)`); `locate` is 0.
        @inlinable public static var allInstruments: Flags { Flags(rawValue: 32) }
    }

    /// The three clocks of the message that caused the change.
    public var times: EventTimes
    public var price: Price4
    public var shares: UInt64
    public var orders: UInt32
    public var locate: UInt16
    public var depth: UInt16
    public var side: Side
    public var kind: Kind
    public var flags: Flags

    @inlinable
    public init(kind: Kind, locate: UInt16, side: Side, price: Price4, shares: UInt64, orders: UInt32,
                depth: UInt16, flags: Flags, times: EventTimes) {
        self.times = times
        self.price = price
        self.shares = shares
        self.orders = orders
        self.locate = locate
        self.depth = depth
        self.side = side
        self.kind = kind
        self.flags = flags
    }

    /// Whether this update moved the instrument's best bid or offer.
    @inlinable public var changedTopOfBook: Bool { flags.contains(.topOfBook) }
}

/// Where ``OrderBooks`` delivers its ``BookUpdate``s. A generic parameter of the books, so a
/// lane is specialised for its output and a no-op output compiles away.
public protocol BookOutput: ~Copyable {
    /// Takes one update; returns `false` if it had to drop it (the books count drops). Lane
    /// call: must not allocate, lock or block.
    mutating func publish(_ update: BookUpdate) -> Bool
    /// Whether this output takes updates at all. `false` (``NoBookOutput``): the books skip
    /// what only an update needs — the ladder search for a level's depth after a cancel, a
    /// partial execution or a delete that leaves the level standing. Book state, counters
    /// (crossed updates included) and the read side are the same either way. Default `true`.
    static var takesUpdates: Bool { get }
}

extension BookOutput where Self: ~Copyable {
    @inlinable @inline(__always)
    public static var takesUpdates: Bool { true }
}

/// Discards updates: for books read only by polling (`topOfBook`, `level`), and for
/// benchmarks of the books alone.
@frozen
public struct NoBookOutput: BookOutput, Sendable {
    @inlinable public init() {}
    @inlinable @inline(__always)
    public mutating func publish(_ update: BookUpdate) -> Bool { true }
    @inlinable @inline(__always)
    public static var takesUpdates: Bool { false }
}

/// A fixed-capacity buffer of the updates since the reader last cleared it: the same-lane way
/// for a strategy to see "what changed" after each message (one ITCH message makes at most
/// three updates: a replace's two levels and a trade).
///
/// Allocates `capacity` updates once in `init`; `publish` and `removeAll` are O(1), no
/// allocation, no lock. When full, further updates are dropped (and counted by the books).
@frozen
public struct BookUpdateBuffer: BookOutput, ~Copyable {
    @usableFromInline let storage: UnsafeMutablePointer<BookUpdate>
    /// Maximum number of buffered updates.
    public let capacity: Int
    @usableFromInline var storedCount: Int
    /// Number of buffered updates.
    @inlinable public var count: Int { storedCount }

    public init(capacity: Int = 64) {
        precondition(capacity > 0, "BookUpdateBuffer capacity must be positive, got \(capacity)")
        self.capacity = capacity
        self.storedCount = 0
        self.storage = .allocate(capacity: capacity)
        // Pre-fault, so the first publish takes no page fault on the lane.
        storage.initialize(repeating: BookUpdate(kind: .level, locate: 0, side: .buy, price: .zero, shares: 0,
                                                 orders: 0, depth: 0, flags: .none, times: EventTimes(exchange: .init(nanoseconds: 0))),
                           count: capacity)
    }

    deinit { storage.deallocate() }

    @inlinable @inline(__always)
    public mutating func publish(_ update: BookUpdate) -> Bool {
        guard storedCount < capacity else { return false }
        storage[storedCount] = update
        storedCount &+= 1
        return true
    }

    /// The buffered updates, oldest first. O(1).
    @inlinable
    public subscript(index: Int) -> BookUpdate {
        precondition(index >= 0 && index < count, "BookUpdateBuffer index out of range")
        return storage[index]
    }

    /// Calls `body` with the buffered updates, oldest first (no copy; the pointer is valid
    /// only inside `body`).
    @inlinable
    public func withUpdates<R, E: Error>(_ body: (UnsafeBufferPointer<BookUpdate>) throws(E) -> R) throws(E) -> R {
        try body(UnsafeBufferPointer(start: storage, count: storedCount))
    }

    /// Forgets the buffered updates (the reader has consumed them). O(1).
    @inlinable @inline(__always)
    public mutating func removeAll() { storedCount = 0 }
}

/// A cross-thread tap: the books push each update into an SPSC ring read by another thread
/// (journal, telemetry, a strategy on another core). A full ring drops and is counted.
extension SPSCRing: BookOutput where Element == BookUpdate {
    @inlinable @inline(__always)
    public mutating func publish(_ update: BookUpdate) -> Bool { tryPush(update) }
}
