import CVegaNet
import Glibc
import VegaHardware

/// A `MoldUDP64RequestServer` on a UDP socket that answers each request to the address it came
/// from, as a re-request server does. For tests and the venue simulator: it is not lane code
/// (one `recvfrom` and one `sendto` per request, no batching).
public struct MoldUDP64UDPRequestServer: ~Copyable {
    public var server: MoldUDP64RequestServer
    public let fd: Int32
    /// The bound port (useful when binding port 0).
    public let port: UInt16
    let scratch: UnsafeMutableRawBufferPointer
    let request: UnsafeMutableRawBufferPointer

    /// Binds a nonblocking UDP socket to `bind` ("127.0.0.1:0").
    public init(server: consuming MoldUDP64RequestServer, bind: IPv4Endpoint) throws(HardwareSetupError) {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system("socket(AF_INET, SOCK_DGRAM) for the re-request server", negativeErrno: -errno) }
        var addr = bind.sockaddr
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            let e = errno
            close(fd)
            throw .system("bind the re-request server to \(bind)", negativeErrno: -e)
        }
        var bound = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        self.port = UInt16(bigEndian: bound.sin_port)
        self.fd = fd
        self.scratch = .allocate(byteCount: server.maxPayload, alignment: 8)
        self.request = .allocate(byteCount: 2048, alignment: 8)
        self.server = server
    }

    deinit {
        close(fd)
        scratch.deallocate()
        request.deallocate()
    }

    /// Answers every request waiting on the socket; returns how many were read.
    public mutating func serve() -> Int {
        var handled = 0
        while true {
            var from = sockaddr_in()
            var fromLength = socklen_t(MemoryLayout<sockaddr_in>.size)
            let n = withUnsafeMutablePointer(to: &from) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(fd, request.baseAddress, request.count, 0, $0, &fromLength)
                }
            }
            guard n >= 0 else { return handled }
            handled += 1
            if case .packet(let length, _, _) = server.answer(request: UnsafeRawBufferPointer(rebasing: request[0..<n]), into: scratch) {
                _ = withUnsafePointer(to: &from) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, scratch.baseAddress, length, 0, $0, fromLength)
                    }
                }
            }
        }
    }
}
