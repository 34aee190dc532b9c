/// The keys only the `live` backend reads, kept apart from the shared parser: how a live feed
/// stamps what it receives, and how a lost order-entry connection is re-established.
extension ConfigurationParser {
    /// `[venues.feed]` keys of a live feed (refused with `backend = "sim"`).
    static let liveFeedKeys = ["timestamping", "recovery_timeout_ms", "recovery_retries"]
    /// `[venues.order_entry]` keys of a live connection (refused with `[engine] backend = "sim"`).
    static let liveOrderEntryKeys = ["reconnect_ms"]

    /// `timestamping`, `recovery_timeout_ms` and `recovery_retries` of a live feed into `feed`.
    func parseLiveFeed(_ f: ConfigurationTable, into feed: inout FeedConfiguration) {
        if let t = f.choice("timestamping", FeedTimestamping.self) { feed.timestamping = t }
        for key in ["recovery_timeout_ms", "recovery_retries"] where f.has(key) && feed.recovery == nil {
            f.fail(key, "needs `recovery` (there is no re-request server to wait for)", allowed: "set `recovery = \"host:port\"`, or omit it")
        }
        guard feed.recovery != nil else { return }
        if let ms = f.integer("recovery_timeout_ms", 1...10_000,
                              allowed: "an integer 1...10000 (milliseconds before an unanswered re-request is sent again)") {
            feed.recoveryTimeoutMilliseconds = Int(ms)
        }
        if let n = f.integer("recovery_retries", 0...100,
                             allowed: "an integer 0...100 (re-sends before a range is given up and its books marked stale)") {
            feed.recoveryRetries = Int(n)
        }
    }

    /// `reconnect_ms` of a live order-entry connection into `orderEntry`.
    func parseLiveOrderEntry(_ o: ConfigurationTable, into orderEntry: inout OrderEntryConfiguration) {
        if let ms = o.integer("reconnect_ms", 0...3_600_000,
                              allowed: "an integer 0...3600000 (milliseconds between reconnection attempts; 0: never reconnect)") {
            orderEntry.reconnectMilliseconds = Int(ms)
        }
    }
}

/// `[venues.feed] timestamping`: the receive stamps a live feed socket asks for
/// (SO_TIMESTAMPING). The stamps feed the latency profiler's "kernel RX" and "NIC RX" stages.
public enum FeedTimestamping: String, Sendable, Equatable, CaseIterable {
    /// No stamps (the profiler then starts the path at "lane receive").
    case none
    /// Kernel software RX stamps (`SOF_TIMESTAMPING_RX_SOFTWARE`).
    case software
    /// The NIC's hardware stamps as well, when the interface can take them; when it cannot
    /// (loopback, most virtual NICs) software stamps only, and the log says why. Never fails.
    case hardware
}
