import VegaCore

/// Order-by-order books for every instrument of a feed (ITCH 5.0 semantics), allocated up
/// front and mutated in place by the ITCH handler through ``OrderBookSink``.
///
/// ## Structure, and why
/// - **Orders** live in one pool of 32-byte slots (reference, instrument, side, shares, level,
///   and `prev`/`next` links). Each level's orders form an intrusive doubly linked FIFO list,
///   so adding at the back and removing any order are O(1), and an order's queue position is
///   a walk to the head (``queuePosition(reference:)``).
/// - **Order index**: reference → order slot, ``OrderIndex``: a direct-mapped window on the
///   reference number (ITCH references are increasing and dense, so the live ones share cache
///   lines), confirmed by the order slot's own reference, with a ``FixedMap`` behind it for
///   references the window cannot hold. Every E/X/D/U starts here.
/// - **Levels** live in one pool of 32-byte slots (price, total shares, order count, FIFO head
///   and tail). An order points at its level, so E/X/D never search for a level.
/// - **Ladders**: per instrument and side, a sorted array of 8-byte entries `key << 32 | level`
///   (key = price for bids, `~price` for asks), ordered worst → best, so the best level is
///   the *last* entry. Best bid/offer and depth N are one load (`entries[count - 1 - N]`).
///   New levels appear and old ones vanish mostly at or near the touch, i.e. at the end of
///   the array, so the `memmove` that keeps it sorted moves a handful of entries; finding a
///   price scans the top 8 entries and falls back to binary search. Chosen over a price-indexed
///   ladder because ITCH prices span 0.0001…429,496 (a ladder would need re-centring or be
///   sparse and huge) and over a tree or a hash of levels because depth N must be O(1) and
///   the common case touches the top few entries, which one or two cache lines hold.
///   Prices must fit ITCH's `Price(4)` field (1…2^32−1); anything else is `invalidPrice`.
///
/// ## Contract
/// Everything is allocated (and pre-faulted) in `init` and freed with the books. Every
/// ``OrderBookSink`` method, the read side (`topOfBook`, `level`, `depth`) and
/// ``snapshotL2(locate:levels:into:)`` never allocate, lock, retain/release or trap on bad
/// input: bad input is a ``BookReject``, counted in ``counters``. `~Copyable`: the lane owns it.
///
/// `Output` receives a ``BookUpdate`` per change (``NoBookOutput`` to discard them). An output
/// that takes no updates (``BookOutput/takesUpdates`` false, as ``NoBookOutput``) also spares the
/// books the ladder search that only an update's `depth` needs (a level that changes and stays);
/// book state, counters and the read side are the same either way.
public struct OrderBooks<Output: BookOutput & ~Copyable>: ~Copyable {
    public let configuration: BookConfiguration

    @usableFromInline let orders: UnsafeMutablePointer<OrderSlot>
    @usableFromInline var freeOrder: UInt32
    @usableFromInline var liveOrders: Int
    @usableFromInline var index: OrderIndex

    @usableFromInline let levels: UnsafeMutablePointer<LevelSlot>
    @usableFromInline var freeLevel: UInt32
    @usableFromInline var liveLevels: Int

    /// `maxInstruments × 2 × maxLevelsPerSide` ladder entries; side `s` of instrument slot `i`
    /// starts at `(2i + s) × maxLevelsPerSide`.
    @usableFromInline let ladders: UnsafeMutablePointer<UInt64>
    @usableFromInline let ladderLength: Int

    @usableFromInline let instruments: UnsafeMutablePointer<InstrumentRecord>
    @usableFromInline var definedInstruments: Int
    /// Stock locate → instrument slot, `noSlot` when undefined (65,536 entries).
    @usableFromInline let locateSlots: UnsafeMutablePointer<UInt32>

    /// Events applied and refused, by kind and reason.
    public var counters: BookCounters
    /// Where updates go. A strategy on the lane reads (and clears) it between messages.
    public var output: Output

