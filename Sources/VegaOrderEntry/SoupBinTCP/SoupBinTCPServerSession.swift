/// Configuration of the server side of a SoupBinTCP session. Times are nanoseconds.
public struct SoupBinTCPServerConfiguration: Sendable {
    /// The session this server serves (what Login Accepted names; a login asking for another is
    /// refused with 'S').
    public var session: SoupBinTCPSessionID
    /// Accepted username/password pairs (compared case-insensitively, spec 2.3.1).
    public var credentials: [(username: SoupBinTCPCredential, password: SoupBinTCPCredential)]
    /// Send a Server Heartbeat after this long without sending (spec 1.3: 1 s).
    public var heartbeatInterval: UInt64 = 1_000_000_000
    /// Close after this long without receiving anything (spec 1.3: typically 15 s).
    public var idleTimeout: UInt64 = 15_000_000_000
    /// Close a connection that sent no Login Request within this time (spec 2.3.1: typically 30 s).
    public var loginTimeout: UInt64 = 30_000_000_000
    /// Largest accepted packet length from a client (type + payload). OUCH's longest inbound message
    /// with a generous appendage fits in 1 KiB; anything longer is a broken or hostile client.
    public var maxInboundPacketLength = 1024
    /// More packets than this within one second is a flood: the session closes (`.flood`) rather
    /// than let one client consume the server. 0 disables the check.
    public var maxInboundPacketsPerSecond = 100_000
    /// Outbound buffer size per connection (bounded; see `SoupBinTCPOutbox`).
    public var outboxCapacity = 1 << 20

    /// A configuration accepting one username/password; `nil` if a field is too long or not
    /// printable ASCII.
    public init?(session: String, username: String, password: String) {
        guard let s = SoupBinTCPSessionID(session), !s.isBlank,
              let u = SoupBinTCPCredential(username, width: 6),
              let p = SoupBinTCPCredential(password, width: 10) else { return nil }
        self.session = s
        credentials = [(u, p)]
    }
}

/// What a server session reports to its owner.
@frozen
public enum SoupBinTCPServerEvent {
    /// A client logged in; its first Sequenced Data will be `nextSequence`.
    case loggedIn(username: SoupBinTCPCredential, nextSequence: UInt64)
    /// An Unsequenced Data packet from the client (an OUCH inbound message); valid during the call.
    case unsequencedData(UnsafeRawBufferPointer)
    /// A Debug packet's text; valid during the call.
    case debug(UnsafeRawBufferPointer)
    /// The session is over; the transport sends what is in the outbox and closes the socket.
    case disconnect(SoupBinTCPDisconnectReason)
}

/// The server side of one SoupBinTCP 4.00 connection, as a sans-IO state machine.
///
/// Bytes in (`receive`), time in (`poll`, every call takes `now` in monotonic nanoseconds; nothing
/// reads a clock), events out through the handler, bytes out in `outbox` for the transport to write.
/// The sequenced stream lives in a `SoupBinTCPMessageStore` shared by every connection of the
/// session; `poll` copies what a client has not yet received into its outbox as room allows, which
/// serves both live traffic and the replay after a rejoin, and never overfills a slow client.
///
/// Allocation: the framer and outbox buffers at `init`; none afterwards. Not thread-safe.
public struct SoupBinTCPServerSession: ~Copyable {
    public enum State: Sendable, Equatable { case awaitingLogin, loggedIn, closed }

    public let configuration: SoupBinTCPServerConfiguration
    public var outbox: SoupBinTCPOutbox
    @usableFromInline var framer: SoupBinTCPFramer
    public private(set) var state: State = .awaitingLogin
    public private(set) var closeReason: SoupBinTCPDisconnectReason?
    /// The next sequence number this connection will send.
    public private(set) var nextSequence: UInt64 = 1
    public private(set) var username: SoupBinTCPCredential?
    @usableFromInline var connectedAt: UInt64
    @usableFromInline var lastReceived: UInt64
    @usableFromInline var lastSent: UInt64
    @usableFromInline var windowStart: UInt64
    @usableFromInline var windowPackets = 0
    @usableFromInline var endOfSessionSent = false
    /// Packets received, all types.
    public private(set) var packetsReceived: UInt64 = 0

