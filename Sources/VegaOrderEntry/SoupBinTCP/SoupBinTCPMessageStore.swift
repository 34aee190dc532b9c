/// The server's sequenced message stream for one session: every Sequenced Data payload since the
/// session began, so a client rejoining at sequence number N gets N, N+1, … replayed in order.
///
/// Fixed capacity (`maxMessages`, `maxBytes`), allocated once at `init`: `append` returns `nil` when
/// full rather than growing. Sequence numbers start at 1 (spec 1.2). Not thread-safe: one owner.
public struct SoupBinTCPMessageStore: ~Copyable {
    @usableFromInline let bytes: UnsafeMutableRawPointer
    /// `offsets[i]` is where message i+1 starts; `offsets[count]` is the end of the last one.
    @usableFromInline let offsets: UnsafeMutablePointer<Int>
    public let maxMessages: Int
    public let maxBytes: Int
    @usableFromInline var _count = 0
    /// Set by `endSession()`: sessions send End of Session after the last message.
    public private(set) var isEnded = false

    public init(maxMessages: Int, maxBytes: Int) {
        precondition(maxMessages > 0 && maxBytes > 0)
        self.maxMessages = maxMessages
        self.maxBytes = maxBytes
        bytes = UnsafeMutableRawPointer.allocate(byteCount: maxBytes, alignment: 16)
        offsets = UnsafeMutablePointer<Int>.allocate(capacity: maxMessages + 1)
        offsets[0] = 0
    }

    deinit {
        bytes.deallocate()
        offsets.deallocate()
    }

    /// Messages stored: the highest sequence number so far (0 if none).
    @inlinable public var count: UInt64 { UInt64(_count) }

    /// Appends a copy of `payload`; returns its sequence number, or `nil` if the store is full or
    /// the session has ended.
    @inlinable
    public mutating func append(_ payload: UnsafeRawBufferPointer) -> UInt64? {
        append(maxLength: payload.count) { out in
            if let s = payload.baseAddress, payload.count > 0 { out.baseAddress!.copyMemory(from: s, byteCount: payload.count) }
            return payload.count
        }
    }

    /// Appends a message that `encode` writes in place (at most `maxLength` bytes; it returns the
    /// count, 0 = nothing appended): an OUCH encoder writes straight into the stream.
    @inlinable
    public mutating func append(maxLength: Int, _ encode: (UnsafeMutableRawBufferPointer) -> Int) -> UInt64? {
        guard !isEnded, _count < maxMessages else { return nil }
        let start = offsets[_count]
        guard maxBytes - start >= maxLength else { return nil }
        let n = encode(UnsafeMutableRawBufferPointer(start: bytes + start, count: maxLength))
        guard n > 0 && n <= maxLength else { return nil }
        _count += 1
        offsets[_count] = start + n
        return UInt64(_count)
    }

    /// Payload of message `sequence` (1…count), valid while the store lives; `nil` outside.
    @inlinable
    public func message(_ sequence: UInt64) -> UnsafeRawBufferPointer? {
        guard sequence >= 1 && sequence <= UInt64(_count) else { return nil }
        let i = Int(sequence) - 1
        return UnsafeRawBufferPointer(start: bytes + offsets[i], count: offsets[i + 1] - offsets[i])
    }

    /// Marks the session finished: no more appends; logged-in clients get End of Session once they
    /// have every message.
    public mutating func endSession() { isEnded = true }
}