    /// Empty books for `configuration`, publishing to `output`. Allocates every array here,
    /// and writes every page once so the lane never takes a first-touch page fault.
    ///
    /// - Precondition: `configuration.validate()` succeeds (call it first to get the reason).
    public init(configuration: BookConfiguration, output: consuming Output) {
        do { try configuration.validate() } catch { preconditionFailure("\(error)") }
        self.configuration = configuration
        let c = configuration

        orders = BookMemory.allocate(OrderSlot.self, count: c.maxOrders)
        for i in 0..<c.maxOrders {
            (orders + i).initialize(to: OrderSlot.free(next: i + 1 < c.maxOrders ? UInt32(i + 1) : noSlot))
        }
        freeOrder = 0
        liveOrders = 0
        index = OrderIndex(capacity: c.maxOrders, windowSlots: c.orderIndexWindow)

        levels = BookMemory.allocate(LevelSlot.self, count: c.maxLevels)
        for i in 0..<c.maxLevels {
            (levels + i).initialize(to: LevelSlot.free(next: i + 1 < c.maxLevels ? UInt32(i + 1) : noSlot))
        }
        freeLevel = 0
        liveLevels = 0

        ladderLength = c.maxLevelsPerSide
        let ladderEntries = c.maxInstruments * 2 * c.maxLevelsPerSide
        ladders = BookMemory.allocate(UInt64.self, count: ladderEntries)
        ladders.initialize(repeating: 0, count: ladderEntries)

        instruments = BookMemory.allocate(InstrumentRecord.self, count: c.maxInstruments)
        instruments.initialize(repeating: InstrumentRecord(), count: c.maxInstruments)
        definedInstruments = 0
        locateSlots = .allocate(capacity: 65_536)
        locateSlots.initialize(repeating: noSlot, count: 65_536)

        counters = BookCounters()
        self.output = output
    }

    deinit {
        BookMemory.deallocate(orders, count: configuration.maxOrders)
        BookMemory.deallocate(levels, count: configuration.maxLevels)
        BookMemory.deallocate(ladders, count: configuration.maxInstruments * 2 * ladderLength)
        BookMemory.deallocate(instruments, count: configuration.maxInstruments)
        locateSlots.deallocate()
    }

    /// Bytes allocated by `init`, from the arrays actually allocated (equals
    /// `configuration.estimatedBytes`).
    public var allocatedBytes: Int {
        configuration.maxOrders * MemoryLayout<OrderSlot>.stride
            + index.allocatedBytes
            + configuration.maxLevels * MemoryLayout<LevelSlot>.stride
            + configuration.maxInstruments * 2 * ladderLength * MemoryLayout<UInt64>.stride
            + configuration.maxInstruments * MemoryLayout<InstrumentRecord>.stride
            + 65_536 * MemoryLayout<UInt32>.stride
    }

    /// Live orders, all instruments.
    @inlinable public var orderCount: Int { liveOrders }
    /// Live price levels, all instruments and sides.
    @inlinable public var levelCountTotal: Int { liveLevels }
    /// Defined instruments.
    @inlinable public var instrumentCount: Int { definedInstruments }
}

extension OrderBooks where Output == NoBookOutput {
    /// Books that publish no updates (read by polling).
    public init(configuration: BookConfiguration) {
        self.init(configuration: configuration, output: NoBookOutput())
    }
}

/// `UInt32.max`: no order / level / instrument slot. Computed, not a stored global, so the
/// lane pays no lazy-initialisation check.
@inlinable var noSlot: UInt32 { .max }

/// Strides of the books' arrays, for ``BookConfiguration/estimatedBytes``.
enum OrderBookStorage {
    static var orderStride: Int { MemoryLayout<OrderSlot>.stride }
    static var levelStride: Int { MemoryLayout<LevelSlot>.stride }
    static var instrumentStride: Int { MemoryLayout<InstrumentRecord>.stride }
    /// A `FixedMap<UInt32>` entry: the 8-byte key and the 4-byte value, padded to 16.
    static var indexEntryStride: Int { MemoryLayout<(UInt64, UInt32)>.stride }
}

