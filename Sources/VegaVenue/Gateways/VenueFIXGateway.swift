import VegaCore
import VegaOrderEntry

/// One FIX 4.4 acceptor session's order handling at the venue, sans-IO: NewOrderSingle,
/// OrderCancelRequest, OrderCancelReplaceRequest and OrderStatusRequest become matching-engine
/// calls; the engine's events that concern this session's firm become the ExecutionReports and
/// OrderCancelRejects a venue's FIX port sends back.
///
/// Replies, as a venue sends them:
/// - ExecutionReport New (150=0), Trade (150=F, OrdStatus 1 partially filled or 2 filled, with
///   LastQty/LastPx/CumQty/LeavesQty/AvgPx), Canceled (150=4: the firm's cancel, or the rest of
///   an IOC/FOK order, self-match prevention, the end of the day — Text says which), Replaced
///   (150=5), Rejected (150=8 with OrdRejReason 103) and Order Status (150=I).
/// - OrderCancelReject (35=9) with CxlRejResponseTo (434: 1 cancel, 2 replace) and CxlRejReason
///   (102: 0 too late, 1 unknown order, 2 venue option — halted, 6 duplicate ClOrdID, 99 other).
///
/// OrdRejReason (103) on a refused NewOrderSingle: 1 unknown symbol, 2 instrument halted
/// ("exchange closed" for it), 6 duplicate ClOrdID (every ClOrdID the session used today
/// counts), 11 unsupported order characteristic (Side other than buy/sell/sell short, OrdType
/// other than market/limit, TimeInForce other than Day/IOC/FOK, a market order that could rest),
/// 13 incorrect quantity, 18 invalid price increment (not a multiple of the tick, or finer than
/// 0.0001), 99 other (a limit order without Price, a non-positive price, a post-only order that
/// would take liquidity). Text (58) always says what was wrong, with the value.
///
/// Mapping: the engine's token is a number the gateway assigns per order and per accepted
/// replace (ClOrdIDs are text); OrderID (37) is the venue's order reference number of the
/// order's first acceptance and stays the order's for life. ExecInst (18) containing `6`
/// (participate, don't initiate) makes the order post-only.
///
/// Contract: call ``handle(_:engine:events:now:)`` for each application message the session
/// delivers, send what it returns at once (replies that need no engine), then pass every event
/// the engine appended — from any firm's activity — to ``replies(to:now:)`` of every gateway, in
/// order, and send what that returns. Off the lane (the venue's thread): dictionaries and
/// strings per message are fine here. Never traps on client input.
public struct VenueFIXGateway {
    /// What the gateway saw and refused, for the venue's statistics.
    public struct Counters: Sendable, Equatable {
        public var newOrders: UInt64 = 0
        public var cancelRequests: UInt64 = 0
        public var replaceRequests: UInt64 = 0
        public var statusRequests: UInt64 = 0
        /// Application messages of a type the venue does not take from clients (answered with
        /// BusinessMessageReject 380=3).
        public var unsupported: UInt64 = 0
        public var executionReports: UInt64 = 0
        public var orderRejects: UInt64 = 0
        public var cancelRejects: UInt64 = 0
        public var fills: UInt64 = 0
        public init() {}
    }

    /// OrdStatus (39) values.
    enum Status {
        static let new = UInt8(ascii: "0")
        static let partiallyFilled = UInt8(ascii: "1")
        static let filled = UInt8(ascii: "2")
        static let canceled = UInt8(ascii: "4")
        static let rejected = UInt8(ascii: "8")
        static let pendingNew = UInt8(ascii: "A")
    }

    struct PendingCancel {
        var clOrdID: String
        var origClOrdID: String
    }

    struct PendingReplace {
        var token: UInt64
        var clOrdID: String
        var origClOrdID: String
        var orderQty: UInt32
        var price: Price4
    }

    struct Order {
        var orderID: String = "NONE"
        var clOrdID: String
        var symbol: String
        var locate: UInt16
        var side: Side
        /// Side (54) as the firm sent it (`1`, `2`, `5`, `6`), echoed in reports.
        var sideByte: UInt8
        var ordType: UInt8
        var price: Price4?
        var timeInForce: UInt8?
        var orderQty: UInt32
        var cumQty: UInt32 = 0
        /// Σ price × quantity of the fills, in Price4 raw units (for AvgPx).
        var notional: Int128 = 0
        var status: UInt8 = Status.pendingNew
        var token: UInt64
        var pendingCancel: PendingCancel?
        var pendingReplace: PendingReplace?

