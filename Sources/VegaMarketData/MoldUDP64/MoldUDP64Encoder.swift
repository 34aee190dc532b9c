/// Writes MoldUDP64 downstream and request packets into caller-owned buffers.
///
/// A packet under construction: `init` reserves the header, `append` adds message blocks while
/// they fit in the buffer (and under `maxPayload`), `finish` writes the count and returns the
/// datagram's length. No allocation, no locks; the buffer must outlive the encoder.
@frozen
public struct MoldUDP64Encoder {
    @usableFromInline let buffer: UnsafeMutableRawBufferPointer
    @usableFromInline let limit: Int
    @usableFromInline let session: MoldUDP64SessionID
    @usableFromInline let sequence: UInt64
    /// Bytes written so far (header included).
    public var length: Int { _length }
    @usableFromInline var _length: Int
    /// Message blocks appended so far.
    public var count: Int { _count }
    @usableFromInline var _count: Int

    /// Starts a data packet whose first message will be `sequence`. `maxPayload` caps the
    /// datagram (UDP payload) size below the buffer's, e.g. 1472 for a 1500-byte MTU. A buffer
    /// (or cap) under 20 bytes makes an encoder that accepts nothing and finishes with length 0.
    @inlinable
    public init(into buffer: UnsafeMutableRawBufferPointer, session: MoldUDP64SessionID, sequence: UInt64,
                maxPayload: Int) {
        self.buffer = buffer
        let limit = Swift.min(buffer.count, maxPayload)
        self.limit = limit >= MoldUDP64.headerLength ? limit : 0
        self.session = session
        self.sequence = sequence
        self._length = MoldUDP64.headerLength
        self._count = 0
    }

    /// As `init(into:session:sequence:maxPayload:)`, capped only by the buffer.
    @inlinable
    public init(into buffer: UnsafeMutableRawBufferPointer, session: MoldUDP64SessionID, sequence: UInt64) {
        self.init(into: buffer, session: session, sequence: sequence, maxPayload: buffer.count)
    }

    /// Whether a message of `size` bytes would still fit.
    @inlinable
    public func fits(_ size: Int) -> Bool {
        size <= Int(UInt16.max) && _count < MoldUDP64.maxMessagesPerPacket
            && limit &- _length >= MoldUDP64.blockLengthFieldSize &+ size
    }

    /// Appends one message block; false (nothing written) when it does not fit.
    @inlinable
    @discardableResult
    public mutating func append(_ message: UnsafeRawBufferPointer) -> Bool {
        guard fits(message.count), let base = buffer.baseAddress else { return false }
        (base + _length).storeBytes(of: UInt16(truncatingIfNeeded: message.count).bigEndian, as: UInt16.self)
        if let src = message.baseAddress, message.count > 0 {
            (base + _length + MoldUDP64.blockLengthFieldSize).copyMemory(from: src, byteCount: message.count)
        }
        _length &+= MoldUDP64.blockLengthFieldSize &+ message.count
        _count &+= 1
        return true
    }

    /// Writes the header and returns the datagram's length. A packet with no messages is a
    /// heartbeat announcing `sequence` as the next.
    @inlinable
    public func finish() -> Int {
        guard limit > 0 else { return 0 }
        Self.writeHeader(buffer.baseAddress.unsafelyUnwrapped, session: session, sequence: sequence,
                         count: UInt16(truncatingIfNeeded: _count))
        return _length
    }

    @inlinable
    static func writeHeader(_ p: UnsafeMutableRawPointer, session: MoldUDP64SessionID, sequence: UInt64, count: UInt16) {
        session.write(to: p)
        (p + 10).storeBytes(of: sequence.bigEndian, as: UInt64.self)
        (p + 18).storeBytes(of: count.bigEndian, as: UInt16.self)
    }

    /// A heartbeat: `nextSequence` is the next message the server will send. Returns 20, or 0
    /// when the buffer is shorter than 20 bytes.
    @inlinable
    public static func heartbeat(into buffer: UnsafeMutableRawBufferPointer, session: MoldUDP64SessionID,
                                 nextSequence: UInt64) -> Int {
        control(buffer, session, nextSequence, MoldUDP64.heartbeatCount)
    }

    /// An end-of-session packet (count 0xFFFF) carrying the next sequence number. Returns 20 or 0.
    @inlinable
    public static func endOfSession(into buffer: UnsafeMutableRawBufferPointer, session: MoldUDP64SessionID,
                                    nextSequence: UInt64) -> Int {
        control(buffer, session, nextSequence, MoldUDP64.endOfSessionCount)
    }

    /// A request packet for `count` messages from `sequence`. Returns 20 or 0.
    @inlinable
    public static func request(into buffer: UnsafeMutableRawBufferPointer, session: MoldUDP64SessionID,
                               sequence: UInt64, count: UInt16) -> Int {
        control(buffer, session, sequence, count)
    }

    @inlinable
    static func control(_ buffer: UnsafeMutableRawBufferPointer, _ session: MoldUDP64SessionID, _ sequence: UInt64,
                        _ count: UInt16) -> Int {
        guard buffer.count >= MoldUDP64.headerLength, let p = buffer.baseAddress else { return 0 }
        writeHeader(p, session: session, sequence: sequence, count: count)
        return MoldUDP64.headerLength
    }
}
