/// Replicates ExecutionReports to a drop-copy target over an initiator session of a
/// ``FIXEngine``.
///
/// A ``FIXEngine`` already copies the ExecutionReports of its own sessions to its `DropCopy=Y`
/// sessions; use this type for reports from elsewhere (an OUCH venue, the OMS).
///
/// Every report handed to ``replicate(_:)-(FIXOutgoingMessage)`` or
/// ``replicate(_:)-(FIXMessage)`` becomes an ExecutionReport on the drop-copy session with the
/// same body, in call order. The session stores and numbers each copy before writing it; while
/// the drop-copy link is down copies accumulate in the session's store and reach the target
/// through its ResendRequest after the next Logon, marked PossDupFlag=Y with OrigSendingTime —
/// so nothing is lost, and nothing is repeated without PossDupFlag. With a ``FIXFileStore``
/// (FileStorePath) this holds across restarts too.
public struct FIXDropCopy: Sendable {
    public let engine: FIXEngine
    public let target: FIXSessionID

    /// `target` must be an initiator session of `engine` (see the `DropCopy=Y` configuration key).
    public init(engine: FIXEngine, target: FIXSessionID) {
        self.engine = engine
        self.target = target
    }

    /// Copies an ExecutionReport Vega sends. Other MsgTypes are ignored.
    public func replicate(_ report: FIXOutgoingMessage) {
        guard report.msgType == .executionReport else { return }
        engine.send(report, to: target)
    }

    /// Copies an ExecutionReport Vega received. Other MsgTypes are ignored.
    public func replicate(_ report: FIXMessage) {
        guard report.msgType == .executionReport else { return }
        engine.send(FIXOutgoingMessage(.executionReport, report.bodyFields), to: target)
    }
}
