/// A SoupBinTCP protocol violation by the peer. Each closes the session (the stream cannot be
/// trusted after it) and is reported in the `.disconnect(.violation(…))` event.
@frozen
public enum SoupBinTCPViolation: UInt8, Sendable, BitwiseCopyable, CaseIterable, CustomStringConvertible {
    /// A packet length of 0: no room for the type byte (spec 1.1).
    case emptyPacket
    /// A packet length above this side's configured maximum.
    case packetTooLong
    /// A type byte SoupBinTCP 4.00 does not define.
    case unknownPacketType
    /// A defined type the peer may not send in this direction or state (e.g. data before login,
    /// a second login, a client-only type from a server).
    case unexpectedPacket
    /// A fixed-size packet with the wrong payload size.
    case badPacketLength
    /// A sequence number field that is not ASCII decimal (spec 2.2.1, 2.3.1).
    case badNumericField
    /// A username, password or session field with non-printable bytes.
    case badAlphanumericField
    /// A Login Rejected code other than 'A' or 'S'.
    case badRejectCode
    /// The server accepted a login into a session other than the one the client asked for.
    case sessionMismatch

    public var description: String {
        switch self {
        case .emptyPacket: return "empty packet (length 0)"
        case .packetTooLong: return "packet longer than the configured maximum"
        case .unknownPacketType: return "unknown packet type"
        case .unexpectedPacket: return "packet type not allowed here"
        case .badPacketLength: return "wrong payload size for the packet type"
        case .badNumericField: return "numeric field is not ASCII decimal"
        case .badAlphanumericField: return "alphanumeric field has non-printable bytes"
        case .badRejectCode: return "unknown login reject code"
        case .sessionMismatch: return "login accepted into another session"
        }
    }
}

/// Why a SoupBinTCP session ended.
@frozen
public enum SoupBinTCPDisconnectReason: Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
    /// The client sent Logout Request (spec 2.3.4).
    case logout
    /// The server sent End of Session (spec 2.2.6).
    case endOfSession
    /// The server refused the login (spec 2.2.2).
    case loginRejected(SoupBinTCPRejectReason)
    /// No Login Request (server) or no answer to it (client) within the configured time.
    case loginTimeout
    /// Nothing received for the configured idle timeout (spec 1.3: "typically 15 seconds").
    case peerSilent
    /// The peer sent more packets per second than configured.
    case flood
    /// The peer broke the protocol.
    case violation(SoupBinTCPViolation)
    /// The peer stopped reading: outbound bytes stayed queued longer than the idle timeout.
    case peerNotReading
    /// The transport reported the connection closed or failed.
    case transportClosed

    public var description: String {
        switch self {
        case .logout: return "logout"
        case .endOfSession: return "end of session"
        case .loginRejected(let r): return "login rejected (\(r == .notAuthorized ? "not authorized" : "session not available"))"
        case .loginTimeout: return "login timeout"
        case .peerSilent: return "peer silent"
        case .flood: return "flood"
        case .violation(let v): return "protocol violation: \(v)"
        case .peerNotReading: return "peer not reading"
        case .transportClosed: return "transport closed"
        }
    }
}
