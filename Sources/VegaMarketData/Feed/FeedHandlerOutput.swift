import VegaCore

/// The `MoldUDP64SessionOutput` a `FeedHandler` gives its session: passes messages to the
/// consumer, turns give-ups into `markStale`, keeps the latest request for the handler to send,
/// and logs events in a fixed ring for telemetry to read off the hot path.
public struct FeedHandlerOutput<Consumer: MarketDataMessageConsumer & ~Copyable>: MoldUDP64SessionOutput, ~Copyable {
    public var consumer: Consumer
    /// Stale marks passed to the consumer (one per give-up).
    public var staleMarks: UInt64 { _staleMarks }
    @usableFromInline var _staleMarks: UInt64 = 0
    /// Events logged since start; the ring keeps the last `eventCapacity`.
    public var eventsLogged: UInt64 { _eventsLogged }
    @usableFromInline var _eventsLogged: UInt64 = 0
    public let eventCapacity: Int

    @usableFromInline var hasPendingRequest = false
    @usableFromInline var pendingSession = MoldUDP64SessionID(high: 0, low: 0)
    @usableFromInline var pendingSequence: UInt64 = 0
    @usableFromInline var pendingCount: UInt16 = 0
    @usableFromInline let events: UnsafeMutablePointer<MoldUDP64SessionEvent>

    public init(consumer: consuming Consumer, eventCapacity: Int = 256) {
        precondition(eventCapacity >= 1, "eventCapacity must be ≥ 1")
        self.consumer = consumer
        self.eventCapacity = eventCapacity
        events = .allocate(capacity: eventCapacity)
        events.initialize(repeating: .recovered(nextSequence: 0), count: eventCapacity)
    }

    deinit { events.deallocate() }

    @inlinable
    public mutating func deliver(message: UnsafeRawBufferPointer, sequence: UInt64, times: EventTimes) {
        consumer.consume(message: message, sequence: sequence, times: times)
    }

    /// Keeps only the latest: the session has one request outstanding, so a later one in the same
    /// round replaces an earlier one it has already abandoned.
    @inlinable
    public mutating func request(session: MoldUDP64SessionID, sequence: UInt64, count: UInt16) {
        hasPendingRequest = true
        pendingSession = session
        pendingSequence = sequence
        pendingCount = count
    }

    @inlinable
    public mutating func event(_ event: MoldUDP64SessionEvent) {
        events[Int(truncatingIfNeeded: _eventsLogged % UInt64(eventCapacity))] = event
        _eventsLogged &+= 1
        if case .gaveUp = event {
            _staleMarks &+= 1
            consumer.markStale(locate: nil)
        }
    }

    /// The events still in the ring, oldest first (allocates: off the lane).
    public var recentEvents: [MoldUDP64SessionEvent] {
        let kept = Int(min(_eventsLogged, UInt64(eventCapacity)))
        return (0..<kept).map { events[Int((_eventsLogged - UInt64(kept) + UInt64($0)) % UInt64(eventCapacity))] }
    }
}
