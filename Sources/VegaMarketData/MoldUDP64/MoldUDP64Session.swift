import VegaCore

/// The receiving side of one MoldUDP64 session, sans-IO: datagrams (from line A, line B or the
/// re-request server) and the caller's monotonic time in; in-order messages, request packets
/// to send and events out, through a generic `MoldUDP64SessionOutput`.
///
/// - Gaps are detected on the packet that reveals them (data beyond the next expected sequence,
///   or a heartbeat / end of session announcing a later next sequence).
/// - Messages after a hole wait in a fixed reorder buffer (`reorderCapacity` messages of up to
///   `reorderSlotBytes`); one arriving beyond the buffer's window gives up the oldest hole.
/// - A/B arbitration is per message: the first copy of a sequence number wins, whichever line
///   brought it; later copies are dropped and counted on their line.
/// - Recovery: after `requestDelayNanoseconds` (time for the other line to fill the hole) one
///   request for the first hole (≤ `maxMessagesPerRequest`) is outstanding at a time; it is
///   re-sent after `requestTimeoutNanoseconds` without progress, at most `maxRetries` times, then
///   the range is given up (`gaveUp`: the caller marks its books stale).
///
/// No clock is read inside: `now` comes from the caller, so a replay or a test reproduces every
/// action exactly. Storage is allocated in `init`; `receive` and `poll` allocate nothing and take
/// no locks (see the proofs in the tests). Cost per in-order message: a few compares and the
/// output's `deliver`; a buffered message adds one copy into its slot.
public struct MoldUDP64Session: ~Copyable {
    public let configuration: MoldUDP64SessionConfiguration
    public var counters: MoldUDP64SessionCounters { _counters }
    @usableFromInline var _counters: MoldUDP64SessionCounters = MoldUDP64SessionCounters()
    /// The session followed (nil until the first packet when not configured).
    public var session: MoldUDP64SessionID? { _session }
    @usableFromInline var _session: MoldUDP64SessionID?
    /// The next sequence number to deliver.
    public var nextSequence: UInt64 { _nextSequence }
    @usableFromInline var _nextSequence: UInt64
    /// One past the highest sequence number known to exist.
    public var knownEnd: UInt64 { _knownEnd }
    @usableFromInline var _knownEnd: UInt64
    /// An end-of-session packet was seen for the current session.
    public var hasEnded: Bool { _hasEnded }
    @usableFromInline var _hasEnded: Bool = false

    @usableFromInline var initialized: Bool
    @usableFromInline var gapOpen = false
    @usableFromInline var lossInGap = false
    @usableFromInline var gapOpenedAt: UInt64 = 0

    // The outstanding request, if `requestActive`.
    @usableFromInline var requestActive = false
    @usableFromInline var requestSequence: UInt64 = 0
    @usableFromInline var requestCount: UInt64 = 0
    @usableFromInline var requestSentAt: UInt64 = 0
    @usableFromInline var requestAttempts = 0

    // Reorder buffer: slot `s & mask` holds sequence `s` when `tags[s & mask] == s`.
    @usableFromInline let mask: UInt64
    @usableFromInline let slotBytes: Int
    @usableFromInline let tags: UnsafeMutablePointer<UInt64>
    @usableFromInline let lengths: UnsafeMutablePointer<Int>
    @usableFromInline let times: UnsafeMutablePointer<EventTimes>
    @usableFromInline let storage: UnsafeMutableRawPointer
    /// Messages in the reorder buffer now.
    public var bufferedNow: Int { _bufferedNow }
    @usableFromInline var _bufferedNow: Int = 0

