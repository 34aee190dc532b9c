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
/// Cost: a valid message takes the fast path (``ITCHDecodeRules``): one table load by type byte,
/// length, timestamp and field checks that a valid feed always passes (so every branch is
/// predicted), no switch. Refusals
/// and 'C'/'H'/'V' take the per-type switch (`validate`), which alone decides reasons.
/// Measured (Benchmarks/README.md, "Third round": 20 M generated messages, shared 2-core VM,
/// package-benchmark): 6.6–7.7 ns per message against 5.7–5.8 ns for a C loop that only walks
/// the framing; 10.5 vs 6.7 ns in a run with a busy neighbour.
@frozen
public struct ITCHDecoder: Sendable {
    /// Per-type and per-reason counts since creation.
    public var counters: ITCHCounters
    /// The fast path's rules, by type byte (see ``ITCHDecodeRules``); all zero when the fast path
    /// is off (an `ITCHMessage` layout this code does not recognise).
    @usableFromInline let _rules: ITCHDecodeRules

    /// Nanoseconds in a day: an ITCH timestamp (ns since midnight) is always below this.
    public static let nanosecondsPerDay: UInt64 = 86_400 * 1_000_000_000
    /// The largest Price(4) ITCH 5.0 sends: 200,000.0000 (spec, Data Types).
    public static let maximumPrice4: Int64 = 2_000_000_000

    @inlinable
    public init() {
        counters = ITCHCounters()
        _rules = ITCHDecodeRules.shared
    }

    /// Decodes the one message in `bytes` (exactly one message: its type byte first, its length
    /// the framing's). No allocation, no locks; never traps.
    @inlinable @inline(__always)
    public mutating func decode(_ bytes: UnsafeRawBufferPointer) -> ITCHDecoded {
        // Fast path: one table load, checks whose branches a valid feed always predicts. Anything it does
        // not accept (a refusal, or 'C'/'H'/'V' with their extra checks) takes the switch below,
        // which alone decides refusal reasons, so both paths accept and refuse exactly alike.
        if let p = bytes.baseAddress, let m = _rules.accept(p, bytes.count) {
            counters.countType(byte: p._itchU8(0))
            return .message(m)
        }
        return decodeSlow(bytes)
    }

