import VegaCore
import VegaOrderEntry

/// The client gateway's memory of client orders: each order's client view, keyed by every lane
/// order ID that names it (its first, and each replacement's), and each session's ClOrdIDs
/// (the order's, and those of every cancel and replace asked of it) mapped to the order.
///
/// Bounded: an order that is done (filled, canceled, rejected, expired) is kept for
/// `retainFinished` more finished orders, so a late status request or a duplicate ClOrdID is
/// still answered from it, and then forgotten with all its keys, oldest first. Orders still
/// open are never forgotten. After that, a request naming a forgotten ClOrdID is answered as
/// for an unknown order, and the ClOrdID could be used again: keep `retainFinished` above a
/// session's finished orders per day where that matters (FIX asks ClOrdIDs to be unique per
/// day).
///
/// Not thread-safe: the gateway's event loop owns it.
struct ClientOrderTable {
    /// An order the gateway knows: the client's view of it.
    struct Order {
        var session: FIXSessionID
        var lane: Int
        var clOrdID: String
        var fixOrderID: String
        var symbol: String
        var side: String
        var timeInForce: String?
        var price: Price4
        var quantity: Int64
        /// The lane order ID the order has now (its latest replacement's).
        var laneID: UInt64
        var status: String = "A"
        var pendingCancel: String?
        var pendingReplace: (clOrdID: String, newID: UInt64, price: Price4, quantity: Int64)?
        /// Executed shares and average price as the lane last reported them.
        var cumulative: Int64 = 0
        var averagePrice: Price4 = .zero
        /// Every ClOrdID and lane ID that names this order (to forget them all together).
        var clOrdIDs: [String] = []
        var laneIDs: [UInt64] = []
        var finishedQueued = false

        var open: Bool { !["2", "4", "8", "C", "3"].contains(status) }

        init(session: FIXSessionID, lane: Int, clOrdID: String, fixOrderID: String, symbol: String, side: String,
             timeInForce: String?, price: Price4, quantity: Int64, laneID: UInt64) {
            self.session = session
            self.lane = lane
            self.clOrdID = clOrdID
            self.fixOrderID = fixOrderID
            self.symbol = symbol
            self.side = side
            self.timeInForce = timeInForce
            self.price = price
            self.quantity = quantity
            self.laneID = laneID
            clOrdIDs = [clOrdID]
            laneIDs = [laneID]
        }
    }

    /// Finished orders kept before the oldest is forgotten (≥ 1).
    let retainFinished: Int
    /// Per lane: lane order ID → order.
    private var byLaneID: [[UInt64: Order]]
    /// Per session: ClOrdID → (lane, lane order ID at the time it was named).
    private var byClOrdID: [FIXSessionID: [String: (lane: Int, id: UInt64)]] = [:]
    /// Finished orders, oldest first from `finishedHead`: (lane, lane order ID).
    private var finished: [(lane: Int, id: UInt64)] = []
    private var finishedHead = 0
    /// Orders forgotten so far.
    private(set) var forgotten = 0

    init(lanes: Int, retainFinished: Int) {
        precondition(retainFinished >= 1)
        self.retainFinished = retainFinished
        byLaneID = Array(repeating: [:], count: lanes)
    }

    /// Orders held (open and finished); an order is counted once however many IDs name it.
    private(set) var count = 0

    /// Finished orders still held.
    var finishedCount: Int { finished.count - finishedHead }

    /// Whether `clOrdID` names an order of `session` (its own, or a cancel or replace of it).
    func contains(_ clOrdID: String, session: FIXSessionID) -> Bool { byClOrdID[session]?[clOrdID] != nil }

    /// The order `clOrdID` of `session` names, with the lane ID it is stored under.
    func order(clOrdID: String, session: FIXSessionID) -> (key: UInt64, order: Order)? {
        guard let k = byClOrdID[session]?[clOrdID], let o = byLaneID[k.lane][k.id] else { return nil }
        return (k.id, o)
    }

    /// The order lane ID `id` of `lane` names.
    func order(lane: Int, id: UInt64) -> Order? { byLaneID[lane][id] }

    /// A new order, named by its ClOrdID and lane ID.
    mutating func insert(_ o: Order) {
        if byLaneID[o.lane][o.laneID] == nil { count += 1 }
        byLaneID[o.lane][o.laneID] = o
        byClOrdID[o.session, default: [:]][o.clOrdID] = (o.lane, o.laneID)
    }

    /// Records a cancel or replace request `clOrdID` asked of `o` (and a replacement's lane ID),
    /// and stores `o` as changed.
    mutating func request(_ clOrdID: String, of o: Order) {
        var o = o
        o.clOrdIDs.append(clOrdID)
        if let p = o.pendingReplace { o.laneIDs.append(p.newID) }
        byClOrdID[o.session, default: [:]][clOrdID] = (o.lane, o.laneID)
        store(o)
    }

    /// Forgets the lane ID of a replacement the venue or the lane refused.
    mutating func dropReplacement(lane: Int, id: UInt64) {
        byLaneID[lane][id] = nil
    }

    /// Writes the order back under every lane ID that names it now; a finished order joins the
    /// finished queue (once) and the oldest finished beyond `retainFinished` are forgotten.
    mutating func store(_ o: Order) {
        var o = o
        let finishing = !o.open && !o.finishedQueued
        if finishing { o.finishedQueued = true }
        let lane = o.lane
        for id in o.laneIDs where byLaneID[lane][id] != nil || id == o.laneID { byLaneID[lane][id] = o }
        if let p = o.pendingReplace { byLaneID[lane][p.newID] = o }
        guard finishing else { return }
        finished.append((lane, o.laneID))
        while finishedCount > retainFinished {
            forget(finished[finishedHead])
            finishedHead += 1
        }
        // Compact the queue's consumed front now and then (amortised O(1)).
        if finishedHead >= 1_024 && finishedHead * 2 >= finished.count {
            finished.removeFirst(finishedHead)
            finishedHead = 0
        }
    }

    private mutating func forget(_ k: (lane: Int, id: UInt64)) {
        guard let o = byLaneID[k.lane][k.id] else { return }
        for id in o.laneIDs { byLaneID[k.lane][id] = nil }
        for c in o.clOrdIDs {
            // A ClOrdID reused for another order after this one was named stays with that one.
            if let named = byClOrdID[o.session]?[c], named.lane == k.lane, o.laneIDs.contains(named.id) {
                byClOrdID[o.session]?[c] = nil
            }
        }
        forgotten += 1
        count -= 1
    }
}
