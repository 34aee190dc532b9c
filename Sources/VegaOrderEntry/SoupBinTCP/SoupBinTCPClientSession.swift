/// Configuration of the client side of a SoupBinTCP session. Times are nanoseconds.
public struct SoupBinTCPClientConfiguration: Sendable {
    public var username: SoupBinTCPCredential
    public var password: SoupBinTCPCredential
    /// Send a Client Heartbeat after this long without sending (spec 1.3: 1 s).
    public var heartbeatInterval: UInt64 = 1_000_000_000
    /// Consider the link lost after this long without receiving anything (spec 1.3: ~15 s).
    public var idleTimeout: UInt64 = 15_000_000_000
    /// Give up if neither Login Accepted nor Login Rejected arrives within this time.
    public var loginTimeout: UInt64 = 30_000_000_000
    /// Largest accepted packet length from the server (type + payload); 65,535 accepts all.
    public var maxInboundPacketLength = 0xFFFF
    /// Outbound buffer size (bounded; see `SoupBinTCPOutbox`).
    public var outboxCapacity = 1 << 16

    /// `nil` if the username (≤ 6) or password (≤ 10) is too long or not printable ASCII.
    public init?(username: String, password: String) {
        guard let u = SoupBinTCPCredential(username, width: 6), let p = SoupBinTCPCredential(password, width: 10) else {
            return nil
        }
        self.username = u
        self.password = p
    }
}

/// Where a client is in the server's sequenced stream: the session it is in and the next sequence
/// number it expects. Persist it (e.g. `SoupBinTCPCheckpointFile`) after handling each sequenced
/// message; a new connection started from it rejoins exactly there (spec 1.2).
@frozen
public struct SoupBinTCPCheckpoint: Sendable, Hashable, BitwiseCopyable {
    public var session: SoupBinTCPSessionID
    public var nextSequence: UInt64

    @inlinable public init(session: SoupBinTCPSessionID = .blank, nextSequence: UInt64 = 1) {
        self.session = session
        self.nextSequence = nextSequence
    }

    /// A first login: the currently active session, from its first message.
    @inlinable public static var start: Self { Self() }
}

/// What a client session reports to its owner.
@frozen
public enum SoupBinTCPClientEvent {
    /// Logged in: the server's session and the sequence number of its next Sequenced Data. Rejoining
    /// a known session, messages below the checkpoint's `nextSequence` that the server replays are
    /// dropped, not delivered; joining with a blank session starts at the server's number.
    case loginAccepted(session: SoupBinTCPSessionID, sequenceNumber: UInt64)
    /// Sequenced Data `sequence`; payload valid during the call.
    case sequencedData(sequence: UInt64, payload: UnsafeRawBufferPointer)
    /// Unsequenced Data (not counted, spec 2.2.4); payload valid during the call.
    case unsequencedData(UnsafeRawBufferPointer)
    /// A Debug packet's text.
    case debug(UnsafeRawBufferPointer)
    /// The server ended the session (spec 2.2.6); a `.disconnect(.endOfSession)` follows.
    case endOfSession
    /// The session is over; the transport sends what is in the outbox and closes the socket.
    case disconnect(SoupBinTCPDisconnectReason)
}

/// The client side of one SoupBinTCP 4.00 connection, as a sans-IO state machine.
///
/// `init` queues the Login Request (requested session and sequence number from the checkpoint).
/// Bytes in (`receive`), time in (`poll`; `now` is monotonic nanoseconds, passed in, never read),
/// events out through the handler, bytes out in `outbox`. The checkpoint advances with every
/// Sequenced Data delivered, so nothing is delivered twice across reconnects, and a gap (the server
/// resuming after the expected number) shows in `loginAccepted`'s `sequenceNumber`.
///
/// Allocation: the framer and outbox buffers at `init`; none afterwards. Not thread-safe.
public struct SoupBinTCPClientSession: ~Copyable {
    @frozen public enum State: Sendable, Equatable { case loginSent, loggedIn, closed }

