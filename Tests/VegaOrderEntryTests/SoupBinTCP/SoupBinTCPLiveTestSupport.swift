#if canImport(Glibc)
import Glibc
#endif
import Testing
import VegaCore
@testable import VegaOrderEntry

/// Steps `body` (one turn of every event loop in the test) until `condition` holds, for at most
/// `seconds` of wall time. Returns whether it held. Waits on the condition, never sleeps blindly.
@discardableResult
func runUntil(seconds: Double = 60, _ body: () -> Void, _ condition: () -> Bool) -> Bool {
    let deadline = soupBinTCPMonotonicNow() + UInt64(seconds * 1e9)
    while soupBinTCPMonotonicNow() < deadline {
        body()
        if condition() { return true }
    }
    return false
}

/// A plain TCP peer that speaks whatever bytes a test gives it: for sending garbage, half packets
/// and floods at a server.
final class RawPeer {
    let fd: Int32
    var received: [UInt8] = []
    var closedByPeer = false

    init(port: UInt16) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = port.bigEndian
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        precondition(rc == 0, "connect failed: \(errno)")
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK)
    }

    deinit { close(fd) }

    /// Writes all of `bytes` (the server reads concurrently in `step`, so keep calling it).
    func send(_ bytes: [UInt8], pump: () -> Void) {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 { off += n } else if n < 0 && errno != EAGAIN { return } else { pump() }
        }
    }

    /// Reads what is there; notes an orderly close or a reset.
    func poll() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !closedByPeer {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { received += buffer[0..<n] } else if n == 0 || errno != EAGAIN { closedByPeer = true } else { return }
        }
    }
}
