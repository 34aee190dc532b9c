import VegaCore
import VegaMarketData
import VegaTrading

/// `[[venues]]`: one venue the engine trades on — its market-data feed, its order entry, its
/// fees and, with the `sim` backend, the simulated venue itself.
public struct VenueConfiguration: Sendable, Equatable {
    /// `name`: unique; instruments and strategies refer to it.
    public var name: String
    /// `id`: 0...255, unique: the lane's venue index (``VenueID``, the router's table index).
    public var id: VenueID
    /// `wire_latency_us`: one-way latency between this venue and the engine, in nanoseconds
    /// (the file gives microseconds). Applied by the simulated link; informational when live.
    public var wireLatencyNanoseconds: UInt64
    /// `[venues.feed]`.
    public var feed: FeedConfiguration
    /// `[venues.order_entry]`; required with the `live` backend. With `sim` the table is optional
    /// and may only name the `protocol` (default OUCH): no host, port or credentials.
    public var orderEntry: OrderEntryConfiguration
    /// `[venues.fees]`.
    public var fees: VenueFees
    /// `[venues.sim]`: present exactly when the engine's backend is `sim`.
    public var sim: SimulatedVenueConfiguration?

    public init(name: String, id: VenueID, wireLatencyNanoseconds: UInt64 = 0, feed: FeedConfiguration,
                orderEntry: OrderEntryConfiguration = OrderEntryConfiguration(orderProtocol: .ouch), fees: VenueFees = VenueFees(), sim: SimulatedVenueConfiguration? = nil) {
        self.name = name
        self.id = id
        self.wireLatencyNanoseconds = wireLatencyNanoseconds
        self.feed = feed
        self.orderEntry = orderEntry
        self.fees = fees
        self.sim = sim
    }

    /// The router's entry for this venue: fees as configured, latency from
    /// ``wireLatencyNanoseconds``, lot size `lotSize` (the instrument's).
    public func venueInfo(lotSize: UInt64) -> VenueInfo {
        VenueInfo(status: .up, takeFee: fees.takePerShare.rawValue, makeFee: fees.makePerShare.rawValue,
                  latency: wireLatencyNanoseconds, lotSize: lotSize)
    }
}

/// A `host:port` pair as written in the file (`"239.10.0.1:26400"`, `"[::1]:15000"`): the host
/// is an IPv4 dotted quad, a bracketed IPv6 address or a DNS name; the port 1...65535.
public struct HostPort: Sendable, Hashable, CustomStringConvertible {
    /// Without brackets for IPv6.
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// `host:port`, bracketing an IPv6 host.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Whether ``host`` is an IPv4 address in 224.0.0.0/4.
    public var isIPv4Multicast: Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, let first = UInt8(parts[0]) else { return false }
        return (224...239).contains(first)
    }
}

/// `[venues.feed]`: where the venue's ITCH over MoldUDP64 comes from.
public struct FeedConfiguration: Sendable, Equatable {
    /// `backend`: the packet queue the feed is read from.
    public enum Backend: String, Sendable, Equatable, CaseIterable {
        /// The HardwareSim link from the in-process simulated venue (engine backend `sim` only).
        case sim
        /// Kernel UDP sockets joined to the groups, with SO_TIMESTAMPING.
        case udp
        /// Solarflare ef_vi on `interface` (needs the EfVi trait and the hardware).
        case efvi
        /// An ibverbs raw-packet queue pair on `interface`'s RDMA device.
        case verbs

        /// Whether it reads a real network (needs `interface` and `line_a`).
        public var isLive: Bool { self != .sim }
    }

    /// `session`: the MoldUDP64 session (1...10 printable ASCII characters, space padded).
    public var session: MoldUDP64SessionID
    public var backend: Backend
    /// `line_a`: multicast group:port of the A line (live backends; `nil` with `sim`).
    public var lineA: HostPort?
    /// `line_b`: the B line for A/B arbitration (optional).
    public var lineB: HostPort?
    /// `recovery`: the MoldUDP64 re-request server (optional; without it a gap is recovered only
    /// by the B line or reported).
    public var recovery: HostPort?
    /// `interface`: the NIC name (live backends; `nil` with `sim`).
    public var interface: String?
    /// `timestamping`: which receive stamps the live feed asks for (``FeedTimestamping``).
    public var timestamping: FeedTimestamping
    /// `recovery_timeout_ms`: a re-request unanswered this long is sent again (live, with
    /// `recovery`); the MoldUDP64 session's `requestTimeoutNanoseconds`.
    public var recoveryTimeoutMilliseconds: Int
    /// `recovery_retries`: re-sends of an unanswered re-request before its range is given up and
    /// the books it touches are marked stale; the session's `maxRetries`.
    public var recoveryRetries: Int

