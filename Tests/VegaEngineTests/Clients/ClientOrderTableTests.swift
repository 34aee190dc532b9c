import Testing
import VegaCore
@testable import VegaEngine
import VegaOrderEntry

/// The gateway's order memory: every ClOrdID and lane ID of an order leads to its latest
/// state; finished orders are kept for `retainFinished` more, then forgotten with all their
/// keys; open orders are never forgotten; lanes number orders independently.
@Suite("Client order table: lookups across replaces, bounded memory of finished orders")
struct ClientOrderTableTests {
    static let s1 = FIXSessionID(senderCompID: "VEGA", targetCompID: "CLIENT1")
    static let s2 = FIXSessionID(senderCompID: "VEGA", targetCompID: "CLIENT2")

    static func order(_ clOrdID: String, id: UInt64, lane: Int = 0, session: FIXSessionID = s1) -> ClientOrderTable.Order {
        ClientOrderTable.Order(session: session, lane: lane, clOrdID: clOrdID, fixOrderID: "F-\(lane)-\(id)", symbol: "AAPL",
                               side: "1", timeInForce: nil, price: Price4(rawValue: 1_900_000), quantity: 100, laneID: id)
    }

    /// The lane's answer for the order `clOrdID` names: status set, stored as the gateway does.
    static func answer(_ t: inout ClientOrderTable, _ clOrdID: String, status: String, session: FIXSessionID = s1) throws {
        let found = try #require(t.order(clOrdID: clOrdID, session: session)).order
        var o = found
        o.status = status
        t.store(o)
    }

    @Test func finishedOrdersAreForgottenOldestFirstBeyondTheRetentionOpenOnesNever() throws {
        var t = ClientOrderTable(lanes: 1, retainFinished: 2)
        for (n, c) in ["A1", "A2", "A3", "A4", "A5"].enumerated() { t.insert(Self.order(c, id: UInt64(n + 1))) }
        try Self.answer(&t, "A1", status: "0")
        try Self.answer(&t, "A1", status: "2")  // filled
        try Self.answer(&t, "A2", status: "4")  // canceled
        #expect(t.count == 5 && t.finishedCount == 2 && t.forgotten == 0)
        try Self.answer(&t, "A3", status: "8")  // rejected: the third finished, A1 goes
        #expect(t.forgotten == 1 && t.count == 4 && t.finishedCount == 2)
        #expect(!t.contains("A1", session: Self.s1))
        #expect(t.order(lane: 0, id: 1) == nil)
        #expect(t.order(clOrdID: "A2", session: Self.s1)?.order.status == "4")
        // A later answer for an order already finished does not queue it twice.
        try Self.answer(&t, "A2", status: "4")
        #expect(t.finishedCount == 2 && t.forgotten == 1)
        // A4 and A5 stay open however many others finish.
        for n in 6...20 {
            t.insert(Self.order("B\(n)", id: UInt64(n)))
            try Self.answer(&t, "B\(n)", status: "C")
        }
        #expect(t.contains("A4", session: Self.s1) && t.contains("A5", session: Self.s1))
        #expect(t.finishedCount == 2 && t.count == 4)
        #expect(t.forgotten == 16)  // A1, A2, A3 and B6...B18
        #expect(t.contains("B19", session: Self.s1) && t.contains("B20", session: Self.s1) && !t.contains("B18", session: Self.s1))
    }

    @Test func everyClOrdIDAndLaneIDOfAReplacedOrderLeadsToItsLatestStateAndIsForgottenWithIt() throws {
        var t = ClientOrderTable(lanes: 1, retainFinished: 1)
        t.insert(Self.order("R1", id: 1))
        try Self.answer(&t, "R1", status: "0")
        // Replace R1 → R2 (lane ID 10), acknowledged.
        var o = try #require(t.order(clOrdID: "R1", session: Self.s1)).order
        o.pendingReplace = ("R2", 10, Price4(rawValue: 1_900_100), 200)
        t.request("R2", of: o)
        #expect(t.order(lane: 0, id: 10)?.pendingReplace?.clOrdID == "R2")
        var replaced = try #require(t.order(lane: 0, id: 10))
        replaced.status = "0"
        replaced.clOrdID = "R2"
        replaced.laneID = 10
        replaced.quantity = 200
        replaced.pendingReplace = nil
        t.store(replaced)
        // Replace R2 → R3 (lane ID 11), refused: the replacement's ID is dropped.
        var r2 = try #require(t.order(clOrdID: "R2", session: Self.s1)).order
        r2.pendingReplace = ("R3", 11, Price4(rawValue: 1_900_200), 300)
        t.request("R3", of: r2)
        var refused = try #require(t.order(lane: 0, id: 11))
        t.dropReplacement(lane: 0, id: 11)
        refused.pendingReplace = nil
        t.store(refused)
        #expect(t.order(lane: 0, id: 11) == nil)
        // Every name of the order shows the same, latest state (the first one too).
        for c in ["R1", "R2", "R3"] {
            let found = try #require(t.order(clOrdID: c, session: Self.s1), "\(c)")
            #expect(found.order.quantity == 200 && found.order.clOrdID == "R2" && found.order.laneID == 10, "\(c)")
        }
        #expect(t.order(lane: 0, id: 1)?.quantity == 200)
        // Cancel R2 (R4), canceled: finished.
        var r = try #require(t.order(clOrdID: "R2", session: Self.s1)).order
        r.pendingCancel = "R4"
        t.request("R4", of: r)
        try Self.answer(&t, "R4", status: "4")
        #expect(t.count == 1 && t.finishedCount == 1)
        // Another order finishes: R1's whole history goes.
        t.insert(Self.order("N1", id: 12))
        try Self.answer(&t, "N1", status: "2")
        #expect(t.forgotten == 1 && t.count == 1)
        for c in ["R1", "R2", "R3", "R4"] { #expect(!t.contains(c, session: Self.s1), "\(c)") }
        for id: UInt64 in [1, 10, 11] { #expect(t.order(lane: 0, id: id) == nil, "\(id)") }
        #expect(t.contains("N1", session: Self.s1))
    }

    @Test func lanesAndSessionsAreSeparateNamespaces() throws {
        var t = ClientOrderTable(lanes: 2, retainFinished: 10)
        // Both lanes number their orders from 1; both sessions may use the same ClOrdID.
        t.insert(Self.order("X", id: 1, lane: 0, session: Self.s1))
        t.insert(Self.order("X", id: 1, lane: 1, session: Self.s2))
        var a = try #require(t.order(lane: 0, id: 1))
        a.cumulative = 40
        t.store(a)
        #expect(t.order(lane: 1, id: 1)?.cumulative == 0)
        #expect(t.order(clOrdID: "X", session: Self.s2)?.order.lane == 1)
        #expect(t.order(clOrdID: "X", session: Self.s1)?.order.cumulative == 40)
        #expect(t.count == 2)
    }

    @Test func aClOrdIDReusedAfterItsOrderWasForgottenBelongsToTheNewOrder() throws {
        var t = ClientOrderTable(lanes: 1, retainFinished: 1)
        t.insert(Self.order("A", id: 1))
        try Self.answer(&t, "A", status: "2")
        t.insert(Self.order("B", id: 2))
        try Self.answer(&t, "B", status: "2")  // A forgotten
        #expect(!t.contains("A", session: Self.s1))
        t.insert(Self.order("A", id: 3))
        try Self.answer(&t, "A", status: "4")  // B forgotten; the new A is kept
        #expect(t.order(clOrdID: "A", session: Self.s1)?.key == 3)
        #expect(t.forgotten == 2 && t.count == 1)
    }
}
