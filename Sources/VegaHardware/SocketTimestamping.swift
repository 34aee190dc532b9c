import CVegaNet
import Glibc

/// Which timestamps a socket queue asks the kernel (and the NIC) for.
public enum TimestampingMode: String, Sendable, Codable, CaseIterable {
    /// No timestamps.
    case none
    /// Kernel software stamps, RX and TX.
    case software
    /// NIC hardware stamps (SIOCSHWTSTAMP on the interface) plus software stamps. Falls back to
    /// software when the interface cannot stamp, and says so in the queue's info.
    case hardware
}

/// What enabling timestamping on a socket achieved.
public struct TimestampingResult: Sendable, Equatable {
    public var flags: UInt32
    public var hardware: Bool
    public var software: Bool
    /// Why hardware stamping is off when it was asked for.
    public var hardwareUnavailableReason: String?
}

enum SocketTimestamping {
    /// Enables SO_TIMESTAMPING on `fd` for `mode`, configuring the interface for hardware stamps
    /// when asked. `stream` adds OPT_ID_TCP where the kernel knows it.
    static func enable(fd: Int32, mode: TimestampingMode, interface: String?, stream: Bool) throws(HardwareSetupError)
        -> TimestampingResult
    {
        var result = TimestampingResult(flags: 0, hardware: false, software: false, hardwareUnavailableReason: nil)
        guard mode != .none else { return result }
        // Before the first socket relies on RX stamps, make sure the kernel is taking them.
        _ = KernelStampGate.isLive
        var flags = UInt32(VEGA_TS_RX_SOFTWARE | VEGA_TS_TX_SOFTWARE | VEGA_TS_SOFTWARE)
        // OPT_ID numbers each send so a TX stamp can be matched with it; TSONLY returns just the
        // stamp, not a copy of the packet, on the error queue.
        flags |= UInt32(VEGA_TS_OPT_ID | VEGA_TS_OPT_TSONLY)
        if mode == .hardware {
            if let interface {
                var tx: Int32 = 0
                var rx: Int32 = 0
                // HWTSTAMP_TX_ON = 1, HWTSTAMP_FILTER_ALL = 1.
                let rc = vega_net_set_hwtstamp(interface, 1, 1, &tx, &rx)
                if rc == 0 {
                    flags |= UInt32(VEGA_TS_RX_HARDWARE | VEGA_TS_TX_HARDWARE | VEGA_TS_RAW_HARDWARE)
                    result.hardware = true
                } else {
                    result.hardwareUnavailableReason =
                        "SIOCSHWTSTAMP on \(interface): \(String(cString: strerror(-rc))) — the interface cannot stamp in hardware"
                }
            } else {
                result.hardwareUnavailableReason = "no interface named for hardware stamping"
            }
        }
        var rc: Int32 = -EINVAL
        if stream {
            // OPT_ID_TCP (Linux 6.2+) starts the byte counter at the write sequence, which is what
            // an application expects; older kernels refuse the bit, so try without it.
            rc = vega_net_enable_timestamping(fd, flags | UInt32(VEGA_TS_OPT_ID_TCP), -1)
            if rc == 0 { flags |= UInt32(VEGA_TS_OPT_ID_TCP) }
        }
        if rc != 0 { rc = vega_net_enable_timestamping(fd, flags, -1) }
        guard rc == 0 else { throw .system("setsockopt(SO_TIMESTAMPING, 0x\(String(flags, radix: 16)))", negativeErrno: rc) }
        result.flags = flags
        // Software stamping is on for this socket; whether the kernel is stamping yet was
        // settled by the gate (a false here means its probe never saw a stamp: say so).
        result.software = KernelStampGate.isLive
        return result
    }
}

/// The kernel takes software RX stamps only while a global static key is on, and it turns that
/// key on from a workqueue *after* the first socket asks (net_enable_timestamp defers under
/// jump labels), and off again when the last such socket closes. Frames that arrive in that
/// window carry no stamp — seen here as whole test runs of unstamped packets.
///
/// So the first socket queue that enables stamping opens a keeper socket for the life of the
/// process (holding the key on) and waits, bounded, until a probe datagram to itself comes back
/// stamped. Runs once per process (a Swift global's initialiser is thread-safe).
enum KernelStampGate {
    /// True once software RX stamps are known to flow; false if the probe never saw one.
    static var isLive: Bool { keeper.live }

    private struct Keeper: Sendable {
        let fd: Int32
        let live: Bool
    }

    private static let keeper: Keeper = {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return Keeper(fd: -1, live: false) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let flags = UInt32(VEGA_TS_RX_SOFTWARE | VEGA_TS_SOFTWARE)
        guard withUnsafePointer(to: &addr, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }) == 0,
            withUnsafeMutablePointer(to: &addr, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }) == 0,
            vega_net_enable_timestamping(fd, flags, -1) == 0
        else { return Keeper(fd: fd, live: false) }
        var buf = [UInt8](repeating: 0, count: 64)
        // Up to ~2 s: the deferred work normally runs within a millisecond or two.
        for _ in 0..<2000 {
            var probe: UInt8 = 0x56
            _ = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, &probe, 1, 0, $0, len) }
            }
            var meta = vega_rx_meta()
            var got = 0
            for _ in 0..<100 {
                got = buf.withUnsafeMutableBytes { vega_net_recv_stream(fd, $0.baseAddress, $0.count, 1, &meta) }
                if got != 0 { break }
                sched_yield()
            }
            if got > 0, meta.flags & UInt32(VEGA_FRAME_HAS_SW) != 0 { return Keeper(fd: fd, live: true) }
            usleep(1000)
        }
        return Keeper(fd: fd, live: false)
    }()
}