        var isOpen: Bool { status == Status.new || status == Status.partiallyFilled }
        var leaves: UInt32 { isOpen ? orderQty &- cumQty : 0 }
    }

    public let firm: UInt32
    /// Prices must be multiples of the instrument's tick (Price4; 0.01 when not listed: Reg
    /// NMS's penny for stocks ≥ $1).
    public let tickSizes: [UInt16: Price4]
    public private(set) var counters = Counters()
    private let locateBySymbol: [String: UInt16]
    private var orders: [Order] = []
    /// Every ClOrdID this session used (new, cancel, replace) → its order.
    private var orderByClOrdID: [String: Int] = [:]
    /// Engine token → order (the live token, and a replace's new token while it is pending).
    private var orderByToken: [UInt64: Int] = [:]
    private var nextToken: UInt64 = 1
    private var nextExecID: UInt64 = 1

    /// - Parameters:
    ///   - firm: the firm this session trades as (self-match prevention groups by it).
    ///   - symbols: the venue's instruments (locate → ticker as the firm writes it in Symbol 55).
    ///   - ticks: each instrument's price increment (positive; 0.01 for instruments not listed).
    public init(firm: UInt32, symbols: [UInt16: String], ticks: [UInt16: Price4] = [:]) {
        precondition(ticks.values.allSatisfy { $0.rawValue > 0 }, "tick sizes must be positive")
        self.firm = firm
        self.tickSizes = ticks
        var bySymbol: [String: UInt16] = [:]
        for (locate, symbol) in symbols { bySymbol[symbol] = locate }
        locateBySymbol = bySymbol
    }

    /// Orders this session still has open at the venue.
    public var openOrders: Int { orders.reduce(0) { $0 + ($1.isOpen ? 1 : 0) } }

    // MARK: - Inbound

    /// Applies one application message from the session to `engine`, appending the engine's
    /// events to `events`.
    /// - Returns: replies that do not come from the engine (refusals the gateway decides itself,
    ///   order status), to send at once — before the replies to `events`.
    public mutating func handle(_ message: FIXMessage, engine: inout MatchingEngine, events: inout [VenueEvent],
                                now: Timestamp<UTC>) -> [FIXOutgoingMessage] {
        switch message.msgType {
        case .newOrderSingle:
            counters.newOrders += 1
            return newOrder(message, engine: &engine, events: &events, now: now)
        case .orderCancelRequest:
            counters.cancelRequests += 1
            return cancel(message, engine: &engine, events: &events)
        case .orderCancelReplaceRequest:
            counters.replaceRequests += 1
            return replace(message, engine: &engine, events: &events)
        case .orderStatusRequest:
            counters.statusRequests += 1
            return status(message, now: now)
        default:
            // An application message a venue does not take from a client (an ExecutionReport,
            // a BusinessMessageReject…): say so, as the session layer does for unknown types.
            counters.unsupported += 1
            return [FIXOutgoingMessage(.businessMessageReject, [
                (45, String(message.seqNum)), (372, message[35] ?? "?"), (380, "3"),
                (58, "the venue does not accept MsgType \(message[35] ?? "?") from clients"),
            ])]
        }
    }

    private mutating func takeToken() -> UInt64 {
        defer { nextToken += 1 }
        return nextToken
    }

    /// A limit price from tag 44: present, parseable at 4 decimals, positive, on `locate`'s tick.
    private func limitPrice(_ m: FIXMessage, locate: UInt16) -> Result<Price4, Refusal> {
        let tickSize = tickSizes[locate] ?? Price4(rawValue: 100)
        guard let text = m[44] else { return .failure(Refusal(ordRej: 99, cxlRej: 99, "Price (44) is required for a limit order")) }
        let parsed = m.withView { $0.price(44, as: Price4.self) }
        guard let price = parsed else {
            return .failure(Refusal(ordRej: 18, cxlRej: 99, "Price \(text) is not a multiple of the tick \(Self.text(tickSize))"))
        }
        guard price.rawValue > 0 else { return .failure(Refusal(ordRej: 99, cxlRej: 99, "Price \(text) must be positive")) }
        guard price.rawValue % tickSize.rawValue == 0 else {
            return .failure(Refusal(ordRej: 18, cxlRej: 99, "Price \(text) is not a multiple of the tick \(Self.text(tickSize))"))
        }
        return .success(price)
    }

