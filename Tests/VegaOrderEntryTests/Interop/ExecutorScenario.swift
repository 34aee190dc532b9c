import VegaCore
import VegaOrderEntry

/// The order flow every interop test drives through an executor (Vega's `FIXExecutorBook` or
/// qf-acceptor, reference price 100), with the replies FIX and the executor's rules (issue 4)
/// require: acks, fills at the reference price, resting orders, cancels, replaces (one that
/// becomes marketable fills), too-late and unknown-order cancel rejects, a duplicate ClOrdID and
/// a status request. Both executors answer requests in order on one session, so the replies
/// must arrive in exactly this order.
struct ExecutorScenario {
    /// A request as a qf-initiator script line (`MSGTYPE TAG=VALUE …`) and its expected replies.
    struct Step {
        var line: String
        var replies: [Reply]
    }

    /// An expected reply: MsgType and the values of the fields that carry its meaning. Prices
    /// (6, 31, 44) and quantities (14, 32, 38, 151) compare as decimals ("100" == "100.0").
    struct Reply: CustomStringConvertible {
        var msgType: String
        var fields: [(Int, String)]
        var description: String { "35=\(msgType) " + fields.map { "\($0.0)=\($0.1)" }.joined(separator: " ") }
    }

    static func ack(_ id: String, leaves: Int) -> Reply {
        Reply(msgType: "8", fields: [(11, id), (150, "0"), (39, "0"), (151, "\(leaves)"), (14, "0")])
    }
    static func fill(_ id: String, qty: Int) -> Reply {
        Reply(msgType: "8", fields: [(11, id), (150, "F"), (39, "2"), (32, "\(qty)"), (31, "100"), (14, "\(qty)"), (151, "0")])
    }

    /// Request `prefix` makes ClOrdIDs unique per run, so one executor can serve several runs.
    static func steps(prefix p: String = "") -> [Step] {
        [
            Step(line: "D 11=\(p)N1 55=VGA 54=1 38=100 40=2 44=101", replies: [ack("\(p)N1", leaves: 100), fill("\(p)N1", qty: 100)]),
            Step(line: "D 11=\(p)N2 55=VGA 54=1 38=100 40=2 44=99", replies: [ack("\(p)N2", leaves: 100)]),
            Step(line: "D 11=\(p)N3 55=VGA 54=2 38=50 40=2 44=105", replies: [ack("\(p)N3", leaves: 50)]),
            Step(line: "D 11=\(p)N4 55=VGA 54=2 38=70 40=1", replies: [ack("\(p)N4", leaves: 70), fill("\(p)N4", qty: 70)]),
            Step(line: "F 11=\(p)C2 41=\(p)N2 55=VGA 54=1 38=100",
                 replies: [Reply(msgType: "8", fields: [(11, "\(p)C2"), (41, "\(p)N2"), (150, "4"), (39, "4"), (151, "0")])]),
            Step(line: "G 11=\(p)R3 41=\(p)N3 55=VGA 54=2 38=60 40=2 44=100",
                 replies: [Reply(msgType: "8", fields: [(11, "\(p)R3"), (41, "\(p)N3"), (150, "5"), (39, "0"), (38, "60"), (44, "100")]),
                           fill("\(p)R3", qty: 60)]),
            Step(line: "F 11=\(p)C1 41=\(p)N1 55=VGA 54=1 38=100",
                 replies: [Reply(msgType: "9", fields: [(11, "\(p)C1"), (41, "\(p)N1"), (434, "1"), (102, "0")])]),
            Step(line: "F 11=\(p)C9 41=\(p)NOPE 55=VGA 54=1 38=100",
                 replies: [Reply(msgType: "9", fields: [(11, "\(p)C9"), (41, "\(p)NOPE"), (434, "1"), (102, "1")])]),
            Step(line: "G 11=\(p)R9 41=\(p)NOPE 55=VGA 54=1 38=10 40=2 44=1",
                 replies: [Reply(msgType: "9", fields: [(11, "\(p)R9"), (41, "\(p)NOPE"), (434, "2"), (102, "1")])]),
            Step(line: "D 11=\(p)N1 55=VGA 54=1 38=100 40=2 44=101",
                 replies: [Reply(msgType: "8", fields: [(11, "\(p)N1"), (150, "8"), (39, "8"), (103, "6")])]),
            Step(line: "H 11=\(p)R3 55=VGA 54=2", replies: [Reply(msgType: "8", fields: [(11, "\(p)R3"), (150, "I"), (39, "2")])]),
            Step(line: "D 11=\(p)N5 55=VGA 54=1 38=10 40=2 44=100", replies: [ack("\(p)N5", leaves: 10), fill("\(p)N5", qty: 10)]),
            // Last, a request whose answer marks the end: a duplicate of anything earlier would
            // arrive before it and show as a mismatch.
            Step(line: "H 11=\(p)N5 55=VGA 54=1", replies: [Reply(msgType: "8", fields: [(11, "\(p)N5"), (150, "I"), (39, "2")])]),
        ]
    }

    static let decimalTags: Set<Int> = [6, 14, 31, 32, 38, 44, 151]

    /// Why `actual` (a field lookup and its MsgType) is not `expected`, or nil when it is.
    static func mismatch(_ expected: Reply, msgType: String, _ field: (Int) -> String?) -> String? {
        if msgType != expected.msgType { return "MsgType \(msgType), expected \(expected.msgType)" }
        for (tag, want) in expected.fields {
            guard let got = field(tag) else { return "\(tag) missing, expected \(want)" }
            if decimalTags.contains(tag) {
                if Double(got) != Double(want) { return "\(tag)=\(got), expected \(want)" }
            } else if got != want {
                return "\(tag)=\(got), expected \(want)"
            }
        }
        return nil
    }

    /// Compares the replies received, in order, with the scenario's; one line per difference.
    static func differences(expected: [Reply], received: [(msgType: String, field: (Int) -> String?, text: String)]) -> [String] {
        var out: [String] = []
        for (i, want) in expected.enumerated() {
            guard i < received.count else {
                out.append("reply \(i + 1) missing: expected \(want)")
                continue
            }
            if let why = mismatch(want, msgType: received[i].msgType, received[i].field) {
                out.append("reply \(i + 1): \(why) in \(received[i].text)")
            }
        }
        if received.count > expected.count {
            out += received[expected.count...].map { "unexpected extra reply: \($0.text)" }
        }
        return out
    }

    /// A script line as the message Vega's initiator sends (TransactTime added, as qf-initiator does).
    static func outgoing(_ line: String) -> FIXOutgoingMessage {
        let words = line.split(separator: " ")
        var pairs: [(UInt32, String)] = words.dropFirst().map { w in
            let eq = w.firstIndex(of: "=")!
            return (UInt32(w[..<eq])!, String(w[w.index(after: eq)...]))
        }
        if words[0] != "H" { pairs.append((60, FIXTimestampFormat.string(.now()))) }
        return FIXOutgoingMessage(FIXMsgType(String(words[0])), pairs)
    }
}
