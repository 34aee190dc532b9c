import VegaCore

/// Where a packet came from: one of the two multicast lines carrying the same session, or the
/// unicast answers of the re-request server.
public enum MoldUDP64Line: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case a = 0
    case b = 1
    case retransmission = 2

    public var description: String {
        switch self {
        case .a: "A"
        case .b: "B"
        case .retransmission: "retransmission"
        }
    }
}

/// What a session tells its owner, besides messages and requests. Trivial, so passing one costs
/// a copy of a few words.
public enum MoldUDP64SessionEvent: Sendable, Equatable {
    /// The first packet fixed the session (`from` nil), or a new session replaced an ended one.
    case sessionChanged(from: MoldUDP64SessionID?, to: MoldUDP64SessionID)
    /// `count` messages from `first` are missing: a packet on `line` (data or heartbeat) showed
    /// that they exist. Raised once per hole, when it is first seen.
    case gapDetected(first: UInt64, count: UInt64, line: MoldUDP64Line)
    /// Every hole open since the last gap was detected has been filled with nothing lost;
    /// `nextSequence` is the next message expected.
    case recovered(nextSequence: UInt64)
    /// `count` messages from `first` will not be delivered (retries exhausted, the reorder buffer
    /// overflowed, or the session ended with them missing). The books they would have changed
    /// can no longer be trusted: mark them stale.
    case gaveUp(first: UInt64, count: UInt64)
    /// An end-of-session packet arrived (raised once per session); `nextSequence` is one past
    /// the session's last message. Missing messages can still be re-requested for a while.
    case endOfSession(nextSequence: UInt64)
}

/// Receives what a `MoldUDP64Session` produces, synchronously, from inside `receive` / `poll`.
///
/// Implementations are lane code: no allocation, no locks, `@inlinable` where the session's
/// generic calls should specialise. The message bytes are borrowed for the call only.
public protocol MoldUDP64SessionOutput: ~Copyable {
    /// The next message in sequence order: each sequence number exactly once, ascending, no gaps
    /// except those announced by `gaveUp`. `times` are the stamps of the frame that brought it.
    mutating func deliver(message: UnsafeRawBufferPointer, sequence: UInt64, times: EventTimes)
    /// Send a request packet (`session`, `sequence`, `count`) to the re-request server.
    mutating func request(session: MoldUDP64SessionID, sequence: UInt64, count: UInt16)
    mutating func event(_ event: MoldUDP64SessionEvent)
}

/// Per-line counts: what each copy of the feed was worth.
public struct MoldUDP64LineCounters: Sendable, Equatable {
    /// Valid packets of our session received on the line (data, heartbeats, end of session).
    public var packets: UInt64 = 0
    /// Messages carried by those packets.
    public var messages: UInt64 = 0
    /// Messages this line brought first (delivered, or buffered for delivery).
    public var firstCopies: UInt64 = 0
    /// Messages this line brought after another copy had (or already delivered) them.
    public var duplicates: UInt64 = 0
    /// Heartbeat and end-of-session packets.
    public var controlPackets: UInt64 = 0
    /// Datagrams dropped as malformed.
    public var malformed: UInt64 = 0
    /// Packets of another session, dropped.
    public var wrongSession: UInt64 = 0

    public init() {}
}

/// Malformed datagrams, per reason.
public struct MoldUDP64MalformedCounters: Sendable, Equatable {
    public var shortHeader: UInt64 = 0
    public var truncatedFrame: UInt64 = 0
    public var blockOverrunsPacket: UInt64 = 0
    public var partialBlockLength: UInt64 = 0
    public var countExceedsBlocks: UInt64 = 0
    public var bytesAfterLastBlock: UInt64 = 0
    public var dataInControlPacket: UInt64 = 0
    public var invalidSequence: UInt64 = 0

    public init() {}

    @inlinable
    public subscript(reason: MoldUDP64Malformed) -> UInt64 {
        get {
            switch reason {
            case .shortHeader: shortHeader
            case .truncatedFrame: truncatedFrame
            case .blockOverrunsPacket: blockOverrunsPacket
            case .partialBlockLength: partialBlockLength
            case .countExceedsBlocks: countExceedsBlocks
            case .bytesAfterLastBlock: bytesAfterLastBlock
            case .dataInControlPacket: dataInControlPacket
            case .invalidSequence: invalidSequence
            }
        }
        set {
            switch reason {
            case .shortHeader: shortHeader = newValue
            case .truncatedFrame: truncatedFrame = newValue
            case .blockOverrunsPacket: blockOverrunsPacket = newValue
            case .partialBlockLength: partialBlockLength = newValue
            case .countExceedsBlocks: countExceedsBlocks = newValue
            case .bytesAfterLastBlock: bytesAfterLastBlock = newValue
            case .dataInControlPacket: dataInControlPacket = newValue
            case .invalidSequence: invalidSequence = newValue
            }
        }
    }

