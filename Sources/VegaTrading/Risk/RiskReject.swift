/// Why pre-trade risk refused an order, cancel or replace. Each is counted
/// (``RiskEngine/rejectCount(_:)``); the raw value indexes the counters.
@frozen
public enum RiskReject: UInt8, Sendable, Hashable, BitwiseCopyable, CaseIterable, CustomStringConvertible {
    case killSwitchGlobal = 1
    case killSwitchAccount
    case killSwitchStrategy
    case killSwitchInstrument
    /// Instrument, account or strategy number beyond the lane's capacity.
    case unknownInstrument
    case unknownAccount
    case unknownStrategy
    /// The instrument is on the restricted list.
    case restrictedInstrument
    /// The venue halted or paused the instrument.
    case tradingHalted
    /// Quotation-only period: only post-only orders may go.
    case quotationOnly
    /// Market data for the instrument is older than the lane's staleness limit.
    case staleMarketData
    case zeroQuantity
    case invalidPrice
    case maxOrderQuantity
    case maxOrderNotional
    /// Priced through the reference by more than the collar (fat finger).
    case priceCollar
    /// The collar has no book to check against and the policy is to refuse.
    case noReferencePrice
    /// The account's order (new/replace) token bucket is empty.
    case orderRate
    /// The account's cancel token bucket is empty.
    case cancelRate
    case accountOpenOrders
    case laneOpenOrders
    case accountOpenNotional
    case laneOpenNotional
    /// Position + working buys + this order would exceed the instrument's maxLong.
    case positionLong
    case positionShort
    case positionGross
    case accountLongNotional
    case accountShortNotional
    case accountGrossNotional
    /// It would trade against one of our own resting orders at the same venue.
    case selfMatch
    /// A cancel or replace of an order that is not working (unknown, finished, pending).
    case orderNotWorking
    /// A value too large to check without overflow.
    case overflow

    public var description: String {
        switch self {
        case .killSwitchGlobal: "global kill switch"
        case .killSwitchAccount: "account kill switch"
        case .killSwitchStrategy: "strategy kill switch"
        case .killSwitchInstrument: "instrument kill switch"
        case .unknownInstrument: "unknown instrument"
        case .unknownAccount: "unknown account"
        case .unknownStrategy: "unknown strategy"
        case .restrictedInstrument: "restricted instrument"
        case .tradingHalted: "trading halted"
        case .quotationOnly: "quotation only"
        case .staleMarketData: "stale market data"
        case .zeroQuantity: "zero quantity"
        case .invalidPrice: "invalid price"
        case .maxOrderQuantity: "order quantity above limit"
        case .maxOrderNotional: "order notional above limit"
        case .priceCollar: "price outside collar"
        case .noReferencePrice: "no reference price for collar"
        case .orderRate: "order rate limit"
        case .cancelRate: "cancel rate limit"
        case .accountOpenOrders: "account open-order limit"
        case .laneOpenOrders: "lane open-order limit"
        case .accountOpenNotional: "account open-notional limit"
        case .laneOpenNotional: "lane open-notional limit"
        case .positionLong: "long position limit"
        case .positionShort: "short position limit"
        case .positionGross: "gross position limit"
        case .accountLongNotional: "account long-notional limit"
        case .accountShortNotional: "account short-notional limit"
        case .accountGrossNotional: "account gross-notional limit"
        case .selfMatch: "self-match"
        case .orderNotWorking: "order not working"
        case .overflow: "value too large"
        }
    }
}

/// Pre-trade risk's answer for one intent.
@frozen
public enum RiskVerdict: Sendable, Equatable, BitwiseCopyable {
    case accept
    case reject(RiskReject)

    @inlinable public var isAccepted: Bool { if case .accept = self { true } else { false } }
}
