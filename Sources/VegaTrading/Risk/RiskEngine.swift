import VegaCore
import VegaMarketData

/// Pre-trade risk, kill switches and circuit breakers of one lane.
///
/// ``check(_:book:orders:positions:now:)`` decides every intent before it leaves; the breakers
/// (``recordMessage(now:)``, ``recordVenueReject(strategy:now:)``, ``checkPositionBreach(_:position:now:)``,
/// ``checkLoss(account:strategy:positions:now:)``, ``checkStaleMarketData(orders:now:)``) throw
/// kill switches automatically. Limits come from a ``RiskLimitsChannel`` and change at run
/// time through ``pollLimits()``. Trading status and market-data freshness per instrument are
/// fed in by the lane (``setTradingState(_:_:)``, ``marketDataUpdated(_:now:)``).
///
/// ## Contract
/// Tables are allocated in `init` from ``TradingCapacity``. Every lane method is `@inlinable`,
/// allocation-free, lock-free and never traps on its inputs; time is passed in (ns, one
/// monotonic timescale for the whole lane) and never read. `~Copyable`: the lane owns it.
public struct RiskEngine: ~Copyable {
    public let capacity: TradingCapacity
    /// Keeps the tables ``limits`` points into alive.
    public let channel: RiskLimitsChannel
    public var limits: RiskLimitsLaneEnd
    public var killSwitches: KillSwitches
    /// Where trips go to be logged off the lane.
    public let tripLog: TripLog
    /// The same log without reference counting on the lane (`tripLog` keeps it alive).
    @usableFromInline let tripSink: Unmanaged<TripLog>
    @usableFromInline let orderBuckets: UnsafeMutablePointer<TokenBucket>
    @usableFromInline let cancelBuckets: UnsafeMutablePointer<TokenBucket>
    /// Per instrument, one 64-byte-aligned line: its limits, trading status and market-data time.
    @usableFromInline let instrumentStates: UnsafeMutablePointer<InstrumentRiskState>
    /// Per strategy: start of the current reject window (ns) and rejects in it.
    @usableFromInline let rejectWindows: UnsafeMutablePointer<(start: UInt64, count: UInt32)>
    @usableFromInline var messageWindowStart: UInt64
    @usableFromInline var messageCount: UInt32
    @usableFromInline var _rejectCounts: InlineArray<40, UInt64>
    @usableFromInline var _tripCounts: InlineArray<8, UInt64>
    @usableFromInline var _checks: UInt64
    @usableFromInline var _accepted: UInt64

    /// Risk for a lane with `channel`'s capacity and limits, at lane time `now`.
    ///
    /// Every instrument starts as trading, with market data fresh as of `now`; token buckets start full.
    public init(channel: RiskLimitsChannel, tripLog: TripLog = TripLog(), now: UInt64) {
        let capacity = channel.capacity
        self.capacity = capacity
        self.channel = channel
        self.limits = channel.laneEnd
        self.killSwitches = KillSwitches(capacity: capacity)
        self.tripLog = tripLog
        self.tripSink = Unmanaged.passUnretained(tripLog)
        let lane = channel.laneEnd
        orderBuckets = .allocate(capacity: capacity.accounts)
        cancelBuckets = .allocate(capacity: capacity.accounts)
        for a in 0..<capacity.accounts {
            (orderBuckets + a).initialize(to: TokenBucket(limit: lane.account(a).orderRate, now: now))
            (cancelBuckets + a).initialize(to: TokenBucket(limit: lane.account(a).cancelRate, now: now))
        }
        precondition(MemoryLayout<InstrumentRiskState>.stride == 64, "InstrumentRiskState must fill one cache line")
        instrumentStates = UnsafeMutableRawPointer.allocate(byteCount: 64 * capacity.instruments, alignment: 64)
            .bindMemory(to: InstrumentRiskState.self, capacity: capacity.instruments)
        instrumentStates.initialize(repeating: InstrumentRiskState(tradingState: Self.tradingByte, lastMarketData: now),
                                    count: capacity.instruments)
        for i in 0..<capacity.instruments {
            instrumentStates[i].load(lane.instrument(i), laneCollar: lane.lane.collar.basisPoints, version: lane.currentVersion)
        }
        rejectWindows = .allocate(capacity: capacity.strategies)
        rejectWindows.initialize(repeating: (now, 0), count: capacity.strategies)
        messageWindowStart = now
        messageCount = 0
        _rejectCounts = InlineArray(repeating: 0)
        _tripCounts = InlineArray(repeating: 0)
        _checks = 0
        _accepted = 0
    }

