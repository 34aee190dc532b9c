import VegaCore

/// The lane's kill switches: one global, one per account, per strategy and per instrument.
///
/// A thrown switch refuses new orders and replaces under it (cancels still go); ``TradingCore``
/// also produces cancels for everything working under it. Each switch remembers its cause.
/// Tables are allocated in `init`; reads and writes are single loads and stores.
public struct KillSwitches: ~Copyable {
    public let capacity: TradingCapacity
    /// Cause raw value per scope, 0 when not thrown.
    @usableFromInline var globalCause: UInt8
    @usableFromInline let accounts: UnsafeMutablePointer<UInt8>
    @usableFromInline let strategies: UnsafeMutablePointer<UInt8>
    @usableFromInline let instruments: UnsafeMutablePointer<UInt8>
    /// How many switches, of every scope, are thrown: while 0 (the usual case) a check reads
    /// this one field instead of four tables.
    @usableFromInline var thrown: Int

    public init(capacity: TradingCapacity) {
        self.capacity = capacity
        globalCause = 0
        thrown = 0
        accounts = .allocate(capacity: capacity.accounts)
        accounts.initialize(repeating: 0, count: capacity.accounts)
        strategies = .allocate(capacity: capacity.strategies)
        strategies.initialize(repeating: 0, count: capacity.strategies)
        instruments = .allocate(capacity: capacity.instruments)
        instruments.initialize(repeating: 0, count: capacity.instruments)
    }

    deinit {
        accounts.deallocate()
        strategies.deallocate()
        instruments.deallocate()
    }

    /// The cause `scope`'s switch was thrown for, or nil when it is not thrown (or out of range).
    @inlinable
    public func cause(_ scope: KillScope) -> KillCause? {
        let raw: UInt8
        switch scope {
        case .global: raw = globalCause
        case .account(let a): raw = Int(a.rawValue) < capacity.accounts ? accounts[Int(a.rawValue)] : 0
        case .strategy(let s): raw = Int(s.rawValue) < capacity.strategies ? strategies[Int(s.rawValue)] : 0
        case .instrument(let i): raw = Int(i.rawValue) < capacity.instruments ? instruments[Int(i.rawValue)] : 0
        }
        return KillCause.decode(raw)
    }

    @inlinable
    public func isThrown(_ scope: KillScope) -> Bool { if case .some = cause(scope) { true } else { false } }

    /// Throws (`cause` non-nil) or resets (nil) `scope`'s switch. Returns false for an
    /// out-of-range ID. A thrown switch keeps its first cause.
    @inlinable
    @discardableResult
    public mutating func set(_ scope: KillScope, cause: KillCause?) -> Bool {
        var raw: UInt8 = 0
        if case .some(let c) = cause { raw = c.rawValue }
        let p: UnsafeMutablePointer<UInt8>
        switch scope {
        case .global:
            if raw == 0 || globalCause == 0 { count(from: globalCause, to: raw); globalCause = raw }
            return true
        case .account(let a):
            guard Int(a.rawValue) < capacity.accounts else { return false }
            p = accounts + Int(a.rawValue)
        case .strategy(let s):
            guard Int(s.rawValue) < capacity.strategies else { return false }
            p = strategies + Int(s.rawValue)
        case .instrument(let i):
            guard Int(i.rawValue) < capacity.instruments else { return false }
            p = instruments + Int(i.rawValue)
        }
        if raw == 0 || p.pointee == 0 { count(from: p.pointee, to: raw); p.pointee = raw }
        return true
    }

    /// Keeps ``thrown`` exact as one switch's cause goes from `old` to `new`.
    @inlinable @inline(__always)
    mutating func count(from old: UInt8, to new: UInt8) {
        if old == 0 && new != 0 { thrown &+= 1 } else if old != 0 && new == 0 { thrown &-= 1 }
    }

    /// The first thrown switch covering an order (IDs already range-checked), as a reject
    /// reason. One load when no switch is thrown.
    @inlinable @inline(__always)
    func blocking(account: Int, strategy: Int, instrument: Int) -> RiskReject? {
        if thrown == 0 { return nil }
        if globalCause != 0 { return .killSwitchGlobal }
        if accounts[account] != 0 { return .killSwitchAccount }
        if strategies[strategy] != 0 { return .killSwitchStrategy }
        if instruments[instrument] != 0 { return .killSwitchInstrument }
        return nil
    }
}