    /// Allocates the reorder buffer (`reorderCapacity` rounded up to a power of two, times
    /// `reorderSlotBytes`) and touches it. Off the lane.
    public init(_ configuration: MoldUDP64SessionConfiguration = .init()) {
        precondition(configuration.reorderCapacity >= 1 && configuration.reorderSlotBytes >= 1,
                     "reorderCapacity and reorderSlotBytes must be ≥ 1")
        precondition(configuration.maxMessagesPerRequest >= 1 && configuration.maxMessagesPerRequest < 0xFFFF,
                     "maxMessagesPerRequest must be 1…65534 (0xFFFF is not a count)")
        precondition(configuration.maxRetries >= 0, "maxRetries must be ≥ 0")
        self.configuration = configuration
        var capacity = 1
        while capacity < configuration.reorderCapacity { capacity <<= 1 }
        mask = UInt64(capacity - 1)
        slotBytes = configuration.reorderSlotBytes
        tags = .allocate(capacity: capacity)
        tags.initialize(repeating: 0, count: capacity)
        lengths = .allocate(capacity: capacity)
        lengths.initialize(repeating: 0, count: capacity)
        times = .allocate(capacity: capacity)
        times.initialize(repeating: EventTimes(exchange: Timestamp(nanoseconds: 0)), count: capacity)
        storage = .allocate(byteCount: capacity * slotBytes, alignment: 64)
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: capacity * slotBytes)
        _session = configuration.session
        let first = configuration.initialSequence ?? 0
        _nextSequence = first
        _knownEnd = first
        initialized = configuration.initialSequence != nil
    }

    deinit {
        tags.deallocate()
        lengths.deallocate()
        times.deallocate()
        storage.deallocate()
    }

    /// Messages the reorder buffer can hold (a power of two).
    public var reorderCapacity: Int { Int(mask) + 1 }

    /// The range a request is outstanding for, if any.
    public var outstandingRequest: (sequence: UInt64, count: UInt64, attempts: Int)? {
        requestActive ? (requestSequence, requestCount, requestAttempts) : nil
    }

    // MARK: input

    /// Handles one datagram from `line` that arrived at `now` (caller's monotonic ns) with the
    /// frame's stamps `frameTimes`. `truncated`: the queue flagged the frame as cut short.
    /// No allocation, no locks.
    @inlinable
    public mutating func receive<Output: MoldUDP64SessionOutput & ~Copyable>(
        datagram: UnsafeRawBufferPointer, truncated: Bool, line: MoldUDP64Line, frameTimes: EventTimes,
        now: UInt64, output: inout Output
    ) {
        _counters.datagrams &+= 1
        switch MoldUDP64Packet.parse(datagram, truncated: truncated) {
        case .malformed(let reason):
            _counters.malformed[reason] &+= 1
            _counters[line].malformed &+= 1
        case .packet(let packet):
            receive(packet: packet, line: line, frameTimes: frameTimes, now: now, output: &output)
        }
    }

    /// `receive(datagram:truncated:…)` for a frame that was not truncated.
    @inlinable
    public mutating func receive<Output: MoldUDP64SessionOutput & ~Copyable>(
        datagram: UnsafeRawBufferPointer, line: MoldUDP64Line, frameTimes: EventTimes, now: UInt64, output: inout Output
    ) {
        receive(datagram: datagram, truncated: false, line: line, frameTimes: frameTimes, now: now, output: &output)
    }

    /// Handles one already validated packet. No allocation, no locks.
    @inlinable
    public mutating func receive<Output: MoldUDP64SessionOutput & ~Copyable>(
        packet: MoldUDP64Packet, line: MoldUDP64Line, frameTimes: EventTimes, now: UInt64, output: inout Output
    ) {
        guard acceptSession(packet, now: now, output: &output) else {
            _counters.wrongSession &+= 1
            _counters[line].wrongSession &+= 1
            return
        }
        _counters[line].packets &+= 1
        let sequenceBefore = _nextSequence
        if !packet.isData {
            _counters[line].controlPackets &+= 1
            if packet.isEndOfSession { _counters.endOfSessionPackets &+= 1 } else { _counters.heartbeats &+= 1 }
            reveal(upTo: packet.sequence, line: line, now: now, output: &output)
            if packet.isEndOfSession, !_hasEnded {
                _hasEnded = true
                output.event(.endOfSession(nextSequence: packet.sequence))
            }
        } else {
            let first = packet.sequence
            let endBefore = _knownEnd
            reveal(upTo: first, line: line, now: now, output: &output)
            _counters[line].messages &+= UInt64(packet.count)
            var sequence = first
            var messages = packet.messages
            while let message = messages.next() {
                // Raised per message so that a give-up forced mid-packet sees this packet's own
                // buffered messages as existing.
                if sequence >= _knownEnd { _knownEnd = sequence &+ 1 }
                accept(message, sequence: sequence, line: line, fillsHole: sequence < endBefore,
                       frameTimes: frameTimes, output: &output)
                sequence &+= 1
            }
        }
        // A retransmission that moved us forward but left part of the request's range missing
        // means the server answered fewer than asked (its packet size cap): ask for the rest now.
        let partialAnswer = line.rawValue == MoldUDP64Line.retransmission.rawValue && _nextSequence > sequenceBefore
        service(now: now, partialAnswer: partialAnswer, output: &output)
    }

    /// The timer step: re-sends or gives up requests whose time has come. Call it every lane
    /// round (or at least every timeout); it does nothing when no hole is open. No allocation.
    @inlinable
    public mutating func poll<Output: MoldUDP64SessionOutput & ~Copyable>(now: UInt64, output: inout Output) {
        service(now: now, partialAnswer: false, output: &output)
    }

    // MARK: state machine

    /// Whether `packet` belongs to the session we follow; adopts the first one, and a new one
    /// after ours ended.
    @inlinable
    mutating func acceptSession<Output: MoldUDP64SessionOutput & ~Copyable>(
        _ packet: MoldUDP64Packet, now: UInt64, output: inout Output
    ) -> Bool {
        if let current = _session {
            if current == packet.session { return startIfNeeded(packet) }
            guard _hasEnded else { return false }
            // The old session is over: whatever it still misses is lost for good.
            if _nextSequence < _knownEnd { abandon(upTo: _knownEnd, output: &output) }
            reset()
            _session = packet.session
            _counters.sessionChanges &+= 1
            output.event(.sessionChanged(from: current, to: packet.session))
            return startIfNeeded(packet)
        }
        _session = packet.session
        _counters.sessionChanges &+= 1
        output.event(.sessionChanged(from: nil, to: packet.session))
        return startIfNeeded(packet)
    }

    @inlinable
    mutating func startIfNeeded(_ packet: MoldUDP64Packet) -> Bool {
        if !initialized {
            initialized = true
            _nextSequence = packet.sequence
            _knownEnd = packet.sequence
        }
        return true
    }

    /// Back to the start of a session: nothing buffered, nothing requested. O(capacity); only on a
    /// session change.
    @inlinable
    mutating func reset() {
        for i in 0...Int(mask) { tags[i] = 0 }
        _bufferedNow = 0
        requestActive = false
        gapOpen = false
        lossInGap = false
        _hasEnded = false
        initialized = configuration.initialSequence != nil
        _nextSequence = configuration.initialSequence ?? 0
        _knownEnd = _nextSequence
    }

    /// A packet showed that messages up to (not including) `end` exist: a hole opens for those
    /// between our known end and `end`.
    @inlinable
    mutating func reveal<Output: MoldUDP64SessionOutput & ~Copyable>(
        upTo end: UInt64, line: MoldUDP64Line, now: UInt64, output: inout Output
    ) {
        guard end > _knownEnd else { return }
        let first = _knownEnd
        _knownEnd = end
        _counters.gaps &+= 1
        _counters.gapMessages &+= end &- first
        if !gapOpen {
            gapOpen = true
            lossInGap = false
            gapOpenedAt = now
        }
        output.event(.gapDetected(first: first, count: end &- first, line: line))
    }

    /// One message of a valid packet: deliver it, buffer it, or drop it as a copy.
    @inlinable
    mutating func accept<Output: MoldUDP64SessionOutput & ~Copyable>(
        _ message: UnsafeRawBufferPointer, sequence: UInt64, line: MoldUDP64Line, fillsHole: Bool,
        frameTimes: EventTimes, output: inout Output
    ) {
        if sequence < _nextSequence {
            _counters.duplicates &+= 1
            _counters[line].duplicates &+= 1
            return
        }
        if sequence &- _nextSequence > mask {
            // Beyond the window: the oldest holes cannot wait any longer.
            _counters.reorderOverflows &+= 1
            abandon(upTo: sequence &- mask, output: &output)
        }
        if sequence == _nextSequence {
            _counters[line].firstCopies &+= 1
            if fillsHole { _counters.recoveredMessages &+= 1 }
            _counters.delivered &+= 1
            _nextSequence = sequence &+ 1
            output.deliver(message: message, sequence: sequence, times: frameTimes)
            drain(output: &output)
            return
        }
        let slot = Int(truncatingIfNeeded: sequence & mask)
        if tags[slot] == sequence {
            _counters.duplicates &+= 1
            _counters[line].duplicates &+= 1
            return
        }
        guard message.count <= slotBytes else {
            _counters.tooLargeToBuffer &+= 1
            return
        }
        _counters[line].firstCopies &+= 1
        if fillsHole { _counters.recoveredMessages &+= 1 }
        _counters.buffered &+= 1
        tags[slot] = sequence
        lengths[slot] = message.count
        times[slot] = frameTimes
        if message.count > 0 {
            (storage + slot &* slotBytes).copyMemory(from: message.baseAddress.unsafelyUnwrapped, byteCount: message.count)
        }
        _bufferedNow &+= 1
    }

    /// Delivers buffered messages that are now in order.
    @inlinable
    mutating func drain<Output: MoldUDP64SessionOutput & ~Copyable>(output: inout Output) {
        while _bufferedNow > 0 {
            let slot = Int(truncatingIfNeeded: _nextSequence & mask)
            guard tags[slot] == _nextSequence else { return }
            tags[slot] = 0
            _bufferedNow &-= 1
            _counters.delivered &+= 1
            let sequence = _nextSequence
            _nextSequence = sequence &+ 1
            output.deliver(message: UnsafeRawBufferPointer(start: storage + slot &* slotBytes, count: lengths[slot]),
                           sequence: sequence, times: times[slot])
        }
    }

    /// Gives up every missing message before `target`, delivering what was buffered in between.
    @inlinable
    mutating func abandon<Output: MoldUDP64SessionOutput & ~Copyable>(upTo target: UInt64, output: inout Output) {
        while _nextSequence < target {
            let first = _nextSequence
            // Buffered messages can only lie below _knownEnd and inside the window.
            let scanLimit = Swift.min(Swift.min(target, _knownEnd), first &+ mask &+ 1)
            var end = first
            while end < scanLimit, tags[Int(truncatingIfNeeded: end & mask)] != end { end &+= 1 }
            if end == scanLimit { end = target }
            let lost = end &- first
            _counters.giveUps &+= 1
            _counters.staleMarks &+= 1
            _counters.lostMessages &+= lost
            lossInGap = true
            _nextSequence = end
            if _knownEnd < end { _knownEnd = end }
            output.event(.gaveUp(first: first, count: lost))
            drain(output: &output)
        }
    }

    /// Requests, retries and give-ups; closes the gap when everything arrived.
    @inlinable
    mutating func service<Output: MoldUDP64SessionOutput & ~Copyable>(
        now: UInt64, partialAnswer: Bool, output: inout Output
    ) {
        if _nextSequence >= _knownEnd {
            requestActive = false
            if gapOpen {
                gapOpen = false
                if !lossInGap {
                    _counters.gapsRecovered &+= 1
                    output.event(.recovered(nextSequence: _nextSequence))
                }
            }
            return
        }
        guard let current = _session else { return }
        if requestActive {
            let requestEnd = requestSequence &+ requestCount
            if _nextSequence >= requestEnd || _nextSequence < requestSequence {
                requestActive = false  // answered (or overtaken by a give-up): the next hole is new business
            } else if partialAnswer && _nextSequence > requestSequence {
                sendRequest(session: current, now: now, attempts: 1, output: &output)
                return
            } else if now &- requestSentAt >= configuration.requestTimeoutNanoseconds {
                if _nextSequence > requestSequence {
                    // Progress since the last send: not a failure, ask again for the rest.
                    sendRequest(session: current, now: now, attempts: 1, output: &output)
                } else if requestAttempts > configuration.maxRetries {
                    requestActive = false
                    abandon(upTo: Swift.min(requestEnd, holeEnd()), output: &output)
                    // Whatever is still missing after the give-up is the next hole, asked for at once.
                    service(now: now, partialAnswer: false, output: &output)
                } else {
                    _counters.requestRetries &+= 1
                    sendRequest(session: current, now: now, attempts: requestAttempts &+ 1, output: &output)
                }
                return
            } else {
                return
            }
        }
        if now &- gapOpenedAt >= configuration.requestDelayNanoseconds {
            sendRequest(session: current, now: now, attempts: 1, output: &output)
        }
    }

    /// One past the end of the hole at `nextSequence`, capped at a request's size.
    @inlinable
    func holeEnd() -> UInt64 {
        // Two-argument mins: the variadic `min(_:_:_:_:)` would build an array.
        let limit = Swift.min(Swift.min(_knownEnd, _nextSequence &+ UInt64(configuration.maxMessagesPerRequest)), _nextSequence &+ mask &+ 1)
        if _bufferedNow == 0 { return limit }
        var end = _nextSequence &+ 1
        while end < limit, tags[Int(truncatingIfNeeded: end & mask)] != end { end &+= 1 }
        return end
    }

    @inlinable
    mutating func sendRequest<Output: MoldUDP64SessionOutput & ~Copyable>(
        session: MoldUDP64SessionID, now: UInt64, attempts: Int, output: inout Output
    ) {
        let end = holeEnd()
        requestActive = true
        requestSequence = _nextSequence
        requestCount = end &- _nextSequence
        requestSentAt = now
        requestAttempts = attempts
        _counters.requests &+= 1
        _counters.requestedMessages &+= requestCount
        output.request(session: session, sequence: requestSequence, count: UInt16(truncatingIfNeeded: requestCount))
    }
}
