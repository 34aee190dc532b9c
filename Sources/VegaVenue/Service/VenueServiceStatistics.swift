import VegaHardware
import VegaOrderEntry

/// One venue of a running ``VenueService``: its node's statistics plus what its sockets did.
public struct VenueServiceStatistics: Sendable, Equatable, CustomStringConvertible {
    public var venue: String
    public var node = VenueNodeStatistics()
    /// FIX application messages received from clients and replies sent to them.
    public var fixMessagesIn: UInt64 = 0
    public var fixMessagesOut: UInt64 = 0
    /// FIX sessions logged on now.
    public var fixSessionsLoggedOn = 0
    /// OUCH/SoupBinTCP TCP connections open now.
    public var tcpConnectionsOpen = 0
    /// Bytes written to and read from OUCH connections.
    public var tcpBytesOut: UInt64 = 0
    public var tcpBytesIn: UInt64 = 0
    /// MoldUDP64 datagrams the kernel refused to send (logged; a listener recovers them by re-request).
    public var marketDataSendErrors: UInt64 = 0
    /// Outputs waiting for their release time (the wire latency) now.
    public var queued = 0

    public init(venue: String) { self.venue = venue }

    public var description: String {
        "venue \(venue): \(node) fix-in \(fixMessagesIn) fix-out \(fixMessagesOut) fix-sessions \(fixSessionsLoggedOn) "
            + "tcp-open \(tcpConnectionsOpen) tcp-in \(tcpBytesIn) B tcp-out \(tcpBytesOut) B md-send-errors \(marketDataSendErrors) queued \(queued)"
    }
}

/// Where a running venue can be reached (the ports the kernel chose for `:0` addresses).
public struct VenueServiceEndpoints: Sendable, Equatable {
    public var venue: String
    /// The MoldUDP64 multicast group and port.
    public var marketData: IPv4Endpoint
    /// The re-request server's address, when it has one.
    public var reRequest: IPv4Endpoint?
    /// The OUCH/SoupBinTCP listening address, when it has one.
    public var ouch: IPv4Endpoint?
    /// The FIX acceptor ports (after ``VenueService/start()``).
    public var fixPorts: [Int]
}
