import VegaCore

/// What a ``FIXEngine`` reports to the application, in order per session.
public enum FIXEngineEvent: Sendable {
    /// The session completed Logon on a connection.
    case loggedOn(FIXSessionID)
    /// An application message arrived in sequence (validated, never a duplicate).
    case message(FIXSessionID, FIXMessage)
    /// The connection of a session closed, with why.
    case disconnected(FIXSessionID, reason: String)
    /// A session-level event (reject, resend, gap fill, garbled input, …).
    case session(FIXSessionID, FIXSessionEvent)
    /// The peer of a session stopped reading: writes queue (back-pressure) until it resumes.
    case writability(FIXSessionID, writable: Bool)
    /// A connection was refused before it reached a session (unknown CompIDs, not a Logon, a
    /// session already connected, bytes before Logon beyond the limit).
    case connectionRefused(peer: String, reason: String)
}

/// The answer of ``FIXEngine/trySend(_:to:)``.
public enum FIXSendResult: Sendable, Hashable {
    /// Queued for the session (numbered, stored and written on the event loop, in call order).
    case accepted
    /// Refused, nothing queued: `pendingBytes` are already unsent and the message would take
    /// them past `limit` (the session's MaxOutboundBytes). Retry once the peer has read.
    case wouldExceedBound(pendingBytes: Int, limit: Int)
    /// The engine has no session with that identity.
    case unknownSession
}
