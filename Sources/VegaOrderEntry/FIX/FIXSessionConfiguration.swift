/// The identity of a FIX session: BeginString and the two CompIDs, from this side's view.
public struct FIXSessionID: Sendable, Hashable, CustomStringConvertible {
    public var beginString: String
    public var senderCompID: String
    public var targetCompID: String

    public init(beginString: String = "FIX.4.4", senderCompID: String, targetCompID: String) {
        self.beginString = beginString
        self.senderCompID = senderCompID
        self.targetCompID = targetCompID
    }

    public var description: String { "\(beginString):\(senderCompID)->\(targetCompID)" }
}

/// Everything a ``FIXSession`` needs to know about its counterparty and its rules. Times are in
/// seconds.
public struct FIXSessionConfiguration: Sendable {
    /// Who connects: the initiator dials and sends the first Logon; the acceptor listens.
    public enum Role: String, Sendable { case initiator, acceptor }

    public var sessionID: FIXSessionID
    public var role: Role
    /// HeartBtInt (108) this side proposes (initiator) — an acceptor adopts the initiator's.
    public var heartbeatInterval: Int = 30
    /// Reset both sequence numbers to 1 on every Logon (ResetSeqNumFlag 141=Y).
    public var resetOnLogon: Bool = false
    /// Initiator: sent as Username (553) / Password (554). Acceptor: when set, a Logon must carry
    /// exactly these or it is refused.
    public var username: String? = nil
    public var password: String? = nil
    /// When the session may run; `nil` = always (one session period forever).
    public var schedule: FIXSchedule? = nil
    /// No Logon (or Logon reply) within this time after connecting: disconnect.
    public var logonTimeout: Int = 10
    /// No Logout reply within this time after sending Logout: disconnect.
    public var logoutTimeout: Int = 2
    /// SendingTime (52) further than this from the local clock: Reject (reason 10) and Logout.
    /// `nil` disables the check.
    public var maxLatency: Int? = 120
    /// Largest BodyLength accepted; a larger one is garbled input.
    public var maxMessageSize: Int = 65_536
    /// More messages than this within one second: Logout ("flood") and disconnect. `nil`: no limit.
    public var maxInboundMessagesPerSecond: Int? = 50_000
    /// Out-of-order messages kept while a resend is outstanding; beyond it they are dropped and
    /// come back in the resend.
    public var maxQueuedMessages: Int = 10_000
    /// Dictionary validation options.
    public var validator: FIXValidator = FIXValidator()

    public init(sessionID: FIXSessionID, role: Role) {
        self.sessionID = sessionID
        self.role = role
    }
}