    /// The MoldUDP64 session's defaults: 2 ms, 3 re-sends.
    public static let defaultRecoveryTimeoutMilliseconds = 2
    public static let defaultRecoveryRetries = 3

    public init(session: MoldUDP64SessionID, backend: Backend, lineA: HostPort? = nil, lineB: HostPort? = nil,
                recovery: HostPort? = nil, interface: String? = nil, timestamping: FeedTimestamping = .hardware,
                recoveryTimeoutMilliseconds: Int = FeedConfiguration.defaultRecoveryTimeoutMilliseconds,
                recoveryRetries: Int = FeedConfiguration.defaultRecoveryRetries) {
        self.session = session
        self.backend = backend
        self.lineA = lineA
        self.lineB = lineB
        self.recovery = recovery
        self.interface = interface
        self.timestamping = timestamping
        self.recoveryTimeoutMilliseconds = recoveryTimeoutMilliseconds
        self.recoveryRetries = recoveryRetries
    }
}

/// `[venues.order_entry]`: how orders reach the venue.
public struct OrderEntryConfiguration: Sendable, Equatable {
    /// `protocol`.
    public enum OrderProtocol: String, Sendable, Equatable, CaseIterable {
        /// OUCH 5.0 over SoupBinTCP 4.0.
        case ouch
        /// FIX 4.4, Vega the initiator.
        case fix
    }

    public var orderProtocol: OrderProtocol
    /// `host` + `port`: where to connect (live; `nil` with the `sim` backend).
    public var endpoint: HostPort?
    /// `username`: SoupBinTCP login username (1...6 characters) or FIX SenderCompID.
    public var username: String?
    /// `password_env`: the NAME of the environment variable holding the password (never the
    /// password: no secrets in files). Checked to be set at load with the `live` backend; read by
    /// the engine when it connects.
    public var passwordEnvironmentVariable: String?
    /// `target_comp_id`: FIX TargetCompID (FIX only, required there).
    public var targetCompID: String?
    /// `heartbeat_s`: FIX HeartBtInt in seconds (FIX only; default 30).
    public var heartbeatSeconds: Int
    /// `reconnect_ms`: after the connection is lost while running, try to reconnect (and rejoin
    /// the session at the next sequence number) every this many milliseconds; 0: do not
    /// reconnect. Live only; default 1000.
    public var reconnectMilliseconds: Int = 1_000

    public init(orderProtocol: OrderProtocol, endpoint: HostPort? = nil, username: String? = nil,
                passwordEnvironmentVariable: String? = nil, targetCompID: String? = nil, heartbeatSeconds: Int = 30) {
        self.orderProtocol = orderProtocol
        self.endpoint = endpoint
        self.username = username
        self.passwordEnvironmentVariable = passwordEnvironmentVariable
        self.targetCompID = targetCompID
        self.heartbeatSeconds = heartbeatSeconds
    }
}

/// `[venues.fees]`: per-share fees, ``Money4`` (the file gives dollars, at most 4 decimals:
/// `0.0030` is 30 raw). Negative is a rebate.
public struct VenueFees: Sendable, Equatable {
    /// `take_per_share`: charged on orders that remove liquidity.
    public var takePerShare: Money4
    /// `make_per_share`: charged on resting orders that add it (usually a rebate, < 0).
    public var makePerShare: Money4

    public init(takePerShare: Money4 = .zero, makePerShare: Money4 = .zero) {
        self.takePerShare = takePerShare
        self.makePerShare = makePerShare
    }
}

/// `[venues.sim]`: the simulated venue the `sim` backend runs in process.
public struct SimulatedVenueConfiguration: Sendable, Equatable {
    /// `seed`: everything the venue does is a function of it.
    public var seed: UInt64
    /// `message_rate`: background ITCH messages per second (1...10,000,000).
    public var messageRate: UInt32
    /// `participants`: simulated firms trading in the background (1...1000).
    public var participants: UInt32

    public init(seed: UInt64, messageRate: UInt32 = 20_000, participants: UInt32 = 8) {
        self.seed = seed
        self.messageRate = messageRate
        self.participants = participants
    }
}
