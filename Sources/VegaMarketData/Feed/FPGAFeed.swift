import CVegaFPGA
import VegaHardware

/// The FPGA feed handler's side of a lane: reads the card's decoded L2 events from its event ring
/// (a mapped BAR live, HardwareSim's shared-memory ring otherwise) into an `L2Book`, so strategies
/// read FPGA-fed books through the same `BookView` as ITCH-built ones.
///
/// A reader the writer lapped has lost events it can never get back: every book is marked stale
/// (as a `GAP` event for all instruments would) until the card's next CLEAR/snapshot of each.
/// Lane call: `poll` allocates nothing and takes no locks (the event buffer is allocated once).
public struct FPGAFeed<Ring: EventRingReader & ~Copyable>: ~Copyable {
    public var ring: Ring
    public var book: L2Book
    /// Events lost to laps since the start.
    public var lost: UInt64 { _lost }
    /// Events the book refused (per-reason counts are in `book.counters`).
    public var refused: UInt64 { _refused }
    @usableFromInline var _lost: UInt64 = 0
    @usableFromInline var _refused: UInt64 = 0
    @usableFromInline let buffer: UnsafeMutableBufferPointer<FPGAEvent>

    public init(ring: consuming Ring, book: consuming L2Book, batch: Int = 256) {
        self.ring = ring
        self.book = book
        buffer = .allocate(capacity: batch)
    }

    deinit { buffer.deallocate() }

    /// Reads and applies what the ring holds (one batch). Returns the events applied or refused.
    @inlinable
    public mutating func poll() -> Int {
        let p = ring.poll(into: buffer)
        if p.lost > 0 {
            _lost &+= p.lost
            var gap = FPGAEvent()
            gap.type = UInt8(VEGA_FPGA_EV_GAP)
            gap.instrument = 0
            gap.aux = UInt32(truncatingIfNeeded: p.lost)
            _ = book.apply(gap)
        }
        for i in 0..<p.count where book.apply(buffer[i]) != nil { _refused &+= 1 }
        return p.count
    }
}
