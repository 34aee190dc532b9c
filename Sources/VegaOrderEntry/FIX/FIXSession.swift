import VegaCore

/// The FIX 4.4 session layer as a sans-IO state machine, for both the acceptor and the initiator.
///
/// Inputs: ``connected(now:)``, ``receive(_:now:)`` (bytes as they arrive, any fragmentation),
/// ``tick(now:)`` (call about once a second), ``send(_:now:)`` (application messages),
/// ``logout(reason:now:)``, ``disconnected(now:)``. Each returns the ``FIXSessionAction``s to
/// perform, in order. Time is always passed in, never read, so tests and replays are exact.
///
/// Sequence numbers and sent application messages live in the ``FIXMessageStore``; a session
/// built on a ``FIXFileStore`` resumes after a restart. Application messages sent while not
/// logged on are stored and numbered, and reach the counterparty through its ResendRequest
/// after the next Logon, with PossDupFlag=Y — nothing is lost.
///
/// Off the lane: allocates per message (actions, delivered copies). Not thread-safe: one
/// owner (an event loop) drives it.
public final class FIXSession {
    public let configuration: FIXSessionConfiguration
    public let store: any FIXMessageStore
    public internal(set) var state: FIXSessionState = .disconnected
    public internal(set) var counters = FIXSessionCounters()
    /// HeartBtInt in force (the acceptor adopts the initiator's).
    public internal(set) var heartbeatInterval: Int

    var actions: [FIXSessionAction] = []
    var index = FIXFieldIndex(capacity: 1024)
    /// Second index for re-parsing stored messages while `index` still describes the input.
    var scratchIndex = FIXFieldIndex(capacity: 1024)
    var encoder: FIXEncoder
    let beginString: [UInt8]
    let senderCompID: [UInt8]
    let targetCompID: [UInt8]
    let inbound: UnsafeMutableRawPointer
    let inboundCapacity: Int
    var inboundHead = 0
    var inboundTail = 0
    var stateSince = Timestamp<UTC>(nanoseconds: 0)
    var lastReceivedAt = Timestamp<UTC>(nanoseconds: 0)
    var lastSentAt = Timestamp<UTC>(nanoseconds: 0)
    var testRequestID: Int? = nil
    var testRequestCounter = 0
    /// Highest MsgSeqNum a ResendRequest of ours is still waiting for.
    var resendTarget: Int? = nil
    var queued: [Int: (message: FIXMessage, processed: Bool)] = [:]
    var rateWindowStart = Timestamp<UTC>(nanoseconds: 0)
    var rateWindowCount = 0

    public init(configuration: FIXSessionConfiguration, store: any FIXMessageStore) {
        self.configuration = configuration
        self.store = store
        self.heartbeatInterval = configuration.heartbeatInterval
        self.encoder = FIXEncoder(capacity: configuration.maxMessageSize + 256, beginString: configuration.sessionID.beginString)
        self.beginString = Array(configuration.sessionID.beginString.utf8)
        self.senderCompID = Array(configuration.sessionID.senderCompID.utf8)
        self.targetCompID = Array(configuration.sessionID.targetCompID.utf8)
        self.inboundCapacity = 2 * configuration.maxMessageSize + 65_536
        self.inbound = .allocate(byteCount: inboundCapacity, alignment: 16)
    }

    deinit { inbound.deallocate() }

    public var sessionID: FIXSessionID { configuration.sessionID }
    /// Whether application messages flow (logged on).
    public var isLoggedOn: Bool { state == .active }
    /// Bytes received but not yet a complete message (a half-sent message shows here).
    public var pendingInboundBytes: Int { inboundTail - inboundHead }

    func take() -> [FIXSessionAction] {
        defer { actions.removeAll(keepingCapacity: true) }
        return actions
    }

    // MARK: - Inputs

    /// A connection is up. The initiator sends Logon (resetting sequence numbers first when
    /// ResetOnLogon is set); the acceptor waits for one. Outside the schedule: disconnect.
    public func connected(now: Timestamp<UTC>) -> [FIXSessionAction] {
        resetConnectionState(now: now)
        if let schedule = configuration.schedule {
            if !schedule.contains(now) {
                actions.append(.disconnect(reason: "outside the session schedule"))
                return take()
            }
            if schedule.periodStart(containing: now) > store.creationTime {
                resetStore(now: now)
            }
        }
        switch configuration.role {
        case .initiator:
            let reset = configuration.resetOnLogon
            if reset { resetStore(now: now) }
            setState(.logonSent, now: now)
            sendLogon(reset: reset, now: now)
        case .acceptor:
            setState(.awaitingLogon, now: now)
        }
        return take()
    }

    /// The connection is gone (either side closed it). Pending input is dropped; sequence
    /// numbers and stored messages are kept.
    public func disconnected(now: Timestamp<UTC>) -> [FIXSessionAction] {
        resetConnectionState(now: now)
        setState(.disconnected, now: now)
        return take()
    }

