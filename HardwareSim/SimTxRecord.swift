import CVegaNet
import Glibc
import VegaCore
import VegaHardware

/// The transmit side of a simulated NIC queue: a fixed ring of sent frames (for the test to
/// read back) and a fixed ring of TX timestamps (the socket error queue's twin).
///
/// Storage allocated once in `init`; `record`, `drainStamps` and `readFrame(into:)` allocate
/// nothing. Stamps: software `now + softwareLatency` (simulated CLOCK_REALTIME), hardware the
/// PHC's time at `now + wireLatency`; both kind `.sent`, id the send counter.
struct SimTxRecord: ~Copyable {
    let clock: SimClock
    let phc: SimPHC?
    let softwareStamps: Bool
    let softwareLatency: UInt64
    let wireLatency: UInt64
    let capacity: Int
    let slotSize: Int
    let frames: UnsafeMutableRawPointer
    let lengths: UnsafeMutablePointer<Int>
    var frameHead = 0
    var frameCount = 0
    var stamps: SimTxStampQueue
    var sendCounter: UInt32 = 0
    var stampsDropped: UInt64 { stamps.dropped }

    init(capacity: Int, slotSize: Int, clock: SimClock, phc: SimPHC?, softwareStamps: Bool, softwareLatency: UInt64, wireLatency: UInt64) {
        precondition(capacity > 0 && slotSize > 0, "a TX record needs capacity and slot size > 0")
        self.capacity = capacity
        self.slotSize = slotSize
        self.clock = clock
        self.phc = phc
        self.softwareStamps = softwareStamps
        self.softwareLatency = softwareLatency
        self.wireLatency = wireLatency
        frames = .allocate(byteCount: capacity * slotSize, alignment: 64)
        frames.initializeMemory(as: UInt8.self, repeating: 0, count: capacity * slotSize)
        lengths = .allocate(capacity: capacity)
        lengths.initialize(repeating: 0, count: capacity)
        // Two stamps per send at most (software and hardware).
        stamps = SimTxStampQueue(capacity: capacity * 2)
    }

    deinit {
        frames.deallocate()
        lengths.deallocate()
    }

    mutating func record(_ frame: UnsafeRawBufferPointer) throws(HardwareError) -> UInt32 {
        guard frameCount < capacity else { throw HardwareError("sendto", code: ENOBUFS) }
        var slot = frameHead + frameCount
        if slot >= capacity { slot -= capacity }
        let n = Swift.min(frame.count, slotSize)
        if n > 0, let src = frame.baseAddress { (frames + slot * slotSize).copyMemory(from: src, byteCount: n) }
        lengths[slot] = frame.count
        frameCount += 1
        let id = sendCounter
        sendCounter &+= 1
        let now = clock.now.nanoseconds
        if softwareStamps {
            stamps.push(TxTimestamp(id: id, kind: .sent, isHardware: false, nanoseconds: now &+ softwareLatency))
        }
        if let phc {
            let hw = phc.time(atSystemTime: Timestamp(nanoseconds: now &+ wireLatency)).nanoseconds
            stamps.push(TxTimestamp(id: id, kind: .sent, isHardware: true, nanoseconds: hw))
        }
        return id
    }

    mutating func drainStamps(into out: UnsafeMutableBufferPointer<TxTimestamp>) -> Int { stamps.drain(into: out) }

    mutating func readFrame(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        guard frameCount > 0 else { return nil }
        let length = lengths[frameHead]
        let n = Swift.min(length, slotSize, buffer.count)
        if n > 0, let dst = buffer.baseAddress { dst.copyMemory(from: frames + frameHead * slotSize, byteCount: n) }
        frameHead += 1
        if frameHead == capacity { frameHead = 0 }
        frameCount -= 1
        return length
    }

    mutating func readFrame() -> [UInt8]? {
        guard frameCount > 0 else { return nil }
        let stored = Swift.min(lengths[frameHead], slotSize)
        let out = [UInt8](unsafeUninitializedCapacity: stored) { buf, count in
            count = readFrame(into: UnsafeMutableRawBufferPointer(buf)).map { Swift.min($0, stored) } ?? 0
        }
        return out
    }
}
