import VegaCore
import VegaMarketData

/// The venue's MoldUDP64 downstream: packs ITCH messages into MoldUDP64 packets, hands each
/// packet to `transmit` (a UDP multicast socket, a HardwareSim frame queue, a capture), and
/// keeps every message in a re-request server so a listener that lost a packet can ask again.
///
/// An ``ITCHMessageSink``: put it behind a ``VenueITCHPublisher``. Messages accumulate until
/// ``flush()`` (the venue flushes after each batch of matching events, so one order's effects
/// leave in one packet when they fit) or until the next message would not fit `maximumPacket`.
/// Off the lane: the venue simulator's own thread.
public final class VenueMoldFeed: ITCHMessageSink {
    public let session: MoldUDP64SessionID
    public let maximumPacket: Int
    private let transmit: (UnsafeRawBufferPointer) -> Void
    private let buffer: UnsafeMutableRawBufferPointer
    /// Heartbeats, end of session and re-request answers are built here (allocated once).
    private let control: UnsafeMutableRawBufferPointer
    private var encoder: MoldUDP64Encoder
    /// Every message sent, by sequence number, for re-requests.
    public var requestServer: MoldUDP64RequestServer
    public private(set) var nextSequence: UInt64
    public private(set) var packetsSent: UInt64 = 0
    public private(set) var heartbeatsSent: UInt64 = 0
    public private(set) var endedSession = false

    /// - Parameters:
    ///   - maximumPacket: the largest datagram (UDP payload), 1400 by default to stay under a
    ///     1500-byte MTU with headers.
    ///   - retained: how many messages the re-request server keeps.
    public init(session: MoldUDP64SessionID, maximumPacket: Int = 1400, retained: Int = 1 << 18,
                transmit: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.session = session
        self.maximumPacket = maximumPacket
        self.transmit = transmit
        buffer = .allocate(byteCount: maximumPacket, alignment: 8)
        control = .allocate(byteCount: maximumPacket, alignment: 8)
        nextSequence = 1
        encoder = MoldUDP64Encoder(into: buffer, session: session, sequence: 1)
        requestServer = MoldUDP64RequestServer(session: session, capacity: retained, slotBytes: 64, maxPayload: maximumPacket)
    }

    deinit {
        buffer.deallocate()
        control.deallocate()
    }

    public func write(message: UnsafeRawBufferPointer) throws(ITCHGeneratorError) {
        precondition(!endedSession, "message after the end of the MoldUDP64 session")
        if !encoder.append(message) {
            flush()
            guard encoder.append(message) else {
                fatalError("an ITCH message of \(message.count) bytes does not fit a \(maximumPacket)-byte MoldUDP64 packet")
            }
        }
        requestServer.append(message)
        nextSequence += 1
    }

    /// Sends the packet being built, if it holds any message.
    public func flush() {
        guard encoder.count > 0 else { return }
        let length = encoder.finish()
        transmit(UnsafeRawBufferPointer(rebasing: buffer[0..<length]))
        packetsSent += 1
        encoder = MoldUDP64Encoder(into: buffer, session: session, sequence: nextSequence)
    }

    /// Sends a heartbeat announcing the next sequence number (the venue sends one a second when
    /// idle, as NASDAQ does, so listeners can tell a quiet feed from a dead one).
    public func heartbeat() {
        flush()
        let n = MoldUDP64Encoder.heartbeat(into: control, session: session, nextSequence: nextSequence)
        transmit(UnsafeRawBufferPointer(rebasing: control[0..<n]))
        heartbeatsSent += 1
    }

    /// Flushes and sends the end-of-session packet.
    public func finish() throws(ITCHGeneratorError) {
        guard !endedSession else { return }
        flush()
        let n = MoldUDP64Encoder.endOfSession(into: control, session: session, nextSequence: nextSequence)
        transmit(UnsafeRawBufferPointer(rebasing: control[0..<n]))
        endedSession = true
    }

    /// Answers one re-request datagram; returns the answer packet's bytes through `reply`.
    public func answer(request: UnsafeRawBufferPointer, reply: (UnsafeRawBufferPointer) -> Void) -> MoldUDP64RequestServer.Answer {
        let answer = requestServer.answer(request: request, into: control)
        if case .packet(let length, _, _) = answer { reply(UnsafeRawBufferPointer(rebasing: control[0..<length])) }
        return answer
    }
}
