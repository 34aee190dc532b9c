/// The fixed sizes of a lane's trading state, chosen at start and never grown.
///
/// Every table in ``RiskEngine``, ``OrderManager``, ``PositionBook`` and ``KillSwitches`` is
/// allocated (and pre-faulted) from these numbers in its initialiser, so nothing on the lane
/// allocates. Identifiers index the tables directly: an ``InstrumentID``, ``AccountID`` or
/// ``StrategyID`` at or above its capacity is refused with a reason code, never trapped on.
@frozen
public struct TradingCapacity: Sendable, Equatable, BitwiseCopyable {
    /// Instruments: `InstrumentID.rawValue` must be below this.
    public var instruments: Int
    /// Accounts: `AccountID.rawValue` must be below this.
    public var accounts: Int
    /// Strategies: `StrategyID.rawValue` must be below this.
    public var strategies: Int
    /// Venues: `VenueID.rawValue` must be below this (at most 256).
    public var venues: Int
    /// Orders the OMS can track at once (pending, working and pending cancel/replace).
    public var openOrders: Int
    /// Venue execution IDs remembered to drop duplicate fills (oldest forgotten first).
    public var execIDHistory: Int
    /// Finished orders remembered so late duplicates (a second cancel ack) are recognised.
    public var finishedOrderHistory: Int
    /// Position records (one per instrument, per strategy × instrument and account × instrument).
    public var positionRecords: Int

    @inlinable
    public init(instruments: Int = 1_024, accounts: Int = 16, strategies: Int = 64, venues: Int = 8,
                openOrders: Int = 16_384, execIDHistory: Int = 65_536, finishedOrderHistory: Int = 16_384,
                positionRecords: Int = 16_384) {
        self.instruments = instruments
        self.accounts = accounts
        self.strategies = strategies
        self.venues = venues
        self.openOrders = openOrders
        self.execIDHistory = execIDHistory
        self.finishedOrderHistory = finishedOrderHistory
        self.positionRecords = positionRecords
    }

    /// Checks every size is usable; the error names the field, its value and what was expected.
    public func validate() throws(TradingConfigurationError) {
        func need(_ ok: Bool, _ field: String, _ value: Int, _ expected: String) throws(TradingConfigurationError) {
            if !ok { throw TradingConfigurationError(field: "capacity.\(field)", value: String(value), expected: expected) }
        }
        try need((1...1 << 24).contains(instruments), "instruments", instruments, "1...16777216")
        try need((1...65_536).contains(accounts), "accounts", accounts, "1...65536")
        try need((1...65_536).contains(strategies), "strategies", strategies, "1...65536")
        try need((1...256).contains(venues), "venues", venues, "1...256")
        try need((1...1 << 24).contains(openOrders), "openOrders", openOrders, "1...16777216")
        try need((1...1 << 26).contains(execIDHistory), "execIDHistory", execIDHistory, "1...67108864")
        try need((1...1 << 24).contains(finishedOrderHistory), "finishedOrderHistory", finishedOrderHistory, "1...16777216")
        try need((3...1 << 26).contains(positionRecords), "positionRecords", positionRecords, "3...67108864")
    }
}

/// A configuration value that cannot be used: which field, the value given and what was expected.
public struct TradingConfigurationError: Error, Equatable, CustomStringConvertible {
    /// Dotted path of the field, e.g. `instruments[7].maxLong` or `account[2].orderRate.burst`.
    public var field: String
    public var value: String
    public var expected: String

    public init(field: String, value: String, expected: String) {
        self.field = field
        self.value = value
        self.expected = expected
    }

    public var description: String { "invalid trading configuration: \(field) = \(value), expected \(expected)" }
}
