import CVegaNet
import Glibc
import VegaHardware
import VegaTrading

extension EnginePlan {
    /// One external venue of the live backend, as the lanes reach it: its MoldUDP64 feed (a UDP
    /// multicast group joined on `interface`), its MoldUDP64 re-request server, and its OUCH over
    /// SoupBinTCP port. Every lane opens its own sockets to it (a lane owns its queues).
    public struct LiveVenue: Sendable, Equatable {
        public var name: String
        /// The interface the feed is received on (`SO_BINDTODEVICE`, the multicast join).
        public var interface: String
        /// The feed's A line: multicast group and port.
        public var lineA: IPv4Endpoint
        /// The MoldUDP64 re-request server (`nil`: gaps are reported, not recovered).
        public var recovery: IPv4Endpoint?
        /// The OUCH/SoupBinTCP server.
        public var orderEntry: IPv4Endpoint
        /// The feed socket's receive stamps (`hardware` falls back to `software`, logged).
        public var timestamping: TimestampingMode
        /// Between reconnection attempts after the order-entry connection is lost; 0: none.
        public var reconnectIntervalNanoseconds: UInt64

        public init(name: String, interface: String, lineA: IPv4Endpoint, recovery: IPv4Endpoint?, orderEntry: IPv4Endpoint,
                    timestamping: TimestampingMode = .hardware, reconnectIntervalNanoseconds: UInt64 = 1_000_000_000) {
            self.name = name
            self.interface = interface
            self.lineA = lineA
            self.recovery = recovery
            self.orderEntry = orderEntry
            self.timestamping = timestamping
            self.reconnectIntervalNanoseconds = reconnectIntervalNanoseconds
        }
    }

    /// The live venue of a validated configuration's `[[venues]]` entry, addresses resolved.
    /// - Throws: ``EngineError`` naming the file, the key and why this build cannot run it (a
    ///   feed backend other than `udp`, a B line, FIX order entry, no `password_env`, a host name
    ///   that does not resolve to IPv4).
    static func liveVenue(_ v: VenueConfiguration, source: String) throws -> LiveVenue {
        let key = "venues[\(v.id.rawValue)] (\(v.name))"
        guard v.feed.backend == .udp else {
            throw EngineError("\(source): \(key).feed.backend = \"\(v.feed.backend.rawValue)\": `vega run` reads live feeds from "
                              + "kernel UDP sockets only in this build — use backend = \"udp\"")
        }
        if v.feed.lineB != nil {
            throw EngineError("\(source): \(key).feed.line_b: A/B line arbitration is not wired in the live lanes yet — "
                              + "remove line_b (gaps are recovered through `recovery`)")
        }
        guard v.orderEntry.orderProtocol == .ouch else {
            throw EngineError("\(source): \(key).order_entry.protocol = \"fix\": the lanes send OUCH over SoupBinTCP — use protocol = \"ouch\"")
        }
        guard v.orderEntry.passwordEnvironmentVariable != nil else {
            throw EngineError("\(source): \(key).order_entry.password_env: required with [engine] backend = \"live\" "
                              + "(the name of the environment variable holding the SoupBinTCP password)")
        }
        guard let lineA = v.feed.lineA, let interface = v.feed.interface, let oe = v.orderEntry.endpoint else {
            throw EngineError("\(source): \(key): a live venue needs feed.line_a, feed.interface and order_entry.host/port")
        }
        let group = try resolve(lineA, key: "\(key).feed.line_a", source: source)
        let recovery = try v.feed.recovery.map { try resolve($0, key: "\(key).feed.recovery", source: source) }
        let orderEntry = try resolve(oe, key: "\(key).order_entry.host", source: source)
        let mode: TimestampingMode = switch v.feed.timestamping {
        case .none: .none
        case .software: .software
        case .hardware: .hardware
        }
        return LiveVenue(name: v.name, interface: interface, lineA: group, recovery: recovery, orderEntry: orderEntry,
                         timestamping: mode, reconnectIntervalNanoseconds: UInt64(v.orderEntry.reconnectMilliseconds) * 1_000_000)
    }

    /// `hp` as an IPv4 endpoint: a dotted quad as is, a host name through the resolver (its first
    /// IPv4 address). Off the lane (getaddrinfo may block).
    static func resolve(_ hp: HostPort, key: String, source: String) throws -> IPv4Endpoint {
        if let e = try? IPv4Endpoint("\(hp.host):\(hp.port)") { return e }
        if hp.host.contains(":") {
            throw EngineError("\(source): \(key): \(hp) is IPv6; the live sockets are IPv4 — give an IPv4 address or a host name")
        }
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(hp.host, nil, &hints, &result)
        guard rc == 0, let first = result, let address = first.pointee.ai_addr else {
            throw EngineError("\(source): \(key): cannot resolve \(hp.host) to an IPv4 address: \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(result) }
        let sin = UnsafeRawPointer(address).load(as: sockaddr_in.self)
        return IPv4Endpoint(addressBE: sin.sin_addr.s_addr, port: hp.port)
    }
}
