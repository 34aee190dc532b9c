/// A decoded inbound (client → venue) OUCH 5.0 message: a zero-copy view over the caller's bytes.
@frozen
public enum OUCHInboundMessage: BitwiseCopyable {
    case enterOrder(OUCHEnterOrderView)
    case replaceOrder(OUCHReplaceOrderView)
    case cancelOrder(OUCHCancelOrderView)
    case modifyOrder(OUCHModifyOrderView)
    case massCancel(OUCHMassCancelView)
    case accountQuery
}

/// A decoded outbound (venue → client) OUCH 5.0 message: a zero-copy view over the caller's bytes.
@frozen
public enum OUCHOutboundMessage: BitwiseCopyable {
    case systemEvent(OUCHSystemEventView)
    case orderAccepted(OUCHOrderAcceptedView)
    case orderReplaced(OUCHOrderReplacedView)
    case orderCanceled(OUCHOrderCanceledView)
    case aiqCanceled(OUCHAIQCanceledView)
    case orderExecuted(OUCHOrderExecutedView)
    case brokenTrade(OUCHBrokenTradeView)
    case orderRejected(OUCHOrderRejectedView)
    /// Cancel Pending ('P') or Cancel Reject ('I'): `isReject` tells which.
    case cancelNotice(OUCHCancelNoticeView)
    case priorityUpdate(OUCHPriorityUpdateView)
    case orderModified(OUCHOrderModifiedView)
    case orderRestated(OUCHOrderRestatedView)
    case accountQueryResponse(OUCHAccountQueryResponseView)
    case massCancelResponse(OUCHMassCancelResponseView)
}

/// Decodes OUCH 5.0 messages, one SoupBinTCP payload at a time, and counts refusals per reason.
///
/// Contract: never allocates, locks, traps or reads outside `bytes`, whatever they hold (fuzzed with
/// random bytes in the tests). A message is accepted only if its length is exactly the type's fixed
/// part plus its declared appendage, every enumerated field holds a listed value, and the appendage
/// is well-formed; the returned view then reads fields in place without further checks. The view
/// borrows `bytes`: they must stay valid while it is used.
///
/// Cost: one switch on the type byte, two length compares, one compare per enumerated field, and a
/// walk over the appendage's elements when there is one.
@frozen
public struct OUCHDecoder: Sendable {
    public var counters = OUCHDecodeCounters()

    @inlinable public init() {}

    /// Decodes one inbound message and counts the outcome; `nil` means refused (see `lastError`).
    @inlinable
    public mutating func decodeInbound(_ bytes: UnsafeRawBufferPointer) -> OUCHInboundMessage? {
        do {
            let m = try Self.parseInbound(bytes)
            counters.decoded &+= 1
            return m
        } catch {
            counters.count(error)
            return nil
        }
    }

    /// Decodes one outbound message and counts the outcome; `nil` means refused.
    @inlinable
    public mutating func decodeOutbound(_ bytes: UnsafeRawBufferPointer) -> OUCHOutboundMessage? {
        do {
            let m = try Self.parseOutbound(bytes)
            counters.decoded &+= 1
            return m
        } catch {
            counters.count(error)
            return nil
        }
    }

    /// Checks a message with a fixed part and an appendage: returns its total length or throws.
    @inlinable @inline(__always)
    static func _withAppendage(_ p: UnsafeRawPointer, _ count: Int, fixed: Int) throws(OUCHDecodeError) -> Int {
        guard count >= fixed else { throw .truncated }
        let appendage = Int(p._ouchU16(fixed - 2))
        guard count >= fixed + appendage else { throw .truncated }
        guard count == fixed + appendage else { throw .badLength }
        return appendage
    }

    @inlinable @inline(__always)
    static func _fixed(_ count: Int, _ length: Int) throws(OUCHDecodeError) {
        guard count >= length else { throw .truncated }
        guard count == length else { throw .badLength }
    }

    @inlinable @inline(__always)
    static func _appendage(_ p: UnsafeRawPointer, fixed: Int, length: Int) throws(OUCHDecodeError) {
        if length > 0 && !OUCHAppendage.validate(p + fixed, count: length) { throw .badAppendage }
    }

    /// The checks of `decodeInbound` without counting. Typed throws: no allocation, no existential.
    @inlinable
    public static func parseInbound(_ bytes: UnsafeRawBufferPointer) throws(OUCHDecodeError) -> OUCHInboundMessage {
        let count = bytes.count
        guard count > 0, let p = bytes.baseAddress else { throw .truncated }
        switch p._ouchU8(0) {
        case OUCHEnterOrder.type:
            let a = try _withAppendage(p, count, fixed: OUCHEnterOrder.fixedLength)
            guard OUCHEnterOrderView._check(p) else { throw .badEnumValue }
            try _appendage(p, fixed: OUCHEnterOrder.fixedLength, length: a)
            return .enterOrder(OUCHEnterOrderView(unchecked: p, count: count))
        case OUCHReplaceOrder.type:
            let a = try _withAppendage(p, count, fixed: OUCHReplaceOrder.fixedLength)
            guard OUCHReplaceOrderView._check(p) else { throw .badEnumValue }
            try _appendage(p, fixed: OUCHReplaceOrder.fixedLength, length: a)
            return .replaceOrder(OUCHReplaceOrderView(unchecked: p, count: count))
        case OUCHCancelOrder.type:
            try _fixed(count, OUCHCancelOrder.length)
            return .cancelOrder(OUCHCancelOrderView(unchecked: p))
        case OUCHModifyOrder.type:
            try _fixed(count, OUCHModifyOrder.length)
            guard OUCHSide(rawValue: p._ouchU8(5)) != nil else { throw .badEnumValue }
            return .modifyOrder(OUCHModifyOrderView(unchecked: p))
        case OUCHMassCancel.type:
            let a = try _withAppendage(p, count, fixed: OUCHMassCancel.fixedLength)
            try _appendage(p, fixed: OUCHMassCancel.fixedLength, length: a)
            return .massCancel(OUCHMassCancelView(unchecked: p, count: count))
        case OUCHAccountQueryRequest.type:
            try _fixed(count, OUCHAccountQueryRequest.length)
            return .accountQuery
        default:
            throw .unknownType
        }
    }

