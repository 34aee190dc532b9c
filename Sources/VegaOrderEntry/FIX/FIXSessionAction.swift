/// What a ``FIXSession`` asks its transport (or test) to do, in order.
public enum FIXSessionAction: Sendable, Hashable {
    /// Write these bytes to the counterparty.
    case send([UInt8])
    /// An application message arrived in sequence: hand it to the application.
    case deliver(FIXMessage)
    /// Close the connection (after writing any `send` before this action).
    case disconnect(reason: String)
    /// Something worth logging or counting happened.
    case event(FIXSessionEvent)
}

/// Session events, for logs, counters and tests.
public enum FIXSessionEvent: Sendable, Hashable, CustomStringConvertible {
    case loggedOn(resetSeqNums: Bool)
    case logonRefused(String)
    case logoutSent(String)
    case logoutReceived(String)
    case garbled(FIXGarbledReason)
    case rejectSent(refSeqNum: Int, FIXRejection)
    case businessRejectSent(refSeqNum: Int, msgType: FIXMsgType)
    case rejectReceived(refSeqNum: Int, text: String)
    case resendRequestSent(begin: Int, end: Int)
    case resendRequestReceived(begin: Int, end: Int)
    case gapFillSent(from: Int, to: Int)
    case sequenceReset(newSeqNum: Int)
    case duplicateIgnored(seqNum: Int)
    case testRequestSent
    case storeReset
    case storeFailed(String)

    public var description: String {
        switch self {
        case .loggedOn(let r): "logged on\(r ? " (sequence numbers reset)" : "")"
        case .logonRefused(let s): "logon refused: \(s)"
        case .logoutSent(let s): "Logout sent: \(s)"
        case .logoutReceived(let s): "Logout received: \(s)"
        case .garbled(let r): "garbled input ignored: \(r)"
        case .rejectSent(let seq, let r): "Reject sent for MsgSeqNum \(seq): \(r)"
        case .businessRejectSent(let seq, let t): "BusinessMessageReject sent for MsgSeqNum \(seq): unsupported MsgType \(t)"
        case .rejectReceived(let seq, let text): "Reject received for MsgSeqNum \(seq): \(text)"
        case .resendRequestSent(let b, let e): "ResendRequest sent \(b)...\(e == 0 ? "∞" : String(e))"
        case .resendRequestReceived(let b, let e): "ResendRequest received \(b)...\(e == 0 ? "∞" : String(e))"
        case .gapFillSent(let f, let t): "SequenceReset-GapFill sent \(f) → \(t)"
        case .sequenceReset(let n): "sequence reset, next expected \(n)"
        case .duplicateIgnored(let s): "duplicate MsgSeqNum \(s) (PossDupFlag=Y) ignored"
        case .testRequestSent: "TestRequest sent"
        case .storeReset: "sequence numbers reset to 1"
        case .storeFailed(let s): "message store failed: \(s)"
        }
    }
}

/// Counts of what a session saw and did (never reset by reconnects).
public struct FIXSessionCounters: Sendable, Hashable {
    public var messagesReceived = 0
    public var messagesSent = 0
    public var applicationMessagesDelivered = 0
    public var garbled = 0
    public var rejectsSent = 0
    public var businessRejectsSent = 0
    public var rejectsReceived = 0
    public var duplicatesIgnored = 0
    public var resendRequestsSent = 0
    public var resendRequestsAnswered = 0
    public var messagesResent = 0
    public var gapFillsSent = 0
    public var heartbeatTimeouts = 0
    public var logonsRefused = 0
    public var floodDisconnects = 0
    public init() {}
}

/// Where a session is in its lifecycle.
public enum FIXSessionState: Sendable, Hashable {
    /// No connection.
    case disconnected
    /// Acceptor: connected, waiting for the counterparty's Logon.
    case awaitingLogon
    /// Initiator: Logon sent, waiting for the reply.
    case logonSent
    /// Logged on: application messages flow.
    case active
    /// Logout sent, waiting for the counterparty's Logout.
    case logoutSent
}