    /// A connection accepted at `now`.
    public init(configuration: SoupBinTCPServerConfiguration, now: UInt64) {
        self.configuration = configuration
        outbox = SoupBinTCPOutbox(capacity: configuration.outboxCapacity)
        framer = SoupBinTCPFramer(maxPacketLength: configuration.maxInboundPacketLength)
        connectedAt = now; lastReceived = now; lastSent = now; windowStart = now
    }

    public var isClosed: Bool { state == .closed }

    mutating func close(_ reason: SoupBinTCPDisconnectReason, _ handle: (SoupBinTCPServerEvent) -> Void) {
        guard state != .closed else { return }
        state = .closed
        closeReason = reason
        handle(.disconnect(reason))
    }

    /// Feeds bytes read from the socket at `now`.
    public mutating func receive(_ bytes: UnsafeRawBufferPointer, now: UInt64, store: borrowing SoupBinTCPMessageStore,
                                 _ handle: (SoupBinTCPServerEvent) -> Void) {
        guard state != .closed, bytes.count > 0 else { return }
        lastReceived = now
        var i = 0
        loop: while true {
            switch framer.next(bytes, &i) {
            case .needMore: break loop
            case .violation(let v): close(.violation(v), handle); return
            case .packet(let type, let payload):
                if let reason = packet(type, payload, now: now, store: store, handle) { close(reason, handle); return }
            }
        }
        if state == .loggedIn { pump(now: now, store: store) }
    }

    /// One packet; returns the reason to close, if any.
    mutating func packet(_ type: UInt8, _ payload: UnsafeRawBufferPointer, now: UInt64,
                         store: borrowing SoupBinTCPMessageStore,
                         _ handle: (SoupBinTCPServerEvent) -> Void) -> SoupBinTCPDisconnectReason? {
        packetsReceived &+= 1
        if configuration.maxInboundPacketsPerSecond > 0 {
            if now &- windowStart >= 1_000_000_000 { windowStart = now; windowPackets = 0 }
            windowPackets += 1
            if windowPackets > configuration.maxInboundPacketsPerSecond { return .flood }
        }
        guard let t = SoupBinTCPPacketType(rawValue: type) else { return .violation(.unknownPacketType) }
        switch t {
        case .debug:
            handle(.debug(payload))
            return nil
        case .loginRequest:
            guard state == .awaitingLogin else { return .violation(.unexpectedPacket) }
            return login(payload, now: now, store: store, handle)
        case .unsequencedData:
            guard state == .loggedIn else { return .violation(.unexpectedPacket) }
            handle(.unsequencedData(payload))
            return nil
        case .clientHeartbeat:
            guard state == .loggedIn else { return .violation(.unexpectedPacket) }
            return payload.isEmpty ? nil : .violation(.badPacketLength)
        case .logoutRequest:
            return payload.isEmpty ? .logout : .violation(.badPacketLength)
        case .loginAccepted, .loginRejected, .sequencedData, .serverHeartbeat, .endOfSession:
            return .violation(.unexpectedPacket)
        }
    }