    /// Bytes from the counterparty, in any fragmentation. Garbage and garbled messages are
    /// skipped and reported; complete messages are processed in order.
    public func receive(_ bytes: UnsafeRawBufferPointer, now: Timestamp<UTC>) -> [FIXSessionAction] {
        var offset = 0
        while offset < bytes.count && state != .disconnected {
            if inboundHead > 0 {
                let live = inboundTail - inboundHead
                if live > 0 { inbound.copyMemory(from: inbound + inboundHead, byteCount: live) }
                inboundHead = 0
                inboundTail = live
            }
            let n = min(inboundCapacity - inboundTail, bytes.count - offset)
            (inbound + inboundTail).copyMemory(from: bytes.baseAddress! + offset, byteCount: n)
            inboundTail += n
            offset += n
            processInbound(now: now)
        }
        return take()
    }

    /// Convenience for `[UInt8]` input.
    public func receive(_ bytes: [UInt8], now: Timestamp<UTC>) -> [FIXSessionAction] {
        bytes.withUnsafeBytes { receive($0, now: now) }
    }

    /// Time passed: heartbeats, TestRequests, heartbeat/logon/logout timeouts, end of schedule.
    public func tick(now: Timestamp<UTC>) -> [FIXSessionAction] {
        if state == .disconnected { return take() }
        if let schedule = configuration.schedule, !schedule.contains(now) {
            if state == .active {
                logoutAndDisconnect("session schedule ended", now: now)
            } else if state != .logoutSent {
                disconnect("outside the session schedule", now: now)
            }
        }
        let elapsed = { (since: Timestamp<UTC>) -> Int64 in Int64(bitPattern: now.nanoseconds &- since.nanoseconds) }
        let hb = Int64(heartbeatInterval) * 1_000_000_000
        switch state {
        case .awaitingLogon, .logonSent:
            if elapsed(stateSince) >= Int64(configuration.logonTimeout) * 1_000_000_000 {
                disconnect("no Logon within \(configuration.logonTimeout) s", now: now)
            }
        case .logoutSent:
            if elapsed(stateSince) >= Int64(configuration.logoutTimeout) * 1_000_000_000 {
                disconnect("no Logout reply within \(configuration.logoutTimeout) s", now: now)
            }
        case .active where hb > 0:
            // FIX: no message for HeartBtInt plus a reasonable transmission time (20 %) →
            // TestRequest; no answer after as long again → the link is dead.
            let silence = elapsed(lastReceivedAt)
            if testRequestID != nil && silence >= hb * 24 / 10 {
                counters.heartbeatTimeouts += 1
                logoutAndDisconnect("no message for \(silence / 1_000_000_000) s after TestRequest (HeartBtInt \(heartbeatInterval))", now: now)
            } else if testRequestID == nil && silence >= hb * 12 / 10 {
                testRequestCounter += 1
                testRequestID = testRequestCounter
                let id = "TEST\(testRequestCounter)"
                sendAdmin(.testRequest, now: now) { $0.append(112, string: id) }
                actions.append(.event(.testRequestSent))
            }
            if state == .active && elapsed(lastSentAt) >= hb {
                sendAdmin(.heartbeat, now: now) { _ in }
            }
        default:
            break
        }
        return take()
    }

    /// Sends an application message: numbers it, stores it, and writes it when logged on. When
    /// not logged on it is only stored; the counterparty gets it by ResendRequest after the next
    /// Logon (with PossDupFlag=Y).
    public func send(_ message: FIXOutgoingMessage, now: Timestamp<UTC>) -> [FIXSessionAction] {
        sendApplication(message.msgType, now: now) { enc in
            for field in message.fields { enc.append(field.tag, string: field.value) }
        }
        return take()
    }

    /// Starts the Logout handshake (or just disconnects when not logged on).
    public func logout(reason: String = "", now: Timestamp<UTC>) -> [FIXSessionAction] {
        if state == .active {
            sendLogout(reason, now: now)
            setState(.logoutSent, now: now)
        } else if state != .disconnected {
            disconnect(reason.isEmpty ? "logout requested" : reason, now: now)
        }
        return take()
    }

    // MARK: - State helpers

    func setState(_ s: FIXSessionState, now: Timestamp<UTC>) {
        state = s
        stateSince = now
    }

    func resetConnectionState(now: Timestamp<UTC>) {
        inboundHead = 0
        inboundTail = 0
        queued = [:]
        resendTarget = nil
        testRequestID = nil
        lastReceivedAt = now
        lastSentAt = now
        rateWindowStart = now
        rateWindowCount = 0
        heartbeatInterval = configuration.heartbeatInterval
    }

    func disconnect(_ reason: String, now: Timestamp<UTC>) {
        guard state != .disconnected else { return }
        actions.append(.disconnect(reason: reason))
        resetConnectionState(now: now)
        setState(.disconnected, now: now)
    }

    func logoutAndDisconnect(_ reason: String, now: Timestamp<UTC>) {
        if state != .disconnected { sendLogout(reason, now: now) }
        disconnect(reason, now: now)
    }

    func resetStore(now: Timestamp<UTC>) {
        do {
            try store.reset(now: now)
            actions.append(.event(.storeReset))
        } catch {
            storeFailed(error, now: now)
        }
    }

    func storeFailed(_ error: FIXStoreError, now: Timestamp<UTC>) {
        actions.append(.event(.storeFailed(error.description)))
        disconnect("message store failed: \(error)", now: now)
    }

    func setNextTarget(_ value: Int, now: Timestamp<UTC>) {
        do { try store.setNextTargetSeqNum(value) } catch { storeFailed(error, now: now) }
    }
}
