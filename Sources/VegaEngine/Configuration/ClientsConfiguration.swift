import VegaOrderEntry
import VegaTrading

/// `[clients]`: client order flow. Which acceptor sessions of the `[[fix_sessions]]` files take
/// orders, the account each books to and where its orders go; the StrategyID client orders
/// count under (risk, positions, order numbering); the drop-copy session; the rings' sizes.
///
/// Absent: no client order flow (the `.cfg` sessions are only read and checked).
public struct ClientsConfiguration: Sendable, Equatable {
    /// `[[clients.sessions]]`: one client session.
    public struct Session: Sendable, Equatable {
        /// The acceptor session of a `[[fix_sessions]]` file (our SenderCompID, the client's as TargetCompID).
        public var sessionID: FIXSessionID
        /// `account`: the `[[accounts]]` name its orders book to.
        public var accountName: String
        public var account: AccountID
        /// `venue`: a venue name, or `nil` for `"smart"` (the lane routes each order).
        public var venue: VenueID?

        public init(sessionID: FIXSessionID, accountName: String, account: AccountID, venue: VenueID? = nil) {
            self.sessionID = sessionID
            self.accountName = accountName
            self.account = account
            self.venue = venue
        }
    }

    /// `strategy_id`: client orders are booked under this StrategyID (0...65535, default 0; not
    /// a `[[strategies]]` id). The lane numbers them `strategy_id << 48 | n`.
    public var strategy: StrategyID
    public var sessions: [Session]
    /// `drop_copy`: the TargetCompID of a `DropCopy=Y` initiator session of a `[[fix_sessions]]`
    /// file; `nil` (omitted): no drop copy.
    public var dropCopy: FIXSessionID?
    /// `inbound_ring`, `outbound_ring`: elements per lane ring (powers of two, 2...2^20; default
    /// 1024 and 8192).
    public var inboundRing: Int
    public var outboundRing: Int
    /// `retain_finished_orders`: finished client orders (filled, canceled, rejected, expired) the
    /// gateway keeps answering for — status requests, duplicate ClOrdID checks, late answers —
    /// before it forgets the oldest (1...10,000,000; default 100,000). Open orders are always kept.
    public var retainFinishedOrders: Int

    public init(strategy: StrategyID = StrategyID(0), sessions: [Session], dropCopy: FIXSessionID? = nil, inboundRing: Int = 1_024,
                outboundRing: Int = 8_192, retainFinishedOrders: Int = 100_000) {
        self.strategy = strategy
        self.sessions = sessions
        self.dropCopy = dropCopy
        self.inboundRing = inboundRing
        self.outboundRing = outboundRing
        self.retainFinishedOrders = retainFinishedOrders
    }
}
