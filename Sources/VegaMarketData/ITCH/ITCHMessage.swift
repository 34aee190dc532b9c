import VegaCore

/// One decoded ITCH 5.0 message: a typed, zero-copy view (one pointer) over bytes the decoder has
/// checked. Trivial and 9 bytes, so it travels by value; it borrows the frame's bytes and is valid
/// only as long as they are.
@frozen
public enum ITCHMessage: BitwiseCopyable {
    case systemEvent(ITCHSystemEvent)
    case stockDirectory(ITCHStockDirectory)
    case stockTradingAction(ITCHStockTradingAction)
    case regSHORestriction(ITCHRegSHORestriction)
    case marketParticipantPosition(ITCHMarketParticipantPosition)
    case mwcbDeclineLevel(ITCHMWCBDeclineLevel)
    case mwcbStatus(ITCHMWCBStatus)
    case ipoQuotingPeriodUpdate(ITCHIPOQuotingPeriodUpdate)
    case luldAuctionCollar(ITCHLULDAuctionCollar)
    case operationalHalt(ITCHOperationalHalt)
    case addOrder(ITCHAddOrder)
    case addOrderMPID(ITCHAddOrderMPID)
    case orderExecuted(ITCHOrderExecuted)
    case orderExecutedWithPrice(ITCHOrderExecutedWithPrice)
    case orderCancel(ITCHOrderCancel)
    case orderDelete(ITCHOrderDelete)
    case orderReplace(ITCHOrderReplace)
    case trade(ITCHTrade)
    case crossTrade(ITCHCrossTrade)
    case brokenTrade(ITCHBrokenTrade)
    case noii(ITCHNOII)
    case rpii(ITCHRPII)
    case dlcrPriceDiscovery(ITCHDLCRPriceDiscovery)

    /// The message's first byte. Every view is one pointer, so this is a load, not a dispatch.
    @inlinable
    public var base: UnsafeRawPointer {
        switch self {
        case .systemEvent(let m): m.base
        case .stockDirectory(let m): m.base
        case .stockTradingAction(let m): m.base
        case .regSHORestriction(let m): m.base
        case .marketParticipantPosition(let m): m.base
        case .mwcbDeclineLevel(let m): m.base
        case .mwcbStatus(let m): m.base
        case .ipoQuotingPeriodUpdate(let m): m.base
        case .luldAuctionCollar(let m): m.base
        case .operationalHalt(let m): m.base
        case .addOrder(let m): m.base
        case .addOrderMPID(let m): m.base
        case .orderExecuted(let m): m.base
        case .orderExecutedWithPrice(let m): m.base
        case .orderCancel(let m): m.base
        case .orderDelete(let m): m.base
        case .orderReplace(let m): m.base
        case .trade(let m): m.base
        case .crossTrade(let m): m.base
        case .brokenTrade(let m): m.base
        case .noii(let m): m.base
        case .rpii(let m): m.base
        case .dlcrPriceDiscovery(let m): m.base
        }
    }

    /// The message type (read from the type byte the decoder already checked).
    @inlinable
    public var type: ITCHMessageType {
        // The decoder only builds an ITCHMessage from a known type byte.
        ITCHMessageType(byte: base._itchU8(0)).unsafelyUnwrapped
    }

    /// Stock Locate (offset 1, every type).
    @inlinable public var stockLocate: UInt16 { base._itchU16(1) }
    /// Tracking Number (offset 3, every type).
    @inlinable public var trackingNumber: UInt16 { base._itchU16(3) }
    /// Timestamp (offset 5, every type): ns since midnight.
    @inlinable public var timestamp: Timestamp<SinceMidnight> { Timestamp(nanoseconds: base._itchTimestamp) }
    /// The message's bytes.
    @inlinable public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: type.length) }
}