    /// OrderQty (38): a whole number in 1 ... UInt32.max.
    private func orderQty(_ m: FIXMessage) -> UInt32? {
        guard let q = m.withView({ $0.quantity(38) }), q.rawValue > 0, q.rawValue <= UInt64(UInt32.max) else { return nil }
        return UInt32(q.rawValue)
    }

    struct Refusal: Error {
        var ordRej: Int
        var cxlRej: Int
        var text: String
        init(ordRej: Int, cxlRej: Int, _ text: String) {
            self.ordRej = ordRej
            self.cxlRej = cxlRej
            self.text = text
        }
    }

    private mutating func newOrder(_ m: FIXMessage, engine: inout MatchingEngine, events: inout [VenueEvent],
                                   now: Timestamp<UTC>) -> [FIXOutgoingMessage] {
        let clOrdID = m[11] ?? ""
        let symbol = m[55] ?? ""
        let sideByte = m[54]?.utf8.first ?? 0
        let ordType = m[40]?.utf8.first ?? 0
        let tif = m[59]?.utf8.first
        var order = Order(clOrdID: clOrdID, symbol: symbol, locate: locateBySymbol[symbol] ?? UInt16.max,
                          side: sideByte == UInt8(ascii: "1") ? .buy : .sell, sideByte: sideByte, ordType: ordType,
                          price: nil, timeInForce: tif, orderQty: 0, token: 0)
        order.orderQty = UInt32(clamping: m.withView { $0.quantity(38) }?.rawValue ?? 0)
        func refuse(_ code: Int, _ text: String) -> [FIXOutgoingMessage] {
            order.status = Status.rejected
            counters.orderRejects += 1
            return [report(order, execType: "8", rejectReason: code, text: text, now: now)]
        }
        if clOrdID.isEmpty { return refuse(99, "ClOrdID (11) is empty") }
        if orderByClOrdID[clOrdID] != nil { return refuse(6, "duplicate ClOrdID \(clOrdID)") }
        // The ClOrdID is used from here on, even if the order is refused (a venue never
        // reuses one within the day).
        let index = orders.count
        orderByClOrdID[clOrdID] = index
        defer { if orders.count == index { orders.append(order) } }
        switch sideByte {
        case UInt8(ascii: "1"), UInt8(ascii: "2"), UInt8(ascii: "5"), UInt8(ascii: "6"): break
        default: return refuse(11, "Side \(m[54] ?? "(none)") is not supported; allowed: 1 buy, 2 sell, 5 sell short, 6 sell short exempt")
        }
        guard locateBySymbol[symbol] != nil else { return refuse(1, "unknown symbol \(symbol)") }
        guard let qty = orderQty(m) else { return refuse(13, "OrderQty \(m[38] ?? "(none)") is not a whole number in 1...\(UInt32.max)") }
        order.orderQty = qty
        let timeInForce: VenueTimeInForce
        switch tif {
        case nil, UInt8(ascii: "0"): timeInForce = .day
        case UInt8(ascii: "3"): timeInForce = .immediateOrCancel
        case UInt8(ascii: "4"): timeInForce = .fillOrKill
        default: return refuse(11, "TimeInForce \(m[59] ?? "") is not supported; allowed: 0 Day, 3 IOC, 4 FOK")
        }
        switch ordType {
        case UInt8(ascii: "1"):
            if timeInForce == .day { return refuse(11, "a market order must be IOC (59=3) or FOK (59=4): it cannot rest") }
        case UInt8(ascii: "2"):
            switch limitPrice(m, locate: order.locate) {
            case .success(let p): order.price = p
            case .failure(let r): return refuse(r.ordRej, r.text)
            }
        default:
            return refuse(11, "OrdType \(m[40] ?? "(none)") is not supported; allowed: 1 market, 2 limit")
        }
        let postOnly = m[18]?.split(separator: " ").contains("6") ?? false
        order.token = takeToken()
        orders.append(order)
        orderByToken[order.token] = index
        engine.submit(VenueOrderRequest(token: order.token, firm: firm, locate: order.locate, side: order.side, price: order.price,
                                        quantity: qty, timeInForce: timeInForce, postOnly: postOnly), into: &events)
        return []
    }

