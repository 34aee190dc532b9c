import CVegaNet
import Glibc
import VegaHardware

/// Why the venue service could not start or run a venue: the venue, what it was doing and the
/// system's reason.
public struct VenueServiceError: Error, Sendable, CustomStringConvertible {
    public var venue: String
    public var operation: String
    public var reason: String

    public init(venue: String, operation: String, reason: String) {
        self.venue = venue
        self.operation = operation
        self.reason = reason
    }

    public var description: String { "venue \(venue): \(operation): \(reason)" }
}

/// The few POSIX socket calls the service makes (nonblocking IPv4 TCP and UDP), each failure
/// naming the call and errno. Off the lane.
enum VenueSockets {
    static func errorText(_ code: Int32) -> String { "\(String(cString: strerror(code))) (errno \(code))" }

    static func setNonBlocking(_ fd: Int32) -> Bool {
        let flags = fcntl(fd, F_GETFL, 0)
        return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0
    }

    static func boundPort(_ fd: Int32) -> UInt16 {
        var bound = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return UInt16(bigEndian: bound.sin_port)
    }

    /// A nonblocking socket of `type` bound to `endpoint` (TCP: listening); returns it and its port.
    static func bind(_ endpoint: IPv4Endpoint, tcp: Bool, what: String, venue: String) throws(VenueServiceError) -> (fd: Int32, port: UInt16) {
        let type = tcp ? Int32(SOCK_STREAM.rawValue) : Int32(SOCK_DGRAM.rawValue)
        let fd = socket(AF_INET, type | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw VenueServiceError(venue: venue, operation: "socket for the \(what)", reason: errorText(errno)) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var a = endpoint.sockaddr
        let rc = withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if rc != 0 {
            let e = errno
            close(fd)
            throw VenueServiceError(venue: venue, operation: "bind the \(what) to \(endpoint)", reason: errorText(e))
        }
        if tcp && listen(fd, 64) != 0 {
            let e = errno
            close(fd)
            throw VenueServiceError(venue: venue, operation: "listen on \(endpoint) (\(what))", reason: errorText(e))
        }
        guard setNonBlocking(fd) else {
            let e = errno
            close(fd)
            throw VenueServiceError(venue: venue, operation: "make the \(what) socket nonblocking", reason: errorText(e))
        }
        return (fd, boundPort(fd))
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
