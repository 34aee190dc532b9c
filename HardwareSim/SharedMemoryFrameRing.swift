import CVegaNet
import Synchronization
import VegaHardware

/// The layout of a shared-memory frame ring file and its single-producer/single-consumer
/// protocol: the cross-process twin of `SimFrameQueue`, written by `SharedMemoryFrameWriter`
/// and read by `SharedMemoryFrameQueue`.
///
/// ```
/// [0, 4096)        header (below); every word another process writes sits alone on its line
/// [rxOffset, …)    rxSlots slots: writer → reader frames
/// [txOffset, …)    txSlots slots: reader → writer frames (what the lane transmitted)
/// slot:            vega_rx_meta (32 bytes) | pad to 64 | payload (slotSize, rounded up to 64)
/// ```
/// Header words (little-endian UInt64 unless noted): 0 magic "VEGASHMQ", 8 version (UInt32),
/// 12 slotSize (UInt32), 16 slotCount, 24 rxOffset, 32 txOffset, 40 writerPID, 48 flags
/// (bit 0: the writer's frames carry hardware stamps, bit 1: software stamps);
/// 64 rx.head, 128 rx.tail, 192 tx.head, 256 tx.tail (free-running counts, atomics);
/// 320 simulated system time and 328 simulated PHC time, published by the writer (atomics).
///
/// Protocol: the producer writes a slot's metadata and bytes with plain stores, then publishes
/// `head + 1` with a release store; the consumer loads `head` with acquire, copies the slot,
/// then publishes `tail + 1` with release. The producer reuses a slot only after seeing the
/// consumer's `tail` pass it (acquire), so a slot is never written while read: no torn frames
/// by construction, and nobody waits — a full ring is reported to the producer, which decides.
/// `Synchronization.Atomic` over the mapped words compiles to the same instructions as C11
/// atomics (see SWIFT-PERFORMANCE.md).
enum SharedMemoryFrameRingLayout {
    static let magic: UInt64 = 0x5143_4D48_5341_4745   // "VEGASHMQ" little-endian
    static let version: UInt32 = 1
    static let headerSize = 4096
    static let metaSize = 64
    static let flagHardwareStamps: UInt64 = 1
    static let flagSoftwareStamps: UInt64 = 2

    enum Offset {
        static let magic = 0, version = 8, slotSize = 12, slotCount = 16, rxOffset = 24, txOffset = 32
        static let writerPID = 40, flags = 48
        static let rxHead = 64, rxTail = 128, txHead = 192, txTail = 256, simSystem = 320, simPHC = 328
    }

    static func stride(slotSize: Int) -> Int { metaSize + (slotSize + 63) / 64 * 64 }

    static func bytes(slotCount: Int, slotSize: Int) -> Int { headerSize + 2 * slotCount * stride(slotSize: slotSize) }

