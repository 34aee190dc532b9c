/// One message as a QuickFIX driver printed it: `KIND 8=FIX.4.4|9=…|35=8|…|10=…|`
/// (kinds: SENT, RECV, ADMIN-IN, ADMIN-OUT; see Tests/QuickFIX/common.h).
public struct PrintedFIXMessage: CustomStringConvertible, Sendable {
    /// SENT, RECV, ADMIN-IN or ADMIN-OUT.
    public var kind: String
    /// The fields in message order (a repeated tag appears each time).
    public var fields: [(tag: Int, value: String)]
    /// The message as printed, after the kind.
    public var text: String

    /// Parses one printed line; nil for any other line (another kind, a field without `tag=`).
    public init?(line: String) {
        guard let space = line.firstIndex(of: " ") else { return nil }
        let kind = String(line[..<space])
        guard ["SENT", "RECV", "ADMIN-IN", "ADMIN-OUT"].contains(kind) else { return nil }
        text = String(line[line.index(after: space)...])
        var fields: [(Int, String)] = []
        for part in text.split(separator: "|") {
            guard let eq = part.firstIndex(of: "="), let tag = Int(part[..<eq]) else { return nil }
            fields.append((tag, String(part[part.index(after: eq)...])))
        }
        self.kind = kind
        self.fields = fields
    }

    /// The first value of `tag`, nil when absent.
    public subscript(tag: Int) -> String? { fields.first { $0.tag == tag }?.value }
    /// MsgType (35), "" when absent.
    public var msgType: String { self[35] ?? "" }
    /// MsgSeqNum (34), 0 when absent.
    public var seqNum: Int { Int(self[34] ?? "") ?? 0 }
    /// PossDupFlag (43) is Y.
    public var possDup: Bool { self[43] == "Y" }
    /// Not a session-level message (Heartbeat, TestRequest, ResendRequest, Reject, SequenceReset, Logout, Logon).
    public var isApplication: Bool { !["0", "1", "2", "3", "4", "5", "A"].contains(msgType) }
    public var description: String { "\(kind) \(text)" }
    /// `tag=value` of the given tags (`-` when absent), space-separated: a compact expectation.
    public func pick(_ tags: [Int]) -> String { tags.map { "\($0)=\(self[$0] ?? "-")" }.joined(separator: " ") }

    /// The messages of `kind` among a driver's output lines, in order.
    public static func all(_ lines: [String], kind: String) -> [PrintedFIXMessage] {
        lines.compactMap(PrintedFIXMessage.init(line:)).filter { $0.kind == kind }
    }
}
