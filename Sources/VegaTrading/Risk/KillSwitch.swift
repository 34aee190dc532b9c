import VegaCore

/// What a kill switch covers.
@frozen
public enum KillScope: Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
    case global
    case account(AccountID)
    case strategy(StrategyID)
    case instrument(InstrumentID)

    /// Whether an order of this account, strategy and instrument falls under the scope.
    @inlinable
    public func covers(account: AccountID, strategy: StrategyID, instrument: InstrumentID) -> Bool {
        switch self {
        case .global: true
        case .account(let a): a == account
        case .strategy(let s): s == strategy
        case .instrument(let i): i.rawValue == instrument.rawValue
        }
    }

    public var description: String {
        switch self {
        case .global: "global"
        case .account(let a): a.description
        case .strategy(let s): s.description
        case .instrument(let i): i.description
        }
    }
}

/// Why a kill switch was thrown.
@frozen
public enum KillCause: UInt8, Sendable, Hashable, BitwiseCopyable, CaseIterable, CustomStringConvertible {
    /// An operator or the control plane.
    case manual = 1
    /// Net P&L fell to the loss limit.
    case lossLimit
    /// Too many venue rejects within the window.
    case rejectRate
    /// Too many messages within a second.
    case messageRate
    /// Fills took a position beyond its limit.
    case positionBreach
    /// Market data older than the staleness limit while orders work.
    case staleMarketData
    /// The engine is stopping: nothing new goes out, working orders are canceled, and orders
    /// acknowledged or replaced during the stop are canceled as their answers arrive.
    case shutdown

    /// The cause a stored raw value stands for (nil for 0 or an unknown value). Spelled out:
    /// the synthesized `init(rawValue:)` is not visible to `@_noLocks` lane code.
    @inlinable
    public static func decode(_ raw: UInt8) -> KillCause? {
        switch raw {
        case 1: .manual
        case 2: .lossLimit
        case 3: .rejectRate
        case 4: .messageRate
        case 5: .positionBreach
        case 6: .staleMarketData
        case 7: .shutdown
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .manual: "manual"
        case .lossLimit: "loss limit"
        case .rejectRate: "reject rate"
        case .messageRate: "message rate"
        case .positionBreach: "position breach"
        case .staleMarketData: "stale market data"
        case .shutdown: "shutdown"
        }
    }
}

/// A kill switch trip, as recorded on the lane for ``TripLog`` to log off it.
@frozen
public struct KillTrip: Sendable, Equatable, BitwiseCopyable, CustomStringConvertible {
    public var scope: KillScope
    public var cause: KillCause
    /// The measured value that tripped it (loss in ``Money4`` raw, count, position, age in ns).
    public var observed: Int64
    /// The limit it crossed.
    public var limit: Int64
    /// Lane time, ns.
    public var time: UInt64
    /// Orders the trip asked to cancel.
    public var cancels: UInt32

    @inlinable
    public init(scope: KillScope, cause: KillCause, observed: Int64, limit: Int64, time: UInt64, cancels: UInt32 = 0) {
        self.scope = scope
        self.cause = cause
        self.observed = observed
        self.limit = limit
        self.time = time
        self.cancels = cancels
    }

    public var description: String {
        "kill switch \(scope) tripped: \(cause) (observed \(observed), limit \(limit)) at \(time) ns, \(cancels) cancels"
    }
}