    /// The open order a cancel or replace names by OrigClOrdID, or the OrderCancelReject.
    private mutating func target(_ m: FIXMessage, responseTo: Character) -> Result<Int, RejectReply> {
        let clOrdID = m[11] ?? ""
        let orig = m[41] ?? ""
        func reject(_ reason: Int, _ order: Order?, _ text: String) -> Result<Int, RejectReply> {
            counters.cancelRejects += 1
            return .failure(RejectReply(message: cancelReject(clOrdID: clOrdID, origClOrdID: orig, order: order,
                                                               responseTo: responseTo, reason: reason, text: text)))
        }
        guard let index = orderByClOrdID[orig] else { return reject(1, nil, "unknown order \(orig)") }
        let o = orders[index]
        if clOrdID.isEmpty { return reject(99, o, "ClOrdID (11) is empty") }
        if orderByClOrdID[clOrdID] != nil { return reject(6, o, "duplicate ClOrdID \(clOrdID)") }
        guard o.isOpen else {
            return reject(0, o, o.status == Status.rejected ? "order \(orig) was rejected" : "too late: order \(orig) is no longer open")
        }
        if o.pendingCancel != nil || o.pendingReplace != nil {
            return reject(3, o, "order \(orig) already has a cancel or replace pending")
        }
        if let s = m[55], s != o.symbol { return reject(99, o, "Symbol \(s) differs from the order's \(o.symbol)") }
        if let s = m[54]?.utf8.first, s != o.sideByte { return reject(99, o, "Side \(m[54]!) differs from the order's") }
        return .success(index)
    }

    struct RejectReply: Error { var message: FIXOutgoingMessage }

    private mutating func cancel(_ m: FIXMessage, engine: inout MatchingEngine, events: inout [VenueEvent]) -> [FIXOutgoingMessage] {
        switch target(m, responseTo: "1") {
        case .failure(let r): return [r.message]
        case .success(let index):
            let clOrdID = m[11]!
            orderByClOrdID[clOrdID] = index
            orders[index].pendingCancel = PendingCancel(clOrdID: clOrdID, origClOrdID: m[41]!)
            engine.cancel(token: orders[index].token, firm: firm, into: &events)
            return []
        }
    }

    private mutating func replace(_ m: FIXMessage, engine: inout MatchingEngine, events: inout [VenueEvent]) -> [FIXOutgoingMessage] {
        switch target(m, responseTo: "2") {
        case .failure(let r): return [r.message]
        case .success(let index):
            let o = orders[index]
            let clOrdID = m[11]!
            func reject(_ reason: Int, _ text: String) -> [FIXOutgoingMessage] {
                counters.cancelRejects += 1
                return [cancelReject(clOrdID: clOrdID, origClOrdID: m[41]!, order: o, responseTo: "2", reason: reason, text: text)]
            }
            guard let qty = orderQty(m) else { return reject(99, "OrderQty \(m[38] ?? "(none)") is not a whole number in 1...\(UInt32.max)") }
            guard qty > o.cumQty else { return reject(99, "OrderQty \(qty) is not above CumQty \(o.cumQty)") }
            let ordType = m[40]?.utf8.first ?? o.ordType
            guard ordType == UInt8(ascii: "2"), o.ordType == UInt8(ascii: "2") else {
                return reject(99, "only limit orders can be replaced, as limit orders (OrdType 2)")
            }
            let price: Price4
            switch limitPrice(m, locate: o.locate) {
            case .success(let p): price = p
            case .failure(let r): return reject(r.cxlRej, r.text)
            }
            orderByClOrdID[clOrdID] = index
            let token = takeToken()
            orderByToken[token] = index
            orders[index].pendingReplace = PendingReplace(token: token, clOrdID: clOrdID, origClOrdID: m[41]!, orderQty: qty, price: price)
            // FIX's OrderQty is the order's new total; the engine's replace takes the new open quantity.
            engine.replace(previousToken: o.token, firm: firm, newToken: token, price: price, quantity: qty - o.cumQty, into: &events)
            return []
        }
    }

    private mutating func status(_ m: FIXMessage, now: Timestamp<UTC>) -> [FIXOutgoingMessage] {
        let clOrdID = m[11] ?? ""
        var extra: [(UInt32, String)] = []
        if let id = m[790] { extra.append((790, id)) }
        guard let index = orderByClOrdID[clOrdID] else {
            var unknown = Order(clOrdID: clOrdID, symbol: m[55] ?? "", locate: 0, side: .buy, sideByte: m[54]?.utf8.first ?? UInt8(ascii: "1"),
                                ordType: UInt8(ascii: "2"), price: nil, timeInForce: nil, orderQty: 0, token: 0)
            unknown.status = Status.rejected
            return [report(unknown, execType: "I", text: "unknown order \(clOrdID)", extra: extra, now: now)]
        }
        return [report(orders[index], execType: "I", extra: extra, now: now)]
    }