    deinit {
        orderBuckets.deallocate()
        cancelBuckets.deallocate()
        UnsafeMutableRawPointer(instrumentStates).deallocate()
        rejectWindows.deallocate()
    }
}

// MARK: - Lane inputs and counters

extension RiskEngine {
    /// Applies limits published on the channel since the last call; call between events.
    /// One acquire load when nothing changed. Returns whether the limits changed.
    @inlinable
    public mutating func pollLimits() -> Bool { limits.poll() }

    /// Records the instrument's trading status (from the book's 'H' messages or FPGA STATUS).
    @inlinable
    public mutating func setTradingState(_ instrument: InstrumentID, _ state: TradingState) {
        guard Int(instrument.rawValue) < capacity.instruments else { return }
        // A switch, not `state.rawValue`: that getter is not inlinable across modules.
        let byte: UInt8
        switch state {
        case .halted: byte = Self.haltedByte
        case .paused: byte = Self.pausedByte
        case .quotationOnly: byte = Self.quotationOnlyByte
        case .trading: byte = Self.tradingByte
        }
        instrumentStates[Int(instrument.rawValue)].tradingState = byte
    }

    // ITCH 5.0 trading-state bytes ('H', 'P', 'Q', 'T'), as ``TradingState`` spells them.
    @inlinable static var haltedByte: UInt8 { 0x48 }
    @inlinable static var pausedByte: UInt8 { 0x50 }
    @inlinable static var quotationOnlyByte: UInt8 { 0x51 }
    @inlinable static var tradingByte: UInt8 { 0x54 }

    /// The instrument's trading status as last recorded (`.trading` at start).
    @inlinable
    public func tradingState(_ instrument: InstrumentID) -> TradingState? {
        guard Int(instrument.rawValue) < capacity.instruments else { return nil }
        return TradingState(rawValue: instrumentStates[Int(instrument.rawValue)].tradingState)
    }

    /// Records that the instrument's market data is current as of `now` (ns).
    @inlinable
    public mutating func marketDataUpdated(_ instrument: InstrumentID, now: UInt64) {
        guard Int(instrument.rawValue) < capacity.instruments else { return }
        instrumentStates[Int(instrument.rawValue)].lastMarketData = now
    }

    /// Lane time (ns) each instrument's market data was last current, by instrument number.
    @inlinable
    var lastMarketData: LastMarketDataTable { LastMarketDataTable(states: instrumentStates) }

    /// The instrument's risk line with its limit fields current for the limits in force.
    /// A copy from the limits table when the version moved since this instrument's last check.
    /// (In place: the check reads each field where it uses it.)
    @inlinable @inline(__always)
    func instrumentStateLine(_ i: Int) -> UnsafeMutablePointer<InstrumentRiskState> {
        let p = instrumentStates + i
        if p.pointee.limitsVersion != limits.version {
            p.pointee.load(limits.instrument(i), laneCollar: limits.lane.collar.basisPoints, version: limits.version)
        }
        return p
    }

    /// Intents checked / accepted.
    @inlinable public var checks: UInt64 { _checks }
    @inlinable public var accepted: UInt64 { _accepted }

    /// Intents refused for `reason`.
    @inlinable
    public func rejectCount(_ reason: RiskReject) -> UInt64 { _rejectCounts[Int(reason.rawValue)] }

    /// Kill-switch trips for `cause`.
    @inlinable
    public func tripCount(_ cause: KillCause) -> UInt64 { _tripCounts[Int(cause.rawValue)] }
}
