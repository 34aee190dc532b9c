/// What a feed handler hands its in-order messages to: the ITCH 5.0 handler on a lane, a
/// recorder in tests, a capture writer.
///
/// Lane calls: no allocation, no locks; mark implementations `@inlinable` so the handler's
/// generic calls specialise.
public protocol MarketDataMessageConsumer: ~Copyable {
    /// One message, in sequence order (each sequence number once, ascending; a jump only after
    /// `markStale`). `message` is borrowed for the call. `times` carries the NIC and kernel stamps
    /// of the frame that brought the message; its `exchange` field is 0 (the session layer does not
    /// read message bodies: the decoder fills it from the message's own timestamp).
    mutating func consume(message: UnsafeRawBufferPointer, sequence: UInt64, times: EventTimes)

    /// Messages were lost for good (the feed handler gave up recovering them): the books of
    /// `locate` (nil: every book, which is all a session layer can say) are no longer trustworthy.
    mutating func markStale(locate: UInt16?)
}
