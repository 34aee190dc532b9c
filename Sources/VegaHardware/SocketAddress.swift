import CVegaNet
import Glibc

/// An IPv4 address and port, parsed off the lane ("239.1.1.1:26400", "127.0.0.1:0").
public struct IPv4Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// Network byte order.
    public var address: UInt32
    public var port: UInt16

    public init(addressBE: UInt32, port: UInt16) {
        self.address = addressBE
        self.port = port
    }

    /// Parses "a.b.c.d:port" or "a.b.c.d" (port 0).
    public init(_ text: String) throws(HardwareSetupError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else {
            throw HardwareSetupError(.invalid, "parse endpoint \"\(text)\"", "expected IPv4 address[:port], e.g. 239.1.1.1:26400")
        }
        var a = in_addr()
        guard inet_pton(AF_INET, String(parts[0]), &a) == 1 else {
            throw HardwareSetupError(.invalid, "parse endpoint \"\(text)\"", "\"\(parts[0])\" is not a dotted IPv4 address")
        }
        var port: UInt16 = 0
        if parts.count == 2 {
            guard let p = UInt16(parts[1]) else {
                throw HardwareSetupError(.invalid, "parse endpoint \"\(text)\"", "port \"\(parts[1])\" is not 0…65535")
            }
            port = p
        }
        self.init(addressBE: a.s_addr, port: port)
    }

    public static let any = IPv4Endpoint(addressBE: 0, port: 0)

    /// True for 224.0.0.0/4.
    public var isMulticast: Bool { (UInt32(bigEndian: address) >> 28) == 0xE }

    public var sockaddr: sockaddr_in {
        var s = sockaddr_in()
        s.sin_family = sa_family_t(AF_INET)
        s.sin_port = port.bigEndian
        s.sin_addr.s_addr = address
        return s
    }

    /// The dotted address without the port.
    public var addressDescription: String {
        let h = UInt32(bigEndian: address)
        return "\(h >> 24).\((h >> 16) & 255).\((h >> 8) & 255).\(h & 255)"
    }

    public var description: String { "\(addressDescription):\(port)" }

    /// Every interface's IPv4 addresses (network byte order), from getifaddrs. Off the lane.
    public static func interfaceAddresses() -> [String: [UInt32]] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [:] }
        defer { freeifaddrs(list) }
        var out: [String: [UInt32]] = [:]
        var p: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = p {
            if let a = entry.pointee.ifa_addr, a.pointee.sa_family == sa_family_t(AF_INET) {
                let be = a.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
                out[String(cString: entry.pointee.ifa_name), default: []].append(be)
            }
            p = entry.pointee.ifa_next
        }
        return out
    }
}
