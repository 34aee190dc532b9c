import Synchronization
import VegaCore

/// Hands ``RiskLimits`` from a control thread to the lane while it trades: a versioned double
/// buffer, no lock on either side.
///
/// Two copies of the lane's limit tables live here, allocated at start. The lane reads the one
/// its acknowledged version selects; ``publish(_:)`` (control thread) validates new limits,
/// writes them into the other copy and bumps `published` with a release store. Between events
/// the lane calls ``RiskLimitsLaneEnd/poll()``: one acquire load; when the version moved it
/// switches tables and acknowledges with a release store. The control side writes a copy only
/// when the lane has acknowledged the previous publication, i.e. while the lane is reading the
/// other copy, so the lane never sees a half-written table and never waits. A second
/// publication before the lane picked up the first is refused (``PublishError/busy``); retry.
///
/// One control thread at a time may publish (the type cannot check this).
public final class RiskLimitsChannel: @unchecked Sendable {
    public let capacity: TradingCapacity
    @usableFromInline let end: RiskLimitsLaneEnd
    /// The limits most recently published (control side only).
    public private(set) var published: RiskLimits

    /// Why ``publish(_:)`` did not publish.
    public enum PublishError: Error, Equatable, CustomStringConvertible {
        /// The limits are invalid; nothing changed.
        case invalid(TradingConfigurationError)
        /// The lane has not yet picked up the previous publication; nothing changed, retry.
        case busy

        public var description: String {
            switch self {
            case .invalid(let e): e.description
            case .busy: "risk limits: the lane has not yet applied the previous update; retry"
            }
        }
    }

    /// Validates `limits` and installs them as version 0 (both copies), before the lane starts.
    public init(capacity: TradingCapacity, limits: RiskLimits) throws(TradingConfigurationError) {
        try limits.validate(capacity: capacity)
        self.capacity = capacity
        self.published = limits
        let tables = UnsafeMutablePointer<RiskTables>.allocate(capacity: 2)
        for i in 0..<2 {
            let t = RiskTables(capacity: capacity)
            t.write(limits, capacity: capacity)
            (tables + i).initialize(to: t)
        }
        let p = UnsafeMutablePointer<Atomic<UInt64>>.allocate(capacity: 2)
        (p + 0).initialize(to: Atomic(0))
        (p + 1).initialize(to: Atomic(0))
        end = RiskLimitsLaneEnd(tables: tables, versions: p)
    }

    deinit {
        for i in 0..<2 { end.tables[i].deallocate() }
        end.tables.deallocate()
        end.versions.deinitialize(count: 2)
        end.versions.deallocate()
    }

    /// Publishes new limits for the lane to apply at its next ``RiskLimitsLaneEnd/poll()``.
    ///
    /// Control thread only. Allocates nothing the lane sees; O(instruments + accounts).
    /// - Throws: `.invalid` (with the field) or `.busy` (the previous update is not applied yet).
    public func publish(_ limits: RiskLimits) throws(PublishError) {
        do { try limits.validate(capacity: capacity) } catch { throw .invalid(error) }
        let version = end.versions[0].load(ordering: .relaxed)
        guard end.versions[1].load(ordering: .acquiring) == version else { throw .busy }
        let next = version &+ 1
        end.tables[Int(next & 1)].write(limits, capacity: capacity)
        end.versions[0].store(next, ordering: .releasing)
        published = limits
    }

    /// Whether the lane has applied everything published.
    public var isApplied: Bool {
        end.versions[1].load(ordering: .acquiring) == end.versions[0].load(ordering: .acquiring)
    }

    /// The version the lane has acknowledged (0 at start, +1 per applied publication).
    public var appliedVersion: UInt64 { end.versions[1].load(ordering: .acquiring) }

    /// The lane's side (pointers into this channel; keep the channel alive while it is used).
    public var laneEnd: RiskLimitsLaneEnd { end }
}

/// One copy of the lane's limit tables, indexed by instrument and account number.
@frozen
public struct RiskTables: @unchecked Sendable, BitwiseCopyable {
    public let instruments: UnsafeMutablePointer<InstrumentLimits>
    public let accounts: UnsafeMutablePointer<AccountLimits>
    public let lane: UnsafeMutablePointer<LaneLimits>

    init(capacity: TradingCapacity) {
        instruments = .allocate(capacity: capacity.instruments)
        instruments.initialize(repeating: InstrumentLimits(), count: capacity.instruments)
        accounts = .allocate(capacity: capacity.accounts)
        accounts.initialize(repeating: AccountLimits(), count: capacity.accounts)
        lane = .allocate(capacity: 1)
        lane.initialize(to: LaneLimits())
    }

    func write(_ limits: RiskLimits, capacity: TradingCapacity) {
        for i in 0..<capacity.instruments { instruments[i] = limits.instrumentDefaults }
        for (id, l) in limits.instruments { instruments[Int(id.rawValue)] = l }
        for a in 0..<capacity.accounts { accounts[a] = limits.accountDefaults }
        for (id, l) in limits.accounts { accounts[Int(id.rawValue)] = l }
        lane.pointee = limits.lane
    }

    func deallocate() {
        instruments.deallocate()
        accounts.deallocate()
        lane.deallocate()
    }
}

/// The lane's end of a ``RiskLimitsChannel``: reads the active tables, and ``poll()`` switches
/// to a newly published version. No allocation, no lock; `poll` is one acquire load when
/// nothing changed.
@frozen
public struct RiskLimitsLaneEnd: @unchecked Sendable, BitwiseCopyable {
    @usableFromInline let tables: UnsafeMutablePointer<RiskTables>
    /// [0] published (control writes), [1] acknowledged (lane writes).
    @usableFromInline let versions: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline var active: RiskTables
    @usableFromInline var version: UInt64

    init(tables: UnsafeMutablePointer<RiskTables>, versions: UnsafeMutablePointer<Atomic<UInt64>>) {
        self.tables = tables
        self.versions = versions
        self.active = tables[0]
        self.version = 0
    }

    /// Applies a newly published version, if any. Returns whether the limits changed.
    /// Call between events, never in the middle of one.
    @inlinable
    public mutating func poll() -> Bool {
        let v = versions[0].load(ordering: .acquiring)
        if v == version { return false }
        version = v
        active = tables[Int(v & 1)]
        versions[1].store(v, ordering: .releasing)
        return true
    }

    /// The version in force.
    @inlinable public var currentVersion: UInt64 { version }

    @inlinable @inline(__always)
    public func instrument(_ i: Int) -> InstrumentLimits { active.instruments[i] }

    @inlinable @inline(__always)
    public func account(_ a: Int) -> AccountLimits { active.accounts[a] }

    @inlinable @inline(__always)
    public var lane: LaneLimits { active.lane.pointee }
}