    public var total: UInt64 {
        MoldUDP64Malformed.allCases.reduce(0) { $0 + self[$1] }
    }
}

/// Everything a session counted. Plain integers, read by telemetry off the hot path.
public struct MoldUDP64SessionCounters: Sendable, Equatable {
    /// Datagrams handed to the session (valid or not, any session, any line).
    public var datagrams: UInt64 = 0
    public var malformed = MoldUDP64MalformedCounters()
    /// Valid packets of another session while ours had not ended.
    public var wrongSession: UInt64 = 0
    public var heartbeats: UInt64 = 0
    public var endOfSessionPackets: UInt64 = 0
    /// Messages handed to the output, in order.
    public var delivered: UInt64 = 0
    /// Copies of messages already delivered or buffered (A/B copies, retransmission overlap, replays).
    public var duplicates: UInt64 = 0
    /// Holes detected, and the messages they spanned.
    public var gaps: UInt64 = 0
    public var gapMessages: UInt64 = 0
    /// Messages that filled a hole (from the other line or the re-request server).
    public var recoveredMessages: UInt64 = 0
    /// Times every open hole closed with nothing lost.
    public var gapsRecovered: UInt64 = 0
    /// Request packets asked for (first tries + retries), and the messages they asked for.
    public var requests: UInt64 = 0
    public var requestRetries: UInt64 = 0
    public var requestedMessages: UInt64 = 0
    /// Ranges given up, and the messages in them; each is one "mark the books stale".
    public var giveUps: UInt64 = 0
    public var lostMessages: UInt64 = 0
    public var staleMarks: UInt64 = 0
    /// Messages held in the reorder buffer, ones that arrived beyond its window (forcing a give-up
    /// of the oldest hole), and ones longer than a slot (left missing, to be re-requested in order).
    public var buffered: UInt64 = 0
    public var reorderOverflows: UInt64 = 0
    public var tooLargeToBuffer: UInt64 = 0
    public var sessionChanges: UInt64 = 0
    public var lineA = MoldUDP64LineCounters()
    public var lineB = MoldUDP64LineCounters()
    public var retransmission = MoldUDP64LineCounters()

    public init() {}

    @inlinable
    public subscript(line: MoldUDP64Line) -> MoldUDP64LineCounters {
        get {
            switch line {
            case .a: lineA
            case .b: lineB
            case .retransmission: retransmission
            }
        }
        set {
            switch line {
            case .a: lineA = newValue
            case .b: lineB = newValue
            case .retransmission: retransmission = newValue
            }
        }
    }
}

/// How a session recovers. Times are in the caller's monotonic nanoseconds.
public struct MoldUDP64SessionConfiguration: Sendable {
    /// The session to follow; nil: the first packet's.
    public var session: MoldUDP64SessionID?
    /// The first sequence number expected (MoldUDP64 sessions start at 1); nil: start at the
    /// first packet seen, without recovering what came before (a late join, rebuilt by snapshot).
    public var initialSequence: UInt64?
    /// Reorder buffer: messages held while a hole before them is filled (rounded up to a power
    /// of two), and the largest message a slot holds (longer ones are re-requested in order).
    public var reorderCapacity: Int
    public var reorderSlotBytes: Int
    /// Wait this long after a hole opens before the first request, so that the other line can
    /// fill it for free.
    public var requestDelayNanoseconds: UInt64
    /// A request unanswered for this long is sent again.
    public var requestTimeoutNanoseconds: UInt64
    /// Re-sends after the first request before the range is given up.
    public var maxRetries: Int
    /// Most messages asked for by one request packet (the server may answer fewer).
    public var maxMessagesPerRequest: UInt16

    public init(
        session: MoldUDP64SessionID? = nil, initialSequence: UInt64? = 1, reorderCapacity: Int = 4096,
        reorderSlotBytes: Int = 128, requestDelayNanoseconds: UInt64 = 50_000,
        requestTimeoutNanoseconds: UInt64 = 2_000_000, maxRetries: Int = 3, maxMessagesPerRequest: UInt16 = 512
    ) {
        self.session = session
        self.initialSequence = initialSequence
        self.reorderCapacity = reorderCapacity
        self.reorderSlotBytes = reorderSlotBytes
        self.requestDelayNanoseconds = requestDelayNanoseconds
        self.requestTimeoutNanoseconds = requestTimeoutNanoseconds
        self.maxRetries = maxRetries
        self.maxMessagesPerRequest = maxMessagesPerRequest
    }
}
