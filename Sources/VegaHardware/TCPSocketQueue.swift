import CVegaNet
import Glibc

/// A connected TCP socket as a `PacketQueue`: each `receive` slot holds one chunk of the byte
/// stream with the kernel's RX timestamp of its first segment; `transmit` sends bytes and returns
/// the OPT_ID byte offset of the send's last byte, which its TX stamps (SCHED/SND/ACK) carry.
///
/// Order entry (OUCH over SoupBinTCP, FIX) runs over this; framing is the session layer's job.
public struct TCPSocketQueue: PacketQueue, ~Copyable {
    public let fd: Int32
    public let info: PacketQueueInfo
    public let timestamping: TimestampingResult
    @usableFromInline var bytesSent: UInt32 = 0
    @usableFromInline let stampScratch: UnsafeMutablePointer<vega_tx_stamp>
    @usableFromInline let stampScratchCount = 64
    /// The unsent tail of a frame the kernel took only part of (send buffer full): sent before
    /// anything else, so the byte stream never repeats or loses a byte. Fixed capacity.
    @usableFromInline let tail: UnsafeMutableRawBufferPointer
    @usableFromInline var tailStart = 0
    @usableFromInline var tailEnd = 0
    /// Capacity of the tail buffer: the largest frame whose remainder can be kept.
    public static let tailCapacity = 64 * 1024

