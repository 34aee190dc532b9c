import VegaHardware

/// A MoldUDP64 re-request server, sans-IO: keeps the last `capacity` messages of one session in
/// a fixed ring and answers request packets with one downstream packet each, as many of the
/// requested messages as fit in `maxPayload` (the listener asks again for the rest).
///
/// Used by the venue simulator and by tests; it could also run as a caching re-request server
/// fed from the multicast (`record(packet:)`). Storage is allocated in `init`; `append`,
/// `record` and `answer` allocate nothing and take no locks.
public struct MoldUDP64RequestServer: ~Copyable {
    /// Why a request got no answer.
    public enum Rejection: UInt8, Sendable, CaseIterable {
        /// Not a 20-byte request with a count of 1…0xFFFE and a sequence ≥ 1.
        case malformedRequest
        /// For another session.
        case wrongSession
        /// Its first message has left the ring (or was never recorded here).
        case tooOld
        /// Its first message has not been sent yet.
        case notYetSent
    }

    /// The outcome of one request.
    public enum Answer: Sendable, Equatable {
        /// A downstream packet of `length` bytes carrying `count` messages from `first`.
        case packet(length: Int, first: UInt64, count: Int)
        case rejected(Rejection)
    }

    public struct Counters: Sendable, Equatable {
        public var requests: UInt64 = 0
        public var answered: UInt64 = 0
        public var messagesSent: UInt64 = 0
        /// Answers with fewer messages than asked for (payload cap or end of what was sent).
        public var partialAnswers: UInt64 = 0
        public var malformedRequest: UInt64 = 0
        public var wrongSession: UInt64 = 0
        public var tooOld: UInt64 = 0
        public var notYetSent: UInt64 = 0
        /// Messages refused by `append` for being longer than a slot.
        public var tooLarge: UInt64 = 0
        public init() {}
    }

    public let session: MoldUDP64SessionID
    /// Largest datagram an answer may be (UDP payload bytes).
    public let maxPayload: Int
    public var counters: Counters { _counters }
    @usableFromInline var _counters: Counters = Counters()
    /// The sequence number the next appended message gets.
    public var nextSequence: UInt64 { _nextSequence }
    @usableFromInline var _nextSequence: UInt64
    /// The oldest sequence number still held (== `nextSequence` when empty).
    public var oldestSequence: UInt64 { _oldestSequence }
    @usableFromInline var _oldestSequence: UInt64

    @usableFromInline let mask: UInt64
    @usableFromInline let slotBytes: Int
    @usableFromInline let lengths: UnsafeMutablePointer<Int>
    @usableFromInline let storage: UnsafeMutableRawPointer