/// One order (32 bytes). A free slot links the free list through `next`.
@frozen @usableFromInline
struct OrderSlot {
    @usableFromInline var reference: UInt64
    @usableFromInline var prev: UInt32
    @usableFromInline var next: UInt32
    @usableFromInline var level: UInt32
    @usableFromInline var shares: UInt32
    @usableFromInline var locate: UInt16
    /// Instrument slot (not locate): indexes `instruments` and the ladders directly.
    @usableFromInline var instrument: UInt16
    @usableFromInline var side: Side

    @inlinable
    init(reference: UInt64, prev: UInt32, next: UInt32, level: UInt32, shares: UInt32, locate: UInt16,
         instrument: UInt16, side: Side) {
        self.reference = reference
        self.prev = prev
        self.next = next
        self.level = level
        self.shares = shares
        self.locate = locate
        self.instrument = instrument
        self.side = side
    }

    @inlinable
    static func free(next: UInt32) -> OrderSlot {
        OrderSlot(reference: 0, prev: noSlot, next: next, level: noSlot, shares: 0, locate: 0, instrument: 0, side: .buy)
    }
}

/// One price level (32 bytes): aggregate and FIFO ends. A free slot links through `head`.
@frozen @usableFromInline
struct LevelSlot {
    @usableFromInline var price: Int64
    @usableFromInline var shares: UInt64
    @usableFromInline var orders: UInt32
    @usableFromInline var head: UInt32
    @usableFromInline var tail: UInt32

    @inlinable
    init(price: Int64, shares: UInt64, orders: UInt32, head: UInt32, tail: UInt32) {
        self.price = price
        self.shares = shares
        self.orders = orders
        self.head = head
        self.tail = tail
    }

    @inlinable
    static func free(next: UInt32) -> LevelSlot {
        LevelSlot(price: 0, shares: 0, orders: 0, head: next, tail: noSlot)
    }
}

/// The last trade printed for an instrument.
@frozen
public struct LastTrade: Sendable, Equatable, BitwiseCopyable {
    public var price: Price4
    public var shares: UInt64
    public var matchNumber: UInt64
    /// Exchange time, ns since midnight; 0 with `shares == 0`: no trade yet.
    public var exchange: Timestamp<SinceMidnight>

    @inlinable
    public init(price: Price4, shares: UInt64, matchNumber: UInt64, exchange: Timestamp<SinceMidnight>) {
        self.price = price
        self.shares = shares
        self.matchNumber = matchNumber
        self.exchange = exchange
    }
}

/// Per-instrument state beside the ladders. Field order is layout (`@frozen`): what every book
/// message reads or writes comes first, so the look-ahead's one prefetch of the record's start
/// warms the level counts (which locate the ladder tops) and the rest of the hot part.
@frozen @usableFromInline
struct InstrumentRecord {
    @usableFromInline var bidLevels: UInt32
    @usableFromInline var askLevels: UInt32
    @usableFromInline var orders: UInt32
    @usableFromInline var locate: UInt16
    @usableFromInline var state: TradingState
    @usableFromInline var stale: Bool
    @usableFromInline var lastTimes: EventTimes
    @usableFromInline var symbol: Symbol
    @usableFromInline var roundLot: UInt32
    @usableFromInline var lastTrade: LastTrade

    @inlinable
    init() {
        symbol = Symbol(raw: 0)
        lastTrade = LastTrade(price: .zero, shares: 0, matchNumber: 0, exchange: .init(nanoseconds: 0))
        lastTimes = EventTimes(exchange: .init(nanoseconds: 0))
        roundLot = 0
        bidLevels = 0
        askLevels = 0
        orders = 0
        locate = 0
        // Until a trading action says otherwise; ITCH sends 'H' for every stock at start of day.
        state = .trading
        stale = false
    }
}
