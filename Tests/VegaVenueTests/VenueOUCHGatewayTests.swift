import Testing
import VegaCore
import VegaMarketData
import VegaOrderEntry
import VegaVenue

@Suite struct VenueOUCHGatewayTests {
    struct Venue {
        var engine = MatchingEngine()
        var gateways: [UInt32: VenueOUCHGateway] = [:]
        var inbox: [UInt32: [[UInt8]]] = [:]
        var clock: UInt64 = 1_000

        init() {
            engine.addInstrument(5)
            for firm: UInt32 in [1, 2] { gateways[firm] = VenueOUCHGateway(firm: firm, symbols: [5: Symbol("ZVZZT")!]) }
        }

        /// `firm` sends `message`; every firm receives its replies.
        mutating func send(_ firm: UInt32, _ encode: (UnsafeMutableRawBufferPointer) -> Int) -> OUCHDecodeError? {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256, alignment: 8)
            defer { buffer.deallocate() }
            let n = encode(buffer)
            var events: [VenueEvent] = []
            let error = gateways[firm]!.handle(UnsafeRawBufferPointer(rebasing: buffer[0..<n]), engine: &engine, events: &events)
            for e in events {
                clock += 1
                for f in gateways.keys {
                    gateways[f]!.replies(to: e, at: OUCHTimestamp(nanoseconds: clock)) { inbox[f, default: []].append(Array($0)) }
                }
            }
            return error
        }

        mutating func take(_ firm: UInt32) -> [OUCHOutboundSummary] {
            defer { inbox[firm] = [] }
            return (inbox[firm] ?? []).map { OUCHOutboundSummary($0) }
        }
    }

    enum OUCHOutboundSummary: Equatable {
        case accepted(ref: UInt32, qty: UInt32, price: Int64, orderRef: UInt64)
        case executed(ref: UInt32, qty: UInt32, price: Int64, added: Bool)
        case canceled(ref: UInt32, qty: UInt32, reason: UInt8)
        case replaced(orig: UInt32, ref: UInt32, qty: UInt32, price: Int64)
        case rejected(ref: UInt32, reason: UInt16)
        case other

        init(_ bytes: [UInt8]) {
            self = bytes.withUnsafeBytes { raw in
                guard let m = try? OUCHDecoder.parseOutbound(raw) else { return .other }
                switch m {
                case .orderAccepted(let v): return .accepted(ref: v.userRefNum, qty: v.quantity, price: v.price.rawValue, orderRef: v.orderReferenceNumber)
                case .orderExecuted(let v): return .executed(ref: v.userRefNum, qty: v.quantity, price: v.price.rawValue, added: v.liquidityFlag == .added)
                case .orderCanceled(let v): return .canceled(ref: v.userRefNum, qty: v.quantity, reason: v.reason.rawValue)
                case .orderReplaced(let v): return .replaced(orig: v.origUserRefNum, ref: v.userRefNum, qty: v.quantity, price: v.price.rawValue)
                case .orderRejected(let v): return .rejected(ref: v.userRefNum, reason: v.reason.rawValue)
                default: return .other
                }
            }
        }
    }

    let zvzzt = OUCHSymbol("ZVZZT")!

    @Test func aCrossingOrderGetsAcceptedAndExecutedOnBothPortsWithTheRightLiquidityFlags() {
        var v = Venue()
        #expect(v.send(1) { OUCHEnterOrder(userRefNum: 10, side: .buy, quantity: 300, symbol: zvzzt, price: Price4(rawValue: 100_000)).encode(into: $0) } == nil)
        #expect(v.take(1) == [.accepted(ref: 10, qty: 300, price: 100_000, orderRef: 1)])
        #expect(v.send(2) { OUCHEnterOrder(userRefNum: 7, side: .sell, quantity: 100, symbol: zvzzt, price: Price4(rawValue: 99_000)).encode(into: $0) } == nil)
        #expect(v.take(1) == [.executed(ref: 10, qty: 100, price: 100_000, added: true)])
        #expect(v.take(2) == [.accepted(ref: 7, qty: 100, price: 99_000, orderRef: 2), .executed(ref: 7, qty: 100, price: 100_000, added: false)])
    }

    @Test func cancelsReplacesAndRejectsAnswerTheFirmThatSentThem() {
        var v = Venue()
        _ = v.send(1) { OUCHEnterOrder(userRefNum: 1, side: .sell, quantity: 500, symbol: zvzzt, price: Price4(rawValue: 101_000)).encode(into: $0) }
        _ = v.take(1)
        // Cancel down to 200 shares (OUCH's Cancel names the size the order should become).
        _ = v.send(1) { OUCHCancelOrder(userRefNum: 1, quantity: 200).encode(into: $0) }
        #expect(v.take(1) == [.canceled(ref: 1, qty: 300, reason: OUCHCancelReason.userRequested.rawValue)])
        _ = v.send(1) { OUCHReplaceOrder(origUserRefNum: 1, userRefNum: 2, quantity: 250, price: Price4(rawValue: 100_500)).encode(into: $0) }
        #expect(v.take(1) == [.replaced(orig: 1, ref: 2, qty: 250, price: 100_500)])
        #expect(v.take(2).isEmpty)
        // Unknown symbol, and a cancel of an order that is gone.
        _ = v.send(2) { OUCHEnterOrder(userRefNum: 3, side: .buy, quantity: 1, symbol: OUCHSymbol("NOPE")!, price: Price4(rawValue: 1)).encode(into: $0) }
        #expect(v.take(2) == [.rejected(ref: 3, reason: OUCHRejectReason.invalidSymbol.rawValue)])
        _ = v.send(2) { OUCHCancelOrder(userRefNum: 99, quantity: 0).encode(into: $0) }
        #expect(v.take(2) == [.rejected(ref: 99, reason: OUCHRejectReason.other.rawValue)])
        // Garbage never reaches the engine.
        #expect(v.send(2) { buffer in buffer[0] = 0x4F; buffer[1] = 1; return 2 } != nil)
        #expect(v.engine.accepted == 1)
    }
}
