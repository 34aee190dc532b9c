import CVegaFPGA
import Glibc
import VegaCore
import VegaHardware

/// The writing side of the FPGA event ring, in software: creates a file (normally under
/// /dev/shm), lays out `vega_fpga_ring.h`'s format in it, and writes events with the header's
/// own lock-free protocol (`vega_fpga_ring_write`), so `MappedEventRing(source: .file(path:))`
/// in any process reads it exactly as it reads the hardware.
///
/// Like the hardware, it never waits for readers: a slow reader is lapped and told how much it
/// lost. `write` is a slot store sequence (no allocation, no locks, no syscalls).
public struct FPGARingWriter: ~Copyable {
    public let path: String
    public let slotCount: UInt64
    var mapping: vega_fpga_mapping
    let header: UnsafeMutablePointer<vega_fpga_ring_header>
    /// Events written so far (the last event number).
    public private(set) var written: UInt64 = 0

    /// Creates or truncates `path` for `slotCount` slots (a power of two) and formats it.
    /// `createdNanoseconds` is the header's CLOCK_REALTIME creation time.
    public init(path: String, slotCount: UInt64, createdNanoseconds: UInt64 = Timestamp<UTC>.now().nanoseconds)
        throws(HardwareSetupError)
    {
        guard slotCount > 0, slotCount & (slotCount - 1) == 0 else {
            throw HardwareSetupError(.invalid, "create FPGA ring \(path)", "slot count \(slotCount) is not a power of two")
        }
        let bytes = vega_fpga_ring_bytes(slotCount)
        // Readers may still map an old file at this path: unlink first so they keep the old inode
        // instead of seeing it truncated under them (SIGBUS).
        unlink(path)
        var m = vega_fpga_mapping()
        let rc = vega_fpga_map_file(path, bytes, 1, &m)
        guard rc == 0 else { throw .system("create FPGA ring \(path) (\(bytes) bytes)", negativeErrno: rc) }
        let f = vega_fpga_ring_format(m.base, m.length, slotCount, UInt64(getpid()), createdNanoseconds)
        guard f == 0 else {
            vega_fpga_unmap(&m)
            throw HardwareSetupError(.invalid, "format FPGA ring \(path)", "vega_fpga_ring_format returned \(f)")
        }
        mapping = m
        header = m.base.assumingMemoryBound(to: vega_fpga_ring_header.self)
        self.path = path
        self.slotCount = slotCount
    }

    deinit {
        var m = mapping
        vega_fpga_unmap(&m)
    }

    /// Publishes the next event (number `written + 1`). Never waits.
    public mutating func write(_ event: FPGAEvent) {
        written &+= 1
        withUnsafePointer(to: event) { vega_fpga_ring_write(header, written, $0) }
    }

    /// Records a sign of life (CLOCK_REALTIME ns) for readers' liveness checks.
    public func heartbeat(nanoseconds: UInt64) { vega_fpga_ring_heartbeat(header, nanoseconds) }
}
