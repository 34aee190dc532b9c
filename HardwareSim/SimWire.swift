import CVegaNet
import VegaCore

/// The simulated path between a feed and a NIC: applies `SimImpairments` to injected frames,
/// holds them in fixed slots until their arrival time on the `SimClock`, and hands them out
/// in delivery order with the metadata a NIC and kernel would attach. Shared by `SimFrameQueue`
/// (in-process) and `SharedMemoryFrameWriter` (writes into a ring another process reads).
///
/// Allocation: everything (slot bytes, per-slot bookkeeping, the delivery FIFO and the held set)
/// is allocated once in `init`; `inject` and `deliver` allocate nothing and take no locks.
///
/// Determinism: every `inject` draws the same number of values from the seeded generator in
/// the same order whatever the outcome, so two wires with the same seed, configuration and call
/// sequence produce identical frames, order and stamps.
///
/// Timestamps: a copy arrives at the NIC at `inject time + delay + jitter` (never before the
/// copy queued ahead of it). Its hardware stamp is the PHC's time at that arrival; its software
/// stamp, arrival + `softwareStampLatencyNanoseconds` (the driver/kernel path); it becomes
/// receivable at the software stamp's time.
struct SimWire: ~Copyable {
    let impairments: SimImpairments
    let clock: SimClock
    let phc: SimPHC?
    let softwareStamps: Bool
    let softwareStampLatency: UInt64
    let queueID: UInt16
    let capacity: Int
    let slotSize: Int

    let lossCut: UInt64
    let duplicationCut: UInt64
    let reorderCut: UInt64

    var random: SimRandom
    var counters = SimWireCounters()

    // Slots: bytes and what we know about the copy in them.
    let bytes: UnsafeMutableRawPointer
    let lengths: UnsafeMutablePointer<Int>
    let truncatedFlags: UnsafeMutablePointer<Bool>
    let arrivals: UnsafeMutablePointer<UInt64>
    // Free slot stack.
    let free: UnsafeMutablePointer<Int32>
    var freeCount: Int
    // Delivery FIFO of slot indices, in arrival order (arrivals non-decreasing).
    let fifo: UnsafeMutablePointer<Int32>
    var fifoHead = 0
    var fifoCount = 0
    var lastArrival: UInt64 = 0
    var lastDeliveredArrival: UInt64 = 0
    // Copies held back by reordering, in injection order, with how many more frames may pass.
    let heldSlots: UnsafeMutablePointer<Int32>
    let heldRemaining: UnsafeMutablePointer<Int>
    var heldCount = 0

    init(
        capacity: Int, slotSize: Int, impairments: SimImpairments, seed: UInt64, clock: SimClock, phc: SimPHC?,
        softwareStamps: Bool, softwareStampLatency: UInt64, queueID: UInt16
    ) {
        precondition(capacity > 0 && capacity < Int(Int32.max) && slotSize > 0, "SimWire needs capacity and slot size > 0")
        precondition(impairments.problem == nil, impairments.problem ?? "")
        self.impairments = impairments
        self.clock = clock
        self.phc = phc
        self.softwareStamps = softwareStamps
        self.softwareStampLatency = softwareStampLatency
        self.queueID = queueID
        self.capacity = capacity
        self.slotSize = slotSize
        lossCut = SimRandom.probabilityThreshold(impairments.lossProbability)
        duplicationCut = SimRandom.probabilityThreshold(impairments.duplicationProbability)
        reorderCut = SimRandom.probabilityThreshold(impairments.reorderProbability)
        random = SimRandom(seed: seed)
        bytes = .allocate(byteCount: capacity * slotSize, alignment: 64)
        bytes.initializeMemory(as: UInt8.self, repeating: 0, count: capacity * slotSize)
        lengths = .allocate(capacity: capacity)
        lengths.initialize(repeating: 0, count: capacity)
        truncatedFlags = .allocate(capacity: capacity)
        truncatedFlags.initialize(repeating: false, count: capacity)
        arrivals = .allocate(capacity: capacity)
        arrivals.initialize(repeating: 0, count: capacity)
        free = .allocate(capacity: capacity)
        for i in 0..<capacity { (free + i).initialize(to: Int32(capacity - 1 - i)) }
        freeCount = capacity
        fifo = .allocate(capacity: capacity)
        fifo.initialize(repeating: 0, count: capacity)
        heldSlots = .allocate(capacity: capacity)
        heldSlots.initialize(repeating: 0, count: capacity)
        heldRemaining = .allocate(capacity: capacity)
        heldRemaining.initialize(repeating: 0, count: capacity)
    }