    public let configuration: SoupBinTCPClientConfiguration
    public var outbox: SoupBinTCPOutbox
    @usableFromInline var framer: SoupBinTCPFramer
    @usableFromInline var _state: State = .loginSent
    @usableFromInline var _closeReason: SoupBinTCPDisconnectReason?
    @usableFromInline var _checkpoint: SoupBinTCPCheckpoint
    @usableFromInline var _streamSequence: UInt64 = 0
    @usableFromInline var _duplicatesDropped: UInt64 = 0

    @inlinable public var state: State { _state }
    @inlinable public var closeReason: SoupBinTCPDisconnectReason? { _closeReason }
    /// Session and next expected sequence number; persist it to rejoin after a reconnect.
    @inlinable public var checkpoint: SoupBinTCPCheckpoint { _checkpoint }
    /// Sequence number of the next Sequenced Data packet on this connection.
    @inlinable public var streamSequence: UInt64 { _streamSequence }
    /// Replayed Sequenced Data below the checkpoint, dropped.
    @inlinable public var duplicatesDropped: UInt64 { _duplicatesDropped }
    @usableFromInline var startedAt: UInt64
    @usableFromInline var lastReceived: UInt64
    @usableFromInline var lastSent: UInt64

    /// A new connection at `now`, logging in from `checkpoint`.
    public init(configuration: SoupBinTCPClientConfiguration, checkpoint: SoupBinTCPCheckpoint, now: UInt64) {
        self.configuration = configuration
        _checkpoint = checkpoint
        outbox = SoupBinTCPOutbox(capacity: configuration.outboxCapacity)
        framer = SoupBinTCPFramer(maxPacketLength: configuration.maxInboundPacketLength)
        startedAt = now; lastReceived = now; lastSent = now
        let body = outbox._packet(.loginRequest, payloadCount: SoupBinTCPPacketType.loginRequestPayload)!
        configuration.username.write(to: body)
        configuration.password.write(to: body + 6)
        checkpoint.session.write(to: body + 16)
        SoupBinTCPNumeric.write(checkpoint.nextSequence, to: body + 26)
        outbox.commit(3 + SoupBinTCPPacketType.loginRequestPayload)
    }

    @inlinable public var isClosed: Bool { if case .closed = _state { return true } else { return false } }
    @inlinable var _isLoggedIn: Bool { if case .loggedIn = _state { return true } else { return false } }
    @inlinable var _isLoginSent: Bool { if case .loginSent = _state { return true } else { return false } }

    @inlinable
    mutating func close(_ reason: SoupBinTCPDisconnectReason, _ handle: (SoupBinTCPClientEvent) -> Void) {
        guard !isClosed else { return }
        _state = .closed
        _closeReason = reason
        handle(.disconnect(reason))
    }

    /// Feeds bytes read from the socket at `now`. No allocation, no locks (proved by a `@_noLocks`
    /// caller in the tests).
    @inlinable
    public mutating func receive(_ bytes: UnsafeRawBufferPointer, now: UInt64, _ handle: (SoupBinTCPClientEvent) -> Void) {
        guard !isClosed, bytes.count > 0 else { return }
        lastReceived = now
        var i = 0
        loop: while true {
            switch framer.next(bytes, &i) {
            case .needMore: break loop
            case .violation(let v): close(.violation(v), handle); return
            case .packet(let type, let payload):
                if let reason = packet(type, payload, handle) { close(reason, handle); return }
            }
        }
    }

