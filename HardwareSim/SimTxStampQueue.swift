import VegaHardware

/// The simulated socket error queue: a fixed ring of TX timestamps waiting to be drained.
///
/// Allocated once; `push` and `drain` allocate nothing and take no locks. A stamp that finds the
/// ring full is dropped and counted, as the kernel drops error-queue entries past the socket's
/// buffer.
struct SimTxStampQueue: ~Copyable {
    let stamps: UnsafeMutablePointer<TxTimestamp>
    let capacity: Int
    var head = 0
    var count = 0
    /// Stamps discarded because they were not drained in time.
    private(set) var dropped: UInt64 = 0

    init(capacity: Int) {
        precondition(capacity > 0, "a TX stamp queue needs capacity > 0")
        self.capacity = capacity
        stamps = .allocate(capacity: capacity)
        stamps.initialize(repeating: TxTimestamp(id: 0, kind: .sent, isHardware: false, nanoseconds: 0), count: capacity)
    }

    deinit { stamps.deallocate() }

    mutating func push(_ s: TxTimestamp) {
        guard count < capacity else {
            dropped &+= 1
            return
        }
        var i = head + count
        if i >= capacity { i -= capacity }
        stamps[i] = s
        count += 1
    }

    mutating func drain(into out: UnsafeMutableBufferPointer<TxTimestamp>) -> Int {
        let n = Swift.min(out.count, count)
        for k in 0..<n {
            out[k] = stamps[head]
            head += 1
            if head == capacity { head = 0 }
        }
        count -= n
        return n
    }
}
