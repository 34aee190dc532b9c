import VegaCore

extension RiskLimits {
    /// Largest quantity limit accepted (2^40 shares) short of "no limit": keeps every sum the
    /// checks form far from overflow.
    @inlinable public static var largestQuantity: Int64 { 1 << 40 }
    /// Largest money limit accepted (2^61 ``Money4`` raw units ≈ 2.3 × 10^14 currency) short of "no limit".
    @inlinable public static var largestNotional: Int64 { 1 << 61 }

    /// Checks every limit against `capacity` and for sense.
    ///
    /// - Throws: the first problem, naming the field (`instruments[7].maxLong`,
    ///   `accounts[2].orderRate.burst`, `lane.collar.basisPoints`), the value and what was expected.
    public func validate(capacity: TradingCapacity) throws(TradingConfigurationError) {
        try capacity.validate()
        try Self.check(instrumentDefaults, "instrumentDefaults")
        for (id, l) in instruments.sorted(by: { $0.key < $1.key }) {
            let field = "instruments[\(id.rawValue)]"
            if Int(id.rawValue) >= capacity.instruments {
                throw TradingConfigurationError(field: field, value: String(id.rawValue),
                                                expected: "an instrument number below capacity.instruments (\(capacity.instruments))")
            }
            try Self.check(l, field)
        }
        try Self.check(accountDefaults, "accountDefaults")
        for (id, l) in accounts.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let field = "accounts[\(id.rawValue)]"
            if Int(id.rawValue) >= capacity.accounts {
                throw TradingConfigurationError(field: field, value: String(id.rawValue),
                                                expected: "an account number below capacity.accounts (\(capacity.accounts))")
            }
            try Self.check(l, field)
        }
        try Self.check(lane)
    }

    static func positive(_ v: Int64, _ field: String, max: Int64) throws(TradingConfigurationError) {
        if v == .max { return }
        if v <= 0 || v > max {
            throw TradingConfigurationError(field: field, value: String(v), expected: "1...\(max), or Int64.max for no limit")
        }
    }

    static func check(_ l: InstrumentLimits, _ p: String) throws(TradingConfigurationError) {
        if l.maxOrderQuantity != .max && (l.maxOrderQuantity == 0 || l.maxOrderQuantity > UInt64(largestQuantity)) {
            throw TradingConfigurationError(field: "\(p).maxOrderQuantity", value: String(l.maxOrderQuantity),
                                            expected: "1...\(largestQuantity), or UInt64.max for no limit")
        }
        try positive(l.maxOrderNotional, "\(p).maxOrderNotional", max: largestNotional)
        try positive(l.maxLong, "\(p).maxLong", max: largestQuantity)
        try positive(l.maxShort, "\(p).maxShort", max: largestQuantity)
        try positive(l.maxGross, "\(p).maxGross", max: largestQuantity)
        if let bps = l.collarBasisPoints, bps != .max, bps == 0 || bps > 100_000 {
            throw TradingConfigurationError(field: "\(p).collarBasisPoints", value: String(bps),
                                            expected: "1...100000, or UInt32.max for no collar")
        }
    }

    static func check(_ r: RateLimit, _ p: String) throws(TradingConfigurationError) {
        if r == .unlimited { return }
        if r.perSecond == 0 || r.perSecond > 1_000_000_000 {
            throw TradingConfigurationError(field: "\(p).perSecond", value: String(r.perSecond), expected: "1...1000000000")
        }
        if r.burst == 0 || r.burst > 1_000_000 {
            throw TradingConfigurationError(field: "\(p).burst", value: String(r.burst), expected: "1...1000000")
        }
    }

    static func check(_ l: AccountLimits, _ p: String) throws(TradingConfigurationError) {
        try positive(l.maxOpenOrders, "\(p).maxOpenOrders", max: largestQuantity)
        try positive(l.maxOpenNotional, "\(p).maxOpenNotional", max: largestNotional)
        try positive(l.maxLongNotional, "\(p).maxLongNotional", max: largestNotional)
        try positive(l.maxShortNotional, "\(p).maxShortNotional", max: largestNotional)
        try positive(l.maxGrossNotional, "\(p).maxGrossNotional", max: largestNotional)
        try check(l.orderRate, "\(p).orderRate")
        try check(l.cancelRate, "\(p).cancelRate")
        if l.lossLimit < 0 || l.lossLimit > largestNotional {
            throw TradingConfigurationError(field: "\(p).lossLimit", value: String(l.lossLimit),
                                            expected: "0 (off) or a positive loss up to \(largestNotional)")
        }
    }

    static func check(_ l: LaneLimits) throws(TradingConfigurationError) {
        try positive(l.maxOpenOrders, "lane.maxOpenOrders", max: largestQuantity)
        try positive(l.maxOpenNotional, "lane.maxOpenNotional", max: largestNotional)
        let bps = l.collar.basisPoints
        if bps != .max && (bps == 0 || bps > 100_000) {
            throw TradingConfigurationError(field: "lane.collar.basisPoints", value: String(bps),
                                            expected: "1...100000, or UInt32.max for no collar")
        }
        if l.strategyLossLimit < 0 || l.strategyLossLimit > largestNotional {
            throw TradingConfigurationError(field: "lane.strategyLossLimit", value: String(l.strategyLossLimit),
                                            expected: "0 (off) or a positive loss up to \(largestNotional)")
        }
        if l.maxRejects != 0 && l.rejectWindow == 0 {
            throw TradingConfigurationError(field: "lane.rejectWindow", value: "0",
                                            expected: "a window > 0 ns when lane.maxRejects is set")
        }
    }
}