    @inlinable
    mutating func packet(_ type: UInt8, _ payload: UnsafeRawBufferPointer,
                         _ handle: (SoupBinTCPClientEvent) -> Void) -> SoupBinTCPDisconnectReason? {
        guard let t = SoupBinTCPPacketType(byte: type) else { return .violation(.unknownPacketType) }
        switch t {
        case .debug:
            handle(.debug(payload))
            return nil
        case .sequencedData:
            guard _isLoggedIn else { return .violation(.unexpectedPacket) }
            let sequence = _streamSequence
            _streamSequence += 1
            if sequence < _checkpoint.nextSequence { _duplicatesDropped &+= 1; return nil }
            _checkpoint.nextSequence = sequence + 1
            handle(.sequencedData(sequence: sequence, payload: payload))
            return nil
        case .unsequencedData:
            guard _isLoggedIn else { return .violation(.unexpectedPacket) }
            handle(.unsequencedData(payload))
            return nil
        case .serverHeartbeat:
            guard _isLoggedIn else { return .violation(.unexpectedPacket) }
            return payload.isEmpty ? nil : .violation(.badPacketLength)
        case .loginAccepted:
            guard _isLoginSent else { return .violation(.unexpectedPacket) }
            guard payload.count == SoupBinTCPPacketType.loginAcceptedPayload, let p = payload.baseAddress else {
                return .violation(.badPacketLength)
            }
            guard let session = SoupBinTCPSessionID(wire: p) else { return .violation(.badAlphanumericField) }
            guard let sequence = SoupBinTCPNumeric.parse(p + 10), sequence >= 1 else { return .violation(.badNumericField) }
            if _checkpoint.session.isBlank {
                // Joining whatever session is current: a sequence number we held belongs to no known
                // session, so the server's answer is where this client starts.
                _checkpoint.nextSequence = sequence
            } else if !session.isSame(as: _checkpoint.session) {
                return .violation(.sessionMismatch)
            }
            _checkpoint.session = session
            _streamSequence = sequence
            _state = .loggedIn
            handle(.loginAccepted(session: session, sequenceNumber: sequence))
            return nil
        case .loginRejected:
            guard _isLoginSent else { return .violation(.unexpectedPacket) }
            guard payload.count == 1 else { return .violation(.badPacketLength) }
            guard let reason = SoupBinTCPRejectReason(byte: payload.load(as: UInt8.self)) else {
                return .violation(.badRejectCode)
            }
            return .loginRejected(reason)
        case .endOfSession:
            guard _isLoggedIn else { return .violation(.unexpectedPacket) }
            guard payload.isEmpty else { return .violation(.badPacketLength) }
            handle(.endOfSession)
            // The next login goes to the next session from its start (spec 1.4).
            _checkpoint = .start
            return .endOfSession
        case .loginRequest, .clientHeartbeat, .logoutRequest:
            return .violation(.unexpectedPacket)
        }
    }

    /// Advances time: login and idle timeouts, heartbeats. Call it every loop turn of the transport.
    @inlinable
    public mutating func poll(now: UInt64, _ handle: (SoupBinTCPClientEvent) -> Void) {
        guard !isClosed else { return }
        if _isLoginSent && now &- startedAt >= configuration.loginTimeout { close(.loginTimeout, handle); return }
        if now &- lastReceived >= configuration.idleTimeout { close(.peerSilent, handle); return }
        if _isLoggedIn && now &- lastSent >= configuration.heartbeatInterval
            && outbox.append(.clientHeartbeat, payload: UnsafeRawBufferPointer(start: nil, count: 0)) {
            lastSent = now
        }
    }

    /// Sends an Unsequenced Data packet (an OUCH inbound message); `false` if not logged in or the
    /// outbox is full. No allocation, no locks.
    @inlinable
    public mutating func sendUnsequenced(_ payload: UnsafeRawBufferPointer, now: UInt64) -> Bool {
        guard _isLoggedIn, outbox.append(.unsequencedData, payload: payload) else { return false }
        lastSent = now
        return true
    }

    /// Sends an Unsequenced Data packet whose payload `encode` writes in place (no copy; see
    /// `SoupBinTCPOutbox.append(_:maxPayload:_:)`).
    @inlinable
    public mutating func sendUnsequenced(maxPayload: Int, now: UInt64, _ encode: (UnsafeMutableRawBufferPointer) -> Int) -> Bool {
        guard _isLoggedIn, outbox.append(.unsequencedData, maxPayload: maxPayload, encode) else { return false }
        lastSent = now
        return true
    }

    /// Sends a Logout Request (spec 2.3.4) and closes: the transport flushes the outbox, then the
    /// socket.
    public mutating func logout(now: UInt64, _ handle: (SoupBinTCPClientEvent) -> Void) {
        guard !isClosed else { return }
        _ = outbox.append(.logoutRequest, payload: UnsafeRawBufferPointer(start: nil, count: 0))
        lastSent = now
        close(.logout, handle)
    }

    /// Ends the connection from the client side (transport failure).
    @inlinable
    public mutating func terminate(_ reason: SoupBinTCPDisconnectReason, _ handle: (SoupBinTCPClientEvent) -> Void) {
        close(reason, handle)
    }
}
