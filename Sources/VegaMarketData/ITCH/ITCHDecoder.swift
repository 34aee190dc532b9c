import VegaCore

/// The outcome of decoding one message: a typed view, or the reason it was refused.
@frozen
public enum ITCHDecoded: BitwiseCopyable {
    case message(ITCHMessage)
    case rejected(ITCHReject)
}

/// Decodes one ITCH 5.0 message at a time, as MoldUDP64 message blocks or NASDAQ's file framing
/// deliver them (each with its length), and counts what it saw.
///
/// Contract: `decode` never allocates, locks, throws or traps, whatever the bytes (fuzzed). It
/// reads the type byte, checks the length against the type's fixed length, checks the few fields
/// listed in ``ITCHReject`` and returns a view; the view's other fields are read only when the
/// caller asks. A refused message costs nothing but its count: the framing gives the next
/// message's start, so one bad message never desynchronises the stream.
///
/// The no-allocation/no-locks contract is proved by the compiler in the test target
/// (`ITCHNoLocksProofs.swift`): `@_noLocks` here would be checked file by file in debug builds,
/// where the other files' inlinable bodies are invisible.
///
/// Cost: one switch on the type byte, two length compares, one timestamp compare, and for book
/// messages one to three field compares; ~a few ns.
@frozen
public struct ITCHDecoder: Sendable {
    /// Per-type and per-reason counts since creation.
    public var counters: ITCHCounters

    /// Nanoseconds in a day: an ITCH timestamp (ns since midnight) is always below this.
    public static let nanosecondsPerDay: UInt64 = 86_400 * 1_000_000_000
    /// The largest Price(4) ITCH 5.0 sends: 200,000.0000 (spec, Data Types).
    public static let maximumPrice4: Int64 = 2_000_000_000

    @inlinable
    public init() { counters = ITCHCounters() }

    /// Decodes the one message in `bytes` (exactly one message: its type byte first, its length
    /// the framing's). No allocation, no locks; never traps.
    @inlinable
    public mutating func decode(_ bytes: UnsafeRawBufferPointer) -> ITCHDecoded {
        let result = Self.validate(bytes)
        switch result {
        case .message(let m): counters.count(m.type)
        case .rejected(let reason): counters.count(reason)
        }
        return result
    }

    /// Counts a framing-level refusal the decoder never saw bytes for (a file reader's
    /// ``ITCHReject/truncatedFrame``), so every reason lives in one set of counters.
    @inlinable
    public mutating func countFramingReject(_ reason: ITCHReject) { counters.count(reason) }

