import CVegaFPGA
import VegaCore

/// One decoded event from the FPGA feed handler's ring (C layout `vega_fpga_event`, 56 bytes).
public typealias FPGAEvent = vega_fpga_event

extension vega_fpga_event {
    public enum Kind: UInt8, Sendable {
        case heartbeat = 0, levelSet = 1, levelDelete = 2, trade = 3, clear = 4, status = 5, gap = 6
    }

    /// The event's type; nil for a type this build does not know (counted, not trusted).
    @inlinable
    public var kind: Kind? { Kind(rawValue: type) }
    /// True when every field but the two timestamps matches `other`: how a reader checks a
    /// real-clock-stamped stream against the simulator's seed.
    @inlinable
    public func matchesIgnoringTimestamps(_ other: FPGAEvent) -> Bool {
        feed_seq == other.feed_seq && price == other.price && quantity == other.quantity
            && instrument == other.instrument && order_count == other.order_count && aux == other.aux
            && level == other.level && type == other.type && side == other.side
    }

    /// FPGA RX time of the source packet, PTP timescale.
    @inlinable
    public var hardwareTimestamp: Timestamp<TAI> { Timestamp(nanoseconds: hw_timestamp_ns) }
}

/// What one poll of an event ring produced.
@frozen
public struct EventPoll: Equatable, Sendable {
    /// Events written to the output buffer.
    public var count: Int
    /// Events the reader lost because the writer lapped it (0 normally). They all come before
    /// the first event in the buffer: a poll that has read events and then finds it was lapped
    /// stops there, and the next poll reports the loss.
    public var lost: UInt64

    @inlinable
    public init(count: Int, lost: UInt64) {
        self.count = count
        self.lost = lost
    }
}

/// A reader of the FPGA's decoded-event ring: over a mapped PCIe BAR (live) or over the shared
/// memory file HardwareSim's FPGA simulator writes. The writer never waits; a reader that falls
/// a whole ring behind is told how many events it lost and resumes at the oldest one kept.
public protocol EventRingReader: ~Copyable {
    /// Copies up to `events.count` new events, without blocking. No allocation, no locks.
    mutating func poll(into events: UnsafeMutableBufferPointer<FPGAEvent>) -> EventPoll
    /// The next event number this reader will read.
    var cursor: UInt64 { get }
    /// The writer's last heartbeat (CLOCK_REALTIME ns), for liveness checks; 0 if never.
    var writerHeartbeat: Timestamp<UTC> { get }
}

/// Where the ring's memory comes from.
public enum EventRingSource: Sendable, Equatable, CustomStringConvertible {
    /// A file: HardwareSim's shared-memory ring (/dev/shm/…) or an exported DMA buffer.
    case file(path: String)
    /// PCIe BAR `bar` of device `bdf` through sysfs (`resourceN`, or `resourceN_wc`).
    case sysfsBAR(bdf: String, bar: Int, writeCombining: Bool)
    /// PCIe BAR `bar` of device `bdf` through a VFIO group (`/dev/vfio/N`).
    case vfio(group: String, bdf: String, bar: Int)

    public var description: String {
        switch self {
        case .file(let path): "file \(path)"
        case .sysfsBAR(let bdf, let bar, let wc): "sysfs \(bdf) resource\(bar)\(wc ? "_wc" : "")"
        case .vfio(let group, let bdf, let bar): "vfio \(group) \(bdf) BAR\(bar)"
        }
    }
}

/// The live `EventRingReader`: maps the ring, validates its header, and reads with the seqlock
/// protocol of `vega_fpga_ring.h`.
public struct MappedEventRing: EventRingReader, ~Copyable {
    @usableFromInline var mapping: vega_fpga_mapping
    @usableFromInline let header: UnsafeMutablePointer<vega_fpga_ring_header>
    /// Two words the C reader writes through (cursor, lost): fixed addresses, so `poll` passes
    /// pointers to C without closures capturing variables.
    @usableFromInline let scratch: UnsafeMutablePointer<UInt64>
    @usableFromInline var _cursor: UInt64
    @usableFromInline var _totalLost: UInt64 = 0
    /// The next event number this reader will read.
    public var cursor: UInt64 { _cursor }
    /// Events lost to laps since opening.
    public var totalLost: UInt64 { _totalLost }
    public let source: EventRingSource
    public let slotCount: UInt64

