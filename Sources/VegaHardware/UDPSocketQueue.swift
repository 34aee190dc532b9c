import CVegaNet
import Glibc

/// A UDP socket as a `PacketQueue`: unicast or multicast receive with SO_TIMESTAMPING, sends to a
/// fixed destination, TX stamps from the error queue matched by OPT_ID.
///
/// The live backend for market data on ordinary NICs (and, under Onload, on Solarflare ones).
/// `receive` is one `recvmmsg`; `transmit` one `sendto`; neither allocates.
public struct UDPSocketQueue: PacketQueue, ~Copyable {
    public struct Configuration: Sendable {
        /// Local address and port to bind ("0.0.0.0:26400"); for multicast, the group's port.
        public var bind: IPv4Endpoint
        /// Multicast group to join, if any.
        public var multicastGroup: IPv4Endpoint?
        /// Source for source-specific multicast.
        public var multicastSource: IPv4Endpoint?
        /// Interface to receive on / join through / stamp on ("lo", "eth0", "veth-a").
        public var interface: String?
        /// Where `transmit` sends.
        public var destination: IPv4Endpoint?
        public var timestamping: TimestampingMode
        /// SO_BUSY_POLL µs (0: off), SO_PREFER_BUSY_POLL, SO_BUSY_POLL_BUDGET.
        public var busyPollMicroseconds: Int
        public var preferBusyPoll: Bool
        public var busyPollBudget: Int
        /// SO_RCVBUF bytes (0: kernel default).
        public var receiveBufferBytes: Int
        /// Deliver our own multicast sends back to local receivers (tests, single-host setups).
        public var multicastLoop: Bool

        public init(
            bind: IPv4Endpoint, multicastGroup: IPv4Endpoint? = nil, multicastSource: IPv4Endpoint? = nil,
            interface: String? = nil, destination: IPv4Endpoint? = nil, timestamping: TimestampingMode = .software,
            busyPollMicroseconds: Int = 0, preferBusyPoll: Bool = false, busyPollBudget: Int = 0,
            receiveBufferBytes: Int = 0, multicastLoop: Bool = true
        ) {
            self.bind = bind
            self.multicastGroup = multicastGroup
            self.multicastSource = multicastSource
            self.interface = interface
            self.destination = destination
            self.timestamping = timestamping
            self.busyPollMicroseconds = busyPollMicroseconds
            self.preferBusyPoll = preferBusyPoll
            self.busyPollBudget = busyPollBudget
            self.receiveBufferBytes = receiveBufferBytes
            self.multicastLoop = multicastLoop
        }
    }

    public let fd: Int32
    public let info: PacketQueueInfo
    public let timestamping: TimestampingResult
    /// The port the socket is bound to (useful when binding port 0).
    public let localPort: UInt16
    @usableFromInline let destination: UnsafeMutablePointer<sockaddr_in>
    @usableFromInline var hasDestination: Bool
    @usableFromInline var sendCounter: UInt32 = 0
    @usableFromInline let stampScratch: UnsafeMutablePointer<vega_tx_stamp>
    @usableFromInline let stampScratchCount = 64

    public init(_ c: Configuration) throws(HardwareSetupError) {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system("socket(AF_INET, SOCK_DGRAM)", negativeErrno: -errno) }
        var ok = false
        defer { if !ok { close(fd) } }

