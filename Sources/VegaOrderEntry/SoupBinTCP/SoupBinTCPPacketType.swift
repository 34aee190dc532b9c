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
    @inlinable public static var loginRequestPayload: Int { 46 }
    /// Payload size of a Login Accepted: session 10 + sequence number 20.
    @inlinable public static var loginAcceptedPayload: Int { 30 }

    /// The type for a byte, or `nil`. Written out because the synthesised `init(rawValue:)` is not
    /// inlinable across modules (the sessions' receive paths are, for `@_noLocks` callers).
    @inlinable
    public init?(byte: UInt8) {
        switch byte {
        case 0x2B: self = .debug
        case 0x41: self = .loginAccepted
        case 0x4A: self = .loginRejected
        case 0x53: self = .sequencedData
        case 0x55: self = .unsequencedData
        case 0x48: self = .serverHeartbeat
        case 0x5A: self = .endOfSession
        case 0x4C: self = .loginRequest
        case 0x52: self = .clientHeartbeat
        case 0x4F: self = .logoutRequest
        default: return nil
        }
    }

    /// The type byte (written out for the same reason as `init(byte:)`).
    @inlinable
    public var byte: UInt8 {
        switch self {
        case .debug: return 0x2B
        case .loginAccepted: return 0x41
        case .loginRejected: return 0x4A
        case .sequencedData: return 0x53
        case .unsequencedData: return 0x55
        case .serverHeartbeat: return 0x48
        case .endOfSession: return 0x5A
        case .loginRequest: return 0x4C
        case .clientHeartbeat: return 0x52
        case .logoutRequest: return 0x4F
        }
    }

    public var description: String { String(UnicodeScalar(rawValue)) }
}

/// Login Reject Reason Code (spec 2.2.2).
@frozen
public enum SoupBinTCPRejectReason: UInt8, Sendable, BitwiseCopyable, CaseIterable {
    /// 'A': invalid username and password combination.
    case notAuthorized = 0x41
    /// 'S': the requested session is invalid or not available.
    case sessionNotAvailable = 0x53

    /// The reason for a code byte, or `nil` (inlinable, unlike the synthesised `init(rawValue:)`).
    @inlinable
    public init?(byte: UInt8) {
        switch byte {
        case 0x41: self = .notAuthorized
        case 0x53: self = .sessionNotAvailable
        default: return nil
        }
    }
}
