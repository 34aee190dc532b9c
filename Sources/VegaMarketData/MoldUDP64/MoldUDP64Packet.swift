// MoldUDP64 1.00 (NASDAQ, 07/07/2009), "Downstream Packet" and "Request Packet":
//
//   downstream header   offset  length
//     Session              0      10    alphanumeric, opaque
//     Sequence Number     10       8    big-endian; the sequence number of the first message
//     Message Count       18       2    big-endian; 0 = heartbeat, 0xFFFF = end of session
//   then Message Count message blocks, each
//     Message Length       0       2    big-endian; bytes of Message Data, not counting itself
//     Message Data         2       n
//
//   request packet (listener → re-request server), exactly the header's shape:
//     Session              0      10
//     Sequence Number     10       8    first message wanted
//     Requested Message Count 18   2
//
// Heartbeats and end-of-session packets carry the next expected sequence number and no blocks.
// Sequence numbers of a session start at 1.

/// The fixed sizes of MoldUDP64 1.00. Computed, not stored: a stored `static let` is reached
/// through a lazy-initialisation accessor that lane code cannot inline.
public enum MoldUDP64 {
    /// Downstream header and request packet: Session (10) + Sequence Number (8) + Count (2).
    @inlinable public static var headerLength: Int { 20 }
    @inlinable public static var requestLength: Int { 20 }
    /// The Message Length field before each message.
    @inlinable public static var blockLengthFieldSize: Int { 2 }
    /// Message Count of a heartbeat.
    @inlinable public static var heartbeatCount: UInt16 { 0 }
    /// Message Count of an end-of-session packet.
    @inlinable public static var endOfSessionCount: UInt16 { 0xFFFF }
    /// Most messages a data packet can carry (0xFFFF is reserved for end of session).
    @inlinable public static var maxMessagesPerPacket: Int { 0xFFFE }
}

/// Why a datagram is not a valid MoldUDP64 downstream packet. Each is counted; the packet is
/// dropped whole (its messages are not trusted, so its sequence range stays missing and is
/// recovered like a loss).
public enum MoldUDP64Malformed: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Fewer than 20 bytes: no complete header.
    case shortHeader
    /// The receive slot was smaller than the datagram (the queue flagged it truncated).
    case truncatedFrame
    /// A Message Length runs past the end of the datagram.
    case blockOverrunsPacket
    /// The datagram ends inside a Message Length field (one stray byte after the last block).
    case partialBlockLength
    /// Message Count is larger than the number of blocks present.
    case countExceedsBlocks
    /// Bytes remain after Message Count blocks (more blocks than the count, or trailing junk).
    case bytesAfterLastBlock
    /// A heartbeat or end-of-session packet carrying data.
    case dataInControlPacket
    /// Sequence number 0 on a data packet, or first sequence + count past 2^64 − 1.
    case invalidSequence

    public var description: String {
        switch self {
        case .shortHeader: "short header (< 20 bytes)"
        case .truncatedFrame: "frame truncated by the receive slot"
        case .blockOverrunsPacket: "message block overruns the packet"
        case .partialBlockLength: "packet ends inside a message length field"
        case .countExceedsBlocks: "message count exceeds the blocks present"
        case .bytesAfterLastBlock: "bytes after the last counted block"
        case .dataInControlPacket: "heartbeat or end of session carrying data"
        case .invalidSequence: "sequence number 0 or sequence + count overflows"
        }
    }
}

/// A validated, zero-copy view of one MoldUDP64 downstream packet.
///
/// Borrows the datagram's bytes (valid as long as the frame is). `parse` walks the blocks once to
/// validate them; iterating messages afterwards does no further checks. No allocation, no locks;
/// cost ≈ one load per block.
@frozen
public struct MoldUDP64Packet {
    public enum Kind: Sendable, Equatable {
        /// Message Count 1…0xFFFE.
        case data
        /// Message Count 0: `sequence` is the next sequence number the server will send.
        case heartbeat
        /// Message Count 0xFFFF: as a heartbeat, and the session is over.
        case endOfSession
    }

    /// The whole datagram.
    public let bytes: UnsafeRawBufferPointer
    public let session: MoldUDP64SessionID
    /// The first message's sequence number (data), or the next expected one (heartbeat, end).
    public let sequence: UInt64
    /// The Message Count field as sent.
    public let count: UInt16

    @inlinable
    init(unchecked bytes: UnsafeRawBufferPointer) {
        let p = bytes.baseAddress.unsafelyUnwrapped
        self.bytes = bytes
        session = MoldUDP64SessionID(readingFrom: p)
        sequence = UInt64(bigEndian: p.loadUnaligned(fromByteOffset: 10, as: UInt64.self))
        count = UInt16(bigEndian: p.loadUnaligned(fromByteOffset: 18, as: UInt16.self))
    }

    /// A data packet (count 1…0xFFFE). Compares the count, not `kind`: synthesized `==` is not
    /// inlinable across modules, so hot paths avoid it.
    @inlinable
    public var isData: Bool { count != MoldUDP64.heartbeatCount && count != MoldUDP64.endOfSessionCount }