    deinit {
        bytes.deallocate()
        lengths.deallocate()
        truncatedFlags.deallocate()
        arrivals.deallocate()
        free.deallocate()
        fifo.deallocate()
        heldSlots.deallocate()
        heldRemaining.deallocate()
    }

    /// Copies in flight (queued or held), not yet delivered.
    var inFlight: Int { capacity - freeCount }

    /// Puts a frame on the wire at simulated time `at`. No allocation.
    mutating func inject(_ frame: UnsafeRawBufferPointer, at: UInt64) -> SimInjectResult {
        counters.injected &+= 1
        // Fixed draw order and count (see the type's doc).
        let lost = random.chance(lossCut)
        let jitter = impairments.jitterNanoseconds == 0 ? 0 : random.next(below: impairments.jitterNanoseconds &+ 1)
        let duplicate = random.chance(duplicationCut)
        let reorderFirst = random.chance(reorderCut)
        let displacementFirst = 1 + Int(random.next(below: UInt64(Swift.max(impairments.maxReorderDisplacement, 1))))
        let reorderSecond = random.chance(reorderCut)
        let displacementSecond = 1 + Int(random.next(below: UInt64(Swift.max(impairments.maxReorderDisplacement, 1))))
        if lost {
            counters.dropped &+= 1
            return .dropped
        }
        let arrival = at &+ impairments.delayNanoseconds &+ jitter
        guard place(frame, arrival: arrival, hold: reorderFirst ? displacementFirst : 0) else {
            counters.overflowed &+= 1
            return .overflowed
        }
        guard duplicate else { return .queued(copies: 1) }
        guard place(frame, arrival: arrival, hold: reorderSecond ? displacementSecond : 0) else {
            counters.overflowed &+= 1
            return .queued(copies: 1)
        }
        counters.duplicated &+= 1
        return .queued(copies: 2)
    }

    private mutating func place(_ frame: UnsafeRawBufferPointer, arrival: UInt64, hold: Int) -> Bool {
        guard freeCount > 0 else { return false }
        freeCount -= 1
        let slot = Int(free[freeCount])
        let n = Swift.min(frame.count, slotSize)
        if n > 0, let src = frame.baseAddress { (bytes + slot * slotSize).copyMemory(from: src, byteCount: n) }
        lengths[slot] = n
        truncatedFlags[slot] = frame.count > slotSize
        if frame.count > slotSize { counters.truncated &+= 1 }
        arrivals[slot] = arrival
        if hold > 0 {
            heldSlots[heldCount] = Int32(slot)
            heldRemaining[heldCount] = hold
            heldCount += 1
            counters.reordered &+= 1
            return true
        }
        append(slot)
        // One more frame went ahead of every held copy; release those whose allowance is used up,
        // and everything held before them, so no copy is passed by more than its allowance.
        var releaseThrough = -1
        for i in 0..<heldCount {
            heldRemaining[i] -= 1
            if heldRemaining[i] <= 0 { releaseThrough = i }
        }
        if releaseThrough >= 0 { releaseHeld(through: releaseThrough) }
        return true
    }

    private mutating func append(_ slot: Int) {
        // Arrival order is FIFO order: a copy never arrives before the one ahead of it.
        if arrivals[slot] < lastArrival { arrivals[slot] = lastArrival }
        lastArrival = arrivals[slot]
        var tail = fifoHead + fifoCount
        if tail >= capacity { tail -= capacity }
        fifo[tail] = Int32(slot)
        fifoCount += 1
    }

