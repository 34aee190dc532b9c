import VegaCore

/// The order handling of `vega fix executor`: a test counterparty that acknowledges every
/// NewOrderSingle, fills marketable orders at once at a reference price, rests the others, and
/// honours cancels, replaces and status requests — the counterpart of QuickFIX's example
/// executor.
///
/// Marketable: market orders; buys limited at or above the reference; sells at or below it.
/// Rejections: a ClOrdID already used → ExecutionReport Rejected (OrdRejReason 6, duplicate
/// order) for a NewOrderSingle, OrderCancelReject (CxlRejReason 6) for a cancel or replace;
/// unknown OrigClOrdID → OrderCancelReject reason 1 (unknown order); an order no longer open →
/// reason 0 (too late to cancel); a limit order without a price, or an unsupported OrdType/Side →
/// ExecutionReport Rejected. Pure logic: messages in, messages out; off the lane (dictionaries).
public struct FIXExecutorBook: Sendable {
    struct Order: Sendable {
        var orderID: String
        var clOrdID: String
        var symbol: String
        var side: UInt8
        var quantity: Int64
        var ordType: UInt8
        var price: Price4?
        var cumQty: Int64 = 0
        var status: UInt8 = UInt8(ascii: "0")
        var isOpen: Bool { status == UInt8(ascii: "0") || status == UInt8(ascii: "1") }
    }

    public var referencePrice: Price4
    var orders: [String: Order] = [:]  // by OrderID
    var byClOrdID: [String: String] = [:]  // every ClOrdID ever seen → OrderID
    var nextOrderID = 1
    var nextExecID = 1

    public init(referencePrice: Price4) { self.referencePrice = referencePrice }

    /// The replies to one application message (empty for message types the executor ignores).
    public mutating func handle(_ m: FIXMessage, now: Timestamp<UTC>) -> [FIXOutgoingMessage] {
        switch m.msgType {
        case .newOrderSingle: return newOrder(m, now: now)
        case .orderCancelRequest: return cancel(m, now: now)
        case .orderCancelReplaceRequest: return replace(m, now: now)
        case .orderStatusRequest: return status(m, now: now)
        default: return []
        }
    }

    func isMarketable(_ o: Order) -> Bool {
        if o.ordType == UInt8(ascii: "1") { return true }
        guard let px = o.price else { return false }
        return o.side == UInt8(ascii: "1") ? px >= referencePrice : px <= referencePrice
    }

    mutating func execID() -> String {
        defer { nextExecID += 1 }
        return "E\(nextExecID)"
    }

    mutating func report(_ o: Order, execType: Character, origClOrdID: String? = nil, lastQty: Int64 = 0,
                         text: String? = nil, rejectReason: String? = nil, now: Timestamp<UTC>) -> FIXOutgoingMessage {
        var f: [(UInt32, String)] = [(37, o.orderID), (11, o.clOrdID)]
        if let origClOrdID { f.append((41, origClOrdID)) }
        f += [(17, execID()), (150, String(execType)), (39, String(UnicodeScalar(o.status))),
              (55, o.symbol), (54, String(UnicodeScalar(o.side))), (38, String(o.quantity)),
              (40, String(UnicodeScalar(o.ordType)))]
        if let px = o.price { f.append((44, FIXExecutorBook.text(px))) }
        if lastQty > 0 {
            f += [(32, String(lastQty)), (31, FIXExecutorBook.text(referencePrice))]
        }
        let leaves = o.isOpen ? o.quantity - o.cumQty : 0
        f += [(151, String(leaves)), (14, String(o.cumQty)), (6, o.cumQty > 0 ? FIXExecutorBook.text(referencePrice) : "0"),
              (60, FIXTimestampFormat.string(now))]
        if let rejectReason { f.append((103, rejectReason)) }
        if let text { f.append((58, text)) }
        return FIXOutgoingMessage(.executionReport, f)
    }

