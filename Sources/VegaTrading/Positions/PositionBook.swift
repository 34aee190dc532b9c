import VegaCore
import VegaMarketData

/// Positions and P&L per instrument (the whole lane), per strategy × instrument and per
/// account × instrument, with running totals per strategy, per account and for the lane.
///
/// Units: shares and ``Money4`` raw units (10^-4 currency); see ``PositionRecord`` for the exact
/// arithmetic and its invariant. A fill updates three records and two totals; a mark updates
/// every record of that instrument (one per strategy and account that traded it, plus one).
/// Fees are positive, rebates negative; net P&L = realized + unrealized − fees.
///
/// ## Contract
/// Tables are allocated in `init` from ``TradingCapacity``; ``apply(_:)``, ``mark(_:price:)`` and the
/// reads never allocate, lock or trap. Until an instrument has a mark, its first fill's price
/// is its mark.
public struct PositionBook: ~Copyable {
    public let capacity: TradingCapacity
    @usableFromInline var map: FixedMap<Int32>
    @usableFromInline let records: UnsafeMutablePointer<PositionRecord>
    /// Owner of each record: scope (0 lane, 1 strategy, 2 account) << 32 | owner id.
    @usableFromInline let owners: UnsafeMutablePointer<UInt64>
    /// Next record of the same instrument, or -1.
    @usableFromInline let nextOfInstrument: UnsafeMutablePointer<Int32>
    @usableFromInline let firstOfInstrument: UnsafeMutablePointer<Int32>
    /// The lane's record of each instrument, or -1: ``position(_:)`` (asked by every risk
    /// check) without a hash probe.
    @usableFromInline let laneSlots: UnsafeMutablePointer<Int32>
    @usableFromInline let marks: UnsafeMutablePointer<Int64>
    @usableFromInline let hasMark: UnsafeMutablePointer<Bool>
    @usableFromInline let strategyTotals: UnsafeMutablePointer<PnLTotals>
    @usableFromInline let accountTotals: UnsafeMutablePointer<PnLTotals>
    @usableFromInline var usedRecords: Int
    /// Totals over every position of the lane.
    @usableFromInline var _laneTotals: PnLTotals
    @inlinable public var laneTotals: PnLTotals { _laneTotals }
    /// Fills refused, per ``PositionReject`` raw value.
    @usableFromInline var _rejectCounts: InlineArray<4, UInt64>
    @inlinable public var rejectCounts: InlineArray<4, UInt64> { _rejectCounts }

    public init(capacity: TradingCapacity) {
        precondition((try? capacity.validate()) != nil, "PositionBook: invalid capacity \(capacity)")
        self.capacity = capacity
        let n = capacity.positionRecords
        map = FixedMap(capacity: n)
        records = .allocate(capacity: n)
        records.initialize(repeating: PositionRecord(), count: n)
        owners = .allocate(capacity: n)
        owners.initialize(repeating: 0, count: n)
        nextOfInstrument = .allocate(capacity: n)
        nextOfInstrument.initialize(repeating: -1, count: n)
        firstOfInstrument = .allocate(capacity: capacity.instruments)
        firstOfInstrument.initialize(repeating: -1, count: capacity.instruments)
        laneSlots = .allocate(capacity: capacity.instruments)
        laneSlots.initialize(repeating: -1, count: capacity.instruments)
        marks = .allocate(capacity: capacity.instruments)
        marks.initialize(repeating: 0, count: capacity.instruments)
        hasMark = .allocate(capacity: capacity.instruments)
        hasMark.initialize(repeating: false, count: capacity.instruments)
        strategyTotals = .allocate(capacity: capacity.strategies)
        strategyTotals.initialize(repeating: PnLTotals(), count: capacity.strategies)
        accountTotals = .allocate(capacity: capacity.accounts)
        accountTotals.initialize(repeating: PnLTotals(), count: capacity.accounts)
        usedRecords = 0
        _laneTotals = PnLTotals()
        _rejectCounts = InlineArray(repeating: 0)
    }

