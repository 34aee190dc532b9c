import VegaCore
import VegaMarketData
import VegaOrderEntry

/// One firm's OUCH 5.0 port at the venue, sans-IO: inbound OUCH messages become matching-engine
/// calls; the engine's events that concern this firm become the OUCH messages a NASDAQ port
/// sends back (Accepted, Executed with the liquidity flag, Canceled with its reason, Replaced,
/// Rejected). The SoupBinTCP session around it carries the bytes.
///
/// The firm's UserRefNum is the engine's token for its orders, so replies name the order the
/// way the firm does. Off the lane (the venue's thread); small allocations are fine here.
public struct VenueOUCHGateway {
    public let firm: UInt32
    private let locateBySymbol: [UInt64: UInt16]
    private let symbolByLocate: [UInt16: OUCHSymbol]
    /// Orders as the firm entered them (Accepted and Replaced echo their fields).
    private var entered: [UInt32: OUCHEnterOrder] = [:]
    public private(set) var malformed: UInt64 = 0

    /// - Parameter symbols: the venue's instruments (locate → ticker).
    public init(firm: UInt32, symbols: [UInt16: Symbol]) {
        self.firm = firm
        var bySymbol: [UInt64: UInt16] = [:]
        var byLocate: [UInt16: OUCHSymbol] = [:]
        for (locate, symbol) in symbols {
            let s = OUCHSymbol(symbol.description)!
            bySymbol[s.rawValue] = locate
            byLocate[locate] = s
        }
        locateBySymbol = bySymbol
        symbolByLocate = byLocate
    }

    /// Applies one inbound OUCH message from this firm to `engine`.
    /// - Returns: why the bytes were refused (nothing reached the engine), or `nil`.
    public mutating func handle(_ bytes: UnsafeRawBufferPointer, engine: inout MatchingEngine, events: inout [VenueEvent]) -> OUCHDecodeError? {
        let message: OUCHInboundMessage
        do throws(OUCHDecodeError) {
            message = try OUCHDecoder.parseInbound(bytes)
        } catch {
            malformed += 1
            return error
        }
        switch message {
        case .enterOrder(let view):
            let order = view.message
            let locate = locateBySymbol[order.symbol.rawValue] ?? UInt16.max
            entered[order.userRefNum] = order
            let tif: VenueTimeInForce = order.timeInForce == .immediateOrCancel ? .immediateOrCancel : .day
            let side: Side = order.side == .buy ? .buy : .sell
            engine.submit(VenueOrderRequest(token: UInt64(order.userRefNum), firm: firm, locate: locate, side: side,
                                            price: order.price, quantity: order.quantity, timeInForce: tif), into: &events)
        case .cancelOrder(let view):
            engine.cancel(token: UInt64(view.userRefNum), firm: firm, leaves: view.quantity, into: &events)
        case .replaceOrder(let view):
            if let original = entered[view.origUserRefNum] {
                var replacement = original
                replacement.userRefNum = view.userRefNum
                replacement.quantity = view.quantity
                replacement.price = view.price
                entered[view.userRefNum] = replacement
            }
            engine.replace(previousToken: UInt64(view.origUserRefNum), firm: firm, newToken: UInt64(view.userRefNum),
                           price: view.price, quantity: view.quantity, into: &events)
        case .modifyOrder(let view):
            // Not simulated: answered with a reject naming the order, so the firm is never left waiting.
            events.append(.rejected(token: UInt64(view.userRefNum), firm: firm, locate: 0, reason: .invalidReplace))
        case .massCancel(let view):
            events.append(.rejected(token: UInt64(view.userRefNum), firm: firm, locate: 0, reason: .invalidReplace))
        case .accountQuery:
            events.append(.rejected(token: 0, firm: firm, locate: 0, reason: .invalidReplace))
        }
        return nil
    }

    /// Encodes the OUCH messages `event` sends to this firm, each passed to `emit` (nothing when
    /// the event is another firm's or the market's alone).
    public mutating func replies(to event: VenueEvent, at time: OUCHTimestamp, _ emit: (UnsafeRawBufferPointer) -> Void) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256, alignment: 8)
        defer { buffer.deallocate() }
        func send(_ n: Int) { if n > 0 { emit(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) } }
        switch event {
        case .accepted(let reference, let request) where request.firm == firm:
            guard let order = entered[UInt32(truncatingIfNeeded: request.token)] else { return }
            send(OUCHOrderAccepted(accepting: order, timestamp: time, orderReferenceNumber: reference).encode(into: buffer))
        case .rejected(let token, let f, _, let reason) where f == firm:
            send(OUCHOrderRejected(timestamp: time, userRefNum: UInt32(truncatingIfNeeded: token), reason: Self.rejectReason(reason),
                                   clOrdID: entered[UInt32(truncatingIfNeeded: token)]?.clOrdID ?? .blank).encode(into: buffer))
        case .executed(_, let price, let quantity, let match, let resting, let aggressor):
            if resting.firm == firm {
                send(OUCHOrderExecuted(timestamp: time, userRefNum: UInt32(truncatingIfNeeded: resting.token), quantity: quantity,
                                       price: price, liquidityFlag: .added, matchNumber: match).encode(into: buffer))
            }
            if aggressor.firm == firm {
                send(OUCHOrderExecuted(timestamp: time, userRefNum: UInt32(truncatingIfNeeded: aggressor.token), quantity: quantity,
                                       price: price, liquidityFlag: .removed, matchNumber: match).encode(into: buffer))
            }
        case .canceled(_, let token, let f, _, _, let quantity, _, _, let reason) where f == firm:
            send(OUCHOrderCanceled(timestamp: time, userRefNum: UInt32(truncatingIfNeeded: token), quantity: quantity,
                                   reason: Self.cancelReason(reason)).encode(into: buffer))
        case .replaced(_, let newReference, let token, let previous, let f, _, _, let price, let quantity, _, _) where f == firm:
            guard let order = entered[UInt32(truncatingIfNeeded: token)] else { return }
            send(OUCHOrderReplaced(timestamp: time, origUserRefNum: UInt32(truncatingIfNeeded: previous), userRefNum: order.userRefNum,
                                   side: order.side, quantity: quantity, symbol: order.symbol, price: price,
                                   timeInForce: order.timeInForce, display: order.display, orderReferenceNumber: newReference,
                                   capacity: order.capacity, intermarketSweep: order.intermarketSweep, crossType: order.crossType,
                                   orderState: .live, clOrdID: order.clOrdID).encode(into: buffer))
        default:
            return
        }
    }

    static func rejectReason(_ r: VenueReject) -> OUCHRejectReason {
        switch r {
        case .halted: .halted
        case .invalidQuantity: .invalidQuantity
        case .invalidPrice: .invalidPrice
        case .unknownInstrument: .invalidSymbol
        default: .other
        }
    }

    static func cancelReason(_ r: VenueCancelReason) -> OUCHCancelReason {
        switch r {
        case .userRequested: .userRequested
        case .immediateOrCancel: .immediateOrCancel
        case .selfMatchPrevention: .selfMatchPrevention
        case .endOfDay: .closed
        case .halt: .halted
        }
    }
}