    static func atomic(_ base: UnsafeMutableRawPointer, _ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (base + offset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    /// Lays out a fresh (zeroed) file; the magic goes last, with release, so a reader that sees
    /// it sees a complete header.
    static func format(_ base: UnsafeMutableRawPointer, slotCount: Int, slotSize: Int, flags: UInt64, writerPID: UInt64) {
        base.storeBytes(of: version, toByteOffset: Offset.version, as: UInt32.self)
        base.storeBytes(of: UInt32(slotSize), toByteOffset: Offset.slotSize, as: UInt32.self)
        base.storeBytes(of: UInt64(slotCount), toByteOffset: Offset.slotCount, as: UInt64.self)
        base.storeBytes(of: UInt64(headerSize), toByteOffset: Offset.rxOffset, as: UInt64.self)
        base.storeBytes(of: UInt64(headerSize + slotCount * stride(slotSize: slotSize)), toByteOffset: Offset.txOffset, as: UInt64.self)
        base.storeBytes(of: writerPID, toByteOffset: Offset.writerPID, as: UInt64.self)
        base.storeBytes(of: flags, toByteOffset: Offset.flags, as: UInt64.self)
        for o in [Offset.rxHead, Offset.rxTail, Offset.txHead, Offset.txTail, Offset.simSystem, Offset.simPHC] {
            (base + o).initializeMemory(as: Atomic<UInt64>.self, to: Atomic(0))
        }
        (base + Offset.magic).initializeMemory(as: Atomic<UInt64>.self, to: Atomic(0))
        atomic(base, Offset.magic).pointee.store(magic, ordering: .releasing)
    }

    /// Why a mapped file is not a usable ring, or nil. Checks bounds before trusting offsets.
    static func problem(_ base: UnsafeMutableRawPointer, length: Int) -> String? {
        guard length >= headerSize else { return "file is \(length) bytes, shorter than the \(headerSize)-byte header" }
        let m = atomic(base, Offset.magic).pointee.load(ordering: .acquiring)
        guard m == magic else { return "bad magic 0x\(String(m, radix: 16)); not a SharedMemoryFrameWriter ring (or not formatted yet)" }
        let v = base.load(fromByteOffset: Offset.version, as: UInt32.self)
        guard v == version else { return "layout version \(v), expected \(version)" }
        let size = Int(base.load(fromByteOffset: Offset.slotSize, as: UInt32.self))
        let count = Int(base.load(fromByteOffset: Offset.slotCount, as: UInt64.self))
        guard size > 0, count > 0, count & (count - 1) == 0 else { return "slot count \(count) is not a power of two or slot size \(size) is 0" }
        guard bytes(slotCount: count, slotSize: size) <= length else {
            return "\(count) slots of \(size) bytes need \(bytes(slotCount: count, slotSize: size)) bytes; the file has \(length)"
        }
        return nil
    }
}

/// One direction of the ring, as seen by its producer or its consumer. Holds raw pointers into
/// the mapping (whose owner keeps it alive) plus a private copy of the other side's counter, so
/// the shared line is read only when the cached value says the ring looks full or empty.
struct SharedMemoryFrameRingSide {
    let head: UnsafeMutablePointer<Atomic<UInt64>>
    let tail: UnsafeMutablePointer<Atomic<UInt64>>
    let slots: UnsafeMutableRawPointer
    let count: UInt64
    let stride: Int
    let slotSize: Int
    var cachedOther: UInt64 = 0

    init(base: UnsafeMutableRawPointer, headOffset: Int, tailOffset: Int, slotsOffset: Int, count: Int, slotSize: Int) {
        head = SharedMemoryFrameRingLayout.atomic(base, headOffset)
        tail = SharedMemoryFrameRingLayout.atomic(base, tailOffset)
        slots = base + slotsOffset
        self.count = UInt64(count)
        self.slotSize = slotSize
        stride = SharedMemoryFrameRingLayout.stride(slotSize: slotSize)
    }

    /// Producer: copies one frame (truncated to the slot, flagged) and publishes it. False when
    /// the ring is full. No allocation, no waiting.
    mutating func push(_ bytes: UnsafeRawBufferPointer, meta: vega_rx_meta) -> Bool {
        let h = head.pointee.load(ordering: .relaxed)   // only we write it
        if h &- cachedOther >= count {
            cachedOther = tail.pointee.load(ordering: .acquiring)
            if h &- cachedOther >= count { return false }
        }
        let slot = slots + Int(h & (count - 1)) * stride
        var m = meta
        let n = Swift.min(bytes.count, slotSize)
        if bytes.count > slotSize { m.flags |= UInt32(VEGA_FRAME_TRUNCATED) }
        m.len = UInt32(truncatingIfNeeded: n)
        slot.storeBytes(of: m, as: vega_rx_meta.self)
        if n > 0, let src = bytes.baseAddress { (slot + SharedMemoryFrameRingLayout.metaSize).copyMemory(from: src, byteCount: n) }
        head.pointee.store(h &+ 1, ordering: .releasing)
        return true
    }

    /// Consumer: hands the oldest frame to `body` (bytes valid only during the call) and frees
    /// its slot. False when the ring is empty. No allocation, no waiting.
    mutating func pop(_ body: (UnsafeRawBufferPointer, vega_rx_meta) -> Void) -> Bool {
        let t = tail.pointee.load(ordering: .relaxed)   // only we write it
        if t == cachedOther {
            cachedOther = head.pointee.load(ordering: .acquiring)
            if t == cachedOther { return false }
        }
        let slot = slots + Int(t & (count - 1)) * stride
        let meta = slot.load(as: vega_rx_meta.self)
        let n = Swift.min(Int(meta.len), slotSize)
        body(UnsafeRawBufferPointer(start: slot + SharedMemoryFrameRingLayout.metaSize, count: n), meta)
        tail.pointee.store(t &+ 1, ordering: .releasing)
        return true
    }

    /// Frames published and not yet consumed (a snapshot).
    var pending: UInt64 { head.pointee.load(ordering: .acquiring) &- tail.pointee.load(ordering: .acquiring) }
}