    /// The checks, without counting: pure, so tests and other decoders (e.g. a venue's
    /// self-check) can use it.
    @inlinable
    public static func validate(_ bytes: UnsafeRawBufferPointer) -> ITCHDecoded {
        let count = bytes.count
        guard count > 0, let p = bytes.baseAddress else { return .rejected(.truncated) }
        guard let type = ITCHMessageType(byte: p._itchU8(0)) else { return .rejected(.unknownType) }
        let length = type.length
        if count < length { return .rejected(.truncated) }
        if count > length { return .rejected(.lengthMismatch) }
        // From here `length` bytes are readable, so every view's loads are in bounds.
        if p._itchTimestamp >= nanosecondsPerDay { return .rejected(.invalidTimestamp) }

        switch type {
        case .systemEvent: return .message(.systemEvent(.init(unchecked: p)))
        case .stockDirectory: return .message(.stockDirectory(.init(unchecked: p)))
        case .stockTradingAction:
            let m = ITCHStockTradingAction(unchecked: p)
            // The sink takes a TradingState: an unknown state cannot be applied, so refuse it.
            guard m.tradingState != nil else { return .rejected(.invalidTradingState) }
            return .message(.stockTradingAction(m))
        case .regSHORestriction: return .message(.regSHORestriction(.init(unchecked: p)))
        case .marketParticipantPosition: return .message(.marketParticipantPosition(.init(unchecked: p)))
        case .mwcbDeclineLevel:
            let m = ITCHMWCBDeclineLevel(unchecked: p)
            // Price(8) is unsigned on the wire; above Int64.max it would read as negative.
            guard m.level1.rawValue >= 0, m.level2.rawValue >= 0, m.level3.rawValue >= 0 else {
                return .rejected(.invalidPrice)
            }
            return .message(.mwcbDeclineLevel(m))
        case .mwcbStatus: return .message(.mwcbStatus(.init(unchecked: p)))
        case .ipoQuotingPeriodUpdate: return .message(.ipoQuotingPeriodUpdate(.init(unchecked: p)))
        case .luldAuctionCollar: return .message(.luldAuctionCollar(.init(unchecked: p)))
        case .operationalHalt: return .message(.operationalHalt(.init(unchecked: p)))
        case .addOrder:
            let m = ITCHAddOrder(unchecked: p)
            if let r = checkOrder(side: m.sideCode, shares: m.shares, price: m.price) { return .rejected(r) }
            return .message(.addOrder(m))
        case .addOrderMPID:
            let m = ITCHAddOrderMPID(unchecked: p)
            if let r = checkOrder(side: m.sideCode, shares: m.shares, price: m.price) { return .rejected(r) }
            return .message(.addOrderMPID(m))
        case .orderExecuted:
            let m = ITCHOrderExecuted(unchecked: p)
            guard m.executedShares > 0 else { return .rejected(.invalidShares) }
            return .message(.orderExecuted(m))
        case .orderExecutedWithPrice:
            let m = ITCHOrderExecutedWithPrice(unchecked: p)
            guard m.executedShares > 0 else { return .rejected(.invalidShares) }
            guard m.printableCode == 0x59 || m.printableCode == 0x4E else { return .rejected(.invalidPrintable) }
            guard isValidPrice(m.executionPrice) else { return .rejected(.invalidPrice) }
            return .message(.orderExecutedWithPrice(m))
        case .orderCancel:
            let m = ITCHOrderCancel(unchecked: p)
            guard m.cancelledShares > 0 else { return .rejected(.invalidShares) }
            return .message(.orderCancel(m))
        case .orderDelete: return .message(.orderDelete(.init(unchecked: p)))
        case .orderReplace:
            let m = ITCHOrderReplace(unchecked: p)
            guard m.shares > 0 else { return .rejected(.invalidShares) }
            guard isValidPrice(m.price) else { return .rejected(.invalidPrice) }
            return .message(.orderReplace(m))
        case .trade:
            let m = ITCHTrade(unchecked: p)
            if let r = checkOrder(side: m.sideCode, shares: m.shares, price: m.price) { return .rejected(r) }
            return .message(.trade(m))
        case .crossTrade: return .message(.crossTrade(.init(unchecked: p)))
        case .brokenTrade: return .message(.brokenTrade(.init(unchecked: p)))
        case .noii: return .message(.noii(.init(unchecked: p)))
        case .rpii: return .message(.rpii(.init(unchecked: p)))
        case .dlcrPriceDiscovery: return .message(.dlcrPriceDiscovery(.init(unchecked: p)))
        }
    }

    /// A displayed or executed price: 0.0001…200,000.0000.
    @inlinable @inline(__always)
    static func isValidPrice(_ price: Price4) -> Bool {
        price.rawValue > 0 && price.rawValue <= maximumPrice4
    }

    /// Side 'B'/'S', some shares, a valid price: the checks 'A', 'F' and 'P' share.
    @inlinable @inline(__always)
    static func checkOrder(side: UInt8, shares: UInt32, price: Price4) -> ITCHReject? {
        if side != Side.buy.rawValue && side != Side.sell.rawValue { return .invalidSide }
        if shares == 0 { return .invalidShares }
        if !isValidPrice(price) { return .invalidPrice }
        return nil
    }
}