    /// Connects (blocking, off the lane) to `remote`, then switches to non-blocking.
    public init(connectTo remote: IPv4Endpoint, timestamping mode: TimestampingMode = .software, interface: String? = nil)
        throws(HardwareSetupError)
    {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system("socket(AF_INET, SOCK_STREAM)", negativeErrno: -errno) }
        var addr = remote.sockaddr
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            let e = errno
            close(fd)
            throw .system("connect \(remote)", negativeErrno: -e)
        }
        try self.init(adopting: fd, peer: remote.description, timestamping: mode, interface: interface)
    }

    /// Takes ownership of a connected socket (from `accept`). Closes it if setup fails.
    public init(adopting fd: Int32, peer: String, timestamping mode: TimestampingMode = .software, interface: String? = nil)
        throws(HardwareSetupError)
    {
        var ok = false
        defer { if !ok { close(fd) } }
        var one: Int32 = 1
        // Orders are small and latency-bound: never wait to coalesce.
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        let ts = try SocketTimestamping.enable(fd: fd, mode: mode, interface: interface, stream: true)
        // Stream TX stamps: ask for SCHED and ACK too, so a send's queueing and its peer's ACK
        // are both visible.
        if mode != .none {
            let more = ts.flags | UInt32(VEGA_TS_TX_SCHED | VEGA_TS_TX_ACK)
            _ = vega_net_enable_timestamping(fd, more, -1)
        }
        timestamping = ts
        stampScratch = .allocate(capacity: 64)
        tail = .allocate(byteCount: Self.tailCapacity, alignment: 16)
        info = PacketQueueInfo(
            backend: "tcp-socket", endpoint: "peer \(peer)", hardwareRxTimestamps: ts.hardware,
            softwareRxTimestamps: ts.software, hardwareTxTimestamps: ts.hardware, softwareTxTimestamps: ts.software)
        self.fd = fd
        ok = true
    }

    deinit {
        close(fd)
        stampScratch.deallocate()
        tail.deallocate()
    }

    @inlinable
    public mutating func receive(into batch: inout RxBatch) throws(HardwareError) -> Int {
        if tailEnd > tailStart { _ = try sendTail() }
        var n = 0
        while n < batch.capacity {
            let slot = batch.slot(n)
            var meta = vega_rx_meta()
            let got = vega_net_recv_stream(fd, slot.baseAddress, slot.count, 1, &meta)
            if got < 0 { throw HardwareError("recvmsg", negativeErrno: got) }
            if got == 0 {
                // 0 is "nothing waiting" from the shim; a closed peer reads as ECONNRESET below.
                break
            }
            batch.set(n, bytes: UnsafeRawPointer(slot.baseAddress!), meta: meta)
            n += 1
            if got < slot.count { break }   // drained what was there
        }
        batch.setCount(n)
        if n == 0, peerClosed() { throw HardwareError("recv", code: ECONNRESET) }
        return n
    }

    /// The shim reports both "would block" and orderly shutdown as 0 bytes: tell them apart
    /// (only called when nothing was read).
    @usableFromInline
    func peerClosed() -> Bool {
        var byte: UInt8 = 0
        let r = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return r == 0
    }

    /// Sends `frame` whole or not at all, as the caller sees it: a throw means no byte of this
    /// frame was sent (the caller keeps it and tries again). When the kernel takes only part of
    /// it (send buffer full), the rest is kept here and sent first by the next `transmit` or
    /// `receive`; while such a tail is pending, `transmit` throws EAGAIN without sending.
    @inlinable
    public mutating func transmit(_ frame: UnsafeRawBufferPointer) throws(HardwareError) -> UInt32 {
        if tailEnd > tailStart {
            guard try sendTail() else { throw HardwareError("send", code: EAGAIN) }
        }
        var off = 0
        while off < frame.count {
            let n = send(fd, frame.baseAddress! + off, frame.count - off, Int32(MSG_NOSIGNAL))
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                if (e == EAGAIN || e == EWOULDBLOCK) && off > 0 {
                    // Part of the frame is on the wire: keep the rest, never resend the part.
                    keepTail(UnsafeRawBufferPointer(rebasing: frame[off...]))
                    break
                }
                throw HardwareError("send", code: e)
            }
            off += n
        }
        bytesSent &+= UInt32(truncatingIfNeeded: frame.count)
        // OPT_ID on a stream: the stamp's id is the offset of the send's last byte.
        return bytesSent &- 1
    }

    /// Bytes of a partly sent frame still waiting for room in the send buffer.
    @inlinable public var pendingTailBytes: Int { tailEnd - tailStart }

    @usableFromInline
    mutating func keepTail(_ rest: UnsafeRawBufferPointer) {
        if rest.count <= tail.count {
            tail.baseAddress!.copyMemory(from: rest.baseAddress!, byteCount: rest.count)
            tailStart = 0
            tailEnd = rest.count
            return
        }
        // Larger than the tail buffer (frames are far smaller in practice): wait for room rather
        // than break the stream.
        var off = 0
        while off < rest.count {
            let n = send(fd, rest.baseAddress! + off, rest.count - off, Int32(MSG_NOSIGNAL))
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&p, 1, 10)
                    continue
                }
                return   // the connection failed: the next receive reports it
            }
            off += n
        }
    }

    /// Sends what is left of a partly sent frame. Returns true when nothing is left.
    @usableFromInline
    mutating func sendTail() throws(HardwareError) -> Bool {
        while tailEnd > tailStart {
            let n = send(fd, tail.baseAddress! + tailStart, tailEnd - tailStart, Int32(MSG_NOSIGNAL))
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                if e == EAGAIN || e == EWOULDBLOCK { return false }
                throw HardwareError("send", code: e)
            }
            tailStart += n
        }
        tailStart = 0
        tailEnd = 0
        return true
    }

    @inlinable
    public mutating func drainTxTimestamps(into stamps: UnsafeMutableBufferPointer<TxTimestamp>) throws(HardwareError) -> Int {
        let n = vega_net_read_tx_stamps(fd, stampScratch, Int32(Swift.min(stamps.count, stampScratchCount)))
        guard n >= 0 else { throw HardwareError("recvmsg(MSG_ERRQUEUE)", negativeErrno: n) }
        for i in 0..<Int(n) { stamps[i] = TxTimestamp(stampScratch[i]) }
        return Int(n)
    }

    public func waitForTxTimestamp(milliseconds: Int32) -> Bool { vega_net_wait_errqueue(fd, milliseconds) == 1 }
}

/// A listening TCP socket that hands out `TCPSocketQueue`s (venue simulators, tests).
public struct TCPListener: ~Copyable {
    public let fd: Int32
    public let port: UInt16

    public init(bind: IPv4Endpoint, backlog: Int32 = 64) throws(HardwareSetupError) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system("socket", negativeErrno: -errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = bind.sockaddr
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0, listen(fd, backlog) == 0 else {
            let e = errno
            close(fd)
            throw .system("bind/listen \(bind)", negativeErrno: -e)
        }
        var bound = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        self.fd = fd
        self.port = UInt16(bigEndian: bound.sin_port)
    }

    deinit { close(fd) }

    /// Blocks until a client connects.
    public func accept(timestamping: TimestampingMode = .software) throws(HardwareSetupError) -> TCPSocketQueue {
        var peer = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let c = withUnsafeMutablePointer(to: &peer) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.accept(fd, $0, &len) }
        }
        guard c >= 0 else { throw .system("accept", negativeErrno: -errno) }
        let who = IPv4Endpoint(addressBE: peer.sin_addr.s_addr, port: UInt16(bigEndian: peer.sin_port))
        return try TCPSocketQueue(adopting: c, peer: who.description, timestamping: timestamping)
    }
}
