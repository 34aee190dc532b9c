/// One message as a QuickFIX driver printed it: `KIND 8=FIX.4.4|9=…|35=8|…|10=…|`
/// (kinds: SENT, RECV, ADMIN-IN, ADMIN-OUT; see Tests/QuickFIX/common.h).
struct PrintedFIXMessage: CustomStringConvertible {
    var kind: String
    var fields: [(tag: Int, value: String)]
    var text: String

    init?(line: String) {
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

    subscript(tag: Int) -> String? { fields.first { $0.tag == tag }?.value }
    var msgType: String { self[35] ?? "" }
    var seqNum: Int { Int(self[34] ?? "") ?? 0 }
    var possDup: Bool { self[43] == "Y" }
    var isApplication: Bool { !["0", "1", "2", "3", "4", "5", "A"].contains(msgType) }
    var description: String { "\(kind) \(text)" }

    static func all(_ lines: [String], kind: String) -> [PrintedFIXMessage] {
        lines.compactMap(PrintedFIXMessage.init(line:)).filter { $0.kind == kind }
    }
}