        var one: Int32 = 1
        // Several processes (A and B line handlers, a capture) may bind the same group and port.
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<Int32>.size))
        if c.receiveBufferBytes > 0 {
            var size = Int32(clamping: c.receiveBufferBytes)
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        if let interface = c.interface {
            let rc = setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, interface, socklen_t(interface.utf8.count))
            if rc != 0 { throw .system("SO_BINDTODEVICE \(interface)", negativeErrno: -errno) }
        }
        var addr = c.bind.sockaddr
        let brc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard brc == 0 else { throw .system("bind \(c.bind)", negativeErrno: -errno) }
        var bound = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        let boundPort = UInt16(bigEndian: bound.sin_port)

        let ifindex: Int32 = c.interface.map { max(vega_net_ifindex($0), 0) } ?? 0
        if let group = c.multicastGroup {
            let rc: Int32
            if let source = c.multicastSource {
                rc = vega_net_join_ipv4_ssm(fd, group.address, source.address, 0)
            } else {
                rc = vega_net_join_ipv4_multicast(fd, group.address, 0, ifindex)
            }
            guard rc == 0 else { throw .system("join multicast \(group) on \(c.interface ?? "default interface")", negativeErrno: rc) }
        }
        if let dest = c.destination, dest.isMulticast {
            let local = c.interface.flatMap { IPv4Endpoint.interfaceAddresses()[$0]?.first } ?? 0
            let rc = vega_net_set_multicast_send(fd, local, c.multicastLoop ? 1 : 0, 1)
            guard rc == 0 else { throw .system("configure multicast send to \(dest)", negativeErrno: rc) }
        }
        if c.busyPollMicroseconds > 0 || c.preferBusyPoll || c.busyPollBudget > 0 {
            let rc = vega_net_set_busy_poll(
                fd, Int32(clamping: c.busyPollMicroseconds), c.preferBusyPoll ? 1 : 0, Int32(clamping: c.busyPollBudget))
            // SO_BUSY_POLL above net.core.busy_read needs CAP_NET_ADMIN; say so rather than guess.
            guard rc == 0 else { throw .system("busy-poll options (SO_BUSY_POLL/PREFER/BUDGET)", negativeErrno: rc) }
        }
        let ts = try SocketTimestamping.enable(fd: fd, mode: c.timestamping, interface: c.interface, stream: false)
        timestamping = ts
        localPort = boundPort
        destination = .allocate(capacity: 1)
        destination.initialize(to: c.destination?.sockaddr ?? sockaddr_in())
        hasDestination = c.destination != nil
        stampScratch = .allocate(capacity: 64)
        info = PacketQueueInfo(
            backend: "udp-socket",
            endpoint: "\(c.multicastGroup.map { "group \($0) " } ?? "")bind \(IPv4Endpoint(addressBE: c.bind.address, port: boundPort))"
                + (c.interface.map { " dev \($0)" } ?? "") + (c.destination.map { " → \($0)" } ?? ""),
            hardwareRxTimestamps: ts.hardware, softwareRxTimestamps: ts.software,
            hardwareTxTimestamps: ts.hardware, softwareTxTimestamps: ts.software)
        self.fd = fd
        ok = true
    }

    deinit {
        close(fd)
        stampScratch.deallocate()
        destination.deallocate()
    }

    @inlinable
    public mutating func receive(into batch: inout RxBatch) throws(HardwareError) -> Int {
        // One recvmmsg(2): the kernel's cost, no user-space allocation or locks.
        let fd = self.fd, raw = batch.raw
        let n = _unsafePerformance { vega_net_recv_batch(fd, raw, 1) }
        guard n >= 0 else { throw HardwareError("recvmmsg", negativeErrno: n) }
        batch.pointFramesAtSlots(Int(n))
        return Int(n)
    }

    @inlinable
    public mutating func transmit(_ frame: UnsafeRawBufferPointer) throws(HardwareError) -> UInt32 {
        // One sendto(2): the kernel's cost, no user-space allocation or locks.
        let fd = self.fd, to = UnsafeRawPointer(destination).assumingMemoryBound(to: sockaddr.self)
        let addressed = hasDestination
        let n = _unsafePerformance {
            addressed
                ? sendto(fd, frame.baseAddress, frame.count, 0, to, socklen_t(MemoryLayout<sockaddr_in>.size))
                : send(fd, frame.baseAddress, frame.count, 0)
        }
        if n < 0 {
            let code = _unsafePerformance { errno }
            throw HardwareError("sendto", code: code)
        }
        // OPT_ID on a datagram socket counts sends from 0.
        let id = sendCounter
        sendCounter &+= 1
        return id
    }

    @inlinable
    public mutating func drainTxTimestamps(into stamps: UnsafeMutableBufferPointer<TxTimestamp>) throws(HardwareError) -> Int {
        let want = Int32(Swift.min(stamps.count, stampScratchCount))
        let fd = self.fd, scratch = stampScratch
        let n = _unsafePerformance { vega_net_read_tx_stamps(fd, scratch, want) }
        guard n >= 0 else { throw HardwareError("recvmsg(MSG_ERRQUEUE)", negativeErrno: n) }
        for i in 0..<Int(n) { stamps[i] = TxTimestamp(stampScratch[i]) }
        return Int(n)
    }

    /// Blocks up to `milliseconds` until a TX stamp is waiting (off the lane: tests, diagnostics).
    public func waitForTxTimestamp(milliseconds: Int32) -> Bool {
        vega_net_wait_errqueue(fd, milliseconds) == 1
    }
}
