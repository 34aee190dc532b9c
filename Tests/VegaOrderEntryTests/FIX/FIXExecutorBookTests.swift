import Testing
import VegaCore
@testable import VegaOrderEntry

@Suite("Executor order handling")
struct FIXExecutorBookTests {
    func msg(_ type: String, _ body: String, seq: Int = 2) -> FIXMessage {
        FIXMessage(bytes: fixBytes(header(type, seq: seq) + body))!
    }

    func run(_ book: inout FIXExecutorBook, _ type: String, _ body: String) -> [FIXOutgoingMessage] {
        book.handle(msg(type, body), now: at(0))
    }

    @Test("marketable orders fill at the reference price; others rest")
    func fillsMarketable() {
        var b = FIXExecutorBook(referencePrice: Price4(rawValue: 1_000_000))
        let buyAbove = run(&b, "D", "11=a|55=X|54=1|60=20261122-10:00:00|38=10|40=2|44=100.5|")
        #expect(buyAbove.map { $0[150] } == ["0", "F"] && buyAbove.last?[31] == "100" && buyAbove.last?[39] == "2")
        let sellAbove = run(&b, "D", "11=b|55=X|54=2|60=20261122-10:00:00|38=10|40=2|44=100.01|")
        #expect(sellAbove.map { $0[150] } == ["0"] && sellAbove[0][151] == "10")
        let market = run(&b, "D", "11=c|55=X|54=2|60=20261122-10:00:00|38=7|40=1|")
        #expect(market.map { $0[150] } == ["0", "F"] && market.last?[32] == "7")
        let buyBelow = run(&b, "D", "11=d|55=X|54=1|60=20261122-10:00:00|38=10|40=2|44=99.99|")
        #expect(buyBelow.map { $0[150] } == ["0"])
    }

    @Test("replace that becomes marketable fills; cancel of a resting order cancels it")
    func replaceAndCancel() {
        var b = FIXExecutorBook(referencePrice: Price4(rawValue: 1_000_000))
        _ = run(&b, "D", "11=a|55=X|54=1|60=20261122-10:00:00|38=10|40=2|44=90|")
        let r = run(&b, "G", "11=a2|41=a|55=X|54=1|60=20261122-10:00:00|38=20|40=2|44=95|")
        #expect(r.map { $0[150] } == ["5"] && r[0][38] == "20" && r[0][41] == "a")
        let r2 = run(&b, "G", "11=a3|41=a2|55=X|54=1|60=20261122-10:00:00|38=20|40=2|44=100|")
        #expect(r2.map { $0[150] } == ["5", "F"])
        _ = run(&b, "D", "11=z|55=X|54=2|60=20261122-10:00:00|38=5|40=2|44=150|")
        let c = run(&b, "F", "11=z2|41=z|55=X|54=2|60=20261122-10:00:00|")
        #expect(c.map { $0[150] } == ["4"] && c[0][39] == "4" && c[0][151] == "0")
    }

    @Test("unknown order, duplicate ClOrdID and too late to cancel get the right rejects")
    func rejects() {
        var b = FIXExecutorBook(referencePrice: Price4(rawValue: 1_000_000))
        _ = run(&b, "D", "11=a|55=X|54=1|60=20261122-10:00:00|38=10|40=1|")  // filled
        let dup = run(&b, "D", "11=a|55=X|54=1|60=20261122-10:00:00|38=10|40=1|")
        #expect(dup[0].msgType == .executionReport && dup[0][150] == "8" && dup[0][103] == "6")
        let late = run(&b, "F", "11=c|41=a|55=X|54=1|60=20261122-10:00:00|")
        #expect(late[0].msgType == .orderCancelReject && late[0][102] == "0" && late[0][434] == "1" && late[0][39] == "2")
        let unknown = run(&b, "G", "11=c2|41=nope|55=X|54=1|60=20261122-10:00:00|38=1|40=1|")
        #expect(unknown[0].msgType == .orderCancelReject && unknown[0][102] == "1" && unknown[0][434] == "2")
        _ = run(&b, "D", "11=r|55=X|54=1|60=20261122-10:00:00|38=10|40=2|44=1|")
        let dupCancel = run(&b, "F", "11=a|41=r|55=X|54=1|60=20261122-10:00:00|")
        #expect(dupCancel[0].msgType == .orderCancelReject && dupCancel[0][102] == "6")
        let noPrice = run(&b, "D", "11=np|55=X|54=1|60=20261122-10:00:00|38=10|40=2|")
        #expect(noPrice[0][150] == "8" && noPrice[0][58]?.contains("Price") == true)
    }

    @Test("every ExecutionReport the executor builds passes the dictionary")
    func reportsValidate() {
        var b = FIXExecutorBook(referencePrice: Price4(rawValue: 1_000_000))
        var out = run(&b, "D", "11=a|55=X|54=1|60=20261122-10:00:00|38=10|40=2|44=100|")
        out += run(&b, "F", "11=b|41=a|55=X|54=1|60=20261122-10:00:00|")
        out += run(&b, "H", "11=a|55=X|54=1|")
        for m in out {
            var enc = FIXEncoder()
            enc.begin(m.msgType)
            enc.append(49, string: "EXEC"); enc.append(56, string: "CLIENT"); enc.append(34, int: 2); enc.append(52, timestamp: at(0))
            for f in m.fields { enc.append(f.tag, string: f.value) }
            let bytes = Array(enc.finish()!)
            #expect(validate(bytes) == .valid, "\(FIXMessage(bytes: bytes)!)")
        }
    }
}