    private mutating func releaseHeld(through last: Int) {
        for i in 0...last { append(Int(heldSlots[i])) }
        let remaining = heldCount - (last + 1)
        for i in 0..<remaining {
            heldSlots[i] = heldSlots[last + 1 + i]
            heldRemaining[i] = heldRemaining[last + 1 + i]
        }
        heldCount = remaining
    }

    /// Moves the first `count` held copies (all receivable now) to the front of the FIFO, in
    /// injection order. A reordered copy arrives after the frames that overtook it, so its
    /// arrival is raised to the last delivered one's; that is still not after `now`.
    private mutating func releaseHeldToFront(count k: Int) {
        var arrival = lastDeliveredArrival
        for i in 0..<k {
            let slot = Int(heldSlots[i])
            arrival = Swift.max(arrival, arrivals[slot])
            arrivals[slot] = arrival
        }
        lastArrival = Swift.max(lastArrival, arrival)
        for i in stride(from: k - 1, through: 0, by: -1) {
            fifoHead = fifoHead == 0 ? capacity - 1 : fifoHead - 1
            fifo[fifoHead] = heldSlots[i]
            fifoCount += 1
        }
        let remaining = heldCount - k
        for i in 0..<remaining {
            heldSlots[i] = heldSlots[k + i]
            heldRemaining[i] = heldRemaining[k + i]
        }
        heldCount = remaining
    }

    private func receivable(_ slot: Int, now: UInt64) -> Bool {
        arrivals[slot] &+ softwareStampLatency <= now
    }

    /// Hands out copies receivable at the clock's present, in order, to `take`, until it returns
    /// false (the consumer is full: the copy stays queued) or none is ready. Returns how many were
    /// taken. No allocation.
    mutating func deliver(
        upTo limit: Int, _ take: (UnsafeRawBufferPointer, vega_rx_meta) -> Bool
    ) -> Int {
        let now = clock.now.nanoseconds
        var n = 0
        while n < limit {
            if fifoCount == 0 || !receivable(Int(fifo[fifoHead]), now: now) {
                // Nothing ready could overtake the held copies any more: the oldest ready ones go
                // first (ahead of the FIFO, whose frames all arrive later).
                var k = 0
                while k < heldCount, receivable(Int(heldSlots[k]), now: now) { k += 1 }
                guard k > 0 else { break }
                releaseHeldToFront(count: k)
                continue
            }
            let slot = Int(fifo[fifoHead])
            var meta = vega_rx_meta()
            let arrival = arrivals[slot]
            if let phc {
                meta.hw_ns = phc.time(atSystemTime: Timestamp(nanoseconds: arrival)).nanoseconds
                meta.flags |= UInt32(VEGA_FRAME_HAS_HW)
            }
            if softwareStamps {
                meta.sw_ns = arrival &+ softwareStampLatency
                meta.flags |= UInt32(VEGA_FRAME_HAS_SW)
            }
            if truncatedFlags[slot] { meta.flags |= UInt32(VEGA_FRAME_TRUNCATED) }
            meta.len = UInt32(truncatingIfNeeded: lengths[slot])
            meta.queue = queueID
            guard take(UnsafeRawBufferPointer(start: bytes + slot * slotSize, count: lengths[slot]), meta) else { break }
            fifoHead += 1
            if fifoHead == capacity { fifoHead = 0 }
            fifoCount -= 1
            lastDeliveredArrival = arrival
            free[freeCount] = Int32(slot)
            freeCount += 1
            counters.delivered &+= 1
            n += 1
        }
        return n
    }

    /// The earliest simulated time at which a queued copy becomes receivable, if any: lets a
    /// driver advance the clock straight to the next event instead of stepping blindly.
    var nextReceivableTime: UInt64? {
        var best: UInt64? = nil
        if fifoCount > 0 { best = arrivals[Int(fifo[fifoHead])] &+ softwareStampLatency }
        for i in 0..<heldCount {
            let t = arrivals[Int(heldSlots[i])] &+ softwareStampLatency
            if best.map({ t < $0 }) ?? true { best = t }
        }
        return best
    }
}