    /// The switch-per-type decode: every refusal, and the types with checks beyond the table's.
    @inlinable @inline(never)
    mutating func decodeSlow(_ bytes: UnsafeRawBufferPointer) -> ITCHDecoded {
        let result = Self.validate(bytes)
        switch result {
        // Count by the type byte already in hand rather than `m.type`, which would switch on the
        // 23 cases again (a second unpredictable branch per message on a mixed feed).
        case .message: counters.countType(byte: bytes.baseAddress.unsafelyUnwrapped._itchU8(0))
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
        // One switch on the raw type byte, each arm checking its own length: a mixed feed makes
        // the type unpredictable, and every further switch on it would be another mispredicted
        // indirect jump (measured: a separate type→length switch cost more than the checks).
        switch p._itchU8(0) {
        case 0x53:  // 'S'
            if let r = framing(p, count, 12) { return .rejected(r) }
            return .message(.systemEvent(.init(unchecked: p)))
        case 0x52:  // 'R'
            if let r = framing(p, count, 39) { return .rejected(r) }
            return .message(.stockDirectory(.init(unchecked: p)))
        case 0x48:  // 'H'
            if let r = framing(p, count, 25) { return .rejected(r) }
            let m = ITCHStockTradingAction(unchecked: p)
            // The sink takes a TradingState: an unknown state cannot be applied, so refuse it.
            guard m.tradingState != nil else { return .rejected(.invalidTradingState) }
            return .message(.stockTradingAction(m))
        case 0x59:  // 'Y'
            if let r = framing(p, count, 20) { return .rejected(r) }
            return .message(.regSHORestriction(.init(unchecked: p)))
        case 0x4C:  // 'L'
            if let r = framing(p, count, 26) { return .rejected(r) }
            return .message(.marketParticipantPosition(.init(unchecked: p)))
        case 0x56:  // 'V'
            if let r = framing(p, count, 35) { return .rejected(r) }
            let m = ITCHMWCBDeclineLevel(unchecked: p)
            // Price(8) is unsigned on the wire; above Int64.max it would read as negative.
            guard m.level1.rawValue >= 0, m.level2.rawValue >= 0, m.level3.rawValue >= 0 else {
                return .rejected(.invalidPrice)
            }
            return .message(.mwcbDeclineLevel(m))
        case 0x57:  // 'W'
            if let r = framing(p, count, 12) { return .rejected(r) }
            return .message(.mwcbStatus(.init(unchecked: p)))
        case 0x4B:  // 'K'
            if let r = framing(p, count, 28) { return .rejected(r) }
            return .message(.ipoQuotingPeriodUpdate(.init(unchecked: p)))
        case 0x4A:  // 'J'
            if let r = framing(p, count, 35) { return .rejected(r) }
            return .message(.luldAuctionCollar(.init(unchecked: p)))
        case 0x68:  // 'h'
            if let r = framing(p, count, 21) { return .rejected(r) }
            return .message(.operationalHalt(.init(unchecked: p)))
        case 0x41:  // 'A'
            if let r = framing(p, count, 36) { return .rejected(r) }
            let m = ITCHAddOrder(unchecked: p)
            if let r = checkOrder(side: m.sideCode, shares: m.shares, price: m.price) { return .rejected(r) }
            return .message(.addOrder(m))
        case 0x46:  // 'F'
            if let r = framing(p, count, 40) { return .rejected(r) }
            let m = ITCHAddOrderMPID(unchecked: p)
            if let r = checkOrder(side: m.sideCode, shares: m.shares, price: m.price) { return .rejected(r) }
            return .message(.addOrderMPID(m))
        case 0x45:  // 'E'
            if let r = framing(p, count, 31) { return .rejected(r) }
            let m = ITCHOrderExecuted(unchecked: p)
            guard m.executedShares > 0 else { return .rejected(.invalidShares) }
            return .message(.orderExecuted(m))
        case 0x43:  // 'C'
            if let r = framing(p, count, 36) { return .rejected(r) }
            let m = ITCHOrderExecutedWithPrice(unchecked: p)
            guard m.executedShares > 0 else { return .rejected(.invalidShares) }
            guard m.printableCode == 0x59 || m.printableCode == 0x4E else { return .rejected(.invalidPrintable) }
            guard isValidPrice(m.executionPrice) else { return .rejected(.invalidPrice) }
            return .message(.orderExecutedWithPrice(m))
        case 0x58:  // 'X'
            if let r = framing(p, count, 23) { return .rejected(r) }
            let m = ITCHOrderCancel(unchecked: p)
            guard m.cancelledShares > 0 else { return .rejected(.invalidShares) }
            return .message(.orderCancel(m))
        case 0x44:  // 'D'
            if let r = framing(p, count, 19) { return .rejected(r) }
            return .message(.orderDelete(.init(unchecked: p)))
        case 0x55:  // 'U'
            if let r = framing(p, count, 35) { return .rejected(r) }
            let m = ITCHOrderReplace(unchecked: p)
            guard m.shares > 0 else { return .rejected(.invalidShares) }
            guard isValidPrice(m.price) else { return .rejected(.invalidPrice) }
            return .message(.orderReplace(m))
        case 0x50:  // 'P'
            if let r = framing(p, count, 44) { return .rejected(r) }
            let m = ITCHTrade(unchecked: p)
            if let r = checkOrder(side: m.sideCode, shares: m.shares, price: m.price) { return .rejected(r) }
            return .message(.trade(m))
        case 0x51:  // 'Q'
            if let r = framing(p, count, 40) { return .rejected(r) }
            return .message(.crossTrade(.init(unchecked: p)))
        case 0x42:  // 'B'
            if let r = framing(p, count, 19) { return .rejected(r) }
            return .message(.brokenTrade(.init(unchecked: p)))
        case 0x49:  // 'I'
            if let r = framing(p, count, 50) { return .rejected(r) }
            return .message(.noii(.init(unchecked: p)))
        case 0x4E:  // 'N'
            if let r = framing(p, count, 20) { return .rejected(r) }
            return .message(.rpii(.init(unchecked: p)))
        case 0x4F:  // 'O'
            if let r = framing(p, count, 48) { return .rejected(r) }
            return .message(.dlcrPriceDiscovery(.init(unchecked: p)))
        default:
            return .rejected(.unknownType)
        }
    }

    /// The checks every type shares: exactly `length` bytes, and a timestamp inside the day.
    /// The lengths above are `ITCHMessageType.length` written out (a test checks they agree).
    @inlinable @inline(__always)
    static func framing(_ p: UnsafeRawPointer, _ count: Int, _ length: Int) -> ITCHReject? {
        if count < length { return .truncated }
        if count > length { return .lengthMismatch }
        // From here `length` (≥ 12) bytes are readable, so every view's loads are in bounds.
        if p._itchTimestamp >= nanosecondsPerDay { return .invalidTimestamp }
        return nil
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