    /// The checks of `decodeOutbound` without counting.
    @inlinable
    public static func parseOutbound(_ bytes: UnsafeRawBufferPointer) throws(OUCHDecodeError) -> OUCHOutboundMessage {
        let count = bytes.count
        guard count > 0, let p = bytes.baseAddress else { throw .truncated }
        switch p._ouchU8(0) {
        case OUCHOrderExecuted.type:  // first: the message a trading lane sees most after acceptances
            let a = try _withAppendage(p, count, fixed: OUCHOrderExecuted.fixedLength)
            guard OUCHLiquidityFlag(rawValue: p._ouchU8(25)) != nil else { throw .badEnumValue }
            try _appendage(p, fixed: OUCHOrderExecuted.fixedLength, length: a)
            return .orderExecuted(OUCHOrderExecutedView(unchecked: p, count: count))
        case OUCHOrderAccepted.type:
            let a = try _withAppendage(p, count, fixed: OUCHOrderAccepted.fixedLength)
            guard OUCHOrderAcceptedView._check(p) else { throw .badEnumValue }
            try _appendage(p, fixed: OUCHOrderAccepted.fixedLength, length: a)
            return .orderAccepted(OUCHOrderAcceptedView(unchecked: p, count: count))
        case OUCHOrderCanceled.type:
            try _fixed(count, OUCHOrderCanceled.length)
            guard OUCHCancelReason(rawValue: p._ouchU8(17)) != nil else { throw .badEnumValue }
            return .orderCanceled(OUCHOrderCanceledView(unchecked: p))
        case OUCHOrderReplaced.type:
            let a = try _withAppendage(p, count, fixed: OUCHOrderReplaced.fixedLength)
            guard OUCHOrderReplacedView._check(p) else { throw .badEnumValue }
            try _appendage(p, fixed: OUCHOrderReplaced.fixedLength, length: a)
            return .orderReplaced(OUCHOrderReplacedView(unchecked: p, count: count))
        case OUCHSystemEvent.type:
            try _fixed(count, OUCHSystemEvent.length)
            guard OUCHEventCode(rawValue: p._ouchU8(9)) != nil else { throw .badEnumValue }
            return .systemEvent(OUCHSystemEventView(unchecked: p))
        case OUCHAIQCanceled.type:
            try _fixed(count, OUCHAIQCanceled.length)
            // 3.5: "For an AIQ Cancel message, this value will always be 'Q'".
            guard p._ouchU8(17) == OUCHCancelReason.selfMatchPrevention.rawValue,
                  OUCHLiquidityFlag(rawValue: p._ouchU8(30)) != nil else { throw .badEnumValue }
            return .aiqCanceled(OUCHAIQCanceledView(unchecked: p))
        case OUCHBrokenTrade.type:
            try _fixed(count, OUCHBrokenTrade.length)
            guard OUCHBrokenTradeReason(rawValue: p._ouchU8(21)) != nil else { throw .badEnumValue }
            return .brokenTrade(OUCHBrokenTradeView(unchecked: p))
        case OUCHOrderRejected.type:
            try _fixed(count, OUCHOrderRejected.length)
            guard OUCHRejectReason(rawValue: p._ouchU16(13)).isKnown else { throw .badEnumValue }
            return .orderRejected(OUCHOrderRejectedView(unchecked: p))
        case OUCHCancelNotice.pendingType, OUCHCancelNotice.rejectType:
            try _fixed(count, OUCHCancelNotice.length)
            return .cancelNotice(OUCHCancelNoticeView(unchecked: p))
        case OUCHPriorityUpdate.type:
            try _fixed(count, OUCHPriorityUpdate.length)
            guard OUCHDisplay(rawValue: p._ouchU8(21)) != nil else { throw .badEnumValue }
            return .priorityUpdate(OUCHPriorityUpdateView(unchecked: p))
        case OUCHOrderModified.type:
            try _fixed(count, OUCHOrderModified.length)
            guard OUCHSide(rawValue: p._ouchU8(13)) != nil else { throw .badEnumValue }
            return .orderModified(OUCHOrderModifiedView(unchecked: p))
        case OUCHOrderRestated.type:
            let a = try _withAppendage(p, count, fixed: OUCHOrderRestated.fixedLength)
            guard OUCHRestatedReason(rawValue: p._ouchU8(13)) != nil else { throw .badEnumValue }
            try _appendage(p, fixed: OUCHOrderRestated.fixedLength, length: a)
            return .orderRestated(OUCHOrderRestatedView(unchecked: p, count: count))
        case OUCHAccountQueryResponse.type:
            try _fixed(count, OUCHAccountQueryResponse.length)
            return .accountQueryResponse(OUCHAccountQueryResponseView(unchecked: p))
        case OUCHMassCancelResponse.type:
            let a = try _withAppendage(p, count, fixed: OUCHMassCancelResponse.fixedLength)
            try _appendage(p, fixed: OUCHMassCancelResponse.fixedLength, length: a)
            return .massCancelResponse(OUCHMassCancelResponseView(unchecked: p, count: count))
        default:
            throw .unknownType
        }
    }
}