    @inlinable
    public var isEndOfSession: Bool { count == MoldUDP64.endOfSessionCount }

    @inlinable
    public var kind: Kind {
        count == MoldUDP64.heartbeatCount ? .heartbeat : count == MoldUDP64.endOfSessionCount ? .endOfSession : .data
    }

    /// Messages carried (0 for heartbeats and end of session).
    @inlinable
    public var messageCount: Int { isData ? Int(count) : 0 }

    /// The sequence number after this packet's last message (`sequence` for control packets).
    @inlinable
    public var nextSequence: UInt64 { sequence &+ UInt64(messageCount) }

    /// The messages in order, each a view into `bytes`.
    @inlinable
    public var messages: Messages { Messages(bytes: bytes, remaining: messageCount) }

    /// Iterates a validated packet's message blocks without checks (`parse` made them).
    @frozen
    public struct Messages: IteratorProtocol {
        @usableFromInline let bytes: UnsafeRawBufferPointer
        @usableFromInline var offset: Int
        @usableFromInline var remaining: Int

        @inlinable
        init(bytes: UnsafeRawBufferPointer, remaining: Int) {
            self.bytes = bytes
            self.offset = MoldUDP64.headerLength
            self.remaining = remaining
        }

        @inlinable
        public mutating func next() -> UnsafeRawBufferPointer? {
            guard remaining > 0 else { return nil }
            remaining &-= 1
            let base = bytes.baseAddress.unsafelyUnwrapped
            let length = Int(UInt16(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
            let start = offset &+ MoldUDP64.blockLengthFieldSize
            offset = start &+ length
            return UnsafeRawBufferPointer(start: base + start, count: length)
        }
    }

    /// Validates a datagram and returns its view, or the first reason it is malformed.
    /// No allocation, no locks; one pass over the block lengths.
    @inlinable
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> MoldUDP64ParseResult { parse(bytes, truncated: false) }

    /// `parse`, refusing a frame its queue flagged as truncated.
    @inlinable
    public static func parse(_ bytes: UnsafeRawBufferPointer, truncated: Bool) -> MoldUDP64ParseResult {
        if truncated { return .malformed(.truncatedFrame) }
        guard bytes.count >= MoldUDP64.headerLength, let base = bytes.baseAddress else { return .malformed(.shortHeader) }
        let packet = MoldUDP64Packet(unchecked: bytes)
        let end = bytes.count
        if !packet.isData {
            return end == MoldUDP64.headerLength ? .packet(packet) : .malformed(.dataInControlPacket)
        }
        guard packet.sequence != 0, packet.sequence <= UInt64.max &- UInt64(packet.count) else {
            return .malformed(.invalidSequence)
        }
        var offset = MoldUDP64.headerLength
        var blocks = 0
        while blocks < Int(packet.count) {
            if offset == end { return .malformed(.countExceedsBlocks) }
            if end &- offset < MoldUDP64.blockLengthFieldSize { return .malformed(.partialBlockLength) }
            let length = Int(UInt16(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
            offset &+= MoldUDP64.blockLengthFieldSize
            if length > end &- offset { return .malformed(.blockOverrunsPacket) }
            offset &+= length
            blocks &+= 1
        }
        return offset == end ? .packet(packet) : .malformed(.bytesAfterLastBlock)
    }
}

/// The outcome of `MoldUDP64Packet.parse`.
@frozen
public enum MoldUDP64ParseResult {
    case packet(MoldUDP64Packet)
    case malformed(MoldUDP64Malformed)
}

/// A validated request packet (listener → re-request server).
@frozen
public struct MoldUDP64RequestPacket: Sendable, Equatable {
    public var session: MoldUDP64SessionID
    /// The first message wanted.
    public var sequence: UInt64
    /// How many, from `sequence` on (≥ 1).
    public var count: UInt16

    @inlinable
    public init(session: MoldUDP64SessionID, sequence: UInt64, count: UInt16) {
        self.session = session
        self.sequence = sequence
        self.count = count
    }

    /// Why a datagram is not a request packet.
    public enum Malformed: UInt8, Sendable, CaseIterable {
        /// Not exactly 20 bytes.
        case wrongLength
        /// Requested Message Count 0 or 0xFFFF, or sequence number 0.
        case invalidRange
    }

    /// Parses a request datagram. No allocation.
    @inlinable
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> (request: MoldUDP64RequestPacket?, malformed: Malformed?) {
        guard bytes.count == MoldUDP64.requestLength, let p = bytes.baseAddress else { return (nil, .wrongLength) }
        let r = MoldUDP64RequestPacket(
            session: MoldUDP64SessionID(readingFrom: p),
            sequence: UInt64(bigEndian: p.loadUnaligned(fromByteOffset: 10, as: UInt64.self)),
            count: UInt16(bigEndian: p.loadUnaligned(fromByteOffset: 18, as: UInt16.self)))
        guard r.sequence != 0, r.count != 0, r.count != MoldUDP64.endOfSessionCount else { return (nil, .invalidRange) }
        return (r, nil)
    }
}