    deinit {
        records.deallocate()
        owners.deallocate()
        nextOfInstrument.deallocate()
        firstOfInstrument.deallocate()
        laneSlots.deallocate()
        marks.deallocate()
        hasMark.deallocate()
        strategyTotals.deallocate()
        accountTotals.deallocate()
    }
}

// MARK: - Keys

extension PositionBook {
    @inlinable @inline(__always)
    static func key(scope: UInt64, owner: UInt64, instrument: InstrumentID) -> UInt64 {
        (scope &<< 56) | (owner &<< 32) | UInt64(instrument.rawValue)
    }

    /// The record slot for (scope, owner, instrument), creating it if needed; nil when full.
    @inlinable
    mutating func slot(scope: UInt64, owner: UInt64, instrument: InstrumentID) -> Int? {
        let k = Self.key(scope: scope, owner: owner, instrument: instrument)
        if let s = map.get(k) { return Int(s) }
        guard usedRecords < capacity.positionRecords else { return nil }
        let s = usedRecords
        usedRecords &+= 1
        _ = map.insert(Int32(s), forKey: k)
        owners[s] = (scope &<< 32) | owner
        let i = Int(instrument.rawValue)
        nextOfInstrument[s] = firstOfInstrument[i]
        firstOfInstrument[i] = Int32(s)
        if scope == 0 { laneSlots[i] = Int32(s) }
        return s
    }

    @inlinable
    func record(scope: UInt64, owner: UInt64, instrument: InstrumentID) -> PositionRecord {
        guard let s = map.get(Self.key(scope: scope, owner: owner, instrument: instrument)) else { return PositionRecord() }
        return records[Int(s)]
    }

    /// Adds (`sign` 1) or removes (`sign` −1) a record's contribution to its owner's totals.
    @inlinable @inline(__always)
    mutating func total(_ slot: Int, _ sign: Int64) {
        let owner = owners[slot]
        let id = Int(owner & 0xFFFF_FFFF)
        switch owner &>> 32 {
        case 0: _laneTotals.add(records[slot], sign: sign)
        case 1: strategyTotals[id].add(records[slot], sign: sign)
        default: accountTotals[id].add(records[slot], sign: sign)
        }
    }
}

// MARK: - Fills and marks

extension PositionBook {
    /// Applies a fill to the instrument's, the strategy's and the account's positions.
    ///
    /// - Returns: `nil`, or why nothing changed (unknown ID, no free record, overflow).
    /// - Cost: three hash probes and three record updates; no allocation, no lock.
    @inlinable
    public mutating func apply(_ fill: PositionFill) -> PositionReject? {
        let i = Int(fill.instrument.rawValue)
        guard i < capacity.instruments, Int(fill.account.rawValue) < capacity.accounts,
              Int(fill.strategy.rawValue) < capacity.strategies
        else { return reject(.unknownIdentifier) }
        guard let a = slot(scope: 0, owner: 0, instrument: fill.instrument),
              let b = slot(scope: 1, owner: UInt64(fill.strategy.rawValue), instrument: fill.instrument),
              let c = slot(scope: 2, owner: UInt64(fill.account.rawValue), instrument: fill.instrument)
        else { return reject(.recordCapacity) }
        if !hasMark[i] { _ = mark(fill.instrument, price: fill.price) }
        let m = Price4(rawValue: marks[i])
        var ra = records[a], rb = records[b], rc = records[c]
        guard ra.apply(side: fill.side, quantity: fill.quantity, price: fill.price, fee: fill.fee, mark: m),
              rb.apply(side: fill.side, quantity: fill.quantity, price: fill.price, fee: fill.fee, mark: m),
              rc.apply(side: fill.side, quantity: fill.quantity, price: fill.price, fee: fill.fee, mark: m)
        else { return reject(.overflow) }
        total(a, -1); records[a] = ra; total(a, 1)
        total(b, -1); records[b] = rb; total(b, 1)
        total(c, -1); records[c] = rc; total(c, 1)
        return nil
    }

