#if canImport(Glibc)
import Glibc
#endif

/// Thin POSIX socket helpers for the SoupBinTCP transports: nonblocking IPv4 TCP, no SwiftNIO.
///
/// Errors are thrown as `SoupBinTCPSocketError` with the call and errno. Off the lane: connection
/// setup allocates nothing but is a syscall; reads and writes reuse the transports' buffers.
public struct SoupBinTCPSocketError: Error, CustomStringConvertible, Sendable {
    public let call: String
    public let errno: Int32
    public var description: String { "\(call): \(String(cString: strerror(errno))) (errno \(errno))" }
}

/// Monotonic nanoseconds (CLOCK_MONOTONIC): the `now` the transports pass to the sessions.
@inline(__always)
public func soupBinTCPMonotonicNow() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

enum SoupBinTCPSocket {
    static func fail(_ call: String) -> SoupBinTCPSocketError { SoupBinTCPSocketError(call: call, errno: errno) }

    static func setNonBlocking(_ fd: Int32) throws(SoupBinTCPSocketError) {
        let flags = fcntl(fd, F_GETFL, 0)
        guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 else { throw fail("fcntl(O_NONBLOCK)") }
    }

    static func setNoDelay(_ fd: Int32) {
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    static func address(_ host: String, _ port: UInt16) throws(SoupBinTCPSocketError) -> sockaddr_in {
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &a.sin_addr) == 1 else { throw SoupBinTCPSocketError(call: "inet_pton(\(host))", errno: EINVAL) }
        return a
    }

    /// A nonblocking listening socket on `host:port` (port 0: the kernel picks); returns it and the port.
    static func listen(host: String, port: UInt16) throws(SoupBinTCPSocketError) -> (Int32, UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw fail("socket") }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var a = try address(host, port)
        let rc = withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { let e = fail("bind(\(host):\(port))"); close(fd); throw e }
        guard Glibc.listen(fd, 64) == 0 else { let e = fail("listen"); close(fd); throw e }
        var bound = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        do { try setNonBlocking(fd) } catch { close(fd); throw error }
        return (fd, UInt16(bigEndian: bound.sin_port))
    }

    /// A connected, nonblocking TCP socket to `host:port` (the connect itself blocks: loopback and
    /// venue connections are made before trading).
    static func connect(host: String, port: UInt16) throws(SoupBinTCPSocketError) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw fail("socket") }
        var a = try address(host, port)
        let rc = withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { let e = fail("connect(\(host):\(port))"); close(fd); throw e }
        setNoDelay(fd)
        do { try setNonBlocking(fd) } catch { close(fd); throw error }
        return fd
    }

    /// Reads what is available: >0 bytes, 0 nothing now, nil closed or failed.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        let n = recv(fd, buffer.baseAddress, buffer.count, 0)
        if n > 0 { return n }
        if n == 0 { return nil }
        return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : nil
    }

    /// Writes what the kernel takes: ≥0 bytes, nil failed.
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count > 0 else { return 0 }
        let n = send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
        if n >= 0 { return n }
        return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : nil
    }
}
