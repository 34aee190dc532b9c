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
        result.software = true
        return result
    }
}
