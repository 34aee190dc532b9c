/// The ITCH 5.0 handler is what a MoldUDP64 feed handler hands its in-order messages to on a
/// lane: packet queue → session (gaps, A/B, recovery) → decoder → books, all specialised.
extension ITCHHandler: MarketDataMessageConsumer where Sink: ~Copyable {
    /// Decodes and applies one message; the frame's NIC and kernel stamps travel with it (the
    /// decoder fills the exchange time from the message). Rejects are counted by the handler.
    @inlinable
    public mutating func consume(message: UnsafeRawBufferPointer, sequence: UInt64, times: EventTimes) {
        _ = handle(message, stamps: times)
    }

    /// Lost for good: the books can no longer be trusted.
    @inlinable
    public mutating func markStale(locate: UInt16?) {
        sink.markStale(locate: locate)
    }
}