    // MARK: - Outbound

    /// The FIX messages `event` sends to this session (nothing when it is another firm's, or
    /// the market's alone).
    public mutating func replies(to event: VenueEvent, now: Timestamp<UTC>) -> [FIXOutgoingMessage] {
        switch event {
        case .accepted(let reference, let request) where request.firm == firm:
            guard let i = orderByToken[request.token], orders[i].status == Status.pendingNew else { return [] }
            orders[i].orderID = String(reference)
            orders[i].status = Status.new
            return [report(orders[i], execType: "0", now: now)]

        case .rejected(let token, let f, _, let reason) where f == firm:
            guard let i = orderByToken[token] else { return [] }
            if let r = orders[i].pendingReplace, r.token == token {
                orders[i].pendingReplace = nil
                orderByToken[token] = nil
                counters.cancelRejects += 1
                return [cancelReject(clOrdID: r.clOrdID, origClOrdID: r.origClOrdID, order: orders[i], responseTo: "2",
                                     reason: Self.cancelRejectReason(reason), text: reason.description)]
            }
            if let c = orders[i].pendingCancel, orders[i].token == token {
                orders[i].pendingCancel = nil
                counters.cancelRejects += 1
                return [cancelReject(clOrdID: c.clOrdID, origClOrdID: c.origClOrdID, order: orders[i], responseTo: "1",
                                     reason: Self.cancelRejectReason(reason), text: reason.description)]
            }
            guard orders[i].status == Status.pendingNew else { return [] }
            orders[i].status = Status.rejected
            orderByToken[token] = nil
            counters.orderRejects += 1
            return [report(orders[i], execType: "8", rejectReason: Self.orderRejectReason(reason), text: reason.description, now: now)]

        case .executed(_, let price, let quantity, _, let resting, let aggressor):
            var out: [FIXOutgoingMessage] = []
            for party in [resting, aggressor] where party.firm == firm {
                guard let i = orderByToken[party.token], orders[i].token == party.token else { continue }
                orders[i].cumQty += quantity
                orders[i].notional += Int128(price.rawValue) * Int128(quantity)
                orders[i].status = orders[i].cumQty >= orders[i].orderQty ? Status.filled : Status.partiallyFilled
                counters.fills += 1
                out.append(report(orders[i], execType: "F", lastQty: quantity, lastPx: price, now: now))
            }
            return out

        case .canceled(_, let token, let f, _, _, _, let leaves, _, let reason) where f == firm:
            guard let i = orderByToken[token], orders[i].token == token, orders[i].isOpen else { return [] }
            var origClOrdID: String? = nil
            var text: String
            if reason == .userRequested, let c = orders[i].pendingCancel {
                orders[i].pendingCancel = nil
                origClOrdID = c.origClOrdID
                orders[i].clOrdID = c.clOrdID
                text = "canceled by request"
            } else {
                text = switch reason {
                case .userRequested: "canceled"
                case .immediateOrCancel: orders[i].timeInForce == UInt8(ascii: "4") ? "fill or kill: not filled in full" : "unexecuted rest of an immediate order"
                case .selfMatchPrevention: "self-match prevention"
                case .endOfDay: "end of the trading day"
                case .halt: "instrument halted"
                }
            }
            if leaves > 0 {
                // Partly canceled: the order stays open with `leaves` (the venue's own reduction).
                orders[i].orderQty = orders[i].cumQty + leaves
                return [report(orders[i], execType: "D", origClOrdID: origClOrdID, text: text, now: now)]
            }
            orders[i].status = Status.canceled
            orderByToken[token] = nil
            return [report(orders[i], execType: "4", origClOrdID: origClOrdID, text: text, now: now)]

        case .replaced(_, let newReference, let token, let previousToken, let f, _, _, let price, _, _, _) where f == firm:
            guard let i = orderByToken[token], let r = orders[i].pendingReplace, r.token == token else { return [] }
            _ = newReference  // OrderID stays the first reference: FIX orders keep their OrderID across replaces.
            orders[i].pendingReplace = nil
            orderByToken[previousToken] = nil
            orders[i].token = token
            orders[i].clOrdID = r.clOrdID
            orders[i].orderQty = r.orderQty
            orders[i].price = price
            return [report(orders[i], execType: "5", origClOrdID: r.origClOrdID, now: now)]

        default:
            return []
        }
    }