    /// Shortest exact decimal text of a price ("100", "99.5").
    static func text(_ p: Price4) -> String {
        var s = p.description
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    mutating func fillIfMarketable(_ o: inout Order, now: Timestamp<UTC>) -> [FIXOutgoingMessage] {
        guard o.isOpen, isMarketable(o) else { return [] }
        let qty = o.quantity - o.cumQty
        o.cumQty = o.quantity
        o.status = UInt8(ascii: "2")
        return [report(o, execType: "F", lastQty: qty, now: now)]
    }

    mutating func newOrder(_ m: FIXMessage, now: Timestamp<UTC>) -> [FIXOutgoingMessage] {
        let clOrdID = m[11] ?? ""
        let side = m[54]?.utf8.first ?? 0
        let ordType = m[40]?.utf8.first ?? 0
        let price = m[44].flatMap { try? Price4(parsing: $0) }
        let qty = m.int(38) ?? 0
        var o = Order(orderID: "X\(nextOrderID)", clOrdID: clOrdID, symbol: m[55] ?? "", side: side,
                      quantity: qty, ordType: ordType, price: price)
        if byClOrdID[clOrdID] != nil {
            o.status = UInt8(ascii: "8")
            return [report(o, execType: "8", text: "duplicate ClOrdID \(clOrdID)", rejectReason: "6", now: now)]
        }
        nextOrderID += 1
        byClOrdID[clOrdID] = o.orderID
        var reason: String? = nil
        if side != UInt8(ascii: "1") && side != UInt8(ascii: "2") && side != UInt8(ascii: "5") { reason = "unsupported Side" }
        else if ordType != UInt8(ascii: "1") && ordType != UInt8(ascii: "2") { reason = "unsupported OrdType (market 1 and limit 2 only)" }
        else if ordType == UInt8(ascii: "2") && price == nil { reason = "limit order without a valid Price (44)" }
        else if qty <= 0 { reason = "OrderQty must be positive" }
        if side == UInt8(ascii: "5") { o.side = UInt8(ascii: "2") }
        if let reason {
            o.status = UInt8(ascii: "8")
            orders[o.orderID] = o
            return [report(o, execType: "8", text: reason, rejectReason: "99", now: now)]
        }
        var out = [report(o, execType: "0", now: now)]
        out += fillIfMarketable(&o, now: now)
        orders[o.orderID] = o
        return out
    }

    mutating func cancelReject(_ m: FIXMessage, responseTo: Character, reason: String, orderID: String?, status: UInt8, text: String) -> [FIXOutgoingMessage] {
        [FIXOutgoingMessage(.orderCancelReject, [
            (37, orderID ?? "NONE"), (11, m[11] ?? ""), (41, m[41] ?? ""), (39, String(UnicodeScalar(status))),
            (434, String(responseTo)), (102, reason), (58, text),
        ])]
    }

    /// The open order a cancel/replace refers to, or the OrderCancelReject saying why not.
    mutating func target(_ m: FIXMessage, responseTo: Character) -> Result<Order, RejectList> {
        let clOrdID = m[11] ?? ""
        let orig = m[41] ?? ""
        guard let orderID = byClOrdID[orig], let o = orders[orderID] else {
            return .failure(RejectList(cancelReject(m, responseTo: responseTo, reason: "1", orderID: nil, status: UInt8(ascii: "8"), text: "unknown order \(orig)")))
        }
        if byClOrdID[clOrdID] != nil {
            return .failure(RejectList(cancelReject(m, responseTo: responseTo, reason: "6", orderID: orderID, status: o.status, text: "duplicate ClOrdID \(clOrdID)")))
        }
        guard o.isOpen else {
            return .failure(RejectList(cancelReject(m, responseTo: responseTo, reason: "0", orderID: orderID, status: o.status, text: "too late: order is no longer open")))
        }
        return .success(o)
    }

    struct RejectList: Error { var messages: [FIXOutgoingMessage]; init(_ m: [FIXOutgoingMessage]) { messages = m } }

    mutating func cancel(_ m: FIXMessage, now: Timestamp<UTC>) -> [FIXOutgoingMessage] {
        switch target(m, responseTo: "1") {
        case .failure(let r): return r.messages
        case .success(var o):
            let orig = o.clOrdID
            o.clOrdID = m[11] ?? ""
            byClOrdID[o.clOrdID] = o.orderID
            o.status = UInt8(ascii: "4")
            orders[o.orderID] = o
            return [report(o, execType: "4", origClOrdID: orig, now: now)]
        }
    }

    mutating func replace(_ m: FIXMessage, now: Timestamp<UTC>) -> [FIXOutgoingMessage] {
        switch target(m, responseTo: "2") {
        case .failure(let r): return r.messages
        case .success(var o):
            let orig = o.clOrdID
            let newQty = m.int(38) ?? o.quantity
            if newQty <= o.cumQty {
                return cancelReject(m, responseTo: "2", reason: "99", orderID: o.orderID, status: o.status, text: "new OrderQty not above CumQty")
            }
            let ordType = m[40]?.utf8.first ?? o.ordType
            let price = m[44].flatMap { try? Price4(parsing: $0) } ?? o.price
            if ordType == UInt8(ascii: "2") && price == nil {
                return cancelReject(m, responseTo: "2", reason: "99", orderID: o.orderID, status: o.status, text: "limit order without a valid Price (44)")
            }
            o.clOrdID = m[11] ?? ""
            byClOrdID[o.clOrdID] = o.orderID
            o.quantity = newQty
            o.ordType = ordType
            o.price = ordType == UInt8(ascii: "1") ? nil : price
            var out = [report(o, execType: "5", origClOrdID: orig, now: now)]
            out += fillIfMarketable(&o, now: now)
            orders[o.orderID] = o
            return out
        }
    }

    mutating func status(_ m: FIXMessage, now: Timestamp<UTC>) -> [FIXOutgoingMessage] {
        let clOrdID = m[11] ?? ""
        guard let id = byClOrdID[clOrdID], let o = orders[id] else {
            var unknown = Order(orderID: "NONE", clOrdID: clOrdID, symbol: m[55] ?? "", side: m[54]?.utf8.first ?? UInt8(ascii: "1"),
                                quantity: 0, ordType: UInt8(ascii: "2"), price: nil)
            unknown.status = UInt8(ascii: "8")
            return [report(unknown, execType: "I", text: "unknown order", now: now)]
        }
        return [report(o, execType: "I", now: now)]
    }
}
