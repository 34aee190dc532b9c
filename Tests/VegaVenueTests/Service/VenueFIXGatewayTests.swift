import Testing
import VegaCore
import VegaOrderEntry
import VegaVenue

/// Builds a complete FIX 4.4 message (BodyLength, CheckSum) from a body written with `|` for
/// SOH, as a client CLIENT<firm> would send it to the venue.
func vfgMessage(_ type: String, _ body: String, firm: UInt32 = 1, seq: Int = 2) -> FIXMessage {
    let text = "35=\(type)|49=CLIENT\(firm)|56=VENUE|34=\(seq)|52=20261122-10:00:00.000|" + body
    var b = Array(text.utf8).map { $0 == UInt8(ascii: "|") ? 0x01 : $0 }
    if b.last != 0x01 { b.append(0x01) }
    var msg = Array("8=FIX.4.4\u{01}9=\(b.count)\u{01}".utf8) + b
    let sum = msg.reduce(0) { ($0 + Int($1)) & 0xFF }
    let cs = String(sum)
    msg += Array("10=\(String(repeating: "0", count: 3 - cs.count) + cs)\u{01}".utf8)
    return FIXMessage(bytes: msg)!
}

/// A venue with one instrument (VGA, locate 7) and two FIX firms (1 and 2), run sans-IO:
/// messages in, every reply collected per firm.
struct VFGVenue {
    var engine = MatchingEngine()
    var gateways: [UInt32: VenueFIXGateway] = [:]
    var inbox: [UInt32: [FIXOutgoingMessage]] = [:]
    let now = Timestamp<UTC>(nanoseconds: 1_795_341_600_000_000_000)

    init() {
        engine.addInstrument(7)
        for firm: UInt32 in [1, 2] { gateways[firm] = VenueFIXGateway(firm: firm, symbols: [7: "VGA"]) }
    }

    /// `firm` sends `type` with `body`; every firm's replies land in its inbox.
    mutating func send(_ firm: UInt32, _ type: String, _ body: String) {
        var events: [VenueEvent] = []
        let direct = gateways[firm]!.handle(vfgMessage(type, body, firm: firm), engine: &engine, events: &events, now: now)
        inbox[firm, default: []] += direct
        for e in events {
            for f in gateways.keys.sorted() { inbox[f, default: []] += gateways[f]!.replies(to: e, now: now) }
        }
    }

    mutating func take(_ firm: UInt32) -> [FIXOutgoingMessage] {
        defer { inbox[firm] = [] }
        return inbox[firm] ?? []
    }

    mutating func halt(_ halted: Bool) {
        var events: [VenueEvent] = []
        engine.setHalted(7, halted, into: &events)
    }
}

extension FIXOutgoingMessage {
    /// `tag=value` of the given tags, for compact expectations.
    func vfgPick(_ tags: [UInt32]) -> String { tags.map { "\($0)=\(self[$0] ?? "-")" }.joined(separator: " ") }
}

@Suite("Venue FIX gateway (sans-IO)")
struct VenueFIXGatewayTests {
    static let t = "60=20261122-10:00:00.000|"