    // MARK: - Messages

    private mutating func report(_ o: Order, execType: Character, origClOrdID: String? = nil, lastQty: UInt32 = 0,
                                 lastPx: Price4? = nil, rejectReason: Int? = nil, text: String? = nil,
                                 extra: [(UInt32, String)] = [], now: Timestamp<UTC>) -> FIXOutgoingMessage {
        counters.executionReports += 1
        let execID = "\(firm)-\(nextExecID)"
        nextExecID += 1
        var f: [(UInt32, String)] = [(37, o.orderID), (11, o.clOrdID)]
        if let origClOrdID { f.append((41, origClOrdID)) }
        f += [(17, execID), (150, String(execType)), (39, String(UnicodeScalar(o.status == Status.pendingNew ? Status.new : o.status)))]
        if let rejectReason { f.append((103, String(rejectReason))) }
        f += [(55, o.symbol), (54, String(UnicodeScalar(o.sideByte == 0 ? UInt8(ascii: "1") : o.sideByte))),
              (38, String(o.orderQty))]
        if o.ordType == UInt8(ascii: "1") || o.ordType == UInt8(ascii: "2") { f.append((40, String(UnicodeScalar(o.ordType)))) }
        if let p = o.price { f.append((44, Self.text(p))) }
        if let t = o.timeInForce, [UInt8(ascii: "0"), UInt8(ascii: "3"), UInt8(ascii: "4")].contains(t) { f.append((59, String(UnicodeScalar(t)))) }
        if lastQty > 0, let lastPx {
            f += [(32, String(lastQty)), (31, Self.text(lastPx))]
        }
        f += [(151, String(o.leaves)), (14, String(o.cumQty)), (6, Self.averagePrice(notional: o.notional, quantity: o.cumQty)),
              (60, FIXTimestampFormat.string(now))]
        f += extra
        if let text { f.append((58, text)) }
        return FIXOutgoingMessage(.executionReport, f)
    }

    private func cancelReject(clOrdID: String, origClOrdID: String, order: Order?, responseTo: Character, reason: Int,
                              text: String) -> FIXOutgoingMessage {
        FIXOutgoingMessage(.orderCancelReject, [
            (37, order?.orderID ?? "NONE"), (11, clOrdID.isEmpty ? "NONE" : clOrdID), (41, origClOrdID.isEmpty ? "NONE" : origClOrdID),
            (39, String(UnicodeScalar(order.map { $0.status == Status.pendingNew ? Status.new : $0.status } ?? Status.rejected))),
            (434, String(responseTo)), (102, String(reason)), (58, text),
        ])
    }

    static func orderRejectReason(_ r: VenueReject) -> Int {
        switch r {
        case .unknownInstrument: 1
        case .halted: 2
        case .duplicateToken: 6
        case .marketOrderMustBeImmediate, .invalidReplace: 11
        case .invalidQuantity: 13
        case .invalidPrice: 18
        case .unknownOrder: 5
        case .wouldTakeLiquidity: 99
        }
    }

    static func cancelRejectReason(_ r: VenueReject) -> Int {
        switch r {
        case .unknownOrder: 0  // the gateway knew the order: it left the book (filled or canceled) first
        case .halted: 2
        case .duplicateToken: 6
        default: 99
        }
    }

    /// Shortest exact decimal text of a price (`100`, `99.5`, `0.0001`).
    static func text(_ p: Price4) -> String {
        var s = p.description
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    /// AvgPx (6): Σ price × quantity / CumQty to 8 decimals (half up), shortest form; `0` before a fill.
    static func averagePrice(notional: Int128, quantity: UInt32) -> String {
        guard quantity > 0 else { return "0" }
        // Price4 raw × 10⁴ → units of 10⁻⁸.
        let q = Int128(quantity)
        let scaled = (notional * 10_000 * 2 + q) / (2 * q)
        let whole = scaled / 100_000_000
        var fraction = String(scaled % 100_000_000)
        fraction = String(repeating: "0", count: 8 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? "\(whole)" : "\(whole).\(fraction)"
    }
}