    /// Marks `instrument` at `price`: every position in it is revalued.
    ///
    /// - Returns: `false` (nothing changed) for an unknown instrument or an overflowing value.
    /// - Cost: O(positions in the instrument); no allocation.
    @inlinable
    @discardableResult
    public mutating func mark(_ instrument: InstrumentID, price: Price4) -> Bool {
        let i = Int(instrument.rawValue)
        guard i < capacity.instruments else { return false }
        // Already marked there: every record's value is quantity × this price (fills apply at the
        // current mark), so nothing would change. A top-of-book size change leaves the mid as it
        // was, and the lane marks on every top change.
        if hasMark[i] && marks[i] == price.rawValue { return true }
        var s = firstOfInstrument[i]
        while s >= 0 {
            if records[Int(s)].quantity.multipliedReportingOverflow(by: price.rawValue).overflow { return false }
            s = nextOfInstrument[Int(s)]
        }
        marks[i] = price.rawValue
        hasMark[i] = true
        s = firstOfInstrument[i]
        while s >= 0 {
            let slot = Int(s)
            total(slot, -1)
            records[slot].markedValue = records[slot].quantity &* price.rawValue
            total(slot, 1)
            s = nextOfInstrument[slot]
        }
        return true
    }

    /// Marks `instrument` from a book at the mid (either side alone when the other is empty);
    /// leaves the mark as it was when the book is empty. Returns whether it marked.
    @inlinable
    @discardableResult
    public mutating func mark<Book: BookView & ~Copyable>(_ instrument: InstrumentID, from book: borrowing Book) -> Bool {
        guard let locate = instrument.bookLocate else { return false }
        let top = book.topOfBook(locate: locate)
        guard let mid = Self.markPrice(top) else { return false }
        return mark(instrument, price: mid)
    }

    /// The mid of a top of book (rounded toward the bid), or its only side, or nil.
    @inlinable
    public static func markPrice(_ top: TopOfBook) -> Price4? {
        let hasBid = top.bid.orders != 0 || top.bid.shares != 0
        let hasAsk = top.ask.orders != 0 || top.ask.shares != 0
        switch (hasBid, hasAsk) {
        case (true, true): return Price4(rawValue: top.bid.price.rawValue + (top.ask.price.rawValue - top.bid.price.rawValue) / 2)
        case (true, false): return top.bid.price
        case (false, true): return top.ask.price
        case (false, false): return nil
        }
    }

    @inlinable
    mutating func reject(_ r: PositionReject) -> PositionReject {
        _rejectCounts[Int(r.rawValue)] &+= 1
        return r
    }
}

// MARK: - Reads

extension PositionBook {
    /// The lane's position in `instrument` (all strategies and accounts). Two loads; always
    /// inlined (every risk check asks it, for the quantity alone).
    @inlinable @inline(__always)
    public func position(_ instrument: InstrumentID) -> PositionRecord {
        let i = Int(instrument.rawValue)
        guard i < capacity.instruments else { return PositionRecord() }
        let s = laneSlots[i]
        return s < 0 ? PositionRecord() : records[Int(s)]
    }

    /// `strategy`'s position in `instrument`.
    @inlinable
    public func position(strategy: StrategyID, instrument: InstrumentID) -> PositionRecord {
        record(scope: 1, owner: UInt64(strategy.rawValue), instrument: instrument)
    }

    /// `account`'s position in `instrument`.
    @inlinable
    public func position(account: AccountID, instrument: InstrumentID) -> PositionRecord {
        record(scope: 2, owner: UInt64(account.rawValue), instrument: instrument)
    }

    /// Totals of every position of `strategy` (zeros when out of range).
    @inlinable
    public func totals(strategy: StrategyID) -> PnLTotals {
        Int(strategy.rawValue) < capacity.strategies ? strategyTotals[Int(strategy.rawValue)] : PnLTotals()
    }

    /// Totals of every position of `account` (zeros when out of range).
    @inlinable
    public func totals(account: AccountID) -> PnLTotals {
        Int(account.rawValue) < capacity.accounts ? accountTotals[Int(account.rawValue)] : PnLTotals()
    }

    /// The instrument's current mark, or nil before its first mark or fill.
    @inlinable
    public func mark(of instrument: InstrumentID) -> Price4? {
        let i = Int(instrument.rawValue)
        guard i < capacity.instruments, hasMark[i] else { return nil }
        return Price4(rawValue: marks[i])
    }
}