    /// Maps `source` read-only and checks its header. `fromStart` reads the history still in the
    /// ring; otherwise the reader starts with the next event written.
    public init(source: EventRingSource, fromStart: Bool = false) throws(HardwareSetupError) {
        var m = vega_fpga_mapping()
        let rc: Int32 =
            switch source {
            case .file(let path): vega_fpga_map_file(path, 0, 0, &m)
            case .sysfsBAR(let bdf, let bar, let wc): vega_fpga_map_sysfs_bar(bdf, Int32(bar), wc ? 1 : 0, 0, &m)
            case .vfio(let group, let bdf, let bar): vega_fpga_map_vfio_bar(group, bdf, Int32(bar), &m)
            }
        guard rc == 0 else { throw .system("map FPGA ring (\(source))", negativeErrno: rc) }
        let h = m.base.assumingMemoryBound(to: vega_fpga_ring_header.self)
        let valid = vega_fpga_ring_validate(h, m.length)
        guard valid == 0 else {
            vega_fpga_unmap(&m)
            throw HardwareSetupError(.invalid, "map FPGA ring (\(source))", Self.explain(valid))
        }
        mapping = m
        header = h
        scratch = .allocate(capacity: 2)
        scratch.initialize(repeating: 0, count: 2)
        self.source = source
        slotCount = h.pointee.slot_count
        let w = vega_fpga_ring_write_seq(h)
        _cursor = fromStart ? (w > slotCount ? w - slotCount + 1 : 1) : w + 1
    }

    deinit {
        var m = mapping
        vega_fpga_unmap(&m)
        scratch.deallocate()
    }

    static func explain(_ code: Int32) -> String {
        switch Int(code) {
        case VEGA_FPGA_E_MAGIC: "not a Vega event ring (bad magic)"
        case VEGA_FPGA_E_VERSION: "ring layout version is not \(VEGA_FPGA_RING_VERSION)"
        case VEGA_FPGA_E_SLOT_SIZE: "slot size is not \(VEGA_FPGA_SLOT_SIZE) bytes"
        case VEGA_FPGA_E_SLOT_COUNT: "slot count is not a power of two"
        default: "ring extends past the mapped region"
        }
    }

    /// Reads up to `events.count` events. Cost per event: one cache line from the ring, two
    /// acquire loads; no allocation, no locks, no stores to shared memory (proved by
    /// `@_noAllocation` / `@_noLocks` up to the C call, which is static inline).
    @inlinable @_noAllocation @_noLocks
    public mutating func poll(into events: UnsafeMutableBufferPointer<FPGAEvent>) -> EventPoll {
        var n = 0
        var lost: UInt64 = 0
        let h = header, cursorWord = scratch, lostWord = scratch + 1
        cursorWord.pointee = _cursor
        while n < events.count {
            let out = events.baseAddress! + n
            let before = cursorWord.pointee
            // The checker cannot see into C; this static inline function does two acquire loads
            // and a 56-byte copy, and the ring benchmarks count its mallocs (zero).
            let rc = _unsafePerformance { vega_fpga_ring_read(h, cursorWord, out, lostWord) }
            if rc == VEGA_FPGA_READ_OK {
                n += 1
            } else if rc == VEGA_FPGA_READ_LAPPED {
                // A loss after events already read would be reported as if it came before them:
                // stop at the events read, and let the next poll find the lap again (reading
                // shares nothing with the writer, so rewinding the cursor is free).
                if n > 0 {
                    cursorWord.pointee = before
                    break
                }
                lost &+= lostWord.pointee
            } else {
                break
            }
        }
        _cursor = cursorWord.pointee
        _totalLost &+= lost
        return EventPoll(count: n, lost: lost)
    }

    public var writerHeartbeat: Timestamp<UTC> { Timestamp(nanoseconds: vega_fpga_ring_heartbeat_ns(header)) }
    /// The last event number the writer completed.
    public var writeSequence: UInt64 { vega_fpga_ring_write_seq(header) }
    public var writerPID: UInt64 { header.pointee.writer_pid }
}