    @Test("crossing orders: New, then Trade reports on both sides with LastQty/LastPx/CumQty/LeavesQty/AvgPx and the right OrdStatus")
    func crossingOrdersFill() {
        var v = VFGVenue()
        v.send(1, "D", "11=B1|55=VGA|54=1|\(Self.t)38=300|40=2|44=100|")
        let buyNew = v.take(1)
        #expect(buyNew.map { $0.vfgPick([150, 39, 11, 38, 151, 14, 6]) } == ["150=0 39=0 11=B1 38=300 151=300 14=0 6=0"])
        let orderID = buyNew.first?[37]
        #expect(orderID != nil && orderID != "NONE")
        v.send(2, "D", "11=S1|55=VGA|54=2|\(Self.t)38=100|40=2|44=99.5|")
        #expect(v.take(2).map { $0.vfgPick([150, 39, 32, 31, 14, 151, 6]) } == [
            "150=0 39=0 32=- 31=- 14=0 151=100 6=0",
            "150=F 39=2 32=100 31=100 14=100 151=0 6=100",
        ])
        let buyFill = v.take(1)
        #expect(buyFill.map { $0.vfgPick([150, 39, 11, 32, 31, 14, 151, 6]) } == ["150=F 39=1 11=B1 32=100 31=100 14=100 151=200 6=100"])
        #expect(buyFill.first?[37] == orderID, "OrderID is the order's for life")

        // Two fills at different prices: AvgPx is the quantity-weighted mean.
        v.send(2, "D", "11=S2|55=VGA|54=2|\(Self.t)38=100|40=2|44=101|")
        v.send(2, "D", "11=S3|55=VGA|54=2|\(Self.t)38=100|40=2|44=101.02|")
        _ = v.take(2)
        v.send(1, "D", "11=B2|55=VGA|54=1|\(Self.t)38=200|40=2|44=102|59=3|")
        #expect(v.take(1).map { $0.vfgPick([150, 39, 32, 31, 14, 151, 6]) } == [
            "150=0 39=0 32=- 31=- 14=0 151=200 6=0",
            "150=F 39=1 32=100 31=101 14=100 151=100 6=101",
            "150=F 39=2 32=100 31=101.02 14=200 151=0 6=101.01",
        ])
        #expect(v.gateways[1]!.counters.fills == 3 && v.gateways[2]!.counters.fills == 3)
    }

    @Test("an IOC's unexecuted rest and a FOK that cannot fill come back Canceled with Text saying why")
    func immediateOrdersCancelTheirRest() {
        var v = VFGVenue()
        v.send(2, "D", "11=S1|55=VGA|54=2|\(Self.t)38=100|40=2|44=100|")
        _ = v.take(2)
        v.send(1, "D", "11=B1|55=VGA|54=1|\(Self.t)38=500|40=2|44=100|59=3|")
        let ioc = v.take(1)
        #expect(ioc.map { $0.vfgPick([150, 39, 14, 151]) } == ["150=0 39=0 14=0 151=500", "150=F 39=1 14=100 151=400", "150=4 39=4 14=100 151=0"])
        #expect(ioc.last?[58]?.contains("immediate") == true)
        v.send(2, "D", "11=S2|55=VGA|54=2|\(Self.t)38=50|40=2|44=100|")
        v.send(1, "D", "11=B2|55=VGA|54=1|\(Self.t)38=60|40=1|59=4|")
        let fok = v.take(1)
        #expect(fok.map { $0.vfgPick([150, 39, 14, 151]) } == ["150=0 39=0 14=0 151=60", "150=4 39=4 14=0 151=0"])
        #expect(fok.last?[58]?.contains("fill or kill") == true)
    }

    @Test("cancel: Canceled with the cancel's ClOrdID and OrigClOrdID; again is too late (102=0); unknown (102=1); duplicate ClOrdID (102=6)")
    func cancels() {
        var v = VFGVenue()
        v.send(1, "D", "11=A|55=VGA|54=1|\(Self.t)38=100|40=2|44=99|")
        v.send(1, "D", "11=B|55=VGA|54=1|\(Self.t)38=100|40=2|44=98|")
        _ = v.take(1)
        v.send(1, "F", "41=A|11=A-C|55=VGA|54=1|\(Self.t)38=100|")
        #expect(v.take(1).map { $0.vfgPick([35, 150, 39, 11, 41, 151, 14]) } == ["35=- 150=4 39=4 11=A-C 41=A 151=0 14=0"])
        #expect(v.engine.restingOrderCount == 1)
        v.send(1, "F", "41=A|11=A-C2|55=VGA|54=1|\(Self.t)38=100|")
        let late = v.take(1)
        #expect(late.first?.msgType == .orderCancelReject)
        #expect(late.map { $0.vfgPick([11, 41, 39, 434, 102]) } == ["11=A-C2 41=A 39=4 434=1 102=0"])
        v.send(1, "F", "41=NOPE|11=X1|55=VGA|54=1|\(Self.t)38=100|")
        #expect(v.take(1).map { $0.vfgPick([37, 434, 102]) } == ["37=NONE 434=1 102=1"])
        v.send(1, "F", "41=B|11=A|55=VGA|54=1|\(Self.t)38=100|")
        #expect(v.take(1).map { $0.vfgPick([39, 434, 102]) } == ["39=0 434=1 102=6"])
        // Another firm cannot cancel firm 1's order: its ClOrdIDs are its own.
        v.send(2, "F", "41=B|11=Z|55=VGA|54=1|\(Self.t)38=100|")
        #expect(v.take(2).map { $0.vfgPick([434, 102]) } == ["434=1 102=1"])
        #expect(v.engine.restingOrderCount == 1)
        #expect(v.take(2).isEmpty && v.gateways[1]!.counters.cancelRejects == 3)
    }

    @Test("replace: Replaced keeps the OrderID; OrderQty is the new total (fills count); one that crosses trades at once")
    func replaces() {
        var v = VFGVenue()
        v.send(1, "D", "11=A|55=VGA|54=1|\(Self.t)38=300|40=2|44=99|")
        let orderID = v.take(1).first?[37]
        v.send(2, "D", "11=S|55=VGA|54=2|\(Self.t)38=100|40=2|44=99|")
        _ = v.take(2)
        #expect(v.take(1).map { $0.vfgPick([150, 39, 14, 151]) } == ["150=F 39=1 14=100 151=200"])
        v.send(1, "G", "41=A|11=A2|55=VGA|54=1|\(Self.t)38=500|40=2|44=99.5|")
        let replaced = v.take(1)
        #expect(replaced.map { $0.vfgPick([150, 39, 11, 41, 38, 44, 14, 151]) } == ["150=5 39=1 11=A2 41=A 38=500 44=99.5 14=100 151=400"])
        #expect(replaced.first?[37] == orderID)
        #expect(v.engine.queue(7, side: .buy).map(\.quantity) == [400])
        // Below what is already filled: refused, the order is untouched.
        v.send(1, "G", "41=A2|11=A3|55=VGA|54=1|\(Self.t)38=100|40=2|44=99.5|")
        #expect(v.take(1).map { $0.vfgPick([35, 434, 102, 39]) } == ["35=- 434=2 102=99 39=1"])
        // A replace that now crosses: Replaced, then the trade, under the new ClOrdID.
        v.send(2, "D", "11=S2|55=VGA|54=2|\(Self.t)38=100|40=2|44=100|")
        _ = v.take(2)
        v.send(1, "G", "41=A2|11=A4|55=VGA|54=1|\(Self.t)38=500|40=2|44=100|")
        #expect(v.take(1).map { $0.vfgPick([150, 39, 11, 32, 31, 14, 151]) } == [
            "150=5 39=1 11=A4 32=- 31=- 14=100 151=400",
            "150=F 39=1 11=A4 32=100 31=100 14=200 151=300",
        ])
        // Sub-tick replace price: CxlRejReason 99 with the reason in Text.
        v.send(1, "G", "41=A4|11=A5|55=VGA|54=1|\(Self.t)38=500|40=2|44=100.005|")
        let bad = v.take(1)
        #expect(bad.map { $0.vfgPick([434, 102]) } == ["434=2 102=99"] && bad.first?[58]?.contains("tick") == true)
    }

    @Test("refused orders: unknown symbol 1, halted 2, duplicate ClOrdID 6, unsupported 11, quantity 13, price increment 18, other 99")
    func orderRejects() {
        var v = VFGVenue()
        func reject(_ body: String) -> String {
            v.send(1, "D", body)
            let r = v.take(1)
            guard r.count == 1, r[0][150] == "8", r[0][39] == "8" else { return "not a single reject: \(r)" }
            return r[0][103] ?? "-"
        }
        #expect(reject("11=R1|55=NOPE|54=1|\(Self.t)38=100|40=2|44=100|") == "1")
        #expect(reject("11=R2|55=VGA|54=1|\(Self.t)38=0|40=2|44=100|") == "13")
        #expect(reject("11=R3|55=VGA|54=1|\(Self.t)38=100|40=2|44=100.001|") == "18")
        #expect(reject("11=R4|55=VGA|54=1|\(Self.t)38=100|40=2|44=100.00001|") == "18")
        #expect(reject("11=R5|55=VGA|54=1|\(Self.t)38=100|40=2|44=0|") == "99")
        #expect(reject("11=R6|55=VGA|54=1|\(Self.t)38=100|40=2|") == "99")
        #expect(reject("11=R7|55=VGA|54=1|\(Self.t)38=100|40=1|") == "11", "a market order that could rest")
        #expect(reject("11=R8|55=VGA|54=1|\(Self.t)38=100|40=2|44=100|59=1|") == "11", "GTC")
        #expect(reject("11=R9|55=VGA|54=1|\(Self.t)38=100|40=3|44=100|") == "11", "stop order")
        #expect(reject("11=R1|55=VGA|54=1|\(Self.t)38=100|40=2|44=100|") == "6", "ClOrdID used by a refused order")
        v.send(2, "D", "11=S|55=VGA|54=2|\(Self.t)38=100|40=2|44=100|")
        #expect(reject("11=R10|55=VGA|54=1|\(Self.t)38=100|40=2|44=100|18=6|") == "99", "post-only that would take")
        v.halt(true)
        #expect(reject("11=R11|55=VGA|54=1|\(Self.t)38=100|40=2|44=99|") == "2")
        #expect(v.engine.accepted == 1, "none of the refused orders reached the book")
        #expect(v.gateways[1]!.counters.orderRejects == 12)
    }

    @Test("status request: the order's current state (150=I); an unknown ClOrdID says so")
    func statusRequests() {
        var v = VFGVenue()
        v.send(1, "D", "11=A|55=VGA|54=1|\(Self.t)38=300|40=2|44=99|")
        v.send(2, "D", "11=S|55=VGA|54=2|\(Self.t)38=100|40=2|44=99|")
        _ = v.take(1)
        v.send(1, "H", "11=A|55=VGA|54=1|790=Q1|")
        #expect(v.take(1).map { $0.vfgPick([150, 39, 14, 151, 6, 790]) } == ["150=I 39=1 14=100 151=200 6=99 790=Q1"])
        v.send(1, "H", "11=ZZ|55=VGA|54=1|")
        let unknown = v.take(1)
        #expect(unknown.map { $0.vfgPick([37, 150, 39]) } == ["37=NONE 150=I 39=8"])
    }

    @Test("an application message a venue does not take from a client gets BusinessMessageReject 380=3")
    func unsupportedMessage() {
        var v = VFGVenue()
        v.send(1, "8", "37=X|17=E|150=0|39=0|55=VGA|54=1|151=0|14=0|6=0|")
        let r = v.take(1)
        #expect(r.map(\.msgType) == [.businessMessageReject] && r.first?.vfgPick([45, 372, 380]) == "45=2 372=8 380=3")
        #expect(v.gateways[1]!.counters.unsupported == 1 && v.engine.accepted == 0)
    }

    @Test("every message the gateway sends passes the FIX 4.4 dictionary (what QuickFIX validates with)")
    func repliesValidate() {
        var v = VFGVenue()
        var all: [FIXOutgoingMessage] = []
        let script: [(UInt32, String, String)] = [
            (1, "D", "11=A|55=VGA|54=1|\(Self.t)38=300|40=2|44=99|"),
            (2, "D", "11=S|55=VGA|54=2|\(Self.t)38=100|40=2|44=99|"),
            (1, "G", "41=A|11=A2|55=VGA|54=1|\(Self.t)38=500|40=2|44=99.5|"),
            (1, "G", "41=A2|11=A3|55=VGA|54=1|\(Self.t)38=50|40=2|44=99.5|"),
            (1, "H", "11=A2|55=VGA|54=1|"),
            (1, "H", "11=NONE|55=VGA|54=1|"),
            (1, "F", "41=A2|11=A4|55=VGA|54=1|\(Self.t)38=500|"),
            (1, "F", "41=A2|11=A5|55=VGA|54=1|\(Self.t)38=500|"),
            (1, "D", "11=R|55=NOPE|54=1|\(Self.t)38=100|40=2|44=100|"),
            (2, "D", "11=I|55=VGA|54=1|\(Self.t)38=10|40=1|59=3|"),
            (2, "8", "37=X|17=E|150=0|39=0|55=VGA|54=1|151=0|14=0|6=0|"),
        ]
        for (firm, type, body) in script {
            v.send(firm, type, body)
            all += v.take(1) + v.take(2)
        }
        #expect(all.count >= 12)
        for m in all {
            var enc = FIXEncoder()
            enc.begin(m.msgType)
            enc.append(49, string: "VENUE"); enc.append(56, string: "CLIENT1"); enc.append(34, int: 2)
            enc.append(52, timestamp: v.now)
            for f in m.fields { enc.append(f.tag, string: f.value) }
            let bytes = Array(enc.finish()!)
            var index = FIXFieldIndex(capacity: 256)
            let result = bytes.withUnsafeBytes { raw -> FIXValidation? in
                index.parse(raw) == nil ? FIXValidator().validate(index.view) : nil
            }
            #expect(result == .valid, "\(FIXMessage(bytes: bytes).map { "\($0)" } ?? "garbled")")
        }
    }
}