    /// `capacity` messages (rounded up to a power of two) of up to `slotBytes` each;
    /// `firstSequence` is the sequence the first appended message gets.
    public init(session: MoldUDP64SessionID, capacity: Int = 65_536, slotBytes: Int = 128, maxPayload: Int = 1472,
                firstSequence: UInt64 = 1) {
        precondition(capacity >= 1 && slotBytes >= 1, "capacity and slotBytes must be ≥ 1")
        precondition(maxPayload >= MoldUDP64.headerLength + MoldUDP64.blockLengthFieldSize + slotBytes,
                     "maxPayload \(maxPayload) cannot carry one \(slotBytes)-byte message (needs \(22 + slotBytes))")
        var c = 1
        while c < capacity { c <<= 1 }
        self.session = session
        self.maxPayload = maxPayload
        mask = UInt64(c - 1)
        self.slotBytes = slotBytes
        lengths = .allocate(capacity: c)
        lengths.initialize(repeating: 0, count: c)
        storage = .allocate(byteCount: c * slotBytes, alignment: 64)
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: c * slotBytes)
        _nextSequence = firstSequence
        _oldestSequence = firstSequence
    }

    deinit {
        lengths.deallocate()
        storage.deallocate()
    }

    /// Records the next message of the session; returns its sequence number, or nil (counted)
    /// when it is longer than a slot. The oldest message leaves when the ring is full.
    @inlinable
    @discardableResult
    public mutating func append(_ message: UnsafeRawBufferPointer) -> UInt64? {
        guard message.count <= slotBytes else {
            _counters.tooLarge &+= 1
            return nil
        }
        let sequence = _nextSequence
        let slot = Int(truncatingIfNeeded: sequence & mask)
        lengths[slot] = message.count
        if message.count > 0 {
            (storage + slot &* slotBytes).copyMemory(from: message.baseAddress.unsafelyUnwrapped, byteCount: message.count)
        }
        _nextSequence = sequence &+ 1
        if _nextSequence &- _oldestSequence > mask &+ 1 { _oldestSequence = _nextSequence &- (mask &+ 1) }
        return sequence
    }

    /// Records a downstream packet of our session seen on the feed (a caching server). Messages
    /// already held are skipped; a packet beyond `nextSequence` restarts the ring there (the
    /// ring only holds contiguous runs).
    @inlinable
    public mutating func record(packet: MoldUDP64Packet) {
        guard packet.session == session, packet.kind == .data else { return }
        if packet.sequence > _nextSequence {
            _nextSequence = packet.sequence
            _oldestSequence = packet.sequence
        }
        var sequence = packet.sequence
        var messages = packet.messages
        while let m = messages.next() {
            if sequence == _nextSequence { _ = append(m) }
            sequence &+= 1
        }
    }

    /// Answers one request datagram by writing a downstream packet into `out` (which should hold
    /// `maxPayload` bytes). No allocation, no locks.
    @inlinable
    public mutating func answer(request: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Answer {
        _counters.requests &+= 1
        let parsed = MoldUDP64RequestPacket.parse(request)
        guard let r = parsed.request else { return reject(.malformedRequest) }
        guard r.session == session else { return reject(.wrongSession) }
        guard r.sequence >= _oldestSequence else { return reject(.tooOld) }
        guard r.sequence < _nextSequence else { return reject(.notYetSent) }
        let available = _nextSequence &- r.sequence
        let wanted = Swift.min(UInt64(r.count), available)
        var encoder = MoldUDP64Encoder(into: out, session: session, sequence: r.sequence, maxPayload: maxPayload)
        var sequence = r.sequence
        while sequence &- r.sequence < wanted {
            let slot = Int(truncatingIfNeeded: sequence & mask)
            if !encoder.append(UnsafeRawBufferPointer(start: storage + slot &* slotBytes, count: lengths[slot])) { break }
            sequence &+= 1
        }
        let count = encoder.count
        _counters.answered &+= 1
        _counters.messagesSent &+= UInt64(count)
        if UInt64(count) < UInt64(r.count) { _counters.partialAnswers &+= 1 }
        return .packet(length: encoder.finish(), first: r.sequence, count: count)
    }

    @inlinable
    mutating func reject(_ reason: Rejection) -> Answer {
        switch reason {
        case .malformedRequest: _counters.malformedRequest &+= 1
        case .wrongSession: _counters.wrongSession &+= 1
        case .tooOld: _counters.tooOld &+= 1
        case .notYetSent: _counters.notYetSent &+= 1
        }
        return .rejected(reason)
    }

    /// One round on a packet queue: answers every request waiting on `queue` by transmitting on
    /// the same queue (a socket or simulated queue whose destination is the requester). `scratch`
    /// holds one answer (`maxPayload` bytes). Returns the requests handled.
    @inlinable
    public mutating func serve<Queue: PacketQueue & ~Copyable>(
        on queue: inout Queue, batch: inout RxBatch, scratch: UnsafeMutableRawBufferPointer
    ) throws(HardwareError) -> Int {
        let n = try queue.receive(into: &batch)
        for i in 0..<n {
            if case .packet(let length, _, _) = answer(request: batch[i].bytes, into: scratch) {
                _ = try queue.transmit(UnsafeRawBufferPointer(rebasing: scratch[0..<length]))
            }
        }
        return n
    }
}
