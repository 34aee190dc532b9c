import CVegaNet
import VegaCore

/// One received frame: its bytes and its timestamps.
///
/// The bytes are borrowed from the queue's batch (or, for zero-copy backends, from the NIC's
/// DMA buffer) and stay valid only until the next `receive` on that queue.
@frozen
public struct RxFrame {
    public let bytes: UnsafeRawBufferPointer
    public let meta: vega_rx_meta

    @inlinable
    public init(bytes: UnsafeRawBufferPointer, meta: vega_rx_meta) {
        self.bytes = bytes
        self.meta = meta
    }

    /// NIC hardware stamp in the PHC's timescale (TAI when the PHC runs PTP); nil when absent.
    @inlinable
    public var hardwareTimestamp: Timestamp<TAI>? {
        meta.flags & UInt32(VEGA_FRAME_HAS_HW) != 0 ? Timestamp(nanoseconds: meta.hw_ns) : nil
    }

    /// Kernel software stamp, CLOCK_REALTIME (UTC); nil when absent.
    @inlinable
    public var softwareTimestamp: Timestamp<UTC>? {
        meta.flags & UInt32(VEGA_FRAME_HAS_SW) != 0 ? Timestamp(nanoseconds: meta.sw_ns) : nil
    }

    /// True when the frame did not fit its slot and bytes were lost.
    @inlinable
    public var isTruncated: Bool { meta.flags & UInt32(VEGA_FRAME_TRUNCATED) != 0 }

    /// The line (A/B), VI or QP that delivered it.
    @inlinable
    public var queue: UInt16 { meta.queue }
}

/// A fixed set of receive slots and their metadata, allocated once (off the lane) and reused by
/// every `receive`.
///
/// Socket and simulated queues copy frames into the slots; zero-copy backends (ef_vi, ibverbs,
/// ExaNIC) point `frame(i)` at their own buffers instead. The layout is the C `vega_rx_batch`, so
/// the socket shim fills it with one `recvmmsg` and no Swift-side copying.
public struct RxBatch: ~Copyable {
    /// The C batch lives at a fixed address so lane code can hand it to C without closures.
    @usableFromInline let raw: UnsafeMutablePointer<vega_rx_batch>
    @usableFromInline let pointers: UnsafeMutablePointer<UnsafeRawPointer>
    /// Frames filled by the last receive.
    @inlinable public var count: Int { Int(raw.pointee.count) }
    @inlinable public var capacity: Int { Int(raw.pointee.capacity) }
    @inlinable public var slotSize: Int { Int(raw.pointee.slot_size) }

    /// Allocates `capacity` slots of `slotSize` bytes and touches every page.
    public init(capacity: Int, slotSize: Int = 2048) throws(HardwareSetupError) {
        var b = vega_rx_batch()
        let rc = vega_rx_batch_init(&b, UInt32(clamping: capacity), UInt32(clamping: slotSize))
        guard rc == 0 else { throw .system("allocate a receive batch of \(capacity)×\(slotSize)", negativeErrno: rc) }
        raw = .allocate(capacity: 1)
        raw.initialize(to: b)
        pointers = .allocate(capacity: capacity)
        for i in 0..<capacity { pointers[i] = UnsafeRawPointer(b.buffers + i * slotSize) }
    }

    deinit {
        vega_rx_batch_destroy(raw)
        raw.deallocate()
        pointers.deallocate()
    }

    /// Frame `i` of the last receive (`i < count`). No allocation; O(1).
    @inlinable @_noAllocation @_noLocks
    public subscript(i: Int) -> RxFrame {
        let m = raw.pointee.meta[i]
        return RxFrame(bytes: UnsafeRawBufferPointer(start: pointers[i], count: Int(m.len)), meta: m)
    }

    // MARK: for backends

    /// Slot `i`'s own storage, for backends that copy frames in.
    @inlinable
    public func slot(_ i: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: raw.pointee.buffers + i * Int(raw.pointee.slot_size), count: Int(raw.pointee.slot_size))
    }

    /// Publishes frame `i`: its bytes (a slot or a zero-copy buffer) and its metadata.
    @inlinable
    public mutating func set(_ i: Int, bytes: UnsafeRawPointer, meta: vega_rx_meta) {
        pointers[i] = bytes
        raw.pointee.meta[i] = meta
    }

    /// Publishes `n` zero-copy frames a C shim left in parallel arrays (ef_vi, ExaNIC): frame `i`
    /// is `frames[i]` with metadata `metas[i]`. Sets the count.
    @inlinable
    public mutating func publish(_ n: Int, frames: UnsafePointer<UnsafePointer<UInt8>?>, metas: UnsafePointer<vega_rx_meta>) {
        for i in 0..<n { set(i, bytes: UnsafeRawPointer(frames[i].unsafelyUnwrapped), meta: metas[i]) }
        setCount(n)
    }

    /// Sets how many frames the last receive produced.
    @inlinable
    public mutating func setCount(_ n: Int) { raw.pointee.count = UInt32(truncatingIfNeeded: n) }

    /// Copies `bytes` into slot `i` (truncating to the slot, and flagging it) and publishes it.
    @inlinable
    public mutating func copyIn(_ i: Int, bytes: UnsafeRawBufferPointer, meta: vega_rx_meta) {
        var m = meta
        let room = Int(raw.pointee.slot_size)
        let n = Swift.min(bytes.count, room)
        let dst = raw.pointee.buffers + i * room
        if n > 0, let src = bytes.baseAddress { dst.update(from: src.assumingMemoryBound(to: UInt8.self), count: n) }
        if bytes.count > room { m.flags |= UInt32(VEGA_FRAME_TRUNCATED) }
        m.len = UInt32(truncatingIfNeeded: n)
        set(i, bytes: UnsafeRawPointer(dst), meta: m)
    }

    /// Points every frame back at its own slot (after a socket receive).
    @inlinable
    func pointFramesAtSlots(_ n: Int) {
        let base = raw.pointee.buffers!, size = Int(raw.pointee.slot_size)
        for i in 0..<n { pointers[i] = UnsafeRawPointer(base + i * size) }
    }
}