    mutating func login(_ payload: UnsafeRawBufferPointer, now: UInt64, store: borrowing SoupBinTCPMessageStore,
                        _ handle: (SoupBinTCPServerEvent) -> Void) -> SoupBinTCPDisconnectReason? {
        guard payload.count == SoupBinTCPPacketType.loginRequestPayload, let p = payload.baseAddress else {
            return .violation(.badPacketLength)
        }
        guard let user = SoupBinTCPCredential(wire: p, width: 6),
              let password = SoupBinTCPCredential(wire: p + 6, width: 10),
              let session = SoupBinTCPSessionID(wire: p + 16) else { return .violation(.badAlphanumericField) }
        guard let requested = SoupBinTCPNumeric.parse(p + 26) else { return .violation(.badNumericField) }
        guard configuration.credentials.contains(where: { $0.username == user && $0.password == password }) else {
            return reject(.notAuthorized)
        }
        guard session.isBlank || session == configuration.session else { return reject(.sessionNotAvailable) }
        // Spec 2.3.1: 0 = the most recently generated message. Beyond the stream: clamp to the next
        // message to be generated, and say so in the Login Accepted.
        let next: UInt64 = requested == 0 ? max(store.count, 1) : min(requested, store.count + 1)
        guard let body = outbox._packet(.loginAccepted, payloadCount: SoupBinTCPPacketType.loginAcceptedPayload) else {
            return .peerNotReading
        }
        configuration.session.write(to: body)
        SoupBinTCPNumeric.write(next, to: body + 10)
        outbox.commit(3 + SoupBinTCPPacketType.loginAcceptedPayload)
        lastSent = now
        nextSequence = next
        username = user
        state = .loggedIn
        handle(.loggedIn(username: user, nextSequence: next))
        return nil
    }

    mutating func reject(_ reason: SoupBinTCPRejectReason) -> SoupBinTCPDisconnectReason {
        var code = reason.rawValue
        _ = withUnsafeBytes(of: &code) { outbox.append(.loginRejected, payload: $0) }
        return .loginRejected(reason)
    }

    /// Copies sequenced messages the client has not received into the outbox while they fit, then
    /// End of Session once the stream has ended and the client has it all.
    mutating func pump(now: UInt64, store: borrowing SoupBinTCPMessageStore) {
        while nextSequence <= store.count, let m = store.message(nextSequence) {
            guard outbox.append(.sequencedData, payload: m) else { return }
            nextSequence += 1
            lastSent = now
        }
        if store.isEnded && !endOfSessionSent && outbox.append(.endOfSession, payload: UnsafeRawBufferPointer(start: nil, count: 0)) {
            endOfSessionSent = true
            lastSent = now
        }
    }

    /// Advances time: login and idle timeouts, the stream, heartbeats. Call it often (every loop
    /// turn of the transport); cheap when there is nothing to do.
    public mutating func poll(now: UInt64, store: borrowing SoupBinTCPMessageStore, _ handle: (SoupBinTCPServerEvent) -> Void) {
        guard state != .closed else { return }
        if state == .awaitingLogin && now &- connectedAt >= configuration.loginTimeout {
            close(.loginTimeout, handle); return
        }
        if now &- lastReceived >= configuration.idleTimeout { close(.peerSilent, handle); return }
        guard state == .loggedIn else { return }
        pump(now: now, store: store)
        if endOfSessionSent { close(.endOfSession, handle); return }
        if now &- lastSent >= configuration.heartbeatInterval
            && outbox.append(.serverHeartbeat, payload: UnsafeRawBufferPointer(start: nil, count: 0)) {
            lastSent = now
        }
    }

    /// Sends an Unsequenced Data packet (best effort, spec 2.2.4); `false` if not logged in or the
    /// outbox is full.
    public mutating func sendUnsequenced(_ payload: UnsafeRawBufferPointer, now: UInt64) -> Bool {
        guard state == .loggedIn, outbox.append(.unsequencedData, payload: payload) else { return false }
        lastSent = now
        return true
    }

    /// Sends a Debug packet (spec 2.1); `false` if the outbox is full or the session closed.
    public mutating func sendDebug(_ text: UnsafeRawBufferPointer, now: UInt64) -> Bool {
        guard state != .closed, outbox.append(.debug, payload: text) else { return false }
        lastSent = now
        return true
    }

    /// Ends the connection from the server side (e.g. the transport gave up on a slow reader).
    public mutating func terminate(_ reason: SoupBinTCPDisconnectReason, _ handle: (SoupBinTCPServerEvent) -> Void) {
        close(reason, handle)
    }
}
