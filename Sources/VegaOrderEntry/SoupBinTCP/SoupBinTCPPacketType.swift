/// A SoupBinTCP 4.00 packet type byte (spec 2.1–2.3).
@frozen
public enum SoupBinTCPPacketType: UInt8, Sendable, BitwiseCopyable, CaseIterable, CustomStringConvertible {
    /// '+' Debug (either side).
    case debug = 0x2B
    /// 'A' Login Accepted (server).
    case loginAccepted = 0x41
    /// 'J' Login Rejected (server).
    case loginRejected = 0x4A
    /// 'S' Sequenced Data (server).
    case sequencedData = 0x53
    /// 'U' Unsequenced Data (either side).
    case unsequencedData = 0x55
    /// 'H' Server Heartbeat.
    case serverHeartbeat = 0x48
    /// 'Z' End of Session (server).
    case endOfSession = 0x5A
    /// 'L' Login Request (client).
    case loginRequest = 0x4C
    /// 'R' Client Heartbeat.
    case clientHeartbeat = 0x52
    /// 'O' Logout Request (client).
    case logoutRequest = 0x4F

    /// Payload size of a Login Request: username 6 + password 10 + session 10 + sequence 20.
    public static let loginRequestPayload = 46
    /// Payload size of a Login Accepted: session 10 + sequence number 20.
    public static let loginAcceptedPayload = 30

    public var description: String { String(UnicodeScalar(rawValue)) }
}

/// Login Reject Reason Code (spec 2.2.2).
@frozen
public enum SoupBinTCPRejectReason: UInt8, Sendable, BitwiseCopyable, CaseIterable {
    /// 'A': invalid username and password combination.
    case notAuthorized = 0x41
    /// 'S': the requested session is invalid or not available.
    case sessionNotAvailable = 0x53
}
